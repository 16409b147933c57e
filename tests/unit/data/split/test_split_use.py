"""Using a frozen split on a cleaned frame: membership by row id, partition, summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, Step
from core.data.split import SplitError, SplitSpec, make_split


def test_is_test_works_on_any_ids(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="churned", task="binary")
    flags = split.is_test(customers.index)
    assert flags.dtype == bool
    assert flags.sum() == 20
    assert np.array_equal(np.sort(customers.index[flags].to_numpy()), split.test_index)
    assert not split.is_test([-1]).any()


def test_partition_after_a_recipe_removed_rows(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="churned", task="binary")
    recipe = Recipe((Step("filter_rows", "spend", {"op": ">", "value": 100}),))
    cleaned = apply_recipe(customers, recipe).frame
    train, test = split.partition(cleaned)
    assert len(train) + len(test) == len(cleaned)
    assert set(test.index) <= set(split.test_index)
    assert set(train.index) <= set(split.train_index)


def test_summary_rows_and_positive_rate(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="churned", task="binary")
    summary = split.summary(customers["churned"], positive="yes")
    assert summary["rows"] == {"train": 80, "test": 20, "excluded": 0}
    assert summary["test_share"] == 0.2
    assert summary["positive_rate"] == {"train": 0.3, "test": 0.3}
    assert summary["class_share"]["test"] == {"no": 0.7, "yes": 0.3}
    assert summary["description"] == "Random 20 % hold-out, stratified on churned, seed 0"


def test_summary_guesses_the_positive_class_for_0_1_targets(customers: pd.DataFrame) -> None:
    df = customers.assign(churned=(customers["churned"] == "yes").astype(int))
    split = make_split(df, SplitSpec(), target="churned", task="binary")
    summary = split.summary(df["churned"])
    assert summary["positive_class"] == "1"  # text, like the schema's classes
    assert summary["positive_rate"]["test"] == 0.3


def test_summary_regression_reports_the_mean(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="spend", task="regression")
    summary = split.summary(customers["spend"])
    assert set(summary["target_mean"]) == {"train", "test"}
    assert "positive_rate" not in summary


def test_summary_needs_a_series(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="churned", task="binary")
    with pytest.raises(SplitError, match="y must be a pandas Series"):
        split.summary(customers["churned"].to_numpy())  # type: ignore[arg-type]
