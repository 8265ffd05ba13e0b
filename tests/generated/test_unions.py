"""Every union of openapi/fine_tuning.yaml parses by the data: each variant to its own class, an unknown tag
to UnknownVariant, a value of no variant's JSON type to InvalidData.

The unions are found by walking the spec (every ``oneOf``, ``anyOf`` and ``type: [...]`` list), so a union
added upstream is checked without editing this file. Each union is reached from a generated model (the
"carrier": the object schema whose from_dict parses it), an instance of the carrier holding a minimal
valid value of one variant is built from the spec, parsed, and the value is read back at the same place.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import attrs
import pytest
from openapi_python_client.strings import ClassName, PythonIdentifier

from ftjobs_generated import models
from ftjobs_generated.types import InvalidData, UnknownVariant
from tests.generated.spec_schemas import (
    PROBES,
    SCHEMAS,
    SPEC,
    accepts,
    is_object,
    is_union,
    leaves,
    ref_name,
    resolve,
    variants,
)

PREFIX = "field_"  # openapi-python-client's default field_prefix (openapi/generator.yaml keeps it)
UNKNOWN_TAG = "zz-not-a-known-type"

Step = tuple[str, Any]  # ("prop", name) | ("item", None) | ("variant", index)


def _raw_unions(node: Any, where: str) -> Iterator[str]:
    """Locations of every union node in the document (the independent census)."""
    if isinstance(node, dict):
        if is_union(node):
            yield where
        for key, value in node.items():
            yield from _raw_unions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _raw_unions(value, f"{where}/{index}")


@dataclass(frozen=True)
class Site:
    """A union as the generated code meets it: parsed by carrier.from_dict at steps."""

    location: str  # where the union node is in the spec (its identity)
    carrier: str  # the object component whose generated class parses it
    steps: tuple[Step, ...]
    node: dict[str, Any]

    @property
    def data_path(self) -> tuple[str | int, ...]:
        return tuple(arg if kind == "prop" else 0 for kind, arg in self.steps if kind != "variant")


def _walk(
    node: Any, where: str, carrier: str, steps: tuple[Step, ...], seen: frozenset[str]
) -> Iterator[Site]:
    """Unions reachable from carrier's schema, through properties, items, variants and union $refs."""
    name = ref_name(node)
    if name is not None:
        target = SCHEMAS[name]
        if is_object(target) or name in seen:
            return  # an object component is walked as a carrier of its own
        yield from _walk(target, f"components/schemas/{name}", carrier, steps, seen | {name})
        return
    if not isinstance(node, dict):
        return
    if is_union(node):
        yield Site(where, carrier, steps, node)
        key = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
        for index, variant in enumerate(variants(node)):
            sub = f"{where}/{key}/{index}" if key else where  # a type list's members share the node
            yield from _walk(variant, sub, carrier, (*steps, ("variant", index)), seen)
        return
    for prop, sub in (node.get("properties") or {}).items():
        yield from _walk(sub, f"{where}/properties/{prop}", carrier, (*steps, ("prop", prop)), seen)
    if "items" in node:
        yield from _walk(node["items"], f"{where}/items", carrier, (*steps, ("item", None)), seen)


def _sites() -> dict[str, Site]:
    found: dict[str, Site] = {}
    for name, schema in SCHEMAS.items():
        if is_object(schema):
            for site in _walk(schema, f"components/schemas/{name}", name, (), frozenset({name})):
                found.setdefault(site.location, site)
    return found


SITES = _sites()


def _minimal(node: Any, depth: int = 0) -> Any:
    """A small valid instance of a schema: required properties only, the first non-null variant."""
    node = resolve(node)
    assert depth < 30, "recursive schema: give the test a depth rule"
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    if is_union(node):
        members = [v for v in variants(node) if resolve(v).get("type") != "null"]
        return _minimal(members[0], depth + 1)
    kind = node.get("type", "object" if "properties" in node else None)
    if kind == "object":
        props = node.get("properties") or {}
        return {key: _minimal(props[key], depth + 1) for key in node.get("required", []) if key in props}
    if kind == "array":
        return [_minimal(node["items"], depth + 1)] if "items" in node else []
    return {"string": "text", "integer": 3, "number": 1.5, "boolean": True, "null": None}.get(kind, "any")


def _carrier_instance(node: Any, steps: tuple[Step, ...], leaf: Any) -> Any:
    """A minimal instance of node holding leaf at steps."""
    node = resolve(node)
    if not steps:
        return leaf
    (kind, arg), rest = steps[0], steps[1:]
    if kind == "prop":
        base = _minimal(node)
        base[arg] = _carrier_instance(node["properties"][arg], rest, leaf)
        return base
    if kind == "item":
        return [_carrier_instance(node["items"], rest, leaf)]
    return _carrier_instance(variants(node)[arg], rest, leaf)


