"""Strict JSON types at every depth: a mutation walk over the spec's own response examples, arbitrary JSON
(hypothesis) and a stack overflow all end in a parsed model or InvalidData, never another exception.

The oracle is the spec: at each place of an example, the JSON types the schema there admits (an integer
is a number; a string is not, when the only strings allowed are the enum values of a union with another
type, like "auto" | integer). A value of any other type must be InvalidData naming exactly that place,
except null for a declared property, which the tolerance policy reads as omitted.
"""

from __future__ import annotations

import json
import pickle
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftjobs_generated import models
from ftjobs_generated.types import InvalidData, UnknownVariant
from tests.generated.spec_schemas import PROBES, SCHEMAS, SPEC, accepts, is_object, leaves, ref_name

Path = tuple[str | int, ...]
DEEP = 5000  # well past the default recursion limit: parsing must not recurse per nesting level


def _lenient_json(text: str) -> Any:
    """A documentation example as JSON: no `{ ... }` placeholders, trailing commas or Python None."""
    text = re.sub(r",\s*\{\s*\.\.\.\s*\}", "", text)
    text = re.sub(r":\s*None\b", ": null", text)
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def _response_examples() -> dict[str, tuple[str, Any]]:
    """Every documented 200 response body, with the component its schema names."""
    found: dict[str, tuple[str, Any]] = {}
    for item in SPEC["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "x-oaiMeta" not in op:
                continue
            content = op["responses"]["200"]["content"]
            if "application/json" not in content:  # a file's bytes: no model reads them
                continue
            schema = content["application/json"]["schema"]
            examples = op["x-oaiMeta"]["examples"]
            for index, example in enumerate(examples if isinstance(examples, list) else [examples]):
                if "response" not in example:  # some upstream examples show only the request
                    continue
                found[f"{op['operationId']}[{index}]"] = (
                    str(ref_name(schema)),
                    _lenient_json(example["response"]),
                )
    return found


def _rich_job() -> dict[str, Any]:
    """A reinforcement job with every union filled: multi grader, label model, content parts, integrations."""
    retrieve = _response_examples()["retrieveFineTuningJob[0]"][1]
    content = [
        "plain text",
        {"type": "input_text", "text": "t"},
        {"type": "output_text", "text": "o"},
        {"type": "input_image", "image_url": "https://example.com/i.png", "detail": "low"},
        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
    ]
    label = {
        "type": "label_model",
        "name": "label",
        "model": "gpt-4o",
        "input": [
            {"role": "user", "content": content},
            {"role": "system", "content": "text", "type": "message"},
        ],
        "labels": ["good", "bad"],
        "passing_labels": ["good"],
    }
    reinforcement = {
        "grader": {"type": "multi", "name": "m", "graders": label, "calculate_output": "label"},
        "hyperparameters": {
            "n_epochs": 2,
            "batch_size": "auto",
            "compute_multiplier": 1.5,
            "reasoning_effort": "low",
        },
    }
    return {
        **retrieve,
        "hyperparameters": None,
        "method": {"type": "reinforcement", "reinforcement": reinforcement},
        "integrations": [{"type": "wandb", "wandb": {"project": "p", "tags": ["a", "b"], "name": None}}],
        "metadata": {"team": "ml"},
        "error": {"code": "invalid_file", "message": "m", "param": "training_file"},
    }


CASES: dict[str, tuple[str, Any]] = {
    **_response_examples(),
    "rich reinforcement job": ("FineTuningJob", _rich_job()),
}


def _places(value: Any, path: Path = ()) -> Iterator[Path]:
    """The JSON path of every value inside value (the root excluded)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _places(item, (*path, index))


def _replaced(value: Any, path: Path, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    return [_replaced(item, rest, new) if i == head else item for i, item in enumerate(value)]


def _removed(value: Any, path: Path) -> Any:
    """value without the object key at path."""
    head, rest = path[0], path[1:]
    if not rest:
        return {k: v for k, v in value.items() if k != head}
    if isinstance(value, dict):
        return {**value, head: _removed(value[head], rest)}
    return [_removed(item, rest) if i == head else item for i, item in enumerate(value)]


def _is_property(component: str, instance: Any, path: Path) -> bool:
    """Is the value at path a declared property of its object (not a list item, not a map value)?"""
    key, parent_path = path[-1], path[:-1]
    if isinstance(key, int):
        return False
    parent: Any = instance
    for step in parent_path:
        parent = parent[step]
    node = SCHEMAS[component] if not parent_path else _schema_at(component, instance, parent_path)
    obj = _variant_for(node, parent) if node is not None else None
    return obj is not None and key in (obj.get("properties") or {})


def _variant_for(node: Any, value: Any) -> Any:
    """The non-union schema value is an instance of (by tag for objects, else by JSON type)."""
    flat = leaves(node)
    if isinstance(value, dict):
        objects = [leaf for leaf in flat if is_object(leaf)]
        for obj in objects:
            if value.get("type") in ((obj.get("properties") or {}).get("type", {}).get("enum") or []):
                return obj
        return objects[0] if objects else None
    if isinstance(value, list):
        return next((leaf for leaf in flat if leaf.get("type") == "array"), None)
    return flat[0]


def _schema_at(component: str, instance: Any, path: Path) -> Any:
    """The schema of the value at path (None where the spec says nothing: an extra key, an object)."""
    node: Any = SCHEMAS[component]
    value = instance
    for key in path:
        node = _variant_for(node, value)
        if node is None:
            return None
        if isinstance(key, int):
            node = node.get("items")
        else:
            extra = node.get("additionalProperties")
            node = (node.get("properties") or {}).get(key, extra if isinstance(extra, dict) else None)
        if node is None:
            return None
        value = value[key]
    return node


def _rejects(node: Any, probe: str) -> bool:
    """Must a value of JSON type probe be InvalidData where node is the schema?"""
    if node is None:
        return False
    flat = leaves(node)
    accepted = set().union(*(accepts(leaf) for leaf in flat))
    strings = [leaf for leaf in flat if "string" in accepts(leaf)]
    closed = bool(strings) and all("enum" in leaf for leaf in strings) and bool(accepted - {"string", "null"})
    return probe not in accepted or (probe == "string" and closed)


def _deep(kind: str) -> Any:
    """A list (or object) nested DEEP levels, built without recursion."""
    value: Any = []
    for _ in range(DEEP):
        value = [value] if kind == "list" else {"k": value}
    return value


def test_the_cases_cover_every_documented_response() -> None:
    """Jobs, pages of jobs, events, checkpoints, permissions, grader results, files and Uploads: the
    walk is not vacuous."""
    assert {component for component, _ in CASES.values()} == {
        "OpenAIFile",
        "ListFilesResponse",
        "DeleteFileResponse",
        "Upload",
        "UploadPart",
        "FineTuningJob",
        "ListPaginatedFineTuningJobsResponse",
        "ListFineTuningJobEventsResponse",
        "ListFineTuningJobCheckpointsResponse",
        "ListFineTuningCheckpointPermissionResponse",
        "DeleteFineTuningCheckpointPermissionResponse",
        "RunGraderResponse",
        "ValidateGraderResponse",
    }
    assert sum(len(list(_places(instance))) for _, instance in CASES.values()) > 300


@pytest.mark.parametrize("label", sorted(CASES))
def test_every_case_parses_and_round_trips(label: str) -> None:
    """Unmutated, each case parses and to_dict gives it back; the rich job's unions pick their classes."""
    component, instance = CASES[label]
    parsed = getattr(models, component).from_dict(instance)
    assert parsed.to_dict() == instance
    if label == "rich reinforcement job":
        grader = parsed.method.reinforcement.grader
        assert type(grader) is models.GraderMulti and type(grader.graders) is models.GraderLabelModel
        assert isinstance(grader.graders.input_, list)
        parts = grader.graders.input_[0].content
        assert isinstance(parts, list)
        assert [type(part).__name__ for part in parts] == [
            "str",
            "InputTextContent",
            "EvalItemContentOutputText",
            "EvalItemInputImage",
            "InputAudio",
        ]
        assert type(parsed.integrations[0]) is models.FineTuningIntegration


@pytest.mark.parametrize("label", sorted(CASES))
def test_a_wrong_json_type_anywhere_is_invalid_data_at_that_path(label: str) -> None:
    """Each place gets a value of every JSON type: the spec's types parse (and round-trip), others are
    InvalidData whose path is exactly that place and whose got is the JSON type given."""
    component, instance = CASES[label]
    cls = getattr(models, component)
    checked = 0
    for path in _places(instance):
        node = _schema_at(component, instance, path)
        for probe, value in PROBES.items():
            mutated = _replaced(instance, path, value)
            if probe == "null" and _rejects(node, probe) and _is_property(component, instance, path):
                # the tolerance policy (docs/typing.md): null for a property the spec does not make
                # nullable reads as omitted, and is not written back
                # (a union member's null tag makes it an UnknownVariant, which keeps the object as is)
                back = cls.from_dict(mutated).to_dict()
                assert back == _removed(instance, path) or (path[-1] == "type" and back == mutated), path
            elif _rejects(node, probe):
                with pytest.raises(InvalidData) as info:
                    cls.from_dict(mutated)
                assert (info.value.path, info.value.got) == (path, probe), (path, probe)
                checked += 1
            else:
                assert cls.from_dict(mutated).to_dict() == mutated, (path, probe)
    assert checked > 0


@pytest.mark.parametrize("label", sorted(CASES))
def test_deep_nesting_anywhere_never_recurses(label: str) -> None:
    """A list or object nested 5000 deep at any place parses (kept raw) or is InvalidData under that place."""
    component, instance = CASES[label]
    cls = getattr(models, component)
    for deep in (_deep("list"), _deep("object")):
        for path in _places(instance):
            try:
                cls.from_dict(_replaced(instance, path, deep))
            except InvalidData as exc:
                where = exc.path
            else:
                continue
            assert where[: len(path)] == path


def test_stack_overflow_inside_from_dict_is_invalid_data() -> None:
    """Called with the stack nearly full, from_dict parses or raises InvalidData, never RecursionError."""
    job = CASES["rich reinforcement job"][1]

    def at_depth(n: int) -> str:
        if n > 0:
            return at_depth(n - 1)
        try:
            models.FineTuningJob.from_dict(job)
        except InvalidData as exc:
            return "invalid" if exc.got == "too deeply nested data" else f"wrong error: {exc}"
        except RecursionError as exc:
            # Raised on entering from_dict (no frame of it in the traceback) is the caller's overflow.
            return "entry" if exc.__traceback__ is None or exc.__traceback__.tb_next is None else "leaked"
        return "parsed"

    outcomes: list[str] = []
    for n in range(sys.getrecursionlimit()):
        try:
            outcomes.append(at_depth(n))
        except RecursionError:
            break  # the probe's own frames overflowed: deeper is pointless
    assert set(outcomes) <= {"parsed", "invalid", "entry"}
    assert {"parsed", "invalid"} <= set(outcomes)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "data", "error", "method", "grader", "graders", "input", "content", "n_epochs"]
            )
            | st.text(max_size=3),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
