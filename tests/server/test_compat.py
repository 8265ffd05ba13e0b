"""Every provider offline: the official openai and portkey-ai SDKs (the ``compat`` extra) and the
ftjobs Azure provider run retrieve, list, create and cancel against a real local server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import portkey_ai
import pytest

import ftjobs
from ftjobs._server import Server

KEY = "sk-compat-test"
#: What the official Portkey SDK sends as ``Authorization`` in virtual-key mode (it always sends one).
PORTKEY_PLACEHOLDER = "Bearer OPENAI_API_KEY"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server(api_key=KEY, step_seconds=30.0) as server:
        yield server


def _run_the_four(jobs: Any) -> None:
    """retrieve, list, create, cancel through an SDK's ``fine_tuning.jobs`` resource."""
    seeded = jobs.retrieve("ftjob-abc123")
    assert (seeded.id, seeded.status) == ("ftjob-abc123", "succeeded")
    created = jobs.create(
        model="gpt-4o-mini",
        training_file="file-compat",
        method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}},
        metadata={"sdk": "yes"},
    )
    assert created.status == "validating_files"
    assert created.method.dpo.hyperparameters.beta == 0.2
    listed = [job.id for job in jobs.list(limit=100).data]  # one page (Portkey returns no pager)
    assert listed[0] == created.id  # newest first
    assert {"ftjob-abc123", "ftjob-abc"} <= set(listed)
    cancelled = jobs.cancel(created.id)
    assert (cancelled.id, cancelled.status) == (created.id, "cancelled")
    assert jobs.retrieve(created.id).status == "cancelled"


def test_official_openai_sdk(server: Server) -> None:
    with openai.OpenAI(api_key=KEY, base_url=server.url, max_retries=0) as client:
        _run_the_four(client.fine_tuning.jobs)


def test_official_openai_sdk_sees_validation_errors(server: Server) -> None:
    """A spec-invalid body is a BadRequestError whose param names the field."""
    client = openai.OpenAI(api_key=KEY, base_url=server.url, max_retries=0)
    with client, pytest.raises(openai.BadRequestError) as caught:
        client.fine_tuning.jobs.create(
            model="gpt-4o-mini",
            training_file="file-x",
            method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 99}}},
        )
    assert caught.value.param == "method.dpo.hyperparameters.beta"
    assert caught.value.status_code == 400


def test_official_portkey_sdk_virtual_key_mode(server: Server) -> None:
    """Virtual-key mode: the SDK also sends its placeholder Authorization, which the gateway ignores."""
    client = portkey_ai.Portkey(api_key=KEY, base_url=server.url, virtual_key="vk-openai-local")
    _run_the_four(client.fine_tuning.jobs)


def test_official_portkey_sdk_provider_mode(server: Server) -> None:
    """Provider mode: the provider's key (here the server's) comes in Authorization."""
    client = portkey_ai.Portkey(
        api_key=KEY, base_url=server.url, provider="openai", Authorization=f"Bearer {KEY}"
    )
    _run_the_four(client.fine_tuning.jobs)


def test_portkey_provider_mode_with_a_wrong_provider_key_is_refused(server: Server) -> None:
    client = portkey_ai.Portkey(
        api_key=KEY, base_url=server.url, provider="openai", Authorization="Bearer sk-not-it"
    )
    with pytest.raises(Exception, match="Incorrect API key") as caught:  # the SDK's (vendored) openai error
        client.fine_tuning.jobs.retrieve("ftjob-abc123")
    assert getattr(caught.value, "status_code", None) == 401


def test_ftjobs_azure_provider(server: Server) -> None:
    """ftjobs' Azure preset calls /openai/fine_tuning/jobs...?api-version=... with an api-key header."""
    with ftjobs.Client(provider="azure", api_key=KEY, base_url=server.root_url, max_retries=0) as client:
        assert client.jobs.retrieve("ftjob-abc123").status is ftjobs.JobStatus.SUCCEEDED
        created = client.jobs.create(model="gpt-4o-mini", training_file="file-azure")
        assert next(iter(client.jobs.list(limit=100))).id == created.id
        assert client.jobs.cancel(created.id).status is ftjobs.JobStatus.CANCELLED
    requests = httpx2.get(server.root_url + "/_ftjobs/requests", headers={"api-key": KEY}).json()["data"]
    assert any(
        r["path"].startswith("/openai/fine_tuning/jobs?") and "api-version=" in r["path"] for r in requests
    )


