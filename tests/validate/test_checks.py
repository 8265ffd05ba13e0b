"""The per-example checks at their documented boundaries: exactly at a limit, and one past it."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from ftjobs._validate._checks import (
    MAX_FUNCTIONS,
    MAX_IMAGE_BYTES,
    MAX_IMAGES_PER_EXAMPLE,
    check_example,
)

USER = {"role": "user", "content": "hi"}
ASSISTANT = {"role": "assistant", "content": "ok"}


def kinds(example: Any, method: str = "supervised", fields: list[tuple[str, ...]] | None = None) -> list[str]:
    found: list[str] = []
    check_example(example, method, fields or [], lambda kind, message, severity: found.append(kind))  # type: ignore[arg-type]
    return found


def _image(url: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url}}


def test_documented_values() -> None:
    """128 functions, 10 MB an image, 10 images an example (spec; vision fine-tuning guide)."""
    assert (MAX_FUNCTIONS, MAX_IMAGE_BYTES, MAX_IMAGES_PER_EXAMPLE) == (128, 10 * 1024 * 1024, 10)


@pytest.mark.parametrize(
    ("count", "expected"), [(0, ["invalid_functions"]), (1, []), (128, []), (129, ["invalid_functions"])]
)
def test_functions_count(count: int, expected: list[str]) -> None:
    """`functions` holds 1 to 128 functions."""
    functions = [{"name": f"f{i}"} for i in range(count)]
    assert kinds({"messages": [USER, ASSISTANT], "functions": functions}) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a" * 64, []),
        ("a" * 65, ["invalid_tools"]),
        ("get_order-2", []),
        ("get order", ["invalid_tools"]),
        ("", ["invalid_tools"]),
    ],
)
def test_function_name(name: str, expected: list[str]) -> None:
    """A function name: 1 to 64 of a-z, A-Z, 0-9, _ and -."""
    tools = [{"type": "function", "function": {"name": name}}]
    assert kinds({"messages": [USER, ASSISTANT], "tools": tools}) == expected


@pytest.mark.parametrize(("count", "expected"), [(10, []), (11, ["too_many_images"])])
def test_images_per_example(count: int, expected: list[str]) -> None:
    """At most 10 images in an example, counted across its messages."""
    first = {"role": "user", "content": [_image("https://example.com/a.png")] * (count - 1)}
    second = {"role": "user", "content": [_image("https://example.com/b.png")]}
    assert kinds({"messages": [first, ASSISTANT, second, ASSISTANT]}) == expected


@pytest.mark.parametrize(
    ("size", "expected"), [(MAX_IMAGE_BYTES, []), (MAX_IMAGE_BYTES + 3, ["invalid_image"])]
)
def test_image_size(size: int, expected: list[str]) -> None:
    """A data URL image of exactly 10 MB passes; 3 bytes more (one base64 quantum) does not."""
    data = base64.b64encode(b"\0" * size).decode()
    user = {"role": "user", "content": [_image(f"data:image/png;base64,{data}")]}
    assert kinds({"messages": [user, ASSISTANT]}) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("data:image/jpeg;base64,/9j/", []),
        ("data:image/webp;base64,UklG", []),
        ("DATA:IMAGE/PNG;BASE64,iVBO", []),
        ("data:image/png,rawbytes", ["invalid_image"]),
        ("data:image/svg+xml;base64,PHN2", ["invalid_image"]),
        ("ftp://example.com/a.png", ["invalid_image"]),
    ],
)
def test_image_urls(url: str, expected: list[str]) -> None:
    """http(s), or a base64 data: URL of JPEG, PNG or WEBP."""
    assert kinds({"messages": [{"role": "user", "content": [_image(url)]}, ASSISTANT]}) == expected


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0, []), (1, []), (2, ["invalid_weight"]), (True, ["invalid_weight"]), ("1", ["invalid_weight"])],
)
def test_weight(weight: object, expected: list[str]) -> None:
    """An assistant weight is the integer 0 or 1 (not a boolean, not a string)."""
    assert kinds({"messages": [USER, {**ASSISTANT, "weight": weight}]}) == expected


def test_tool_calls_need_no_content_and_null_content_is_allowed_with_them() -> None:
    """An assistant message with tool_calls: content missing or null is fine (the spec's rule)."""
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    tool = {"role": "tool", "tool_call_id": "c1", "content": "done"}
    for assistant in (
        {"role": "assistant", "tool_calls": [call]},
        {"role": "assistant", "content": None, "tool_calls": [call]},
    ):
        assert kinds({"messages": [USER, assistant, tool, ASSISTANT]}) == []
    assert kinds({"messages": [USER, {"role": "assistant", "content": None}]}) == ["missing_content"]


def test_reinforcement_roles_and_item_paths() -> None:
    """Reinforcement takes developer, not system; nested item paths resolve through objects only."""
    developer = {"role": "developer", "content": "Answer."}
    assert kinds({"messages": [developer, USER]}, "reinforcement") == []
    assert kinds({"messages": [{"role": "system", "content": "x"}, USER]}, "reinforcement") == [
        "unrecognized_role"
    ]
    fields = [("meta", "label")]
    assert kinds({"messages": [USER], "meta": {"label": "a"}}, "reinforcement", fields) == []
    assert kinds({"messages": [USER], "meta": "label"}, "reinforcement", fields) == ["missing_item_field"]
