"""Nodes of a type OpenAPI does not allow where the diff reads them: exit 2 naming the pointer."""

from __future__ import annotations

import contextlib
import copy
import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.cli import main
from scripts.specdiff.sources import load_path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specdiff"
GOOD = FIXTURES / "path-added" / "base.yaml"
RICH = sorted(FIXTURES.glob("*/revision.yaml"))


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def mutated(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(load_path(GOOD))
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


JOBS = ("paths", "/fine_tuning/jobs")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ((*JOBS,), 5, "/paths/~1fine_tuning~1jobs: expected a path item (a mapping), got a number"),
        (
            (*JOBS, "get", "responses"),
            [1],
            "/paths/~1fine_tuning~1jobs/get/responses: expected a mapping, got a list",
        ),
        (
            (*JOBS, "get", "parameters"),
            3,
            "/paths/~1fine_tuning~1jobs/get/parameters: expected a list, got a number",
        ),
        (
            (*JOBS, "get", "parameters", 0, "name"),
            {"a": 1},
            "parameters/0/name: expected a string, got a mapping",
        ),
        (
            (*JOBS, "post", "requestBody", "content"),
            "json",
            "requestBody/content: expected a mapping, got a string",
        ),
        (("security",), {"a": 1}, "/security: expected a list, got a mapping"),
        (
            ("components", "schemas", "Job", "required"),
            "id",
            "Job/required: expected a list of strings, got a string",
        ),
        (
            ("components", "schemas", "Job", "properties"),
            [],
            "Job/properties: expected a mapping, got a list",
        ),
        (
            ("components", "schemas", "Job", "properties", "id"),
            7,
            "expected a schema (a mapping or a boolean)",
        ),
        (("components", "schemas", "Job", "type"), 7, "Job/type: expected a type name or a list of them"),
        (("components", "schemas", "Job", "$ref"), 7, "Job/$ref: expected a string, got a number"),
        (("components", "schemas", "Job", "maximum"), "10", "Job/maximum: expected a number, got a string"),
        (
            ("components", "schemas", "Job", "discriminator"),
            {"mapping": {}},
            "propertyName: expected a string",
        ),
        (("components", "schemas", "Job", "allOf"), {"a": 1}, "Job/allOf: expected a list, got a mapping"),
    ],
)
def test_wrong_type_is_one_error_line_naming_the_pointer(
    tmp_path: Path, path: tuple[Any, ...], value: Any, message: str
) -> None:
    """diff (either side) and lint: exit 2, one `error:` line with the JSON pointer and both types."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(mutated(path, value), sort_keys=False), encoding="utf-8")
    for argv in (["diff", str(GOOD), str(bad)], ["diff", str(bad), str(GOOD)], ["lint", str(bad)]):
        status, out, err = run(argv)
        assert status == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith("error: ") and message in err, err


def test_real_specs_pass_the_structure_check() -> None:
    """Every fixture loads (the check reads what OpenAPI allows, nothing stricter)."""
    for path in RICH:
        load_path(path)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["a", "$ref", "type", "name"]), st.integers(0, 2), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(RICH), st.data(), st.sampled_from(["diff-revision", "diff-base", "lint"]))
def test_any_node_replaced_by_anything_never_crashes(spec: Path, data: st.DataObject, command: str) -> None:
    """A real fixture with nodes replaced by values of any type: exit 0, 1, or 2 with one `error:`
    line; never a traceback."""
    doc = copy.deepcopy(load_path(spec))
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(_paths(doc)))
        node = doc
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = data.draw(VALUES)
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "mutated.yaml"
        bad.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        argv = {
            "diff-revision": ["diff", str(spec), str(bad)],
            "diff-base": ["diff", str(bad), str(spec)],
            "lint": ["lint", str(bad)],
        }[command]
        status, _, err = run(argv)
    assert status in (0, 1, 2)
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("error: "), err


def test_null_key_outside_schemas_is_no_crash(tmp_path: Path) -> None:
    """`~: 1` (a null key) in an operation: lint and diff finish with a status, never a traceback."""
    text = GOOD.read_text(encoding="utf-8").replace("    get:\n", "    get:\n      ~: 1\n", 1)
    spec = tmp_path / "null-key.yaml"
    spec.write_text(text, encoding="utf-8")
    for argv in (["lint", str(spec)], ["diff", str(GOOD), str(spec)]):
        status, _, err = run(argv)
        assert status in (0, 1) or (status == 2 and err.count("\n") == 1 and err.startswith("error: "))
    assert run(["lint", str(spec)])[0] == 1  # the validator reports the stray key
