"""Random hold-out: stratified proportions, deterministic per seed, on raw row ids."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.split import SplitSpec, make_split


def test_random_split_keeps_class_proportions(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(test_size=0.2), target="churned", task="binary")
    assert split.stratified
    assert len(split.test_index) == 20
    assert (customers.loc[split.test_index, "churned"] == "yes").sum() == 6
    assert (customers.loc[split.train_index, "churned"] == "yes").sum() == 24
    assert split.describe() == "Random 20 % hold-out, stratified on churned, seed 0"


def test_random_split_sides_are_sorted_disjoint_raw_ids(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="churned", task="binary")
    for ids in (split.test_index, split.train_index):
        assert ids.dtype == np.int64
        assert (np.diff(ids) > 0).all()
    assert not np.intersect1d(split.test_index, split.train_index).size
    both = np.union1d(split.test_index, split.train_index)
    assert np.array_equal(both, np.sort(customers.index.to_numpy()))


def test_random_split_is_deterministic_per_seed(customers: pd.DataFrame) -> None:
    first = make_split(customers, SplitSpec(seed=1), target="churned", task="binary")
    again = make_split(customers, SplitSpec(seed=1), target="churned", task="binary")
    other = make_split(customers, SplitSpec(seed=2), target="churned", task="binary")
    assert first == again
    assert not np.array_equal(first.test_index, other.test_index)


def test_random_split_ignores_row_order(customers: pd.DataFrame) -> None:
    shuffled = customers.sample(frac=1.0, random_state=11)
    a = make_split(customers, SplitSpec(), target="churned", task="binary")
    b = make_split(shuffled, SplitSpec(), target="churned", task="binary")
    assert a == b


def test_random_split_without_stratify(customers: pd.DataFrame) -> None:
    spec = SplitSpec(stratify=False)
    split = make_split(customers, spec, target="churned", task="binary")
    assert not split.stratified
    assert split.notes == ()
    assert len(split.test_index) == 20


def test_random_split_regression_is_not_stratified_quietly(customers: pd.DataFrame) -> None:
    split = make_split(customers, SplitSpec(), target="spend", task="regression")
    assert not split.stratified
    assert split.notes == ()
    assert split.describe() == "Random 20 % hold-out, seed 0"


def test_random_split_multiclass_stratified(customers: pd.DataFrame) -> None:
    df = customers.assign(plan=["a"] * 50 + ["b"] * 30 + ["c"] * 20)
    split = make_split(df, SplitSpec(), target="plan", task="multiclass")
    counts = df.loc[split.test_index, "plan"].value_counts().to_dict()
    assert counts == {"a": 10, "b": 6, "c": 4}
