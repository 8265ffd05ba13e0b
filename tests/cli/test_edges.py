"""The command line's edges as a newcomer meets them (issue 17), run as subprocesses against the
local server: option placement, usage lines, configuration errors in CLI words, the status filter
and its request count, create's method flags, every flag's help, and wait's last line."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from ftjobs import ConfigurationError
from ftjobs._cli import build_parser, parse
from ftjobs._cli._wording import cli_wording
from ftjobs._providers import resolve_connection
from ftjobs._status import JobStatus
from ftjobs.testing import admin_url, serve

from .test_cli import ADMIN, KEY, _env, ftjobs

#: A Python keyword argument as the library's messages write it (``api_key=...``).
PYTHON_KWARG = re.compile(r"\b[a-z]+_?[a-z_]*=\.\.\.")
GRADER = {
    "type": "string_check",
    "name": "exact",
    "input": "{{sample.output_text}}",
    "reference": "{{item.answer}}",
    "operation": "eq",
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A local server whose jobs finish in about a second."""
    with serve(step_seconds=0.05) as url:
        yield url


@pytest.fixture(scope="module")
def still_server() -> Iterator[str]:
    """A server whose clock barely moves: 120 new jobs stay validating_files, behind the 2 seeds
    (ftjob-abc, queued, and ftjob-abc123, succeeded, the oldest)."""
    with serve(step_seconds=100_000) as url:
        with httpx2.Client(headers={"Authorization": f"Bearer {KEY}"}) as http:
            for _ in range(120):
                body = {"model": "gpt-4o-mini", "training_file": "file-abc123"}
                http.post(f"{url}/fine_tuning/jobs", json=body).raise_for_status()
        yield url


def _requests(url: str) -> list[dict[str, Any]]:
    """The requests the server saw since the last call (admin requests excepted)."""
    seen = httpx2.get(admin_url(url, "requests"), headers=ADMIN).json()["data"]
    httpx2.delete(admin_url(url, "requests"), headers=ADMIN).raise_for_status()
    return seen  # type: ignore[no-any-return]


def _no_env(url: str, *names: str, **extra: str) -> dict[str, str]:
    env = _env(url, **extra)
    for name in names:
        env.pop(name, None)
    return env


# --- option placement ------------------------------------------------------------------------


@pytest.mark.parametrize("before", [True, False])
def test_json_before_or_after_the_subcommand(server: str, before: bool) -> None:
    """`ftjobs --json list` and `ftjobs list --json` both print JSON lines."""
    args = ("--json", "list", "--limit", "2") if before else ("list", "--limit", "2", "--json")
    result = ftjobs(server, *args)
    assert result.returncode == 0, result.stderr
    jobs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(jobs) == 2
    assert all(job["object"] == "fine_tuning.job" for job in jobs)


