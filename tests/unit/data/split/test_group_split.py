"""Group split: every group lands wholly on one side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.split import SplitError, SplitSpec, make_split

SPEC = SplitSpec(method="group", test_size=0.2, group_column="household")


def test_group_split_keeps_groups_whole(customers: pd.DataFrame) -> None:
    split = make_split(customers, SPEC, target="churned", task="binary")
    test_groups = set(customers.loc[split.test_index, "household"])
    train_groups = set(customers.loc[split.train_index, "household"])
    assert not test_groups & train_groups
    assert len(test_groups) == 4
    assert len(split.test_index) == 20


def test_group_split_is_deterministic_per_seed(customers: pd.DataFrame) -> None:
    a = make_split(customers, SPEC, target="churned", task="binary")
    b = make_split(customers, SPEC, target="churned", task="binary")
    c = make_split(
        customers,
        SplitSpec("group", seed=5, group_column="household"),
        target="churned",
        task="binary",
    )
    assert a == b
    assert not np.array_equal(a.test_index, c.test_index)


def test_group_split_one_group_is_an_error(customers: pd.DataFrame) -> None:
    df = customers.assign(household=1)
    with pytest.raises(
        SplitError, match="group_column 'household' has only one group \\(1\\)"
    ) as caught:
        make_split(df, SPEC, target="churned", task="binary")
    assert caught.value.field == "group_column"


def test_group_split_needs_enough_groups(customers: pd.DataFrame) -> None:
    df = customers.assign(household=[i % 3 for i in range(100)])
    spec = SplitSpec("group", test_size=0.9, group_column="household")
    with pytest.raises(
        SplitError, match="a 90 % group hold-out needs at least 10 groups in 'household', got 3"
    ):
        make_split(df, spec, target=None, task=None)
