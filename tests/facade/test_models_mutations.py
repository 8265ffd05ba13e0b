"""Every value of every example, at every depth, replaced by a value of each other JSON type.

The examples are the job, event and checkpoint examples of today's spec and of every historical
OpenAI and Portkey version (as ``tests/reliability/test_history_shapes.py`` collects them), plus a
reinforcement job built from the spec's own grader examples. For each mutation the expected outcome
comes from the spec (``openapi/fine_tuning.yaml``), not from the parser: the value is accepted when
the schema at that path allows its JSON type (``null`` for any optional key, integer where a number
is expected, unknown keys and free-form objects anything) and must otherwise raise
ResponseValidationError naming exactly that path. No other exception may escape.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

import ftjobs
from ftjobs._models import parse_page
from tests.generated.spec_schemas import SPEC
from tests.reliability.schemas import to_json_schema
from tests.reliability.test_history_shapes import (
    EXAMPLES,
    Example,
    _is_job_shape,
    _texts,
    item_class,
    lenient,
)

REPLACEMENTS: tuple[Any, ...] = (None, True, 7, 1.5, "x", [], {})
ROOTS = {ftjobs.Job: "job", ftjobs.JobEvent: "event", ftjobs.Checkpoint: "checkpoint"}
#: Keys that may not be null (or absent): the client cannot do without them.
NOT_NULL: dict[type[Any], set[tuple[Any, ...]]] = {
    ftjobs.Job: {("id",), ("status",)},
    ftjobs.Checkpoint: {("id",)},
    ftjobs.JobEvent: set(),
}
OPAQUE = "opaque"  # a schema position the client keeps as received (unknown keys, free-form objects)


def _patched_components() -> dict[str, Any]:
    """The spec's schemas with the deviations the client documents (docs/typing.md)."""
    components: dict[str, Any] = copy.deepcopy(SPEC["components"]["schemas"])
    job = components["FineTuningJob"]["properties"]
    job["user_provided_suffix"] = {"type": ["string", "null"]}  # in every example, not in the schema
    # 2023 schemas listed file objects: their id is kept.
    job["result_files"]["items"] = {
        "anyOf": [{"type": "string"}, {"type": "object", "properties": {"id": {"type": "string"}}}]
    }
    for schema, key in [("FineTuningJob", k) for k in ("created_at", "finished_at", "estimated_finish")] + [
        ("FineTuningJobEvent", "created_at"),
        ("FineTuningJobCheckpoint", "created_at"),
    ]:  # a timestamp may have a fraction
        components[schema]["properties"][key] = {"type": ["integer", "number", "null"]}
    multi = components["GraderMulti"]["properties"]
    multi["graders"] = {"anyOf": [multi["graders"], {"type": "array", "items": multi["graders"]}]}
    return components


COMPONENTS = _patched_components()
SCHEMAS = {
    cls: to_json_schema(COMPONENTS[name], COMPONENTS)
    for cls, name in [
        (ftjobs.Job, "FineTuningJob"),
        (ftjobs.JobEvent, "FineTuningJobEvent"),
        (ftjobs.Checkpoint, "FineTuningJobCheckpoint"),
    ]
}


def _list_schema(item: dict[str, Any]) -> dict[str, Any]:
    strings = {"type": ["string", "null"]}
    return {
        "type": "object",
        "properties": {
            "object": strings,
            "data": {"type": "array", "items": item},
            "has_more": {"type": "boolean"},
            "first_id": strings,
            "last_id": strings,
        },
    }


def _branches(schema: Any) -> list[dict[str, Any]]:
    """The alternatives of a schema, flattened (anyOf inside anyOf)."""
    if not isinstance(schema, dict):
        return []
    if "anyOf" in schema:
        return [b for alt in schema["anyOf"] for b in _branches(alt)]
    return [schema]


def _types(branch: dict[str, Any]) -> set[str]:
    kind = branch.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if kind else {"any"}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "number", str: "string", list: "array", dict: "object"}[type(value)]


def accepts(schema: Any, value: Any) -> bool:
    """Whether the schema allows value's JSON type ("auto" hyperparameters are the one closed enum)."""
    if schema == OPAQUE:
        return True
    kind = json_type(value)
    for branch in _branches(schema):
        types = _types(branch)
        if "any" in types or kind in types or (kind == "integer" and "number" in types):
            if kind == "string" and branch.get("enum") == ["auto"] and value != "auto":
                continue
            return True
    return False