@pytest.mark.parametrize("before", [True, False])
def test_connection_options_before_or_after(server: str, before: bool) -> None:
    """--provider, --base-url, --request-timeout and --max-retries work in either position: the
    environment's URL is a closed port, so only the flag's URL can answer."""
    options = (
        "--provider",
        "compatible",
        "--base-url",
        server,
        "--request-timeout",
        "9",
        "--max-retries",
        "0",
    )
    command = ("retrieve", "ftjob-abc123", "--json")
    args = (*options, *command) if before else (*command, *options)
    env = _env("http://127.0.0.1:9/v1")
    result = ftjobs(server, *args, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "ftjob-abc123"


@pytest.mark.parametrize("before", [True, False])
def test_bad_common_value_is_a_usage_error_either_way(before: bool) -> None:
    """A bad --max-retries is refused by the parser (exit 2) before or after the subcommand."""
    args = ("--max-retries", "101", "list") if before else ("list", "--max-retries", "101")
    result = ftjobs("http://127.0.0.1:9/v1", *args)
    assert result.returncode == 2
    assert "argument --max-retries: must be from 0 to 100" in result.stderr


def test_every_subcommand_takes_every_common_option_in_both_positions() -> None:
    """Whichever module added a subcommand (nested ones too), the common options parse before and
    after it (the later one wins), and an option not given leaves the top-level default."""
    values = {
        "--json": ((), True),
        "--provider": (("azure",), "azure"),
        "--base-url": (("http://h/v1",), "http://h/v1"),
        "--portkey-provider": (("openai",), "openai"),
        "--portkey-config": (("pc-1",), "pc-1"),
        "--request-timeout": (("7",), 7.0),
        "--max-retries": (("3",), 3),
    }
    for name, command in build_parser().commands.items():
        if name in ("serve", "validate"):  # no client: tests/validate/test_cli.py pins what they take
            continue
        for path in _invocations(command, [name]):
            for flag, (extra, expected) in values.items():
                dest = flag[2:].replace("-", "_")
                before = parse([flag, *extra, *path])
                after = parse([*path, flag, *extra])
                assert getattr(before, dest) == getattr(after, dest) == expected, (path, flag)
            assert parse(path).json is False
            assert parse(["--max-retries", "1", *path, "--max-retries", "2"]).max_retries == 2


def _invocations(command: argparse.ArgumentParser, path: list[str]) -> list[list[str]]:
    """Command lines reaching each leaf under command: its required positionals and required options
    filled in (``x``, or the first choice), each nested subcommand followed."""
    args = list(path)
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            return [
                found
                for sub, nested in action.choices.items()
                for found in _invocations(nested, [*args, sub])
            ]
        value = str(next(iter(action.choices))) if action.choices else "x"
        if not action.option_strings:
            if action.nargs != "?":  # an optional positional (permissions' PERMISSION_ID) stays out
                args.append(value)
        elif action.required:
            args += [action.option_strings[0], value]
    return [args]


def test_nested_subcommands_get_the_common_options_too() -> None:
    """A subcommand with subcommands of its own (`ftjobs group leaf`): its leaves take them too."""
    from ftjobs._cli._common import give_common

    group = argparse.ArgumentParser(prog="group")
    leaf = group.add_subparsers(dest="leaf", required=True).add_parser("leaf")
    leaf.add_argument("item")
    give_common(group)
    give_common(group)  # once only: a second call adds nothing
    parsed = group.parse_args(["leaf", "x", "--json", "--max-retries", "4"])
    assert (parsed.json, parsed.max_retries) == (True, 4)
    assert "[--json]" not in leaf.format_usage()
    assert leaf.format_help().count("--json") == 1


def test_serve_refuses_client_options() -> None:
    """`ftjobs --json serve` says serve takes no client option, in serve's usage (exit 2)."""
    result = ftjobs("http://127.0.0.1:9/v1", "--json", "serve", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: ftjobs serve")
    assert "ftjobs serve: error: --json: not an option of serve" in result.stderr


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (("retrieve", "a", "b"), "usage: ftjobs retrieve"),
        (("list", "extra"), "usage: ftjobs list"),
        (("wait", "ftjob-1", "--bogus"), "usage: ftjobs wait"),
        (("--json", "cancel", "a", "b"), "usage: ftjobs cancel"),
    ],
)
def test_extra_argument_shows_the_subcommands_usage(args: tuple[str, ...], usage: str) -> None:
    """An extra positional or unknown option: exit 2 with the subcommand's usage and name."""
    result = ftjobs("http://127.0.0.1:9/v1", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(usage)
    assert f"ftjobs {args[-3] if args[0] == '--json' else args[0]}: error: unrecognized arguments" in (
        result.stderr
    )
    assert "COMMAND" not in result.stderr


# --- configuration errors in CLI words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "drop", "extra", "names"),
    [
        ((), ("OPENAI_API_KEY",), {}, ("OPENAI_API_KEY",)),
        (("--provider", "compatible"), ("OPENAI_BASE_URL",), {}, ("--base-url", "OPENAI_BASE_URL")),
        (("--provider", "azure"), (), {"AZURE_OPENAI_API_KEY": "k"}, ("--base-url", "AZURE_OPENAI_ENDPOINT")),
        (("--provider", "azure"), (), {}, ("AZURE_OPENAI_API_KEY",)),
        (
            ("--provider", "portkey"),
            (),
            {"PORTKEY_API_KEY": "k"},
            ("PORTKEY_VIRTUAL_KEY", "--portkey-config"),
        ),
        (
            ("--portkey-provider", "openai", "--portkey-config", "pc"),
            (),
            {"PORTKEY_API_KEY": "k"},
            ("got --portkey-provider, --portkey-config",),
        ),
        (
            ("--portkey-provider", "openai"),
            ("OPENAI_API_KEY",),
            {"PORTKEY_API_KEY": "k"},
            ("OPENAI_API_KEY",),
        ),
        (("--base-url", "http://user:pw@127.0.0.1:9/v1"), (), {}, ("--base-url", "set OPENAI_API_KEY")),
        (("--base-url", "ftp://127.0.0.1/v1"), (), {}, ("--base-url or OPENAI_BASE_URL",)),
        ((), (), {"OPENAI_API_KEY": "sk-\x01"}, ("OPENAI_API_KEY: the value contains characters",)),
    ],
)
def test_configuration_errors_name_flags_and_variables(
    args: tuple[str, ...], drop: tuple[str, ...], extra: dict[str, str], names: tuple[str, ...]
) -> None:
    """Every configuration error: `ftjobs: error: ...`, exit 2, flags and variables, no `kwarg=...`."""
    url = "http://127.0.0.1:9/v1"
    result = ftjobs(url, *args, "retrieve", "ftjob-abc123", env=_no_env(url, *drop, **extra))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("ftjobs: error: ")
    assert len(result.stderr.splitlines()) == 1
    assert not PYTHON_KWARG.search(result.stderr), result.stderr
    for name in names:
        assert name in result.stderr


