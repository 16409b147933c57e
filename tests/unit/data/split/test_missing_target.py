"""Rows without a target are in neither side of the split."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.split import NOTE_EXCLUDED, SplitSpec, make_split


def test_missing_target_rows_are_excluded(customers: pd.DataFrame) -> None:
    df = customers.copy()
    gone = df.index[[0, 40, 99]]
    df.loc[gone, "churned"] = None
    split = make_split(df, SplitSpec(), target="churned", task="binary")
    assert np.array_equal(split.excluded_index, np.sort(gone.to_numpy()))
    assert not split.is_test(gone).any()
    assert not split.is_train(gone).any()
    assert len(split.test_index) + len(split.train_index) == 97
    assert split.notes == (NOTE_EXCLUDED.format(count=3, column="churned"),)
