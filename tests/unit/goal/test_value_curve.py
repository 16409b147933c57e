"""value_curve / value_optimal_threshold: one sort, checked against a brute-force loop."""

from __future__ import annotations

import numpy as np
import pytest

from core.goal import (
    BusinessError,
    ConfusionCounts,
    PayoffMatrix,
    ThresholdChoice,
    value_curve,
    value_optimal_threshold,
)
from core.metrics import flag_at_threshold

PAYOFF = PayoffMatrix(tp=10, fp=-2, fn=-5, tn=0)
SCORES = [0.9, 0.8, 0.8, 0.3]
LABELS = [1, 0, 1, 0]


def brute_force(scores: np.ndarray, labels: np.ndarray, payoff: PayoffMatrix, volume: float):
    """Value per month for each threshold by counting rows directly (positive: score >= t)."""
    thresholds = np.r_[np.unique(scores), np.nextafter(scores.max(), np.inf)]
    scale = volume / scores.size
    values = []
    for t in thresholds:
        flagged = scores >= t
        tp = np.sum(flagged & labels) * scale
        fp = np.sum(flagged & ~labels) * scale
        fn = np.sum(~flagged & labels) * scale
        tn = np.sum(~flagged & ~labels) * scale
        values.append(payoff.tp * tp + payoff.fp * fp + payoff.fn * fn + payoff.tn * tn)
    values = np.asarray(values)
    top = values.max()
    best = np.flatnonzero(values >= top - 1e-9 * max(1.0, abs(top)))[-1]
    return thresholds, values, thresholds[best], values[best]


def test_value_curve_hand_example() -> None:
    # thresholds ascending: 0.3, 0.8, 0.9, just above 0.9 (volume 4 = sample size, scale 1)
    # t=0.3 flags all:           TP 2, FP 2, FN 0, TN 0 -> 20 - 4      = 16
    # t=0.8 flags 0.9, 0.8, 0.8: TP 2, FP 1, FN 0, TN 1 -> 20 - 2      = 18
    # t=0.9 flags 0.9:           TP 1, FP 0, FN 1, TN 2 -> 10 - 5      = 5
    # above 0.9 flags nobody:    TP 0, FP 0, FN 2, TN 2 -> -10
    curve = value_curve(SCORES, LABELS, PAYOFF, volume_per_month=4)
    np.testing.assert_allclose(curve.thresholds[:3], [0.3, 0.8, 0.9])
    assert curve.thresholds[3] > 0.9
    np.testing.assert_allclose(curve.value_per_month, [16, 18, 5, -10])
    np.testing.assert_allclose(curve.tp, [2, 2, 1, 0])
    np.testing.assert_allclose(curve.fp, [2, 1, 0, 0])
    np.testing.assert_allclose(curve.fn, [0, 0, 1, 2])
    np.testing.assert_allclose(curve.tn, [0, 1, 2, 2])
    assert curve.n_samples == 4


def test_value_optimal_threshold_hand_example_scaled_to_volume() -> None:
    # volume 400 from a sample of 4: every count x 100 -> best value 18 x 100 = 1800
    choice = value_optimal_threshold(SCORES, LABELS, PAYOFF, volume_per_month=400)
    assert choice == ThresholdChoice(0.8, 1800.0, ConfusionCounts(200, 100, 0, 100))


@pytest.mark.parametrize("seed", range(8))
def test_value_curve_matches_brute_force_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    labels = rng.random(n) < rng.uniform(0.05, 0.6)
    scores = np.round(np.clip(labels * 0.25 + rng.random(n) * 0.75, 0, 1), 2)  # many ties
    payoff = PayoffMatrix(**dict(zip(("tp", "fp", "fn", "tn"), rng.normal(0, 50, 4), strict=True)))
    volume = float(rng.integers(100, 50_000))
    thresholds, values, best_t, best_v = brute_force(scores, labels, payoff, volume)
    curve = value_curve(scores, labels, payoff, volume_per_month=volume)
    np.testing.assert_allclose(curve.thresholds, thresholds)
    np.testing.assert_allclose(curve.value_per_month, values, rtol=1e-9, atol=1e-6)
    choice = value_optimal_threshold(scores, labels, payoff, volume_per_month=volume)
    assert choice.threshold == pytest.approx(best_t)
    assert choice.value_per_month == pytest.approx(best_v, rel=1e-9, abs=1e-6)
    assert choice.counts.total == pytest.approx(volume)


