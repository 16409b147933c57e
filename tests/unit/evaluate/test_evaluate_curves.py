"""ROC, PR, calibration, gains and score histograms: right numbers, few points."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import auc

from core.evaluate import MAX_CURVE_POINTS, evaluate_classification


@pytest.fixture
def evaluation(binary_scores):
    y, score = binary_scores(20_000, seed=1)
    return y, score, evaluate_classification(y, score, ("No", "Yes"), bootstrap=0)


def test_curves_are_thinned_and_keep_their_ends(evaluation) -> None:
    _, _, ev = evaluation
    assert len(ev.roc) <= MAX_CURVE_POINTS and len(ev.pr) <= MAX_CURVE_POINTS
    assert (ev.roc["fpr"].iloc[0], ev.roc["tpr"].iloc[0]) == (0.0, 0.0)
    assert (ev.roc["fpr"].iloc[-1], ev.roc["tpr"].iloc[-1]) == (1.0, 1.0)
    assert auc(ev.roc["fpr"], ev.roc["tpr"]) == pytest.approx(ev.metric("roc_auc").value, abs=2e-3)


def test_calibration_equals_sklearn_quantile_curve(evaluation) -> None:
    y, score, ev = evaluation
    observed, predicted = calibration_curve(y == "Yes", score, n_bins=10, strategy="quantile")
    np.testing.assert_allclose(ev.calibration["observed"], observed)
    np.testing.assert_allclose(ev.calibration["mean_predicted"], predicted)
    assert ev.calibration["rows"].sum() == len(y)


def test_gains_capture_every_positive_and_lift_falls_to_one(evaluation) -> None:
    y, score, ev = evaluation
    gains = ev.gains
    assert len(gains) == 10
    assert gains["share_of_positives"].is_monotonic_increasing
    assert gains["share_of_positives"].iloc[-1] == pytest.approx(1.0)
    assert gains["lift"].iloc[-1] == pytest.approx(1.0)
    assert gains["lift"].iloc[0] > 1.5  # the scores carry signal
    top = np.sort(score)[::-1][: int(gains["rows_targeted"].iloc[0])]
    assert gains["positives_captured"].iloc[0] == np.sum(
        y[np.argsort(-score, kind="mergesort")][: len(top)] == "Yes"
    )


def test_score_histogram_counts_every_row_per_class(evaluation) -> None:
    y, _, ev = evaluation
    per_class = ev.score_histogram.groupby("actual")["rows"].sum()
    assert per_class["Yes"] == np.sum(y == "Yes") and per_class["No"] == np.sum(y == "No")


def test_gains_with_percentile_bins(binary_scores) -> None:
    y, score = binary_scores(5_000, seed=2)
    ev = evaluate_classification(y, score, ("No", "Yes"), bootstrap=0, gains_bins=100)
    assert len(ev.gains) == 100
