"""Tests for scripts/overlays.py: each committed overlay's effect, and the checks on overlay files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scripts import overlays, trim

OVERLAY_DIR = trim.OPENAPI_DIR / "overlays" / "fine_tuning"
PAUSED = OVERLAY_DIR / "01-status-paused.yaml"
RETRIEVE_ERROR = OVERLAY_DIR / "02-retrieve-example-error.yaml"
EXCLUSIVE_MIN = OVERLAY_DIR / "03-exclusive-minimum-3-1.yaml"
NULLABLE_HYPER = OVERLAY_DIR / "04-job-hyperparameters-nullable.yaml"
NULLABLE_EVENT_DATA = OVERLAY_DIR / "05-event-data-nullable.yaml"
NULLABLE_ERROR_FIELDS = OVERLAY_DIR / "06-job-error-fields-nullable.yaml"
GRADER_TOKEN_USAGE = OVERLAY_DIR / "07-grader-run-token-usage.yaml"
ERROR_MAY_BE_EMPTY = OVERLAY_DIR / "08-job-error-may-be-empty.yaml"
USER_SUFFIX = OVERLAY_DIR / "09-job-user-provided-suffix.yaml"
GATEWAY_FIELDS = OVERLAY_DIR / "10-gateway-create-fields.yaml"
UPLOAD_FILE = OVERLAY_DIR / "11-upload-file-nullable.yaml"
FILE_CONTENT = OVERLAY_DIR / "12-file-content-is-bytes.yaml"
RETRIEVE = "/fine_tuning/jobs/{fine_tuning_job_id}"
PAUSE = "/fine_tuning/jobs/{fine_tuning_job_id}/pause"
MINI = Path(__file__).parent.parent / "fixtures" / "trim" / "mini.yaml"

EVIDENCE = {"description": "why", "x-evidence": "where"}


@pytest.fixture(scope="module")
def bare() -> dict[str, Any]:
    """The OpenAI upstream trimmed without any overlay."""
    doc, _ = trim.load_spec(trim.SOURCES["openai"][0])
    return trim.trim(doc)


def _changes(before: Any, after: Any, path: str = "$") -> list[str]:
    """JSONPath-like locations where two documents differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            change
            for key in sorted(set(before) | set(after))
            for change in _changes(before.get(key), after.get(key), f"{path}.{key}")
        ]
    return [] if before == after else [path]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def _root_required_errors(spec: dict[str, Any], instance: Any) -> set[str]:
    """Messages of 'required' failures at the top of instance, validated against FineTuningJob."""
    schema = {"$ref": "#/components/schemas/FineTuningJob", "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    return {e.message for e in validator.iter_errors(instance) if e.validator == "required" and not e.path}


def test_paused_overlay_adds_only_paused_to_the_status_enum(bare: dict[str, Any]) -> None:
    """01-status-paused adds 'paused' to FineTuningJob.status.enum and changes nothing else."""
    before = bare["components"]["schemas"]["FineTuningJob"]["properties"]["status"]["enum"]
    pause_example = json.loads(bare["paths"][PAUSE]["post"]["x-oaiMeta"]["examples"]["response"])
    assert pause_example["status"] == "paused"
    assert "paused" not in before
    after = overlays.apply_file(copy.deepcopy(bare), PAUSED)
    enum = after["components"]["schemas"]["FineTuningJob"]["properties"]["status"]["enum"]
    assert enum == [*before, "paused"]
    assert _changes(bare, after) == ["$.components.schemas.FineTuningJob.properties.status.enum"]


def test_retrieve_error_overlay_makes_the_example_carry_error(bare: dict[str, Any]) -> None:
    """02-retrieve-example-error gives the retrieve example its required 'error', nothing else."""
    example_before = json.loads(bare["paths"][RETRIEVE]["get"]["x-oaiMeta"]["examples"]["response"])
    assert "error" not in example_before
    assert "'error' is a required property" in _root_required_errors(bare, example_before)
    after = overlays.apply_file(copy.deepcopy(bare), RETRIEVE_ERROR)
    example_after = json.loads(after["paths"][RETRIEVE]["get"]["x-oaiMeta"]["examples"]["response"])
    assert example_after["error"] is None
    assert _root_required_errors(after, example_after) == set()
    assert {k: v for k, v in example_after.items() if k != "error"} == example_before
    assert _changes(bare, after) == [f"$.paths.{RETRIEVE}.get.x-oaiMeta.examples.response"]


def test_exclusive_minimum_overlay_rewrites_every_boolean_bound(bare: dict[str, Any]) -> None:
    """Each 3.0-style `exclusiveMinimum: true` becomes 3.1's `exclusiveMinimum: <minimum>`."""
    from jsonpath_ng.ext import parse

    boolean = "$..[?(@.exclusiveMinimum == true)]"
    before = parse(boolean).find(bare)
    assert len(before) == 7
    after = overlays.apply_file(copy.deepcopy(bare), EXCLUSIVE_MIN)
    assert parse(boolean).find(after) == []
    changed = _changes(bare, after)
    assert len(changed) == 7
    assert all(c.endswith(".oneOf") for c in changed)
    rewritten = [m.value for m in parse("$..[?(@.exclusiveMinimum)]").find(after)]
    assert len(rewritten) == 7
    assert all(node["exclusiveMinimum"] == node["minimum"] for node in rewritten)  # "> minimum", as meant
    assert sorted({node["minimum"] for node in rewritten}) == [0, 1e-05]


def test_remove_action_deletes_list_items_and_fields(bare: dict[str, Any]) -> None:
    """`remove: true` deletes matched fields and list items; actions apply in order."""
    enum = "$.components.schemas.FineTuningJob.properties.status.enum"
    overlay = _overlay(
        {"target": enum + "[0]", "remove": True, **EVIDENCE},
        {"target": enum + "[1]", "remove": True, **EVIDENCE},
        {"target": "$.components.schemas.FineTuningJob.properties.seed", "remove": True, **EVIDENCE},
    )
    after = overlays.apply(copy.deepcopy(bare), overlay, "t.yaml")
    job = after["components"]["schemas"]["FineTuningJob"]
    original = bare["components"]["schemas"]["FineTuningJob"]["properties"]["status"]["enum"]
    assert job["properties"]["status"]["enum"] == [original[1], *original[3:]]
    assert "seed" not in job["properties"]


def test_nullable_hyperparameters_overlay_admits_the_dpo_example(bare: dict[str, Any]) -> None:
    """Before overlay 04 the documented DPO create response fails FineTuningJob; after it, it validates."""
    examples = bare["paths"]["/fine_tuning/jobs"]["post"]["x-oaiMeta"]["examples"]
    dpo = json.loads(next(e for e in examples if e.get("title") == "DPO")["response"])
    assert dpo["hyperparameters"] is None

    def errors(spec: dict[str, Any]) -> list[str]:
        schema = {"$ref": "#/components/schemas/FineTuningJob", "components": spec["components"]}
        return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(dpo)]

    assert any("None is not of type 'object'" in m for m in errors(bare))
    after = overlays.apply_file(copy.deepcopy(bare), NULLABLE_HYPER)
    assert not any("hyperparameters" in m or "None is not" in m for m in errors(after))


