"""Time split: the latest rows by the time column are the test set."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from core.data.split import SplitError, SplitSpec, make_split

SPEC = SplitSpec(method="time", test_size=0.2, time_column="signup")


def test_time_split_puts_the_latest_rows_in_test(customers: pd.DataFrame) -> None:
    split = make_split(customers, SPEC, target="churned", task="binary")
    dates = pd.to_datetime(customers["signup"])
    assert len(split.test_index) == 20
    assert dates[split.test_index].min() > dates[split.train_index].max()
    assert dates[split.test_index].min() == pd.Timestamp("2024-01-01") + pd.Timedelta(days=80)


def test_time_split_ignores_the_seed(customers: pd.DataFrame) -> None:
    a = make_split(customers, SPEC, target="churned", task="binary")
    b = make_split(
        customers, SplitSpec("time", 0.2, 9, time_column="signup"), target="churned", task="binary"
    )
    assert (a.test_index == b.test_index).all()


def test_time_split_on_numbers_and_datetimes(customers: pd.DataFrame) -> None:
    df = customers.assign(month=range(100), when=pd.to_datetime(customers["signup"]))
    by_month = make_split(df, SplitSpec("time", time_column="month"), target=None, task=None)
    assert set(df.loc[by_month.test_index, "month"]) == set(range(80, 100))
    by_when = make_split(df, SplitSpec("time", time_column="when"), target=None, task=None)
    assert (by_when.test_index == by_month.test_index).all()


def test_time_split_keeps_equal_times_together(customers: pd.DataFrame) -> None:
    df = customers.assign(month=[i // 10 for i in range(100)])
    split = make_split(
        df, SplitSpec("time", test_size=0.15, time_column="month"), target=None, task=None
    )
    assert set(df.loc[split.test_index, "month"]) == {8, 9}
    assert split.notes == (
        "Test share is 20 % instead of 15 %: rows with the same month stay on one side",
    )


def test_time_split_needs_readable_dates(customers: pd.DataFrame) -> None:
    df = customers.copy()
    df.iloc[3, df.columns.get_loc("signup")] = "last tuesday"
    with pytest.raises(
        SplitError,
        match=re.escape(
            "time_column 'signup': 1 value(s) could not be read as dates (e.g. 'last tuesday')"
        ),
    ) as caught:
        make_split(df, SPEC, target="churned", task="binary")
    assert caught.value.field == "time_column"


def test_time_split_refuses_true_false_and_one_time(customers: pd.DataFrame) -> None:
    df = customers.assign(flag=True, same="2024-01-01")
    with pytest.raises(SplitError, match="holds true/false values"):
        make_split(df, SplitSpec("time", time_column="flag"), target=None, task=None)
    with pytest.raises(SplitError, match="same latest value"):
        make_split(df, SplitSpec("time", time_column="same"), target=None, task=None)


def test_time_split_missing_time_rows_are_excluded(customers: pd.DataFrame) -> None:
    df = customers.copy()
    df.loc[df.index[:2], "signup"] = None
    split = make_split(df, SPEC, target="churned", task="binary")
    assert list(split.excluded_index) == sorted(df.index[:2])
    assert "2 row(s) without a signup value are in neither side" in split.notes