def test_portkey_flag_with_another_provider_is_refused() -> None:
    """--portkey-config with --provider openai is a usage error, not silently ignored."""
    result = ftjobs("http://127.0.0.1:9/v1", "--provider", "openai", "list", "--portkey-config", "pc")
    assert result.returncode == 2
    assert "ftjobs list: error: --portkey-provider and --portkey-config go with --provider portkey" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("provider", "kwargs"),
    [
        ("openai", {}),
        ("compatible", {"api_key": "k"}),
        ("azure", {"api_key": "k"}),
        ("portkey", {"api_key": "k"}),
        ("portkey", {"api_key": "k", "portkey_provider": "openai", "config": "c"}),
        ("portkey", {"api_key": "k", "portkey_provider": "openai"}),
        ("openai", {"api_key": "k", "base_url": "http://u:p@h/v1"}),
        ("openai", {"api_key": "k", "base_url": "nope"}),
        ("openai", {"api_key": "k\x01"}),
    ],
)
def test_every_library_message_the_cli_can_meet_is_reworded(
    provider: str, kwargs: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library's own messages (whatever their current wording) lose every `kwarg=...`."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_ENDPOINT", "PORTKEY_VIRTUAL_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError) as caught:
        resolve_connection(provider, **kwargs)
    worded = cli_wording(str(caught.value), provider)
    assert not PYTHON_KWARG.search(worded), worded


# --- list --status -----------------------------------------------------------------------------


def test_status_typo_is_refused_with_the_nearest(still_server: str) -> None:
    """`--status runing`: exit 2, the values that exist, the nearest, and no request at all."""
    _requests(still_server)
    result = ftjobs(still_server, "list", "--status", "runing", "--limit", "1")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: ftjobs list")
    assert "unknown status 'runing'; did you mean 'running'?" in result.stderr
    for status in JobStatus:
        assert status.value in result.stderr
    assert _requests(still_server) == []


@pytest.mark.parametrize(
    ("status", "limit", "pages", "found"),
    [
        ("validating_files", "1", 1, 1),  # the newest job matches: one page
        ("validating_files", "100", 1, 100),  # one full page holds them
        ("succeeded", "1", 2, 1),  # the oldest job: the second page, then stop
        ("failed", "1", 2, 0),  # none: every page, once
    ],
)
def test_status_filter_reads_full_pages_and_stops(
    still_server: str, status: str, limit: str, pages: int, found: int
) -> None:
    """The filter asks for pages of 100 and stops at the page holding the --limit-th match."""
    _requests(still_server)
    result = ftjobs(still_server, "list", "--status", status, "--limit", limit, "--json")
    assert result.returncode == 0, result.stderr
    jobs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(jobs) == found
    assert {job["status"] for job in jobs} <= {status}
    seen = _requests(still_server)
    assert len(seen) == pages
    assert all("limit=100" in entry["path"] for entry in seen)


def test_unfiltered_list_keeps_the_limit_as_page_size(still_server: str) -> None:
    """Without --status, `--limit 3` is one request for 3 jobs."""
    _requests(still_server)
    lines = ftjobs(still_server, "list", "--limit", "3").stdout.splitlines()
    assert len(lines) == 4
    seen = _requests(still_server)
    assert len(seen) == 1
    assert "limit=3" in seen[0]["path"]


# --- create ------------------------------------------------------------------------------------


def _create(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return ftjobs(url, "create", "--model", "o4-mini", "--training-file", "file-abc123", "--json", *args)


def test_reinforcement_with_inline_grader(server: str) -> None:
    """--grader-json inline JSON (implying --method reinforcement) reaches the job's method."""
    result = _create(server, "--grader-json", json.dumps(GRADER), "--n-epochs", "2")
    assert result.returncode == 0, result.stderr
    method = json.loads(result.stdout)["method"]
    assert method["type"] == "reinforcement"
    assert method["reinforcement"]["grader"] == GRADER
    assert method["reinforcement"]["hyperparameters"]["n_epochs"] == 2


def test_reinforcement_with_grader_file(server: str, tmp_path: Path) -> None:
    """--grader-json FILE reads the grader from the file."""
    path = tmp_path / "grader.json"
    path.write_text(json.dumps(GRADER), encoding="utf-8")
    result = _create(server, "--method", "reinforcement", "--grader-json", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["method"]["reinforcement"]["grader"] == GRADER


def test_dpo_beta(server: str) -> None:
    """--beta sets DPO's beta (and implies --method dpo); 'auto' is accepted."""
    job = json.loads(_create(server, "--beta", "0.25").stdout)
    assert job["method"]["type"] == "dpo"
    assert job["method"]["dpo"]["hyperparameters"]["beta"] == 0.25
    auto = _create(server, "--method", "dpo", "--beta", "auto")
    assert json.loads(auto.stdout)["method"]["dpo"]["hyperparameters"]["beta"] == "auto"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--method", "reinforcement"), "--method reinforcement needs a grader: --grader-json"),
        (
            ("--method", "dpo", "--grader-json", "{}"),
            "--grader-json is for --method reinforcement, not --method dpo",
        ),
        (("--method", "supervised", "--beta", "1"), "--beta is for --method dpo, not --method supervised"),
        (("--beta", "1", "--grader-json", "{}"), "do not go together"),
        (("--grader-json", "no-such-file.json"), "--grader-json: no file 'no-such-file.json'"),
        (("--grader-json", "{oops"), "--grader-json: inline JSON is not JSON"),
        (("--grader-json", "[1]"), "must hold a JSON object, got list"),
        (("--beta", "3"), "argument --beta: must be > 0 and <= 2"),
        (("--beta", "nan"), "argument --beta"),
        (
            ("--method-json", '{"type": "dpo"}', "--beta", "1"),
            "--method-json gives the whole method: drop --beta",
        ),
        (("--method-json", "[]"), "--method-json must be a JSON object"),
    ],
)
def test_method_flag_mistakes_are_usage_errors(server: str, args: tuple[str, ...], needle: str) -> None:
    """A method flag that cannot work: exit 2 with create's usage and the flag named, no request."""
    result = _create(server, *args)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: ftjobs create")
    assert needle in result.stderr
    assert result.stdout == ""


def test_every_flag_of_every_subcommand_has_help() -> None:
    """Every argument of every subcommand (serve's included) and of the top level says what it does."""
    parser = build_parser()
    for name, command in {"": parser, **parser.commands}.items():
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)


