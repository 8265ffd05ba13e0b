"""Provider presets: the headers, base URL and parameters each one sends; precedence; errors."""

from __future__ import annotations

import re

import httpx2
import pytest

import ftjobs
from ftjobs import ConfigurationError

from .helpers import Recorder, job_json, make_client


def _sent(**kwargs: object) -> httpx2.Request:
    recorder = Recorder(lambda request: httpx2.Response(200, json=job_json()))
    kwargs.setdefault("base_url", None)
    client = make_client(recorder, **kwargs)
    client.jobs.retrieve("ftjob-abc123")
    return recorder.requests[0]


def test_openai_bearer_and_default_url() -> None:
    """OpenAI: Authorization: Bearer, api.openai.com/v1, no Portkey headers."""
    request = _sent(api_key="sk-1")
    assert str(request.url) == "https://api.openai.com/v1/fine_tuning/jobs/ftjob-abc123"
    assert request.headers["authorization"] == "Bearer sk-1"
    assert not any(k.startswith("x-portkey") for k in request.headers)


def test_openai_org_and_project() -> None:
    """OpenAI-Organization and OpenAI-Project are sent when given."""
    request = _sent(api_key="sk-1", organization="org-9", project="proj-7")
    assert request.headers["openai-organization"] == "org-9"
    assert request.headers["openai-project"] == "proj-7"


def test_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID are read when no argument is."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gateway.test/v9")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    request = _sent(api_key=None)
    assert request.headers["authorization"] == "Bearer sk-env"
    assert str(request.url).startswith("http://gateway.test/v9/fine_tuning/jobs/")
    assert request.headers["openai-organization"] == "org-env"
    assert request.headers["openai-project"] == "proj-env"


def test_argument_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An explicit argument wins over the environment variable."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env.test/v1")
    request = _sent(api_key="sk-arg", base_url="http://arg.test/v1")
    assert request.headers["authorization"] == "Bearer sk-arg"
    assert request.url.host == "arg.test"


def test_portkey_virtual_key() -> None:
    """Portkey virtual-key mode: x-portkey-api-key + x-portkey-virtual-key to api.portkey.ai/v1."""
    request = _sent(provider="portkey", api_key="pk-1", virtual_key="vk-1")
    assert str(request.url) == "https://api.portkey.ai/v1/fine_tuning/jobs/ftjob-abc123"
    assert request.headers["x-portkey-api-key"] == "pk-1"
    assert request.headers["x-portkey-virtual-key"] == "vk-1"
    assert "authorization" not in request.headers


def test_portkey_provider_mode() -> None:
    """Portkey provider mode: x-portkey-provider + Authorization with the provider's key."""
    request = _sent(provider="portkey", api_key="pk-1", portkey_provider="openai", provider_api_key="sk-p")
    assert request.headers["x-portkey-provider"] == "openai"
    assert request.headers["authorization"] == "Bearer sk-p"
    assert "x-portkey-virtual-key" not in request.headers


def test_portkey_config_mode() -> None:
    """Portkey config mode: x-portkey-config."""
    request = _sent(provider="portkey", api_key="pk-1", config="pc-abc")
    assert request.headers["x-portkey-config"] == "pc-abc"


def test_portkey_custom_host_mode() -> None:
    """Portkey custom host: provider + key + x-portkey-custom-host."""
    request = _sent(
        provider="portkey",
        api_key="pk-1",
        portkey_provider="openai",
        provider_api_key="sk-p",
        custom_host="http://my-llm.internal/v1",
    )
    assert request.headers["x-portkey-custom-host"] == "http://my-llm.internal/v1"
    assert request.headers["x-portkey-provider"] == "openai"


