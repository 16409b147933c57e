"""Money formulas on hand-computed numbers: counts, value, baseline, ROI, break-even."""

from __future__ import annotations

import re

import numpy as np
import pydantic
import pytest

from core.exceptions import CoreError
from core.goal import (
    BusinessError,
    ConfusionCounts,
    Costs,
    ErrorCost,
    Goal,
    PayoffMatrix,
    RiskItem,
    baseline_value_per_month,
    break_even_precision,
    counts_at_rates,
    expected_value,
    format_money,
    regression_roi_estimate,
    regression_value_per_month,
    risk_matrix,
    roi_estimate,
    roi_surface,
    value_per_month,
)
from core.goal.model import MSG_BASELINE_PAIR

PAYOFF = PayoffMatrix(tp=100, fp=-20, fn=-50, tn=0)
RATES = {"positive_rate": 0.2, "volume": 1000}


def goal(**changes: object) -> Goal:
    base = Goal(
        name="g",
        problem="p",
        volume_per_month=1000,
        expected_positive_rate=0.2,
        currency="EUR",
        payoff=PAYOFF,
        costs=Costs(build=10_000, run_per_month=1_000),
    )
    return base.model_copy(update=changes)


def test_counts_at_rates_hand_example() -> None:
    # positives = 0.2 * 1000 = 200; TP = 0.6 * 200 = 120; FP = 120 * 0.5 / 0.5 = 120
    # FN = 200 - 120 = 80; TN = 800 - 120 = 680
    counts = counts_at_rates(precision=0.5, recall=0.6, **RATES)
    assert counts == ConfusionCounts(tp=120, fp=120, fn=80, tn=680)
    assert counts.total == 1000


def test_expected_value_hand_example() -> None:
    # 100*120 - 20*120 - 50*80 + 0*680 = 12000 - 2400 - 4000 = 5600
    assert expected_value(ConfusionCounts(120, 120, 80, 680), PAYOFF) == 5600


def test_value_per_month_hand_example() -> None:
    assert value_per_month(precision=0.5, recall=0.6, payoff=PAYOFF, **RATES) == pytest.approx(5600)


def test_baseline_do_nothing_is_all_negative() -> None:
    # nobody flagged: FN = 200, TN = 800 -> -50*200 + 0*800 = -10000
    assert baseline_value_per_month(payoff=PAYOFF, **RATES) == pytest.approx(-10_000)


def test_baseline_rule_with_own_rates() -> None:
    # rule at precision 0.4, recall 0.3: TP 60, FP 90, FN 140, TN 710
    # 100*60 - 20*90 - 50*140 = 6000 - 1800 - 7000 = -2800
    value = baseline_value_per_month(payoff=PAYOFF, precision=0.4, recall=0.3, **RATES)
    assert value == pytest.approx(-2800)


def test_baseline_needs_both_rates_or_neither() -> None:
    with pytest.raises(BusinessError, match=re.escape(MSG_BASELINE_PAIR)):
        baseline_value_per_month(payoff=PAYOFF, precision=0.4, **RATES)


def test_counts_at_rates_recall_zero_flags_nobody() -> None:
    for precision in (0.0, 0.3, 1.0):
        counts = counts_at_rates(precision=precision, recall=0.0, **RATES)
        assert counts == ConfusionCounts(0, 0, 200, 800)


def test_counts_at_rates_precision_zero_with_recall_is_impossible() -> None:
    with pytest.raises(BusinessError) as caught:
        counts_at_rates(precision=0.0, recall=0.5, **RATES)
    assert caught.value.field == "precision"


def test_counts_at_rates_false_positives_beyond_negatives() -> None:
    # rate 0.5: 500 positives, 500 negatives; recall 1, precision 0.1 -> FP = 500*0.9/0.1 = 4500
    with pytest.raises(CoreError, match="4,500 false positives"):
        counts_at_rates(precision=0.1, recall=1.0, positive_rate=0.5, volume=1000)


def test_counts_at_rates_flag_everyone_is_exactly_feasible() -> None:
    # precision == positive rate at recall 1 means flagging everyone: FP = all negatives
    counts = counts_at_rates(precision=0.2, recall=1.0, **RATES)
    assert counts.fp == pytest.approx(800)
    assert counts.tn == pytest.approx(0)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("precision", {"precision": 1.2, "recall": 0.5, "positive_rate": 0.2, "volume": 10}),
        ("recall", {"precision": 0.5, "recall": -0.1, "positive_rate": 0.2, "volume": 10}),
        ("positive_rate", {"precision": 0.5, "recall": 0.5, "positive_rate": 2, "volume": 10}),
        ("volume", {"precision": 0.5, "recall": 0.5, "positive_rate": 0.2, "volume": -1}),
    ],
)
def test_counts_at_rates_rejects_out_of_range(name: str, kwargs: dict) -> None:
    with pytest.raises(BusinessError) as caught:
        counts_at_rates(**kwargs)
    assert caught.value.field == name


