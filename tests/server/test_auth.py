"""Authentication: the pure check table, then the same modes over HTTP."""

from __future__ import annotations

import httpx2
import pytest

from ftjobs._server import _auth

from .conftest import Harness

KEY = "sk-ftjobs-local"


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": f"Bearer {KEY}"},
        {"authorization": f"bearer  {KEY} "},
        {"api-key": KEY},
        {"x-portkey-api-key": KEY, "x-portkey-virtual-key": "vk-openai"},
        # The official Portkey SDK always sends this placeholder; the gateway ignores it here.
        {"x-portkey-api-key": KEY, "x-portkey-virtual-key": "vk", "authorization": "Bearer OPENAI_API_KEY"},
        {"x-portkey-api-key": KEY, "x-portkey-provider": "openai", "authorization": f"Bearer {KEY}"},
        {"x-portkey-api-key": KEY, "x-portkey-config": "pc-abc"},
        {"x-portkey-api-key": KEY, "x-portkey-config": "pc-abc", "authorization": "Bearer OPENAI_API_KEY"},
        {"x-portkey-api-key": KEY, "x-portkey-custom-host": "http://127.0.0.1:1/v1"},
    ],
)
def test_accepted(headers: dict[str, str]) -> None:
    """The OpenAI, Azure and every Portkey mode pass with the right key."""
    assert _auth.check(headers, KEY) is None


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "invalid_api_key"),
        ({"authorization": "Bearer sk-wrong"}, 401, "invalid_api_key"),
        ({"authorization": KEY}, 401, "invalid_api_key"),
        ({"authorization": "Basic abc"}, 401, "invalid_api_key"),
        ({"authorization": "Bearer "}, 401, "invalid_api_key"),
        ({"api-key": "nope"}, 401, "invalid_api_key"),
        ({"api-key": KEY, "authorization": "Bearer other"}, 401, "invalid_api_key"),
        ({"x-portkey-api-key": "nope", "x-portkey-virtual-key": "vk"}, 401, "invalid_api_key"),
        ({"x-portkey-api-key": KEY}, 400, None),
        ({"x-portkey-api-key": KEY, "x-portkey-provider": "openai"}, 400, None),
        # Provider mode forwards Authorization as the provider's key: here it must be the key.
        (
            {
                "x-portkey-api-key": KEY,
                "x-portkey-provider": "openai",
                "authorization": "Bearer OPENAI_API_KEY",
            },
            401,
            "invalid_api_key",
        ),
        (
            {"x-portkey-api-key": "nope", "x-portkey-virtual-key": "vk", "authorization": f"Bearer {KEY}"},
            401,
            "invalid_api_key",
        ),
        ({"x-portkey-api-key": KEY, "x-portkey-virtual-key": ""}, 400, None),
    ],
)
def test_refused(headers: dict[str, str], status: int, code: str | None) -> None:
    """Missing or wrong keys are 401 invalid_api_key; an incomplete Portkey request is a 400."""
    error = _auth.check(headers, KEY)
    assert error is not None
    assert (error.status, error.code, error.type) == (status, code, "invalid_request_error")
    assert KEY not in error.message


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Bearer {KEY}"},
        {"api-key": KEY},
        {"x-portkey-api-key": KEY, "x-portkey-virtual-key": "vk-1"},
        {"x-portkey-api-key": KEY, "x-portkey-provider": "openai", "Authorization": f"Bearer {KEY}"},
        {"x-portkey-api-key": KEY, "x-portkey-config": "pc-1"},
        {"x-portkey-api-key": KEY, "x-portkey-custom-host": "https://example.invalid/v1"},
    ],
)
def test_modes_over_http(harness: Harness, headers: dict[str, str]) -> None:
    """Each mode can retrieve a seeded job from the real server."""
    response = httpx2.get(harness.server.url + "/fine_tuning/jobs/ftjob-abc123", headers=headers)
    assert response.status_code == 200
    assert response.json()["id"] == "ftjob-abc123"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk-wrong-key-123"}, {"api-key": "x"}])
def test_401_shape_over_http(harness: Harness, headers: dict[str, str]) -> None:
    """401 with the OpenAI error shape and a request id; the presented key is never echoed."""
    response = httpx2.post(harness.server.url + "/fine_tuning/jobs", headers=headers, json={})
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["code"] == "invalid_api_key"
    assert body["error"]["param"] is None
    assert response.headers["x-request-id"].startswith("req_")
    assert "sk-wrong-key-123" not in response.text
    assert KEY not in response.text
