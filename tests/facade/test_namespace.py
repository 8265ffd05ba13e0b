"""client.checkpoints.permissions and client.graders: against the local server (sync and async) and
over the probe transport (what goes on the wire, how answers parse, per-call options)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import (
    CheckpointPermission,
    GraderRunResult,
    GraderValidation,
    PermissionDeleted,
    TokenUsage,
)
from ftjobs.testing import serve

from .helpers import Recorder, make_async_client, make_client

KEY = "sk-ftjobs-local"
CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000"  # seeded
STRING_CHECK = {
    "type": "string_check",
    "name": "label",
    "input": "{{sample.output_text}}",
    "reference": "{{item.label}}",
    "operation": "eq",
}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve() as base:
        yield base


def _client(url: str) -> ftjobs.Client:
    return ftjobs.Client(provider="compatible", base_url=url, api_key=KEY)


def test_permissions_lifecycle_against_the_server(url: str) -> None:
    """create -> retrieve (pages, order, project filter) -> list (every page) -> delete -> 404."""
    with _client(url) as client:
        permissions = client.checkpoints.permissions
        created = permissions.create(CHECKPOINT, project_ids=["proj_f1", "proj_f2", "proj_f3"])
        assert [p.project_id for p in created.items] == ["proj_f1", "proj_f2", "proj_f3"]
        assert all(isinstance(p, CheckpointPermission) and p.id.startswith("cp_") for p in created.items)
        assert created.request_id is not None and created.items[0].request_id == created.request_id
        again = permissions.create(CHECKPOINT, project_ids=["proj_f2"])  # no duplicate
        assert [p.id for p in again.items] == [created.items[1].id]

        first = permissions.retrieve(CHECKPOINT, limit=2)
        assert [p.project_id for p in first.items] == ["proj_f3", "proj_f2"] and first.has_more
        second = first.next_page()
        assert second is not None and second.items[0].project_id == "proj_f1"
        ascending = permissions.retrieve(CHECKPOINT, order="ascending", limit=100)
        assert [p.project_id for p in ascending.items] == ["proj_f1", "proj_f2", "proj_f3"]
        only = permissions.retrieve(CHECKPOINT, project_id="proj_f2")
        assert [p.id for p in only.items] == [created.items[1].id]
        after = permissions.retrieve(CHECKPOINT, after=created.items[2].id)
        assert [p.project_id for p in after.items] == ["proj_f2", "proj_f1"]
        assert [p.project_id for p in permissions.list(CHECKPOINT, limit=1)] == [
            "proj_f3",
            "proj_f2",
            "proj_f1",
        ]

        deleted = permissions.delete(created.items[0].id, fine_tuned_model_checkpoint=CHECKPOINT)
        assert isinstance(deleted, PermissionDeleted) and (deleted.id, deleted.deleted) == (
            created.items[0].id,
            True,
        )
        assert deleted.to_dict() == {
            "object": "checkpoint.permission",
            "id": created.items[0].id,
            "deleted": True,
        }
        with pytest.raises(ftjobs.NotFoundError):
            permissions.delete(created.items[0].id, fine_tuned_model_checkpoint=CHECKPOINT)
        with pytest.raises(ftjobs.NotFoundError) as caught:
            permissions.retrieve("ft:gpt-4o-mini:no-such-checkpoint")
        assert "no-such-checkpoint" in str(caught.value)
        for project_id in ("proj_f2", "proj_f3"):
            permission = permissions.retrieve(CHECKPOINT, project_id=project_id).items[0]
            permissions.delete(permission.id, fine_tuned_model_checkpoint=CHECKPOINT)


def test_permissions_survive_a_restart(tmp_path: Any) -> None:
    """Permissions live in the server's database with the jobs."""
    db = str(tmp_path / "ftjobs.db")
    with serve(db=db) as url, _client(url) as client:
        made = client.checkpoints.permissions.create(CHECKPOINT, project_ids=["proj_keep"]).items[0]
    with serve(db=db) as url, _client(url) as client:
        kept = client.checkpoints.permissions.retrieve(CHECKPOINT).items
        assert [(p.id, p.project_id, p.created_at) for p in kept] == [(made.id, "proj_keep", made.created_at)]


