"""Every ingest message that tells the user to change a read option names it as the user sees it.

Before: HINT_HEADER_ONLY said "set 'first row holds column names' to no" while the checkbox reads
"First row is a header" and the CLI option is --no-header. The labels come from
core.data.ingest.OPTION_LABELS, which the Data page's widgets use (test_data_import_page.py checks
them on screen), and the flags from the real `workbench data add` command.
"""

from __future__ import annotations

import re

import pytest

from app.cli.data import data_add
from core.data import ingest

CONTROL_WORDS = {
    "encoding": r"encoding",
    "delimiter": r"delimiter|separator",
    "decimal": r"decimal",
    "header": r"header|first row|column names",
    "sheet": r"sheets?",
}
INSTRUCTION = re.compile(r"\b(set|choose|pick|tick|untick|check|change|leave|select|try)\b", re.I)
PLACEHOLDER = re.compile(r"\{[^}]*\}")
FLAG = re.compile(r"--[a-z][a-z-]*")


def _messages() -> dict[str, str]:
    """Messages a user reads about a file and its read options (SQL sources have their own form)."""
    return {
        name: value
        for name, value in vars(ingest).items()
        if name.startswith(("MSG_", "HINT_", "NOTE_", "WARN_"))
        and "_SQL_" not in name
        and isinstance(value, str)
    }


def _cli_flags() -> set[str]:
    return {opt for param in data_add.params for opt in (*param.opts, *param.secondary_opts)}


def _names_controls(name: str, text: str) -> bool:
    return "_OPTION_" in name or bool(INSTRUCTION.search(text))


@pytest.mark.parametrize("name", sorted(_messages()))
def test_a_control_is_named_by_its_label_or_its_option(name: str) -> None:
    text = PLACEHOLDER.sub("", _messages()[name])
    if not _names_controls(name, text):
        return
    for field, words in CONTROL_WORDS.items():
        if not re.search(rf"\b({words})\b", text, re.IGNORECASE):
            continue
        flags = ingest.OPTION_FLAGS[field].split("/")
        assert ingest.OPTION_LABELS[field] in text or any(flag in text for flag in flags), (
            f"{name} mentions the {field} option without its label "
            f"{ingest.OPTION_LABELS[field]!r} or option {ingest.OPTION_FLAGS[field]}: {text!r}"
        )


@pytest.mark.parametrize("name", sorted(_messages()))
def test_every_option_a_message_names_exists(name: str) -> None:
    assert set(FLAG.findall(_messages()[name])) <= _cli_flags()


def test_the_option_flags_are_those_of_data_add() -> None:
    for flags in ingest.OPTION_FLAGS.values():
        assert set(flags.split("/")) <= _cli_flags()


def test_the_old_header_hint_would_fail_this_check() -> None:
    old = "If the first line is data, not names, set 'first row holds column names' to no."
    assert INSTRUCTION.search(old) and re.search(CONTROL_WORDS["header"], old)
    assert ingest.OPTION_LABELS["header"] not in old and "--no-header" not in old
