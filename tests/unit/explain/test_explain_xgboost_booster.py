"""XGBoost values are exactly what shap.TreeExplainer gives on the booster."""

from __future__ import annotations

import numpy as np
import pytest
import shap

from core.explain import explain
from core.explain.shap import NOTE_TREE_XGBOOST


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_xgboost_values_equal_shap_tree_explainer(fitted, task: str) -> None:
    pipeline, frame, _ = fitted(task, "xgboost")
    explanation = explain(
        pipeline, frame, sample=50, class_index=1 if task != "regression" else None
    )
    model = pipeline[-1]
    booster = (model.model_ if hasattr(model, "model_") else model).get_booster()
    explainer = shap.TreeExplainer(booster)
    raw = explainer.shap_values(explanation.data.to_numpy())
    expected = raw[:, :, 1] if raw.ndim == 3 else raw
    base = np.ravel(explainer.expected_value)
    np.testing.assert_array_equal(explanation.values, expected)
    assert explanation.base_value == pytest.approx(base[1] if len(base) > 1 else base[0], abs=1e-6)
    assert NOTE_TREE_XGBOOST in explanation.notes