def test_graders_against_the_server(url: str) -> None:
    """run scores string_check and text_similarity for real; validate reads the grader back typed."""
    with _client(url) as client:
        hit = client.graders.run(grader=STRING_CHECK, model_sample="Paris", item={"label": "Paris"})
        miss = client.graders.run(grader=STRING_CHECK, model_sample="paris", item={"label": "Paris"})
        assert isinstance(hit, GraderRunResult) and (hit.reward, miss.reward) == (1.0, 0.0)
        assert hit.metadata is not None and hit.metadata.errors is not None
        assert (hit.metadata.name, hit.metadata.type, hit.metadata.errors.any) == (
            "label",
            "string_check",
            False,
        )
        unknown = client.graders.run(grader=STRING_CHECK, model_sample="Paris", item={})
        assert unknown.reward == 0.0 and unknown.metadata is not None and unknown.metadata.errors is not None
        assert unknown.metadata.errors.invalid_variable_error is True and unknown.metadata.errors.any
        rouge = client.graders.run(
            grader={
                "type": "text_similarity",
                "name": "r",
                "input": "{{sample.output_json.answer}}",
                "reference": "{{item.ref}}",
                "evaluation_metric": "rouge_1",
            },
            model_sample='{"answer": "the cat sat"}',
            item={"ref": "the cat sat down"},
        )
        assert rouge.reward == pytest.approx(2 * 1 * 0.75 / 1.75)  # P 3/3, R 3/4
        validation = client.graders.validate(grader=STRING_CHECK)
        assert isinstance(validation, GraderValidation) and isinstance(
            validation.grader, ftjobs.StringCheckGrader
        )
        with pytest.raises(ftjobs.BadRequestError) as caught:
            client.graders.validate(grader={"type": "python", "name": "p", "source": "def grade(:"})
        assert caught.value.param == "grader.source"
        cosine = {
            "type": "text_similarity",
            "name": "c",
            "input": "a",
            "reference": "b",
            "evaluation_metric": "cosine",
        }
        with pytest.raises(ftjobs.BadRequestError) as unsupported:
            client.graders.run(grader=cosine, model_sample="x")
        assert (unsupported.value.code, unsupported.value.param) == (
            "unsupported_grader",
            "grader.evaluation_metric",
        )


def test_async_twins_against_the_server(url: str) -> None:
    async def main() -> None:
        async with ftjobs.AsyncClient(provider="compatible", base_url=url, api_key=KEY) as client:
            permissions = client.checkpoints.permissions
            created = await permissions.create(CHECKPOINT, project_ids=["proj_a1", "proj_a2"])
            page = await permissions.retrieve(CHECKPOINT, limit=1, project_id=None)
            assert page.items[0].project_id == "proj_a2" and page.has_more
            following = await page.next_page()
            assert following is not None and following.items[0].project_id == "proj_a1"
            assert [p.project_id async for p in permissions.list(CHECKPOINT, limit=1)] == [
                "proj_a2",
                "proj_a1",
            ]
            for permission in created.items:
                gone = await permissions.delete(permission.id, fine_tuned_model_checkpoint=CHECKPOINT)
                assert gone.deleted is True
            result = await client.graders.run(
                grader=STRING_CHECK, model_sample="x", item={"label": "x"}, timeout=5
            )
            assert result.reward == 1.0
            assert (await client.graders.validate(grader=STRING_CHECK)).grader is not None

    asyncio.run(main())


def test_with_raw_response_of_permissions_and_graders(url: str) -> None:
    """Status, headers, request id and JSON as received; parse() is what the plain method returns,
    a retrieved page still walks on; per-call options and argument checks are the plain method's."""
    with _client(url) as client:
        raw_perms = client.checkpoints.permissions.with_raw_response
        created = raw_perms.create(CHECKPOINT, project_ids=["proj_r1", "proj_r2"], extra_headers={"X-T": "1"})
        assert created.status_code == 200 and created.method == "POST"
        assert created.request_id is not None and created.headers["x-request-id"] == created.request_id
        assert [p["project_id"] for p in created.json["data"]] == ["proj_r1", "proj_r2"]
        page = created.parse()
        assert isinstance(page, ftjobs.Page) and page.request_id == created.request_id
        assert page is created.parse()  # parsed once

        first = raw_perms.retrieve(CHECKPOINT, limit=1)
        assert first.json["has_more"] is True and "limit=1" in first.url
        following = first.parse().next_page()
        assert following is not None and following.items[0].project_id == "proj_r1"

        gone = raw_perms.delete(created.json["data"][0]["id"], fine_tuned_model_checkpoint=CHECKPOINT)
        assert gone.method == "DELETE" and gone.json["deleted"] is True
        assert isinstance(gone.parse(), PermissionDeleted)
        client.checkpoints.permissions.delete(page.items[1].id, fine_tuned_model_checkpoint=CHECKPOINT)

        run = client.graders.with_raw_response.run(grader=STRING_CHECK, model_sample="x", item={"label": "x"})
        assert run.status_code == 200 and run.json["reward"] == 1.0
        assert isinstance(run.parse(), GraderRunResult) and run.parse().request_id == run.request_id
        valid = client.graders.with_raw_response.validate(grader=STRING_CHECK, timeout=5)
        assert isinstance(valid.parse(), GraderValidation) and valid.json["grader"]["type"] == "string_check"

        with pytest.raises(ftjobs.InvalidArgumentError, match="project_ids"):
            raw_perms.create(CHECKPOINT, project_ids=[])
        with pytest.raises(ftjobs.BadRequestError):
            client.graders.with_raw_response.validate(grader={"type": "nope"})


