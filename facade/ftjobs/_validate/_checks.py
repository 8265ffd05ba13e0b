"""The checks of one training example (one JSONL line), per method.

Two sources, both cited in docs/validate.md's check table:

* the cookbook "Data preparation and analysis for chat model fine-tuning": ``data_type``,
  ``missing_messages_list``, ``message_missing_key``, ``message_unrecognized_key``,
  ``unrecognized_role``, ``missing_content``, ``example_missing_assistant_message`` (errors) and the
  warnings ``missing_system_message``, ``missing_user_message``. Where the cookbook is narrower than
  the API (it predates tools, content parts and the developer role), the spec wins: an assistant
  message with ``tool_calls`` needs no content, a content array of parts is content, and the keys
  each role may have are the spec's;
* the request shapes of the spec: ``FineTuneChatRequestInput`` (supervised),
  ``FineTunePreferenceRequestInput`` (dpo), ``FineTuneReinforcementRequestInput`` (reinforcement),
  the chat message schemas they use (``ChatCompletionRequest*Message``,
  ``FineTuneChatCompletionRequestAssistantMessage`` with ``weight``), ``ChatCompletionTool``,
  ``ChatCompletionFunctions``, ``ParallelToolCalls`` and the content parts; plus the image limits of
  the vision fine-tuning guide.

A check reports through ``found(kind, message, severity)``; the caller adds the line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._report import Severity, ValidationMethod

Found = Callable[[str, str, Severity], None]

#: The keys each role's message may have (the spec's message schemas).
ROLE_KEYS: Mapping[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "developer": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset(
        {"role", "content", "name", "refusal", "audio", "tool_calls", "function_call", "weight"}
    ),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
#: The roles of a conversation, per method (FineTuneChatRequestInput's and the preference input's
#: message union; FineTuneReinforcementRequestInput's has developer and no system or function).
CHAT_ROLES = ("system", "user", "assistant", "tool", "function")
REINFORCEMENT_ROLES = ("developer", "user", "assistant", "tool")
#: The content part types each role may use in fine-tuning data ("input messages may contain text
#: or image content only": audio and file parts are not supported).
PART_TYPES: Mapping[str, tuple[str, ...]] = {
    "system": ("text",),
    "developer": ("text",),
    "user": ("text", "image_url"),
    "assistant": ("text", "refusal"),
    "tool": ("text",),
}
#: Top-level keys of an example, per method (others are ignored by the API: a warning).
EXAMPLE_KEYS: Mapping[str, frozenset[str]] = {
    "supervised": frozenset({"messages", "tools", "functions", "parallel_tool_calls"}),
    "dpo": frozenset({"input", "preferred_output", "non_preferred_output"}),
}
DPO_INPUT_KEYS = frozenset({"messages", "tools", "parallel_tool_calls"})
#: ChatCompletionFunctions: 1 to 128 functions; a function name: a-z, A-Z, 0-9, _ and -, up to 64.
MAX_FUNCTIONS = 128
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The vision fine-tuning guide: JPEG, PNG or WEBP images, at most 10 MB each, 10 per example.
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGES_PER_EXAMPLE = 10
_DATA_URL = re.compile(r"data:([^;,]*)(;base64)?,", re.IGNORECASE)


@attrs.define
class Example:
    """What the checks learned of one example, for the statistics and the token counts."""

    conversations: list[list[Any]] = attrs.Factory(list)  # message lists whose tokens count
    messages: int = 0
    has_system: bool = True
    has_user: bool = True
    images: int = 0


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), "null" if value is None else "a number")


def check_example(
    example: Any, method: ValidationMethod, item_fields: Sequence[Sequence[str]], found: Found
) -> Example | None:
    """Check one parsed line; the Example, or None when it is not even an object."""
    if not isinstance(example, dict):
        found("data_type", f"the line is {_kind(example)}, not a JSON object", "error")
        return None
    seen = Example()
    if method == "dpo":
        _check_dpo(example, seen, found)
    else:
        _check_conversation(example, method, seen, found)
        if method == "reinforcement":
            _check_item_fields(example, item_fields, found)
    if seen.images > MAX_IMAGES_PER_EXAMPLE:
        found(
            "too_many_images",
            f"{seen.images} images: an example may have at most {MAX_IMAGES_PER_EXAMPLE}",
            "error",
        )
    return seen


def _unknown_keys(example: Mapping[str, Any], allowed: frozenset[str], where: str, found: Found) -> None:
    extra = sorted(k for k in example if k not in allowed)
    if extra:
        found("unrecognized_key", f"{where}: {', '.join(map(repr, extra))} ignored by the API", "warning")


def _check_conversation(
    example: Mapping[str, Any], method: ValidationMethod, seen: Example, found: Found, where: str = ""
) -> None:
    """A supervised or reinforcement example, or a DPO ``input``: messages, tools, functions."""
    if method in EXAMPLE_KEYS and not where:  # a DPO input's keys are checked by _check_dpo
        _unknown_keys(example, EXAMPLE_KEYS[method], "example", found)
    messages = example.get("messages")
    if not isinstance(messages, list) or not messages:
        got = "missing" if messages is None else ("empty" if messages == [] else _kind(messages))
        found("missing_messages_list", f"{where}messages: a non-empty array is required, got {got}", "error")
        return
    tools = _check_tools(example.get("tools"), f"{where}tools", found)
    if "functions" in example and method != "reinforcement":
        tools = (tools or set()) | _check_functions(example["functions"], f"{where}functions", found)
    if "parallel_tool_calls" in example and not isinstance(example["parallel_tool_calls"], bool):
        found("invalid_parallel_tool_calls", f"{where}parallel_tool_calls must be a boolean", "error")
    roles = REINFORCEMENT_ROLES if method == "reinforcement" else CHAT_ROLES
    call_ids: set[str] = set()
    for index, message in enumerate(messages):
        _check_message(message, f"{where}messages[{index}]", roles, tools, call_ids, seen, found)
    present = {m.get("role") for m in messages if isinstance(m, dict)}
    if method == "supervised" and "assistant" not in present:
        found("example_missing_assistant_message", "no assistant message to train on", "error")
    seen.conversations.append(messages)
    seen.messages += len(messages)
    seen.has_system = seen.has_system and bool(present & {"system", "developer"})
    seen.has_user = seen.has_user and "user" in present


def _check_message(
    message: Any,
    where: str,
    roles: Sequence[str],
    tools: set[str] | None,
    call_ids: set[str],
    seen: Example,
    found: Found,
) -> None:
    if not isinstance(message, dict):
        found("data_type", f"{where} is {_kind(message)}, not an object", "error")
        return
    role = message.get("role")
    has_calls = bool(message.get("tool_calls") or message.get("function_call"))
    if "role" not in message:
        found("message_missing_key", f"{where} has no role", "error")
    elif role not in roles:
        found("unrecognized_role", f"{where}: role {role!r} is not one of {', '.join(roles)}", "error")
        return
    required = ["content"] if not (role == "assistant" and has_calls) else []
    required += {"tool": ["tool_call_id"], "function": ["name"]}.get(str(role), [])
    for key in required:
        if key not in message:
            found("message_missing_key", f"{where} ({role}) has no {key}", "error")
    if role is None:
        return
    unknown = message.keys() - ROLE_KEYS[role]
    if unknown:
        found(
            "message_unrecognized_key",
            f"{where} ({role}): unrecognized {', '.join(map(repr, sorted(unknown)))}",
            "error",
        )
    for key in ("name", "tool_call_id", "refusal"):
        if (
            key in message
            and not isinstance(message[key], str)
            and not (key == "refusal" and message[key] is None)
        ):
            found("invalid_type", f"{where}.{key} must be a string, got {_kind(message[key])}", "error")
    if "content" in message:
        _check_content(message["content"], where, role, has_calls, seen, found)
    if role == "assistant":
        _check_assistant(message, where, tools, call_ids, found)
    elif (
        role == "tool"
        and call_ids
        and isinstance(message.get("tool_call_id"), str)
        and message["tool_call_id"] not in call_ids
    ):
        found(
            "unmatched_tool_call_id",
            f"{where}: tool_call_id {message['tool_call_id']!r} answers no earlier tool call",
            "warning",
        )


def _check_content(content: Any, where: str, role: str, has_calls: bool, seen: Example, found: Found) -> None:
    if content is None and (has_calls or role == "function"):
        return
    if isinstance(content, str):
        if not content and not has_calls:
            found("missing_content", f"{where} ({role}): content is empty", "error")
        return
    if not isinstance(content, list) or role == "function":
        found("missing_content", f"{where} ({role}): content must be a string, got {_kind(content)}", "error")
        return
    if not content:
        found("missing_content", f"{where} ({role}): content is an empty array", "error")
        return
    allowed = PART_TYPES[role]
    for index, part in enumerate(content):
        here = f"{where}.content[{index}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in allowed:
            got = repr(kind) if isinstance(part, dict) else _kind(part)
            found(
                "invalid_content_part",
                f"{here}: {role} content parts are {', '.join(allowed)}; got {got}",
                "error",
            )
        elif kind == "image_url":
            seen.images += 1
            _check_image(part.get("image_url"), here, found)
        elif not isinstance(part.get(kind), str):
            found("invalid_content_part", f"{here}: a {kind} part needs a string {kind!r}", "error")


def _check_image(image: Any, where: str, found: Found) -> None:
    url = image.get("url") if isinstance(image, dict) else None
    if not isinstance(url, str) or not url:
        found("invalid_content_part", f"{where}: an image_url part needs image_url.url", "error")
        return
    if isinstance(image, dict) and image.get("detail", "auto") not in ("auto", "low", "high"):
        found("invalid_image", f"{where}: detail must be auto, low or high", "error")
    if url.startswith(("http://", "https://")):
        return
    match = _DATA_URL.match(url)
    if match is None:
        found("invalid_image", f"{where}: the url must be http(s) or a data: URL", "error")
        return
    media = match.group(1).lower()
    if media not in IMAGE_TYPES or not match.group(2):
        found(
            "invalid_image",
            f"{where}: {media or 'no type'}: images must be base64 JPEG, PNG or WEBP",
            "error",
        )
    padding = min(2, len(url) - len(url.rstrip("=")))
    size = (len(url) - match.end()) * 3 // 4 - padding  # the decoded size, without decoding
    if size > MAX_IMAGE_BYTES:
        found("invalid_image", f"{where}: the image is {size:,} bytes, over {MAX_IMAGE_BYTES:,}", "error")


def _check_assistant(
    message: Mapping[str, Any], where: str, tools: set[str] | None, call_ids: set[str], found: Found
) -> None:
    weight = message.get("weight", 0)
    if weight not in (0, 1) or isinstance(weight, bool):
        found("invalid_weight", f"{where}.weight must be 0 or 1, got {weight!r}", "error")
    calls = message.get("tool_calls")
    if calls is not None:
        if not isinstance(calls, list):
            found("invalid_tool_calls", f"{where}.tool_calls must be an array", "error")
            calls = []
        for index, call in enumerate(calls):
            here = f"{where}.tool_calls[{index}]"
            function: Any = call.get("function") if isinstance(call, dict) else None
            ok = (
                isinstance(call, dict)
                and isinstance(call.get("id"), str)
                and call.get("type") == "function"
                and _is_call(function)
            )
            if not ok:
                found(
                    "invalid_tool_calls",
                    f"{here}: needs id, type 'function', function.name/arguments strings",
                    "error",
                )
                continue
            call_ids.add(call["id"])
            _known_tool(function["name"], tools, here, found)
    function_call = message.get("function_call")
    if function_call is not None:
        if not _is_call(function_call):
            found("invalid_function_call", f"{where}.function_call needs name and arguments strings", "error")
        else:
            _known_tool(function_call["name"], tools, f"{where}.function_call", found)


def _is_call(function: Any) -> bool:
    return (
        isinstance(function, dict)
        and isinstance(function.get("name"), str)
        and isinstance(function.get("arguments"), str)
    )


def _known_tool(name: str, tools: set[str] | None, where: str, found: Found) -> None:
    if tools is not None and name not in tools:
        found("unknown_tool", f"{where}: calls {name!r}, which the example's tools do not define", "warning")


def _check_tools(tools: Any, where: str, found: Found) -> set[str] | None:
    """The tool names defined (None when the example defines none: calls cannot be checked)."""
    if tools is None:
        return None
    if not isinstance(tools, list):
        found("invalid_tools", f"{where} must be an array, got {_kind(tools)}", "error")
        return None
    names: set[str] = set()
    for index, tool in enumerate(tools):
        here = f"{where}[{index}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            found("invalid_tools", f"{here}: a tool is an object with type 'function'", "error")
            continue
        name = _check_function(tool.get("function"), f"{here}.function", "invalid_tools", found)
        if name:
            names.add(name)
    return names


def _check_functions(functions: Any, where: str, found: Found) -> set[str]:
    if not isinstance(functions, list) or not 1 <= len(functions) <= MAX_FUNCTIONS:
        found("invalid_functions", f"{where} must be an array of 1 to {MAX_FUNCTIONS} functions", "error")
        return set()
    names = (_check_function(f, f"{where}[{i}]", "invalid_functions", found) for i, f in enumerate(functions))
    return {name for name in names if name}


def _check_function(function: Any, where: str, kind: str, found: Found) -> str | None:
    if not isinstance(function, dict):
        found(kind, f"{where} must be an object with a name", "error")
        return None
    name = function.get("name")
    if not isinstance(name, str) or not FUNCTION_NAME.fullmatch(name):
        found(kind, f"{where}.name must be 1-64 of a-z, A-Z, 0-9, _ and -, got {name!r}", "error")
        name = None
    if "parameters" in function and not isinstance(function["parameters"], dict):
        found(kind, f"{where}.parameters must be a JSON Schema object", "error")
    if "description" in function and not isinstance(function["description"], str):
        found(kind, f"{where}.description must be a string", "error")
    return name


def _check_dpo(example: Mapping[str, Any], seen: Example, found: Found) -> None:
    _unknown_keys(example, EXAMPLE_KEYS["dpo"], "example", found)
    given = example.get("input")
    if not isinstance(given, dict):
        found("missing_input", f"input: an object with messages is required, got {_kind(given)}", "error")
    else:
        _unknown_keys(given, DPO_INPUT_KEYS, "input", found)
        _check_conversation(given, "dpo", seen, found, where="input.")
    for key in ("preferred_output", "non_preferred_output"):
        output = example.get(key)
        if output is None:
            found(f"missing_{key}", f"{key}: one assistant message is required", "error")
            continue
        if not isinstance(output, list) or len(output) != 1:
            found("invalid_output", f"{key} must be an array of exactly one assistant message", "error")
            continue
        _check_message(output[0], f"{key}[0]", ("assistant",), None, set(), seen, found)
        seen.conversations.append(output)


def _check_item_fields(example: Mapping[str, Any], fields: Iterable[Sequence[str]], found: Found) -> None:
    """Each ``{{item.a.b}}`` the grader uses must resolve in the example (``messages``/``tools`` aside)."""
    for path in fields:
        value: Any = example
        for depth, key in enumerate(path):
            if not isinstance(value, dict) or key not in value:
                missing = ".".join(path[: depth + 1])
                found(
                    "missing_item_field",
                    f"the grader uses {{{{item.{'.'.join(path)}}}}}, and the example has no {missing!r}",
                    "error",
                )
                break
            value = value[key]
