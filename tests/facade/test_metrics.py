"""client.jobs.metrics(): the series built from a job's events and checkpoints, against the local
server. Odd events (out of order, repeated, partial, unknown fields, not metrics) are written into the
server's store directly, then read back through the API like any other."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs._metrics import build_series
from ftjobs._models import Checkpoint, JobEvent
from ftjobs._server import DEFAULT_API_KEY, Server

from .helpers import Recorder, make_client

T0 = 1_800_000_000.0


@pytest.fixture
def server() -> Iterator[Server]:
    """A server on a frozen clock: a created job stays put until the test advances time."""
    with Server(clock=lambda: T0, step_seconds=1.0) as server:
        yield server


@pytest.fixture
def client(server: Server) -> Iterator[ftjobs.Client]:
    with ftjobs.Client(api_key=DEFAULT_API_KEY, base_url=server.url) as client:
        yield client


_COUNTER = iter(range(1_000_000))


def metrics_event(data: dict[str, Any] | None, type_: str = "metrics") -> dict[str, Any]:
    n = next(_COUNTER)
    return {
        "object": "fine_tuning.job.event",
        "id": f"ft-event-test{n:08d}",
        "created_at": int(T0),
        "level": "info",
        "message": "Step",
        "data": data,
        "type": type_,
    }


def checkpoint(job_id: str, step: int, metrics: dict[str, Any]) -> dict[str, Any]:
    n = next(_COUNTER)
    return {
        "object": "fine_tuning.job.checkpoint",
        "id": f"ftckpt_test{n:08d}",
        "created_at": int(T0),
        "fine_tuned_model_checkpoint": f"ft:gpt-4o-mini:org::x:ckpt-step-{step}",
        "fine_tuning_job_id": job_id,
        "metrics": metrics,
        "step_number": step,
    }


def seed(server: Server, job_id: str, table: str, docs: list[dict[str, Any]]) -> None:
    """Append docs (oldest first) to the job's events or checkpoints, in the server's own store."""
    assert server._app is not None
    store = server._app.store
    with store._lock, store._db:
        store._db.execute("BEGIN")
        store._insert(table, job_id, docs)


def new_job(client: ftjobs.Client) -> str:
    return client.jobs.create(model="gpt-4o-mini", training_file="file-t").id


def test_rows_ordered_by_step_whatever_the_event_order(server: Server, client: ftjobs.Client) -> None:
    """Events written 3, 1, 2 read back as rows 1, 2, 3; the job's own message events are skipped."""
    job_id = new_job(client)
    seed(server, job_id, "events", [metrics_event({"step": s, "train_loss": 1.0 / s}) for s in (3, 1, 2)])
    metrics = client.jobs.metrics(job_id)
    assert isinstance(metrics, ftjobs.JobMetrics)
    assert [row.step for row in metrics] == [1, 2, 3]
    assert metrics.series("train_loss") == [(1, 1.0), (2, 0.5), (3, 1.0 / 3)]
    assert metrics[0] == ftjobs.MetricsRow(step=1, train_loss=1.0)
    assert metrics.job_id == job_id


def test_a_repeated_step_is_one_row_the_newest_value_winning(server: Server, client: ftjobs.Client) -> None:
    """Two events for step 2: one row, fields merged, the newer event's value where they disagree."""
    job_id = new_job(client)
    seed(
        server,
        job_id,
        "events",
        [
            metrics_event({"step": 1, "train_loss": 0.9}),
            metrics_event({"step": 2, "train_loss": 0.8, "valid_loss": 0.85}),
            metrics_event({"step": 2.0, "train_loss": 0.7, "train_mean_token_accuracy": 0.6}),
        ],
    )
    rows = client.jobs.metrics(job_id).rows
    assert rows == (
        ftjobs.MetricsRow(step=1, train_loss=0.9),
        ftjobs.MetricsRow(step=2, train_loss=0.7, train_mean_token_accuracy=0.6, valid_loss=0.85),
    )


def test_missing_bad_and_unknown_fields(server: Server, client: ftjobs.Client) -> None:
    """No usable step: skipped. A known field that is no finite number: None. Unknown fields: kept."""
    job_id = new_job(client)
    seed(
        server,
        job_id,
        "events",
        [
            metrics_event({"train_loss": 0.5}),  # no step
            metrics_event({"step": "7", "train_loss": 0.5}),
            metrics_event({"step": 1.5, "train_loss": 0.5}),
            metrics_event({"step": -1, "train_loss": 0.5}),
            metrics_event({"step": True, "train_loss": 0.5}),
            metrics_event({"step": 4}),  # a step and nothing else
            metrics_event(
                {"step": 5, "train_loss": "NaN", "valid_loss": True, "total_steps": 9, "lr": [1, 2]}
            ),
            metrics_event({"step": 6, "train_loss": 10**400, "grad_norm": {"max": 3}}),
        ],
    )
    metrics = client.jobs.metrics(job_id)
    assert [row.step for row in metrics] == [4, 5, 6]
    four, five, six = metrics
    assert four == ftjobs.MetricsRow(step=4) and four.to_dict() == {"step": 4}
    assert (five.train_loss, five.valid_loss) == (None, None)
    assert five.extra == {"total_steps": 9, "lr": [1, 2]}
    assert five.to_dict() == {"step": 5, "lr": [1, 2], "total_steps": 9}
    assert six.train_loss is None and six.get("grad_norm") == {"max": 3}
    assert metrics.fields == ["step", "grad_norm", "lr", "total_steps"]


