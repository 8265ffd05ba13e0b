"""``ftjobs permissions ACTION ...`` and ``ftjobs graders ACTION ...``: the rest of the fine-tuning
namespace on the command line (``client.checkpoints.permissions`` and ``client.graders``).

::

    ftjobs permissions list CHECKPOINT [--limit N] [--all] [--order ascending|descending] [--project-id ID]
    ftjobs permissions create CHECKPOINT --project-id ID [--project-id ID ...]
    ftjobs permissions delete CHECKPOINT PERMISSION_ID
    ftjobs graders validate --grader-json FILE|JSON
    ftjobs graders run --grader-json FILE|JSON --sample TEXT [--item-json FILE|JSON]

A table (or ``key: value`` lines) by default, one JSON object per line with ``--json``; every value a
server sent goes through ``_format.clean`` / ``json_line``. Bad JSON or a missing flag is a usage
error (exit 2) naming the flag.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftjobs import Client

EXIT_OK = 0
PERMISSION_HEADERS = ("ID", "PROJECT", "CREATED")


def add_arguments(add: Callable[[str, str], argparse.ArgumentParser], count: Callable[[str], int]) -> None:
    """Add the ``permissions`` and ``graders`` subcommands (``add(name, help)``; ``count`` parses a
    positive integer)."""
    p = add("permissions", "who may use a fine-tuned model checkpoint: list, create, delete")
    p.usage = PERMISSIONS_USAGE
    p.add_argument("action", choices=("list", "create", "delete"), help="what to do")
    p.add_argument("checkpoint", metavar="CHECKPOINT", help="the checkpoint's model name (ft:...)")
    p.add_argument(
        "permission_id", metavar="PERMISSION_ID", nargs="?", help="delete: the permission (cp_...)"
    )
    p.add_argument(
        "--project-id",
        dest="project_ids",
        action="append",
        metavar="PROJECT",
        help="create: a project to share with (repeatable); list: only this project's permission",
    )
    p.add_argument("--limit", type=count, default=20, help="list: permissions to show (default 20)")
    p.add_argument("--all", action="store_true", help="list: every permission, following pages")
    p.add_argument(
        "--order", choices=("ascending", "descending"), help="list: by creation (default newest first)"
    )
    p = add("graders", "check a grader, or score a sample with it: validate, run")
    p.add_argument("action", choices=("validate", "run"), help="what to do")
    p.add_argument(
        "--grader-json",
        required=True,
        metavar="FILE|JSON",
        help="the grader object, as a file path or inline JSON",
    )
    p.add_argument("--sample", metavar="TEXT", help="run: the model sample to grade ({{sample.output_text}})")
    p.add_argument(
        "--item-json", metavar="FILE|JSON", help="run: the dataset item ({{item.*}}), a JSON object"
    )


#: The three forms of ``ftjobs permissions`` (its usage line: README, errors, --help).
PERMISSIONS_USAGE = (
    "%(prog)s list CHECKPOINT [--limit N] [--all] [--order ascending|descending] [--project-id ID]\n"
    "       %(prog)s create CHECKPOINT --project-id ID [--project-id ID ...]\n"
    "       %(prog)s delete CHECKPOINT PERMISSION_ID"
)


def permissions_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with a parsed ``ftjobs permissions`` (a usage error, shown with the usage line
    before any client is made), or None."""
    if args.action != "delete" and args.permission_id is not None:
        return f"{args.action}: unexpected PERMISSION_ID {args.permission_id!r}"
    if args.action == "delete" and args.permission_id is None:
        return "delete: give CHECKPOINT and PERMISSION_ID"
    if args.action == "create" and not args.project_ids:
        return "create: give at least one --project-id"
    return None


def _object(text: str, flag: str) -> dict[str, Any]:
    from ftjobs import InvalidArgumentError

    from ._common import json_object

    try:
        return json_object(text, flag)
    except ValueError as exc:
        raise InvalidArgumentError(str(exc)) from None


def permissions(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    """``ftjobs permissions``."""
    from ftjobs import InvalidArgumentError

    from ._format import clean, json_line, table, when

    resource = client.checkpoints.permissions
    problem = permissions_problem(args)  # parse() has shown it with the usage line already
    if problem is not None:
        raise InvalidArgumentError(f"permissions {problem}")
    if args.action == "delete":
        deleted = resource.delete(args.permission_id, fine_tuned_model_checkpoint=args.checkpoint)
        out.write(json_line(deleted.to_dict()) + "\n" if args.json else f"deleted {clean(deleted.id)}\n")
        return EXIT_OK
    if args.action == "create":
        shown = list(resource.create(args.checkpoint, project_ids=args.project_ids).items)
    else:
        project_id = args.project_ids[-1] if args.project_ids else None
        listing = resource.list(
            args.checkpoint, limit=min(args.limit, 100), order=args.order, project_id=project_id
        )
        shown = []
        for permission in listing:
            if not args.all and len(shown) == args.limit:
                break
            shown.append(permission)
    if args.json:
        for permission in shown:
            out.write(json_line(permission.to_dict()) + "\n")
    else:
        rows = ([clean(p.id), clean(p.project_id or ""), when(p.created_at)] for p in shown)
        out.write(table(PERMISSION_HEADERS, rows) + "\n")
    return EXIT_OK


def graders(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    """``ftjobs graders``."""
    from ftjobs import InvalidArgumentError

    from ._format import clean, json_line

    grader = _object(args.grader_json, "--grader-json")
    if args.action == "validate":
        if args.sample is not None or args.item_json is not None:
            raise InvalidArgumentError("graders validate: --sample and --item-json belong to graders run")
        validation = client.graders.validate(grader=grader)
        if args.json:
            out.write(json_line(validation.to_dict()) + "\n")
        else:
            kind = getattr(validation.grader, "type", None) or grader.get("type")
            out.write(f"valid: {clean(kind)} grader {clean(grader.get('name', ''))!r}\n")
        return EXIT_OK
    if args.sample is None:
        raise InvalidArgumentError("graders run: give --sample TEXT (the model output to grade)")
    item = None if args.item_json is None else _object(args.item_json, "--item-json")
    result = client.graders.run(grader=grader, model_sample=args.sample, item=item)
    if args.json:
        out.write(json_line(result.to_dict()) + "\n")
        return EXIT_OK
    meta = result.metadata
    errors = meta.errors if meta is not None else None
    flags = ("sample_parse_error", "invalid_variable_error", "formula_parse_error", "other_error")
    flagged = [name for name in flags if errors is not None and getattr(errors, name) is True]
    out.write(f"reward: {result.reward}\n")
    if meta is not None:
        out.write(f"grader: {clean(meta.type or '')} {clean(meta.name or '')!r}\n")
    if flagged:
        out.write(f"errors: {', '.join(flagged)}\n")
    return EXIT_OK
