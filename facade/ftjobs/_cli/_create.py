"""``ftjobs create``: the ``method`` object from the flags, or a usage error that says which flag."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import json_object

#: The flags that build a method, in the order a message names them.
_METHOD_FLAGS = (
    ("method", "--method"),
    ("n_epochs", "--n-epochs"),
    ("batch_size", "--batch-size"),
    ("learning_rate_multiplier", "--learning-rate-multiplier"),
    ("beta", "--beta"),
    ("grader_json", "--grader-json"),
)
GRADER_EXAMPLE = (
    '{"type": "string_check", "name": "exact", "input": "{{sample.output_text}}", '
    '"reference": "{{item.answer}}", "operation": "eq"}'
)


def method_from_args(args: argparse.Namespace) -> dict[str, Any] | None:
    """The ``method`` for create, None for the API's default; ValueError naming the flags at fault.

    ``--beta`` implies ``--method dpo`` and ``--grader-json`` implies ``--method reinforcement``;
    a flag for another method than the one given is an error, and so is reinforcement without a
    grader (the API would refuse it after the upload and the wait).
    """
    given = [flag for dest, flag in _METHOD_FLAGS if getattr(args, dest) is not None]
    if args.method_json is not None:
        if given:
            dropped = ", ".join(given)
            raise ValueError(f"--method-json gives the whole method: drop {dropped} (or --method-json)")
        try:
            method = json.loads(args.method_json)
        except (ValueError, RecursionError) as exc:
            raise ValueError(f"--method-json is not JSON: {exc}") from None
        if not isinstance(method, dict):
            raise ValueError(f"--method-json must be a JSON object, got {type(method).__name__}")
        return method
    if not given:
        return None
    if args.beta is not None and args.grader_json is not None:
        raise ValueError("--beta (for dpo) and --grader-json (for reinforcement) do not go together")
    implied = "dpo" if args.beta is not None else "reinforcement" if args.grader_json is not None else None
    kind: str = args.method or implied or "supervised"
    if implied is not None and kind != implied:
        flag = "--beta" if implied == "dpo" else "--grader-json"
        raise ValueError(f"{flag} is for --method {implied}, not --method {kind}")
    hyper: dict[str, Any] = {
        key: value
        for key, value in (
            ("n_epochs", args.n_epochs),
            ("batch_size", args.batch_size),
            ("learning_rate_multiplier", args.learning_rate_multiplier),
            ("beta", args.beta),
        )
        if value is not None
    }
    settings: dict[str, Any] = {"hyperparameters": hyper} if hyper else {}
    if kind == "reinforcement":
        if args.grader_json is None:
            raise ValueError(
                "--method reinforcement needs a grader: --grader-json FILE, or inline JSON such as "
                f"--grader-json '{GRADER_EXAMPLE}'"
            )
        settings = {"grader": json_object(args.grader_json, "--grader-json"), **settings}
    return {"type": kind, kind: settings}


def gateway_fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``--field KEY=VALUE`` pairs as create keywords, typed by the generated ``GatewayFieldsParam``
    (the backends' own create fields, from overlay 10): a key it does not name is an error with the
    closest one; a value whose field is an object is JSON (inline or a file), any other a string.
    ValueError naming the flag."""
    import difflib
    import typing
    from collections.abc import Mapping

    from ftjobs_generated.params import GatewayFieldsParam

    hints = typing.get_type_hints(GatewayFieldsParam)
    fields: dict[str, Any] = {}
    for key, value in pairs:
        hint = hints.get(key)
        if hint is None:
            close = difflib.get_close_matches(key, hints, n=1)
            also = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"--field: unknown field {key!r}{also} (fields: {', '.join(sorted(hints))})")
        kinds = typing.get_args(hint) or (hint,)
        is_object = any(typing.get_origin(kind) in (Mapping, dict) or kind is dict for kind in kinds)
        fields[key] = json_object(value, f"--field {key}") if is_object else value
    return fields
