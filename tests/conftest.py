"""Fixtures for the whole suite."""

from __future__ import annotations

import pytest

# The reliability tally is a plugin of this root conftest so that the xdist controller loads it.
pytest_plugins = ["tests.reliability.tally"]

#: Variables the client reads; no test may see a developer's real keys or endpoints.
CLIENT_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "PORTKEY_API_KEY",
    "PORTKEY_VIRTUAL_KEY",
    "PORTKEY_BASE_URL",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the client's environment variables."""
    for name in CLIENT_ENV:
        monkeypatch.delenv(name, raising=False)
