"""The create-parameter TypedDicts (generated into ftjobs_generated.params) match the request schemas
of the spec, key by key: a check of the generator (scripts/views.py) by an independent reading.

Both sides are reduced to the same shape (strings, integers, numbers, literals, arrays, maps, objects
with their keys and required-ness, unions of those) and compared: a property added, removed, made
required, retyped or given a new enum value upstream fails here until the TypedDict follows.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from ftjobs import _params
from ftjobs._params import CreateFields
from tests.generated.spec_schemas import SCHEMAS

Shape = tuple[Any, ...]


def _merge(alternatives: list[Shape]) -> frozenset[Shape]:
    """One union: literals merged into one set, and dropped when plain strings are allowed anyway."""
    literals: set[Any] = set()
    out: set[Shape] = set()
    for alt in alternatives:
        if alt[0] == "lit":
            literals |= alt[1]
        else:
            out.add(alt)
    if literals and ("str",) not in out:
        out.add(("lit", frozenset(literals)))
    return frozenset(out)


def schema_shape(schema: Mapping[str, Any]) -> frozenset[Shape]:
    """The union of shapes a JSON schema allows."""
    if "$ref" in schema:
        return schema_shape(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    alternatives: list[Shape] = []
    for key in ("oneOf", "anyOf"):
        for sub in schema.get(key, ()):
            alternatives.extend(schema_shape(sub))
    if schema.get("nullable"):
        alternatives.append(("null",))
    kind = schema.get("type")
    if kind == "null":
        alternatives.append(("null",))
    elif kind == "string":
        alternatives.append(("lit", frozenset(schema["enum"])) if "enum" in schema else ("str",))
    elif kind == "integer":
        alternatives.append(("int",))
    elif kind == "number":
        alternatives.append(("float",))
    elif kind == "boolean":
        alternatives.append(("bool",))
    elif kind == "array":
        alternatives.append(("array", schema_shape(schema["items"])))
    elif kind == "object" and not (set(schema) & {"oneOf", "anyOf"}):
        if "properties" in schema:
            required = set(schema.get("required", ()))
            props = schema["properties"]
            alternatives.append(
                ("obj", frozenset((k, k in required, schema_shape(v)) for k, v in props.items()))
            )
        else:
            alternatives.append(("map", schema_shape(schema.get("additionalProperties", {}))))
    return _merge(alternatives)


def _is_typeddict(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, dict) and hasattr(annotation, "__total__")


def typeddict_shape(cls: type, *, skip: frozenset[str] = frozenset(), none_means_omit: bool = False) -> Shape:
    hints = get_type_hints(cls)
    fields = set()
    for key, annotation in hints.items():
        if key in skip:
            continue
        shape = annotation_shape(annotation)
        if none_means_omit:  # None leaves the key out: whether null is also allowed is the spec's call
            shape = frozenset(s for s in shape if s != ("null",))
        fields.add((key, key in cls.__required_keys__, shape))  # type: ignore[attr-defined]
    return ("obj", frozenset(fields))


def annotation_shape(annotation: Any) -> frozenset[Shape]:
    """The union of shapes a Python annotation allows."""
    if annotation is Any:
        return frozenset()  # any value: what schema_shape gives the empty schema ({})
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return _merge([s for arg in get_args(annotation) for s in annotation_shape(arg)])
    if origin is Literal:
        return _merge([("lit", frozenset(get_args(annotation)))])
    if annotation is type(None):
        return frozenset({("null",)})
    if origin is os.PathLike:  # training_file=Path(...): jobs.create uploads it (also_accept)
        return frozenset({("str",)})
    if annotation in (str, int, float, bool):
        return frozenset({(annotation.__name__,)})
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return frozenset({("map", annotation_shape(get_args(annotation)[1]))})
    if origin is not None and isinstance(origin, type) and issubclass(origin, Sequence):
        return frozenset({("array", annotation_shape(get_args(annotation)[0]))})
    if _is_typeddict(annotation):
        return frozenset({typeddict_shape(annotation)})
    raise AssertionError(f"no shape for annotation {annotation!r}")


def test_create_fields_match_the_create_request_schema() -> None:
    """jobs.create(**fields) and every TypedDict below it mirror CreateFineTuningJobRequest and the
    gateway fields (GatewayCreateFields, overlay 10) exactly."""
    ((_, keys),) = schema_shape(SCHEMAS["CreateFineTuningJobRequest"])
    ((_, gateway),) = schema_shape(SCHEMAS["GatewayCreateFields"])
    assert not {k for k, _, _ in keys} & {k for k, _, _ in gateway}  # no field is both
    expected = frozenset({("obj", frozenset((k, r, s - {("null",)}) for k, r, s in keys | gateway))})
    actual = frozenset({typeddict_shape(CreateFields, skip=frozenset({"extra_body"}), none_means_omit=True)})
    assert actual == expected


@pytest.mark.parametrize(
    ("typeddict", "schema"),
    [
        (_params.MethodParam, "FineTuneMethod"),
        (_params.SupervisedMethodParam, "FineTuneSupervisedMethod"),
        (_params.SupervisedHyperparametersParam, "FineTuneSupervisedHyperparameters"),
        (_params.DpoMethodParam, "FineTuneDPOMethod"),
        (_params.DpoHyperparametersParam, "FineTuneDPOHyperparameters"),
        (_params.ReinforcementMethodParam, "FineTuneReinforcementMethod"),
        (_params.ReinforcementHyperparametersParam, "FineTuneReinforcementHyperparameters"),
        (_params.StringCheckGraderParam, "GraderStringCheck"),
        (_params.TextSimilarityGraderParam, "GraderTextSimilarity"),
        (_params.PythonGraderParam, "GraderPython"),
        (_params.ScoreModelGraderParam, "GraderScoreModel"),
        (_params.LabelModelGraderParam, "GraderLabelModel"),
        (_params.MultiGraderParam, "GraderMulti"),
        (_params.EvalItemParam, "EvalItem"),
    ],
)
def test_each_typeddict_matches_its_schema(typeddict: type, schema: str) -> None:
    """Each named TypedDict has the keys, required keys and value types of its schema."""
    assert frozenset({typeddict_shape(typeddict)}) == schema_shape(SCHEMAS[schema])


def test_grader_param_is_the_reinforcement_grader_union() -> None:
    """GraderParam lists exactly the graders FineTuneReinforcementMethod.grader allows."""
    grader = SCHEMAS["FineTuneReinforcementMethod"]["properties"]["grader"]
    assert annotation_shape(_params.GraderParam) == schema_shape(grader)


def test_the_comparison_sees_a_drift() -> None:
    """A TypedDict that lost a key, or a literal value, no longer matches: the check is not vacuous."""

    class Narrower(typing.TypedDict, total=False):
        type: typing.Required[Literal["supervised", "dpo"]]
        supervised: _params.SupervisedMethodParam
        dpo: _params.DpoMethodParam
        reinforcement: _params.ReinforcementMethodParam

    class Fewer(typing.TypedDict, total=False):
        type: typing.Required[Literal["supervised", "dpo", "reinforcement"]]
        supervised: _params.SupervisedMethodParam

    expected = schema_shape(SCHEMAS["FineTuneMethod"])
    assert frozenset({typeddict_shape(Narrower)}) != expected
    assert frozenset({typeddict_shape(Fewer)}) != expected
