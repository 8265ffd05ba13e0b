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
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

if TYPE_CHECKING:
    from ftjobs import Client, Job

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
  ftjobs wait ftjob-abc123 --timeout 600
  ftjobs list --status running --json

exit codes: 0 ok, 1 API error, 2 usage/configuration error, 3 job failed, 4 job cancelled,
5 wait (or events --follow) timed out, 130 interrupted
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < float("inf"):  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"must be a finite number > 0: {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to render --help)."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--provider", choices=("openai", "portkey", "azure", "compatible"), default=None, help="API provider"
    )
    common.add_argument("--base-url", help="API base URL (default: the provider's, or its env variable)")
    common.add_argument("--portkey-provider", help="Portkey provider mode: the provider slug (key from env)")
    common.add_argument("--portkey-config", help="Portkey config mode: the config id")
    common.add_argument("--json", action="store_true", help="machine-readable output (JSON, JSON lines)")
    common.add_argument("--request-timeout", type=_positive_float, help="seconds per HTTP request")
    common.add_argument("--max-retries", type=int, default=None, help="retries per request (default 2)")

    parser = _Parser(
        prog="ftjobs",
        description="Fine-tuning jobs from the command line (OpenAI, Portkey, Azure, compatible).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from ftjobs._version import __version__

    parser.add_argument("--version", action="version", version=f"ftjobs {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    add("retrieve", "show one job").add_argument("job_id", metavar="ID")
    p = add("list", "list jobs, newest first")
    p.add_argument("--status", help="only jobs with this status (e.g. running)")
    p.add_argument("--limit", type=_positive_int, default=20, help="jobs to show (page size with --all)")
    p.add_argument("--all", action="store_true", help="every job, following pages")
    p.add_argument("--metadata", type=_key_value, action="append", metavar="K=V", help="filter by metadata")
    p = add("create", "start a fine-tuning job")
    p.add_argument("--model", required=True)
    p.add_argument("--training-file", required=True)
    p.add_argument("--validation-file")
    p.add_argument("--method", choices=("supervised", "dpo", "reinforcement"), default=None)
    p.add_argument("--n-epochs", type=_positive_int)
    p.add_argument("--batch-size", type=_positive_int)
    p.add_argument("--learning-rate-multiplier", type=_positive_float)
    p.add_argument("--method-json", help="the full `method` object as JSON (overrides the flags above)")
    p.add_argument("--suffix")
    p.add_argument("--seed", type=int)
    p.add_argument("--metadata", type=_key_value, action="append", metavar="K=V")
    for name, text in (
        ("cancel", "cancel a job"),
        ("pause", "pause a running job"),
        ("resume", "resume a job"),
    ):
        add(name, text).add_argument("job_id", metavar="ID")
    p = add("events", "a job's events, oldest first")
    p.add_argument("job_id", metavar="ID")
    p.add_argument("--limit", type=_positive_int, default=20, help="events to show (without --follow)")
    p.add_argument("--follow", action="store_true", help="keep printing new events until the job ends")
    p.add_argument("--poll-interval", type=_positive_float, default=2.0)
    p.add_argument(
        "--timeout", dest="wait_timeout", type=_positive_float, help="with --follow: give up after SECONDS"
    )
    p = add("checkpoints", "a job's checkpoints")
    p.add_argument("job_id", metavar="ID")
    from ._metrics import add_arguments as metrics_arguments

    metrics_arguments(add("metrics", "a job's training metrics: chart, table, JSON or CSV"), _positive_float)
    p = add("wait", "wait until a job finishes, showing progress")
    p.add_argument("job_id", metavar="ID")
    p.add_argument("--timeout", dest="wait_timeout", type=_positive_float, help="give up after SECONDS")
    p.add_argument("--poll-interval", type=_positive_float, default=2.0, help="first poll interval")
    p.add_argument("--max-poll-interval", type=_positive_float, default=30.0)
    p = sub.add_parser("serve", help="run the local fine-tuning API server", description="Run the local API.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    p.add_argument("--db", help="SQLite file to persist to (default: in memory)")
    p.add_argument("--step-seconds", type=_positive_float, default=2.0, help="seconds per lifecycle step")
    p.add_argument("--quiet", action="store_true", help="no per-request log lines")
    p.add_argument(
        "--api-key",
        dest="serve_api_key",
        metavar="KEY",
        help=f"the one key the server accepts (default: ${SERVE_KEY_ENV}, else sk-ftjobs-local)",
    )
    return parser


def _client(args: argparse.Namespace) -> Client:
    from ftjobs import Client

    provider = args.provider or (
        "portkey" if os.environ.get("PORTKEY_API_KEY") and not os.environ.get("OPENAI_API_KEY") else "openai"
    )
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

    sys.stderr.write(_redact(f"ftjobs: {clean(message)}\n"))


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
    method: Any = None
    if args.method_json:
        try:
            method = json.loads(args.method_json)
        except ValueError as exc:
            raise _Usage(f"--method-json is not JSON: {exc}") from exc
    elif args.method or args.n_epochs or args.batch_size or args.learning_rate_multiplier:
        kind = args.method or "supervised"
        hyper = {
            k: v
            for k, v in (
                ("n_epochs", args.n_epochs),
                ("batch_size", args.batch_size),
                ("learning_rate_multiplier", args.learning_rate_multiplier),
            )
            if v is not None
        }
        method = {"type": kind, kind: {"hyperparameters": hyper} if hyper else {}}
    job = client.jobs.create(
        model=args.model,
        training_file=args.training_file,
        validation_file=args.validation_file,
        method=method,
        suffix=args.suffix,
        seed=args.seed,
        metadata=dict(args.metadata) if args.metadata else None,
    )
    _show_job(job, args, out)
    return EXIT_OK


def _cmd_list(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    from ._format import JOB_HEADERS, job_row, table, use_colour

    pager = client.jobs.list(
        limit=min(args.limit, 100), metadata=dict(args.metadata) if args.metadata else None
    )
    jobs: Iterable[Job] = pager
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
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


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

    def on_poll(job: Job) -> None:
        line = progress_line(job, time.monotonic() - started, colour)
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
    return _exit_for(job)


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
    "cancel": _cmd_action,
    "pause": _cmd_action,
    "resume": _cmd_action,
    "events": _cmd_events,
    "checkpoints": _cmd_checkpoints,
    "wait": _cmd_wait,
    "metrics": _cmd_metrics,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _cmd_serve(args)
    from ftjobs import APIError, ConfigurationError, Error, InvalidArgumentError

    _tolerant_streams()
    _REDACT.clear()
    try:
        with _client(args) as client:
            _REDACT[:] = [client._settings.redact]
            out = cast(IO[str], _Redacted(sys.stdout))
            return _COMMANDS[args.command](client, args, out)
    except (ConfigurationError, InvalidArgumentError, _Usage) as exc:
        _complain(exc)
        return EXIT_USAGE
    except APIError as exc:
        _complain(f"error: {exc}")
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
