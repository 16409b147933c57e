"""The one YAML loader: safe types only, and bounded so a small file cannot eat a shared server.

Why: PyYAML's ``safe_load`` refuses Python objects but not a "billion laughs" (aliases that
expand to gigabytes) nor 5,000-deep nesting (a ``RecursionError``). This loader composes the
node tree first and refuses, before anything is constructed, a document over ``max_bytes``,
more than ``max_aliases`` aliases, aliases that expand to more than ``max_values`` values, or
nesting deeper than ``max_depth``. Each refusal is a :class:`YamlLimitError` whose one-line
message names the limit and the setting that raises it.

>>> load_yaml("a: [1, 2]")
{'a': [1, 2]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from core.exceptions import CoreError

#: Largest YAML document accepted, in bytes (setting WORKBENCH_MAX_YAML_BYTES).
MAX_YAML_BYTES = 1_000_000
#: Most aliases (``*name``) one document may use (setting WORKBENCH_MAX_YAML_ALIASES).
MAX_YAML_ALIASES = 20
#: Deepest nesting of lists/mappings accepted (setting WORKBENCH_MAX_YAML_DEPTH).
MAX_YAML_DEPTH = 50
#: Most values the document may hold once its aliases are expanded.
MAX_YAML_VALUES = 200_000

TOO_BIG = "{source} is {size:,} bytes; YAML documents are limited to {limit:,} bytes (setting WORKBENCH_MAX_YAML_BYTES)."
TOO_MANY_ALIASES = "{source} uses more than {limit} YAML aliases (*name); the limit is {limit} (setting WORKBENCH_MAX_YAML_ALIASES)."
TOO_DEEP = "{source} nests deeper than {limit} levels at line {line}; the limit is {limit} (setting WORKBENCH_MAX_YAML_DEPTH)."
TOO_MANY_VALUES = (
    "{source} expands to more than {limit:,} values through its aliases; the limit is {limit:,}."
)


class YamlLimitError(CoreError):
    """A YAML document over one of the loader's limits."""


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int = MAX_YAML_BYTES
    max_aliases: int = MAX_YAML_ALIASES
    max_depth: int = MAX_YAML_DEPTH
    max_values: int = MAX_YAML_VALUES


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer counts aliases and depth while it builds the node tree."""

    limits: YamlLimits = YamlLimits()
    source: str = "the YAML document"

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.limits.max_aliases:
                raise YamlLimitError(
                    TOO_MANY_ALIASES.format(source=self.source, limit=self.limits.max_aliases),
                    field="aliases",
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                mark = self.peek_event().start_mark
                raise YamlLimitError(
                    TOO_DEEP.format(
                        source=self.source, limit=self.limits.max_depth, line=mark.line + 1
                    ),
                    field="depth",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_values(node: yaml.Node, memo: dict[int, int], limit: int) -> int:
    """How many values ``node`` holds once aliases are expanded (memoised: shared nodes count once each use)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias (&a [*a]) counts once instead of looping
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_values(child, memo, limit)
            if total > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            total += _expanded_values(key_node, memo, limit) + _expanded_values(
                value_node, memo, limit
            )
            if total > limit:
                break
    memo[key] = total
    return total


def load_yaml(
    text: str | bytes, *, source: str = "the YAML document", limits: YamlLimits | None = None
) -> Any:
    """Parse one YAML document with safe types only, refusing documents over ``limits``.

    Raises :class:`YamlLimitError` for a limit, ``yaml.YAMLError`` for invalid YAML and
    ``UnicodeDecodeError`` for bytes that are not UTF-8.
    """
    limits = limits or YamlLimits()
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > limits.max_bytes:
        raise YamlLimitError(
            TOO_BIG.format(source=source, size=size, limit=limits.max_bytes), field="size"
        )
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    loader = _BoundedLoader(text)
    loader.limits = limits
    loader.source = source
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_values(node, {}, limits.max_values) > limits.max_values:
            raise YamlLimitError(
                TOO_MANY_VALUES.format(source=source, limit=limits.max_values), field="aliases"
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()
