"""Production rows merged for a retrain take the stored data's column types, dates included."""

from __future__ import annotations

import pandas as pd

from app.services.monitoring.retrain import _like


def test_a_naive_datetime_column_is_parsed_not_crashed_on() -> None:
    base = pd.DataFrame({"signup": pd.to_datetime(["2024-01-31", "2024-02-29"]), "n": [1, 2]})
    rows = pd.DataFrame({"signup": ["2024-03-01", "not a date"], "n": ["3", "x"]})
    typed = _like(base, rows)
    assert typed["signup"].dtype == base["signup"].dtype
    assert typed["signup"].iloc[0] == pd.Timestamp("2024-03-01")
    assert pd.isna(typed["signup"].iloc[1])
    assert typed["n"].tolist()[0] == 3


def test_a_timezone_aware_column_stays_aware() -> None:
    base = pd.DataFrame({"at": pd.to_datetime(["2024-01-31T10:00:00Z"], utc=True)})
    typed = _like(base, pd.DataFrame({"at": ["2024-03-01T12:00:00+01:00"]}))
    assert str(typed["at"].dtype) == "datetime64[ns, UTC]"
    assert typed["at"].iloc[0] == pd.Timestamp("2024-03-01T11:00:00Z")
