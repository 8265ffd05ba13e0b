"""A realistic user script, type-checked with `mypy --strict` against the installed package.

tests/typing/test_typing.py runs mypy on this file from outside the checkout (no project config, no
source paths), once with the editable install and once with the wheel, so the types below are what
a user's own project sees. Every `assert_type` must hold; this file is never executed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal, assert_type

from ftjobs import (
    AsyncClient,
    AsyncPage,
    AsyncPager,
    Checkpoint,
    CheckpointMetrics,
    CheckpointPermission,
    Client,
    Grader,
    GraderRunMetadata,
    GraderRunResult,
    GraderValidation,
    Integration,
    Job,
    JobError,
    JobEvent,
    JobHyperparameters,
    JobMetrics,
    JobStatus,
    Method,
    MethodParam,
    MetricsRow,
    MultiGrader,
    Page,
    PermissionDeleted,
    PortkeyOptions,
    PythonGrader,
    RawResponse,
    ReinforcementMethod,
    RequestOptions,
    ResponseValidationError,
    ScoreModelGrader,
    StringCheckGrader,
    SupervisedHyperparameters,
    SyncPager,
    TextSimilarityGrader,
    TokenUsage,
    UnknownVariant,
)

JobGrader = (
    StringCheckGrader | TextSimilarityGrader | PythonGrader | ScoreModelGrader | MultiGrader | UnknownVariant
)


def retrieve_and_narrow(client: Client) -> int:
    job = client.jobs.retrieve("ftjob-abc123")
    assert_type(job, Job)
    assert_type(job.status, JobStatus)
    assert_type(job.created_at, dt.datetime | None)
    assert_type(job.result_files, tuple[str, ...])

    assert_type(job.error, JobError | None)
    if job.error is not None:
        assert_type(job.error.code, str | None)
        assert_type(job.error.message, str | None)

    assert_type(job.hyperparameters, JobHyperparameters | None)
    assert_type(job.method, Method | None)
    assert_type(job.integrations, tuple[Integration, ...])

    total = 0
    if job.method is not None and job.method.supervised is not None:
        hyperparameters = job.method.supervised.hyperparameters
        assert_type(hyperparameters, SupervisedHyperparameters | None)
        if hyperparameters is not None:
            n_epochs = hyperparameters.n_epochs
            assert_type(n_epochs, Literal["auto"] | int | None)
            if n_epochs is not None and n_epochs != "auto":
                assert_type(n_epochs, int)
                total = n_epochs * 2 + 1
    if job.method is not None:
        reinforcement = job.method.reinforcement
        assert_type(reinforcement, ReinforcementMethod | None)
        if reinforcement is not None:
            grader = reinforcement.grader
            # the spec's union for a job's grader (label_model is only a member of a multi grader's)
            assert_type(grader, JobGrader | None)
            if grader is not None:
                any_grader: Grader = grader  # every grader type is a Grader
                assert_type(any_grader.type, str | None)
            if isinstance(grader, PythonGrader):
                assert_type(grader.type, Literal["python"])
            elif isinstance(grader, StringCheckGrader | MultiGrader):
                print(grader.name)
            elif isinstance(grader, UnknownVariant):
                assert_type(grader.raw, Mapping[str, Any])
    return total


def lists(client: Client) -> None:
    page = client.jobs.list(limit=5).first_page()
    assert_type(page, Page[Job])
    assert_type(page.items, tuple[Job, ...])
    for job in client.jobs.list():
        assert_type(job, Job)
    for event in client.jobs.events("ftjob-abc123"):
        assert_type(event, JobEvent)
    for checkpoint in client.jobs.checkpoints("ftjob-abc123"):
        assert_type(checkpoint, Checkpoint)
        assert_type(checkpoint.metrics, CheckpointMetrics | None)


def create(client: Client) -> Job:
    method: MethodParam = {
        "type": "reinforcement",
        "reinforcement": {
            "grader": {"type": "python", "name": "exact", "source": "def grade(s, i): return 1.0"},
            "hyperparameters": {"n_epochs": "auto", "reasoning_effort": "low"},
        },
    }
    client.jobs.create(
        model="gpt-4o-mini",
        training_file="file-abc123",
        method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1, "n_epochs": 2}}},
        integrations=[{"type": "wandb", "wandb": {"project": "ft", "tags": ["a"]}}],
        metadata={"team": "x"},
    )
    return client.jobs.create(model="gpt-4o-mini", training_file="file-abc123", method=method)


async def use_async(client: AsyncClient) -> None:
    job = await client.jobs.retrieve("ftjob-abc123")
    assert_type(job, Job)
    page = await client.jobs.list().first_page()
    assert_type(page, AsyncPage[Job])
    async for event in client.jobs.events(job.id):
        assert_type(event, JobEvent)
    try:
        done = await client.jobs.wait(job.id, timeout=60)
        assert_type(done, Job)
    except ResponseValidationError as exc:
        print(exc)


def switcher(client: Client) -> None:
    """Code ported from the openai SDK: `client.fine_tuning` under its names, pages with `data`."""
    jobs = client.fine_tuning.jobs
    assert_type(jobs.retrieve(fine_tuning_job_id="ftjob-abc123"), Job)
    assert_type(jobs.cancel("ftjob-abc123"), Job)
    events = jobs.list_events(fine_tuning_job_id="ftjob-abc123", limit=2)
    assert_type(events, SyncPager[JobEvent])
    assert_type(events.data, tuple[JobEvent, ...])
    assert_type(events.has_next_page(), bool)
    assert_type(events.get_next_page(), Page[JobEvent])
    assert_type(jobs.checkpoints.list(fine_tuning_job_id="ftjob-abc123"), SyncPager[Checkpoint])
    assert_type(jobs.list(limit=1).first_page().data, tuple[Job, ...])
    assert_type(client.fine_tuning.alpha.graders.validate(grader={"type": "string_check"}), GraderValidation)
    assert_type(
        client.fine_tuning.checkpoints.permissions.delete("cp_1", fine_tuned_model_checkpoint="ft:x"),
        PermissionDeleted,
    )


async def switcher_async(client: AsyncClient) -> None:
    first = await client.fine_tuning.jobs.list(limit=2)  # the SDK's AsyncPaginator: the first page
    assert_type(first, AsyncPage[Job])
    assert_type(await first.get_next_page(), AsyncPage[Job])
    assert_type(await client.fine_tuning.jobs.retrieve(fine_tuning_job_id="ftjob-abc123"), Job)
    assert_type(client.fine_tuning.jobs.list_events("ftjob-abc123"), AsyncPager[JobEvent])


def per_call_controls(client: Client) -> None:
    options: RequestOptions = {"timeout": 5.0, "max_retries": 0, "extra_headers": {"X-Trace": "1"}}
    job = client.jobs.retrieve("ftjob-abc123", **options)
    assert_type(job.request_id, str | None)
    assert_type(job.to_dict(), dict[str, Any])
    assert_type(job.to_json(indent=2), str)
    client.jobs.cancel("ftjob-abc123", extra_query={"dry_run": True}, extra_body={"reason": "x"})
    client.jobs.create(model="m", training_file="file-1", timeout=30, extra_body={"gateway_field": 1})
    pager = client.jobs.list(after="ftjob-abc123", limit=10, timeout=5, extra_headers={"X-A": "b"})
    first = pager.first_page()
    assert_type(first.request_id, str | None)
    assert_type(first.next_page(), Page[Job] | None)
    client.jobs.events("ftjob-abc123", after="ftevent-1", max_retries=1)
    client.jobs.checkpoints("ftjob-abc123", after="ftckpt-1", limit=1)
    client.jobs.wait("ftjob-abc123", timeout=60, request_timeout=5, max_retries=1, extra_headers={"X": "y"})

    raw = client.jobs.with_raw_response.retrieve("ftjob-abc123")
    assert_type(raw, RawResponse[Job])
    assert_type(raw.status_code, int)
    assert_type(raw.headers, Mapping[str, str])
    assert_type(raw.request_id, str | None)
    assert_type(raw.parse(), Job)
    assert_type(client.jobs.with_raw_response.list(limit=1).parse(), Page[Job])
    assert_type(client.jobs.with_raw_response.events("ftjob-abc123").parse(), Page[JobEvent])
    assert_type(client.jobs.with_raw_response.checkpoints("ftjob-abc123").parse(), Page[Checkpoint])

    copy = client.with_options(timeout=5, max_retries=0)
    assert_type(copy, Client)
    portkey: PortkeyOptions = {"trace_id": "t-1", "metadata": {"_user": "u"}, "cache_force_refresh": True}
    gateway = Client(provider="portkey", api_key="pk", virtual_key="vk", portkey=portkey)
    gateway.jobs.retrieve("ftjob-abc123", portkey={"trace_id": "t-2"})
    event = next(iter(client.jobs.events("ftjob-abc123")))
    assert_type(event.to_dict(), dict[str, Any])
    assert_type(event.request_id, str | None)


async def per_call_controls_async(client: AsyncClient) -> None:
    job = await client.jobs.retrieve("ftjob-abc123", timeout=5, extra_headers={"X-A": "b"})
    assert_type(job.request_id, str | None)
    page = await client.jobs.events(job.id, after="ftevent-1", limit=5).first_page()
    assert_type(page, AsyncPage[JobEvent])
    following = await page.next_page()
    assert_type(following, AsyncPage[JobEvent] | None)
    raw = await client.jobs.with_raw_response.cancel(job.id, max_retries=0)
    assert_type(raw, RawResponse[Job])
    assert_type((await client.jobs.with_raw_response.list()).parse(), AsyncPage[Job])
    assert_type(client.with_options(max_retries=1), AsyncClient)


def checkpoint_permissions_and_graders(client: Client) -> None:
    ckpt = "ft:gpt-4o-mini:org::ckpt-step-1"
    created = client.checkpoints.permissions.create(ckpt, project_ids=["proj_a"], timeout=5)
    assert_type(created, Page[CheckpointPermission])
    page = client.checkpoints.permissions.retrieve(
        ckpt, after="cp_1", limit=5, order="ascending", project_id="p"
    )
    assert_type(page.next_page(), Page[CheckpointPermission] | None)
    assert_type(client.checkpoints.permissions.list(ckpt, limit=10), SyncPager[CheckpointPermission])
    deleted = client.checkpoints.permissions.delete("cp_1", fine_tuned_model_checkpoint=ckpt, max_retries=0)
    assert_type(deleted, PermissionDeleted)
    assert_type(deleted.deleted, bool | None)
    grader: Any = {"type": "string_check", "name": "g", "input": "a", "reference": "b", "operation": "eq"}
    result = client.graders.run(grader=grader, model_sample="a", item={"label": "b"}, extra_body={"x": 1})
    assert_type(result, GraderRunResult)
    assert_type(result.reward, float | None)
    assert_type(result.metadata, GraderRunMetadata | None)
    if result.metadata is not None:
        assert_type(result.metadata.token_usage, int | TokenUsage | None)
    validation = client.graders.validate(grader=grader)
    assert_type(validation, GraderValidation)
    assert_type(validation.grader, JobGrader | None)
    raw_page = client.checkpoints.permissions.with_raw_response.retrieve(ckpt, limit=1)
    assert_type(raw_page, RawResponse[Page[CheckpointPermission]])
    assert_type(raw_page.parse().next_page(), Page[CheckpointPermission] | None)
    raw_run = client.graders.with_raw_response.run(grader=grader, model_sample="a", timeout=5)
    assert_type(raw_run.parse(), GraderRunResult)
    assert_type(raw_run.status_code, int)


async def checkpoint_permissions_and_graders_async(client: AsyncClient) -> None:
    ckpt = "ft:gpt-4o-mini:org::ckpt-step-1"
    page = await client.checkpoints.permissions.retrieve(ckpt)
    assert_type(page, AsyncPage[CheckpointPermission])
    assert_type(client.checkpoints.permissions.list(ckpt), AsyncPager[CheckpointPermission])
    assert_type(
        await client.checkpoints.permissions.delete("cp_1", fine_tuned_model_checkpoint=ckpt),
        PermissionDeleted,
    )
    assert_type(
        await client.graders.validate(grader={"type": "python", "name": "p", "source": "x"}), GraderValidation
    )
    raw = await client.checkpoints.permissions.with_raw_response.create(ckpt, project_ids=["p"])
    assert_type(raw.parse(), AsyncPage[CheckpointPermission])
    raw_deleted = await client.checkpoints.permissions.with_raw_response.delete(
        "cp_1", fine_tuned_model_checkpoint=ckpt
    )
    assert_type(raw_deleted, RawResponse[PermissionDeleted])
    raw_valid = await client.graders.with_raw_response.validate(
        grader={"type": "python", "name": "p", "source": "x"}
    )
    assert_type(raw_valid.parse(), GraderValidation)


def training_metrics(client: Client) -> None:
    series = client.jobs.metrics("ftjob-abc123", timeout=10)
    assert_type(series, JobMetrics)
    for row in series:
        assert_type(row, MetricsRow)
        assert_type(row.step, int)
        assert_type(row.train_loss, float | None)
        assert_type(row.extra, Mapping[str, Any])
    assert_type(series[-1], MetricsRow)
    assert_type(series.series("valid_loss"), list[tuple[int, float]])
    assert_type(series.latest("train_loss"), float | None)
    assert_type(series.to_dicts(), list[dict[str, Any]])


async def training_metrics_async(client: AsyncClient) -> None:
    assert_type(await client.jobs.metrics("ftjob-abc123", max_retries=0), JobMetrics)