@pytest.mark.parametrize(
    ("path", "headers", "status", "param"),
    [
        ("/openai/fine_tuning/jobs/ftjob-abc123?api-version=2024-10-21", {"api-key": KEY}, 200, None),
        ("/openai/fine_tuning/jobs/ftjob-abc123", {"api-key": KEY}, 400, "api-version"),
        ("/openai/fine_tuning/jobs/ftjob-abc123?api-version=", {"api-key": KEY}, 400, "api-version"),
        ("/openai/fine_tuning/jobs/ftjob-abc123?api-version=2024-10-21", {"api-key": "nope"}, 401, None),
        ("/openai/fine_tuning/jobs/ftjob-abc123?api-version=2024-10-21", {}, 401, None),
        ("/openai/fine_tuning/jobs?api-version=2024-10-21&limit=0", {"api-key": KEY}, 400, "limit"),
        ("/openai/nothing?api-version=2024-10-21", {"api-key": KEY}, 404, None),
    ],
)
def test_azure_route(
    server: Server, path: str, headers: dict[str, str], status: int, param: str | None
) -> None:
    """The Azure route needs api-version (any non-empty value) and the key; then it is the API."""
    response = httpx2.get(server.root_url + path, headers=headers)
    assert response.status_code == status, response.text
    if status != 200:
        assert response.json()["error"]["param"] == param
    else:
        assert response.json()["id"] == "ftjob-abc123"


SEEDED_CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000"


@pytest.mark.filterwarnings("ignore:Retrieve is deprecated:DeprecationWarning")
def test_official_openai_sdk_checkpoint_permissions(server: Server) -> None:
    """fine_tuning.checkpoints.permissions create / retrieve (deprecated by the SDK) / list (its
    auto-paginating page) / delete, as the SDK calls them."""
    with openai.OpenAI(api_key=KEY, base_url=server.url, max_retries=0) as client:
        permissions = client.fine_tuning.checkpoints.permissions
        created = permissions.create(SEEDED_CHECKPOINT, project_ids=["proj_sdk_a", "proj_sdk_b"])
        ids = {permission.project_id: permission.id for permission in created}
        assert set(ids) == {"proj_sdk_a", "proj_sdk_b"}
        listed = permissions.retrieve(SEEDED_CHECKPOINT, project_id="proj_sdk_b", limit=10)
        assert [p.id for p in listed.data] == [ids["proj_sdk_b"]] and listed.has_more is False
        deleted = permissions.delete(ids["proj_sdk_a"], fine_tuned_model_checkpoint=SEEDED_CHECKPOINT)
        assert (deleted.id, deleted.deleted, deleted.object) == (
            ids["proj_sdk_a"],
            True,
            "checkpoint.permission",
        )
        left = {p.project_id for p in permissions.list(SEEDED_CHECKPOINT, limit=1)}  # one per page
        assert "proj_sdk_a" not in left and "proj_sdk_b" in left
        with pytest.raises(openai.NotFoundError):
            permissions.delete(ids["proj_sdk_a"], fine_tuned_model_checkpoint=SEEDED_CHECKPOINT)


def test_official_openai_sdk_graders(server: Server) -> None:
    """fine_tuning.alpha.graders run (a real score) and validate; an unrunnable grader is a 400."""
    grader = {
        "type": "string_check",
        "name": "label",
        "input": "{{sample.output_text}}",
        "reference": "{{item.label}}",
        "operation": "ilike",
    }
    with openai.OpenAI(api_key=KEY, base_url=server.url, max_retries=0) as client:
        graders = client.fine_tuning.alpha.graders
        hit = graders.run(grader=grader, model_sample="It is PARIS.", item={"label": "paris"})
        miss = graders.run(grader=grader, model_sample="It is Lyon.", item={"label": "paris"})
        assert (hit.reward, miss.reward) == (1.0, 0.0)
        assert hit.metadata.name == "label" and hit.metadata.errors.invalid_variable_error is False
        similar = graders.run(
            grader={
                "type": "text_similarity",
                "name": "sim",
                "input": "{{sample.output_text}}",
                "reference": "{{item.reference}}",
                "evaluation_metric": "fuzzy_match",
            },
            model_sample="kitten",
            item={"reference": "sitting"},
        )
        assert similar.reward == pytest.approx(2 * 4 / 13)  # LCS "ittn": 2 * 4 / (6 + 7)
        validated = graders.validate(grader=grader)
        assert validated.grader is not None and validated.grader.type == "string_check"
        with pytest.raises(openai.BadRequestError) as caught:
            graders.run(
                grader={
                    "type": "python",
                    "name": "p",
                    "source": "def grade(sample, item):\n    return 1.0\n",
                },
                model_sample="x",
            )
        assert caught.value.code == "unsupported_grader"
