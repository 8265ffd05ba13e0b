"""Each call's request as built from the generated table of operations (ftjobs._calls): method, path
(path parameters percent-encoded whole), query parameters in the spec's order, body, and whether it
is safe to repeat."""

from __future__ import annotations

import pytest

from ftjobs import _calls as calls
from ftjobs import _resources as resources
from ftjobs._http import Call

JOB = "ftjob-abc123"
CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:org:run/1:ckpt-step-8"
ENCODED = "ft%3Agpt-4o-mini-2024-07-18%3Aorg%3Arun%2F1%3Ackpt-step-8"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (calls.retrieve(JOB), Call("GET", f"/fine_tuning/jobs/{JOB}")),
        (calls.action("cancel", JOB), Call("POST", f"/fine_tuning/jobs/{JOB}/cancel")),
        (calls.action("pause", JOB), Call("POST", f"/fine_tuning/jobs/{JOB}/pause")),
        (calls.action("resume", JOB), Call("POST", f"/fine_tuning/jobs/{JOB}/resume")),
        (calls.list_jobs(None, None, None), Call("GET", "/fine_tuning/jobs")),
        (
            calls.list_jobs("ftjob-x", 1, {"team": "ml", "run": "17"}),
            Call(
                "GET",
                "/fine_tuning/jobs",
                (("after", "ftjob-x"), ("limit", "1"), ("metadata[run]", "17"), ("metadata[team]", "ml")),
            ),
        ),
        (calls.events(JOB, None, 100), Call("GET", f"/fine_tuning/jobs/{JOB}/events", (("limit", "100"),))),
        (
            calls.checkpoints(JOB, "ftckpt-1", None),
            Call("GET", f"/fine_tuning/jobs/{JOB}/checkpoints", (("after", "ftckpt-1"),)),
        ),
        (
            resources.list_permissions_call(CHECKPOINT, "cp-1", 2, "descending", "proj-1"),
            Call(
                "GET",
                f"/fine_tuning/checkpoints/{ENCODED}/permissions",
                (("project_id", "proj-1"), ("after", "cp-1"), ("limit", "2"), ("order", "descending")),
            ),
        ),
        (
            resources.list_permissions_call(CHECKPOINT, None, None, None, None),
            Call("GET", f"/fine_tuning/checkpoints/{ENCODED}/permissions"),
        ),
        (
            resources.delete_permission_call(CHECKPOINT, "cp-1/2"),
            Call("DELETE", f"/fine_tuning/checkpoints/{ENCODED}/permissions/cp-1%2F2"),
        ),
        (
            resources.create_permission_call(CHECKPOINT, ["proj-1"]),
            Call(
                "POST",
                f"/fine_tuning/checkpoints/{ENCODED}/permissions",
                json_body={"project_ids": ["proj-1"]},
                idempotent=False,
            ),
        ),
        (
            calls.create({"model": "gpt-4o-mini-2024-07-18", "training_file": "file-abc", "seed": None}),
            Call(
                "POST",
                "/fine_tuning/jobs",
                json_body={"model": "gpt-4o-mini-2024-07-18", "training_file": "file-abc"},
                idempotent=False,
            ),
        ),
        (
            resources.validate_grader_call(
                {"type": "string_check", "name": "g", "input": "a", "reference": "b", "operation": "eq"}
            ),
            Call(
                "POST",
                "/fine_tuning/alpha/graders/validate",
                json_body={
                    "grader": {
                        "type": "string_check",
                        "name": "g",
                        "input": "a",
                        "reference": "b",
                        "operation": "eq",
                    }
                },
            ),
        ),
    ],
)
def test_each_call_is_built_from_the_spec_operation(call: Call, expected: Call) -> None:
    """Method, path, query and body as the spec says; only creates are not repeated."""
    assert call == expected


def test_an_operation_given_other_parameters_than_the_spec_names_is_a_bug_not_a_request() -> None:
    """A path parameter missing or a query parameter the operation lacks: TypeError (ftjobs' own
    code called it wrong; users' input is checked before)."""
    with pytest.raises(TypeError, match="path parameters"):
        calls.operation("retrieve_fine_tuning_job")
    with pytest.raises(TypeError, match="query parameters"):
        calls.operation("list_fine_tuning_events", (JOB,), {"order": "asc"})
