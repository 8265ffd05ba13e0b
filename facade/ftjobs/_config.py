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
- ``base_url`` (with the provider's other checks in ``_providers``; a host IDNA refuses too);
- ``verify``: True/False, a CA bundle path or an ``ssl.SSLContext``;
- what the HTTP client ftjobs builds takes from the environment (httpx2's ``trust_env``), read by
  httpx2 only when that client is created, at the first call: the proxies (``HTTP_PROXY``,
  ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, lower case first, as ``urllib`` reads them) and, with
  ``verify=True``, ``SSL_CERT_FILE``/``SSL_CERT_DIR``. A client given ``http_client=`` uses that
  client's own settings, resolved when it was built: the environment is not read again. Should
  httpx2 still fail to build the client at the first call, that call raises ConfigurationError.

Per-call ``timeout=``/``max_retries=`` go through the same checks with InvalidArgumentError.
"""

from __future__ import annotations

import math
import os
import re
import ssl
import threading
import weakref
from collections.abc import Callable, Collection, Mapping
from typing import Any

import httpx2

from ._errors import ConfigurationError, Error, InvalidArgumentError
from ._providers import CREDENTIAL_HEADERS, CREDENTIAL_NAME, check_header_values, host_problem
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


#: How much of an SSL_CERT_FILE is searched for a PEM certificate (bundles are ~200 KB), by steps.
CA_FILE_SCAN = 8 * 1024 * 1024
CA_FILE_STEP = 16 * 1024
#: What begins a PEM certificate (or a CRL) in a CA bundle; OpenSSL reads nothing else from it.
_PEM_MARKERS = (
    b"-----BEGIN CERTIFICATE-----",
    b"-----BEGIN TRUSTED CERTIFICATE-----",
    b"-----BEGIN X509 CRL-----",
)
#: c_rehash names (``5ed36f99.0``): the only files OpenSSL looks up in a CA directory.
_HASHED_CERT = re.compile(r"[0-9a-fA-F]{8}\.\d+")
#: The proxies httpx2 takes from the environment, by urllib's scheme name (``https`` is HTTPS_PROXY).
_PROXY_SCHEMES = ("http", "https", "all")
#: The ``user:password@`` of ``scheme://user:password@host``, to its last ``@``: hidden in every
#: message (a proxy password is a credential; it may hold spaces, ``/`` or ``@``).
_USERINFO = re.compile(r"(?<=://).*@")


def tls_setting(verify: bool | str | ssl.SSLContext, *, environment: bool) -> bool | ssl.SSLContext:
    """httpx2's ``verify`` for the client: a CA bundle path becomes an SSLContext (httpx2 deprecates
    paths), loaded now. With ``verify=True`` and ``environment`` (ftjobs builds the HTTP client, which
    trusts the environment), what httpcore2 will load at the first call is checked now, cheaply
    (loading a CA bundle takes tens of milliseconds: not on every ``Client()``): ``SSL_CERT_FILE``
    a readable file holding PEM certificates, else ``SSL_CERT_DIR`` a directory holding certificates
    under OpenSSL's hashed names. Empty values are unset, as in httpcore2."""
    if isinstance(verify, str):
        try:
            return ssl.create_default_context(cafile=verify)
        except OSError as exc:  # ssl.SSLError included: a file that holds no certificate
            raise ConfigurationError(f"verify={verify!r}: cannot load CA certificates: {exc}") from None
    if verify is not True or not environment:
        return verify
    cafile = os.environ.get("SSL_CERT_FILE")
    if cafile:
        _check_ca_file(cafile)
        return verify  # httpcore2 then ignores SSL_CERT_DIR
    capath = os.environ.get("SSL_CERT_DIR")
    if capath:
        _check_ca_dir(capath)
    return verify


def _check_ca_file(cafile: str) -> None:
    shown = f"SSL_CERT_FILE={cafile!r}"
    seen = b""
    try:
        with open(cafile, "rb") as bundle:  # read until the first certificate: a bundle opens with one
            for _ in range(CA_FILE_SCAN // CA_FILE_STEP):
                piece = bundle.read(CA_FILE_STEP)
                seen = seen[-64:] + piece  # a marker across two pieces is still seen
                if not piece or any(marker in seen for marker in _PEM_MARKERS):
                    break
    except OSError as exc:
        raise ConfigurationError(f"{shown}: cannot read the CA bundle ({exc.strerror or exc})") from None
    if not any(marker in seen for marker in _PEM_MARKERS):
        raise ConfigurationError(
            f"{shown}: the file holds no PEM certificate (-----BEGIN CERTIFICATE-----), so no server"
            " could be verified"
        )


def _check_ca_dir(capath: str) -> None:
    shown = f"SSL_CERT_DIR={capath!r}"
    try:
        names = os.listdir(capath)
    except OSError as exc:
        raise ConfigurationError(f"{shown}: not a readable directory ({exc.strerror or exc})") from None
    if not any(_HASHED_CERT.fullmatch(name) for name in names):
        raise ConfigurationError(
            f"{shown}: the directory holds no CA certificates under hashed names (5ed36f99.0, made"
            " by `openssl rehash`), so no server could be verified"
        )


class DeferredTrust:
    """``verify=True`` for the HTTP client ftjobs builds, with the trust store loaded at the first
    https request rather than when the client is built: loading the system's CA bundle is a fifth
    of a first call's time, and a client that only ever talks ``http://`` (a local gateway, the
    local server) never needs it.

    The client is built with :attr:`placeholder`, an ``ssl.SSLContext`` that verifies certificates
    and host names and trusts no certificate at all: a handshake made with it fails, so a request
    that somehow skipped :func:`trust_for_https` fails closed, never unverified. :meth:`load`
    builds the context httpx2 would have built (``httpx2.create_ssl_context(verify=True)``, the
    environment's ``SSL_CERT_FILE``/``SSL_CERT_DIR`` included) and puts it in every connection pool
    of the client in place of the placeholder (``pool._ssl_context``, which the pool hands to each
    connection it creates: pinned in tests/reliability/test_dependency_internals.py).
    """

    __slots__ = ("_lock", "placeholder")

    def __init__(self) -> None:
        self.placeholder = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
        self._lock = threading.Lock()

    def build(self, cls: Callable[..., Any], **kwargs: Any) -> Any:
        """An httpx2 client of cls, its pools on the placeholder until the first https request."""
        client = cls(verify=self.placeholder, **kwargs)
        _PENDING_TRUST[client] = self
        return client

    def load(self, client: Any) -> None:
        """The real context in every pool of client (once; racing threads wait for the first)."""
        with self._lock:
            if _PENDING_TRUST.get(client) is not self:
                return
            try:
                real = httpx2.create_ssl_context(verify=True, trust_env=client.trust_env)
            except Exception as exc:  # the environment's CA settings changed since Client(): a setting
                raise own_client_error(exc) from None
            for transport in (client._transport, *client._mounts.values()):
                pool = getattr(transport, "_pool", None)
                if getattr(pool, "_ssl_context", None) is self.placeholder:
                    pool._ssl_context = real  # type: ignore[union-attr]
            del _PENDING_TRUST[client]


#: The clients ftjobs built whose trust store is not loaded yet.
_PENDING_TRUST: weakref.WeakKeyDictionary[Any, DeferredTrust] = weakref.WeakKeyDictionary()


def _fresh_trust_locks() -> None:
    """In a forked child: a lock another thread of the parent held is never released there."""
    for deferred in list(_PENDING_TRUST.values()):
        deferred._lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # pragma: no branch (POSIX)
    os.register_at_fork(after_in_child=_fresh_trust_locks)


def trust_for_https(client: Any) -> None:
    """Before a request to an https origin on client: its trust store, if ftjobs deferred it."""
    if _PENDING_TRUST:
        deferred = _PENDING_TRUST.get(client)
        if deferred is not None:
            deferred.load(client)


def own_client_error(exc: Exception) -> ConfigurationError:
    """The error when httpx2 cannot build ftjobs' own HTTP client at the first call, from an
    environment the checks at construction let through (a damaged certificate in a bundle)."""
    return ConfigurationError(
        "the HTTP client cannot be built from this environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY,"
        f" NO_PROXY, SSL_CERT_FILE, SSL_CERT_DIR): {type(exc).__name__}: {_hidden(str(exc))}"
    )


def check_proxy_environment() -> None:
    """The proxies httpx2 will take from the environment for the client ftjobs builds, checked now:
    each a proxy URL httpx2 accepts (http, https, socks5 or socks5h, a valid host), a port from 1
    to 65535, a host IDNA accepts, ``socksio`` installed for a SOCKS proxy; then httpx2 itself
    builds a client from the same environment (``NO_PROXY`` patterns included), without loading
    certificates. Nothing to do, and no cost, without proxy variables; ``NO_PROXY=*`` turns every
    proxy off, as in httpx2. ConfigurationError names the variable; a proxy password never shows."""
    if not any(name[-6:].lower() == "_proxy" for name in os.environ):
        return  # the usual case, in a tenth of getproxies()'s time (it decodes every variable twice)
    from urllib.request import getproxies  # what httpx2 reads (already imported by httpx2)

    proxies = getproxies()
    if not proxies:
        return
    no_proxy = proxies.get("no", "")
    if "*" in (host.strip() for host in no_proxy.split(",")):
        return
    names = []
    for scheme in _PROXY_SCHEMES:
        value = proxies.get(scheme)
        if value:
            name = _proxy_variable(scheme, value)
            _check_proxy(name, value)
            names.append(name)
    if not names and not no_proxy:
        return
    if no_proxy:
        names.append(_proxy_variable("no", no_proxy))
    try:
        httpx2.Client(verify=False).close()
    except Exception as exc:  # whatever httpx2 raises for this environment, it would raise at the first call
        raise ConfigurationError(
            f"the proxy environment ({', '.join(names)}) is refused by httpx2:"
            f" {_hidden(str(exc), *(proxies.get(scheme, '') for scheme in _PROXY_SCHEMES))}"
        ) from None


def _check_proxy(name: str, value: str) -> None:
    """One proxy URL from the environment variable name, as httpx2 reads it (no scheme: http)."""
    shown = f"{name}={_hidden(value)!r}"
    url = value if "://" in value else f"http://{value}"
    try:
        proxy = httpx2.Proxy(url)
    except (httpx2.InvalidURL, ValueError, UnicodeError) as exc:
        raise ConfigurationError(f"{shown} is not a usable proxy URL: {_hidden(str(exc), value)}") from None
    port = proxy.url.port
    if not proxy.url.raw_host:
        problem: str | None = "no host"
    elif port is not None and not 0 < port < 65536:
        problem = f"port {port} is not between 1 and 65535"
    else:
        problem = host_problem(proxy.url.raw_host)
    if problem:
        raise ConfigurationError(f"{shown} is not a usable proxy URL: {problem}")
    if proxy.url.scheme in ("socks5", "socks5h"):
        import importlib.util

        if importlib.util.find_spec("socksio") is None:
            raise ConfigurationError(
                f"{shown}: a SOCKS proxy needs the socksio package (pip install 'httpx2[socks]'),"
                " which is not installed"
            )


def _proxy_variable(scheme: str, value: str) -> str:
    """The environment variable urllib took value from for scheme (lower case wins, as in urllib)."""
    lower = f"{scheme}_proxy"
    if os.environ.get(lower) == value:
        return lower
    for name, found in os.environ.items():
        if name.lower() == lower and found == value:
            return name
    return f"the system's {scheme} proxy setting"


def _hidden(text: str, *urls: str) -> str:
    """text with the ``user:password@`` of any URL in it replaced by ``***@``, and the user
    information of each of urls wherever it appears."""
    for url in urls:
        userinfo = url.partition("://")[2].rpartition("@")[0]
        if len(userinfo) > 2:  # not a lone letter: every one in the message would be starred
            text = text.replace(userinfo, "***")
    return _USERINFO.sub("***@", text)