def test_help_shows_grader_and_beta_and_common_options() -> None:
    """`ftjobs create --help` documents the new flags and the common options' placement."""
    result = subprocess.run(
        [sys.executable, "-m", "ftjobs", "create", "--help"], capture_output=True, text=True, check=True
    )
    for needle in (
        "--grader-json FILE|JSON",
        "--beta BETA",
        "common options (before or after the subcommand)",
    ):
        assert needle in result.stdout


# --- wait --------------------------------------------------------------------------------------


def test_wait_ends_with_the_fine_tuned_model_and_tokens(server: str) -> None:
    """On success the last line names the fine-tuned model and the trained tokens of the job."""
    job = json.loads(_create(server).stdout)
    result = ftjobs(server, "wait", job["id"], "--poll-interval", "0.05", "--max-poll-interval", "0.1")
    assert result.returncode == 0, result.stderr
    done = json.loads(ftjobs(server, "retrieve", job["id"], "--json").stdout)
    assert done["fine_tuned_model"]
    assert result.stdout.splitlines()[-1] == (
        f"fine_tuned_model {done['fine_tuned_model']}  trained_tokens {done['trained_tokens']:,}"
    )


def test_wait_failed_job_has_no_model_line(server: str) -> None:
    """A failed job: exit 3, the error on stderr, no fine_tuned_model line."""
    with serve(step_seconds=1.0) as slow:
        job = json.loads(_create(slow).stdout)
        httpx2.post(admin_url(slow, f"jobs/{job['id']}/fail"), json={}, headers=ADMIN).raise_for_status()
        result = ftjobs(slow, "wait", job["id"], "--poll-interval", "0.05")
    assert result.returncode == 3
    assert result.stderr.startswith("ftjobs: error: job ")
    assert "fine_tuned_model" not in result.stdout
