"""A validator's own worded problem (field_error) gets its field's path, also on a sub-field."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
import pytest

from core.documents import Document, DocumentError, field_error, read


def _share(value: Any) -> Any:
    if not 0 <= value <= 1:
        raise field_error("{field} must be a share, got {value!r}", value=value)
    return value


class Range(Document):
    low: Annotated[float, pydantic.BeforeValidator(_share)]
    high: float

    @pydantic.model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high < self.low:
            raise field_error("high {high} is below low {low}", at=("high",), **vars(self))
        return self


class Outer(Document):
    ranges: tuple[Range, ...] = ()


def problems(data: object) -> dict[str, str]:
    with pytest.raises(DocumentError) as caught:
        read(Outer, data)
    return {p.field: p.message for p in caught.value.problems}


def test_field_error_is_worded_with_the_dotted_path() -> None:
    found = problems({"ranges": [{"low": 0.1, "high": 1}, {"low": 3, "high": 4}]})
    assert found == {"ranges[1].low": "ranges[1].low must be a share, got 3"}


def test_field_error_at_places_a_model_problem_on_its_sub_field() -> None:
    found = problems({"ranges": [{"low": 0.5, "high": 0.2}]})
    assert found == {"ranges[0].high": "high 0.2 is below low 0.5"}


def test_field_error_outside_read_still_reads() -> None:
    with pytest.raises(pydantic.ValidationError, match="this field must be a share, got 3"):
        Range(low=3, high=4)
