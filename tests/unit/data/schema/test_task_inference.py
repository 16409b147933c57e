"""infer_task: binary, multiclass or regression from the target's values, with a reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.inference import SchemaError, infer_task


def test_infer_task_two_labels_are_binary() -> None:
    task, reason = infer_task(pd.Series(["Yes", "No", "No", None], name="churned"))
    assert task == "binary"
    assert reason == "2 distinct values ('No', 'Yes'): binary classification"


def test_infer_task_zero_one_and_bool_targets_are_binary() -> None:
    assert infer_task(pd.Series([0, 1, 1, 0, 0]))[0] == "binary"
    assert infer_task(pd.Series([0.0, 1.0, 1.0]))[0] == "binary"
    assert infer_task(pd.Series([True, False, False]))[0] == "binary"


def test_infer_task_a_few_labels_are_multiclass() -> None:
    task, reason = infer_task(pd.Series(["DSL", "Fiber", "None", "DSL"]))
    assert task == "multiclass"
    assert reason.startswith("3 distinct values ('DSL', 'Fiber', 'None')")


def test_infer_task_many_numbers_are_regression() -> None:
    values = pd.Series(np.random.default_rng(0).normal(50, 10, 200))
    task, reason = infer_task(values)
    assert task == "regression"
    assert reason == "200 distinct numbers: regression"


def test_infer_task_few_whole_numbers_are_multiclass_with_a_note() -> None:
    task, reason = infer_task(pd.Series([1, 2, 3, 4, 5] * 20, name="satisfaction"))
    assert task == "multiclass"
    assert "5 distinct whole numbers (1–5)" in reason
    assert "choose regression" in reason


def test_infer_task_many_whole_numbers_are_regression() -> None:
    assert infer_task(pd.Series(range(30)))[0] == "regression"


def test_infer_task_single_value_is_reported_in_the_reason() -> None:
    task, reason = infer_task(pd.Series(["No"] * 5))
    assert task == "binary"
    assert "only one value ('No')" in reason


def test_infer_task_too_many_labels_says_so() -> None:
    task, reason = infer_task(pd.Series([f"c{i}" for i in range(80)]))
    assert task == "multiclass"
    assert "too many classes" in reason


def test_infer_task_date_target_is_refused() -> None:
    with pytest.raises(SchemaError, match="holds dates"):
        infer_task(pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01"]), name="when"))
