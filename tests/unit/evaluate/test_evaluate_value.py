"""Money at a threshold: a hand-checked example, the confusion in money, the slider lookup."""

from __future__ import annotations

import numpy as np
import pytest

from core.evaluate import counts_at_threshold, evaluate_classification, value_at_threshold
from core.evaluate.classification import NOTE_NO_VALUE
from core.goal import ConfusionCounts, PayoffMatrix, value_curve

PAYOFF = PayoffMatrix(tp=10, fp=-2, fn=-5, tn=0)
SCORES = np.array([0.9, 0.8, 0.8, 0.3])
LABELS = np.array(["Yes", "No", "Yes", "No"])


def test_hand_checked_value_at_threshold() -> None:
    # volume 400 from 4 rows: every count x 100. Positive when score >= 0.8:
    # flagged 0.9 (Yes), 0.8 (No), 0.8 (Yes) -> TP 2, FP 1; 0.3 (No) -> TN 1; FN 0
    # value = 100 x (2·10 + 1·(−2) + 0·(−5) + 1·0) = 1800 per month
    ev = evaluate_classification(
        LABELS,
        SCORES,
        ("No", "Yes"),
        positive="Yes",
        threshold=0.8,
        payoff=PAYOFF,
        volume_per_month=400,
        bootstrap=0,
    )
    assert ev.value_per_month == pytest.approx(1800.0)
    assert ev.metric("value_per_month").value == pytest.approx(1800.0)
    # money per cell: rows actual (No, Yes), columns predicted (No, Yes)
    np.testing.assert_allclose(ev.confusion_value.to_numpy(), [[0.0, -200.0], [0.0, 2000.0]])
    assert ev.optimal_threshold == pytest.approx(0.8)
    # threshold 0.85 flags only 0.9: TP 1, FN 1, FP 0, TN 2 -> 100 x (10 − 5) = 500
    assert value_at_threshold(ev.value_curve, 0.85) == pytest.approx(500.0)
    assert counts_at_threshold(ev.value_curve, 0.85) == ConfusionCounts(100, 0, 100, 200)


def test_confusion_value_is_counts_times_payoff_scaled(binary_scores) -> None:
    y, score = binary_scores(1_000, seed=1)
    ev = evaluate_classification(
        y,
        score,
        ("No", "Yes"),
        positive="Yes",
        threshold=0.45,
        payoff=PAYOFF,
        volume_per_month=7_000,
        bootstrap=0,
    )
    scale = 7_000 / 1_000
    cells = np.array([[PAYOFF.tn, PAYOFF.fp], [PAYOFF.fn, PAYOFF.tp]])
    np.testing.assert_allclose(
        ev.confusion_value.to_numpy(), ev.confusion.to_numpy() * cells * scale
    )
    assert ev.value_per_month == pytest.approx(ev.confusion_value.to_numpy().sum())
    assert ev.value_per_month == pytest.approx(value_at_threshold(ev.value_curve, 0.45))


def test_value_at_threshold_equals_the_value_curve_everywhere(binary_scores) -> None:
    y, score = binary_scores(500, seed=2)
    score = np.round(score, 2)
    is_pos = y == "Yes"
    curve = value_curve(score, is_pos, PAYOFF, volume_per_month=1_000, pos_label=True)
    scale = 1_000 / score.size
    for t in [-1.0, 0.0, 0.105, 0.3, 0.5, 0.77, 0.999, 1.0, 2.0, *curve.thresholds]:
        flagged = score >= t
        tp, fp = np.sum(flagged & is_pos), np.sum(flagged & ~is_pos)
        fn, tn = np.sum(~flagged & is_pos), np.sum(~flagged & ~is_pos)
        expected = scale * (PAYOFF.tp * tp + PAYOFF.fp * fp + PAYOFF.fn * fn + PAYOFF.tn * tn)
        assert value_at_threshold(curve, t) == pytest.approx(expected), t


def test_optimal_threshold_is_the_value_curves_best(binary_scores) -> None:
    y, score = binary_scores(800, seed=3)
    ev = evaluate_classification(
        y, score, ("No", "Yes"), payoff=PAYOFF, volume_per_month=100, bootstrap=0
    )
    assert ev.optimal_threshold == ev.value_curve.best().threshold
    assert value_at_threshold(ev.value_curve, ev.optimal_threshold) == pytest.approx(
        ev.value_curve.value_per_month.max()
    )


def test_no_money_without_payoff_and_volume(binary_scores) -> None:
    y, score = binary_scores(100)
    ev = evaluate_classification(y, score, ("No", "Yes"), payoff=PAYOFF, bootstrap=0)
    assert ev.value_curve is None and ev.confusion_value is None and ev.value_per_month is None
    assert NOTE_NO_VALUE in ev.notes
    assert "value_per_month" not in {m.name for m in ev.metrics}


def test_value_interval_brackets_the_value(binary_scores) -> None:
    y, score = binary_scores(2_000, seed=4)
    ev = evaluate_classification(
        y, score, ("No", "Yes"), payoff=PAYOFF, volume_per_month=5_000, bootstrap=100
    )
    money = ev.metric("value_per_month")
    assert money.low < money.value < money.high
