"""Per-call request options (``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``,
``max_retries``, ``portkey``) and the request path every resource method goes through.

A resource method takes ``**options: Unpack[RequestOptions]``, builds its :class:`~ftjobs._http.Call`
and hands both to :func:`send` (or :func:`asend`), then turns the JSON into its typed result with
:func:`result`::

    def retrieve(self, job_id: str, **options: Unpack[RequestOptions]) -> Job:
        data, reply, redact = send(self._engine, calls.retrieve(job_id), options)
        return result(Job.from_dict, data, reply, redact)

What the options do, and how they are checked (before anything is sent; a bad value is an
:class:`~ftjobs.InvalidArgumentError` naming the option, as for the other per-call arguments):

- ``extra_headers``: more request headers; a name the client also sends (a default header, a
  credential) is replaced for this call. Names and values are checked like ``default_headers``; the
  framing headers the engine writes (``Host``, ``Content-Length``...) cannot be set. A value under
  a credential-like name (``Authorization``, ``X-Api-Key``, ``*token*``...) is redacted from every
  error and log record of the call, like the client's own key.
- ``extra_query``: more query parameters (str, int, float or bool values; ``True`` is ``true``); a
  name the call already sends (``limit``, ``after``) is replaced.
- ``extra_body``: a JSON object merged over the request body (its keys win); a call without a body
  (a GET, ``cancel``) sends it as its body, as the openai SDK does (for gateways that read one).
- ``timeout``: seconds or an ``httpx2.Timeout`` for each attempt of this call (None: the client's).
- ``max_retries``: retries for this call (None: the client's policy).
- ``portkey``: :class:`PortkeyOptions` (trace id, span, metadata, cache controls) sent as Portkey's
  ``x-portkey-*`` headers; only with ``provider="portkey"``. Per-call keys replace the client's
  (``Client(portkey=...)``) key by key; ``metadata`` is replaced as a whole.

Costs: a call without options pays one dict truthiness test here; options are checked per call.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

import httpx2

from ._errors import ConfigurationError, Error, InvalidArgumentError, ResponseValidationError

if TYPE_CHECKING:
    from ._http import AsyncEngine, Call, Reply, Settings, SyncEngine

T = TypeVar("T")
Redact = Callable[[str], str]
#: What a call brings back: the JSON document, the reply, and the redaction of this call.
Exchange = tuple[Any, "Reply", Redact]

#: A value of ``extra_query``: sent as text (``True``/``False`` as ``true``/``false``).
QueryValue = str | int | float | bool


class PortkeyOptions(TypedDict, total=False):
    """Portkey's per-request features (headers from Portkey's OpenAPI spec), per client or per call.

    - ``trace_id`` -> ``x-portkey-trace-id``: groups requests into one trace in Portkey's logs.
    - ``span_id``, ``span_name``, ``parent_span_id`` -> ``x-portkey-span-id``,
      ``x-portkey-span-name``, ``x-portkey-parent-span-id``: a span under that trace.
    - ``metadata`` -> ``x-portkey-metadata``: string keys and values, sent as one JSON object.
    - ``cache_namespace`` -> ``x-portkey-cache-namespace``: partition of Portkey's cache.
    - ``cache_force_refresh`` -> ``x-portkey-cache-force-refresh``: bypass and refresh the cache.
    """

    trace_id: str
    span_id: str
    span_name: str
    parent_span_id: str
    metadata: Mapping[str, str]
    cache_namespace: str
    cache_force_refresh: bool


#: Each PortkeyOptions key and the header it becomes.
PORTKEY_HEADERS: Mapping[str, str] = {
    "trace_id": "x-portkey-trace-id",
    "span_id": "x-portkey-span-id",
    "span_name": "x-portkey-span-name",
    "parent_span_id": "x-portkey-parent-span-id",
    "metadata": "x-portkey-metadata",
    "cache_namespace": "x-portkey-cache-namespace",
    "cache_force_refresh": "x-portkey-cache-force-refresh",
}


class WaitOptions(TypedDict, total=False):
    """What ``jobs.wait`` accepts besides its own arguments: :class:`RequestOptions` but ``timeout``
    (``wait(timeout=...)`` bounds the whole wait; ``request_timeout=`` is each request's)."""

    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, QueryValue] | None
    extra_body: Mapping[str, Any] | None
    max_retries: int | None
    portkey: PortkeyOptions | None


class RequestOptions(WaitOptions, total=False):
    """The keyword arguments every API method accepts besides its own (see the module docstring)."""

    timeout: float | httpx2.Timeout | None


#: The option names, for checking the keyword arguments a method was given.
OPTION_NAMES: frozenset[str] = RequestOptions.__optional_keys__ | RequestOptions.__required_keys__


