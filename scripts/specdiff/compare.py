"""The walker: matches operations, runs every handler of the registry per unit, recurses into schemas.

Schema comparisons are memoised by (base schema, revision schema, direction), so a component used
by many operations is compared once, and a schema pair already on the stack (a recursive schema) is
not entered again. Two schemas with the same text whose `$ref`s reach only components with the same
text in both documents are not compared at all (most of a whole-spec diff).
"""

from __future__ import annotations

from typing import Any

from ..trim import SpecError, iter_refs
from . import messages, registry
from .model import Change, DiffResult, Direction, Finding, OpPair, SchemaPair, Sink, SpecPair
from .normalize import Norm, Resolver
from .paths import operations, parameters, security, security_ptr
from .rules import types, variants

_Key = tuple[tuple[str, bool, str | None], tuple[str, bool, str | None], str]


class Walker:
    def __init__(self, base: dict[str, Any], revision: dict[str, Any]) -> None:
        self.base_doc, self.revision_doc = base, revision
        self.base = Resolver(base)
        self.revision = Resolver(revision)
        self._cache: dict[_Key, list[Finding]] = {}
        self._stack: set[_Key] = set()
        self._schema_handlers = registry.handlers("schema")
        self._unchanged: dict[str, bool] = {}

    def schema(
        self, sink: Sink, b_node: Any, b_ptr: str, r_node: Any, r_ptr: str, direction: Direction
    ) -> None:
        if self.same(b_node, r_node):
            return  # the same text meaning the same things: no rule can find a change
        self.norms(sink, self.base.norm(b_node, b_ptr), self.revision.norm(r_node, r_ptr), direction)

    def same(self, b_node: Any, r_node: Any) -> bool:
        """Whether two raw schemas are equal and every `$ref` they reach (transitively) is equal in
        both documents: then they mean the same, wherever they are."""
        return b_node == r_node and all(self._ref_unchanged(ref) for ref in set(iter_refs(b_node)))

    def _ref_unchanged(self, ref: str) -> bool:
        known = self._unchanged.get(ref)
        if known is not None:
            return known
        seen, stack = {ref}, [ref]
        while stack:
            current = stack.pop()
            if self._unchanged.get(current) is True:
                continue
            try:
                b_target, r_target = self.base.lookup(current), self.revision.lookup(current)
            except SpecError:  # not local, or missing on one side: not known to be the same
                b_target, r_target = current, None
            if b_target != r_target:
                self._unchanged[ref] = False
                return False
            for inner in iter_refs(b_target):
                if inner not in seen:
                    seen.add(inner)
                    stack.append(inner)
        for reached in seen:  # their closures are inside this one: all unchanged too
            self._unchanged[reached] = True
        return True

    def norms(self, sink: Sink, b: Norm, r: Norm, direction: Direction) -> None:
        key: _Key = (b.key, r.key, direction)
        if key in self._stack:
            return
        cached = self._cache.get(key)
        if cached is None:
            self._stack.add(key)
            local = Sink()
            try:
                self._compare(local, SchemaPair(b, r, direction, self.base, self.revision, self))
            finally:
                self._stack.discard(key)
            cached = self._cache[key] = local.findings
        sink.findings.extend(cached)

    def _compare(self, sink: Sink, pair: SchemaPair) -> None:
        for handler in self._schema_handlers:
            handler(sink, pair)
        b, r, direction = pair.base, pair.revision, pair.direction
        if b.variants or r.variants:
            matched, _, _ = variants.match(pair)
            for bn, rn in matched:
                if bn is not b or rn is not r:
                    self.norms(sink, bn, rn, direction)
            return
        if not (types.covers(b.types, r.types) or types.covers(r.types, b.types)):
            return  # an incompatible type change: the parts below are not comparable
        for name, (node, ptr) in b.properties.items():
            if name in r.properties:
                self.schema(sink, node, ptr, *r.properties[name], direction)
        if b.items is not None and r.items is not None:
            self.schema(sink, *b.items, *r.items, direction)
        if b.additional is not None and r.additional is not None:
            self.schema(sink, *b.additional, *r.additional, direction)

    def run(self) -> list[tuple[str | None, Finding]]:
        """Every finding with its operation label, in document order."""
        out: list[tuple[str | None, Finding]] = []
        spec_sink = Sink()
        for handler in registry.handlers("spec"):
            handler(spec_sink, SpecPair(self.base_doc, self.revision_doc, self, self.base, self.revision))
        out.extend((f.operation, f) for f in spec_sink.findings)
        b_ops, r_ops = operations(self.base_doc), operations(self.revision_doc)
        op_handlers = registry.handlers("operation")
        for key, b_op in b_ops.items():
            r_op = r_ops.get(key)
            if r_op is None:
                continue
            pair = OpPair(
                label=r_op.label,
                base=b_op.node,
                revision=r_op.node,
                base_ptr=b_op.ptr,
                revision_ptr=r_op.ptr,
                base_params=parameters(self.base, self.base_doc, b_op),
                revision_params=parameters(self.revision, self.revision_doc, r_op),
                base_security=security(self.base_doc, b_op),
                revision_security=security(self.revision_doc, r_op),
                base_security_ptr=security_ptr(b_op),
                revision_security_ptr=security_ptr(r_op),
                walker=self,
                base_resolver=self.base,
                revision_resolver=self.revision,
            )
            sink = Sink()
            for handler in op_handlers:
                handler(sink, pair)
            out.extend((f.operation or pair.label, f) for f in sink.findings)
        return out


def diff_docs(
    base: dict[str, Any], revision: dict[str, Any], base_name: str, revision_name: str
) -> DiffResult:
    """Compare two (already trimmed) OpenAPI documents."""
    walker = Walker(base, revision)
    for resolver, name in ((walker.base, base_name), (walker.revision, revision_name)):
        try:
            resolver.check_refs()
        except SpecError as exc:
            raise SpecError(f"{name}: {exc}") from exc
    changes: list[Change] = []
    seen: set[tuple[str | None, Finding]] = set()
    for operation, finding in walker.run():
        if (operation, finding) in seen:
            continue
        seen.add((operation, finding))
        rule = registry.BY_ID[finding.rule_id]
        changes.append(
            Change(
                id=rule.id,
                level=rule.level,
                direction=rule.direction,
                operation=operation,
                base=finding.base,
                revision=finding.revision,
                message=messages.render(rule.id, dict(finding.params)),
            )
        )
    return DiffResult(base_name, revision_name, changes)