def test_events_that_are_not_metrics_are_ignored(server: Server, client: ftjobs.Client) -> None:
    """A message event whose data looks like metrics, and data that is null, add no rows."""
    job_id = new_job(client)
    seed(
        server,
        job_id,
        "events",
        [
            metrics_event({"step": 9, "train_loss": 1.0}, type_="message"),
            metrics_event(None),
            metrics_event({"step": 2, "train_loss": 0.25}),
        ],
    )
    assert client.jobs.metrics(job_id).to_dicts() == [{"step": 2, "train_loss": 0.25}]


def test_checkpoints_fill_what_the_events_lack(server: Server, client: ftjobs.Client) -> None:
    """A checkpoint adds fields its step's events lack (never overriding them) and steps no event has."""
    job_id = new_job(client)
    seed(server, job_id, "events", [metrics_event({"step": 3, "train_loss": 0.4})])
    seed(
        server,
        job_id,
        "checkpoints",
        [
            checkpoint(job_id, 3, {"step": 3.0, "train_loss": 0.9, "full_valid_loss": 0.45}),
            checkpoint(job_id, 10, {"train_loss": 0.2}),  # no step in its metrics: its step_number
        ],
    )
    rows = client.jobs.metrics(job_id).rows
    assert rows == (
        ftjobs.MetricsRow(step=3, train_loss=0.4, full_valid_loss=0.45),
        ftjobs.MetricsRow(step=10, train_loss=0.2),
    )


def test_every_page_is_read(server: Server, client: ftjobs.Client) -> None:
    """250 metrics events (3 pages of events) and 120 checkpoints (2 pages): every step is a row."""
    job_id = new_job(client)
    seed(server, job_id, "events", [metrics_event({"step": s, "train_loss": 2.0 / s}) for s in range(1, 251)])
    seed(server, job_id, "checkpoints", [checkpoint(job_id, s, {"step": s}) for s in range(300, 420)])
    metrics = client.jobs.metrics(job_id)
    assert [row.step for row in metrics] == [*range(1, 251), *range(300, 420)]
    assert metrics.latest("train_loss") == pytest.approx(2.0 / 250)


def _a_real_run(metrics: ftjobs.JobMetrics) -> None:
    """What a finished 4-epoch run on the local server reports: 8 steps, validation every 2, the full
    validation at the last step, total_steps as an extra field."""
    assert [row.step for row in metrics] == list(range(1, 9))
    assert all(row.train_loss is not None and row.train_loss > 0 for row in metrics)
    assert [s for s, _ in metrics.series("valid_loss")] == [2, 4, 6, 8]
    assert [s for s, _ in metrics.series("full_valid_loss")] == [8]
    assert metrics[-1].full_valid_loss is not None and metrics[-1].full_valid_loss > 0
    assert all(row.extra == {"total_steps": 8} for row in metrics)
    assert metrics.fields[0] == "step" and metrics.fields[-1] == "total_steps"


def test_a_real_run_sync_and_async_agree() -> None:
    """A job run to the end on a fast server: Client and AsyncClient each return the series such a
    run has (checked against the same fixed expectation, not against each other)."""
    with (
        Server(step_seconds=0.01) as server,
        ftjobs.Client(api_key=DEFAULT_API_KEY, base_url=server.url) as c,
    ):
        job = c.jobs.create(
            model="gpt-4o-mini",
            training_file="file-t",
            validation_file="file-v",
            seed=1,
            method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 4}}},
        )
        c.jobs.wait(job.id, poll_interval=0.02, timeout=30)
        _a_real_run(c.jobs.metrics(job.id, timeout=5, max_retries=0))

        async def read() -> ftjobs.JobMetrics:
            async with ftjobs.AsyncClient(api_key=DEFAULT_API_KEY, base_url=server.url) as ac:
                return await ac.jobs.metrics(job.id)

        _a_real_run(asyncio.run(read()))


def test_step_zero_is_a_row(server: Server, client: ftjobs.Client) -> None:
    """Steps are whole numbers >= 0: step 0 is kept (sync and async), step -1 is not."""
    job_id = new_job(client)
    seed(
        server,
        job_id,
        "events",
        [
            metrics_event({"step": 0, "train_loss": 2.5}),
            metrics_event({"step": -1, "train_loss": 9.0}),
            metrics_event({"step": 1, "train_loss": 1.5}),
        ],
    )
    seed(server, job_id, "checkpoints", [checkpoint(job_id, 0, {"step": 0, "valid_loss": 2.0})])
    expected = [{"step": 0, "train_loss": 2.5, "valid_loss": 2.0}, {"step": 1, "train_loss": 1.5}]
    assert client.jobs.metrics(job_id).to_dicts() == expected

    async def read() -> ftjobs.JobMetrics:
        async with ftjobs.AsyncClient(api_key=DEFAULT_API_KEY, base_url=server.url) as ac:
            return await ac.jobs.metrics(job_id)

    assert asyncio.run(read()).to_dicts() == expected


