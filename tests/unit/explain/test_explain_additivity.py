"""Base value + SHAP values = the model's own output in the stated output space."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain import explain

CASES = [
    ("binary", "logreg", None),
    ("binary", "tree", None),
    ("binary", "rf", None),
    ("binary", "hgb", None),
    ("binary", "xgboost", None),
    ("binary", "dummy", None),
    ("binary", "xgboost", 0),
    ("binary", "logreg", 0),
    ("binary", "rf", 0),
    ("multiclass", "xgboost", 2),
    ("multiclass", "hgb", 1),
    ("multiclass", "rf", 0),
    ("multiclass", "logreg", 1),
    ("regression", "xgboost", None),
    ("regression", "hgb", None),
    ("regression", "ridge", None),
    ("regression", "tree", None),
]


@pytest.mark.parametrize(
    ("task", "key", "class_index"), CASES, ids=[f"{t}-{k}-{c}" for t, k, c in CASES]
)
def test_explain_values_add_up_to_model_output(
    fitted, output_of, task: str, key: str, class_index: int | None
) -> None:
    pipeline, frame, _ = fitted(task, key)
    explanation = explain(pipeline, frame, sample=60, class_index=class_index)
    expected = output_of(pipeline, explanation)
    tolerance = 1e-6 if explanation.explainer == "permutation" else 1e-4
    np.testing.assert_allclose(explanation.predictions, expected, atol=tolerance, rtol=0)
    assert explanation.values.shape == (60, len(explanation.feature_names))


def test_explain_default_class_is_the_second_of_two(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "xgboost")
    assert explain(pipeline, frame, sample=5).class_label == "Yes"
    assert explain(pipeline, frame, sample=5, class_index=0).class_label == "No"


def test_explain_class_zero_of_a_margin_model_is_the_negated_margin(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "hgb")
    positive = explain(pipeline, frame, sample=30)
    negative = explain(pipeline, frame, sample=30, class_index=0)
    np.testing.assert_allclose(negative.values, -positive.values)
    assert negative.base_value == pytest.approx(-positive.base_value)


def test_explain_values_are_read_only(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    explanation = explain(pipeline, frame, sample=5)
    with pytest.raises(ValueError):
        explanation.values[0, 0] = 1.0
