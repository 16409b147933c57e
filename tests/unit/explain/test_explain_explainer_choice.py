"""Each zoo model gets the right kind of SHAP explainer and says which output space it uses."""

from __future__ import annotations

import pytest

from core.explain import explain, explainer_kind

CASES = [
    ("binary", "logreg", "linear", "log-odds"),
    ("binary", "elasticnet", "linear", "log-odds"),
    ("binary", "tree", "tree", "probability"),
    ("binary", "rf", "tree", "probability"),
    ("binary", "extra_trees", "tree", "probability"),
    ("binary", "hgb", "tree", "log-odds"),
    ("binary", "xgboost", "tree", "log-odds"),
    ("binary", "dummy", "permutation", "probability"),
    ("binary", "knn", "permutation", "probability"),
    ("binary", "ensemble", "permutation", "probability"),
    ("multiclass", "xgboost", "tree", "softmax-logit"),
    ("multiclass", "logreg", "linear", "softmax-logit"),
    ("regression", "ridge", "linear", "prediction"),
    ("regression", "xgboost", "tree", "prediction"),
    ("regression", "dummy", "permutation", "prediction"),
]


@pytest.mark.parametrize(
    ("task", "key", "kind", "space"), CASES, ids=[f"{t}-{k}" for t, k, _, _ in CASES]
)
def test_explain_chooses_explainer_and_output_space(
    fitted, task: str, key: str, kind: str, space: str
) -> None:
    pipeline, frame, _ = fitted(task, key)
    explanation = explain(pipeline, frame, sample=40)
    assert explanation.explainer == kind
    assert explanation.output_space == space
    assert explainer_kind(pipeline.named_steps["model"]) == kind
    assert any(space.split("-")[0] in note for note in explanation.notes)


def test_explain_xgboost_wrapper_is_a_tree_model(fitted) -> None:
    pipeline, _, _ = fitted("binary", "xgboost")
    assert explainer_kind(pipeline.named_steps["model"]) == "tree"


def test_explain_agnostic_features_are_the_input_columns(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "dummy")
    explanation = explain(pipeline, frame, sample=20)
    assert explanation.feature_names == tuple(pipeline.feature_names_in_)
    assert explanation.original_columns == explanation.feature_names
    assert list(explanation.data.columns) == list(explanation.feature_names)