def test_bad_input_is_a_clear_error(client: ftjobs.Client) -> None:
    """A bad id, an unknown job, an unknown option or metric name: ftjobs errors, before or from the API."""
    with pytest.raises(ftjobs.InvalidJobIdError):
        client.jobs.metrics("../etc")
    with pytest.raises(ftjobs.NotFoundError):
        client.jobs.metrics("ftjob-doesnotexist")
    with pytest.raises(ftjobs.InvalidArgumentError, match="timout"):
        client.jobs.metrics("ftjob-abc", timout=3)  # type: ignore[call-arg]
    with pytest.raises(ftjobs.InvalidArgumentError, match="unknown metric"):
        ftjobs.JobMetrics("ftjob-x").series("loss")


def test_build_series_without_ids_and_nan() -> None:
    """Pure rules the API cannot carry as JSON: 2023-era events (no id, no type) and NaN values."""
    old = JobEvent.from_dict({"object": "fine_tuning.job.event", "created_at": 1, "level": "info",
                              "message": "m", "data": {"step": 1, "train_loss": 0.5}})  # fmt: skip
    chatty = JobEvent.from_dict({"object": "fine_tuning.job.event", "created_at": 1, "level": "info",
                                 "message": "m", "data": {"step": 2}})  # fmt: skip
    nan = JobEvent.from_dict(metrics_event({"step": 3, "train_loss": math.nan, "valid_loss": math.inf}))
    ckpt = Checkpoint.from_dict(checkpoint("j", 3, {"step": 3, "valid_loss": 0.3}))
    series = build_series("j", [nan, chatty, old], [ckpt])
    assert series.to_dicts() == [{"step": 1, "train_loss": 0.5}, {"step": 3, "valid_loss": 0.3}]
    assert len(series) == 2 and list(series[1:]) == [series.rows[1]]


def test_a_row_reads_known_and_extra_fields_by_their_api_names() -> None:
    """MetricsRow.get: step and the known fields as attributes, others from extra, None if absent;
    rows are built by keyword only."""
    row = ftjobs.MetricsRow(step=3, train_loss=0.5, extra={"total_steps": 8})
    assert [row.get(n) for n in ("step", "train_loss", "valid_loss", "total_steps", "nope")] == [
        3,
        0.5,
        None,
        8,
        None,
    ]
    with pytest.raises(TypeError):
        ftjobs.MetricsRow(3)  # type: ignore[misc]


def _metrics_over(pages: dict[str, Any]) -> tuple[list[httpx2.Request], Recorder]:
    """A recorder answering events and checkpoints pages (by the path's last segment)."""
    recorder = Recorder(lambda request: httpx2.Response(200, json=pages[request.url.path.rsplit("/", 1)[-1]]))
    return recorder.requests, recorder


def test_metrics_reads_pages_of_100() -> None:
    """Events and checkpoints are read 100 per page (the API's largest page)."""
    empty = {"object": "list", "data": [], "has_more": False}
    requests, recorder = _metrics_over({"events": empty, "checkpoints": empty})
    assert make_client(recorder).jobs.metrics("ftjob-abc123").rows == ()
    assert sorted(r.url.path.rsplit("/", 1)[-1] for r in requests) == ["checkpoints", "events"]
    assert all(r.url.params["limit"] == "100" for r in requests)


def test_a_page_that_is_not_a_page_names_its_request() -> None:
    """An events answer of the wrong shape: ResponseValidationError with the method and URL it came from."""
    empty = {"object": "list", "data": [], "has_more": False}
    _, recorder = _metrics_over({"events": {"object": "list", "data": 7}, "checkpoints": empty})
    with pytest.raises(ftjobs.ResponseValidationError) as caught:
        make_client(recorder).jobs.metrics("ftjob-abc123")
    assert caught.value.method == "GET"
    assert caught.value.url == "http://api.test/v1/fine_tuning/jobs/ftjob-abc123/events"


def test_an_event_read_twice_counts_once_and_the_rest_still_count() -> None:
    """build_series: an event id seen before is skipped, and the events after it are still read; a
    row's repr leaves its extra fields out."""
    first = JobEvent.from_dict(metrics_event({"step": 1, "train_loss": 0.9}))
    again = JobEvent.from_dict({**first.raw, "data": {"step": 1, "train_loss": 0.1}})
    later = JobEvent.from_dict(metrics_event({"step": 2, "train_loss": 0.5, "total_steps": 2}))
    series = build_series("j", [later, again, first])  # newest first, as the API lists them
    assert series.to_dicts() == [
        {"step": 1, "train_loss": 0.9},
        {"step": 2, "train_loss": 0.5, "total_steps": 2},
    ]
    assert "total_steps" not in repr(series[1]) and "extra" not in repr(series[1])
