"""Global importance ranks the injected strong feature first, per input and per feature."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain import ExplainError, explain
from core.explain.result import MSG_BY

STRONG = "strong"
CASES = [
    ("binary", "logreg"),
    ("binary", "tree"),
    ("binary", "rf"),
    ("binary", "hgb"),
    ("binary", "xgboost"),
    ("binary", "knn"),
    ("multiclass", "xgboost"),
    ("regression", "xgboost"),
    ("regression", "ridge"),
]


@pytest.mark.parametrize(("task", "key"), CASES, ids=[f"{t}-{k}" for t, k in CASES])
def test_global_importance_ranks_strong_feature_first(fitted, task: str, key: str) -> None:
    pipeline, frame, _ = fitted(task, key)
    explanation = explain(pipeline, frame, sample=120)
    by_input = explanation.global_importance()
    assert by_input["name"].iloc[0] == STRONG
    assert by_input["share"].sum() == pytest.approx(1.0)
    assert by_input["mean_abs_shap"].is_monotonic_decreasing
    by_feature = explanation.global_importance(by="feature")
    assert by_feature["input_column"].iloc[0] == STRONG


def test_global_importance_per_input_sums_features_per_row_first(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "logreg")
    explanation = explain(pipeline, frame, sample=80)
    summed = explanation.input_values()
    np.testing.assert_allclose(summed.sum(axis=1), explanation.values.sum(axis=1))
    plan = [j for j, o in enumerate(explanation.original_columns) if o == "plan"]
    expected = np.abs(explanation.values[:, plan].sum(axis=1)).mean()
    table = explanation.global_importance().set_index("name")
    assert table.loc["plan", "mean_abs_shap"] == pytest.approx(expected)


def test_global_importance_of_a_dummy_model_is_all_zero(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "dummy")
    table = explain(pipeline, frame, sample=20).global_importance()
    assert (table["mean_abs_shap"] == 0).all()
    assert (table["share"] == 0).all()


def test_global_importance_rejects_unknown_grouping(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    explanation = explain(pipeline, frame, sample=5)
    with pytest.raises(ExplainError, match="by must be") as caught:
        explanation.global_importance(by="column")
    assert str(caught.value) == MSG_BY.format(value="column")