def test_roi_estimate_hand_example() -> None:
    # model 5600, baseline (do nothing) -10000 -> gain 15600; net = 15600 - 1000 = 14600
    # payback = 10000 / 14600 = 0.6849 months
    # ROI over 12 months = (15600*12 - (10000 + 1000*12)) / 22000 = 165200 / 22000 = 7.509
    roi = roi_estimate(goal(), precision=0.5, recall=0.6)
    assert roi.model_value_per_month == pytest.approx(5600)
    assert roi.baseline_value_per_month == pytest.approx(-10_000)
    assert roi.gain_per_month == pytest.approx(15_600)
    assert roi.net_gain_per_month == pytest.approx(14_600)
    assert roi.build_cost == 10_000
    assert roi.payback_months == pytest.approx(10_000 / 14_600)
    assert roi.roi == pytest.approx(165_200 / 22_000)
    assert roi.currency == "EUR"
    # even flagging everyone (FP = 800) earns 12000 - 16000 - 4000 = -8000 > -10000 + 1000,
    # so no precision breaks even at recall 0.6
    assert roi.break_even_precision is None


def test_roi_estimate_against_a_rule() -> None:
    # gain = 5600 - (-2800) = 8400; net = 7400
    roi = roi_estimate(
        goal(), precision=0.5, recall=0.6, baseline_precision=0.4, baseline_recall=0.3
    )
    assert roi.gain_per_month == pytest.approx(8400)
    assert roi.net_gain_per_month == pytest.approx(7400)
    assert "rule" in roi.basis


def test_roi_estimate_without_costs_has_no_ratio_and_instant_payback() -> None:
    roi = roi_estimate(goal(costs=None), precision=0.5, recall=0.6)
    assert roi.roi is None
    assert roi.payback_months == 0
    assert roi.net_gain_per_month == pytest.approx(15_600)


def test_roi_estimate_never_pays_back_when_net_gain_is_negative() -> None:
    roi = roi_estimate(
        goal(costs=Costs(build=10_000, run_per_month=50_000)), precision=0.5, recall=0.6
    )
    assert roi.net_gain_per_month < 0
    assert roi.payback_months is None
    assert roi.roi is not None and roi.roi < 0


def test_roi_estimate_needs_rate_volume_and_payoff() -> None:
    with pytest.raises(BusinessError) as caught:
        roi_estimate(goal(expected_positive_rate=None), precision=0.5, recall=0.6)
    assert caught.value.field == "expected_positive_rate"


def test_roi_estimate_refuses_regression_goal() -> None:
    with pytest.raises(BusinessError, match="regression_roi_estimate"):
        roi_estimate(goal(task="regression"), precision=0.5, recall=0.6)


def test_break_even_precision_hand_example() -> None:
    # recall 0.6: TP 120, FN 80; fixed = 100*120 - 50*80 = 8000
    # FP* = (baseline + run - fixed) / (fp - tn) = (-10000 + 3000 - 8000) / -20 = 750
    # p* = 120 / (120 + 750) = 0.13793
    p = break_even_precision(
        recall=0.6, payoff=PAYOFF, baseline_value=-10_000, run_cost_per_month=3000, **RATES
    )
    assert p == pytest.approx(120 / 870)
    roi = roi_estimate(goal(costs=Costs(build=0, run_per_month=3000)), precision=p, recall=0.6)
    assert roi.net_gain_per_month == pytest.approx(0, abs=1e-6)
    assert roi.break_even_precision == pytest.approx(p)


def test_break_even_precision_none_when_never_profitable() -> None:
    # run cost exceeds any possible gain even at precision 1
    p = break_even_precision(
        recall=0.6, payoff=PAYOFF, baseline_value=-10_000, run_cost_per_month=1e9, **RATES
    )
    assert p is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"recall": 0.0, "payoff": PAYOFF},  # nothing flagged: precision cannot matter
        {"recall": 0.6, "payoff": PayoffMatrix(tp=100, fp=0, fn=-50, tn=0)},  # fp == tn: no slope
    ],
)
def test_break_even_precision_none_when_precision_does_not_matter(kwargs: dict) -> None:
    assert break_even_precision(baseline_value=0, **kwargs, **RATES) is None


def test_regression_value_per_month_symmetric_split() -> None:
    # mae 10, bias 0: mean under = mean over = 5; cost/prediction = 2*5 + 1*5 = 15
    value = regression_value_per_month(mae=10, volume=100, error_cost=ErrorCost(under=2, over=1))
    assert value == pytest.approx(-1500)


def test_regression_value_per_month_with_bias() -> None:
    # bias +4 (over-predicts): over = (10+4)/2 = 7, under = (10-4)/2 = 3 -> 2*3 + 1*7 = 13
    value = regression_value_per_month(
        mae=10, bias=4, volume=100, error_cost=ErrorCost(under=2, over=1)
    )
    assert value == pytest.approx(-1300)


