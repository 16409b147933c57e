"""Bootstrap intervals: the percentiles of independently recomputed resamples, narrow with rows,
equal sklearn per resample."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from core.evaluate import BOOTSTRAP_MAX_ROWS, evaluate_classification, evaluate_regression
from core.evaluate.metrics import (
    NOTE_SUBSAMPLE,
    _score_groups,
    _weighted_label_metrics,
    _weighted_ranking,
    regression_statistic,
)
from core.stats import resample_counts


def _percentiles(values: list[float]) -> tuple[float, float]:
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


BINARY_METRICS = {
    "accuracy": lambda t, s, p: skm.accuracy_score(t, p),
    "balanced_accuracy": lambda t, s, p: skm.balanced_accuracy_score(t, p),
    "precision": lambda t, s, p: skm.precision_score(t, p, zero_division=0),
    "recall": lambda t, s, p: skm.recall_score(t, p, zero_division=0),
    "f1": lambda t, s, p: skm.f1_score(t, p, zero_division=0),
    "roc_auc": lambda t, s, p: skm.roc_auc_score(t, s),
    "pr_auc": lambda t, s, p: skm.average_precision_score(t, s),
    "log_loss": lambda t, s, p: skm.log_loss(t, s, labels=[False, True]),
    "brier": lambda t, s, p: skm.brier_score_loss(t, s),
}
REGRESSION_METRICS = {
    "rmse": skm.root_mean_squared_error,
    "mae": skm.mean_absolute_error,
    "r2": skm.r2_score,
    "median_ae": skm.median_absolute_error,
    "mape": skm.mean_absolute_percentage_error,
    "bias": lambda t, p: float(np.mean(p - t)),
}


def test_binary_intervals_are_the_percentiles_of_independent_resamples(binary_scores) -> None:
    """Same seed, same resample indices (one ``integers(0, n, (reps, n))`` draw), each metric
    recomputed by scikit-learn on the resampled rows: the interval is their 2.5-97.5 %."""
    y, score = binary_scores(600, seed=1)
    seed, reps = 11, 150
    ev = evaluate_classification(y, score, ("No", "Yes"), positive="Yes", bootstrap=reps, seed=seed)
    resamples = np.random.default_rng(seed).integers(0, y.size, size=(reps, y.size))
    truth, predicted = y == "Yes", score >= 0.5
    for name, metric in BINARY_METRICS.items():
        values = [metric(truth[rows], score[rows], predicted[rows]) for rows in resamples]
        computed = ev.metric(name)
        assert (computed.low, computed.high) == pytest.approx(_percentiles(values), abs=1e-9), name
        assert computed.resamples == reps


def test_regression_intervals_are_the_percentiles_of_independent_resamples(
    regression_predictions,
) -> None:
    """As above; the regression statistic holds its rows sorted by absolute error (stable), so
    the resample indices address that order."""
    actual, predicted = regression_predictions(500, seed=1)
    seed, reps = 12, 150
    reg = evaluate_regression(actual, predicted, bootstrap=reps, seed=seed)
    order = np.argsort(np.abs(predicted - actual), kind="mergesort")
    resamples = order[
        np.random.default_rng(seed).integers(0, actual.size, size=(reps, actual.size))
    ]
    for name, metric in REGRESSION_METRICS.items():
        values = [metric(actual[rows], predicted[rows]) for rows in resamples]
        computed = reg.metric(name)
        assert (computed.low, computed.high) == pytest.approx(_percentiles(values), abs=1e-9), name


def test_intervals_narrow_with_more_rows(binary_scores) -> None:
    widths = []
    for rows in (500, 8_000):
        y, score = binary_scores(rows, seed=2)
        ev = evaluate_classification(y, score, ("No", "Yes"), positive="Yes", bootstrap=100)
        widths.append({m.name: m.high - m.low for m in ev.metrics})
    for name, wide in widths[0].items():
        assert widths[1][name] < wide / 2, name  # 16x the rows: about a quarter of the width


def test_same_seed_same_intervals_other_seed_other_intervals(binary_scores) -> None:
    y, score = binary_scores(400, seed=3)
    runs = [
        evaluate_classification(y, score, ("No", "Yes"), bootstrap=50, seed=seed)
        for seed in (7, 7, 8)
    ]
    assert runs[0].metrics == runs[1].metrics
    assert runs[0].metrics != runs[2].metrics


def test_no_bootstrap_gives_nan_bounds(binary_scores) -> None:
    y, score = binary_scores(100)
    ev = evaluate_classification(y, score, ("No", "Yes"), bootstrap=0)
    assert all(math.isnan(m.low) and math.isnan(m.high) and m.resamples == 0 for m in ev.metrics)


def test_resamples_without_both_classes_are_skipped_and_counted() -> None:
    # 2 positives in 20 rows: about 1 resample in 8 draws no positive (AUC undefined)
    y = np.array(["Yes", "Yes"] + ["No"] * 18)
    score = np.linspace(0.9, 0.05, 20)
    ev = evaluate_classification(y, score, ("No", "Yes"), positive="Yes", bootstrap=200)
    auc = ev.metric("roc_auc")
    assert 100 <= auc.resamples < 200
    assert ev.metric("accuracy").resamples == 200
    assert any(note.startswith(f"roc_auc: {auc.resamples} of 200") for note in ev.notes)


def test_large_data_is_bootstrapped_on_a_sample_with_a_note(binary_scores) -> None:
    rows = BOOTSTRAP_MAX_ROWS + 10_000
    y, score = binary_scores(rows, seed=4)
    ev = evaluate_classification(y, score, ("No", "Yes"), bootstrap=20)
    assert NOTE_SUBSAMPLE.format(reps=20, rows=BOOTSTRAP_MAX_ROWS, total=rows) in ev.notes
    accuracy = ev.metric("accuracy")
    se = math.sqrt(accuracy.value * (1 - accuracy.value) / rows)
    assert accuracy.high - accuracy.low == pytest.approx(2 * 1.96 * se, rel=0.5)


def test_weighted_ranking_equals_sklearn_with_counts_as_weights(binary_scores) -> None:
    y, score = binary_scores(300, seed=5)
    score = np.round(score, 2)  # ties
    is_pos = y == "Yes"
    order, starts = _score_groups(score)
    counts = resample_counts(np.random.default_rng(0), score.size, 5)
    auc, ap = _weighted_ranking(counts[:, order], is_pos[order], starts)
    for i, weights in enumerate(counts):
        assert auc[i] == pytest.approx(skm.roc_auc_score(is_pos, score, sample_weight=weights))
        assert ap[i] == pytest.approx(
            skm.average_precision_score(is_pos, score, sample_weight=weights)
        )


def test_weighted_label_metrics_equal_sklearn_on_the_resample(multiclass_scores) -> None:
    y, proba = multiclass_scores(200, ("a", "b", "c"), seed=6)
    codes = np.searchsorted(["a", "b", "c"], y)
    pred = proba.argmax(axis=1)
    counts = resample_counts(np.random.default_rng(1), y.size, 3)
    out = _weighted_label_metrics(counts, codes, pred, 3, None)
    for i, weights in enumerate(counts):
        rows = np.repeat(np.arange(y.size), weights.astype(int))
        yt, yp = codes[rows], pred[rows]
        macro = {"labels": [0, 1, 2], "average": "macro", "zero_division": 0}
        assert out["accuracy"][i] == pytest.approx(skm.accuracy_score(yt, yp))
        assert out["balanced_accuracy"][i] == pytest.approx(skm.balanced_accuracy_score(yt, yp))
        assert out["f1"][i] == pytest.approx(skm.f1_score(yt, yp, **macro))
        assert out["precision"][i] == pytest.approx(skm.precision_score(yt, yp, **macro))


def test_weighted_regression_metrics_equal_sklearn_on_the_resample(
    regression_predictions,
) -> None:
    actual, predicted = regression_predictions(101, seed=7)
    statistic = regression_statistic(actual, predicted, with_mape=True)
    order = np.argsort(np.abs(predicted - actual), kind="mergesort")
    counts = resample_counts(np.random.default_rng(2), actual.size, 4)
    out = statistic(counts)
    for i, weights in enumerate(counts):
        rows = order[np.repeat(np.arange(actual.size), weights.astype(int))]
        yt, yp = actual[rows], predicted[rows]
        assert out["rmse"][i] == pytest.approx(skm.root_mean_squared_error(yt, yp))
        assert out["r2"][i] == pytest.approx(skm.r2_score(yt, yp))
        assert out["median_ae"][i] == pytest.approx(skm.median_absolute_error(yt, yp))
        assert out["mape"][i] == pytest.approx(skm.mean_absolute_percentage_error(yt, yp))
