"""Errors the local server answers with, all in the OpenAI error shape.

::

    ApiError(status, message, type, param, code)
     +-- rendered as {"error": {"message", "type", "param", "code"}}

Everything that goes wrong while handling a request is raised as an :class:`ApiError` and
rendered in one place (``_app.App.handle``); an unexpected exception becomes a 500.
"""

from __future__ import annotations

import json
from typing import Any

INVALID_REQUEST = "invalid_request_error"


class ApiError(Exception):
    """An error response: HTTP ``status`` and the body's ``error`` object."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = INVALID_REQUEST,
        param: str | None = None,
        code: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.param = param
        self.code = code
        #: Response headers the error needs (``Allow`` of a 405).
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def encode(self) -> bytes:
        return json.dumps(self.body()).encode()


def missing_key() -> ApiError:
    return ApiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header"
        " using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), an api-key header, or a"
        " x-portkey-api-key header.",
        code="invalid_api_key",
    )


def wrong_key() -> ApiError:
    # Never echo the key, not even masked.
    return ApiError(401, "Incorrect API key provided.", code="invalid_api_key")


def job_not_found(job_id: str) -> ApiError:
    return ApiError(404, f"No such fine-tuning job: {job_id}.", param="fine_tuning_job_id")


def invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


def wrong_method(method: str, path: str, allowed: tuple[str, ...]) -> ApiError:
    """404 ``Invalid URL`` where no route has ``path``; else 405 naming the route's methods in
    ``Allow`` (RFC 9110; OpenAI itself answers such a request with the 404)."""
    if not allowed:
        return invalid_url(method, path)
    listed = ", ".join(allowed)
    return ApiError(
        405, f"Method {method} is not allowed here; allowed: {listed}.", headers=(("Allow", listed),)
    )


def bad_request(message: str, *, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def server_error(message: str = "The server had an error while processing your request.") -> ApiError:
    return ApiError(500, message, type_="server_error")
