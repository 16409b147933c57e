"""The recipe's scope rule is stated once and shown by the UI."""

from __future__ import annotations

import core.data.recipe as recipe


def test_scope_note_is_in_the_module_docstring() -> None:
    docstring = " ".join((recipe.__doc__ or "").split())
    note = recipe.RECIPE_SCOPE_NOTE
    assert note.lower() in docstring.lower()
    assert "training pipeline" in note
    assert "leaks" in note