def test_nullable_event_data_overlay_admits_the_events_example(bare: dict[str, Any]) -> None:
    """The documented events (``"data": null``) fail FineTuningJobEvent until overlay 05."""
    op = bare["paths"]["/fine_tuning/jobs/{fine_tuning_job_id}/events"]["get"]
    events = json.loads(op["x-oaiMeta"]["examples"]["response"])["data"]
    assert any(e.get("data", 0) is None for e in events)

    def errors(spec: dict[str, Any]) -> list[str]:
        schema = {"$ref": "#/components/schemas/FineTuningJobEvent", "components": spec["components"]}
        validator = jsonschema.Draft202012Validator(schema)
        return [e.message for event in events for e in validator.iter_errors(event)]

    assert any("None is not of type 'object'" in m for m in errors(bare))
    assert errors(overlays.apply_file(copy.deepcopy(bare), NULLABLE_EVENT_DATA)) == []


def test_nullable_error_fields_overlay_admits_the_create_examples(bare: dict[str, Any]) -> None:
    """The documented create responses (error code/message null) fail FineTuningJob until overlay 06."""
    examples = bare["paths"]["/fine_tuning/jobs"]["post"]["x-oaiMeta"]["examples"]
    jobs = [json.loads(e["response"]) for e in examples if e.get("title") in ("Epochs", "DPO")]
    assert len(jobs) == 2
    assert all(job["error"] == {"code": None, "message": None, "param": None} for job in jobs)

    def errors(spec: dict[str, Any]) -> list[str]:
        schema = {"$ref": "#/components/schemas/FineTuningJob", "components": spec["components"]}
        validator = jsonschema.Draft202012Validator(schema)
        return [
            e.message for job in jobs for e in validator.iter_errors(job) if e.path and e.path[0] == "error"
        ]

    assert any("is not valid under any of the given schemas" in m for m in errors(bare))
    after = overlays.apply_file(copy.deepcopy(bare), NULLABLE_ERROR_FIELDS)
    assert errors(after) == []
    error = after["components"]["schemas"]["FineTuningJob"]["properties"]["error"]["anyOf"][0]
    assert [error["properties"][key]["type"] for key in ("code", "message")] == [["string", "null"]] * 2
    assert error["required"] == ["code", "message", "param"]


