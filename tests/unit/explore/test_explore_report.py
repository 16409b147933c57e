"""The full ydata-profiling report: seeded sample, progress, cancel, summary."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from core.explore import (
    ProfileError,
    ProfileSettings,
    profile_report,
    profile_report_html,
    profile_sample,
)


def test_profile_sample_is_seeded_and_keeps_row_order(churn) -> None:
    settings = ProfileSettings(sample_rows=500, seed=3)
    first, sampled = profile_sample(churn, settings)
    second, _ = profile_sample(churn, settings)
    assert sampled and len(first) == 500
    pd.testing.assert_frame_equal(first, second)
    assert first.index.is_monotonic_increasing
    other, _ = profile_sample(churn, ProfileSettings(sample_rows=500, seed=4))
    assert not first.index.equals(other.index)


def test_profile_sample_keeps_a_small_frame_whole(churn) -> None:
    rows, sampled = profile_sample(churn.head(10), ProfileSettings())
    assert not sampled and len(rows) == 10


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sample_rows": 0}, "sample_rows"),
        ({"sample_rows": True}, "sample_rows"),
        ({"seed": -1}, "seed"),
        ({"minimal": "yes"}, "minimal"),
        ({"title": "  "}, "title"),
    ],
)
def test_profile_settings_are_validated(changes, field) -> None:
    with pytest.raises(ProfileError) as error:
        ProfileSettings(**changes)
    assert error.value.field == field


def test_profile_report_html_names_every_column_and_reports_progress(churn) -> None:
    frame = churn.head(200)
    calls: list[tuple[float, str]] = []
    threads: set[int] = set()

    def on_progress(fraction: float, message: str) -> None:
        calls.append((fraction, message))
        threads.add(threading.get_ident())

    page = profile_report_html(
        frame, ProfileSettings(minimal=True, title="Churn sample"), on_progress=on_progress
    )
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert all(name in page for name in frame.columns)
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert len(calls) > 6  # ydata's own steps come through, not just the stages
    assert threads == {threading.get_ident()}  # never from ydata's worker threads


def test_profile_report_summary_is_small_and_plain(churn, churn_schema) -> None:
    result = profile_report(
        churn.head(200), ProfileSettings(sample_rows=150, minimal=True), schema=churn_schema
    )
    assert result.rows_profiled == 150 and result.sampled
    assert any("customer_id" in alert for alert in result.summary["alerts"])
    types = {v["column"]: v["type"] for v in result.summary["variables"]}
    assert types["contract"] == "Categorical" and types["age"] == "Numeric"


class Cancelled(Exception):
    pass


def test_profile_report_lets_a_cancel_from_on_progress_through(churn) -> None:
    def cancel_while_describing(fraction: float, message: str) -> None:
        if message.startswith("Describe"):
            raise Cancelled

    with pytest.raises(Cancelled):
        profile_report(
            churn.head(200), ProfileSettings(minimal=True), on_progress=cancel_while_describing
        )