def _class_name(component: str) -> str:
    return str(ClassName(component, PREFIX))


def _parse(site: Site, leaf: Any) -> tuple[Any, Any, Any]:
    """(instance, value read back at the union's place) after the carrier's from_dict."""
    instance = _carrier_instance(SCHEMAS[site.carrier], site.steps, leaf)
    parsed = getattr(models, _class_name(site.carrier)).from_dict(instance)
    value = parsed
    for kind, arg in site.steps:
        if kind == "prop":
            value = getattr(value, PythonIdentifier(arg, PREFIX))
        elif kind == "item":
            value = value[0]
    assert value.__class__.__name__ != "Unset", "the value did not reach its attribute"
    return instance, parsed, value


def _check(node: Any, value: Any, instance: Any) -> None:
    """value is what the variant node means for instance: its class, enum member, scalar type."""
    component = ref_name(node)
    node = resolve(node)
    if "enum" in node:
        assert isinstance(value, enum.Enum) and value.value == instance, value
        assert not value.is_unknown  # type: ignore[attr-defined]
    elif "const" in node:
        assert value == instance
    elif is_union(node):
        members = [v for v in variants(node) if resolve(v).get("type") != "null"]
        _check(members[0], value, instance)
    elif is_object(node):
        assert attrs.has(type(value)) and not isinstance(value, UnknownVariant), value
        assert type(value).__module__.startswith("ftjobs_generated.models."), type(value)
        if component is not None:
            assert type(value).__name__ == _class_name(component)
        tag = (node.get("properties") or {}).get("type", {})
        if "type" in node.get("required", []) and len(tag.get("enum", [])) == 1:
            assert value.type_ == tag["enum"][0]  # the variant's own tag, a known member
        assert value.to_dict() == instance
    elif node.get("type") == "array":
        assert isinstance(value, list) and len(value) == len(instance)
        for item, raw in zip(value, instance, strict=True):
            _check(node["items"], item, raw)
    else:
        expected = {"string": str, "integer": int, "number": float, "boolean": bool, "null": type(None)}
        wanted = expected[node["type"]]
        assert type(value) is wanted or (wanted is float and type(value) is int), (node, value)


def _tagged_objects(site: Site) -> list[dict[str, Any]] | None:
    """The union's object variants when every one pins `type` with a single-value enum, else None."""
    objects = [resolve(v) for v in variants(site.node) if is_object(v)]
    for obj in objects:
        tag = (obj.get("properties") or {}).get("type", {})
        if "type" not in obj.get("required", []) or len(tag.get("enum", [])) != 1:
            return None
    return objects or None


VARIANTS = [
    pytest.param(site, index, id=f"{site.location}[{index}]")
    for site in SITES.values()
    for index in range(len(variants(site.node)))
]


def test_every_union_in_the_spec_is_reached_from_a_generated_model() -> None:
    """The census of union nodes equals the unions the walk reaches: none is left unchecked."""
    assert set(_raw_unions(SPEC, "")) - {"/" + loc for loc in SITES} == set()
    assert {"/" + loc for loc in SITES} <= set(_raw_unions(SPEC, ""))
    assert len(SITES) >= 40  # 2026 spec: graders, eval content, hyperparameters, nullables


def test_the_tagged_unions_are_the_graders_content_parts_and_integrations() -> None:
    """Unions of objects all pin a `type` tag: the graders (in the job method, the multi grader and the
    three grader-tool schemas), eval content parts and integrations."""
    tagged = sorted(loc for loc, site in SITES.items() if _tagged_objects(site))
    assert tagged == [
        "components/schemas/EvalItemContentItem",
        "components/schemas/FineTuneReinforcementMethod/properties/grader",
        "components/schemas/FineTuningJob/properties/integrations/anyOf/0/items",
        "components/schemas/GraderMulti/properties/graders",
        "components/schemas/RunGraderRequest/properties/grader",
        "components/schemas/ValidateGraderRequest/properties/grader",
        "components/schemas/ValidateGraderResponse/properties/grader",
    ]


@pytest.mark.parametrize(("site", "index"), VARIANTS)
def test_each_variant_parses_to_its_own_class(site: Site, index: int) -> None:
    """A minimal valid value of variant index parses to that variant (class, enum member or JSON type)."""
    variant = variants(site.node)[index]
    leaf = _minimal(variant)
    instance, parsed, value = _parse(site, leaf)
    if resolve(variant).get("type") == "null":
        assert value is None
    else:
        _check(variant, value, leaf)
    assert parsed.to_dict() == instance