def test_grader_token_usage_overlay_admits_the_run_example(bare: dict[str, Any]) -> None:
    """The documented run response (token_usage an object of counts) fails RunGraderResponse until overlay 07;
    after it, the integer form still validates and a string still does not."""
    example = bare["paths"]["/fine_tuning/alpha/graders/run"]["post"]["x-oaiMeta"]["examples"][0]
    response = json.loads(example["response"])
    assert set(response["metadata"]["token_usage"]) == {
        "prompt_tokens", "completion_tokens", "total_tokens", "cached_tokens"
    }  # fmt: skip

    def errors(spec: dict[str, Any], body: Any) -> list[str]:
        schema = {"$ref": "#/components/schemas/RunGraderResponse", "components": spec["components"]}
        return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(body)]

    assert errors(bare, response) != []
    after = overlays.apply_file(copy.deepcopy(bare), GRADER_TOKEN_USAGE)
    assert errors(after, response) == []
    for usage, valid in ((324, True), (None, True), ("324", False)):
        body = {**response, "metadata": {**response["metadata"], "token_usage": usage}}
        assert (errors(after, body) == []) is valid


def test_error_may_be_empty_overlay_admits_the_reinforcement_example(bare: dict[str, Any]) -> None:
    """The documented reinforcement response (`"error": {}`) fails FineTuningJob until overlay 08 (after
    06); after both, an empty error object validates and a field of the wrong type still does not."""
    examples = bare["paths"]["/fine_tuning/jobs"]["post"]["x-oaiMeta"]["examples"]
    [job] = [json.loads(e["response"]) for e in examples if e.get("title") == "Reinforcement"]
    assert job["error"] == {}

    def errors(spec: dict[str, Any], error: Any) -> list[str]:
        schema = {"$ref": "#/components/schemas/FineTuningJob", "components": spec["components"]}
        validator = jsonschema.Draft202012Validator(schema)
        return [
            e.message
            for e in validator.iter_errors({**job, "error": error})
            if e.path and e.path[0] == "error"
        ]

    before = overlays.apply_file(copy.deepcopy(bare), NULLABLE_ERROR_FIELDS)
    assert errors(before, {}) != []
    after = overlays.apply_file(copy.deepcopy(before), ERROR_MAY_BE_EMPTY)
    assert errors(after, {}) == []
    assert errors(after, {"code": None, "message": None, "param": None}) == []
    assert errors(after, {"code": 1}) != []
    assert (
        "required" not in after["components"]["schemas"]["FineTuningJob"]["properties"]["error"]["anyOf"][0]
    )


def test_user_provided_suffix_overlay_declares_the_key_every_job_example_carries(
    bare: dict[str, Any],
) -> None:
    """Upstream's FineTuningJob lacks user_provided_suffix; after 09 it is a nullable string."""
    doc = bare
    assert "user_provided_suffix" not in doc["components"]["schemas"]["FineTuningJob"]["properties"]
    after = overlays.apply_file(copy.deepcopy(doc), USER_SUFFIX)
    prop = after["components"]["schemas"]["FineTuningJob"]["properties"]["user_provided_suffix"]
    assert [alt["type"] for alt in prop["anyOf"]] == ["string", "null"]


def test_committed_overlays_are_the_sorted_folder_and_all_valid() -> None:
    """overlays_for lists openapi/overlays/<stem>/*.yaml in name order; each one passes load_overlay."""
    found = trim.overlays_for(trim.SOURCES["openai"][1])
    assert found == [
        PAUSED,
        RETRIEVE_ERROR,
        EXCLUSIVE_MIN,
        NULLABLE_HYPER,
        NULLABLE_EVENT_DATA,
        NULLABLE_ERROR_FIELDS,
        GRADER_TOKEN_USAGE,
        ERROR_MAY_BE_EMPTY,
        USER_SUFFIX,
        GATEWAY_FIELDS,
        UPLOAD_FILE,
        FILE_CONTENT,
    ]
    assert trim.overlays_for(trim.SOURCES["portkey"][1]) == []
    for path in found:
        assert all(a["description"] and a["x-evidence"] for a in overlays.load_overlay(path)["actions"])


def test_target_matching_nothing_fails_naming_the_overlay_and_target(bare: dict[str, Any]) -> None:
    """An action whose target matches nothing is an error naming the file, the action and the target."""
    target = "$.components.schemas.FineTuningJob.properties.archived"
    overlay = _overlay({"target": target, "update": {"type": "string"}, **EVIDENCE})
    with pytest.raises(overlays.SpecError) as info:
        overlays.apply(copy.deepcopy(bare), overlay, "03-obsolete.yaml")
    message = str(info.value)
    assert "03-obsolete.yaml: action 0 ('why') matches nothing" in message
    assert target in message


