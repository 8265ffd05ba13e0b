"""A fast, bounded YAML loader with the same values as trim's (C parser, dates kept as strings).

The C parser emits events; this module turns them into Python values in one iterative pass (no
recursion, so no nesting depth can overflow a stack), which is also where hostile input is refused:

- nesting deeper than `MAX_DEPTH` collections;
- excessive aliasing: a document whose aliases, expanded, would hold more than `MAX_EXPANDED_NODES`
  nodes beyond `ALIAS_RATIO` times the nodes actually written (the "billion laughs" alias bomb;
  oasdiff's YAML library refuses the same way), and an alias to a collection that is still open
  (a recursive alias);
- duplicate mapping keys (YAML 1.2 forbids them; PyYAML would keep the last silently);
- tags other than the JSON-compatible ones (str, null, bool, int, float, seq, map), several
  documents in one stream.

Anchors stay shared (an alias is the same Python object), `<<` merge keys are flattened as PyYAML
flattens them, and scalars resolve with trim's loader (no timestamp resolver: dates stay strings).
"""

from __future__ import annotations

from typing import Any

import yaml

from .. import trim
from ..trim import SpecError

MAX_DEPTH = 128
MAX_EXPANDED_NODES = 1_000_000
ALIAS_RATIO = 4

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_VALUE = "tag:yaml.org,2002:value"
_PLAIN_TAGS = (None, "!")
_JSON_SCALARS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float"))


class _Open:
    """A collection being built: its value, its expanded size so far, its anchor, its key state."""

    __slots__ = ("anchor", "key", "key_line", "merges", "size", "value")

    def __init__(self, value: Any, anchor: str | None) -> None:
        self.value = value
        self.anchor = anchor
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.merges: list[Any] | None = None


_NO_KEY = object()
_MERGE_KEY = object()


def _where(event: Any) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


class _Builder:
    def __init__(self, name: str, mapping: bool = False) -> None:
        self.name = name
        self.mapping = mapping
        self.loader = trim._Loader("")
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.written = 0
        self.expanded = 0

    def fail(self, message: str) -> SpecError:
        return SpecError(f"{self.name}: {message}")

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag in _PLAIN_TAGS:
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag in (_STR, _VALUE):
            return event.value
        constructor = self.loader.yaml_constructors.get(tag)
        if constructor is None or tag not in _JSON_SCALARS:
            raise self.fail(f"unsupported YAML tag {tag!r} at {_where(event)}")
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return constructor(self.loader, node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise self.fail(f"bad {tag.rsplit(':', 1)[-1]} scalar at {_where(event)}: {exc}") from exc

    def count(self, size: int, event: Any) -> None:
        self.expanded += size
        if self.expanded > MAX_EXPANDED_NODES + ALIAS_RATIO * self.written:
            limit = MAX_EXPANDED_NODES + ALIAS_RATIO * self.written
            raise self.fail(
                f"excessive aliasing at {_where(event)}: the aliases expand the document past {limit} "
                f"nodes ({self.written} written)"
            )

    def build(self, parser: Any) -> Any:
        stack: list[_Open] = []
        root: list[Any] = []
        get = parser.get_event
        ev = get()  # StreamStartEvent
        ev = get()
        if isinstance(ev, yaml.StreamEndEvent):
            return None
        ev = get()  # the event after DocumentStartEvent
        is_list = isinstance(ev, yaml.SequenceStartEvent)
        if self.mapping and (is_list or (isinstance(ev, yaml.ScalarEvent) and ev.value)):
            top = "a list" if is_list else "a scalar"
            raise self.fail(f"not an OpenAPI 3 document (the top level is {top})")
        while True:
            kind = type(ev)
            size = 1
            if kind is yaml.ScalarEvent:
                self.written += 1
                value: Any
                if (
                    ev.value == "<<"
                    and ev.tag is None
                    and ev.implicit[0]
                    and stack
                    and stack[-1].key is _NO_KEY
                    and isinstance(stack[-1].value, dict)
                ):
                    value = _MERGE_KEY
                else:
                    value = self.scalar(ev)
                if ev.anchor is not None:
                    self.anchors[ev.anchor] = (value, 1)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.written += 1
                if ev.tag not in (*_PLAIN_TAGS, _SEQ if kind is yaml.SequenceStartEvent else _MAP):
                    raise self.fail(f"unsupported YAML tag {ev.tag!r} at {_where(ev)}")
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(f"nesting deeper than {MAX_DEPTH} levels at {_where(ev)}")
                stack.append(_Open({} if kind is yaml.MappingStartEvent else [], ev.anchor))
                if ev.anchor is not None:
                    self.open_anchors.add(ev.anchor)
                self.count(1, ev)
                ev = get()
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                value, size = done.value, done.size
                if done.merges is not None:
                    value = self.merged(done, ev)
                if done.anchor is not None:
                    self.open_anchors.discard(done.anchor)
                    self.anchors[done.anchor] = (value, size)
            elif kind is yaml.AliasEvent:
                if ev.anchor in self.open_anchors:
                    raise self.fail(f"recursive alias *{ev.anchor} at {_where(ev)}")
                if ev.anchor not in self.anchors:
                    raise self.fail(f"undefined alias *{ev.anchor} at {_where(ev)}")
                value, size = self.anchors[ev.anchor]
                self.count(size, ev)
            elif kind is yaml.DocumentEndEvent:
                if not isinstance(get(), yaml.StreamEndEvent):
                    raise self.fail("several YAML documents in one file")
                return root[0] if root else None
            else:
                raise self.fail(f"unexpected YAML event {kind.__name__} at {_where(ev)}")
            if kind is yaml.ScalarEvent:
                self.count(1, ev)
            if not stack:
                root.append(value)
            else:
                self.add(stack[-1], value, size, ev)
            ev = get()

    def add(self, top: _Open, value: Any, size: int, ev: Any) -> None:
        top.size += size
        container = top.value
        if isinstance(container, list):
            container.append(value)
            return
        if top.key is _NO_KEY:
            if isinstance(value, dict | list):
                raise self.fail(f"unhashable mapping key (a collection) at {_where(ev)}")
            top.key, top.key_line = value, ev.start_mark.line + 1
            return
        key, top.key = top.key, _NO_KEY
        if key is _MERGE_KEY:
            parts = value if isinstance(value, list) else [value]
            if not all(isinstance(p, dict) for p in parts):
                raise self.fail(f"a '<<' merge key takes a mapping or a list of mappings ({_where(ev)})")
            top.merges = (top.merges or []) + list(reversed(parts))
            return
        if key in container:
            raise self.fail(f"duplicate key {key!r} at line {top.key_line}")
        container[key] = value

    def merged(self, done: _Open, ev: Any) -> dict[Any, Any]:
        """PyYAML's merge order: merged keys first (later `<<` lists lose), own keys override."""
        out: dict[Any, Any] = {}
        for part in done.merges or []:
            out.update(part)
        out.update(done.value)
        return out


def load_yaml_fast(text: str, name: str, *, mapping: bool = False) -> Any:
    """Parse YAML like trim's loader (same resolvers: dates stay strings), bounded; SpecError if unusable.

    With `mapping`, a document whose top level is a list or a scalar is refused at its first event
    (an OpenAPI document is a mapping: no need to read megabytes of something else).
    """
    parser = trim._Loader(text)
    try:
        return _Builder(name, mapping).build(parser)
    except yaml.YAMLError as exc:
        raise SpecError(f"{name}: not valid YAML: {exc}") from exc
    finally:
        parser.dispose()
