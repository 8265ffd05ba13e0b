"""Jobs, events and checkpoints the server starts with: the spec's own examples.

Each text is an ``x-oaiMeta.examples[].response`` of the packaged spec (``fine_tuning.json``, that
is openapi/fine_tuning.yaml as JSON), read at import. The texts are not strict JSON (trailing
commas, ``{ ... }`` placeholders), hence :func:`parse_lenient` (the project's one lenient parser).
"""

from __future__ import annotations

from typing import Any

from .._lenient import parse_lenient
from ._validate import load_spec

# Re-exported: the store parses the texts with it.
__all__ = [
    "CREATE_DPO_JOB",
    "LIST_CHECKPOINTS",
    "LIST_EVENTS",
    "LIST_JOBS",
    "RETRIEVE_JOB",
    "SOURCES",
    "parse_lenient",
]

#: name of each text below -> (path, method, example title or None).
SOURCES: dict[str, tuple[str, str, str | None]] = {
    "RETRIEVE_JOB": ("/fine_tuning/jobs/{fine_tuning_job_id}", "get", None),
    "LIST_JOBS": ("/fine_tuning/jobs", "get", None),
    "CREATE_DPO_JOB": ("/fine_tuning/jobs", "post", "DPO"),
    "LIST_EVENTS": ("/fine_tuning/jobs/{fine_tuning_job_id}/events", "get", None),
    "LIST_CHECKPOINTS": ("/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", "get", None),
}


def _example(spec: dict[str, Any], name: str) -> str:
    path, method, title = SOURCES[name]
    examples = spec["paths"][path][method]["x-oaiMeta"]["examples"]
    if isinstance(examples, list):
        examples = next(example for example in examples if example["title"] == title)
    text: str = examples["response"]
    return text


_SPEC = load_spec()
RETRIEVE_JOB = _example(_SPEC, "RETRIEVE_JOB")
LIST_JOBS = _example(_SPEC, "LIST_JOBS")
CREATE_DPO_JOB = _example(_SPEC, "CREATE_DPO_JOB")
LIST_EVENTS = _example(_SPEC, "LIST_EVENTS")
LIST_CHECKPOINTS = _example(_SPEC, "LIST_CHECKPOINTS")
del _SPEC
