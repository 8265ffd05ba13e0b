"""The switcher's path from the openai SDK: `client.fine_tuning` (the same resources under the SDK's
names and keyword arguments), `page.data`, awaitable async pagers, `timeout=` taking an
`httpx.Timeout`-like object. A script made of the SDK's documented fine-tuning examples
(tests/fixtures/switcher/sdk_fine_tuning.py) runs with the SDK as written and with ftjobs after
changing its import lines, against the local server, and prints the same.
"""

from __future__ import annotations

import asyncio
import difflib
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs.testing import serve

from .helpers import Recorder, job_json, make_async_client, make_client

SCRIPT = Path(__file__).resolve().parents[1] / "fixtures" / "switcher" / "sdk_fine_tuning.py"
KEY = "sk-ftjobs-local"
#: The only lines a switcher changes: the imports.
SWITCH = {
    "import openai  # switch: import": "import ftjobs as openai  # switch: import",
    "from openai import AsyncOpenAI, OpenAI  # switch: import": (
        "from ftjobs import AsyncClient as AsyncOpenAI, Client as OpenAI  # switch: import"
    ),
}


def _run_script(path: Path) -> str:
    """The script's output against a fresh local server whose new jobs stay in validating_files."""
    with serve(step_seconds=3600) as url:
        done = subprocess.run(
            [sys.executable, "-W", "ignore::DeprecationWarning", str(path), url, KEY],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr == ""
    return done.stdout


@pytest.fixture(scope="module")
def switched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = SCRIPT.read_text(encoding="utf-8")
    for old, new in SWITCH.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path_factory.mktemp("switcher") / "ftjobs_fine_tuning.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_only_the_import_lines_change(switched: Path) -> None:
    before = SCRIPT.read_text(encoding="utf-8").splitlines()
    after = switched.read_text(encoding="utf-8").splitlines()
    changed = [line for line in difflib.ndiff(before, after) if line.startswith(("- ", "+ "))]
    assert sorted(changed) == sorted([f"- {old}" for old in SWITCH] + [f"+ {new}" for new in SWITCH.values()])


def test_the_sdk_script_runs_on_ftjobs_and_prints_what_it_prints_on_the_sdk(switched: Path) -> None:
    ours = _run_script(switched)
    expected_lines = [
        "created True validating_files gpt-4o-mini file-abc123",
        "retrieved by keyword True",
        "events 2 True",
        "pause refused 400",
        "resume refused 400",
        "cancelled cancelled",
        "checkpoints True ft:",
        "permission proj_abGMw1llN8IrBb6SvvY5A1iH True",
        "deleted True True",
        "grader run 1.0",
        "404 True",
        "number of items we just fetched: 1",
        "async checkpoints True",
        "async grader run 0.0",
    ]
    for line in expected_lines:
        assert line in ours.splitlines(), line
    pytest.importorskip("openai")  # the compat extra: the same script on the SDK itself
    assert _run_script(SCRIPT) == ours


def pages(request: httpx2.Request) -> httpx2.Response:
    """Two pages of jobs (2, then 1) for a list; a job for anything else."""
    if not request.url.path.endswith("/jobs"):
        return httpx2.Response(200, json=job_json(request.url.path.rsplit("/", 1)[-1]))
    after = request.url.params.get("after")
    if after is None:
        data = [job_json("ftjob-1"), job_json("ftjob-2")]
        return httpx2.Response(200, json={"object": "list", "data": data, "has_more": True})
    return httpx2.Response(200, json={"object": "list", "data": [job_json("ftjob-3")], "has_more": False})


def test_fine_tuning_holds_the_same_resources_under_the_sdk_names() -> None:
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json("ftjob-x")))
    with make_client(recorder) as client:
        assert client.fine_tuning.checkpoints is client.checkpoints
        assert client.fine_tuning.checkpoints.permissions is client.checkpoints.permissions
        assert client.fine_tuning.alpha.graders is client.graders
        assert client.fine_tuning.jobs.retrieve(fine_tuning_job_id="ftjob-x").id == "ftjob-x"
        client.fine_tuning.jobs.cancel("ftjob-x")
        client.fine_tuning.jobs.pause(fine_tuning_job_id="ftjob-x")
        client.fine_tuning.jobs.resume("ftjob-x", timeout=3)
    sent = [(r.method, r.url.path) for r in recorder.requests]
    assert sent == [
        ("GET", "/v1/fine_tuning/jobs/ftjob-x"),
        ("POST", "/v1/fine_tuning/jobs/ftjob-x/cancel"),
        ("POST", "/v1/fine_tuning/jobs/ftjob-x/pause"),
        ("POST", "/v1/fine_tuning/jobs/ftjob-x/resume"),
    ]


def test_list_events_and_checkpoints_list_take_the_sdk_keywords() -> None:
    recorder = Recorder(
        lambda r: httpx2.Response(200, json={"object": "list", "data": [], "has_more": False})
    )
    with make_client(recorder) as client:
        events = client.fine_tuning.jobs.list_events(fine_tuning_job_id="ftjob-x", limit=2, after="ev-1")
        assert events.data == ()
        assert list(client.fine_tuning.jobs.checkpoints.list(fine_tuning_job_id="ftjob-x", limit=5)) == []
    urls = [str(r.url) for r in recorder.requests]
    assert urls[0].endswith("/fine_tuning/jobs/ftjob-x/events?after=ev-1&limit=2")
    assert urls[1].endswith("/fine_tuning/jobs/ftjob-x/checkpoints?limit=5")


