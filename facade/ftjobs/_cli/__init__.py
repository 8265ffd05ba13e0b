"""The ``ftjobs`` command line. Each subcommand imports only what it needs (``serve`` never loads httpx).

Exit codes: 0 success; 1 API error (message and request id on stderr); 2 usage or configuration
error; 3 ``wait`` (or ``events --follow``) ended with a failed job; 4 ... with a cancelled job;
5 ``wait --timeout`` or ``events --follow --timeout`` ran out of time; 130 interrupted.

Whatever a server sends is written escaped (see ``_format.clean``/``json_line``): no server string
can crash the CLI or drive the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

from . import _namespace
from ._common import (
    add_common,
    beta,
    give_common,
    given_common,
    key_value,
    port,
    positive_float,
    positive_int,
    status,
)
from ._wording import cli_wording

if TYPE_CHECKING:
    from ftjobs import Client, Job, JobEvent

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_JOB_FAILED = 3
EXIT_JOB_CANCELLED = 4
EXIT_WAIT_TIMEOUT = 5
EXIT_INTERRUPTED = 130
#: The key `ftjobs serve` accepts when --api-key is not given.
SERVE_KEY_ENV = "FTJOBS_SERVE_API_KEY"

_EPILOG = """\
credentials come from the environment, never from the command line:
  OpenAI       OPENAI_API_KEY (+ OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID)
  Portkey      PORTKEY_API_KEY + PORTKEY_VIRTUAL_KEY (or --portkey-provider / --portkey-config)
  Azure        AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT (+ OPENAI_API_VERSION)

examples:
  ftjobs serve --port 8765 &
  export OPENAI_BASE_URL=http://127.0.0.1:8765/v1 OPENAI_API_KEY=sk-ftjobs-local
  ftjobs create --model gpt-4o-mini --training-file file-abc123
  ftjobs create --model gpt-4o-mini --training-file ./train.jsonl    (validates, uploads, waits)
  ftjobs upload train.jsonl
  ftjobs results ftjob-abc123 --csv
  ftjobs wait ftjob-abc123 --timeout 600
  ftjobs list --status running --json
  ftjobs validate train.jsonl --model gpt-4o-mini-2024-07-18

exit codes: 0 ok, 1 API error, 2 usage/configuration error, 3 job failed, 4 job cancelled,
5 wait (or events --follow) timed out, 130 interrupted; validate: 0 valid, 1 invalid, 2 unusable file
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _Root(_Parser):
    """The top-level parser; ``commands`` maps each subcommand to its parser (for its usage line)."""

    commands: dict[str, argparse.ArgumentParser]


