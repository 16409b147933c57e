"""Pipelines without a preprocessing step (a rule, an ensemble of pipelines) are explained
model-agnostically per input column, on the raw values."""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline

from core.estimators.rules import RuleClassifier
from core.explain import explain, explain_row, what_if
from core.train import parse_rule
from core.train.features import feature_columns
from core.train.zoo import make_ensemble


def test_rule_pipeline_is_explained_on_its_columns(fitted) -> None:
    _, frame, schema = fitted("binary", "tree")
    parsed = parse_rule("strong > 0 and plan != 'basic'", ["strong", "plan"])
    rule = Pipeline([("model", RuleClassifier(rule=parsed, positive_class="Yes"))])
    rule.fit(frame[["strong", "plan"]], frame[schema.target])
    explanation = explain(rule, frame, sample=40)
    assert explanation.explainer == "permutation"
    assert explanation.feature_names == ("strong", "plan")
    proba = rule.predict_proba(explanation.rows[["strong", "plan"]])[:, 1]
    np.testing.assert_allclose(explanation.predictions, proba, atol=1e-9)
    assert explanation.global_importance()["name"].iloc[0] == "strong"
    one = explain_row(rule, frame.iloc[[0]], background=frame)
    assert one.values.shape == (1, 2)
    result = what_if(rule, frame.loc[[frame["strong"].idxmin()]], {"strong": 2.0, "plan": "pro"})
    assert (result.original_prediction, result.new_prediction) == ("No", "Yes")


def test_ensemble_of_pipelines_is_explained(fitted) -> None:
    tree, frame, schema = fitted("binary", "tree")
    logreg, _, _ = fitted("binary", "logreg")
    ensemble = make_ensemble({"tree": tree, "logreg": logreg}, "binary")
    columns = feature_columns(schema)
    ensemble.fit(frame[columns], frame[schema.target])
    explanation = explain(ensemble, frame, sample=20)
    assert explanation.explainer == "permutation"
    assert set(explanation.feature_names) == set(columns)
    proba = ensemble.predict_proba(explanation.rows[columns])[:, 1]
    np.testing.assert_allclose(explanation.predictions, proba, atol=1e-9)
