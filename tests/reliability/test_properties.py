"""Schema-driven property tests of ``Job.from_dict``.

Jobs drawn from the current schema (``openapi/fine_tuning.yaml``) and from every historical
schema (OpenAI and Portkey) parse. Mutated jobs (a value of the wrong type, a key removed, an
extra key, a null where the schema says not null, an enum value no version knows) and arbitrary
JSON either parse or raise ``ResponseValidationError``; no other exception ever escapes. Runs are
derandomized, so CI checks the same examples every time. See ``schemas.py`` for the generator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftjobs

from .schemas import strategy, to_json_schema

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT / "openapi" / "upstream"
CURRENT = ROOT / "openapi" / "fine_tuning.yaml"
HISTORICAL = sorted(UPSTREAM.glob("*/fine_tuning_history/*.yaml"))
SETTINGS = settings(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


def job_schema(path: Path) -> dict[str, Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    components = spec["components"]["schemas"]
    schema: dict[str, Any] = to_json_schema(components["FineTuningJob"], components)
    return schema


def version_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.stem}"


def parse_or_reject(document: Any) -> ftjobs.Job | None:
    """The job, or None when the client raised ResponseValidationError; anything else propagates."""
    try:
        return ftjobs.Job.from_dict(document)
    except ftjobs.ResponseValidationError:
        return None


# --- valid jobs parse ---------------------------------------------------------------------------


def check_valid_jobs(path: Path, max_examples: int) -> int:
    """Draw schema-valid jobs from the spec at path; each parses. Returns how many were checked."""
    schema = job_schema(path)
    validator = jsonschema.Draft202012Validator(schema)
    checked = 0

    @settings(SETTINGS, max_examples=max_examples)
    @given(strategy(schema))
    def check(document: dict[str, Any]) -> None:
        nonlocal checked
        validator.validate(document)  # the generator keeps to the schema
        checked += 1
        job = ftjobs.Job.from_dict(document)
        assert job.id == document["id"]
        assert job.status.value == document["status"]
        assert dict(job.raw) == document

    check()
    return checked


def test_jobs_from_the_current_schema_parse(examples: Callable[[int], None]) -> None:
    """Every job drawn from today's schema parses, keeping id, status and every key."""
    examples(check_valid_jobs(CURRENT, 300))


@pytest.mark.slow
@pytest.mark.parametrize("path", HISTORICAL, ids=version_id)
def test_jobs_from_each_historical_schema_parse(path: Path, examples: Callable[[int], None]) -> None:
    """Every job drawn from this historical schema parses."""
    examples(check_valid_jobs(path, 30))


def test_every_historical_schema_is_covered() -> None:
    """The historical property test runs over all 33 OpenAI and 19 Portkey versions."""
    histories = [p.parent.parent.name for p in HISTORICAL]
    assert (histories.count("openai"), histories.count("portkey")) == (33, 19)


def test_result_files_as_file_objects_parse() -> None:
    """A 2023-08-31 job whose result_files are file objects parses, keeping each file's id."""
    file = {"id": "file-abc123", "object": "file", "bytes": 140, "created_at": 1613779657}
    file |= {"filename": "results.csv", "purpose": "fine-tune-results"}
    job = {"object": "fine_tuning.job", "id": "ft-abc", "status": "succeeded", "result_files": [file]}
    parsed = ftjobs.Job.from_dict(job)
    assert parsed.id == "ft-abc"
    assert parsed.result_files == ("file-abc123",)


def test_null_hyperparameters_parse() -> None:
    """A job with ``hyperparameters: null`` (a DPO job) parses with hyperparameters None."""
    job = {"object": "fine_tuning.job", "id": "ftjob-abc", "status": "queued", "hyperparameters": None}
    assert ftjobs.Job.from_dict(job).hyperparameters is None


# --- mutated jobs parse or raise ResponseValidationError ----------------------------------------

WRONG_VALUES = (0, -1, 1.5, "x", "", True, False, [], ["x"], {}, {"x": 1}, 2**70, float("inf"))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into node's objects and arrays."""
    found: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found.append((*prefix, key))
        found += _paths(value, (*prefix, key))
    return found


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


