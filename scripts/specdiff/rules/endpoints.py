"""Paths and operations added or removed (spec unit).

The removal of an operation announced for it (deprecated, or draft/alpha) is judged by
rules/deprecation.py instead, and so is a path whose operations all were.
"""

from __future__ import annotations

from ..model import Sink, SpecPair
from ..normalize import join
from ..paths import operations, path_key
from .deprecation import announced, removal

PATH_ADDED = "path-added"
PATH_REMOVED = "path-removed"
OPERATION_ADDED = "operation-added"
OPERATION_REMOVED = "operation-removed"


def check(sink: Sink, pair: SpecPair) -> None:
    base_paths = {path_key(p): p for p in pair.base.get("paths") or {}}
    rev_paths = {path_key(p): p for p in pair.revision.get("paths") or {}}
    for key, path in base_paths.items():
        if key not in rev_paths and not announced(pair.base, key):
            sink.emit(PATH_REMOVED, join("/paths", path), None, path=path)
    for key, path in rev_paths.items():
        if key not in base_paths:
            sink.emit(PATH_ADDED, None, join("/paths", path), path=path)
    base_ops, rev_ops = operations(pair.base), operations(pair.revision)
    for op_key, op in base_ops.items():
        if op_key not in rev_ops and op_key[0] in rev_paths and removal(op.node) is None:
            sink.emit(OPERATION_REMOVED, op.ptr, None, operation=op.label, label=op.label)
    for op_key, op in rev_ops.items():
        if op_key not in base_ops and op_key[0] in base_paths:
            sink.emit(OPERATION_ADDED, None, op.ptr, operation=op.label, label=op.label)
