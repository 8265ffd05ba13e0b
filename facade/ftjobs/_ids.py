"""Job id validation: an id is one URL path segment, never a way to reach another endpoint."""

from __future__ import annotations

import re
from urllib.parse import quote

from ._constants import MAX_JOB_ID_LENGTH
from ._errors import InvalidJobIdError

#: Ids made of these only (every real one) pass every check below: the hot path skips them.
_PLAIN = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*")


def check_job_id(job_id: object) -> str:
    """Return job_id if it is safe to put in a path segment; raise InvalidJobIdError otherwise.

    Rejected: non-strings, empty or blank ids, ids longer than MAX_JOB_ID_LENGTH, ``.``/``..`` (in
    any percent-encoded form), ids with ``/``, ``\\``, ``?``, ``#``, ``%``, whitespace or control
    characters. Anything else is percent-escaped when the URL is built, so it stays one segment.
    """
    if isinstance(job_id, str) and len(job_id) <= MAX_JOB_ID_LENGTH and _PLAIN.fullmatch(job_id):
        return job_id  # no leading dot (so never "." or ".."), no separator, space or control
    if not isinstance(job_id, str):
        raise InvalidJobIdError(f"job id must be a string, not {type(job_id).__name__}")
    shown = repr(job_id[:40] + ("..." if len(job_id) > 40 else ""))
    if not job_id.strip():
        raise InvalidJobIdError("job id is empty")
    if len(job_id) > MAX_JOB_ID_LENGTH:
        raise InvalidJobIdError(f"job id is longer than {MAX_JOB_ID_LENGTH} characters: {shown}")
    if job_id in (".", ".."):
        raise InvalidJobIdError(f"job id {shown} is a relative path segment")
    bad = next((c for c in job_id if c in "/\\?#%" or c.isspace() or not c.isprintable()), None)
    if bad is not None:
        raise InvalidJobIdError(f"job id {shown} contains {bad!r}, which no job id has")
    return job_id


def job_path_segment(job_id: object) -> str:
    """The checked, percent-escaped path segment for job_id."""
    return quote(check_job_id(job_id), safe="")