def test_portkey_env_and_self_hosted(monkeypatch: pytest.MonkeyPatch) -> None:
    """PORTKEY_API_KEY, PORTKEY_VIRTUAL_KEY and PORTKEY_BASE_URL (self-hosted gateway) are honoured."""
    monkeypatch.setenv("PORTKEY_API_KEY", "pk-env")
    monkeypatch.setenv("PORTKEY_VIRTUAL_KEY", "vk-env")
    monkeypatch.setenv("PORTKEY_BASE_URL", "http://127.0.0.1:8787/v1")
    request = _sent(provider="portkey", api_key=None)
    assert str(request.url).startswith("http://127.0.0.1:8787/v1/fine_tuning/jobs/")
    assert request.headers["x-portkey-api-key"] == "pk-env"
    assert request.headers["x-portkey-virtual-key"] == "vk-env"


def test_portkey_explicit_mode_ignores_env_virtual_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """With config= given, an ambient PORTKEY_VIRTUAL_KEY does not make the modes ambiguous."""
    monkeypatch.setenv("PORTKEY_VIRTUAL_KEY", "vk-env")
    request = _sent(provider="portkey", api_key="pk", config="pc-1")
    assert "x-portkey-virtual-key" not in request.headers


def test_azure() -> None:
    """Azure: api-key header, /openai base, api-version query parameter."""
    request = _sent(provider="azure", api_key="az-1", base_url="https://res.openai.azure.com")
    assert request.url.path == "/openai/fine_tuning/jobs/ftjob-abc123"
    assert request.url.params["api-version"] == "2024-10-21"
    assert request.headers["api-key"] == "az-1"
    assert "authorization" not in request.headers


def test_compatible_base_url() -> None:
    """Any OpenAI-compatible base URL with a bearer key."""
    request = _sent(provider="compatible", api_key="k", base_url="http://localhost:8000/v1/")
    assert str(request.url) == "http://localhost:8000/v1/fine_tuning/jobs/ftjob-abc123"
    assert request.headers["authorization"] == "Bearer k"


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "OPENAI_API_KEY"),
        ({"provider": "portkey", "virtual_key": "vk"}, "PORTKEY_API_KEY"),
        ({"provider": "azure", "base_url": "https://x.openai.azure.com"}, "AZURE_OPENAI_API_KEY"),
        ({"provider": "portkey", "api_key": "pk"}, "exactly one routing mode"),
        (
            {"provider": "portkey", "api_key": "pk", "virtual_key": "v", "config": "c"},
            "exactly one routing mode",
        ),
        ({"provider": "portkey", "api_key": "pk", "portkey_provider": "openai"}, "provider_api_key"),
        ({"provider": "compatible", "api_key": "k"}, "OPENAI_BASE_URL"),
        ({"provider": "azure", "api_key": "k"}, "AZURE_OPENAI_ENDPOINT"),
        ({"provider": "bedrock", "api_key": "k"}, "unknown provider"),
        ({"api_key": "k", "base_url": "ftp://x"}, "http://"),
    ],
)
def test_configuration_errors(kwargs: dict[str, object], needle: str) -> None:
    """Missing or contradictory settings give one clear ConfigurationError naming what to set."""
    with pytest.raises(ConfigurationError, match=needle):
        ftjobs.Client(**kwargs)  # type: ignore[arg-type]


def test_repr_shows_provider_and_url_only() -> None:
    """repr(client) names provider and base URL, never a key."""
    client = ftjobs.Client(provider="portkey", api_key="pk-SECRET", virtual_key="vk-SECRET")
    assert repr(client) == "Client(provider='portkey', base_url='https://api.portkey.ai/v1')"
    assert "SECRET" not in repr(client._settings)
    assert "SECRET" not in repr(client._settings.connection)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_key": "sk-caf\u00e9"},
        {"api_key": "sk-line\nbreak"},
        {"provider": "portkey", "api_key": "pk", "virtual_key": "vk-\u2603"},
        {"api_key": "sk-ok", "default_headers": {"X-Team": "caf\u00e9"}},
    ],
)
def test_unsendable_header_values_are_configuration_errors(kwargs: dict[str, object]) -> None:
    """Non-ASCII or control characters in a key or header fail at construction, without echoing a key."""
    with pytest.raises(ConfigurationError, match="cannot be sent in an HTTP header") as info:
        ftjobs.Client(**kwargs)  # type: ignore[arg-type]
    assert "caf\u00e9" not in str(info.value) or "X-Team" in str(info.value)
    assert "sk-" not in str(info.value)


