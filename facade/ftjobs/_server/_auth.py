"""Who may call ``/v1``: one configured key, presented the OpenAI, Portkey or Azure way.

* OpenAI: ``Authorization: Bearer KEY``.
* Azure: ``api-key: KEY``.
* Portkey: ``x-portkey-api-key: KEY`` plus one routing mode: ``x-portkey-virtual-key``,
  ``x-portkey-provider`` (which needs ``Authorization: Bearer ...``, the provider's key),
  ``x-portkey-config`` or ``x-portkey-custom-host``.

The server knows a single key, so every credential header present must carry it (a provider
``Authorization`` included). No credential, or a wrong one, is a 401 ``invalid_api_key``; a
Portkey key without a routing mode is a 400.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from . import _errors

PORTKEY_MODES = ("x-portkey-virtual-key", "x-portkey-provider", "x-portkey-config", "x-portkey-custom-host")


def _same(presented: str, api_key: str) -> bool:
    return hmac.compare_digest(presented.encode(), api_key.encode())


def check(headers: Mapping[str, str], api_key: str) -> _errors.ApiError | None:
    """The error for a request with these (lower-cased) headers, or ``None`` when it may pass."""
    presented: list[str] = []
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _errors.wrong_key()
        presented.append(token.strip())
    for name in ("api-key", "x-portkey-api-key"):
        if headers.get(name) is not None:
            presented.append(headers[name].strip())
    if not presented:
        return _errors.missing_key()
    if not all(_same(key, api_key) for key in presented):
        return _errors.wrong_key()
    if headers.get("x-portkey-api-key") is not None:
        modes = [mode for mode in PORTKEY_MODES if headers.get(mode)]
        if not modes:
            return _errors.bad_request(
                "A Portkey request needs one of the headers " + ", ".join(PORTKEY_MODES) + ".",
                param="x-portkey-provider",
            )
        if "x-portkey-provider" in modes and authorization is None:
            return _errors.bad_request(
                "x-portkey-provider needs the provider's key in the Authorization header.",
                param="authorization",
            )
    return None
