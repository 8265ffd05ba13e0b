"""The public views stay in sync with the spec: a field for every property, of a compatible type.

The test walks the schemas of ``openapi/fine_tuning.yaml`` behind a job, an event and a checkpoint
and derives, for each property, the Python type the view must declare (``"auto"`` or an integer is
``Literal["auto"] | int``, a timestamp a datetime, an array a tuple, a grader the ``Grader`` union,
an object the view listed for it in ``VIEWS``). A property added upstream, or a view field whose
type no longer matches the spec, fails here. Differences the client documents are listed once
(``DEVIATIONS``).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import pytest

import ftjobs
from ftjobs import _types
from tests.generated.spec_schemas import SCHEMAS

COMPONENTS: dict[str, Any] = SCHEMAS

#: Each view and the schema it mirrors: a component, or a property path inside one.
VIEWS: dict[tuple[str, ...], type[Any]] = {
    ("FineTuningJob",): ftjobs.Job,
    ("FineTuningJob", "error"): ftjobs.JobError,
    ("FineTuningJob", "hyperparameters"): ftjobs.JobHyperparameters,
    ("FineTuneMethod",): ftjobs.Method,
    ("FineTuneSupervisedMethod",): ftjobs.SupervisedMethod,
    ("FineTuneSupervisedHyperparameters",): ftjobs.SupervisedHyperparameters,
    ("FineTuneDPOMethod",): ftjobs.DpoMethod,
    ("FineTuneDPOHyperparameters",): ftjobs.DpoHyperparameters,
    ("FineTuneReinforcementMethod",): ftjobs.ReinforcementMethod,
    ("FineTuneReinforcementHyperparameters",): ftjobs.ReinforcementHyperparameters,
    ("FineTuningIntegration",): ftjobs.Integration,
    ("FineTuningIntegration", "wandb"): ftjobs.WandbIntegration,
    ("FineTuningJobEvent",): ftjobs.JobEvent,
    ("FineTuningJobCheckpoint",): ftjobs.Checkpoint,
    ("FineTuningJobCheckpoint", "metrics"): ftjobs.CheckpointMetrics,
    ("GraderStringCheck",): ftjobs.StringCheckGrader,
    ("GraderTextSimilarity",): ftjobs.TextSimilarityGrader,
    ("GraderPython",): ftjobs.PythonGrader,
    ("GraderScoreModel",): ftjobs.ScoreModelGrader,
    ("GraderScoreModel", "sampling_params"): ftjobs.SamplingParams,
    ("GraderLabelModel",): ftjobs.LabelModelGrader,
    ("GraderMulti",): ftjobs.MultiGrader,
    ("EvalItem",): ftjobs.EvalItem,
}
#: (view, field) -> the declared type, where the client knowingly differs from the spec, and why.
DEVIATIONS: dict[tuple[type[Any], str], Any] = {
    # An open-ended enum: a status no version knows still parses (JobStatus UNKNOWN member).
    (ftjobs.Job, "status"): ftjobs.JobStatus,
    # The spec types graders as one grader and documents a list in its example: a tuple holds both.
    (ftjobs.MultiGrader, "graders"): tuple[ftjobs.Grader, ...],
}
#: Properties the views do not store: the ``object`` tag (checked to be a string, kept in ``raw``).
NOT_STORED = {"object"}
#: Fields that are not spec properties: the object as received, the response's request id header,
#: and keys every example has.
EXTRA_FIELDS = {"raw", "request_id", "user_provided_suffix"}
_GRADER_REFS = {
    "GraderStringCheck",
    "GraderTextSimilarity",
    "GraderPython",
    "GraderScoreModel",
    "GraderMulti",
}
_GRADER_REFS_NESTED = (_GRADER_REFS - {"GraderMulti"}) | {"GraderLabelModel"}


def _union(types: list[Any]) -> Any:
    unique: list[Any] = []
    for t in types:
        if t not in unique:
            unique.append(t)
    return functools.reduce(operator.or_, unique) if len(unique) > 1 else unique[0]


def expected(schema: dict[str, Any], where: tuple[str, ...], name: str) -> Any:
    """The Python type a view must declare for the schema at where (None stripped)."""
    if where in VIEWS:
        return VIEWS[where]
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        return expected(COMPONENTS[ref], (ref,), name)
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives:
        refs = {a["$ref"].rsplit("/", 1)[-1] for a in alternatives if "$ref" in a}
        if refs in (_GRADER_REFS, _GRADER_REFS_NESTED):
            return ftjobs.Grader
        branches = [a for a in alternatives if a.get("type") != "null"]
        return _union([expected(a, where, name) for a in branches])
    kinds = schema.get("type")
    kinds = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if k != "null"]
    assert len(kinds) == 1, f"{where}: {schema}"
    kind = kinds[0]
    if kind == "string":
        enum = schema.get("enum")
        if enum == ["auto"] or (name == "type" and enum and len(enum) == 1 and where[0].startswith("Grader")):
            return Literal[enum[0]]
        return str
    if kind == "integer":
        return dt.datetime if schema.get("format") == "unixtime" else int
    if kind == "number":
        return float
    if kind == "boolean":
        return bool
    if kind == "array":
        return tuple[expected(schema["items"], (*where, "[]"), name), ...]  # type: ignore[misc]
    if kind == "object":
        if isinstance(schema.get("additionalProperties"), dict):
            return dict[str, expected(schema["additionalProperties"], where, name)]  # type: ignore[misc]
        return Mapping[str, Any]  # a free-form object, or a content piece kept as received
    raise AssertionError(f"{where}: no Python type for {schema}")


def _properties(where: tuple[str, ...]) -> dict[str, Any]:
    schema = COMPONENTS[where[0]]
    for key in where[1:]:
        schema = schema["properties"][key]
        objects = [b for b in schema.get("anyOf", [schema]) if b.get("properties")]
        schema = objects[0]
    properties: dict[str, Any] = schema["properties"]
    return properties


def _strip_none(hint: Any) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        return _union([a for a in args if a is not type(None)])
    return hint


def _hints(cls: type[Any]) -> dict[str, Any]:
    """The fields' types (the generated models named by ``generated`` are not needed here)."""
    generated = dict.fromkeys(("FineTuningJob", "FineTuningJobEvent", "FineTuningJobCheckpoint"), object)
    return typing.get_type_hints(cls, localns=generated)


