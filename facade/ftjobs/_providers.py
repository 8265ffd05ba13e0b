"""Provider presets: base URL, authentication headers and query parameters for each API host.

Order for every setting: explicit argument, then environment variable, then default constant.
"""

from __future__ import annotations

import functools
import os
import re
import urllib.parse
from collections.abc import Mapping
from typing import Literal

import attrs

from ._constants import AZURE_API_VERSION, OPENAI_BASE_URL, PORTKEY_BASE_URL
from ._errors import ConfigurationError, Error

ProviderName = Literal["openai", "portkey", "azure", "compatible"]
PROVIDERS: tuple[ProviderName, ...] = ("openai", "portkey", "azure", "compatible")

#: Headers whose values are credentials: never logged, never shown, never sent to another origin.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "x-portkey-api-key",
        "x-portkey-virtual-key",
        "x-portkey-config",
        "x-portkey-custom-host",
        "x-portkey-provider",
        "openai-organization",
        "openai-project",
    }
)
#: Of those, the values redacted from everything a response can bring back (errors, logs, CLI):
#: the credentials proper. Provider slugs (``openai``) and organization ids are not hidden, so that a
#: message saying "openai" stays readable.
CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "x-portkey-api-key",
        "x-portkey-virtual-key",
        "x-portkey-config",
        "x-portkey-custom-host",
    }
)
#: A default header whose name says it carries a credential (``X-Api-Key``, ``X-Auth-Token``...).
CREDENTIAL_NAME = re.compile(r"key|token|secret|auth|password|credential|cookie|signature", re.IGNORECASE)
#: Values shorter than this are not redacted (``"***"`` for every ``"k"`` would garble every message);
#: real keys are tens of characters.
MIN_SECRET_LENGTH = 6