@pytest.mark.parametrize(
    ("key", "redacted"),
    [("Zq9-x7", True), ("Zq9-x", False), ("Zq9-x7w", True)],
    ids=["6-characters", "5-characters", "7-characters"],
)
@pytest.mark.parametrize("provider", ["openai", "azure"])
def test_credentials_from_the_minimum_length_are_redacted(provider: str, key: str, redacted: bool) -> None:
    """A key of 6 characters or more never shows in an error (bearer token and api-key alike);
    shorter values are left alone (redacting every 1-5 character string would garble messages)."""
    recorder = Recorder(lambda r: httpx2.Response(401, json={"error": {"message": f"bad key {key}!"}}))
    client = make_client(recorder, provider=provider, api_key=key, base_url="http://api.test/v1")
    with pytest.raises(ftjobs.AuthenticationError) as caught:
        client.jobs.retrieve("ftjob-abc123")
    shown = f"{caught.value} {caught.value!r} {caught.value.body!r}"
    if redacted:
        assert key not in shown and "bad key ***!" in str(caught.value)
    else:
        assert "bad key Zq9-x!" in str(caught.value)


def test_an_unsendable_plain_header_is_shown_and_a_credential_is_not() -> None:
    """A header that is no credential is quoted in the error; a key never is, only "a credential"."""
    with pytest.raises(ConfigurationError) as info:
        ftjobs.Client(api_key="sk-ok-123", default_headers={"X-Team": "caf\u00e9"})
    assert "X-Team: 'caf\u00e9' contains characters" in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        ftjobs.Client(api_key="sk-caf\u00e9-123")
    assert "Authorization: a credential contains characters" in str(info.value)
    assert "caf\u00e9" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "got"),
    [
        ({"provider": "portkey", "api_key": "pk-123456"}, "got none"),
        (
            {"provider": "portkey", "api_key": "pk-123456", "virtual_key": "v", "config": "c"},
            "got ['virtual_key', 'config']",
        ),
    ],
)
def test_portkey_names_the_routing_modes_it_got(kwargs: dict[str, object], got: str) -> None:
    """No routing mode or two: the error says which ones it got."""
    with pytest.raises(ConfigurationError) as info:
        ftjobs.Client(**kwargs)  # type: ignore[arg-type]
    assert str(info.value).endswith(got)


@pytest.mark.parametrize(
    ("base_url", "needle"),
    [
        ("http://exa mple.test/v1", "spaces or control characters"),
        ("http://example.test/v1\t", "spaces or control characters"),
        ("http://example.test:0/v1", "has no host (or port 0)"),
        ("http:///v1", "has no host (or port 0)"),
        ("http://user@example.test/v1", "must not carry credentials"),
        ("http://:secret@example.test/v1", "must not carry credentials"),
        ("http://example.test/v1?x=1", "query or fragment"),
        ("http://example.test:99999/v1", "is not a valid URL"),
    ],
)
def test_bad_base_urls_are_configuration_errors(base_url: str, needle: str) -> None:
    """Every way a base URL can be unusable is a ConfigurationError that says which."""
    with pytest.raises(ConfigurationError, match=re.escape(needle)):
        ftjobs.Client(api_key="sk-123456", base_url=base_url)


@pytest.mark.parametrize("port", [1, 65535])
def test_the_edge_ports_are_accepted(port: int) -> None:
    """Ports 1 and 65535 are valid (0 is not)."""
    request = _sent(api_key="sk-123456", base_url=f"http://example.test:{port}/v1")
    assert request.url.port == port


def test_a_bad_base_url_is_shown_cut_to_60_characters() -> None:
    """The error quotes the first 60 characters of a long bad URL, no more."""
    url = "ftp://" + "".join(chr(ord("a") + i % 26) for i in range(100))
    with pytest.raises(ConfigurationError) as info:
        ftjobs.Client(api_key="sk-123456", base_url=url)
    assert str(info.value).endswith(f"got {url[:60]!r}")
