"""Job id validation: an id is one URL path segment, never a way to reach another endpoint.

Two forms of id exist (the README's "Job ids" section states the grammar per provider):

* **Plain ids**, as OpenAI, Azure, Vertex (the last part of the tuning job's name) and Fireworks give
  them: ``ftjob-abc123``. Characters outside the unreserved set are percent-escaped when the URL is
  built, so the id stays one segment.
* **Percent-encoded ids**, as the Portkey gateway gives Bedrock jobs: ``encodeURIComponent(jobArn)``,
  ``arn%3Aaws%3Abedrock%3A...%3Amodel-customization-job%2F...``. The gateway pastes the id from the
  raw URL into the AWS URL and AWS decodes it once, so it is sent exactly as given, never encoded a
  second time (``%253A`` fails at the gateway).

Refused before sending: non-strings, empty or blank ids, ids longer than MAX_JOB_ID_LENGTH, ``/``,
``\\``, ``?``, ``#``, whitespace or control characters (given, or once decoded), ``.``/``..``, a
``%`` that starts no ``%XX`` escape, ids encoded twice (``%25``), and a decoded ``/`` anywhere but
between two non-empty parts of an ARN (``arn:...``) that are not ``.`` or ``..``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from ._constants import MAX_JOB_ID_LENGTH
from ._errors import InvalidJobIdError

#: Ids made of these only (every OpenAI, Azure, Vertex and Fireworks id) pass every check below.
_PLAIN = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*")
#: A percent-encoded id: what encodeURIComponent leaves alone, and %XX escapes.
_ENCODED = re.compile(r"(?:[A-Za-z0-9_.~!*'()-]|%[0-9A-Fa-f]{2})+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_FORBIDDEN = "/\\?#%"


def _shown(job_id: str) -> str:
    return repr(job_id[:60] + ("..." if len(job_id) > 60 else ""))


def _bad_character(text: str, forbidden: str) -> str | None:
    return next((c for c in text if c in forbidden or c.isspace() or not c.isprintable()), None)


def _check_encoded(job_id: str, shown: str) -> None:
    """Checks for an id holding ``%``: well-formed escapes, and nothing that decodes to a route."""
    if not _ENCODED.fullmatch(job_id):
        stray = re.search(r"%(?![0-9A-Fa-f]{2})", job_id)
        if stray is not None:
            raise InvalidJobIdError(f"job id {shown} has a '%' that starts no %XX escape")
        other = next(c for c in _ESCAPE.sub("", job_id) if not re.fullmatch(r"[A-Za-z0-9_.~!*'()-]", c))
        raise InvalidJobIdError(
            f"job id {shown} is percent-encoded but also holds {other!r} unencoded: pass the id "
            "exactly as the gateway gave it (encodeURIComponent of the job ARN)"
        )
    try:
        decoded = unquote(job_id, errors="strict")
    except UnicodeDecodeError:
        raise InvalidJobIdError(f"job id {shown} does not decode to UTF-8 text") from None
    if "%" in decoded:
        raise InvalidJobIdError(
            f"job id {shown} is percent-encoded twice (%25): pass the id as the gateway gave it "
            "(the portkey-ai SDK encodes ids a second time; the gateway refuses those)"
        )
    bad = _bad_character(decoded, "\\?#")
    if bad is not None:
        raise InvalidJobIdError(f"job id {shown} decodes to text containing {bad!r}, which no job id has")
    parts = decoded.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise InvalidJobIdError(f"job id {shown} decodes to a relative or empty path segment")
    if len(parts) > 1 and not decoded.startswith("arn:"):
        raise InvalidJobIdError(
            f"job id {shown} decodes to text containing '/': only an encoded ARN (arn%3A...) may"
        )


def check_job_id(job_id: object) -> str:
    """Return job_id if it is safe to put in a path segment; raise InvalidJobIdError otherwise.

    See the module docstring for the grammar. The id is returned unchanged; job_path_segment gives
    the segment sent on the wire.
    """
    if isinstance(job_id, str) and len(job_id) <= MAX_JOB_ID_LENGTH and _PLAIN.fullmatch(job_id):
        return job_id  # no leading dot (so never "." or ".."), no separator, space or control
    if not isinstance(job_id, str):
        raise InvalidJobIdError(f"job id must be a string, not {type(job_id).__name__}")
    shown = _shown(job_id)
    if not job_id.strip():
        raise InvalidJobIdError("job id is empty")
    if len(job_id) > MAX_JOB_ID_LENGTH:
        raise InvalidJobIdError(f"job id is longer than {MAX_JOB_ID_LENGTH} characters: {shown}")
    if job_id in (".", ".."):
        raise InvalidJobIdError(f"job id {shown} is a relative path segment")
    bad = _bad_character(job_id, _FORBIDDEN.replace("%", ""))
    if bad == "/" and job_id.startswith("arn:"):
        raise InvalidJobIdError(
            f"job id {shown} is a bare ARN: pass it percent-encoded, as the Portkey gateway gives "
            "Bedrock job ids (arn%3Aaws%3Abedrock%3A...%2F...)"
        )
    if bad is not None:
        raise InvalidJobIdError(f"job id {shown} contains {bad!r}, which no job id has")
    if "%" in job_id:
        _check_encoded(job_id, shown)
    return job_id


def job_path_segment(job_id: object) -> str:
    """The checked path segment for job_id: a percent-encoded id as given, any other escaped."""
    checked = check_job_id(job_id)
    if "%" in checked:
        return checked
    return quote(checked, safe="")
