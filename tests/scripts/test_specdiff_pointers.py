"""Every location pointer of the JSON output resolves in the (trimmed) document it names."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from scripts import trim
from scripts.specdiff import SpecError, diff_docs, render
from scripts.specdiff.report import history
from scripts.specdiff.sources import load_path
from tests.scripts.test_specdiff_fuzz import SCHEMAS, spec

UPSTREAM = trim.UPSTREAM
_MISSING = object()


def resolve(doc: Any, pointer: str) -> Any:
    """The node at an RFC 6901 pointer, or _MISSING."""
    node = doc
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def unresolved(base: dict[str, Any], revision: dict[str, Any]) -> tuple[int, list[str]]:
    """(pointers checked, the ones that do not resolve) in the JSON output of diff(base, revision)."""
    output = json.loads(render.as_json(diff_docs(base, revision, "base", "revision")))
    checked, bad = 0, []
    for change in output["changes"]:
        for side, doc in (("base", base), ("revision", revision)):
            pointer = change["location"][side]
            if pointer is None:
                continue
            checked += 1
            if resolve(doc, pointer) is _MISSING:
                bad.append(f"{change['id']} {side} {pointer}")
    return checked, bad


def real_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for vendor in ("openai", "portkey"):
        files = [path for _, _, path in history(UPSTREAM, vendor)]
        pairs += list(itertools.pairwise(files))
    return [*pairs, (UPSTREAM / "openai" / "openapi.yaml", UPSTREAM / "portkey" / "openapi.yaml")]


@pytest.mark.skipif(not UPSTREAM.is_dir(), reason="openapi/upstream is missing")
def test_every_pointer_over_the_real_history_resolves() -> None:
    """All consecutive pairs of both histories and OpenAI vs Portkey: zero unresolved pointers."""
    docs: dict[Path, dict[str, Any]] = {}
    checked, bad = 0, []
    for b_path, r_path in real_pairs():
        for path in (b_path, r_path):
            if path not in docs:
                docs[path] = load_path(path)
        n, missing = unresolved(docs[b_path], docs[r_path])
        checked += n
        bad += [f"{b_path.name} -> {r_path.name}: {m}" for m in missing]
    assert checked > 600  # the history has hundreds of changes: the check is not vacuous
    assert bad == []


def _with_security(doc: dict[str, Any], where: str, schemes: list[str]) -> dict[str, Any]:
    """doc with a security requirement at the document level or on its one operation."""
    out: dict[str, Any] = json.loads(json.dumps(doc))
    requirement: list[dict[str, list[str]]] = [{name: []} for name in schemes]
    out.setdefault("components", {})["securitySchemes"] = {
        "A": {"type": "http", "scheme": "bearer"},
        "B": {"type": "apiKey", "in": "header", "name": "X-Key"},  # another credential than A's
    }
    if where == "document":
        out["security"] = requirement
    else:
        out["paths"]["/fine_tuning/jobs"]["post"]["security"] = requirement
    return out


@pytest.mark.parametrize("base_at", ["document", "operation", "none"])
@pytest.mark.parametrize("revision_at", ["document", "operation", "none"])
def test_security_changes_point_where_the_requirement_lives(base_at: str, revision_at: str) -> None:
    """A requirement inherited from the document points at `/security`, an operation's own at its
    `security`; whichever side holds it."""
    plain = spec({"type": "object"}, {"type": "object"}, {"type": "object"})
    base = plain if base_at == "none" else _with_security(plain, base_at, ["A"])
    revision = plain if revision_at == "none" else _with_security(plain, revision_at, ["B"])
    checked, bad = unresolved(base, revision)
    assert bad == []
    assert checked >= (base_at != "none") + (revision_at != "none")
    ids = {c.id for c in diff_docs(base, revision, "b", "r").changes}
    if "none" not in (base_at, revision_at):
        assert ids == {"security-alternative-added", "security-alternative-removed"}


def test_ref_with_siblings_points_into_its_own_allof() -> None:
    """A `$ref` with constraining siblings and an `allOf`: changes inside the allOf point at the real
    `allOf/<i>` of the document (not shifted by the `$ref`)."""
    ref = {"$ref": "#/components/schemas/B"}
    base = spec(
        {"type": "object"}, {"type": "object"}, {**ref, "allOf": [{"properties": {"x": {"type": "string"}}}]}
    )
    rev = spec(
        {"type": "object"}, {"type": "object"}, {**ref, "allOf": [{"properties": {"x": {"type": "integer"}}}]}
    )
    result = diff_docs(base, rev, "b", "r")
    pointers = {c.revision for c in result.changes if c.id == "request-type-changed"}
    body = "/paths/~1fine_tuning~1jobs/post/requestBody/content/application~1json/schema"
    assert pointers == {f"{body}/allOf/0/properties/x"}
    assert unresolved(base, rev)[1] == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS)
def test_pointers_of_generated_schema_changes_resolve(
    a1: Any, b1: Any, c1: Any, a2: Any, b2: Any, c2: Any
) -> None:
    """Random schemas (refs, combinators, arrays, objects): every reported pointer resolves."""
    one, two = spec(a1, b1, c1), spec(a2, b2, c2)
    error, bad = "", list[str]()
    try:
        _, bad = unresolved(one, two)
    except SpecError as exc:  # a contentless $ref cycle is unusable input, not a change
        error = str(exc)
    assert bad == []
    assert not error or "cycle without content" in error
