"""The bounded YAML loader refuses bombs before constructing anything, and loads ordinary YAML."""

from __future__ import annotations

import pytest
import yaml

from core.safe_yaml import MAX_YAML_ALIASES, MAX_YAML_DEPTH, YamlLimitError, YamlLimits, load_yaml


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_ordinary_yaml_loads_with_its_aliases() -> None:
    text = "base: &b {x: 1}\nother: *b\nlist: [1, two, 3.5]\n"
    assert load_yaml(text) == {"base": {"x": 1}, "other": {"x": 1}, "list": [1, "two", 3.5]}


def test_billion_laughs_is_refused_naming_the_alias_limit() -> None:
    with pytest.raises(YamlLimitError) as caught:
        load_yaml(billion_laughs(), source="bomb.yaml")
    message = str(caught.value)
    assert "bomb.yaml" in message and f"more than {MAX_YAML_ALIASES} YAML aliases" in message
    assert "WORKBENCH_MAX_YAML_ALIASES" in message and "\n" not in message


def test_few_aliases_that_expand_a_lot_are_refused() -> None:
    two_per_level = "\n".join(
        ["a0: &a0 [" + ",".join(['"lol"'] * 100) + "]"]
        + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 10)]
    )
    with pytest.raises(YamlLimitError, match="expands to more than"):
        load_yaml(two_per_level, limits=YamlLimits(max_values=10_000))


def test_deep_nesting_is_refused_instead_of_recursion_error() -> None:
    text = "x: " + "[" * 5000 + "]" * 5000
    with pytest.raises(YamlLimitError) as caught:
        load_yaml(text, source="deep.yaml")
    assert f"deeper than {MAX_YAML_DEPTH} levels" in str(caught.value)
    assert "WORKBENCH_MAX_YAML_DEPTH" in str(caught.value)


def test_nesting_at_the_limit_loads() -> None:
    depth = MAX_YAML_DEPTH - 1  # the top-level mapping is one level
    assert load_yaml("x: " + "[" * depth + "]" * depth) is not None


def test_document_over_the_size_limit_is_refused() -> None:
    text = "note: " + "x" * 2_000
    with pytest.raises(
        YamlLimitError, match=r"2,006 bytes; YAML documents are limited to 1,000 bytes"
    ):
        load_yaml(text, limits=YamlLimits(max_bytes=1_000))


def test_unsafe_tags_are_refused_by_the_safe_loader() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("x: !!python/object/apply:os.system ['echo hi']")


def test_bytes_with_bom_are_read() -> None:
    assert load_yaml("\ufeffa: 1".encode()) == {"a": 1}


def test_empty_document_is_none() -> None:
    assert load_yaml("") is None
