"""The options every API subcommand takes, and the argument types the subcommands share.

Common options are accepted before the subcommand (``ftjobs --json list``) and after it
(``ftjobs list --json``): the top-level parser holds them with their defaults, and each subcommand
holds them again with ``default=SUPPRESS``, so that a subcommand only overrides what was given after
it (the later position wins when both are given). :func:`add_common` is applied by ``build_parser``
to every subcommand except ``serve``, whichever module registered it.

Nothing here imports httpx2: ``ftjobs serve`` parses its arguments without loading the client.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable
from typing import Any

PROVIDERS = ("openai", "portkey", "azure", "compatible")
#: The title of the common options' group in every subcommand's --help.
COMMON_TITLE = "common options (before or after the subcommand)"


def positive_float(text: str) -> float:
    """A finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < math.inf:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"must be a finite number > 0: {text!r}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {text!r}")
    return value


def retries(text: str) -> int:
    """A retry count the client accepts: 0 to ftjobs' MAX_RETRIES_LIMIT."""
    from ftjobs._retry import MAX_RETRIES_LIMIT  # loads httpx2: only when the flag is given

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value <= MAX_RETRIES_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_RETRIES_LIMIT}: {text!r}")
    return value


def port(text: str) -> int:
    """A TCP port, 0 for any free one."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535: {text!r}")
    return value


def key_value(text: str) -> tuple[str, str]:
    """KEY=VALUE."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def status(text: str) -> str:
    """A job status this client knows; otherwise the known ones and the nearest (``runing``)."""
    import difflib

    from ftjobs._status import JobStatus

    known = [member.value for member in JobStatus]
    if text in known:
        return text
    near = difflib.get_close_matches(text.lower(), known, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise argparse.ArgumentTypeError(f"unknown status {text!r}{hint} (one of: {', '.join(known)})")


def beta(text: str) -> float | str:
    """DPO's beta: ``auto`` or a number in (0, 2]."""
    if text == "auto":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number, got {text!r}") from None
    if not 0 < value <= 2:  # NaN fails
        raise argparse.ArgumentTypeError(f"must be > 0 and <= 2 (or 'auto'): {text!r}")
    return value


def json_object(text: str, flag: str) -> dict[str, Any]:
    """``text`` as a JSON object: inline JSON (starts with ``{``) or the path of a file holding it.

    Raises ValueError with a message naming ``flag``.
    """
    import json
    from pathlib import Path

    if text.lstrip()[:1] in ("{", "["):
        source, where = text, "inline JSON"
    else:
        path = Path(text)
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(
                f"{flag}: no file {text!r} (give a file path or inline JSON: '{{...}}')"
            ) from None
        except (OSError, UnicodeError) as exc:
            raise ValueError(f"{flag}: cannot read {text!r}: {exc}") from None
        where = f"file {text!r}"
    try:
        value = json.loads(source)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{flag}: {where} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{flag}: {where} must hold a JSON object, got {type(value).__name__}")
    return value


def _common_options(top: bool) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The common options; on a subcommand (``top`` False) none has a default (see module doc)."""
    options: list[tuple[tuple[str, ...], dict[str, Any]]] = [
        (
            ("--json",),
            {
                "action": "store_true",
                "help": "machine-readable output (JSON; JSON lines for lists and streams)",
            },
        ),
        (
            ("--provider",),
            {
                "choices": PROVIDERS,
                "help": "API provider (default: openai, or portkey when only PORTKEY_API_KEY is set)",
            },
        ),
        (
            ("--base-url",),
            {
                "metavar": "URL",
                "help": "API base URL (default: the provider's env variable, e.g. OPENAI_BASE_URL, "
                "else its public URL)",
            },
        ),
        (
            ("--portkey-provider",),
            {
                "metavar": "SLUG",
                "help": "Portkey provider mode: the provider slug (its key from OPENAI_API_KEY)",
            },
        ),
        (("--portkey-config",), {"metavar": "ID", "help": "Portkey config mode: the config id"}),
        (
            ("--request-timeout",),
            {"type": positive_float, "metavar": "SECONDS", "help": "seconds per HTTP request"},
        ),
        (
            ("--max-retries",),
            {"type": retries, "metavar": "N", "help": "retries per request (default 2)"},
        ),
    ]
    for _, kwargs in options:
        if not top:
            kwargs["default"] = argparse.SUPPRESS
        elif kwargs.get("action") != "store_true":
            kwargs["default"] = None
    return options


#: The common options' destinations, for code that checks which were given.
COMMON_DESTS = (
    "json",
    "provider",
    "base_url",
    "portkey_provider",
    "portkey_config",
    "request_timeout",
    "max_retries",
)


class Formatter(argparse.HelpFormatter):
    """A subcommand's help whose usage line leaves out the common options (its help lists them)."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        kept = [action for action in actions if action.dest not in COMMON_DESTS]
        super().add_usage(usage, kept, groups, prefix)


def add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Give parser the common options (see the module doc for ``top``)."""
    group = parser.add_argument_group(COMMON_TITLE)
    for flags, kwargs in _common_options(top):
        group.add_argument(*flags, **kwargs)


def give_common(command: argparse.ArgumentParser) -> None:
    """Give a subcommand, and each subcommand it has in turn (``ftjobs NAME SUB ...``), the common
    options (once) and a usage line without them."""
    if not has_common(command):
        add_common(command, top=False)
        command.formatter_class = Formatter
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for nested in action.choices.values():
                give_common(nested)


def has_common(parser: argparse.ArgumentParser) -> bool:
    """True if parser already takes the common options."""
    return any("--json" in action.option_strings for action in parser._actions)


def given_common(args: argparse.Namespace) -> list[str]:
    """The common options given on the command line (as flags), for a subcommand that takes none."""
    return [
        "--" + dest.replace("_", "-")
        for dest in COMMON_DESTS
        if getattr(args, dest, None) not in (None, False)
    ]
