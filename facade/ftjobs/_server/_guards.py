"""What a request must be before the server acts on it: pure checks on its headers.

* **Framing** (every request, before its body is read): ``Content-Length`` is ASCII digits
  (``+55``, ``5_5``, ``0x37``, ``５５`` are not), and two of them must agree; the headers that
  choose who is calling and what happens (``Host``, the credentials, the fault header, ``Origin``,
  ``Content-Type``) come at most once each, since two proxies or parsers may each read a different
  one. Any of these is a 400, and the connection is closed.
* **Methods**: a method name is an RFC 9110 token, else a 400.
* **The admin API** (``/_ftjobs/``) is reachable from any web page the developer visits, and its
  key is usually the public default, so it refuses what a browser sends for another site: a
  ``Host`` that names neither the listening address nor a loopback name (DNS rebinding: a page of
  ``evil.example`` whose name now resolves to 127.0.0.1), an ``Origin`` other than the server's own
  (``http://`` + the ``Host`` of the request: a cross-site request), and a body that is not
  declared ``application/json`` (what HTML forms send, and ``fetch`` without a preflight).
  The ``Host`` port is not compared (a forwarded port still works); an ``Origin`` must match it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from . import _errors
from ._auth import PORTKEY_KEY, PORTKEY_MODES
from ._faults import HEADER as FAULT_HEADER

#: Headers a request may carry at most once (``Content-Length`` may repeat with the same value).
SINGLE_HEADERS = (
    "host",
    "authorization",
    "api-key",
    PORTKEY_KEY,
    *PORTKEY_MODES,
    FAULT_HEADER,
    "origin",
    "content-type",
)
#: Names that always mean this machine, besides the loopback addresses (127.0.0.0/8, ::1).
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
#: Digits of a ``Content-Length`` read at all: more is far beyond any body limit.
MAX_LENGTH_DIGITS = 12
JSON_TYPE = "application/json"
_DIGITS = re.compile(r"[0-9]+")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_OWS = " \t"


def is_token(method: str) -> bool:
    """Whether ``method`` is an RFC 9110 token (what a method name must be)."""
    return _TOKEN.fullmatch(method) is not None


def content_length(values: Sequence[str]) -> int:
    """The body length the ``Content-Length`` header lines ``values`` declare (0 without one).

    Raises a 400 :class:`~._errors.ApiError` for a value that is not ASCII digits, or two that differ.
    """
    lengths: set[int] = set()
    for value in values:
        text = value.strip(_OWS)
        if _DIGITS.fullmatch(text) is None:
            raise _errors.bad_request(
                "Invalid Content-Length header: it must be a number of bytes (digits only).",
                param="content-length",
            )
        lengths.add(int(text) if len(text.lstrip("0")) <= MAX_LENGTH_DIGITS else 1 << 62)
    if len(lengths) > 1:
        raise _errors.bad_request(
            "Conflicting Content-Length headers: the request has more than one body length.",
            param="content-length",
        )
    return lengths.pop() if lengths else 0


def repeated(counts: Mapping[str, int]) -> _errors.ApiError | None:
    """A 400 for the first of ``SINGLE_HEADERS`` that ``counts`` (lower-case name -> lines) has twice."""
    for name in SINGLE_HEADERS:
        if counts.get(name, 0) > 1:
            return _errors.bad_request(f"The {name} header must appear at most once.", param=name)
    return None


def local_names(addresses: Iterable[str]) -> frozenset[str]:
    """The host names the admin API answers to: these addresses (the configured listening address,
    the address a connection arrived on), in the forms a ``Host`` header spells them."""
    names = set(LOOPBACK_NAMES)
    for address in addresses:
        names.add(_host_name(address))
    return frozenset(names)


def _host_name(host: str) -> str:
    """A host as compared: lower case, without IPv6 brackets or an IPv6 zone."""
    return host.strip().lower().removeprefix("[").removesuffix("]").partition("%")[0]


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``(name, port)`` of a ``Host`` value (``name[:port]``, ``[v6][:port]``), or ``None``."""
    try:
        parts = urlsplit("http://" + value.strip(_OWS))
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name or parts.path or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return _host_name(name), port


def _is_local(name: str, names: frozenset[str]) -> bool:
    if name in names:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def admin_refusal(
    headers: Mapping[str, str], names: frozenset[str], *, has_body: bool
) -> _errors.ApiError | None:
    """Why the admin API refuses a request with these (lower-case, single) headers, or ``None``.

    ``names`` is :func:`local_names`; ``has_body`` whether the request carries body bytes.
    """
    host = headers.get("host")
    where = _split_host(host) if host is not None else None
    if where is None or not _is_local(where[0], names):
        return _errors.ApiError(
            403,
            "The admin API answers only requests whose Host header names this server's listening"
            " address or a loopback name (localhost, 127.0.0.1, [::1]).",
            param="host",
        )
    origin = headers.get("origin")
    if origin is not None and not _same_origin(origin, where):
        return _errors.ApiError(
            403,
            "The admin API refuses requests from another origin (a web page of another site):"
            " the Origin header must be this server's own.",
            param="origin",
        )
    content_type = headers.get("content-type")
    media = None if content_type is None else content_type.partition(";")[0].strip(_OWS).lower()
    if (media is not None and media != JSON_TYPE) or (media is None and has_body):
        return _errors.ApiError(
            415,
            f"The admin API takes JSON bodies only: send Content-Type: {JSON_TYPE}.",
            param="content-type",
        )
    return None


def _same_origin(origin: str, host: tuple[str, int | None]) -> bool:
    """Whether ``origin`` is ``http://`` + the request's own host and port (80 when absent)."""
    try:
        parts = urlsplit(origin.strip(_OWS))
        name, port = parts.hostname, parts.port
    except ValueError:
        return False
    if parts.scheme != "http" or not name or parts.path or parts.query or parts.username:
        return False
    return _host_name(name) == host[0] and (port or 80) == (host[1] or 80)
