"""Same pipeline + rows + seed give identical values; the sample is seeded and stated."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain import explain
from core.explain.shap import NOTE_ALL_ROWS, NOTE_SAMPLE


@pytest.mark.parametrize(
    ("task", "key"),
    [("binary", "xgboost"), ("binary", "rf"), ("binary", "knn"), ("regression", "dummy")],
)
def test_explain_is_deterministic(fitted, task: str, key: str) -> None:
    pipeline, frame, _ = fitted(task, key)
    first = explain(pipeline, frame, sample=40, seed=3)
    again = explain(pipeline, frame, sample=40, seed=3)
    assert np.array_equal(first.values, again.values)
    assert first.base_value == again.base_value
    assert first.rows.index.equals(again.rows.index)


def test_explain_sample_is_seeded_and_in_original_order(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    one, other = (
        explain(pipeline, frame, sample=50, seed=1),
        explain(pipeline, frame, sample=50, seed=2),
    )
    assert not one.rows.index.equals(other.rows.index)
    positions = frame.index.get_indexer(one.rows.index)
    assert (np.diff(positions) > 0).all()
    assert NOTE_SAMPLE.format(rows=50, total=len(frame), seed=1) in one.notes
    assert one.sample_rows == 50 and one.total_rows == len(frame)


def test_explain_all_rows_when_the_frame_is_small(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    explanation = explain(pipeline, frame.iloc[:30], sample=100)
    assert explanation.rows.index.equals(frame.index[:30])
    assert NOTE_ALL_ROWS.format(rows=30) in explanation.notes


@pytest.mark.parametrize("key", ["xgboost", "knn"])
def test_explain_progress_does_not_change_values(fitted, key: str) -> None:
    pipeline, frame, _ = fitted("binary", key)
    calls: list[tuple[float, str]] = []
    with_progress = explain(
        pipeline, frame, sample=60, on_progress=lambda f, m: calls.append((f, m))
    )
    silent = explain(pipeline, frame, sample=60)
    assert np.array_equal(with_progress.values, silent.values)
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_explain_leaves_numpy_global_random_state_alone(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "knn")
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    explain(pipeline, frame, sample=10)
    assert np.random.random() == expected
