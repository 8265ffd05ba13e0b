"""`ftjobs-spec`'s command line, built from the standard library alone.

`ftjobs-spec --help` (and each subcommand's `--help`) must work where the spec tooling's libraries
(the `tooling` extra) are not installed, so the parser lives here, apart from the code that needs
them; `entry.py` shows it when the tooling is missing. The choices below are the tooling's own
(`specdiff.render.FORMATS`, `specdiff.model.LEVELS`, `update.RENDERERS`, `trim.DEFAULT_PATH_PREFIXES`);
tests/scripts/test_spec_cli_paths.py checks that they stay equal.
"""

from __future__ import annotations

import argparse
from pathlib import Path

#: The diff's output formats (specdiff.render.FORMATS).
DIFF_FORMATS = ("githubactions", "json", "junit", "markdown", "singleline", "text")
#: Change levels, lowest first is `info` (specdiff.model.LEVELS).
LEVELS = ("breaking", "warning", "info")
#: `update --format` (update.RENDERERS).
UPDATE_FORMATS = ("json", "markdown", "text")
#: The path prefixes a full upstream spec is trimmed to (trim.DEFAULT_PATH_PREFIXES).
PATH_PREFIXES = ("/fine_tuning/", "/files", "/uploads")

DESCRIPTION = "`ftjobs-spec`: the contract diff, the spec lint and the history report."


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ftjobs-spec", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("diff", help="compare two specs (exit 1 on breaking changes)")
    d.add_argument("base", help="spec file or REV:path")
    d.add_argument("revision", help="spec file or REV:path")
    d.add_argument("--format", choices=DIFF_FORMATS, default="text")
    d.add_argument("--fail-on", choices=LEVELS, default="breaking", help="lowest level that makes exit 1")
    d.add_argument("--paths", nargs="+", default=list(PATH_PREFIXES), help="path prefixes to keep")
    d.add_argument(
        "--client-impact", action="store_true", help="also list changes in the generated Python API"
    )
    d.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="FILE",
        help="ignore file (YAML list of id/operation/pointer/reason[/expires]); repeatable",
    )
    d.add_argument(
        "--levels",
        "--severity-levels",
        metavar="FILE",
        help="level overrides (YAML mapping rule-id: breaking|warning|info|off)",
    )
    d.add_argument(
        "--include-checks",
        nargs="+",
        default=[],
        metavar="ID",
        help="turn on optional checks (rule ids, or 'all'); see docs/spec-diff.md",
    )
    lint = sub.add_parser("lint", help="validate a spec and every example in it")
    lint.add_argument("spec", help="spec file or REV:path")
    lint.add_argument("--paths", nargs="+", default=list(PATH_PREFIXES), help="path prefixes to keep")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    accepted = lint.add_mutually_exclusive_group()
    accepted.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="FILE",
        help="accepted findings (the diff's ignore file format, lint finding ids); repeatable "
        "(default: SPEC's <name>.lint-ignore.yaml beside it, when there is one)",
    )
    accepted.add_argument(
        "--no-ignore", action="store_true", help="show every finding, the accepted ones included"
    )
    rep = sub.add_parser("report", help="write the markdown report of the upstream histories")
    rep.add_argument("--output", type=Path, help="output file (default: stdout)")
    rep.add_argument(
        "--upstream",
        type=Path,
        default=None,
        help="folder holding <vendor>/fine_tuning_history/ and <vendor>/openapi.yaml "
        "(default: openapi/upstream of the checkout ftjobs-spec runs from; needed when it runs "
        "from an installed package)",
    )
    update = sub.add_parser(
        "update", help="regenerate from a new upstream spec: overlays, diff, version, changelog"
    )
    update.add_argument(
        "upstream",
        nargs="?",
        type=Path,
        default=None,
        help="the new OpenAI spec (default: the project's openapi/upstream/openai/openapi.yaml)",
    )
    update.add_argument(
        "--portkey",
        type=Path,
        default=None,
        metavar="UPSTREAM",
        help="the new Portkey spec (default: the project's openapi/upstream/portkey/openapi.yaml, "
        "when the project has an openapi/fine_tuning.portkey.yaml)",
    )
    update.add_argument(
        "--dry-run", action="store_true", help="print the plan and the changelog entry; write nothing"
    )
    update.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when the committed specs are behind upstream (CI); write nothing",
    )
    update.add_argument("--format", choices=UPDATE_FORMATS, default="text")
    update.add_argument(
        "--project",
        type=Path,
        default=None,
        help="project root (default: the checkout ftjobs-spec runs from; needed when it runs from an "
        "installed package)",
    )
    return parser
