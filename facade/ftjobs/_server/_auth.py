"""Who may call the API: one configured key, presented the OpenAI, Azure or Portkey way.

* OpenAI: ``Authorization: Bearer KEY``.
* Azure: ``api-key: KEY`` (on ``/openai/...?api-version=...``, or on ``/v1``).
* Portkey, as its gateway reads the headers: ``x-portkey-api-key: KEY`` authenticates, plus one
  routing mode: ``x-portkey-virtual-key`` or ``x-portkey-config`` (the gateway holds the provider's
  key: an ``Authorization`` header, which the official Portkey SDK always sends, is not used),
  ``x-portkey-provider`` (the provider's key comes in ``Authorization: Bearer ...`` and is
  forwarded: here the server is the provider, so it must be the key), or ``x-portkey-custom-host``.

Without Portkey headers every credential header present must carry the key. No credential, or a
wrong one, is a 401 ``invalid_api_key``; a Portkey key without a routing mode is a 400.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from . import _errors

PORTKEY_KEY = "x-portkey-api-key"
PORTKEY_PROVIDER = "x-portkey-provider"
PORTKEY_MODES = ("x-portkey-virtual-key", PORTKEY_PROVIDER, "x-portkey-config", "x-portkey-custom-host")


def _same(presented: str, api_key: str) -> bool:
    return hmac.compare_digest(presented.encode(), api_key.encode())


def _bearer(authorization: str) -> str | None:
    """The token of ``Bearer TOKEN``, or ``None`` for any other shape."""
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check(headers: Mapping[str, str], api_key: str) -> _errors.ApiError | None:
    """The error for a request with these (lower-cased) headers, or ``None`` when it may pass."""
    authorization = headers.get("authorization")
    portkey = headers.get(PORTKEY_KEY)
    if portkey is not None:
        return _check_portkey(headers, portkey, authorization, api_key)
    presented: list[str] = []
    if authorization is not None:
        token = _bearer(authorization)
        if token is None:
            return _errors.wrong_key()
        presented.append(token)
    if headers.get("api-key") is not None:
        presented.append(headers["api-key"].strip())
    if not presented:
        return _errors.missing_key()
    if not all(_same(key, api_key) for key in presented):
        return _errors.wrong_key()
    return None


def _check_portkey(
    headers: Mapping[str, str], portkey: str, authorization: str | None, api_key: str
) -> _errors.ApiError | None:
    if not _same(portkey.strip(), api_key):
        return _errors.wrong_key()
    modes = [mode for mode in PORTKEY_MODES if headers.get(mode)]
    if not modes:
        return _errors.bad_request(
            "A Portkey request needs one of the headers " + ", ".join(PORTKEY_MODES) + ".",
            param=PORTKEY_PROVIDER,
        )
    if PORTKEY_PROVIDER not in modes:
        return None  # the gateway has the provider's key (virtual key, config) or needs none
    if authorization is None:
        return _errors.bad_request(
            f"{PORTKEY_PROVIDER} needs the provider's key in the Authorization header.",
            param="authorization",
        )
    token = _bearer(authorization)
    if token is None or not _same(token, api_key):
        return _errors.wrong_key()
    return None