MODEL_CLASSES = sorted(
    (
        cls
        for cls in (getattr(models, name) for name in models.__all__)
        if isinstance(cls, type) and hasattr(cls, "from_dict")
    ),
    key=lambda cls: cls.__name__,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cls=st.sampled_from(MODEL_CLASSES), data=JSON)
def test_arbitrary_json_is_a_model_or_invalid_data(cls: Any, data: Any) -> None:
    """Any JSON value given to any generated model parses or raises InvalidData; a result round-trips."""
    try:
        parsed = cls.from_dict(data)
    except InvalidData as exc:
        error: InvalidData | None = exc
    else:
        error = None
    if error is not None:
        assert isinstance(error.path, tuple) and error.expected and error.got
        return
    assert isinstance(data, dict)
    schema = SCHEMAS.get(cls.__name__, {})
    if schema.get("additionalProperties") is False:  # a closed schema keeps only its own keys
        data = {key: value for key, value in data.items() if key in schema.get("properties", {})}
    # null for a key the spec does not make nullable reads as omitted: compare without null members
    assert _without_nulls(parsed.to_dict()) == _without_nulls(data)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_unknown_variant_is_not_a_model_and_keeps_the_raw_object() -> None:
    """UnknownVariant.from_dict copies the object; to_dict gives a copy back; type is None unless a string."""
    raw = {"type": "new_grader", "weight": [1, 2]}
    value = UnknownVariant.from_dict(raw)
    assert (value.type, value.raw) == ("new_grader", raw) and value.raw is not raw
    assert value.to_dict() == raw and value.to_dict() is not value.raw
    assert UnknownVariant.from_dict({"name": "x"}).type is None


def test_invalid_data_names_the_path_the_expected_and_the_json_type() -> None:
    """InvalidData is a ValueError with path/expected/got, a readable str, pickles, within() copies."""
    job = {"integrations": [{"type": "wandb", "wandb": {"project": "p", "tags": ["a", 5]}}]}
    with pytest.raises(InvalidData) as info:
        models.FineTuningJob.from_dict(job)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.path == ("integrations", 0, "wandb", "tags", 1)
    assert (error.expected, error.got) == ("string", "integer")
    assert str(error) == "integrations[0].wandb.tags[1]: expected string, got integer"
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.path, str(copy)) == (InvalidData, error.path, str(error))
    moved = error.within(("page", 3))
    assert moved.path == ("page", 3, *error.path) and error.path[0] == "integrations"
    with pytest.raises(InvalidData, match=r"^expected object, got list$"):
        models.FineTuningJob.from_dict([job])  # type: ignore[arg-type]
