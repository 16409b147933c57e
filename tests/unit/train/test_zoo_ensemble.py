"""Ensembles: soft voting over fitted pipelines, or the "ensemble" model refitted per fold."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.features import feature_columns
from core.train.zoo import ZooError, make_ensemble, make_pipeline


def test_zoo_make_ensemble_averages_fitted_pipelines_without_refitting(tiny) -> None:
    frame, schema = tiny("binary")
    X, y = frame[feature_columns(schema)], frame["churned"]
    members = {key: make_pipeline(schema, key).fit(X, y) for key in ("logreg", "tree")}
    ensemble = make_ensemble(members, "binary").fit(X.iloc[:10], y.iloc[:10])
    expected = (members["logreg"].predict_proba(X) + members["tree"].predict_proba(X)) / 2
    np.testing.assert_allclose(ensemble.predict_proba(X), expected)
    assert list(ensemble.classes_) == ["No", "Yes"]


def test_zoo_make_ensemble_for_regression_averages_predictions(tiny) -> None:
    frame, schema = tiny("regression")
    X, y = frame[feature_columns(schema)], frame["revenue"]
    members = [(key, make_pipeline(schema, key).fit(X, y)) for key in ("ridge", "tree")]
    ensemble = make_ensemble(members, "regression").fit(X, y)
    expected = (members[0][1].predict(X) + members[1][1].predict(X)) / 2
    np.testing.assert_allclose(ensemble.predict(X), expected)


def test_zoo_ensemble_model_key_builds_members_from_the_zoo(tiny) -> None:
    frame, schema = tiny("multiclass")
    X, y = frame[feature_columns(schema)], frame["tier"]
    params = {"members": {"logreg": {"C": 0.5}, "tree": {"max_depth": 3}, "rf": {}}}
    pipeline = make_pipeline(schema, "ensemble", params=params).fit(X, y)
    voting = pipeline.named_steps["model"]
    assert [name for name, _ in voting.estimators] == ["logreg", "tree", "rf"]
    assert voting.estimators[0][1].C == 0.5
    assert pipeline.predict_proba(X).shape == (60, 3)


def test_zoo_ensemble_needs_two_members(tiny) -> None:
    with pytest.raises(ZooError, match="at least two members, got 1"):
        make_ensemble({"logreg": object()}, "binary")  # type: ignore[dict-item]
    _, schema = tiny("binary")
    with pytest.raises(ZooError, match="cannot be an ensemble member"):
        make_pipeline(schema, "ensemble", params={"members": ["dummy", "tree"]})
