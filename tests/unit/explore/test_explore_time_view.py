"""time_view: rows and target per period; text dates parsed, bad ones named."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from core.data.schema import infer_schema
from core.explore import ProfileError, time_view
from core.explore.figures import time_figure
from core.explore.time_view import MSG_DATES_PARSE


def test_time_view_counts_rows_and_rates_per_month(churn, churn_schema) -> None:
    view = time_view(churn, "signup_date", churn_schema, freq="month")
    dates = pd.to_datetime(churn["signup_date"])
    months = dates.dt.to_period("M")
    expected = months.value_counts().sort_index()
    found = view[view["rows"] > 0].set_index(view["period"].dt.to_period("M"))["rows"]
    assert found.to_dict() == expected.to_dict()
    rate = (churn["churned"] == "Yes").groupby(months).mean()
    assert view.set_index(view["period"].dt.to_period("M"))["rate"].dropna().to_dict() == (
        pytest.approx(rate.to_dict())
    )
    assert view.attrs["freq"] == "month" and view.attrs["positive_class"] == "Yes"


def test_time_view_keeps_empty_periods_and_picks_a_frequency() -> None:
    frame = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-04"])})
    view = time_view(frame, "day", infer_schema(frame))
    assert view.attrs["freq"] == "hour"  # a 3-day span
    view = time_view(frame, "day", infer_schema(frame), freq="day")
    assert view["rows"].tolist() == [2, 0, 0, 1]
    assert "rate" not in view


def test_time_view_names_unparseable_text() -> None:
    frame = pd.DataFrame({"when": ["2024-01-01", "soon", "2024-01-03", "soon"]})
    with pytest.raises(ProfileError) as error:
        time_view(frame, "when", infer_schema(frame))
    assert str(error.value) == MSG_DATES_PARSE.format(name="when", count=2, example="soon")


def test_time_view_rejects_numbers_and_unknown_frequencies(churn, churn_schema) -> None:
    with pytest.raises(ProfileError, match="not dates"):
        time_view(churn, "age", churn_schema)
    with pytest.raises(ProfileError, match="freq must be one of"):
        time_view(churn, "signup_date", churn_schema, freq="fortnight")


def test_time_figure_has_bars_and_a_rate_line(churn, churn_schema) -> None:
    view = time_view(churn, "signup_date", churn_schema)
    fig = time_figure(view, "signup_date", churn_schema)
    assert isinstance(fig.data[0], go.Bar) and isinstance(fig.data[1], go.Scatter)
    assert "churned" in fig.layout.title.text


def test_time_view_weeks_run_monday_to_sunday() -> None:
    days = pd.to_datetime(["2024-01-01", "2024-01-07", "2024-01-08"])  # Mon, Sun, Mon
    frame = pd.DataFrame({"day": days})
    view = time_view(frame, "day", infer_schema(frame), freq="week")
    assert view["period"].dt.day_name().unique().tolist() == ["Monday"]
    assert view["rows"].tolist() == [2, 1]
