"""The installed `ftjobs-spec` command: the spec tooling's CLI (`cli.py`), or one line naming the extra.

`pip install ftjobs` installs the command, but the spec tooling's libraries (PyYAML, jsonschema, the
generator, ...) come with the `tooling` extra. Without them `--help` (of the command or of a
subcommand) still prints the help, which the standard-library parser in `args.py` builds, and every
subcommand prints one `error:` line saying what to install and exits 2 (unusable input), instead of
a traceback. This module imports nothing but the standard library until the tooling is there.
"""

from __future__ import annotations

import sys

#: What to run to get the tooling.
INSTALL = "pip install 'ftjobs[tooling]'"

#: Top-level modules of the `tooling` extra (pyproject.toml) and of the libraries they bring that the
#: tooling imports itself (referencing, jsonpath_ng).
TOOLING_MODULES = frozenset(
    {
        "yaml",
        "jsonschema",
        "referencing",
        "openapi_python_client",
        "ruff",
        "oas_patch",
        "jsonpath_ng",
        "openapi_spec_validator",
        "interegular",
    }
)


def missing_tooling(exc: ModuleNotFoundError) -> str | None:
    """The tooling module whose absence raised exc, or None when exc is about something else."""
    top = (exc.name or "").partition(".")[0]
    return top if top in TOOLING_MODULES else None


def main(argv: list[str] | None = None) -> int:
    """Run `ftjobs-spec`; exit status 2 with one line on stderr when the tooling extra is missing."""
    try:
        from .cli import main as cli_main

        return cli_main(argv)
    except ModuleNotFoundError as exc:
        module = missing_tooling(exc)
        if module is None:
            raise
        args = sys.argv[1:] if argv is None else argv
        if "-h" in args or "--help" in args:
            from .args import parser

            help_parser = parser()
            help_parser.epilog = f"The subcommands need the spec tooling, not installed here: {INSTALL}"
            try:
                help_parser.parse_args(args)
            except SystemExit as done:  # argparse printed the help (0) or a usage error (2)
                return done.code if isinstance(done.code, int) else 2
        print(
            f"error: ftjobs-spec needs the spec tooling ({module} is not installed): {INSTALL}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