def test_regression_split_identity_holds_on_data() -> None:
    rng = np.random.default_rng(3)
    errors = rng.normal(1.5, 4.0, 10_000)  # prediction - truth
    mae, bias = np.abs(errors).mean(), errors.mean()
    cost = ErrorCost(under=3.0, over=0.5)
    exact = -(cost.under * np.maximum(-errors, 0) + cost.over * np.maximum(errors, 0)).sum()
    value = regression_value_per_month(mae=mae, bias=bias, volume=errors.size, error_cost=cost)
    assert value == pytest.approx(exact)


def test_regression_bias_cannot_exceed_mae() -> None:
    with pytest.raises(BusinessError) as caught:
        regression_value_per_month(mae=2, bias=3, volume=1, error_cost=ErrorCost(under=1, over=1))
    assert caught.value.field == "bias"


def test_regression_roi_estimate_hand_example() -> None:
    # model -1500, baseline (mae 20) -3000: gain 1500, net 1000, payback 1000/1000 = 1 month
    # break-even mae: -150*mae = -3000 + 500 -> mae = 16.67
    g = goal(
        task="regression",
        payoff=None,
        error_cost=ErrorCost(under=2, over=1),
        volume_per_month=100,
        costs=Costs(build=1000, run_per_month=500),
    )
    roi = regression_roi_estimate(g, mae=10, baseline_mae=20)
    assert roi.gain_per_month == pytest.approx(1500)
    assert roi.net_gain_per_month == pytest.approx(1000)
    assert roi.payback_months == pytest.approx(1.0)
    assert roi.break_even_mae == pytest.approx(2500 / 150)
    assert roi.break_even_precision is None


def test_regression_roi_estimate_refuses_classification_goal() -> None:
    with pytest.raises(BusinessError):
        regression_roi_estimate(goal(), mae=1, baseline_mae=2)


def test_roi_surface_matches_roi_estimate_and_marks_impossible_pairs() -> None:
    g = goal()
    surface = roi_surface(g, precisions=[0.1, 0.5, 1.0], recalls=[0.2, 0.6, 1.0])
    net = surface.net_gain_per_month
    assert net.shape == (3, 3)
    assert net[1, 1] == pytest.approx(roi_estimate(g, precision=0.5, recall=0.6).net_gain_per_month)
    # precision 0.1 at recall 0.6 needs FP = 120*9 = 1080 > 800 negatives
    assert np.isnan(net[1, 0])
    # recall 0.2: TP 40, FN 160, fixed = 4000 - 8000 = -4000
    # FP* = (-10000 + 1000 + 4000) / -20 = 250 -> p* = 40 / 290; higher recalls never break even
    assert surface.break_even_precision[0] == pytest.approx(40 / 290)
    assert np.all(np.isnan(surface.break_even_precision[1:]))


def test_roi_surface_rejects_zero_precision() -> None:
    with pytest.raises(BusinessError):
        roi_surface(goal(), precisions=[0.0, 0.5])


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "level"),
    [(1, 4, 4, "low"), (1, 5, 5, "medium"), (3, 3, 9, "medium"), (2, 5, 10, "high"),
     (4, 4, 16, "high"), (4, 5, 20, "critical"), (5, 5, 25, "critical")],
)  # fmt: skip
def test_risk_item_score_and_level(likelihood: int, impact: int, score: int, level: str) -> None:
    risk = RiskItem(name="r", category="other", likelihood=likelihood, impact=impact)
    assert risk.score == score
    assert risk.level == level


def test_risk_matrix_places_names_by_likelihood_and_impact() -> None:
    risks = [
        RiskItem(name="a", category="bias", likelihood=3, impact=4),
        RiskItem(name="b", category="privacy", likelihood=3, impact=4),
        RiskItem(name="c", category="drift", likelihood=5, impact=1),
    ]
    matrix = risk_matrix(risks)
    assert matrix.counts[2][3] == 2
    assert matrix.cell(3, 4) == ("a", "b")
    assert matrix.cell(5, 1) == ("c",)
    assert sum(map(sum, matrix.counts)) == 3


def test_risk_item_rejects_out_of_scale_so_the_matrix_never_sees_it() -> None:
    with pytest.raises(pydantic.ValidationError, match="likelihood"):
        RiskItem(name="x", category="other", likelihood=0, impact=3)


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (12345.6, "EUR", "12,346 EUR"),
        (-60, "EUR", "-60 EUR"),
        (0, "EUR", "0 EUR"),
        (12.5, "€", "€12.50"),
        (-1500, "$", "-$1,500"),
        (None, "EUR", "–"),
        (7, None, "7"),
    ],
)
def test_format_money(value: float | None, currency: str | None, text: str) -> None:
    assert format_money(value, currency) == text
