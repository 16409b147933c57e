"""Stratification falls back to a plain random split, with a note saying why."""

from __future__ import annotations

import pandas as pd

from core.data.split import NOTE_NO_TARGET, NOTE_NO_TASK, NOTE_SMALL_CLASS, SplitSpec, make_split


def test_class_with_one_row_falls_back_with_a_note(customers: pd.DataFrame) -> None:
    df = customers.copy()
    df.iloc[0, df.columns.get_loc("churned")] = "maybe"
    split = make_split(df, SplitSpec(), target="churned", task="multiclass")
    assert not split.stratified
    assert split.notes == (NOTE_SMALL_CLASS.format(label="maybe", count=1),)
    assert len(split.test_index) == 20
    assert split.describe() == "Random 20 % hold-out, seed 0"


def test_too_few_test_rows_for_the_classes_falls_back(customers: pd.DataFrame) -> None:
    df = customers.head(10).assign(label=["a", "a", "b", "b", "c", "c", "d", "d", "e", "e"])
    split = make_split(df, SplitSpec(test_size=0.2), target="label", task="multiclass")
    assert not split.stratified
    assert split.notes[0].startswith("Not stratified: 2 test and 8 training rows cannot hold all 5")


def test_no_target_or_task_falls_back(customers: pd.DataFrame) -> None:
    no_target = make_split(customers, SplitSpec(), target=None, task="binary")
    assert no_target.notes == (NOTE_NO_TARGET,)
    no_task = make_split(customers, SplitSpec(), target="churned", task=None)
    assert no_task.notes == (NOTE_NO_TASK,)
    assert not no_task.stratified
