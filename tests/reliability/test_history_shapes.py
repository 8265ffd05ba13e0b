"""Every response example in every version of the OpenAI and Portkey specs parses with today's client.

The examples live in the specs as text: ``x-oaiMeta.examples[].response`` of each operation,
``x-oaiMeta.example`` (and the 2023 typo ``x-oiMeta``) and Portkey's ``x-code-samples.example`` of
each schema. Some are not strict JSON: trailing commas, ``{ ... }`` placeholders, a missing comma,
Python's ``None``, ``5768 | null``. Those documentation typos are repaired (:func:`lenient`);
the shapes themselves are parsed as they are. Examples of other objects (files, graders) are not
fine-tuning job shapes and are left out; a test checks that the collection is not thinned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import ftjobs
from ftjobs._lenient import parse_lenient
from ftjobs._models import parse_page

UPSTREAM = Path(__file__).resolve().parents[2] / "openapi" / "upstream"
HISTORIES = {name: UPSTREAM / name / "fine_tuning_history" for name in ("openai", "portkey")}
_EXAMPLE_KEYS = frozenset({"response", "example"})

ITEM_CLASSES: dict[str, type[Any]] = {
    "fine_tuning.job": ftjobs.Job,
    "fine_tuning.job.event": ftjobs.JobEvent,
    "event": ftjobs.JobEvent,  # 2023 schema example
    "fine_tuning.job.checkpoint": ftjobs.Checkpoint,
}
#: Schema names whose examples are job shapes, and the class for them.
SCHEMA_CLASSES: dict[str, type[Any]] = {
    "FineTuningJob": ftjobs.Job,
    "FineTuningJobEvent": ftjobs.JobEvent,
    "FineTuningJobCheckpoint": ftjobs.Checkpoint,
}


@dataclass(frozen=True)
class Example:
    """One example response: where it is, and its parsed JSON document."""

    history: str
    version: str
    where: str
    document: Any

    @property
    def id(self) -> str:
        return f"{self.history}/{self.version}{self.where}"


def lenient(text: str) -> Any:
    """Parse an example, repairing the documentation's typos; the shape is left as it is."""
    return parse_lenient(text, typos=True)


def _texts(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}/{key}"
            if key in _EXAMPLE_KEYS and isinstance(value, str) and value.lstrip().startswith("{"):
                yield here, value
            else:
                yield from _texts(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{where}/{index}")


def _is_job_shape(where: str, document: Any) -> bool:
    if where.startswith("/paths/"):  # the jobs operations' examples (permissions and graders are not jobs)
        return "/fine_tuning/jobs" in where and isinstance(document, dict) and "object" in document
    schema = where.split("/")[3] if where.startswith("/components/schemas/") else ""
    return schema in SCHEMA_CLASSES


def collect() -> list[Example]:
    found = []
    for history, folder in HISTORIES.items():
        for path in sorted(folder.glob("*.yaml")):
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
            for where, text in _texts(spec, ""):
                if where.startswith("/components/schemas/") and where.split("/")[3] not in SCHEMA_CLASSES:
                    continue
                document = lenient(text)
                if _is_job_shape(where, document):
                    found.append(Example(history, path.stem, where, document))
    return found


EXAMPLES = collect() if UPSTREAM.is_dir() else []

# --- known bugs: the examples that today's client rejects, and why -----------------------------


def _events(document: Any) -> list[dict[str, Any]]:
    items = document.get("data") if document.get("object") == "list" else [document]
    return [i for i in items or [] if isinstance(i, dict) and i.get("object") in ("event", ITEM_EVENT)]


ITEM_EVENT = "fine_tuning.job.event"


def known_bug(example: Example) -> str | None:
    """Why today's client rejects an example, if it does (none since overlay 05 and optional ids)."""
    return None


def test_fixed_shapes_are_still_covered() -> None:
    """The examples that once failed (null event data, 2023 events without id) are among those parsed."""
    events = [e for example in EXAMPLES for e in _events(example.document)]
    assert any("data" in e and e["data"] is None for e in events)
    assert any("id" not in e for e in events)


def _param(example: Example) -> Any:
    reason = known_bug(example)
    marks = [pytest.mark.xfail(strict=True, raises=ftjobs.ResponseValidationError, reason=reason)]
    return pytest.param(example, id=example.id, marks=marks if reason else [])


def item_class(example: Example) -> type[Any]:
    document = example.document
    if document.get("object") == "list":
        items = document.get("data") or []
        kinds = {i.get("object") for i in items if isinstance(i, dict)}
        assert len(kinds) == 1, f"a list of {kinds}"
        return ITEM_CLASSES[kinds.pop()]
    if example.where.startswith("/components/schemas/"):
        return SCHEMA_CLASSES[example.where.split("/")[3]]
    return ITEM_CLASSES[document["object"]]


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_example_parses(example: Example, examples: Callable[[int], None]) -> None:
    """The example parses into the client's typed object, keeping every key it had."""
    cls = item_class(example)
    document = example.document
    if document.get("object") == "list":
        page = parse_page(document, cls)
        assert len(page.items) == len(document["data"])
        parsed = list(page.items)
        raw = document["data"]
    else:
        parsed, raw = [cls.from_dict(document)], [document]
    for item, original in zip(parsed, raw, strict=True):
        assert isinstance(item, cls)
        assert dict(item.raw) == original
        if isinstance(item, ftjobs.Job):
            assert item.status.value == original["status"]
    examples(len(parsed))


def test_collection_covers_both_histories_and_every_version() -> None:
    """Examples come from every OpenAI version and every Portkey version that has any."""
    assert UPSTREAM.is_dir(), f"{UPSTREAM} is missing: the suite needs openapi/upstream"
    versions = {(e.history, e.version) for e in EXAMPLES}
    openai_files = {p.stem for p in HISTORIES["openai"].glob("*.yaml")}
    assert {v for h, v in versions if h == "openai"} == openai_files
    assert len(openai_files) == 33
    assert len({v for h, v in versions if h == "portkey"}) == len(list(HISTORIES["portkey"].glob("*.yaml")))
    assert len(EXAMPLES) > 400


def test_2023_jobs_with_pending_status_parse_to_a_known_active_status() -> None:
    """The 2023 examples of a ``pending`` job parse to JobStatus.PENDING, known and active."""
    pending = [e for e in EXAMPLES if e.version.startswith("2023") and e.document.get("status") == "pending"]
    assert pending, "the 2023 specs document pending jobs"
    for example in pending:
        job = ftjobs.Job.from_dict(example.document)
        assert job.status is ftjobs.JobStatus.PENDING
        assert not job.status.is_unknown
        assert job.status.is_active


def test_2023_created_status_parses_to_a_known_active_status() -> None:
    """``created``, the other 2023-only status (described, never in an example), is known and active."""
    document = dict(next(e for e in EXAMPLES if e.document.get("status") == "pending").document)
    job = ftjobs.Job.from_dict({**document, "status": "created"})
    assert job.status is ftjobs.JobStatus.CREATED
    assert job.status.is_active


def test_repairs_keep_the_shape() -> None:
    """The typo repairs fix syntax only: keys, values and nesting are those of the text."""
    text = '{\n  "id": "x"\n  "n": 5768 | null,\n  "e": None,\n  "h": {"a": 1,},\n  "l": [1, { ... }]\n}'
    assert lenient(text) == {"id": "x", "n": 5768, "e": None, "h": {"a": 1}, "l": [1]}
    assert json.loads(json.dumps(lenient('{"a": [1, 2]}'))) == {"a": [1, 2]}
