"""Pydantic's errors read as plain messages with the field's dotted path."""

from __future__ import annotations

from typing import Literal

import pydantic
import pytest

from core.documents import Document, DocumentError, FieldProblem, field_path, read


class Risk(Document):
    name: str
    impact: int = pydantic.Field(ge=1, le=5)


class Payoff(Document):
    tp: float
    fp: float = 0.0


class Goal(Document):
    name: str
    task: Literal["binary", "multiclass", "regression"] = "binary"
    payoff: Payoff | None = None
    risks: tuple[Risk, ...] = ()
    horizon_months: int = pydantic.Field(default=12, ge=1)

    @pydantic.field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name is required")
        return value


def _problems(data: object) -> list[FieldProblem]:
    with pytest.raises(DocumentError) as raised:
        read(Goal, data, document="goal")
    return raised.value.problems


def test_field_path_writes_list_items_in_brackets() -> None:
    assert field_path(("risks", 2, "impact")) == "risks[2].impact"
    assert field_path(("tp",), "payoff") == "payoff.tp"


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    problems = _problems(
        {
            "name": " ",
            "task": "ranking",
            "payoff": {"tp": "a lot"},
            "risks": [{"name": "x", "impact": 9}],
        }
    )
    assert [p.field for p in problems] == ["name", "task", "payoff.tp", "risks[0].impact"]
    messages = {p.field: p.message for p in problems}
    assert messages["name"] == "name is required"
    assert messages["task"] == "task must be one of binary, multiclass, regression, got 'ranking'"
    assert messages["payoff.tp"] == "payoff.tp must be a number, got 'a lot'"
    assert messages["risks[0].impact"] == "risks[0].impact must be 5 or less, got 9"


def test_an_unknown_key_suggests_the_closest_known_field() -> None:
    (problem,) = _problems({"name": "churn", "payof": {"tp": 1}})
    assert problem == FieldProblem("payof", "payof is not a known field; did you mean 'payoff'?")
    (nested,) = _problems({"name": "churn", "payoff": {"tp": 1, "fn": 2}})
    assert nested.field == "payoff.fn"
    assert "known: tp, fp" in nested.message


def test_missing_and_wrong_shapes_are_named_in_words() -> None:
    problems = {p.field: p.message for p in _problems({"risks": "many", "horizon_months": 0})}
    assert problems == {
        "name": "name is required",
        "risks": "risks must be a list, got 'many'",
        "horizon_months": "horizon_months must be 1 or more, got 0",
    }
    (top,) = _problems(["not", "a", "mapping"])
    assert "must be a mapping of named fields" in top.message


def test_the_summary_names_the_document_and_the_count() -> None:
    with pytest.raises(
        DocumentError, match=r"the goal has 2 problem\(s\): name is required; "
    ) as e:
        read(Goal, {"task": "x"}, document="goal")
    assert e.value.field is None


def test_a_valid_document_round_trips() -> None:
    goal = read(
        Goal, {"name": "churn", "payoff": {"tp": 10}, "risks": [{"name": "r", "impact": 3}]}
    )
    assert read(Goal, goal.model_dump()) == goal