def test_async_with_raw_response_of_permissions_and_graders(url: str) -> None:
    async def main() -> None:
        async with ftjobs.AsyncClient(provider="compatible", base_url=url, api_key=KEY) as client:
            raw_perms = client.checkpoints.permissions.with_raw_response
            created = await raw_perms.create(CHECKPOINT, project_ids=["proj_q1", "proj_q2"])
            assert created.status_code == 200 and isinstance(created.parse(), ftjobs.AsyncPage)
            first = await raw_perms.retrieve(CHECKPOINT, limit=1, max_retries=0)
            following = await first.parse().next_page()
            assert following is not None and following.items[0].project_id == "proj_q1"
            for permission in created.parse().items:
                gone = await raw_perms.delete(permission.id, fine_tuned_model_checkpoint=CHECKPOINT)
                assert gone.parse().deleted is True
            run = await client.graders.with_raw_response.run(
                grader=STRING_CHECK, model_sample="y", item={"label": "x"}
            )
            assert run.parse().reward == 0.0 and run.request_id is not None
            valid = await client.graders.with_raw_response.validate(grader=STRING_CHECK)
            assert valid.parse().grader is not None

    asyncio.run(main())


# --- the probe transport -------------------------------------------------------------------------


RUN_ANSWER = {
    "reward": 0.5,
    "metadata": {
        "name": "m",
        "type": "score_model",
        "errors": {"formula_parse_error": False, "model_grader_server_error_details": None},
        "execution_time": 1.5,
        "scores": {"a": 1},
        "token_usage": {
            "prompt_tokens": 190,
            "total_tokens": 324,
            "completion_tokens": 134,
            "cached_tokens": 0,
        },
        "sampled_model_name": "gpt-4o",
    },
    "sub_rewards": {},
    "model_grader_token_usage_per_model": {"gpt-4o": {"total_tokens": 324}},
    "new_key": True,
}


def _answer(request: httpx2.Request) -> httpx2.Response:
    path = request.url.path
    if path.endswith("/graders/run"):
        return httpx2.Response(200, json=RUN_ANSWER, headers={"x-request-id": "req_run"})
    if path.endswith("/graders/validate"):
        return httpx2.Response(200, json=json.loads(request.content))
    if request.method == "DELETE":
        return httpx2.Response(200, json={"object": "checkpoint.permission", "id": "cp_1", "deleted": True})
    return httpx2.Response(
        200,
        json={
            "object": "list",
            "data": [
                {"object": "checkpoint.permission", "id": "cp_1", "created_at": 1712211699, "project_id": "p"}
            ],
            "has_more": False,
            "first_id": "cp_1",
            "last_id": "cp_1",
        },
    )


