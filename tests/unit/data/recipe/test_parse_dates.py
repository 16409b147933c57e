"""parse_dates reads text as dates, with an optional format, and reports what it could not read."""

from __future__ import annotations

import pandas as pd

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, Step


def parse(values: list, **params: object) -> tuple[pd.Series, str]:
    df = pd.DataFrame({"d": values})
    result = apply_recipe(df, Recipe((Step("parse_dates", "d", params),)))
    return result.frame["d"], result.reports[0].note


def test_parse_dates_with_a_format() -> None:
    dates, note = parse(["31.01.2024", "01.02.2024", None], format="%d.%m.%Y")
    assert dates.tolist()[:2] == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-01")]
    assert note == "Converted 2 values to datetime"


def test_parse_dates_reports_unparsed_values() -> None:
    dates, note = parse(["2024-01-31", "soon", "2024-13-45"])
    assert dates.isna().tolist() == [False, True, True]
    assert "2 values could not be read as dates and are now missing (e.g. 'soon')" in note


def test_parse_dates_reads_whole_numbers_as_dates_not_nanoseconds() -> None:
    dates, _ = parse([20240131, 20240201], format="%Y%m%d")
    assert dates.iloc[0] == pd.Timestamp("2024-01-31")
