"""make_split explains what is wrong with the data or the settings."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.split import MSG_TOO_FEW_ROWS, SplitError, SplitSpec, make_split


def test_tiny_data_needs_at_least_n_rows() -> None:
    df = pd.DataFrame({"y": [1]}, index=[5])
    with pytest.raises(SplitError) as caught:
        make_split(df, SplitSpec(), target="y", task="binary")
    assert caught.value.message == MSG_TOO_FEW_ROWS.format(
        share="20 %", needed=2, which=" with a target", count=1
    )


def test_tiny_data_threshold_grows_with_the_test_share() -> None:
    df = pd.DataFrame({"y": range(5)})
    with pytest.raises(SplitError, match="a 90 % hold-out needs at least 10 rows, got 5"):
        make_split(df, SplitSpec(test_size=0.9), target=None, task=None)


def test_missing_targets_count_against_the_minimum() -> None:
    df = pd.DataFrame({"y": [1, None, None]})
    with pytest.raises(SplitError, match="needs at least 2 rows with a target, got 1"):
        make_split(df, SplitSpec(), target="y", task="binary")


def test_bad_columns_are_named(customers: pd.DataFrame) -> None:
    with pytest.raises(
        SplitError, match="target 'churn' is not a column of this dataset; did you mean 'churned'"
    ) as caught:
        make_split(customers, SplitSpec(), target="churn", task="binary")
    assert caught.value.field == "target"
    with pytest.raises(SplitError, match="group_column 'house' is not a column"):
        make_split(customers, SplitSpec("group", group_column="house"), target=None, task=None)


def test_row_ids_must_be_unique_whole_numbers(customers: pd.DataFrame) -> None:
    with pytest.raises(SplitError, match="row ids must be whole numbers"):
        make_split(customers.set_index("signup"), SplitSpec(), target="churned", task="binary")
    repeated = pd.concat([customers, customers.head(2)])
    with pytest.raises(SplitError, match="row ids must be unique, but 2 are repeated"):
        make_split(repeated, SplitSpec(), target="churned", task="binary")


def test_task_must_be_known(customers: pd.DataFrame) -> None:
    with pytest.raises(SplitError, match="task must be one of binary, multiclass, regression"):
        make_split(customers, SplitSpec(), target="churned", task="ranking")  # type: ignore[arg-type]
