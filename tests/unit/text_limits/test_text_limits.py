from __future__ import annotations

import pytest

from core.text_limits import TEXT_LIMITS, TextTooLong, check_text, document_text_problems


def test_text_at_the_limit_is_kept() -> None:
    text = "x" * TEXT_LIMITS["cohort name"]
    assert check_text("cohort name", text) == text


def test_text_over_the_limit_names_field_and_limit() -> None:
    with pytest.raises(
        TextTooLong, match=r"The project description is 2,001 characters long; the limit is 2,000"
    ):
        check_text("project description", "x" * 2_001)


def test_every_string_in_a_goal_document_is_checked_by_path() -> None:
    document = {"name": "ok", "risks": [{"text": "short"}, {"text": "y" * 5_000}]}
    [(path, message)] = document_text_problems(document)
    assert path == "risks[1].text"
    assert message == "The goal field risks[1].text is 5,000 characters long; the limit is 2,000."
    assert document_text_problems({"name": "ok", "risks": [{"text": "short"}]}) == []


def test_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        check_text("no such field", "x")
