"""The server's objects follow the packaged spec: a required property the server code does not set is
filled from its schema (``_server._schema_defaults``), so a property upstream adds is emitted (and
passes the server's own response schema) without a server edit."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import jsonschema
import pytest

from ftjobs._server import _jobs, _schema_defaults
from ftjobs._server._validate import load_spec

REQUEST = {"model": "gpt-4o-mini", "training_file": "file-abc123"}


@pytest.fixture
def spec_with_priority(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The packaged spec, with FineTuningJob requiring a new enum property and a new nested object."""
    spec = copy.deepcopy(load_spec())
    job = spec["components"]["schemas"]["FineTuningJob"]
    job["properties"]["priority"] = {"type": "string", "enum": ["low", "normal", "high"]}
    job["properties"]["budget"] = {
        "type": "object",
        "required": ["limit", "currency", "notes"],
        "properties": {
            "limit": {"type": "integer", "minimum": 1},
            "currency": {"type": "string", "default": "usd"},
            "notes": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
    }
    job["required"] = [*job["required"], "priority", "budget"]
    schemas: Mapping[str, Any] = spec["components"]["schemas"]
    monkeypatch.setattr(_schema_defaults, "_schemas", lambda: schemas)
    return spec


def _valid(spec: dict[str, Any], name: str, obj: dict[str, Any]) -> list[str]:
    schema = {**spec["components"]["schemas"][name], "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(obj)]


def test_a_new_required_property_is_emitted_from_its_schema(spec_with_priority: dict[str, Any]) -> None:
    """new_job sets what it knows; the new required properties come from their schemas, valid."""
    job = _jobs.new_job(REQUEST, job_id="ftjob-x", now=1_700_000_000, organization_id="org-x")
    assert job["priority"] == "low"  # the enum's first value
    assert job["budget"] == {"limit": 1, "currency": "usd", "notes": None}  # minimum, default, null
    assert job["status"] == "validating_files" and job["model"] == "gpt-4o-mini"  # not overwritten
    assert _valid(spec_with_priority, "FineTuningJob", job) == []


def test_without_the_fill_the_job_would_not_match_the_changed_schema(
    spec_with_priority: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above is not vacuous: the same job minus the filled keys fails the schema."""
    job = _jobs.new_job(REQUEST, job_id="ftjob-x", now=1_700_000_000, organization_id="org-x")
    del job["priority"], job["budget"]
    assert any("priority" in message for message in _valid(spec_with_priority, "FineTuningJob", job))


def test_today_the_server_sets_every_required_property_itself() -> None:
    """With the packaged spec nothing is filled: each object the server builds names every key."""
    job = _jobs.new_job(REQUEST, job_id="ftjob-x", now=1_700_000_000, organization_id="org-x")
    before = dict(job)
    assert _schema_defaults.fill_required(job, "FineTuningJob") == before
    event = _jobs.event(1_700_000_000, "hello")
    assert set(load_spec()["components"]["schemas"]["FineTuningJobEvent"]["required"]) <= set(event)
