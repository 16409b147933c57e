"""Mitigated models lower the disparity they target, are reproducible and pickle."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from fairlearn.metrics import (
    demographic_parity_difference,
    equal_opportunity_difference,
    equalized_odds_difference,
)
from sklearn.base import clone

from core.fairness import (
    GroupThresholdModel,
    ReductionModel,
    expgrad_mitigation,
    threshold_mitigation,
)

POSITIVE = "hired"  # sorts first: classes_ is ("hired", "rejected")
MEASURES = {
    "demographic_parity": demographic_parity_difference,
    "equalized_odds": equalized_odds_difference,
    "true_positive_rate_parity": equal_opportunity_difference,
}


def disparity(measure, X, y, predicted) -> float:
    return measure(
        (y == POSITIVE).astype(int),
        (predicted == POSITIVE).astype(int),
        sensitive_features=X["group"],
    )


@pytest.fixture(scope="module")
def reduction(biased, pipeline_factory) -> ReductionModel:
    X, y = biased
    return expgrad_mitigation(
        pipeline_factory,
        X,
        y,
        sensitive_columns=["group"],
        constraint="demographic_parity",
        positive=POSITIVE,
        max_iter=30,
    )


@pytest.mark.parametrize("constraint", list(MEASURES))
def test_thresholds_lower_the_targeted_disparity(constraint, biased, fitted_pipeline) -> None:
    X, y = biased
    measure = MEASURES[constraint]
    before = disparity(measure, X, y, fitted_pipeline.predict(X))
    model = threshold_mitigation(
        fitted_pipeline,
        X,
        y,
        sensitive_columns=["group"],
        constraint=constraint,
        positive=POSITIVE,
    )
    after = disparity(measure, X, y, model.predict(X))
    assert before > 0.15
    assert after < before / 2


def test_exponentiated_gradient_lowers_demographic_parity(biased, fitted_pipeline, reduction):
    X, y = biased
    before = disparity(demographic_parity_difference, X, y, fitted_pipeline.predict(X))
    after = disparity(demographic_parity_difference, X, y, reduction.predict(X))
    assert after < before / 2


def test_threshold_model_speaks_in_the_original_labels(biased, fitted_pipeline) -> None:
    X, y = biased
    model = threshold_mitigation(
        fitted_pipeline,
        X,
        y,
        sensitive_columns=["group"],
        constraint="demographic_parity",
        positive=POSITIVE,
    )
    assert list(model.classes_) == ["hired", "rejected"]
    assert set(model.predict(X)) <= {"hired", "rejected"}
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the positive column is P[hired], whatever position it has in classes_
    pmf = model.optimizer_._pmf_predict(X, sensitive_features=X["group"].to_numpy())
    np.testing.assert_allclose(proba[:, 0], pmf[:, 1])


def test_reduction_model_speaks_in_the_original_labels(biased, reduction) -> None:
    X, _ = biased
    assert list(reduction.classes_) == ["hired", "rejected"]
    proba = reduction.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 0], reduction.mitigator_._pmf_predict(X)[:, 1])
    assert set(reduction.predict(X)) <= {"hired", "rejected"}


def test_same_seed_gives_identical_threshold_predictions(biased, fitted_pipeline) -> None:
    X, y = biased
    options = {
        "sensitive_columns": ["group"],
        "constraint": "equalized_odds",
        "positive": POSITIVE,
        "seed": 11,
    }
    one = threshold_mitigation(fitted_pipeline, X, y, **options)
    two = threshold_mitigation(fitted_pipeline, X, y, **options)
    np.testing.assert_array_equal(one.predict(X), two.predict(X))
    np.testing.assert_array_equal(one.predict(X), one.predict(X))
    np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))


def test_same_seed_gives_identical_reduction_predictions(
    biased, reduction, pipeline_factory
) -> None:
    X, y = biased
    again = expgrad_mitigation(
        pipeline_factory,
        X,
        y,
        sensitive_columns=["group"],
        constraint="demographic_parity",
        positive=POSITIVE,
        max_iter=30,
    )
    np.testing.assert_array_equal(again.predict_proba(X), reduction.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), reduction.predict(X))


def test_both_models_survive_a_pickle_round_trip(biased, fitted_pipeline, reduction) -> None:
    X, y = biased
    thresholds = threshold_mitigation(
        fitted_pipeline,
        X,
        y,
        sensitive_columns=["group"],
        constraint="demographic_parity",
        positive=POSITIVE,
    )
    for model in (thresholds, reduction):
        copy = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(copy.predict_proba(X), model.predict_proba(X))
        np.testing.assert_array_equal(copy.predict(X), model.predict(X))


def test_the_exported_reduction_carries_no_training_rows(reduction) -> None:
    assert reduction.mitigator_.constraints_ is None


def test_rows_may_carry_extra_columns_in_any_order(biased, fitted_pipeline, reduction) -> None:
    X, y = biased
    model = threshold_mitigation(
        fitted_pipeline,
        X,
        y,
        sensitive_columns=["group"],
        constraint="demographic_parity",
        positive=POSITIVE,
    )
    shuffled = X[["group", "noise", "skill"]].assign(comment="extra")
    for fitted in (model, reduction):
        np.testing.assert_array_equal(fitted.predict_proba(shuffled), fitted.predict_proba(X))


def test_two_sensitive_columns_get_a_threshold_per_intersection(biased, fitted_pipeline) -> None:
    X, y = biased
    X = X.assign(shift=np.where(np.arange(len(X)) % 2 == 0, "day", "night"))
    model = threshold_mitigation(
        fitted_pipeline,
        X,
        y,
        sensitive_columns=["group", "shift"],
        constraint="demographic_parity",
        positive=POSITIVE,
    )
    assert model.groups_ == ("a · day", "a · night", "b · day", "b · night")
    assert model.predict(X).shape == (len(X),)


def test_models_follow_the_estimator_contract(fitted_pipeline) -> None:
    model = GroupThresholdModel(fitted_pipeline, sensitive_columns=["group"], positive="hired")
    assert clone(model).get_params()["positive"] == "hired"
    assert ReductionModel(sensitive_columns=["group"], eps=0.05).get_params()["eps"] == 0.05
