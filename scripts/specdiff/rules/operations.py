"""Operation-level metadata: operationId, deprecation, documentation (operation unit)."""

from __future__ import annotations

from ..model import OpPair, Sink
from ..normalize import join

OPERATION_ID_CHANGED = "operation-id-changed"
OPERATION_DEPRECATED = "operation-deprecated"
OPERATION_DOCS_CHANGED = "operation-docs-changed"

_DOC_KEYS = ("summary", "description")


def check(sink: Sink, op: OpPair) -> None:
    b_id, r_id = op.base.get("operationId"), op.revision.get("operationId")
    if b_id != r_id and b_id is not None:
        sink.emit(
            OPERATION_ID_CHANGED,
            join(op.base_ptr, "operationId"),
            join(op.revision_ptr, "operationId"),
            old=b_id,
            new=r_id,
        )
    if op.revision.get("deprecated") is True and op.base.get("deprecated") is not True:
        sink.emit(OPERATION_DEPRECATED, op.base_ptr, join(op.revision_ptr, "deprecated"))
    changed = [k for k in _DOC_KEYS if _text(op.base.get(k)) != _text(op.revision.get(k))]
    if changed:
        sink.emit(OPERATION_DOCS_CHANGED, op.base_ptr, op.revision_ptr, fields=", ".join(changed))


def _text(value: object) -> str:
    """Documentation text compared without whitespace differences (YAML folding, trailing newlines)."""
    return " ".join(str(value or "").split())
