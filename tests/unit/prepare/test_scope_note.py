"""The recipe's scope rule is stated once and shown by the UI."""

from __future__ import annotations

import core.prepare as prepare


def test_scope_note_is_in_the_module_docstring() -> None:
    docstring = " ".join((prepare.__doc__ or "").split())
    note = prepare.RECIPE_SCOPE_NOTE
    assert note.lower() in docstring.lower()
    assert "training pipeline" in note
    assert "leaks" in note