def portkey_headers(value: object, where: str, error: type[Error] = InvalidArgumentError) -> dict[str, str]:
    """A PortkeyOptions mapping as the headers it stands for; a bad key or value raises error."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise error(f"{where} must be a mapping (ftjobs.PortkeyOptions), got {type(value).__name__}")
    headers: dict[str, str] = {}
    for key, item in value.items():
        header = PORTKEY_HEADERS.get(key) if isinstance(key, str) else None
        if header is None:
            raise error(f"{where}: unknown key {key!r} (known: {', '.join(PORTKEY_HEADERS)})")
        if key == "cache_force_refresh":
            if not isinstance(item, bool):
                raise error(f"{where}['cache_force_refresh'] must be True or False, got {item!r}"[:200])
            headers[header] = "true" if item else "false"
        elif key == "metadata":
            headers[header] = _metadata(item, where, error)
        else:
            if not isinstance(item, str) or not item:
                raise error(f"{where}[{key!r}] must be a non-empty string, got {type(item).__name__}")
            if not item.isascii() or not item.isprintable():
                raise error(f"{where}[{key!r}]: {item!r} cannot be sent in an HTTP header"[:200])
            headers[header] = item
    return headers


def _metadata(value: object, where: str, error: type[Error]) -> str:
    """Portkey metadata: a JSON object of string keys and values, as one header value (ASCII)."""
    if not isinstance(value, Mapping):
        raise error(f"{where}['metadata'] must be a mapping of strings, got {type(value).__name__}")
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise error(
                f"{where}['metadata'] must map strings to strings, got {type(k).__name__}"
                f" -> {type(v).__name__}"
            )
    # ensure_ascii: every character (controls too) escaped, so the value is always a sendable header
    return json.dumps(dict(value), ensure_ascii=True, separators=(",", ":"))


def _query(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(f"extra_query must be a mapping, got {type(value).__name__}")
    params: list[tuple[str, str]] = []
    for name, item in value.items():
        if not isinstance(name, str) or not name:
            raise InvalidArgumentError(f"extra_query: {name!r} is not a parameter name"[:200])
        if isinstance(item, bool):
            text = "true" if item else "false"
        elif isinstance(item, str):
            text = item
        elif isinstance(item, int) or (isinstance(item, float) and math.isfinite(item)):
            text = str(item)
        else:
            raise InvalidArgumentError(
                f"extra_query[{name!r}] must be a string, int, finite float or bool, got {item!r}"[:200]
            )
        params.append((name, text))
    return tuple(params)


def _body(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            f"extra_body must be a mapping (a JSON object), got {type(value).__name__}"
        )
    body = dict(value)
    if not all(isinstance(k, str) for k in body):
        raise InvalidArgumentError("extra_body: keys must be strings (a JSON object)")
    try:
        json.dumps(body, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(f"extra_body is not JSON data: {exc}"[:200]) from None
    return body


class Prepared:
    """A call with its options applied: what to send, the limits of this call, how to redact."""

    __slots__ = ("call", "max_retries", "redact", "timeout")

    def __init__(
        self, call: Call, timeout: float | httpx2.Timeout | None, max_retries: int | None, redact: Redact
    ) -> None:
        self.call = call
        self.timeout = timeout
        self.max_retries = max_retries
        self.redact = redact


def check_names(options: Mapping[str, Any], error: type[Error] = InvalidArgumentError) -> None:
    """Unknown option names (``timout=``): error naming the option, with a suggestion."""
    for name in options:
        if name not in OPTION_NAMES:
            import difflib

            close = difflib.get_close_matches(name, sorted(OPTION_NAMES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise error(f"unexpected keyword argument {name!r}{hint}")


def check_create_names(params: Mapping[str, Any]) -> None:
    """``jobs.create``'s keyword arguments (``suffx=``): InvalidArgumentError before anything is sent,
    with a suggestion. The known names are CreateParams' keys: the request's fields (the TypedDict of
    ftjobs._params, which follows the spec) and the per-call options; ``extra_body`` carries a field
    the spec does not know yet."""
    from ._params import CreateParams  # loads the generated TypedDicts: with the first create only

    known = CreateParams.__required_keys__ | CreateParams.__optional_keys__
    for name in params:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InvalidArgumentError(
                f"unexpected keyword argument {name!r}{hint} "
                f"(a field the spec does not know goes in extra_body={{{name!r}: ...}})"
            )


def prepare(call: Call, options: Mapping[str, Any], settings: Settings) -> Prepared:
    """call with options applied, after checking each one (InvalidArgumentError naming it)."""
    from ._config import call_max_retries, call_timeout, credentials_in, headers_setting

    if not options:
        return Prepared(call, None, None, settings.redact)
    check_names(options)
    timeout = call_timeout(options.get("timeout"))  # an httpx.Timeout-like object: its httpx2.Timeout
    max_retries = options.get("max_retries")
    call_max_retries(max_retries)
    headers = headers_setting(options.get("extra_headers"), "extra_headers", InvalidArgumentError)
    portkey = options.get("portkey")
    if portkey is not None:
        if settings.connection.provider != "portkey":
            provider = settings.connection.provider
            raise InvalidArgumentError(
                f"portkey options apply to provider='portkey' (this client: {provider!r})"
            )
        headers = {**portkey_headers(portkey, "portkey"), **headers}
    redact = settings.redact
    secrets = credentials_in(headers)
    if secrets:
        import attrs

        from ._secrets import guard

        connection = attrs.evolve(
            settings.connection, extra_secrets=settings.connection.extra_secrets + secrets
        )
        guard(connection)  # the HTTP stack's DEBUG records of this call: for as long as it lives
        redact = connection.redact
    params = call.params
    extra_query = options.get("extra_query")
    if extra_query is not None:
        query = _query(extra_query)
        replaced = {name for name, _ in query}
        params = tuple(p for p in params if p[0] not in replaced) + query
    body = call.json_body
    extra_body = options.get("extra_body")
    if extra_body is not None:
        if call.content is not None:
            raise InvalidArgumentError("extra_body does not apply to a file upload (its body is a form)")
        extra = _body(extra_body)
        body = {**(body if isinstance(body, Mapping) else {}), **extra}
    if headers or params is not call.params or body is not call.json_body:
        import attrs

        call = attrs.evolve(call, params=params, json_body=body, headers=tuple(headers.items()))
    return Prepared(call, timeout, max_retries, redact)


def send(engine: SyncEngine, call: Call, options: Mapping[str, Any]) -> Exchange:
    """Send call with options; return (JSON document, reply, the redaction of this call).

    Every ftjobs error raised is redacted with the client's credentials and this call's."""
    prepared = prepare(call, options, engine.settings)
    try:
        data, reply = engine.request(
            prepared.call, timeout=prepared.timeout, max_retries=prepared.max_retries, redact=prepared.redact
        )
    except Error as exc:  # server text in it may echo a credential
        exc.redact(prepared.redact)
        raise
    return data, reply, prepared.redact


async def asend(engine: AsyncEngine, call: Call, options: Mapping[str, Any]) -> Exchange:
    """The async twin of :func:`send`."""
    prepared = prepare(call, options, engine.settings)
    try:
        data, reply = await engine.request(
            prepared.call, timeout=prepared.timeout, max_retries=prepared.max_retries, redact=prepared.redact
        )
    except Error as exc:
        exc.redact(prepared.redact)
        raise
    return data, reply, prepared.redact


def result(parser: Callable[[Any], T], data: Any, reply: Reply, redact: Redact) -> T:
    """parser(data), stamped with the reply's request id; a ResponseValidationError from the parser
    is located (method, URL, status, request id) and redacted."""
    from ._http import locate

    try:
        value = parser(data)
    except ResponseValidationError as exc:
        raise locate(exc, reply).redact(redact) from exc.__cause__
    stamp(value, reply.headers.get("x-request-id"))
    return value


def stamp(value: object, request_id: str | None) -> None:
    """Set the ``request_id`` slot of a typed result, and of a page's items (a result class
    without that slot is left as it is)."""
    if request_id is None:
        return
    try:
        object.__setattr__(value, "request_id", request_id)
        from ._models import BasePage

        if isinstance(value, BasePage):
            for item in value.items:
                object.__setattr__(item, "request_id", request_id)
    except AttributeError:
        pass


class RawResponse(Generic[T]):
    """A response as received, from ``client.jobs.with_raw_response.<method>(...)`` (and the
    ``with_raw_response`` of ``client.checkpoints.permissions`` and ``client.graders``).

    ``status_code``, ``headers`` (lower-case names; repeated headers joined with ``", "``),
    ``request_id`` (``x-request-id``, or None), ``method`` and ``url``; :meth:`parse` returns the
    typed result the plain method returns (parsed on first call, then kept).
    """

    __slots__ = ("_data", "_parsed", "_parser", "_redact", "_reply")

    def __init__(self, data: Any, reply: Reply, parser: Callable[[Any], T], redact: Redact) -> None:
        self._data = data
        self._reply = reply
        self._parser = parser
        self._redact = redact
        self._parsed: list[T] = []

    @property
    def status_code(self) -> int:
        return self._reply.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._reply.headers

    @property
    def request_id(self) -> str | None:
        return self._reply.headers.get("x-request-id")

    @property
    def method(self) -> str:
        return self._reply.method

    @property
    def url(self) -> str:
        """The URL that answered (query included; credentials are never in a URL)."""
        return self._reply.url

    @property
    def json(self) -> Any:
        """The decoded JSON document, as received."""
        return self._data

    def parse(self) -> T:
        """The typed result (``Job``, ``Page[Job]``...); ResponseValidationError if it is not one."""
        if not self._parsed:
            self._parsed.append(result(self._parser, self._data, self._reply, self._redact))
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<RawResponse {self._reply.status_code} {self._reply.method} {self._redact(self._reply.url)}>"


def check_client_portkey(value: object, provider: str) -> dict[str, str]:
    """``Client(portkey=...)``: the headers it stands for; ConfigurationError for a bad one."""
    if value is None:
        return {}
    if provider != "portkey":
        raise ConfigurationError(f"portkey=... applies to provider='portkey' (got provider={provider!r})")
    return portkey_headers(value, "portkey", ConfigurationError)