def test_value_curve_counts_add_up_to_volume() -> None:
    rng = np.random.default_rng(11)
    scores, labels = rng.random(1000), rng.random(1000) < 0.3
    curve = value_curve(scores, labels, PAYOFF, volume_per_month=7000)
    totals = curve.tp + curve.fp + curve.fn + curve.tn
    np.testing.assert_allclose(totals, 7000)
    assert np.all(np.diff(curve.thresholds) > 0)


def test_value_curve_string_labels_with_pos_label() -> None:
    labels = ["Yes", "No", "Yes", "No"]
    curve = value_curve(SCORES, labels, PAYOFF, volume_per_month=4, pos_label="Yes")
    np.testing.assert_allclose(curve.value_per_month, [16, 18, 5, -10])


def test_value_curve_boolean_labels() -> None:
    labels = [True, False, True, False]
    curve = value_curve(SCORES, labels, PAYOFF, volume_per_month=4)
    np.testing.assert_allclose(curve.value_per_month, [16, 18, 5, -10])


def test_value_curve_all_scores_equal_has_two_thresholds() -> None:
    curve = value_curve([0.5, 0.5, 0.5], [1, 0, 0], PAYOFF, volume_per_month=3)
    assert curve.thresholds.size == 2
    np.testing.assert_allclose(curve.value_per_month, [10 - 4, -5])


def test_value_optimal_threshold_prefers_flagging_fewer_on_ties() -> None:
    # only negatives and a free false alarm: every threshold is worth 0 -> flag nobody
    choice = value_optimal_threshold(
        [0.2, 0.7], [0, 0], PayoffMatrix(tp=1, fp=0, fn=0, tn=0), volume_per_month=2
    )
    assert choice.threshold > 0.7
    assert choice.counts.fp == 0


def test_value_curve_large_sample_is_fast_enough() -> None:
    rng = np.random.default_rng(5)
    n = 1_000_000
    labels = rng.random(n) < 0.25
    scores = rng.random(n)
    curve = value_curve(scores, labels, PAYOFF, volume_per_month=7000)
    assert curve.thresholds.size == np.unique(scores).size + 1


@pytest.mark.parametrize(
    ("scores", "labels", "match"),
    [
        ([0.1, 0.2], [1], "same length"),
        ([], [], "at least one"),
        ([0.1, np.nan], [1, 0], "finite"),
        ([0.1, 0.2, 0.3], [0, 1, 2], "at most two classes"),
        ([0.1, 0.2], ["Yes", "No"], "pos_label 1"),
    ],
)
def test_value_curve_rejects_bad_input(scores: list, labels: list, match: str) -> None:
    with pytest.raises(BusinessError, match=match):
        value_curve(scores, labels, PAYOFF, volume_per_month=10)


def test_value_curve_counts_follow_the_one_threshold_rule() -> None:
    """Every point of the curve counts what core.metrics.flag_at_threshold flags."""
    rng = np.random.default_rng(7)
    scores = np.round(rng.random(300), 2)  # ties
    labels = rng.random(300) < 0.3
    curve = value_curve(
        scores, labels, PayoffMatrix(tp=5, fp=-1, fn=-2, tn=0), volume_per_month=300
    )
    for threshold, tp, fp in zip(curve.thresholds, curve.tp, curve.fp, strict=True):
        flagged = flag_at_threshold(scores, threshold)
        assert (tp, fp) == (np.sum(flagged & labels), np.sum(flagged & ~labels))
