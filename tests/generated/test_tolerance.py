"""Tolerance of the generated models (openapi/templates/ overrides): omitted keys, unknown enum values."""

from __future__ import annotations

import enum
import importlib
import json
import pkgutil
from typing import Any

import pytest

from ftjobs._lenient import parse_lenient
from ftjobs_generated import models
from ftjobs_generated.models import (
    FineTuningJob,
    FineTuningJobError,
    FineTuningJobEvent,
    FineTuningJobEventLevel,
    FineTuningJobStatus,
    ListPaginatedFineTuningJobsResponse,
)
from ftjobs_generated.types import UNSET, InvalidData
from scripts import trim

SPEC = trim.load_spec_text((trim.OPENAPI_DIR / "fine_tuning.yaml").read_text(encoding="utf-8"), "spec")
JOB_REF = "#/components/schemas/FineTuningJob"
LIST_REF = "#/components/schemas/ListPaginatedFineTuningJobsResponse"
REQUIRED = SPEC["components"]["schemas"]["FineTuningJob"]["required"]


def _job_examples() -> dict[str, dict[str, Any]]:
    """Every FineTuningJob in the spec's response examples, keyed by operation (and position)."""
    found: dict[str, dict[str, Any]] = {}
    for item in SPEC["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            content = op["responses"]["200"]["content"]
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")  # not a file's bytes
            examples = op["x-oaiMeta"]["examples"]
            for index, example in enumerate(examples if isinstance(examples, list) else [examples]):
                if "response" not in example:  # some upstream examples show only the request
                    continue
                body = parse_lenient(example["response"])
                jobs = [body] if ref == JOB_REF else body["data"] if ref == LIST_REF else []
                for position, job in enumerate(jobs):
                    found[f"{op['operationId']}[{index}][{position}]"] = job
    return found


JOB_EXAMPLES = _job_examples()
# Upstream defect corrected by overlay 04: the DPO create example returns "hyperparameters": null
# ("only returned when running supervised jobs"), which the upstream schema does not allow.
NULL_HYPERPARAMETERS = "createFineTuningJob[2][0]"


def _attr(key: str) -> str:
    """The generated attribute for a JSON key ('object' is renamed 'object_')."""
    return f"{key}_" if key == "object" else key


def _pause_example() -> dict[str, Any]:
    op = SPEC["paths"]["/fine_tuning/jobs/{fine_tuning_job_id}/pause"]["post"]
    example: dict[str, Any] = json.loads(op["x-oaiMeta"]["examples"]["response"])
    return example


def _generated_enums() -> list[type[enum.Enum]]:
    found = []
    for info in pkgutil.iter_modules(models.__path__, models.__name__ + "."):
        module = importlib.import_module(info.name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == info.name
        ]
    return found


ENUMS = _generated_enums()


def test_spec_examples_cover_every_job_operation() -> None:
    """Examples are found for create, list, retrieve, cancel, pause and resume: the test is not vacuous."""
    operations = {label.split("[")[0] for label in JOB_EXAMPLES}
    assert operations == {
        "createFineTuningJob",
        "listPaginatedFineTuningJobs",
        "retrieveFineTuningJob",
        "cancelFineTuningJob",
        "pauseFineTuningJob",
        "resumeFineTuningJob",
    }


@pytest.mark.parametrize("label", sorted(JOB_EXAMPLES))
def test_every_job_example_in_the_spec_parses(label: str) -> None:
    """FineTuningJob.from_dict accepts each of the spec's own examples, however many keys it omits."""
    example = JOB_EXAMPLES[label]
    job = FineTuningJob.from_dict(example)
    assert job.id == example["id"]
    assert job.status == example["status"]
    assert isinstance(job.status, FineTuningJobStatus) and not job.status.is_unknown
    for key in REQUIRED:
        if key not in example:
            assert getattr(job, _attr(key)) is UNSET


def test_pause_example_parses_with_paused_status_and_omitted_keys_unset() -> None:
    """The pause example (status paused, error, seed and more omitted) parses; omitted keys are UNSET."""
    example = _pause_example()
    omitted = [key for key in REQUIRED if key not in example]
    assert {"error", "hyperparameters", "seed", "finished_at", "trained_tokens"} <= set(omitted)
    job = FineTuningJob.from_dict(example)
    assert job.status is FineTuningJobStatus.PAUSED
    assert all(getattr(job, _attr(key)) is UNSET for key in omitted)
    assert job.fine_tuned_model is None
    assert job.training_file == "file-abc123"


def test_unknown_status_keeps_the_raw_string() -> None:
    """status 'archived' (not in the spec) parses to an UNKNOWN pseudo-member that keeps the raw value."""
    job = FineTuningJob.from_dict({**_pause_example(), "status": "archived"})
    status = job.status
    assert isinstance(status, FineTuningJobStatus)
    assert status.is_unknown
    assert status.name == "UNKNOWN"
    assert status.value == "archived"
    assert status == "archived"
    assert str(status) == "archived"
    assert f"{status}" == "archived"
    assert "archived" not in [member.value for member in FineTuningJobStatus]
    assert json.dumps({"status": status}) == '{"status": "archived"}'


def test_known_statuses_are_not_unknown() -> None:
    """Every listed status parses to its own member, with is_unknown False."""
    for member in FineTuningJobStatus:
        parsed = FineTuningJobStatus(member.value)
        assert parsed is member
        assert not parsed.is_unknown


def test_missing_error_parses_as_unset() -> None:
    """A job without the required 'error' key parses, with error UNSET; null and an object still work."""
    example = dict(JOB_EXAMPLES["retrieveFineTuningJob[0][0]"])
    del example["error"]
    assert FineTuningJob.from_dict(example).error is UNSET
    assert FineTuningJob.from_dict({**example, "error": None}).error is None
    failed = FineTuningJob.from_dict({**example, "error": {"code": "c", "message": "m", "param": None}})
    assert isinstance(failed.error, FineTuningJobError)
    assert failed.error.message == "m"


def test_empty_object_parses_as_all_unset() -> None:
    """Even a job with every key missing parses; nothing raises KeyError."""
    job = FineTuningJob.from_dict({})
    assert all(getattr(job, _attr(key)) is UNSET for key in REQUIRED)


def test_unknown_keys_are_kept() -> None:
    """A key the spec does not know lands in additional_properties and is written back by to_dict."""
    job = FineTuningJob.from_dict({**JOB_EXAMPLES["retrieveFineTuningJob[0][0]"], "shiny_new_field": [1, 2]})
    assert job["shiny_new_field"] == [1, 2]
    assert job.to_dict()["shiny_new_field"] == [1, 2]


def test_partial_job_serialises_back() -> None:
    """A job parsed from a response that omits required keys can be written back with to_dict."""
    example = _pause_example()
    assert FineTuningJob.from_dict(example).to_dict() == example


def test_full_retrieve_example_round_trips() -> None:
    """The complete retrieve example survives from_dict then to_dict unchanged."""
    example = JOB_EXAMPLES["retrieveFineTuningJob[0][0]"]
    assert FineTuningJob.from_dict(example).to_dict() == example


def test_list_response_with_unknown_status_parses() -> None:
    """A list page holding a job with an unknown status parses, the other jobs unaffected."""
    jobs = [{**_pause_example(), "status": "archived"}, JOB_EXAMPLES["retrieveFineTuningJob[0][0]"]]
    page = ListPaginatedFineTuningJobsResponse.from_dict({"object": "list", "data": jobs, "has_more": False})
    assert isinstance(page.data, list)
    assert [isinstance(job.status, FineTuningJobStatus) and job.status.is_unknown for job in page.data] == [
        True,
        False,
    ]


def test_unknown_event_level_parses() -> None:
    """The tolerance is not special to status: an event with level 'debug' parses too."""
    event = FineTuningJobEvent.from_dict(
        {"object": "fine_tuning.job.event", "id": "e", "created_at": 1, "level": "debug", "message": "m"}
    )
    assert isinstance(event.level, FineTuningJobEventLevel)
    assert event.level.is_unknown
    assert event.level == "debug"


@pytest.mark.parametrize(
    ("value", "got"),
    [
        (5, "integer"),
        (1.5, "number"),
        (True, "boolean"),
        (b"queued", "bytes"),
        (["queued"], "list"),
    ],
)
def test_non_string_enum_value_is_rejected(value: Any, got: str) -> None:
    """Only unknown strings are tolerated: other types are ValueError (enum), InvalidData (from_dict)."""
    with pytest.raises(ValueError, match="is not a valid FineTuningJobStatus"):
        FineTuningJobStatus(value)
    with pytest.raises(InvalidData, match=f"^status: expected string, got {got}$") as info:
        FineTuningJob.from_dict({"status": value})
    assert (info.value.path, info.value.expected, info.value.got) == (("status",), "string", got)


def test_null_status_reads_as_omitted() -> None:
    """null for a key the spec does not make nullable is read as omitted (docs/typing.md), not an error."""
    job = FineTuningJob.from_dict({"status": None, "object": None, "method": None, "id": "ftjob-1"})
    assert job.status is UNSET and job.object_ is UNSET and job.method is UNSET
    assert job.to_dict() == {"id": "ftjob-1"}


def test_every_generated_enum_has_the_tolerant_template() -> None:
    """Every generated enum parses an unknown string, and none lists a real member named UNKNOWN."""
    assert len(ENUMS) > 10
    for cls in ENUMS:
        assert "UNKNOWN" not in cls.__members__, cls
        parsed = cls("zz-not-in-the-spec")
        assert parsed.is_unknown, cls  # type: ignore[attr-defined]
        assert parsed.value == "zz-not-in-the-spec"
