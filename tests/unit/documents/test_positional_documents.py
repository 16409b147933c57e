"""PositionalDocument: built like a dataclass, validated by pydantic, the stage's own error;
FieldError places a model validator's message at one field."""

from __future__ import annotations

import pydantic
import pytest

from core.documents import FieldError, FieldProblem, PositionalDocument, plain_problems, read
from core.exceptions import CoreError


class RangeError(CoreError):
    pass


class Range(PositionalDocument):
    low: float
    high: float = 1.0

    stage_error = RangeError

    @pydantic.model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise FieldError("low", f"low {self.low:g} must not exceed high {self.high:g}")
        return self


def test_positional_values_fill_fields_in_order() -> None:
    assert Range(0.5, 2) == Range(low=0.5, high=2.0)


def test_construction_raises_the_stage_error_at_the_field() -> None:
    with pytest.raises(RangeError, match="low 3 must not exceed high 1") as caught:
        Range(3)
    assert caught.value.field == "low"


def test_too_many_positional_values() -> None:
    with pytest.raises(TypeError, match="at most 2"):
        Range(1, 2, 3)  # type: ignore[call-arg]


def test_read_still_reports_every_problem_through_pydantic() -> None:
    with pytest.raises(RangeError, match="low must be a number"):
        read(Range, {"low": "x"}, error=Range.problem_error)
    with pytest.raises(pydantic.ValidationError) as raised:
        Range.model_validate({"low": 3})
    assert plain_problems(raised.value) == [FieldProblem("low", "low 3 must not exceed high 1")]