def _object_branch(schema: Any, value: dict[str, Any]) -> dict[str, Any] | None:
    """The branch describing an object value: by its ``type`` tag when several could (unions)."""
    objects = [b for b in _branches(schema) if _types(b) & {"object", "any"}]
    if len(objects) > 1:
        tagged = [
            b for b in objects if value.get("type") in b.get("properties", {}).get("type", {}).get("enum", [])
        ]
        return tagged[0] if len(tagged) == 1 else None
    return objects[0] if objects else None


def positions(
    value: Any, schema: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], Any, bool]]:
    """(path, schema there, whether it is an object key) for every value below value."""
    if schema == OPAQUE:
        children: list[tuple[Any, Any, bool]] = []
        if isinstance(value, dict):
            children = [(k, OPAQUE, True) for k in value]
        elif isinstance(value, list):
            children = [(i, OPAQUE, False) for i in range(len(value))]
    elif isinstance(value, dict):
        branch = _object_branch(schema, value)
        if branch is None and len([b for b in _branches(schema) if "object" in _types(b)]) > 1:
            branch = {"properties": {"type": {"type": "string"}}}  # unknown variant: only its tag is read
        props = (branch or {}).get("properties")
        extra = (branch or {}).get("additionalProperties")
        children = []
        for key in value:
            if props and key in props:
                children.append((key, props[key], True))
            elif isinstance(extra, dict):
                children.append((key, extra, False))  # a map's values are not optional keys
            else:
                children.append((key, OPAQUE, True))  # unknown key, unknown variant, free-form object
    elif isinstance(value, list):
        arrays = [b for b in _branches(schema) if "array" in _types(b)]
        items = arrays[0].get("items", OPAQUE) if arrays else OPAQUE
        children = [(i, items, False) for i in range(len(value))]
    else:
        children = []
    for key, sub, is_key in children:
        here = (*path, key)
        yield here, sub, is_key
        yield from positions(value[key], sub, here)


def render(root: str, path: tuple[Any, ...]) -> str:
    return root + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)


def _reinforcement_jobs() -> list[dict[str, Any]]:
    """Reinforcement jobs whose grader is each of the spec's grader examples, and a multi grader of all."""
    graders = []
    for name in ("GraderStringCheck", "GraderTextSimilarity", "GraderLabelModel", "GraderMulti"):
        graders.append(lenient(SPEC["components"]["schemas"][name]["x-oaiMeta"]["example"]))
    # The python and score_model examples are Python, not JSON: the same shapes, written out.
    graders.append(
        {"type": "python", "name": "py", "image_tag": "2025-05-08", "source": "def grade(s, i): ..."}
    )
    score_model = {
        "type": "score_model",
        "name": "score",
        "model": "gpt-5-mini",
        "input": [
            {"role": "user", "type": "message", "content": "Score {{sample.output_text}}"},
            {
                "role": "system",
                "content": [
                    "plain",
                    {"type": "input_text", "text": "t", "prompt_cache_breakpoint": {"mode": "explicit"}},
                    {"type": "output_text", "text": "o"},
                    {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
                    {"type": "input_audio", "input_audio": {"data": "AAA=", "format": "wav"}},
                ],
            },
        ],
        "range": [0, 1.0],
        "sampling_params": {"seed": 42, "top_p": 1, "temperature": 0.5, "max_completions_tokens": 64},
    }
    graders.append(score_model)
    base: dict[str, Any] = {
        "object": "fine_tuning.job",
        "id": "ftjob-rl",
        "status": "running",
        "model": "o4-mini",
    }
    hyper: dict[str, Any] = {
        "n_epochs": "auto",
        "batch_size": 4,
        "compute_multiplier": 1.5,
        "eval_interval": "auto",
    }
    hyper |= {"eval_samples": 2, "learning_rate_multiplier": 2, "reasoning_effort": "medium"}
    jobs: list[dict[str, Any]] = []
    for grader in graders:
        method = {"type": "reinforcement", "reinforcement": {"grader": grader, "hyperparameters": hyper}}
        jobs.append({**base, "method": method})
    multi: dict[str, Any] = {
        "type": "multi",
        "name": "all",
        "graders": [g for g in graders if g["type"] != "multi"],
    }
    multi["calculate_output"] = "1"
    jobs.append({**base, "method": {"type": "reinforcement", "reinforcement": {"grader": multi}}})
    dpo = {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1, "n_epochs": 2, "batch_size": "auto"}}}
    jobs.append({**base, "method": dpo, "hyperparameters": None, "error": {"code": "x", "message": "m"}})
    return jobs