# The one content union the views keep as received: EvalItemContentItem's string or object.
_CONTENT = str | Mapping[str, Any]


@pytest.mark.parametrize("where", list(VIEWS), ids=[".".join(w) for w in VIEWS])
def test_view_has_a_field_of_a_compatible_type_for_every_property(where: tuple[str, ...]) -> None:
    """Each spec property is a field of the view, declared with the type the spec implies."""
    cls = VIEWS[where]
    hints = _hints(cls)
    for name, schema in _properties(where).items():
        if name in NOT_STORED:
            continue
        assert name in hints, f"{cls.__name__} has no field for {'.'.join(where)}.{name}"
        want = DEVIATIONS.get((cls, name)) or expected(schema, (*where, name), name)
        if want == _union([_CONTENT, tuple[_CONTENT, ...]]):  # EvalItem.content
            want = _types.EvalContent | tuple[_types.EvalContent, ...]
        assert _strip_none(hints[name]) == want, f"{cls.__name__}.{name}: {hints[name]} is not {want}"


@pytest.mark.parametrize("where", list(VIEWS), ids=[".".join(w) for w in VIEWS])
def test_view_has_no_field_the_spec_does_not_know(where: tuple[str, ...]) -> None:
    """A view field is a property of its schema (or ``raw``/the documented extras): nothing stale."""
    cls = VIEWS[where]
    fields = {f.name for f in attrs.fields(cls)}
    assert fields - set(_properties(where)) <= EXTRA_FIELDS


def test_every_view_is_covered_and_exported() -> None:
    """Every public view class of ``_types`` is mirrored here, and exported from ftjobs."""
    views = {v for v in vars(_types).values() if isinstance(v, type) and attrs.has(v)} - {
        ftjobs.UnknownVariant
    }
    assert views <= set(VIEWS.values())
    assert all(getattr(ftjobs, v.__name__) is v for v in views)


def test_unions_of_the_spec_are_the_grader_tables() -> None:
    """The grader unions the reader dispatches on are exactly the spec's two oneOf lists."""
    from ftjobs import _parse

    reinforcement = COMPONENTS["FineTuneReinforcementMethod"]["properties"]["grader"]["oneOf"]
    nested = COMPONENTS["GraderMulti"]["properties"]["graders"]["oneOf"]

    def tags(refs: list[dict[str, str]]) -> set[str]:
        return {COMPONENTS[r["$ref"].rsplit("/", 1)[-1]]["properties"]["type"]["enum"][0] for r in refs}

    assert set(_parse._GRADERS) == tags(reinforcement)
    assert set(_parse._NESTED) == tags(nested)
