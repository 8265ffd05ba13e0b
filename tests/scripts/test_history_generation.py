"""Every historical upstream version trims, generates, imports, and parses its own job examples."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ftjobs._lenient import parse_lenient
from scripts import regen, trim

HISTORY = {name: trim.UPSTREAM / name / "fine_tuning_history" for name in ("openai", "portkey")}
FILES = sorted(
    (name, path) for name, folder in HISTORY.items() for path in folder.glob("*.yaml") if path.is_file()
)
# Upstream defect in the first three versions: the schema types result_files as OpenAIFile objects
# while the examples list file ids (strings); those examples cannot parse, and must keep failing.
RESULT_FILES_AS_OBJECTS = {
    "openai/2023-08-31_6654037.yaml",
    "openai/2023-09-01_854dd95.yaml",
    "openai/2023-09-05_7d8e8bf.yaml",
}
# Versions openapi-python-client can only generate with warnings (asserted exactly, so that a change
# either way is noticed). Empty since trim splits `allOf: [$ref]` + own properties (Portkey 2025-02+).
WARNING_VERSIONS: set[str] = set()

# ~40 s on two idle cores; the timeout leaves room for a loaded CI machine (setup counts toward it).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@dataclass
class Outcome:
    """What trimming and generating one historical version gave."""

    package: str = ""
    warned: bool = False
    error: str = ""
    examples: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _key(name: str, path: Path) -> str:
    return f"{name}/{path.name}"


def _job_examples(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each FineTuningJob in the version's response examples: job responses and list pages of jobs."""
    schemas = doc.get("components", {}).get("schemas", {})
    job_ref = "#/components/schemas/FineTuningJob"
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "x-oaiMeta" not in op:
                continue
            content = op.get("responses", {}).get("200", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            target = schemas.get(ref.rsplit("/", 1)[-1], {})
            is_list = target.get("properties", {}).get("data", {}).get("items", {}).get("$ref") == job_ref
            if ref != job_ref and not is_list:
                continue
            examples = op["x-oaiMeta"].get("examples") or []
            for index, example in enumerate(examples if isinstance(examples, list) else [examples]):
                try:
                    if "response" not in example:  # some upstream examples show only the request
                        continue
                    body = parse_lenient(example["response"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # prose or pseudo-JSON beyond repair: nothing to check
                jobs = body.get("data", []) if is_list else [body]
                for position, job in enumerate(jobs):
                    if isinstance(job, dict):
                        yield f"{method.upper()} {path} [{index}][{position}]", job


def _build(name: str, path: Path, out: Path) -> Outcome:
    package = "hist_" + re.sub(r"\W", "_", f"{name}_{path.stem}")
    outcome = Outcome(package=package)
    try:
        doc = trim.trim(trim.load_spec(path)[0])
        outcome.examples = list(_job_examples(doc))
        spec = out / f"{package}.yaml"
        spec.write_text(trim.dump_yaml(doc), encoding="utf-8")
        try:
            regen.generate(spec, out, package)
        except regen.GenerationError as exc:
            if "warned on" not in str(exc):
                raise
            outcome.warned = True
            regen.generate(spec, out, package, allow_warnings=True)
    except (trim.SpecError, regen.GenerationError) as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """All versions generated in parallel, each in its own folder put on sys.path (removed afterwards)."""
    out = tmp_path_factory.mktemp("history")
    # Each version's own config file: generate() writes out_dir/_generator.yaml, so give each a folder.
    folders = {_key(n, p): out / _key(n, p).replace("/", "_").removesuffix(".yaml") for n, p in FILES}
    for folder in folders.values():
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {_key(n, p): pool.submit(_build, n, p, folders[_key(n, p)]) for n, p in FILES}
        outcomes = {key: future.result() for key, future in futures.items()}
    sys.path[:0] = [str(folder) for folder in folders.values()]
    try:
        yield outcomes
    finally:
        for folder in folders.values():
            sys.path.remove(str(folder))
        for module in [m for m in sys.modules if m.startswith("hist_")]:
            del sys.modules[module]


def test_history_is_complete() -> None:
    """The history has the 33 OpenAI versions of index.json (OpenAPI 3.0 and 3.1) and 19 Portkey ones."""
    index = json.loads((HISTORY["openai"] / "index.json").read_text(encoding="utf-8"))
    openai = [path.name for name, path in FILES if name == "openai"]
    assert sorted(entry["file"] for entry in index) == openai
    assert len(openai) == 33
    assert {entry["openapi"] for entry in index} == {"3.0.0", "3.1.0"}
    assert len([path for name, path in FILES if name == "portkey"]) == 19


def test_versions_that_warn_are_exactly_the_known_ones(built: dict[str, Outcome]) -> None:
    """No version fails outright, and only the listed ones need allow_warnings (none today)."""
    outcomes = built
    assert {key: o.error for key, o in outcomes.items() if o.error} == {}
    assert {key for key, o in outcomes.items() if o.warned} == WARNING_VERSIONS


@pytest.mark.parametrize(("name", "path"), FILES, ids=[_key(n, p) for n, p in FILES])
def test_version_generates_imports_and_parses_its_examples(
    name: str, path: Path, built: dict[str, Outcome]
) -> None:
    """The version's package imports module by module, and its FineTuningJob parses the version's examples."""
    outcome = built[_key(name, path)]
    assert not outcome.error, outcome.error
    package = importlib.import_module(outcome.package)
    names = [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for module in names:
        importlib.import_module(module)
    assert f"{outcome.package}.models.fine_tuning_job" in names
    job_model = importlib.import_module(f"{outcome.package}.models").FineTuningJob
    unset = importlib.import_module(f"{outcome.package}.types").UNSET
    invalid = importlib.import_module(f"{outcome.package}.types").InvalidData
    if name == "openai":
        assert outcome.examples, "every OpenAI version documents job responses"
    for label, example in outcome.examples:
        # Upstream defects: documented responses the version's own schema rejects: result_files as
        # file ids where the schema has file objects (the first three versions). The null ones
        # (hyperparameters null in 2026 DPO/reinforcement examples, overlay 04 for the current spec;
        # error {"code": null, ...} in 2026 create, overlay 06) parse: null where the schema has no
        # null reads as omitted (the tolerance policy, docs/typing.md).
        defects = set()
        if any(isinstance(item, str) for item in example.get("result_files") or []) and (
            _key(name, path) in RESULT_FILES_AS_OBJECTS
        ):
            defects.add("result_files[0]: expected object, got string")
        if defects:
            with pytest.raises(invalid) as info:
                job_model.from_dict(example)
            assert str(info.value) in defects, label
            continue
        job = job_model.from_dict(example)  # old list examples even show events: they parse too
        for key in ("id", "status", "model"):
            assert getattr(job, key) == example.get(key, unset), label