def test_the_wire_and_the_options_over_the_probe() -> None:
    """Paths (the checkpoint URL-quoted), query, bodies; per-call extra_headers/extra_query/extra_body."""
    recorder = Recorder(_answer)
    with make_client(recorder) as client:
        client.checkpoints.permissions.create("ft:a/b", project_ids=["p"], extra_headers={"x-trace": "1"})
        client.checkpoints.permissions.retrieve(
            "ft:a/b", after="cp_0", limit=5, order="ascending", project_id="p", extra_query={"x": 1}
        )
        client.checkpoints.permissions.delete("cp_1", fine_tuned_model_checkpoint="ft:a/b", max_retries=0)
        run = client.graders.run(
            grader=STRING_CHECK, model_sample="s", item={"label": "l"}, extra_body={"k": 2}
        )
        client.graders.validate(grader=STRING_CHECK, timeout=3)
    create, listing, delete, run_request, validate = recorder.requests
    assert (create.method, create.url.raw_path) == (
        "POST",
        b"/v1/fine_tuning/checkpoints/ft%3Aa%2Fb/permissions",
    )
    assert json.loads(create.content) == {"project_ids": ["p"]} and create.headers["x-trace"] == "1"
    assert dict(listing.url.params) == {
        "after": "cp_0", "limit": "5", "order": "ascending", "project_id": "p", "x": "1"
    }  # fmt: skip
    assert (delete.method, delete.url.raw_path) == (
        "DELETE",
        b"/v1/fine_tuning/checkpoints/ft%3Aa%2Fb/permissions/cp_1",
    )
    assert json.loads(run_request.content) == {
        "grader": STRING_CHECK, "model_sample": "s", "item": {"label": "l"}, "k": 2
    }  # fmt: skip
    assert json.loads(validate.content) == {"grader": STRING_CHECK}
    # The documented answer shape: token_usage as an object (overlay 07), unknown keys kept.
    assert run.request_id == "req_run" and run.reward == 0.5
    assert run.metadata is not None and run.metadata.token_usage == TokenUsage(
        prompt_tokens=190, completion_tokens=134, total_tokens=324, cached_tokens=0
    )
    assert run.metadata.errors is not None and run.metadata.errors.sample_parse_error is None
    assert run.to_dict()["new_key"] is True and run.generated.reward == 0.5


def test_bad_arguments_and_bad_answers_are_ftjobs_errors() -> None:
    """Checked before sending (InvalidArgumentError naming the argument); a wrong JSON type in an
    answer is a ResponseValidationError naming its path."""
    recorder = Recorder(_answer)
    with make_client(recorder) as client:
        permissions = client.checkpoints.permissions
        for call, word in (
            (lambda: permissions.create("", project_ids=["p"]), "fine_tuned_model_checkpoint"),
            (lambda: permissions.create("ft:x", project_ids="p"), "project_ids"),
            (lambda: permissions.create("ft:x", project_ids=[]), "project_ids"),
            (lambda: permissions.retrieve("ft:x", limit=0), "limit"),
            (lambda: permissions.retrieve("ft:x", order="up"), "order"),  # type: ignore[arg-type]
            (lambda: permissions.delete("", fine_tuned_model_checkpoint="ft:x"), "permission_id"),
            (lambda: client.graders.run(grader="g", model_sample="s"), "grader"),  # type: ignore[arg-type]
            (lambda: client.graders.run(grader=STRING_CHECK, model_sample=1), "model_sample"),  # type: ignore[arg-type]
            (lambda: client.graders.validate(grader={**STRING_CHECK, "name": 5}), "name"),
            (lambda: permissions.list("ft:x", timout=1), "timout"),  # type: ignore[call-arg]
        ):
            with pytest.raises(ftjobs.InvalidArgumentError) as caught:
                call()
            assert word in str(caught.value)
    assert recorder.requests == []

    def bad(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, json={**RUN_ANSWER, "metadata": {**RUN_ANSWER["metadata"], "execution_time": "1"}}
        )

    with make_client(bad) as client, pytest.raises(ftjobs.ResponseValidationError) as caught:
        client.graders.run(grader=STRING_CHECK, model_sample="s")
    assert "grader_run.metadata.execution_time: expected a number, got string" in str(caught.value)


def test_async_over_the_probe() -> None:
    recorder = Recorder(_answer)

    async def main() -> None:
        async with make_async_client(recorder) as client:
            page = await client.checkpoints.permissions.create("ft:x", project_ids=["p"])
            assert page.items[0].id == "cp_1"
            assert (
                await client.checkpoints.permissions.delete("cp_1", fine_tuned_model_checkpoint="ft:x")
            ).deleted
            assert (await client.graders.run(grader=STRING_CHECK, model_sample="s")).reward == 0.5
            assert [
                p.id async for p in client.checkpoints.permissions.list("ft:x", extra_headers={"x-a": "b"})
            ] == ["cp_1"]

    asyncio.run(main())
    assert [r.method for r in recorder.requests] == ["POST", "DELETE", "POST", "GET"]
    assert recorder.requests[-1].headers["x-a"] == "b"
