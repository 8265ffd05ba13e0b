"""`ftjobs-spec`: the contract diff, the spec lint and the history report.

Usage::

    ftjobs-spec diff BASE REVISION [--format text|markdown|json|githubactions|junit|singleline]
                                   [--fail-on LEVEL] [--paths P ...] [--client-impact]
                                   [--ignore FILE ...] [--levels FILE] [--include-checks ID ...]
    ftjobs-spec lint SPEC [--paths P ...] [--format text|json] [--ignore FILE ... | --no-ignore]
    ftjobs-spec report [--output FILE] [--upstream DIR]
    ftjobs-spec update [UPSTREAM] [--portkey UPSTREAM] [--dry-run] [--check] [--format text|markdown|json]
                       [--project DIR]

A side is a spec file, `REV:path` in the current git repository (e.g. `HEAD~3:openapi/fine_tuning.yaml`)
or a full upstream spec (trimmed to `--paths`, default the fine-tuning paths, first).
Exit status: 0 no change at the `--fail-on` level (default breaking), 1 such changes (lint: errors),
2 unusable input (one `error:` line on stderr: a bad path, an unwritable output, no project).

`report` and `update` read the project's files: from a checkout, its own (`openapi/upstream/` for the
upstream specs); from an installed package they need them named (`--upstream DIR`, `--project DIR`).
The command line itself is `args.py` (standard library only: `--help` works without the tooling).
"""

from __future__ import annotations

import argparse
import json
import sys

from . import args as args_module
from . import trim
from .specdiff import diff_docs, render, workflow
from .specdiff.sources import load
from .trim import SpecError


def _parser() -> argparse.ArgumentParser:
    return args_module.parser()


def _diff(args: argparse.Namespace) -> int:
    if args.client_impact and args.format not in ("text", "markdown", "json"):
        raise SpecError("--client-impact works with --format text, markdown or json")
    include = workflow.include_checks(args.include_checks)
    levels = workflow.load_levels(args.levels) if args.levels else None
    ignores = [entry for path in args.ignore for entry in workflow.load_ignores(path)]
    b_doc, b_name = load(args.base, args.paths)
    r_doc, r_name = load(args.revision, args.paths)
    applied = workflow.apply(
        diff_docs(b_doc, r_doc, b_name, r_name), include=include, levels=levels, ignores=ignores
    )
    result = applied.result
    impact = None
    if args.client_impact:
        from .specdiff.client_impact import client_impact

        impact = client_impact(b_doc, r_doc)
    if args.format == "json":
        doc = json.loads(render.as_json(result))
        if args.ignore:
            doc["ignored"] = [{**c.to_json(), "ignore": e.to_json()} for c, e in applied.ignored]
            doc["expired_ignores"] = [e.to_json() for e in applied.expired]
        if impact is not None:
            doc["client_impact"] = [c.to_json() for c in impact]
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "githubactions":
        sys.stdout.write(render.githubactions(result))
        for entry in applied.expired:
            message = f"{_expired(entry)}: it no longer applies; renew it or fix the change"
            annotation = render.github_annotation("warning", entry.source, "ignore-expired", message)
            sys.stdout.write(annotation + "\n")
    else:
        fmt = render.FORMATS[args.format]
        sys.stdout.write(render.junit(result, args.fail_on) if args.format == "junit" else fmt(result))
        if args.ignore and args.format in ("text", "markdown"):
            sys.stdout.write(f"\n{len(applied.ignored)} change(s) ignored by the ignore file(s)\n")
        for entry in applied.expired:
            print(f"warning: {_expired(entry)}; it no longer applies", file=sys.stderr)
        if impact is not None:
            from .specdiff.client_impact import render_markdown, render_text

            sys.stdout.write("\n" + (render_markdown if args.format == "markdown" else render_text)(impact))
    return 1 if result.fails(args.fail_on) else 0


def _expired(entry: workflow.IgnoreEntry) -> str:
    return f"{entry.source}: entry {entry.index} ({entry.id}, {entry.operation}) expired on {entry.expires}"


def _lint(args: argparse.Namespace) -> int:
    from .specdiff.lint_ignore import command

    return command(args)


def _report(args: argparse.Namespace) -> int:
    from .specdiff.report import build

    upstream = args.upstream
    if upstream is None:
        upstream = trim.checkout_path("openapi/upstream", "name the histories' folder with --upstream DIR")
    elif not upstream.is_dir():
        raise SpecError(f"{upstream}: no such folder (--upstream DIR holds <vendor>/fine_tuning_history/)")
    if args.output:
        trim.check_output(args.output)
    text = build(upstream)
    if args.output:
        trim.write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _update(args: argparse.Namespace) -> int:
    from .update import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors are unusable input (2), --help is 0
        return exc.code if isinstance(exc.code, int) else 2
    try:
        handler = {"diff": _diff, "lint": _lint, "report": _report, "update": _update}[args.command]
        return handler(args)
    except SpecError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:  # a last guard: a path the command could not read or write
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except RecursionError:  # a last guard: the loaders bound nesting, so this means a reference maze
        print("error: the input nests or refers too deeply to be processed", file=sys.stderr)
        return 2


def _one_line(message: str) -> str:
    """Error messages are one line on stderr (YAML parser messages span several)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


if __name__ == "__main__":
    sys.exit(main())