@pytest.mark.parametrize("site", [s for s in SITES.values() if _tagged_objects(s)], ids=lambda s: s.location)
def test_unknown_or_missing_tag_is_an_unknown_variant(site: Site) -> None:
    """A tag no variant pins, or no tag, gives UnknownVariant with the raw object; to_dict gives it back."""
    objects = _tagged_objects(site)
    assert objects
    known = {obj["properties"]["type"]["enum"][0] for obj in objects}
    for tag in (UNKNOWN_TAG, None):
        leaf = {**_minimal(objects[0]), "extra": [1, {"a": None}]}
        leaf.pop("type")
        if tag is not None:
            leaf["type"] = tag
        instance, parsed, value = _parse(site, leaf)
        assert isinstance(value, UnknownVariant), value
        assert value.type == tag and value.raw == leaf
        assert parsed.to_dict() == instance
    # A known tag on another variant's fields still picks the tagged class, never the first variant.
    for obj in objects:
        tag = obj["properties"]["type"]["enum"][0]
        _, _, value = _parse(site, _minimal(obj))
        assert value.type_ == tag and tag in known


@pytest.mark.parametrize("site", [s for s in SITES.values() if _tagged_objects(s)], ids=lambda s: s.location)
def test_a_tag_of_the_wrong_type_is_invalid_data(site: Site) -> None:
    """`"type": 5` is not a tag: InvalidData naming the tag's path."""
    objects = _tagged_objects(site)
    assert objects
    with pytest.raises(InvalidData) as info:
        _parse(site, {**_minimal(objects[0]), "type": 5})
    assert info.value.path == (*site.data_path, "type")
    assert (info.value.expected, info.value.got) == ("string", "integer")


def _outermost(site: Site) -> Any:
    """The union holding the site once nested unions are flattened: strip trailing variant steps."""
    steps = list(site.steps)
    while steps and steps[-1][0] == "variant":
        steps.pop()
    node = SCHEMAS[site.carrier]
    for kind, arg in steps:
        node = resolve(node)
        node = (
            node["properties"][arg]
            if kind == "prop"
            else node["items"]
            if kind == "item"
            else variants(node)[arg]
        )
    return node


@pytest.mark.parametrize("site", list(SITES.values()), ids=lambda s: s.location)
def test_a_value_no_variant_accepts_is_invalid_data(site: Site) -> None:
    """Each JSON type outside the union (bool is not an integer) raises InvalidData at the union's path.

    A string is outside it too when the union's strings are all enum values and it admits another JSON
    type ("auto" | integer is closed); an enum alone (or with null) stays open to new values.
    """
    flat = leaves(_outermost(site))
    accepted = set().union(*(accepts(leaf) for leaf in flat))
    strings = [leaf for leaf in flat if "string" in accepts(leaf)]
    closed = all("enum" in leaf for leaf in strings) and accepted - {"string", "null"}
    rejected = [name for name in PROBES if name not in accepted or (name == "string" and closed)]
    if site.data_path and isinstance(site.data_path[-1], str) and "null" in rejected:
        # a declared property: null reads as omitted (the tolerance policy, docs/typing.md)
        rejected.remove("null")
    for name in rejected:
        with pytest.raises(InvalidData) as info:
            _parse(site, PROBES[name])
        assert info.value.path == site.data_path, name
        assert info.value.got == name


def test_reinforcement_grader_python_is_a_python_grader() -> None:
    """The issue's case: a python grader is GraderPython (not GraderStringCheck with an UNKNOWN type)."""
    grader = {"type": "python", "name": "g", "source": "def grade(s, i): return 1.0"}
    method = models.FineTuneMethod.from_dict({"type": "reinforcement", "reinforcement": {"grader": grader}})
    parsed = method.reinforcement.grader  # type: ignore[union-attr]
    assert type(parsed) is models.GraderPython
    assert parsed.source == grader["source"]
    bogus = models.FineTuneReinforcementMethod.from_dict({"grader": {"type": "bogus", "name": "g"}})
    assert bogus.grader == UnknownVariant(type="bogus", raw={"type": "bogus", "name": "g"})


def test_generated_union_types_name_unknown_variant() -> None:
    """The declared attribute types include UnknownVariant where a new tag can arrive."""
    module = importlib.import_module("ftjobs_generated.models.fine_tune_reinforcement_method")
    annotation = attrs.fields(module.FineTuneReinforcementMethod).grader.type
    assert "UnknownVariant" in str(annotation) and "GraderPython" in str(annotation)
    job = importlib.import_module("ftjobs_generated.models.fine_tuning_job").FineTuningJob
    assert "list[FineTuningIntegration | UnknownVariant]" in str(attrs.fields(job).integrations.type)
