"""Every exception ftjobs raises. Users catch these, never ``httpx``, ``KeyError`` or generated errors.

::

    Error
    ├── ConfigurationError          bad or missing client settings (e.g. no API key)
    ├── InvalidArgumentError        an argument the API would reject (also a ValueError)
    │   ├── InvalidJobIdError       a job id that could reach another endpoint
    │   ├── UnusableFileError       a training file that cannot be read as JSONL (validate_file)
    │   └── TrainingFileError       a local training file validate_file found invalid (jobs.create)
    ├── WaitTimeoutError            wait() ran out of time; carries the last job seen
    ├── FileProcessingError         an uploaded file the API could not process (files.wait_processed)
    └── APIError                    anything that happened talking to the API
        ├── APIConnectionError      no usable HTTP response (DNS, refused, reset, TLS, too many redirects)
        │   └── APITimeoutError     connect/read/write/pool timeout
        ├── ResponseValidationError not the documented shape (not JSON, HTML, truncated, wrong types)
        │   └── PaginationError     list pages whose cursors repeat (a cycle) or never end
        └── APIStatusError          a 4xx/5xx answer: status_code, request_id, code, message, body
            ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
            ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
            └── RateLimitError 429, InternalServerError 5xx

The request id (``x-request-id``) is part of ``str(error)`` so that it lands in logs and bug reports.
Every text an error holds may come from a server (messages, bodies, request ids, cursors), and a
server or proxy may echo the credential it received: the client passes each error it raises through
:meth:`Error.redact` with its credentials, so that ``str``, ``repr``, attributes and tracebacks
never show one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from ftjobs_generated.views import FileObject

    from ._models import Job
    from ._validate import ValidationReport

_BODY_EXCERPT = 500


class Error(Exception):
    """Base class of every ftjobs exception."""

    def redact(self, redact: Callable[[str], str]) -> Self:
        """This error, with ``redact`` applied to every text it holds: args, attributes (nested
        bodies included, keys and values) and notes. Returns self, for ``raise error.redact(...)``."""
        self.args = tuple(_scrubbed(a, redact) for a in self.args)
        for name, value in vars(self).items():
            if name != "job":  # a Job is the server's data, returned as it came
                setattr(self, name, _scrubbed(value, redact))
        notes = getattr(self, "__notes__", None)
        if isinstance(notes, list):
            notes[:] = [_scrubbed(note, redact) for note in notes]
        return self


def _scrubbed(value: Any, redact: Callable[[str], str]) -> Any:
    """value with redact applied to every string in it (a body too deep to walk is replaced)."""
    try:
        return _walk(value, redact)
    except RecursionError:
        return "<not shown: nested too deeply>"


def _walk(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {_walk(k, redact): _walk(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(v, redact) for v in value)
    return value


class ConfigurationError(Error):
    """The client was configured wrongly, e.g. no API key in the argument or the environment."""


class InvalidArgumentError(Error, ValueError):
    """An argument that cannot make a valid request (checked before anything is sent)."""


class UnusableFileError(InvalidArgumentError):
    """A file :func:`ftjobs.validate_file` cannot validate at all: missing, unreadable, empty, or not
    JSONL (no line of it is JSON). A file with some bad lines is not this: its report lists them."""


class TrainingFileError(InvalidArgumentError):
    """A local file given to ``jobs.create`` that :func:`ftjobs.validate_file` found invalid; nothing
    was uploaded. ``report`` is the :class:`ftjobs.ValidationReport` (every error, with its line)."""

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.report = report


class InvalidJobIdError(InvalidArgumentError):
    """A job id that is empty, too long, or could address another endpoint (``/``, ``..``, controls)."""


class WaitTimeoutError(Error):
    """``wait()`` gave up before the job reached a terminal status; ``job`` is the last one seen."""

    def __init__(self, message: str, job: Job | None) -> None:
        super().__init__(message)
        self.job = job


class FileProcessingError(Error):
    """The API could not process an uploaded file (status ``error``); ``file`` is what it said."""

    def __init__(self, message: str, file: FileObject) -> None:
        super().__init__(message)
        self.file = file


class APIError(Error):
    """A failure while talking to the API. ``request_id`` is the server's, when it sent one."""

    def __init__(self, message: str, *, method: str = "", url: str = "", request_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" [{self.method} {self.url}]" if self.method else ""
        rid = f" (request_id={self.request_id})" if self.request_id else ""
        return f"{self.message}{where}{rid}"


class APIConnectionError(APIError):
    """No usable HTTP response: the connection failed, was reset, or redirects looped."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class ResponseValidationError(APIError):
    """The server answered, but not with the documented shape. ``body`` is an excerpt of what came."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: str = "",
        method: str = "",
        url: str = "",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url, request_id=request_id)
        self.status_code = status_code
        self.body = body[:_BODY_EXCERPT]


class PaginationError(ResponseValidationError):
    """List pages that cannot end: a cursor came back (A -> B -> A), or too many pages in one walk.

    ``cursor`` is the repeated cursor (None when the walk hit its page limit); ``pages`` how many
    pages had been fetched when the walk stopped.
    """

    def __init__(self, message: str, *, cursor: str | None, pages: int, url: str = "") -> None:
        super().__init__(message, method="GET" if url else "", url=url)
        self.cursor = cursor
        self.pages = pages


class APIStatusError(APIError):
    """The API answered with an error status. ``code``/``message`` come from its error object."""

    status_code: int = 0

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        param: str | None = None,
        error_type: str | None = None,
        body: Any = None,
        method: str = "",
        url: str = "",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url, request_id=request_id)
        self.status_code = status_code
        self.code = code
        self.param = param
        self.error_type = error_type
        self.body = body
        #: How many retries came before this answer (0: the first attempt failed this way).
        self.retries = 0

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.status_code}{code}: {super().__str__()}"


class BadRequestError(APIStatusError):
    """400: the request was invalid."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such job (or no such endpoint at this base URL)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the job's current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically within the retry budget."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; retried automatically within the retry budget."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The APIStatusError subclass for an HTTP status."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)
