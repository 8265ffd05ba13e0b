"""Redaction as data: which forms of which credentials, errors walked whole, the stack's log records."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import ftjobs
from ftjobs._providers import resolve_connection
from ftjobs._secrets import STACK_LOGGERS, guard

KEY = "sk-redact-0123456789abcdef"


def test_secrets_cover_bearer_token_and_percent_encoded_forms() -> None:
    """Authorization yields the header value and the bare token; a key with '/' its encoded form too."""
    conn = resolve_connection("openai", api_key=KEY + "/x")
    assert f"Bearer {KEY}/x" in conn.secrets
    assert f"{KEY}/x" in conn.secrets
    assert f"{KEY}%2Fx" in conn.secrets
    assert conn.secrets == tuple(sorted(conn.secrets, key=len, reverse=True))  # longest first


def test_identifiers_are_not_redacted_and_short_values_are_left_alone() -> None:
    """A provider slug or an organization id is not a credential; a 2-character key is not redacted."""
    conn = resolve_connection(
        "portkey", api_key=KEY, portkey_provider="openai", provider_api_key="sk-upstream-secret"
    )
    assert conn.redact("openai said sk-upstream-secret and " + KEY) == "openai said *** and ***"
    short = resolve_connection("openai", api_key="k1", organization="org-abc")
    assert short.redact("k1 org-abc") == "k1 org-abc"


def test_error_redact_walks_args_attributes_nested_bodies_keys_and_notes() -> None:
    """Error.redact leaves no credential in str, repr, attributes (nested, keys included) or notes."""
    error = ftjobs.BadRequestError(
        f"bad {KEY}",
        status_code=400,
        code=KEY,
        body={"error": {KEY: [f"x {KEY}", {"deep": (KEY,)}]}},
        request_id=f"req_{KEY}",
    )
    error.add_note(f"seen {KEY}")
    error.redact(lambda text: text.replace(KEY, "***"))
    shown = str(error) + repr(error) + repr(vars(error)) + repr(error.__notes__)
    assert KEY not in shown
    assert error.body == {"error": {"***": ["x ***", {"deep": ("***",)}]}}


def test_error_redact_survives_a_body_nested_past_the_recursion_limit() -> None:
    """A body nested too deeply to walk is replaced, not a RecursionError."""
    body: Any = KEY
    for _ in range(5000):
        body = [body]
    error = ftjobs.APIStatusError("x", status_code=500, body=body)
    error.redact(lambda text: text.replace(KEY, "***"))
    assert error.body == "<not shown: nested too deeply>"


@pytest.mark.parametrize("name", STACK_LOGGERS)
def test_stack_debug_records_are_redacted_while_the_owner_lives(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A record of the HTTP stack's loggers holding a live client's key is redacted before handlers."""
    caplog.set_level(logging.DEBUG)
    conn = resolve_connection("openai", api_key=KEY)
    guard(conn)
    logging.getLogger(name).debug("headers %r", [(b"x-request-id", KEY.encode())])
    assert KEY not in caplog.text
    assert "***" in caplog.text


class _Kept(logging.Handler):
    """Keeps records as they come, without formatting them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize(
    ("message", "args"),
    [("%d requests", ("many",)), ("%(missing", ())],
    ids=["TypeError", "ValueError"],
)
def test_a_stack_record_that_cannot_format_is_left_to_the_handler(
    message: str, args: tuple[object, ...]
) -> None:
    """The redaction filter never raises on a record whose message cannot be formatted, nor drops it:
    the handler gets it as it was."""
    guard(resolve_connection("openai", api_key=KEY))
    logger = logging.getLogger("httpcore2.http11")
    kept = _Kept()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(kept)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # pytest's own capture handler would format (and raise on) the record
    try:
        logger.debug(message, *args)
    finally:
        logger.removeHandler(kept)
        logger.setLevel(level)
        logger.propagate = propagate
    assert [(r.msg, r.args) for r in kept.records] == [(message, args)]
