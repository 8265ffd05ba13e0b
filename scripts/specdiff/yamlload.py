"""A faster YAML loader with the same results as trim's (C parser, dates kept as strings)."""

from __future__ import annotations

from typing import Any

import yaml

from .. import trim
from ..trim import SpecError

_STR = "tag:yaml.org,2002:str"


def load_yaml_fast(text: str, name: str) -> Any:
    """Parse YAML like trim's loader (same resolvers: dates stay strings), about twice as fast.

    The C parser composes the node graph; nodes are then turned into Python values directly, with
    strings (nearly all scalars of a spec) taken as they are and every other scalar built by the
    loader's own constructor. Anchors stay shared, merge keys are flattened as PyYAML does.
    """
    loader = trim._Loader(text)  # the project's loader: C parser, no timestamp resolver
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        memo: dict[int, Any] = {}

        def build(node: yaml.Node) -> Any:
            done = memo.get(id(node))
            if done is not None:
                return done
            if isinstance(node, yaml.ScalarNode):
                return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
            if isinstance(node, yaml.SequenceNode):
                seq: list[Any] = []
                memo[id(node)] = seq
                seq.extend(build(child) for child in node.value)
                return seq
            if not isinstance(node, yaml.MappingNode):
                return loader.construct_object(node, deep=True)
            loader.flatten_mapping(node)
            mapping: dict[Any, Any] = {}
            memo[id(node)] = mapping
            for key_node, value_node in node.value:
                key = build(key_node)
                try:
                    mapping[key] = build(value_node)
                except TypeError as exc:
                    raise SpecError(f"{name}: unhashable mapping key at {key_node.start_mark}") from exc
            return mapping

        return build(root)
    except yaml.YAMLError as exc:
        raise SpecError(f"{name}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
