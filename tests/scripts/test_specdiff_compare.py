"""The walker skips a schema pair only when its text and everything it reaches are the same."""

from __future__ import annotations

import copy
from typing import Any

from scripts.specdiff import diff_docs
from scripts.specdiff.compare import Walker
from tests.scripts.test_specdiff_fuzz import spec


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def chain_doc(leaf_type: str) -> dict[str, Any]:
    """A (the response) -> B -> C (recursive back to A) -> leaf property of leaf_type."""
    doc = spec({"type": "object"}, {"type": "object"}, {"type": "object"})
    doc["components"]["schemas"] = {
        "A": {"type": "object", "properties": {"b": ref("B")}},
        "B": {"type": "object", "properties": {"c": ref("C")}},
        "C": {"type": "object", "properties": {"again": ref("A"), "leaf": {"type": leaf_type}}},
    }
    return doc


def test_change_two_refs_away_through_a_cycle_is_found() -> None:
    """A and B have the same text in both documents; C (reached through them, in a cycle) changed:
    the change is still reported."""
    base, rev = chain_doc("string"), chain_doc("integer")
    result = diff_docs(base, rev, "b", "r")
    assert [(c.id, c.revision) for c in result.changes] == [
        ("response-type-changed", "/components/schemas/C/properties/leaf")
    ]


def test_same_schema_and_closure_is_skipped_and_a_changed_closure_is_not() -> None:
    """Walker.same: equal text and equal reachable components; any difference in the closure, or a
    ref missing on one side, makes it not the same."""
    base = chain_doc("string")
    walker = Walker(base, copy.deepcopy(base))
    assert walker.same(ref("A"), ref("A"))
    changed = Walker(base, chain_doc("integer"))
    assert not changed.same(ref("A"), ref("A"))
    assert changed.same({"type": "string"}, {"type": "string"})
    missing = copy.deepcopy(base)
    del missing["components"]["schemas"]["C"]
    assert not Walker(base, missing).same(ref("B"), ref("B"))
