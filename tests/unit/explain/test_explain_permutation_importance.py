"""Permutation importance on the whole pipeline: the model-agnostic cross-check."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain import ExplainError, permutation_importance_table
from core.explain.importance import MSG_TARGET_LENGTH

CASES = [
    ("binary", "hgb", "roc_auc"),
    ("binary", "logreg", "neg_log_loss"),
    ("multiclass", "xgboost", "accuracy"),
    ("regression", "ridge", "r2"),
]


@pytest.mark.parametrize(("task", "key", "scoring"), CASES, ids=[f"{t}-{k}" for t, k, _ in CASES])
def test_permutation_importance_ranks_strong_feature_first(
    fitted, task: str, key: str, scoring: str
) -> None:
    pipeline, frame, schema = fitted(task, key)
    table = permutation_importance_table(
        pipeline, frame, frame[schema.target], scoring=scoring, repeats=3, sample=200
    )
    assert table["input_column"].iloc[0] == "strong"
    assert list(table.columns) == ["input_column", "importance_mean", "importance_std"]
    assert set(table["input_column"]) == set(pipeline.feature_names_in_)
    assert table.attrs["scoring"] == scoring and table.attrs["rows"] == 200
    assert np.isfinite(table.attrs["baseline_score"])


def test_permutation_importance_is_deterministic(fitted) -> None:
    pipeline, frame, schema = fitted("binary", "tree")
    first = permutation_importance_table(
        pipeline, frame, frame[schema.target], scoring="accuracy", repeats=2, sample=100
    )
    again = permutation_importance_table(
        pipeline, frame, frame[schema.target], scoring="accuracy", repeats=2, sample=100
    )
    assert first.equals(again)


def test_permutation_importance_unknown_scoring_suggests(fitted) -> None:
    pipeline, frame, schema = fitted("binary", "tree")
    with pytest.raises(ExplainError, match="did you mean 'roc_auc'") as caught:
        permutation_importance_table(pipeline, frame, frame[schema.target], scoring="roc_acu")
    assert caught.value.field == "scoring"


def test_permutation_importance_target_length_must_match(fitted) -> None:
    pipeline, frame, schema = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        permutation_importance_table(
            pipeline, frame, frame[schema.target].to_numpy()[:-1], scoring="accuracy"
        )
    assert str(caught.value) == MSG_TARGET_LENGTH.format(got=len(frame) - 1, rows=len(frame))


def test_permutation_importance_skips_rows_without_target(fitted) -> None:
    pipeline, frame, schema = fitted("binary", "tree")
    y = frame[schema.target].copy()
    y.iloc[:40] = None
    table = permutation_importance_table(pipeline, frame, y, scoring="accuracy", repeats=1)
    assert table.attrs["rows"] == len(frame) - 40
