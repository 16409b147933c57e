"""RuleClassifier scores exactly like the rule; rule_baseline uses the models' folds."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from core.goal import PayoffMatrix, value_curve
from core.train import (
    RULE_KEY,
    RuleClassifier,
    TrainError,
    TrainSettings,
    cv_folds,
    fit_final,
    parse_rule,
    rule_baseline,
)

PAYOFF = PayoffMatrix(tp=120, fp=-60, fn=-40, tn=0)
RULE = "spend > 55 and visits >= 2"


def test_rule_classifier_predicts_like_the_rule(tiny) -> None:
    frame, _ = tiny("binary")
    rule = parse_rule(RULE, frame.columns)
    model = RuleClassifier(rule=rule, positive_class="Yes").fit(frame, frame["churned"])
    hits = parse_rule(RULE, frame.columns).evaluate(frame)
    assert list(model.classes_) == ["No", "Yes"]
    np.testing.assert_array_equal(model.predict(frame), np.where(hits, "Yes", "No"))
    np.testing.assert_array_equal(model.predict_proba(frame)[:, 1], hits.astype(float))
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(frame), model.predict(frame))


def test_rule_classifier_positive_class_can_be_the_first_label() -> None:
    frame = pd.DataFrame({"x": [1, 2, 3, 4], "y": [0, 0, 1, 1]})
    rule = parse_rule("x < 3", ["x"])
    model = RuleClassifier(rule=rule, positive_class="0").fit(frame[["x"]], frame["y"])
    np.testing.assert_array_equal(model.predict(frame[["x"]]), [0, 0, 1, 1])
    np.testing.assert_array_equal(model.predict_proba(frame[["x"]])[:, 0], [1, 1, 0, 0])


def test_rule_baseline_value_equals_acting_on_the_rule(tiny) -> None:
    frame, schema = tiny("binary")
    settings = TrainSettings(models=(), folds=3, n_jobs=1)
    result = rule_baseline(frame, schema, RULE, settings, payoff=PAYOFF, volume_per_month=7000)
    assert result.model == RULE_KEY and result.params == {"rule": RULE}
    hits = parse_rule(RULE, frame.columns).evaluate(frame)
    for fold, (_, val) in zip(result.folds, cv_folds(frame, schema, settings), strict=True):
        rows = frame.index.isin(val)
        expected = value_curve(
            hits[rows].astype(float), frame["churned"][rows], PAYOFF,
            volume_per_month=7000, pos_label="Yes",
        ).best().value_per_month  # fmt: skip
        assert fold.scores["expected_value"] == expected
        is_pos = frame["churned"][rows] == "Yes"
        assert fold.scores["recall"] == (hits[rows] & is_pos).sum() / is_pos.sum()


def test_rule_baseline_errors(tiny) -> None:
    frame, schema = tiny("binary")
    settings = TrainSettings(models=(), folds=2, n_jobs=1, metric="roc_auc")
    with pytest.raises(TrainError, match="a rule must decide without knowing the answer"):
        rule_baseline(frame, schema, "churned == 'Yes'", settings)
    with pytest.raises(TrainError, match="'spnd', which is not a column; did you mean 'spend'"):
        rule_baseline(frame, schema, "spnd > 3", settings)
    multiclass, multiclass_schema = tiny("multiclass")
    with pytest.raises(TrainError, match="a rule baseline needs a binary task"):
        rule_baseline(multiclass, multiclass_schema, RULE, settings)


def test_rule_fitted_as_a_pipeline_for_export(tiny) -> None:
    frame, schema = tiny("binary")
    settings = TrainSettings(models=(), n_jobs=1)
    pipeline = fit_final(frame, schema, RULE_KEY, {"rule": RULE}, settings)
    hits = parse_rule(RULE, frame.columns).evaluate(frame)
    np.testing.assert_array_equal(pipeline.predict(frame), np.where(hits, "Yes", "No"))