@attrs.frozen(repr=False)
class Connection:
    """Where and how to send requests. ``headers`` hold secrets: this class never shows them."""

    provider: ProviderName
    base_url: str
    headers: Mapping[str, str]
    params: Mapping[str, str] = attrs.field(factory=dict)
    #: Credentials sent in other headers (``default_headers`` such as ``X-Api-Key``), redacted too.
    extra_secrets: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Connection(provider={self.provider!r}, base_url={self.base_url!r})"

    @functools.cached_property
    def secrets(self) -> tuple[str, ...]:
        """Every form of every credential to redact, longest first: the header value, the bare
        token of ``Bearer``, and their percent-encoded forms."""
        values = [v for k, v in self.headers.items() if k.lower() in CREDENTIAL_HEADERS]
        found: set[str] = set()
        for value in (*values, *self.extra_secrets):
            for form in (value, value.removeprefix("Bearer ").strip()):
                if len(form) >= MIN_SECRET_LENGTH:
                    found.update((form, urllib.parse.quote(form, safe="")))
        return tuple(sorted(found, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """text with every credential of this connection replaced by ``***``."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return text


def _pick(value: str | None, env: str | None) -> str | None:
    if value is not None:
        return value
    if env is None:
        return None
    return os.environ.get(env) or None


def _require(value: str | None, argument: str, env: str, provider: str) -> str:
    if not value:
        raise ConfigurationError(
            f"no API key for provider {provider!r}: pass {argument}=... or set the {env} environment variable"
        )
    return value


def resolve_connection(
    provider: str = "openai",
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    organization: str | None = None,
    project: str | None = None,
    virtual_key: str | None = None,
    portkey_provider: str | None = None,
    provider_api_key: str | None = None,
    config: str | None = None,
    custom_host: str | None = None,
    api_version: str | None = None,
) -> Connection:
    """Build the connection for a provider preset (see Client for the meaning of each argument)."""
    if provider not in PROVIDERS:
        raise ConfigurationError(f"unknown provider {provider!r}: choose one of {', '.join(PROVIDERS)}")
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    if provider == "openai":
        key = _require(_pick(api_key, "OPENAI_API_KEY"), "api_key", "OPENAI_API_KEY", provider)
        url = _pick(base_url, "OPENAI_BASE_URL") or OPENAI_BASE_URL
        headers["Authorization"] = f"Bearer {key}"
        org = _pick(organization, "OPENAI_ORG_ID")
        proj = _pick(project, "OPENAI_PROJECT_ID")
        if org:
            headers["OpenAI-Organization"] = org
        if proj:
            headers["OpenAI-Project"] = proj
    elif provider == "compatible":
        key = _require(_pick(api_key, "OPENAI_API_KEY"), "api_key", "OPENAI_API_KEY", provider)
        url_or_none = _pick(base_url, "OPENAI_BASE_URL")
        if not url_or_none:
            raise ConfigurationError(
                "provider 'compatible' needs a base URL: pass base_url=... or set OPENAI_BASE_URL"
            )
        url = url_or_none
        headers["Authorization"] = f"Bearer {key}"
    elif provider == "azure":
        key = _require(_pick(api_key, "AZURE_OPENAI_API_KEY"), "api_key", "AZURE_OPENAI_API_KEY", provider)
        endpoint = _pick(base_url, "AZURE_OPENAI_ENDPOINT")
        if not endpoint:
            raise ConfigurationError(
                "provider 'azure' needs the resource endpoint: pass base_url=... "
                "or set AZURE_OPENAI_ENDPOINT (e.g. https://NAME.openai.azure.com)"
            )
        endpoint = endpoint.rstrip("/")
        url = endpoint if endpoint.endswith("/openai") else endpoint + "/openai"
        headers["api-key"] = key
        params["api-version"] = _pick(api_version, "OPENAI_API_VERSION") or AZURE_API_VERSION
    else:
        url, headers = _portkey(
            api_key, base_url, virtual_key, portkey_provider, provider_api_key, config, custom_host
        )
    _check_url(url)
    check_header_values(headers)
    return Connection(provider=provider, base_url=url.rstrip("/"), headers=headers, params=params)


def _portkey(
    api_key: str | None,
    base_url: str | None,
    virtual_key: str | None,
    portkey_provider: str | None,
    provider_api_key: str | None,
    config: str | None,
    custom_host: str | None,
) -> tuple[str, dict[str, str]]:
    """Portkey: x-portkey-api-key plus exactly one of its documented routing modes."""
    key = _require(_pick(api_key, "PORTKEY_API_KEY"), "api_key", "PORTKEY_API_KEY", "portkey")
    url = _pick(base_url, "PORTKEY_BASE_URL") or PORTKEY_BASE_URL
    headers = {"x-portkey-api-key": key}
    explicit_mode = any(v is not None for v in (portkey_provider, config, custom_host))
    vkey = virtual_key if virtual_key is not None or explicit_mode else _pick(None, "PORTKEY_VIRTUAL_KEY")
    modes = [
        name
        for name, given in (
            ("virtual_key", vkey),
            ("portkey_provider", portkey_provider),
            ("config", config),
        )
        if given
    ]
    if len(modes) != 1:
        raise ConfigurationError(
            "provider 'portkey' needs exactly one routing mode: virtual_key=... (or PORTKEY_VIRTUAL_KEY), "
            "portkey_provider=... with provider_api_key=... (optionally custom_host=...), or config=...; "
            f"got {modes or 'none'}"
        )
    if vkey:
        headers["x-portkey-virtual-key"] = vkey
    elif config:
        headers["x-portkey-config"] = config
    else:
        if not provider_api_key:
            raise ConfigurationError(
                "portkey_provider=... needs the provider's own key: pass provider_api_key=..."
            )
        headers["x-portkey-provider"] = str(portkey_provider)
        headers["Authorization"] = f"Bearer {provider_api_key}"
        if custom_host:
            headers["x-portkey-custom-host"] = custom_host
    if custom_host and "x-portkey-custom-host" not in headers:
        raise ConfigurationError("custom_host=... goes with portkey_provider=... and provider_api_key=...")
    return url, headers


def check_header_values(headers: Mapping[str, str], error: type[Error] = ConfigurationError) -> None:
    """Credentials must be sendable as HTTP header values: printable ASCII, no line breaks."""
    for name, value in headers.items():
        if not value.isascii() or not value.isprintable():
            shown = (
                "a credential"
                if name.lower() in SECRET_HEADERS or CREDENTIAL_NAME.search(name)
                else repr(value)
            )
            raise error(
                f"{name}: {shown} contains characters that cannot be sent in an HTTP header "
                "(non-ASCII, control characters or line breaks); check for a copy-paste error"
            )


def _check_url(url: str) -> None:
    """An absolute http(s) URL with a host, a valid port, no credentials, query or fragment."""
    shown = repr(url[:60])
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"base URL must start with http:// or https://, got {shown}")
    if not url.isprintable() or any(c.isspace() for c in url):
        raise ConfigurationError(f"base URL contains spaces or control characters: {shown}")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when not a number from 0 to 65535
        host = parts.hostname
    except ValueError as exc:
        raise ConfigurationError(f"base URL {shown} is not a valid URL: {exc}") from None
    if not host or port == 0:
        raise ConfigurationError(f"base URL {shown} has no host (or port 0)")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            "base URL must not carry credentials (user:password@): they would be shown in errors and logs;"
            " pass api_key=... instead"
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ConfigurationError(f"base URL must not have a query or fragment, got {shown}")
    import httpx2  # the parser the engine uses: an IDNA host it refuses is refused here, not later

    try:
        raw_host = httpx2.URL(url).raw_host
    except (httpx2.InvalidURL, ValueError, UnicodeError) as exc:
        raise ConfigurationError(f"base URL {shown} is not a valid URL: {exc}") from None
    problem = host_problem(raw_host)
    if problem:
        raise ConfigurationError(f"base URL {shown} is not a usable host name: {problem}")


def host_problem(raw_host: bytes) -> str | None:
    """Why the socket layer would refuse raw_host (as httpx2 leaves it: ASCII, non-ASCII names
    already IDNA-encoded), or None. Python's ``idna`` codec, which ``getaddrinfo`` applies to every
    host name, refuses an empty label (``a..b``, ``.example``) and one over 63 characters; a final dot
    (the DNS root: ``example.com.``) is allowed. The same rules, without loading the codec."""
    labels = raw_host.split(b".")
    if any(not label for label in labels[:-1]):
        return "an empty label (two dots in a row, or a leading dot), which IDNA refuses"
    longest = max(len(label) for label in labels)
    if longest > 63:
        return f"a label of {longest} characters, over the 63 IDNA allows"
    return None