def _delete(document: Any, path: tuple[Any, ...]) -> None:
    for key in path[:-1]:
        document = document[key]
    del document[path[-1]]


def _enum_paths(document: Any, schema: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Key paths whose schema (any branch) has an enum."""
    found: list[tuple[Any, ...]] = []
    if not isinstance(document, dict):
        return found
    branches = [schema, *schema.get("anyOf", []), *schema.get("allOf", [])]
    for key, value in document.items():
        subs = [b["properties"][key] for b in branches if key in b.get("properties", {})]
        for sub in subs:
            alternatives = [sub, *sub.get("anyOf", [])]
            if any("enum" in alt for alt in alternatives):
                found.append((*prefix, key))
            found += [p for alt in alternatives for p in _enum_paths(value, alt, (*prefix, key))]
    return sorted(set(found), key=repr)


@st.composite
def mutated(
    draw: st.DrawFn, schema: dict[str, Any], valid: st.SearchStrategy[Any]
) -> tuple[str, dict[str, Any]]:
    """A job drawn from valid (built from schema) with one mutation applied somewhere; (kind, job)."""
    document = draw(valid)
    paths = _paths(document)
    kind = draw(st.sampled_from(["wrong-type", "missing", "extra", "null", "unknown-enum"]))
    if kind == "extra" or not paths:
        containers = [(), *[p for p in paths if isinstance(_get(document, p), dict)]]
        where = draw(st.sampled_from(containers))
        _set(document, (*where, draw(st.text(min_size=1, max_size=8))), draw(JSON))
        return "extra", document
    if kind == "unknown-enum":
        enums = _enum_paths(document, schema)
        if enums:
            _set(document, draw(st.sampled_from(enums)), draw(st.text(max_size=12).map(lambda s: "zz-" + s)))
            return kind, document
        kind = "wrong-type"
    path = draw(st.sampled_from(paths))
    if kind == "missing" and isinstance(path[-1], str):
        _delete(document, path)
    elif kind == "null":
        _set(document, path, None)
    else:
        _set(document, path, draw(st.sampled_from(WRONG_VALUES)))
    return kind, document


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        document = document[key]
    return document


def check_mutations(path: Path, max_examples: int) -> int:
    schema = job_schema(path)
    checked = 0

    @settings(SETTINGS, max_examples=max_examples)
    @given(mutated(schema, strategy(schema)))
    def check(case: tuple[str, dict[str, Any]]) -> None:
        nonlocal checked
        checked += 1
        job = parse_or_reject(case[1])
        if job is not None:
            assert isinstance(job.status, ftjobs.JobStatus)

    check()
    return checked


def test_mutated_jobs_parse_or_raise_response_validation_error(examples: Callable[[int], None]) -> None:
    """A job from today's schema with one mutation parses or raises ResponseValidationError."""
    examples(check_mutations(CURRENT, 500))


@pytest.mark.slow
@pytest.mark.parametrize("path", HISTORICAL, ids=version_id)
def test_mutated_historical_jobs_parse_or_raise_response_validation_error(
    path: Path, examples: Callable[[int], None]
) -> None:
    """A job from this historical schema with one mutation parses or raises ResponseValidationError."""
    examples(check_mutations(path, 20))


def test_arbitrary_json_parses_or_raises_response_validation_error(examples: Callable[[int], None]) -> None:
    """Any JSON value at all, as a job, parses or raises ResponseValidationError."""
    checked = 0

    @settings(SETTINGS, max_examples=300)
    @given(JSON | st.dictionaries(st.sampled_from(["id", "status", "object", "method", "error"]), JSON))
    def check(document: Any) -> None:
        nonlocal checked
        checked += 1
        parse_or_reject(document)

    check()
    examples(checked)


def test_unknown_status_parses_as_unknown() -> None:
    """A status no version documents parses to an UNKNOWN member keeping the raw value."""
    job = ftjobs.Job.from_dict({"object": "fine_tuning.job", "id": "ftjob-1", "status": "zz-new"})
    assert job.status.is_unknown
    assert job.status.value == "zz-new"
    assert not job.status.is_terminal