def test_render_fails_on_an_obsolete_overlay(tmp_path: Path) -> None:
    """render stops with the overlay's name when one of its targets has vanished upstream."""
    path = _write(
        tmp_path,
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.paths['/gone']\n    description: why\n    x-evidence: where\n    remove: true\n",
    )
    with pytest.raises(
        trim.SpecError, match=r"overlay\.yaml: action 0 .* matches nothing at \$\.paths\['/gone'\]"
    ):
        trim.render(MINI, overlay_files=[path])


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"target": "$.info", "update": {}, "x-evidence": "where"}, "needs a 'description'"),
        ({"target": "$.info", "update": {}, "description": "why"}, "and 'x-evidence'"),
        (
            {"target": "$.info", "update": {}, "description": "", "x-evidence": "where"},
            "needs a 'description'",
        ),
        ({"update": {}, **EVIDENCE}, "needs a 'target' JSONPath"),
        ({"target": "$.info", **EVIDENCE}, "exactly one of 'update' or 'remove: true'"),
        ({"target": "$.info", "update": {}, "remove": True, **EVIDENCE}, "exactly one of"),
    ],
)
def test_incomplete_action_is_rejected(action: dict[str, Any], message: str, tmp_path: Path) -> None:
    """An action lacking description, x-evidence or target, or with both/neither update and remove, fails."""
    path = _write(tmp_path, json.dumps(_overlay(action)))
    with pytest.raises(overlays.SpecError, match=rf"overlay\.yaml: action 0: .*{message}"):
        overlays.load_overlay(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("openapi: 3.1.0\npaths: {}\n", "not an Overlay 1.x document"),
        ("overlay: 2.0.0\nactions: []\n", "not an Overlay 1.x document"),
        ("- a\n- b\n", "not an Overlay 1.x document"),
        ("overlay: 1.0.0\nactions: []\n", "non-empty 'actions' list"),
        ("overlay: 1.0.0\n", "non-empty 'actions' list"),
        ("overlay: 1.0.0\nactions: [unclosed\n", "not valid YAML"),
    ],
)
def test_not_an_overlay_file_is_rejected(text: str, message: str, tmp_path: Path) -> None:
    """A file that is not an Overlay 1.x document with actions is a SpecError saying so."""
    with pytest.raises(overlays.SpecError, match=message):
        overlays.load_overlay(_write(tmp_path, text))


def test_missing_overlay_file_is_a_spec_error(tmp_path: Path) -> None:
    """A missing overlay file is reported as unreadable, not as a traceback."""
    with pytest.raises(overlays.SpecError, match=r"absent\.yaml: cannot read overlay"):
        overlays.load_overlay(tmp_path / "absent.yaml")


def test_bad_jsonpath_is_a_spec_error(bare: dict[str, Any]) -> None:
    """A target that is not JSONPath is reported with the target text."""
    overlay = _overlay({"target": "$.paths[[", "remove": True, **EVIDENCE})
    with pytest.raises(overlays.SpecError, match=r"action 0: bad target '\$\.paths\[\['"):
        overlays.apply(copy.deepcopy(bare), overlay, "bad.yaml")


def test_filter_target_on_list_items_is_applied() -> None:
    """A filter selecting list items (which oas-patch 0.6.0 alone cannot locate) is merged into each item."""
    doc = trim.trim(trim.load_spec(MINI)[0])
    overlay = _overlay({"target": "$.paths.*.servers[?(@.url)]", "update": {"description": "x"}, **EVIDENCE})
    after = overlays.apply(doc, overlay, "f.yaml")
    servers = [s for item in after["paths"].values() for s in item.get("servers", [])]
    assert servers
    assert all(s["description"] == "x" for s in servers)


def test_remove_action_removes_the_target() -> None:
    """remove: true deletes what the target selects."""
    doc = trim.trim(trim.load_spec(MINI)[0], ["/fine_tuning/jobs", "/files"])
    overlay = _overlay({"target": "$.paths['/files']", "remove": True, **EVIDENCE})
    assert "/files" not in overlays.apply(doc, overlay)["paths"]


def test_update_through_one_anchored_copy_leaves_the_others() -> None:
    """Updating one path's servers (an alias of a shared anchor upstream) does not touch another path's."""
    doc = trim.trim(trim.load_spec(MINI)[0])
    overlay = _overlay(
        {"target": "$.paths['/fine_tuning/jobs'].servers", "update": [{"url": "https://b.test"}], **EVIDENCE}
    )
    out = overlays.apply(doc, overlay)
    assert len(out["paths"]["/fine_tuning/jobs"]["servers"]) == 2
    assert out["paths"]["/fine_tuning/jobs/{job_id}"]["servers"] == [{"url": "https://api.example.test/v1"}]