def _current_examples() -> list[Example]:
    found = []
    for where, text in _texts(SPEC, ""):
        if where.startswith("/components/schemas/") and where.split("/")[3] not in (
            "FineTuningJob",
            "FineTuningJobEvent",
            "FineTuningJobCheckpoint",
        ):
            continue
        document = lenient(text)
        if _is_job_shape(where, document):
            found.append(Example("current", "openapi", where, document))
    return found


CURRENT = _current_examples()
DOCUMENTS: list[tuple[str, Any, type[Any]]] = [
    *[(e.id, e.document, item_class(e)) for e in [*CURRENT, *EXAMPLES]],
    *[(f"reinforcement/{i}", job, ftjobs.Job) for i, job in enumerate(_reinforcement_jobs())],
]


def _parse(document: Any, cls: type[Any], is_list: bool) -> Any:
    return parse_page(document, cls) if is_list else cls.from_dict(document)


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    for key in path[:-1]:
        document = document[key]
    old = document[path[-1]]
    document[path[-1]] = value
    return old


def check_document(name: str, document: Any, cls: type[Any]) -> int:
    """Apply every mutation to document; returns how many were checked."""
    is_list = document.get("object") == "list"
    schema = _list_schema(SCHEMAS[cls]) if is_list else SCHEMAS[cls]
    root = "list" if is_list else ROOTS[cls]
    not_null: set[tuple[Any, ...]] = {("data",)} if is_list else set(NOT_NULL[cls])
    if is_list:
        not_null |= {("data", i, *p) for i in range(len(document["data"])) for p in NOT_NULL[cls]}
    checked = 0
    for path, sub, is_key in list(positions(document, schema)):
        for new in REPLACEMENTS:
            original = _set(document, path, new)
            try:
                if json_type(new) == json_type(original):
                    continue
                checked += 1
                if new is None:
                    ok = (is_key and path not in not_null) or accepts(sub, None)
                else:
                    ok = accepts(sub, new)
                case = f"{name}: {render(root, path)} = {new!r}"
                where = path
                if new == {} and len(path) > 1 and path[-2] == "result_files":
                    ok, where = False, (*path, "id")  # a file object is read for its id
                if cls is ftjobs.Job and path[-1:] == ("error",) and isinstance(new, str):
                    ok = True  # a job's error may be its message (Bedrock through Portkey)
                if cls is ftjobs.Job and path[-2:] == ("error", "code") and type(new) is int:
                    ok = True  # and its code a number (Vertex through Portkey): read as a string
                if ok:
                    try:
                        _parse(document, cls, is_list)
                    except ftjobs.ResponseValidationError as exc:
                        pytest.fail(f"{case} should parse, raised {exc}")
                else:
                    try:
                        _parse(document, cls, is_list)
                    except ftjobs.ResponseValidationError as exc:
                        message = str(exc)
                    else:
                        pytest.fail(f"{case} should raise ResponseValidationError")
                    assert message.startswith(f"{render(root, where)}: expected "), f"{case}: {message}"
                    got = "null" if where != path else "list" if isinstance(new, list) else json_type(new)
                    assert message.endswith(f", got {got}"), f"{case}: {message}"
            finally:
                _set(document, path, original)
    return checked


def test_the_collection_covers_current_spec_history_and_every_grader() -> None:
    """Today's spec, the historical examples and the reinforcement jobs are all in the set."""
    names = [name for name, _, _ in DOCUMENTS]
    assert sum(n.startswith("current/") for n in names) >= 5
    assert sum(n.startswith(("openai/", "portkey/")) for n in names) > 400
    graders = {job["method"]["reinforcement"]["grader"]["type"] for job in _reinforcement_jobs()[:-1]}
    assert graders == {"string_check", "text_similarity", "python", "label_model", "multi", "score_model"}


@pytest.mark.parametrize(("name", "document", "cls"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_every_mutation_parses_or_names_its_path(name: str, document: Any, cls: type[Any]) -> None:
    """Each value replaced by each other JSON type: parses if the spec allows it, else the error names it."""
    document = copy.deepcopy(document)
    _parse(document, cls, document.get("object") == "list")  # the example itself parses
    assert check_document(name, document, cls) > 0