def build_parser() -> _Root:
    """The argument parser (also used to render --help).

    A subcommand is added with ``add(name, help)`` (or ``sub.add_parser``) and its handler put in
    ``_COMMANDS``; every subcommand but ``serve`` then gets the common options (``--json``,
    ``--provider``, ``--base-url``, ...) at the end of this function, so that they work before and
    after its name. Give every argument a ``help=`` (tests/cli/test_edges.py checks).
    """
    parser = _Root(
        prog="ftjobs",
        description="Fine-tuning jobs from the command line (OpenAI, Portkey, Azure, compatible).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # No abbreviations here: the top level sees every argument, and would take a subcommand's
        # `--port` for an abbreviated `--portkey-provider` (subcommands still accept abbreviations).
        allow_abbrev=False,
    )
    from ftjobs._version import __version__

    parser.add_argument("--version", action="version", version=f"ftjobs {__version__}")
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text)

    job_id = "the job's id (ftjob-...)"
    add("retrieve", "show one job").add_argument("job_id", metavar="ID", help=job_id)
    p = add("list", "list jobs, newest first")
    p.add_argument(
        "--status",
        type=status,
        help="only jobs with this status (e.g. running): read in pages of 100 until --limit match",
    )
    p.add_argument("--limit", type=positive_int, default=20, help="jobs to show (default 20)")
    p.add_argument("--all", action="store_true", help="every job (or every match), following pages")
    p.add_argument("--metadata", type=key_value, action="append", metavar="K=V", help="only jobs with it")
    p = add("create", "start a fine-tuning job")
    p.add_argument("--model", required=True, help="the base model to fine-tune (e.g. gpt-4o-mini)")
    p.add_argument(
        "--training-file",
        required=True,
        metavar="FILE",
        help="the training file: a local JSONL file (validated, uploaded, waited for) or a file id",
    )
    p.add_argument("--validation-file", metavar="FILE", help="the validation file: a local file or an id")
    p.add_argument(
        "--method",
        choices=("supervised", "dpo", "reinforcement"),
        default=None,
        help="training method (default supervised; reinforcement needs --grader-json)",
    )
    p.add_argument("--n-epochs", type=positive_int, metavar="N", help="epochs over the training file")
    p.add_argument("--batch-size", type=positive_int, metavar="N", help="examples per batch")
    p.add_argument(
        "--learning-rate-multiplier", type=positive_float, metavar="X", help="scales the base learning rate"
    )
    p.add_argument("--beta", type=beta, help="DPO only (implies --method dpo): 'auto' or a number in (0, 2]")
    p.add_argument(
        "--grader-json",
        metavar="FILE|JSON",
        help="reinforcement only, required there (implies --method reinforcement): the grader object, "
        "as a file path or inline JSON",
    )
    p.add_argument(
        "--method-json",
        metavar="JSON",
        help="the whole `method` object as JSON (instead of --method and the flags above)",
    )
    p.add_argument("--suffix", help="up to 64 characters added to the fine-tuned model's name")
    p.add_argument(
        "--extra-body",
        metavar="FILE|JSON",
        help="more request fields, as a file path or inline JSON: a backend's own, e.g. through Portkey "
        'to Bedrock \'{"role_arn": "arn:aws:iam::...", "job_name": "..."}\'',
    )
    p.add_argument("--seed", type=int, help="seed for reproducible training")
    p.add_argument(
        "--metadata", type=key_value, action="append", metavar="K=V", help="a metadata pair (repeatable)"
    )
    p.add_argument(
        "--field",
        type=key_value,
        action="append",
        metavar="K=V",
        help="a backend's own create field, checked by name (repeatable): through Portkey to Bedrock "
        "role_arn=..., job_name=..., model_type=...; Azure trainingType=...; an object field "
        "(provider_options, portkey_options) as JSON",
    )
    p = add("results", "a job's result files: the step metrics CSV, decoded")
    p.add_argument("job_id", metavar="ID", help=job_id)
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--csv", action="store_true", help="the CSV as the API wrote it (decoded)")
    shape.add_argument("--table", action="store_true", help="a table, one row per step (the default)")
    p = add("upload", "upload a file (for fine-tuning by default) and show it")
    p.add_argument("file", metavar="FILE", help="the local file to upload")
    p.add_argument("--purpose", default="fine-tune", help="the file's purpose (default fine-tune)")
    p.add_argument("--no-wait", action="store_true", help="do not wait until the API has processed the file")
    for name, text in (
        ("cancel", "cancel a job"),
        ("pause", "pause a running job"),
        ("resume", "resume a job"),
    ):
        add(name, text).add_argument("job_id", metavar="ID", help=job_id)
    p = add("events", "a job's events, oldest first")
    p.add_argument("job_id", metavar="ID", help=job_id)
    p.add_argument("--limit", type=positive_int, default=20, help="events to show (without --follow)")
    p.add_argument("--follow", action="store_true", help="keep printing new events until the job ends")
    p.add_argument(
        "--poll-interval",
        type=positive_float,
        default=2.0,
        metavar="SECONDS",
        help="with --follow: seconds between polls (default 2)",
    )
    p.add_argument(
        "--timeout",
        dest="wait_timeout",
        type=positive_float,
        metavar="SECONDS",
        help="with --follow: give up after SECONDS (exit 5)",
    )
    p = add("checkpoints", "a job's checkpoints")
    p.add_argument("job_id", metavar="ID", help=job_id)
    from ._metrics import add_arguments as metrics_arguments

    metrics_arguments(add("metrics", "a job's training metrics: chart, table, JSON or CSV"), positive_float)
    from ._namespace import add_arguments as namespace_arguments

    namespace_arguments(add, positive_int)  # permissions, graders
    p = add("wait", "wait until a job finishes, showing progress")
    p.add_argument("job_id", metavar="ID", help=job_id)
    p.add_argument(
        "--timeout", dest="wait_timeout", type=positive_float, metavar="SECONDS", help="give up after SECONDS"
    )
    p.add_argument(
        "--poll-interval", type=positive_float, default=2.0, metavar="SECONDS", help="first poll interval"
    )
    p.add_argument(
        "--max-poll-interval",
        type=positive_float,
        default=30.0,
        metavar="SECONDS",
        help="longest poll interval: polls back off up to it (default 30)",
    )
    from ._validate import DESCRIPTION, EPILOG
    from ._validate import add_arguments as validate_arguments

    validate_arguments(
        sub.add_parser(
            "validate",
            help="check a training file (JSONL) before uploading it: no API call",
            description=DESCRIPTION,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    )
    p = sub.add_parser("serve", help="run the local fine-tuning API server", description="Run the local API.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port, default=8765, help="0 picks a free port (default 8765)")
    p.add_argument("--db", metavar="FILE", help="SQLite file to persist to (default: in memory)")
    p.add_argument(
        "--step-seconds",
        type=positive_float,
        default=2.0,
        metavar="SECONDS",
        help="seconds per lifecycle step (default 2)",
    )
    p.add_argument("--quiet", action="store_true", help="no per-request log lines")
    p.add_argument(
        "--flavor",
        choices=("openai", "azure", "portkey-bedrock", "portkey-vertex", "portkey-fireworks"),
        default="openai",
        help="answer in this backend's shapes (default openai; portkey-*: as the Portkey gateway does)",
    )
    p.add_argument(
        "--api-key",
        dest="serve_api_key",
        metavar="KEY",
        help=f"the one key the server accepts (default: ${SERVE_KEY_ENV}, else sk-ftjobs-local)",
    )
    for name, command in sub.choices.items():
        if name != "serve":
            give_common(command)
    parser.commands = dict(sub.choices)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """argv parsed; a usage error (exit 2) in the words and usage line of the subcommand it concerns."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    command = parser.commands.get(args.command, parser)
    if extra:
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    given = given_common(args) if args.command == "serve" else []
    if given:
        command.error(f"{', '.join(given)}: not an option of serve (it takes no client options)")
    if args.command == "permissions":
        from ._namespace import permissions_problem

        problem = permissions_problem(args)
        if problem is not None:
            command.error(problem)
    given = [g for g in given_common(args) if g != "--json"] if args.command == "validate" else []
    if given:
        command.error(f"{', '.join(given)}: not an option of validate (it reads a local file, no API)")
    return args


def _provider(args: argparse.Namespace) -> str:
    """--provider, else portkey for a Portkey flag or when only PORTKEY_API_KEY is set, else openai."""
    if args.provider:
        return str(args.provider)
    portkey_flag = args.portkey_provider or args.portkey_config
    only_portkey = os.environ.get("PORTKEY_API_KEY") and not os.environ.get("OPENAI_API_KEY")
    return "portkey" if portkey_flag or only_portkey else "openai"


def _client(args: argparse.Namespace) -> Client:
    from ftjobs import Client

    provider = _provider(args)
    if provider != "portkey" and (args.portkey_provider or args.portkey_config):
        raise _Usage(f"--portkey-provider and --portkey-config go with --provider portkey, not {provider}")
    kwargs: dict[str, Any] = {"provider": provider, "base_url": args.base_url}
    if provider == "portkey":
        if args.portkey_provider:
            kwargs["portkey_provider"] = args.portkey_provider
            kwargs["provider_api_key"] = os.environ.get("OPENAI_API_KEY")
        if args.portkey_config:
            kwargs["config"] = args.portkey_config
    if args.request_timeout:
        kwargs["timeout"] = args.request_timeout
    if args.max_retries is not None:
        kwargs["max_retries"] = args.max_retries
    return Client(**kwargs)


def _dump(data: Any, out: IO[str]) -> None:
    from ._format import json_line

    out.write(json_line(data) + "\n")


#: The client's redaction, once there is a client: whatever a server echoes, no key is written.
_REDACT: list[Callable[[str], str]] = []


def _redact(text: str) -> str:
    for redact in _REDACT:
        text = redact(text)
    return text


class _Redacted(io.TextIOBase):
    """stdout with the client's credentials redacted from every write (a server may echo them)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_redact(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()


def _complain(message: object) -> None:
    """One line on stderr, server text in it escaped, credentials redacted."""
    from ._format import clean

    sys.stderr.write(_redact(f"ftjobs: error: {clean(message)}\n"))


def _tolerant_streams() -> None:
    """Characters the terminal's encoding lacks are written as escapes instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change its handler
                reconfigure(errors="backslashreplace")


def _show_job(job: Job, args: argparse.Namespace, out: IO[str]) -> None:
    from ._format import job_block, use_colour

    if args.json:
        _dump(job.to_dict(), out)
    else:
        out.write(job_block(job, use_colour(out)) + "\n")


def _cmd_retrieve(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    _show_job(client.jobs.retrieve(args.job_id), args, out)
    return EXIT_OK


def _cmd_action(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    _show_job(getattr(client.jobs, args.command)(args.job_id), args, out)
    return EXIT_OK


def _cmd_create(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._common import json_object
    from ._create import gateway_fields, method_from_args

    try:
        method: Any = method_from_args(args)
        extra = json_object(args.extra_body, "--extra-body") if args.extra_body else None
        fields = gateway_fields(args.field) if args.field else {}
    except ValueError as exc:
        raise _Usage(str(exc)) from None
    job = client.jobs.create(
        model=args.model,
        training_file=_file_arg(args.training_file, "--training-file"),
        validation_file=_file_arg(args.validation_file, "--validation-file"),
        method=method,
        suffix=args.suffix,
        seed=args.seed,
        metadata=dict(args.metadata) if args.metadata else None,
        extra_body=extra,
        **fields,
    )
    _show_job(job, args, out)
    return EXIT_OK


def _file_arg(value: str | None, flag: str) -> Any:
    """A file id, or a Path when value names a local file (or looks like one: a folder or .jsonl)."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        return path
    if "/" in value or os.sep in value or value.endswith((".jsonl", ".json")):
        raise _Usage(f"{flag} {value}: no such file (a file id has no '/' and no extension)")
    return value


def _cmd_results(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._format import clean, table

    results = client.jobs.results(args.job_id)
    if args.json:
        for row in results.rows:
            _dump(row.to_dict(), out)
        return EXIT_OK
    if args.csv:
        out.write(results.to_csv())
        return EXIT_OK
    if not results.file_ids:
        sys.stderr.write(f"ftjobs: job {clean(args.job_id)} has no result files (yet)\n")
        return EXIT_OK
    cells = ([_result_cell(row.to_dict().get(column)) for column in results.columns] for row in results.rows)
    out.write(table(list(results.columns), cells) + "\n")
    return EXIT_OK


def _result_cell(value: Any) -> str:
    from ._format import clean

    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else clean(str(value))


def _cmd_upload(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._validate import _Bar

    err = sys.stderr
    bar = _Bar(err) if err.isatty() else None
    try:
        file = client.files.create(Path(args.file), purpose=args.purpose, progress=bar)
    finally:
        if bar is not None:
            bar.clear()
    if not args.no_wait:
        file = client.files.wait_processed(file.id)
    if args.json:
        _dump(file.to_dict(), out)
    else:
        size = f"{file.bytes:,} bytes" if file.bytes is not None else "size unknown"
        out.write(f"{file.id}  {file.filename}  {size}  {file.purpose}  {file.status}\n")
    return EXIT_OK


def _cmd_list(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._format import JOB_HEADERS, job_row, table, use_colour

    # A status filter runs here (the API has none): full pages, and no page after the last match needed.
    page_size = 100 if args.status else min(args.limit, 100)
    metadata = dict(args.metadata) if args.metadata else None
    jobs: Iterable[Job] = client.jobs.list(limit=page_size, metadata=metadata)
    if args.status:
        jobs = (j for j in jobs if j.status.value == args.status)
    if not args.all:
        jobs = _take(jobs, args.limit)
    if args.json:
        for job in jobs:
            _dump(job.to_dict(), out)
        return EXIT_OK
    colour = use_colour(out)
    out.write(table(JOB_HEADERS, (job_row(j, colour) for j in jobs)) + "\n")
    return EXIT_OK


def _take(items: Iterable[Any], n: int) -> Iterable[Any]:
    """The first n items, without asking for one more (which could cost a request for a page)."""
    if n < 1:
        return
    for count, item in enumerate(items, 1):
        yield item
        if count == n:
            return


def _cmd_checkpoints(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._format import CHECKPOINT_HEADERS, checkpoint_row, table

    checkpoints = client.jobs.checkpoints(args.job_id)
    if args.json:
        for ckpt in checkpoints:
            _dump(dict(ckpt.raw), out)
        return EXIT_OK
    out.write(table(CHECKPOINT_HEADERS, (checkpoint_row(c) for c in checkpoints)) + "\n")
    return EXIT_OK


def _cmd_events(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._format import event_line

    def emit(event: Any) -> None:
        if args.json:
            _dump(dict(event.raw), out)
        else:
            out.write(event_line(event) + "\n")
        out.flush()

    if not args.follow:
        events = list(_take(client.jobs.events(args.job_id, limit=min(args.limit, 100)), args.limit))
        for event in reversed(events):
            emit(event)
        return EXIT_OK
    from ftjobs import WaitTimeoutError

    try:
        job = client.jobs.wait(
            args.job_id,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=args.poll_interval,
            on_event=emit,
        )
    except WaitTimeoutError as exc:
        _complain(exc)
        return EXIT_WAIT_TIMEOUT
    return _exit_for(job)


def _exit_for(job: Job) -> int:
    from ftjobs import JobStatus

    return {JobStatus.FAILED: EXIT_JOB_FAILED, JobStatus.CANCELLED: EXIT_JOB_CANCELLED}.get(
        job.status, EXIT_OK
    )


def _cmd_wait(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ftjobs import WaitTimeoutError

    from ._format import progress_line, use_colour

    started = time.monotonic()
    live = not args.json and out.isatty()
    colour = use_colour(out)
    last_plain: list[str] = []
    train_loss: list[float] = []  # the latest training loss of the job's metrics events

    def on_event(event: JobEvent) -> None:
        from ftjobs._metrics import event_train_loss

        loss = event_train_loss(event)
        if loss is not None:
            train_loss[:] = [loss]

    def on_poll(job: Job) -> None:
        line = progress_line(job, time.monotonic() - started, colour, train_loss[-1] if train_loss else None)
        if live:
            out.write("\r" + line + "\x1b[K")
            out.flush()
        elif not args.json and (not last_plain or last_plain[-1] != job.status.value):
            last_plain.append(job.status.value)
            out.write(line + "\n")
            out.flush()

    try:
        job = client.jobs.wait(
            args.job_id,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=args.max_poll_interval,
            on_poll=on_poll,
            on_event=None if args.json else on_event,
        )
    except WaitTimeoutError as exc:
        if live:
            out.write("\n")
        _complain(exc)
        return EXIT_WAIT_TIMEOUT
    if live:
        out.write("\n")
    if args.json:
        _dump(job.to_dict(), out)
    elif job.error is not None:
        _complain(f"job {job.id} failed: {job.error.code}: {job.error.message}")
    elif job.status.value == "succeeded":
        out.write(_done_line(job) + "\n")
    return _exit_for(job)


def _done_line(job: Job) -> str:
    """wait's last line on success: what the user waited for."""
    from ._format import clean

    tokens = f"{job.trained_tokens:,}" if job.trained_tokens is not None else "-"
    return f"fine_tuned_model {clean(job.fine_tuned_model or '-')}  trained_tokens {tokens}"


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        from ftjobs._server import DEFAULT_API_KEY, run
    except ModuleNotFoundError as exc:  # jsonschema, the `server` extra (the message says how)
        sys.stderr.write(f"ftjobs serve: {exc}\n")
        return EXIT_USAGE
    try:
        run(
            host=args.host,
            port=args.port,
            db=args.db,
            api_key=args.serve_api_key or os.environ.get(SERVE_KEY_ENV) or DEFAULT_API_KEY,
            step_seconds=args.step_seconds,
            log_requests=not args.quiet,
            announce=lambda line: print(line, flush=True),
            flavor=args.flavor,
        )
    except OSError as exc:
        sys.stderr.write(f"ftjobs serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    except ValueError as exc:
        sys.stderr.write(f"ftjobs serve: {exc}\n")
        return EXIT_USAGE
    return EXIT_OK


def _cmd_metrics(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._metrics import run

    return run(client, args, out)


class _Usage(Exception):
    """A usage problem found after parsing."""


_COMMANDS: dict[str, Callable[[Client, argparse.Namespace, IO[str]], int]] = {
    "retrieve": _cmd_retrieve,
    "list": _cmd_list,
    "create": _cmd_create,
    "upload": _cmd_upload,
    "results": _cmd_results,
    "cancel": _cmd_action,
    "pause": _cmd_action,
    "resume": _cmd_action,
    "events": _cmd_events,
    "checkpoints": _cmd_checkpoints,
    "wait": _cmd_wait,
    "metrics": _cmd_metrics,
    "permissions": _namespace.permissions,
    "graders": _namespace.graders,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parse(argv)
    if args.command == "serve":
        return _cmd_serve(args)
    if args.command == "validate":
        from ._validate import main_validate

        _tolerant_streams()
        try:
            return main_validate(args)
        except KeyboardInterrupt:
            sys.stderr.write("\nftjobs: interrupted\n")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            return EXIT_OK
    from ftjobs import APIError, ConfigurationError, Error, InvalidArgumentError

    _tolerant_streams()
    _REDACT.clear()
    try:
        with _client(args) as client:
            _REDACT[:] = [client._settings.redact]
            out = cast(IO[str], _Redacted(sys.stdout))
            return _COMMANDS[args.command](client, args, out)
    except ConfigurationError as exc:  # worded for the command line: flags and variables
        _complain(cli_wording(str(exc), _provider(args)))
        return EXIT_USAGE
    except _Usage as exc:  # found after parsing: said like argparse, with the subcommand's usage
        build_parser().commands[args.command].error(str(exc))
    except InvalidArgumentError as exc:
        _complain(exc)
        return EXIT_USAGE
    except APIError as exc:
        _complain(exc)
        return EXIT_API_ERROR
    except Error as exc:
        _complain(exc)
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("\nftjobs: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
