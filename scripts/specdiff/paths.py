"""Index a document's operations: match paths by template shape, merge path-level parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..trim import HTTP_METHODS
from .normalize import Resolver, join

_PARAM = re.compile(r"\{[^}/]*\}")


def path_key(path: str) -> str:
    """A path template with parameter names blanked: `/jobs/{id}` and `/jobs/{job_id}` match."""
    return _PARAM.sub("{}", path.rstrip("/") or "/")


@dataclass
class Operation:
    path: str
    method: str
    node: dict[str, Any]
    ptr: str

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(doc: dict[str, Any]) -> dict[tuple[str, str], Operation]:
    """(path key, method) -> Operation, in document order."""
    out: dict[tuple[str, str], Operation] = {}
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                out[(path_key(path), method)] = Operation(path, method, op, join("/paths", path, method))
    return out


def parameters(
    resolver: Resolver, doc: dict[str, Any], op: Operation
) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """The operation's parameters (path-level ones merged in), keyed by (in, name).

    Path parameters are keyed by their position in the template, so renaming `{id}` is no change;
    header parameters by their lower-cased name.
    """
    item = doc["paths"][op.path]
    names = [m.group(0)[1:-1] for m in _PARAM.finditer(op.path)]
    out: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    sources = (
        (item.get("parameters") or [], join("/paths", op.path, "parameters")),
        (op.node.get("parameters") or [], join(op.ptr, "parameters")),
    )
    for params, ptr in sources:
        for i, raw in enumerate(params):
            param, pptr = resolver.deref(raw, join(ptr, i))
            if not isinstance(param, dict):
                continue
            where, name = str(param.get("in")), str(param.get("name"))
            if where == "path" and name in names:
                name = f"#{names.index(name)}"
            elif where == "header":
                name = name.lower()  # HTTP field names are case-insensitive
            out[(where, name)] = (param, pptr)
    return out


def security(doc: dict[str, Any], op: Operation) -> list[frozenset[str]] | None:
    """The effective security alternatives (operation's, else global); None when there are none."""
    reqs = op.node["security"] if "security" in op.node else doc.get("security")
    if not reqs:
        return None
    return [frozenset(r) for r in reqs if isinstance(r, dict)]


def security_ptr(op: Operation) -> str:
    """Where the effective security requirement lives: the operation's own, else the document's."""
    return join(op.ptr, "security") if "security" in op.node else "/security"
