"""The workbench's own pipelines (core.train.zoo) can be mitigated, or are refused clearly."""

from __future__ import annotations

import pytest

from core.estimators.fairness_inputs import MSG_SAMPLE_WEIGHT
from core.fairness import FairnessError, expgrad_mitigation, threshold_mitigation
from core.train.features import feature_columns
from core.train.zoo import make_pipeline, models_for

OPTIONS = {"sensitive_columns": ["gender"], "constraint": "demographic_parity", "positive": "Yes"}


@pytest.fixture
def churn(tiny):
    """The shared tiny churn frame: features, plus the sensitive column gender."""
    frame, schema = tiny("binary", rows=120)
    features = feature_columns(schema)
    return schema, features, frame[[*features, "gender"]], frame["churned"]


@pytest.mark.parametrize("key", models_for("binary", rows=120))
def test_every_binary_zoo_pipeline_takes_group_thresholds(key: str, churn) -> None:
    schema, features, X, y = churn
    pipeline = make_pipeline(schema, key, seed=0).fit(X[features], y)
    model = threshold_mitigation(pipeline, X, y, **OPTIONS)
    assert set(model.predict(X)) <= {"Yes", "No"}
    assert list(model.classes_) == list(pipeline.classes_)


def test_xgboost_pipeline_is_retrained_under_the_constraint(churn) -> None:
    schema, _, X, y = churn
    model = expgrad_mitigation(
        lambda: make_pipeline(schema, "xgboost"), X, y, max_iter=2, **OPTIONS
    )
    assert list(model.classes_) == ["No", "Yes"]
    assert model.predict_proba(X).shape == (len(X), 2)


def test_knn_cannot_be_retrained_on_weights(churn) -> None:
    schema, _, X, y = churn
    with pytest.raises(FairnessError) as error:
        expgrad_mitigation(lambda: make_pipeline(schema, "knn"), X, y, **OPTIONS)
    assert str(error.value) == MSG_SAMPLE_WEIGHT.format(name="KNeighborsClassifier")