def test_page_data_is_its_items_and_the_pager_reads_as_the_first_page() -> None:
    recorder = Recorder(pages)
    with make_client(recorder) as client:
        page = client.jobs.list(limit=2).first_page()
        assert page.data is page.items and [j.id for j in page.data] == ["ftjob-1", "ftjob-2"]
        pager = client.fine_tuning.jobs.list(limit=2)
        assert [j.id for j in pager.data] == ["ftjob-1", "ftjob-2"]
        assert pager.has_next_page() is True
        assert [j.id for j in pager.get_next_page().data] == ["ftjob-3"]
        assert len(recorder.requests) == 3  # the pager's first page was fetched once
        last = page.get_next_page()
        assert last.has_next_page() is False and last.next_page() is None
        with pytest.raises(ftjobs.InvalidArgumentError, match=r"^no next page: check has_next_page\(\)"):
            last.get_next_page()


def test_an_async_pager_awaited_is_its_first_page() -> None:
    recorder = Recorder(pages)

    async def go() -> None:
        async with make_async_client(recorder) as client:
            first = await client.fine_tuning.jobs.list(limit=2)
            assert isinstance(first, ftjobs.AsyncPage)
            assert [j.id for j in first.data] == ["ftjob-1", "ftjob-2"] and first.has_next_page()
            second = await first.get_next_page()
            assert [j.id for j in second.data] == ["ftjob-3"]
            assert (await client.fine_tuning.jobs.retrieve(fine_tuning_job_id="ftjob-1")).id == "ftjob-1"

    asyncio.run(go())
    assert len(recorder.requests) == 3


PARTS = {"connect": 2.0, "read": 5.0, "write": 5.0, "pool": 5.0}


@pytest.mark.parametrize(
    "timeout",
    [
        pytest.param("httpx", id="httpx.Timeout"),
        pytest.param(SimpleNamespace(**PARTS), id="four-fields"),
        pytest.param(httpx2.Timeout(5.0, connect=2.0), id="httpx2.Timeout"),
    ],
)
def test_a_timeout_object_with_the_four_fields_is_taken(timeout: Any) -> None:
    if timeout == "httpx":
        httpx = pytest.importorskip("httpx")
        timeout = httpx.Timeout(5.0, connect=2.0)
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json("ftjob-x")))
    with make_client(recorder, timeout=timeout) as client:
        client.jobs.retrieve("ftjob-x")
        client.jobs.retrieve("ftjob-x", timeout=timeout)
    assert [r.extensions["timeout"] for r in recorder.requests] == [PARTS, PARTS]


@pytest.mark.parametrize("bad", [SimpleNamespace(connect=1.0, read=2.0), object(), [5.0]])
def test_another_timeout_object_is_refused_naming_httpx2_timeout(bad: object) -> None:
    with pytest.raises(ftjobs.ConfigurationError, match=r"^timeout must be seconds .*httpx2\.Timeout"):
        ftjobs.Client(api_key="sk-x", timeout=bad)  # type: ignore[arg-type]
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json("ftjob-x")))
    with (
        make_client(recorder) as client,
        pytest.raises(ftjobs.InvalidArgumentError, match=r"httpx2\.Timeout \(or an object with its four"),
    ):
        client.jobs.retrieve("ftjob-x", timeout=bad)  # type: ignore[arg-type]
    assert recorder.requests == []


def test_a_timeout_object_part_is_checked_like_seconds() -> None:
    with pytest.raises(ftjobs.ConfigurationError, match=r"^timeout\.read must be a positive"):
        ftjobs.Client(api_key="sk-x", timeout=SimpleNamespace(connect=1.0, read=-1, write=None, pool=None))  # type: ignore[arg-type]


README = Path(__file__).resolve().parents[2] / "README.md"


def _switcher_rows() -> dict[str, str]:
    """The README's "Coming from the openai SDK" table: first cell -> the whole row."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Coming from the openai SDK") :]
    section = section[: section.index("\n## ")]
    rows = [
        line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| openai")
    ]
    return {row.split(" | ")[0].removeprefix("| "): row for row in rows}


def test_the_switcher_table_covers_what_differs_and_says_it_right() -> None:
    """Pages, datetimes, errors, request ids, timeouts: each row is in the table, and what it says
    holds for a job and an error read from the API."""
    rows = _switcher_rows()
    joined = "\n".join(rows.values())
    for needle in (
        "`.data`",
        "await client.fine_tuning.jobs.list()",
        "`time.time() - job.created_at.timestamp()`",
        "`e.response`",
        "`e.body`",
        "`result._request_id`",
        "`result.request_id`",
        "`timeout=httpx.Timeout(60, connect=5)`",
        "naming `httpx2.Timeout`",
    ):
        assert needle in joined, needle

    def api(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/missing"):
            body = {"error": {"message": "No such job", "type": "invalid_request_error", "code": None}}
            return httpx2.Response(404, json=body, headers={"x-request-id": "req_404"})
        return httpx2.Response(200, json=job_json("ftjob-x"), headers={"x-request-id": "req_1"})

    with make_client(Recorder(api)) as client:
        job = client.fine_tuning.jobs.retrieve("ftjob-x")
        assert job.created_at is not None and job.created_at.utcoffset() is not None
        assert job.created_at.timestamp() == 1721764800  # the API's Unix seconds
        with pytest.raises(TypeError):
            _ = 1_800_000_000.0 - job.created_at  # type: ignore[operator]
        assert job.request_id == "req_1" and not hasattr(job, "_request_id")
        assert job.status == "running" and job.status is ftjobs.JobStatus.RUNNING
        with pytest.raises(ftjobs.NotFoundError) as caught:
            client.fine_tuning.jobs.retrieve("missing", max_retries=0)
    error = caught.value
    assert error.status_code == 404 and error.request_id == "req_404"
    assert isinstance(error.body, dict) and error.body["error"]["message"] == "No such job"
    assert not hasattr(error, "response")
