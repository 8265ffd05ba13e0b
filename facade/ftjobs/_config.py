"""Client settings, checked when the client is built: a bad value is a ConfigurationError naming the
option, never a TypeError or ValueError from the first request, hours later.

- unknown options (``timout=``) and options of the wrong type (``api_key=b"..."``);
- ``timeout``: seconds (> 0, finite, not bool) or an ``httpx2.Timeout`` whose parts are such
  seconds or None; ``None`` turns the limit off, as in httpx2;
- ``max_retries``: an int from 0 to ``MAX_RETRIES_LIMIT``; ``retry``: a RetryPolicy (checked
  by its own constructor) or None;
- ``max_response_bytes``: a positive int;
- ``default_headers``: names that are HTTP tokens, values that are printable ASCII, no name the
  engine must own (``Host``, ``Content-Length``, ``Transfer-Encoding``, connection headers);
- ``base_url`` (with the provider's other checks in ``_providers``);
- ``verify``: True/False, a CA bundle path or an ``ssl.SSLContext``.

Per-call ``timeout=``/``max_retries=`` go through the same checks with InvalidArgumentError.
"""

from __future__ import annotations

import math
import re
import ssl
from collections.abc import Collection, Mapping
from typing import Any

import httpx2

from ._errors import ConfigurationError, Error, InvalidArgumentError
from ._providers import CREDENTIAL_HEADERS, CREDENTIAL_NAME, check_header_values
from ._retry import RetryPolicy, check_max_retries

#: Options whose value is a string (or None).
STRING_OPTIONS = (
    "api_key",
    "base_url",
    "provider",
    "organization",
    "project",
    "virtual_key",
    "portkey_provider",
    "provider_api_key",
    "config",
    "custom_host",
    "api_version",
)
#: RFC 9110 token: what a header name may be made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: Headers the engine writes itself (framing, connection management): a default cannot replace them.
ENGINE_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
    }
)


def check_options(options: Mapping[str, Any], known: Collection[str]) -> None:
    """Unknown option names (with a suggestion) and string options of another type."""
    for name in options:
        if name not in known:
            import difflib  # only for the error message: not on every import

            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigurationError(f"unknown option {name!r}{hint}")
    for name in STRING_OPTIONS:
        value = options.get(name)
        if value is not None and not isinstance(value, str):
            shown = "a credential" if "key" in name else repr(value)[:60]
            raise ConfigurationError(f"{name} must be a string, got {type(value).__name__} ({shown})")


def _seconds(value: object, name: str, error: type[Error]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise error(
            f"{name} must be a positive, finite number of seconds (or None for no limit), got {value!r}"
        )
    return float(value)


_TIMEOUT_PARTS = ("connect", "read", "write", "pool")


def timeout_setting(
    value: object, name: str = "timeout", error: type[Error] = ConfigurationError
) -> httpx2.Timeout:
    """value as an httpx2.Timeout: seconds, None, or a timeout object whose every part is checked: an
    httpx2.Timeout, or any object with the same four fields (``connect``, ``read``, ``write``,
    ``pool``), such as the ``httpx.Timeout`` code written for the openai SDK passes."""
    if isinstance(value, httpx2.Timeout):
        for part in _TIMEOUT_PARTS:
            _seconds(getattr(value, part), f"{name}.{part}", error)
        return value
    if value is None or isinstance(value, int | float | str | bytes):  # seconds, or not a timeout at all
        return httpx2.Timeout(_seconds(value, name, error))
    if all(hasattr(value, part) for part in _TIMEOUT_PARTS):
        parts = {part: _seconds(getattr(value, part), f"{name}.{part}", error) for part in _TIMEOUT_PARTS}
        return httpx2.Timeout(**parts)
    raise error(
        f"{name} must be seconds (a number), None, or an httpx2.Timeout (or an object with its four "
        f"fields connect, read, write and pool, such as httpx.Timeout), got {type(value).__name__}: "
        f"{value!r}"
    )


def call_timeout(value: object) -> float | httpx2.Timeout | None:
    """A per-call ``timeout=``: same rules, InvalidArgumentError (None means the client's). Seconds
    stay seconds; a timeout object becomes the httpx2.Timeout with its four parts."""
    if value is None:
        return None
    checked = timeout_setting(value, "timeout", InvalidArgumentError)
    return value if isinstance(value, int | float) else checked


def call_max_retries(value: object) -> None:
    """A per-call ``max_retries=``: same rules, InvalidArgumentError (None means the client's)."""
    if value is not None:
        check_max_retries(value, "max_retries", InvalidArgumentError)


def retry_setting(retry: object, max_retries: object) -> RetryPolicy:
    """The client's policy: ``retry=`` (a RetryPolicy) or one built from ``max_retries``."""
    if retry is not None:
        if not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be an ftjobs.RetryPolicy, got {type(retry).__name__}")
        if max_retries is not None:
            raise ConfigurationError("pass max_retries=... or retry=RetryPolicy(max_retries=...), not both")
        return retry
    if max_retries is None:
        return RetryPolicy()
    return RetryPolicy(max_retries=check_max_retries(max_retries))


def response_cap(value: object) -> int:
    """``max_response_bytes``: a positive int."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_response_bytes must be a positive integer, got {value!r}")
    return value


def headers_setting(
    value: object, name: str = "default_headers", error: type[Error] = ConfigurationError
) -> dict[str, str]:
    """``default_headers`` (or a per-call ``extra_headers``): a mapping of sendable names to values."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise error(f"{name} must be a mapping, got {type(value).__name__}")
    headers: dict[str, str] = {}
    seen: set[str] = set()
    for key, header in value.items():
        if not isinstance(key, str) or not _TOKEN.fullmatch(key):
            raise error(f"{name}: {key!r} is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)")
        if not isinstance(header, str):
            raise error(f"{name}[{key!r}] must be a string, got {type(header).__name__}")
        lowered = key.lower()
        if lowered in ENGINE_HEADERS:
            raise error(f"{name}: {key} is written by the client itself")
        if lowered in seen:
            raise error(f"{name}: {key} is given twice (names ignore case)")
        seen.add(lowered)
        headers[key] = header
    check_header_values(headers, error)
    return headers


def credentials_in(headers: Mapping[str, str]) -> tuple[str, ...]:
    """Values of default headers that carry credentials (by name: ``X-Api-Key``, ``X-Auth-Token``...),
    to be redacted like the provider's own."""
    return tuple(
        value
        for name, value in headers.items()
        if name.lower() in CREDENTIAL_HEADERS or CREDENTIAL_NAME.search(name)
    )


def verify_setting(value: object) -> bool | str | ssl.SSLContext:
    """``verify``: True/False, a CA bundle path or an SSLContext."""
    if isinstance(value, bool | str | ssl.SSLContext):
        return value
    raise ConfigurationError(
        f"verify must be True, False, a CA bundle path or an ssl.SSLContext, got {type(value).__name__}"
    )
