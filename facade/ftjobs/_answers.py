"""Answers that are not a job: what a create or an action gives when its backend says little.

Through the Portkey gateway some backends answer a create with only ``{"id": ...}`` (Bedrock:
``{id: encodeURIComponent(jobArn)}``) and a cancel with an empty body (Bedrock) or ``{}`` (Vertex).
Those give a :class:`~ftjobs.Job` with what is known, not an error:

* ``id``: the answer's, else the id the action was called with;
* ``status``: ``JobStatus("unknown")`` (``is_unknown``; neither terminal nor active);
* for a create, ``model``, ``training_file`` and ``validation_file`` as requested;
* ``raw``: the answer as received (``{}`` for an empty body).

An answer is "not a job" when it is empty, or an object without ``status`` whose keys are only
``id`` and ``object``; anything else is read as a job (and refused if it is not one).
``client.jobs.retrieve(job.id)`` gives the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._errors import ResponseValidationError
from ._status import JobStatus

if TYPE_CHECKING:
    from ._models import Job

#: The keys an answer that is not a job may have.
_BARE_KEYS = frozenset({"id", "object"})
UNKNOWN_STATUS = "unknown"
#: The request fields of a create that a bare answer's Job keeps.
_ASKED = ("model", "training_file", "validation_file")


def is_bare(data: object) -> bool:
    """Whether data is an answer that is not a job: None (an empty body), or {id?, object?}."""
    if data is None:
        return True
    return isinstance(data, Mapping) and "status" not in data and data.keys() <= _BARE_KEYS


def job_reader(job_id: str | None = None, request: object = None) -> Callable[[Any], Job]:
    """The parser of a create's answer (request: its body) or an action's (job_id: its job)."""
    from ._models import Job

    def read(data: Any) -> Job:
        if not is_bare(data):
            return Job.from_dict(data)
        answer: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        found = answer.get("id", job_id)
        if not isinstance(found, str) or not found:
            raise ResponseValidationError(
                f"job: the answer is not a job and names none (expected an id): {answer!r:.80}"
            )
        asked = request if isinstance(request, Mapping) else {}
        known = {k: asked[k] for k in _ASKED if isinstance(asked.get(k), str)}
        return Job(id=found, status=JobStatus(UNKNOWN_STATUS), raw=dict(answer), **known)

    return read
