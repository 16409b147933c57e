"""The money of a goal: expected value of predictions, ROI against the current way, ROI surface.

Pure formulas over the goal's payoff matrix (classification) or error cost (regression); every
number a user sees on the Goal page, in the business case and in the model card comes from here.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from core.exceptions import CoreError
from core.goal.model import MSG_BASELINE_PAIR, ErrorCost, Goal, PayoffMatrix
from core.report import escape_markdown

MSG_RATE_RANGE = "{name} must be between 0 and 1, got {value!r}"
MSG_VOLUME = "{name} must be 0 or more, got {value!r}"
MSG_PRECISION_ZERO = (
    "precision 0 with recall {recall} is impossible: a model that finds some positives "
    "has a precision above 0"
)
MSG_FP_EXCEED = (
    "precision {precision} at recall {recall} implies {fp:,.0f} false positives per month, but "
    "only {negatives:,.0f} negatives exist at positive rate {positive_rate}; "
    "raise the precision or lower the recall"
)

MSG_ROI_NEEDS = "an ROI estimate needs goal.{field}; fill it in on the Goal page"
MSG_ROI_TASK = "{function} needs a {expected} goal; this goal's task is {task!r}"
MSG_BIAS = (
    "|bias| {bias} cannot exceed mae {mae}: the mean absolute error bounds the mean signed error"
)
MSG_GRID = "{name} must be values in (0, 1], got min {low} and max {high}"


class BusinessError(CoreError):
    """A business-case number cannot work (e.g. a precision/recall pair no model can reach)."""


@dataclasses.dataclass(frozen=True)
class ConfusionCounts:
    """Expected (possibly fractional) number of predictions per outcome."""

    tp: float
    fp: float
    fn: float
    tn: float

    @property
    def total(self) -> float:
        return self.tp + self.fp + self.fn + self.tn


def _check_share(name: str, value: float) -> float:
    if not (isinstance(value, numbers.Real) and 0.0 <= value <= 1.0):
        raise BusinessError(MSG_RATE_RANGE.format(name=name, value=value), field=name)
    return float(value)


def _check_volume(name: str, value: float) -> float:
    if not (isinstance(value, numbers.Real) and math.isfinite(value) and value >= 0):
        raise BusinessError(MSG_VOLUME.format(name=name, value=value), field=name)
    return float(value)


def expected_value(counts: ConfusionCounts, payoff: PayoffMatrix) -> float:
    """Money the predictions earn: ``tp·TP + fp·FP + fn·FN + tn·TN``."""
    return (
        payoff.tp * counts.tp
        + payoff.fp * counts.fp
        + payoff.fn * counts.fn
        + payoff.tn * counts.tn
    )


def counts_at_rates(
    *, precision: float, recall: float, positive_rate: float, volume: float
) -> ConfusionCounts:
    """Expected counts per month for a model with this precision and recall.

    positives P = positive_rate·volume, TP = recall·P, FP = TP·(1 − precision)/precision,
    FN = P − TP, TN = volume − P − FP. With recall 0 (or no positives) nothing is flagged, so
    FP = 0 whatever the precision. Raises BusinessError when precision is 0 but recall is not,
    or when the implied FP exceed the negatives available.
    Example: volume 1000, rate 0.2, precision 0.5, recall 0.6 -> TP 120, FP 120, FN 80, TN 680.
    """
    precision = _check_share("precision", precision)
    recall = _check_share("recall", recall)
    positive_rate = _check_share("positive_rate", positive_rate)
    volume = _check_volume("volume", volume)
    positives = positive_rate * volume
    negatives = volume - positives
    tp = recall * positives
    if tp == 0:
        fp = 0.0
    elif precision == 0:
        raise BusinessError(MSG_PRECISION_ZERO.format(recall=recall), field="precision")
    else:
        fp = tp * (1 - precision) / precision
    if fp > negatives * (1 + 1e-9) + 1e-9:
        raise BusinessError(
            MSG_FP_EXCEED.format(
                precision=precision,
                recall=recall,
                fp=fp,
                negatives=negatives,
                positive_rate=positive_rate,
            ),
            field="precision",
        )
    return ConfusionCounts(tp=tp, fp=fp, fn=positives - tp, tn=max(negatives - fp, 0.0))


def value_per_month(
    *,
    precision: float,
    recall: float,
    positive_rate: float,
    volume: float,
    payoff: PayoffMatrix,
) -> float:
    """Expected money per month of acting on the model: expected_value(counts_at_rates(...))."""
    counts = counts_at_rates(
        precision=precision, recall=recall, positive_rate=positive_rate, volume=volume
    )
    return expected_value(counts, payoff)


def baseline_value_per_month(
    *,
    positive_rate: float,
    volume: float,
    payoff: PayoffMatrix,
    precision: float | None = None,
    recall: float | None = None,
) -> float:
    """Money per month of the current way, which a model must beat.

    Without precision/recall the baseline is "do nothing": everyone predicted negative, so
    value = fn·P + tn·N. With them, it is a rule with its own precision and recall.
    """
    if (precision is None) != (recall is None):
        raise BusinessError(MSG_BASELINE_PAIR, field="baseline_precision")
    if precision is None or recall is None:
        precision, recall = 1.0, 0.0  # do nothing: nobody is flagged
    return value_per_month(
        precision=precision,
        recall=recall,
        positive_rate=positive_rate,
        volume=volume,
        payoff=payoff,
    )


def break_even_precision(
    *,
    recall: float,
    positive_rate: float,
    volume: float,
    payoff: PayoffMatrix,
    baseline_value: float,
    run_cost_per_month: float = 0.0,
) -> float | None:
    """The precision at which model value − run cost = baseline value, at this recall.

    Value is linear in FP: V(FP) = tp·TP + fn·FN + tn·N + (fp − tn)·FP, so
    FP* = (baseline + run − tp·TP − fn·FN − tn·N) / (fp − tn) and p* = TP / (TP + FP*).
    When false positives cost more than true negatives (the usual case) p* is the minimum
    precision that pays. None when no feasible precision in (0, 1] breaks even (value does
    not depend on precision, or it would need FP < 0 or more FP than there are negatives).
    """
    recall = _check_share("recall", recall)
    positive_rate = _check_share("positive_rate", positive_rate)
    volume = _check_volume("volume", volume)
    positives = positive_rate * volume
    negatives = volume - positives
    tp = recall * positives
    slope = payoff.fp - payoff.tn
    if tp <= 0 or slope == 0:
        return None
    fixed = payoff.tp * tp + payoff.fn * (positives - tp) + payoff.tn * negatives
    fp_star = (baseline_value + run_cost_per_month - fixed) / slope
    tolerance = 1e-9 * max(1.0, negatives)
    if fp_star < -tolerance or fp_star > negatives + tolerance:
        return None
    return tp / (tp + max(fp_star, 0.0))


@dataclasses.dataclass(frozen=True)
class RoiEstimate:
    """Money per month of a model against the current way, and what it takes to pay back.

    ``roi`` = (gain·horizon − total cost) / total cost with total cost = build + run·horizon
    (None when nothing costs); ``payback_months`` = build / net gain per month (None when the
    net gain is not positive).
    """

    model_value_per_month: float
    baseline_value_per_month: float
    gain_per_month: float
    run_cost_per_month: float
    net_gain_per_month: float
    build_cost: float
    horizon_months: int
    roi: float | None
    payback_months: float | None
    break_even_precision: float | None
    break_even_mae: float | None = None
    currency: str | None = None
    basis: str = ""


def _roi(goal: Goal, model_value: float, baseline_value: float, **extra: Any) -> RoiEstimate:
    run = goal.costs.run_per_month if goal.costs else 0.0
    build = goal.costs.build if goal.costs else 0.0
    gain = model_value - baseline_value
    net = gain - run
    horizon = goal.horizon_months
    total_cost = build + run * horizon
    roi = (gain * horizon - total_cost) / total_cost if total_cost > 0 else None
    payback = build / net if net > 0 else None
    return RoiEstimate(
        model_value_per_month=model_value,
        baseline_value_per_month=baseline_value,
        gain_per_month=gain,
        run_cost_per_month=run,
        net_gain_per_month=net,
        build_cost=build,
        horizon_months=horizon,
        roi=roi,
        payback_months=payback,
        currency=goal.currency,
        **extra,
    )


def _needed(goal: Goal, name: str) -> Any:
    """``goal.<name>``, which an estimate cannot do without."""
    value = getattr(goal, name)
    if value is None:
        raise BusinessError(MSG_ROI_NEEDS.format(field=name), field=name)
    return value


def _classification_inputs(goal: Goal) -> tuple[PayoffMatrix, float, float]:
    """The payoff, volume and positive rate a classification estimate needs."""
    return (
        _needed(goal, "payoff"),
        _needed(goal, "volume_per_month"),
        _needed(goal, "expected_positive_rate"),
    )


def roi_estimate(
    goal: Goal,
    *,
    precision: float,
    recall: float,
    baseline_precision: float | None = None,
    baseline_recall: float | None = None,
) -> RoiEstimate:
    """ROI of a classifier with this precision/recall versus doing nothing or a rule.

    gain = value_per_month(model) − baseline_value_per_month; net = gain − run cost.
    """
    if goal.task == "regression":
        raise BusinessError(
            MSG_ROI_TASK.format(function="roi_estimate", expected="classification", task=goal.task),
            field="task",
            hint="Use regression_roi_estimate.",
        )
    payoff, volume, rate = _classification_inputs(goal)
    model = value_per_month(
        precision=precision, recall=recall, positive_rate=rate, volume=volume, payoff=payoff
    )
    baseline = baseline_value_per_month(
        positive_rate=rate,
        volume=volume,
        payoff=payoff,
        precision=baseline_precision,
        recall=baseline_recall,
    )
    run = goal.costs.run_per_month if goal.costs else 0.0
    against = (
        "doing nothing"
        if baseline_precision is None
        else f"a rule at precision {baseline_precision:.2f}, recall {baseline_recall:.2f}"
    )
    return _roi(
        goal,
        model,
        baseline,
        break_even_precision=break_even_precision(
            recall=recall,
            positive_rate=rate,
            volume=volume,
            payoff=payoff,
            baseline_value=baseline,
            run_cost_per_month=run,
        ),
        basis=f"precision {precision:.2f}, recall {recall:.2f} versus {against}",
    )


def regression_value_per_month(
    *, mae: float, bias: float = 0.0, volume: float, error_cost: ErrorCost
) -> float:
    """Money per month lost to prediction errors (a negative number).

    With signed error e = prediction − truth, bias = mean(e) and mae = mean(|e|), the mean
    over-prediction is mean(max(e, 0)) = (mae + bias)/2 and the mean under-prediction is
    (mae − bias)/2 (exact identities). The assumption is that cost is linear in the size of
    the error; with the default bias 0, half of the absolute error is under-prediction.
    value = −volume·(under·(mae − bias)/2 + over·(mae + bias)/2).
    """
    volume = _check_volume("volume", volume)
    _check_volume("mae", mae)
    if abs(bias) > mae * (1 + 1e-12):
        raise BusinessError(MSG_BIAS.format(bias=bias, mae=mae), field="bias")
    per_prediction = error_cost.under * (mae - bias) / 2 + error_cost.over * (mae + bias) / 2
    return -volume * per_prediction


def regression_roi_estimate(
    goal: Goal,
    *,
    mae: float,
    baseline_mae: float,
    bias: float = 0.0,
    baseline_bias: float = 0.0,
) -> RoiEstimate:
    """ROI of a regressor versus the current estimate's error (``baseline_mae``).

    gain = regression_value(mae) − regression_value(baseline_mae); ``break_even_mae`` is the
    MAE (at the same bias) where net gain is zero.
    """
    if goal.task != "regression":
        raise BusinessError(
            MSG_ROI_TASK.format(
                function="regression_roi_estimate", expected="regression", task=goal.task
            ),
            field="task",
            hint="Use roi_estimate.",
        )
    cost: ErrorCost = _needed(goal, "error_cost")
    volume: float = _needed(goal, "volume_per_month")
    model = regression_value_per_month(mae=mae, bias=bias, volume=volume, error_cost=cost)
    baseline = regression_value_per_month(
        mae=baseline_mae, bias=baseline_bias, volume=volume, error_cost=cost
    )
    run = goal.costs.run_per_month if goal.costs else 0.0
    slope = (cost.under + cost.over) / 2
    mae_star = None
    if slope > 0 and volume > 0:
        candidate = (-(baseline + run) / volume - bias * (cost.over - cost.under) / 2) / slope
        mae_star = candidate if candidate >= abs(bias) else None
    return _roi(
        goal,
        model,
        baseline,
        break_even_precision=None,
        break_even_mae=mae_star,
        basis=f"MAE {mae:g} versus the current MAE {baseline_mae:g}",
    )


def assumed_roi(goal: Goal) -> RoiEstimate | None:
    """The ROI under the goal's own ``roi_assumptions``; None while something it needs is unset."""
    a = goal.roi_assumptions
    if a is None:
        return None
    try:
        if goal.task == "regression":
            if a.model_mae is None or a.baseline_mae is None:
                return None
            return regression_roi_estimate(goal, mae=a.model_mae, baseline_mae=a.baseline_mae)
        if a.model_precision is None or a.model_recall is None:
            return None
        return roi_estimate(
            goal,
            precision=a.model_precision,
            recall=a.model_recall,
            baseline_precision=a.rule_precision,
            baseline_recall=a.rule_recall,
        )
    except BusinessError:
        return None


@dataclasses.dataclass(frozen=True, eq=False)
class RoiSurface:
    """Net gain per month over a precision x recall grid; NaN where the pair is impossible.

    ``net_gain_per_month[i, j]`` is at ``recalls[i]``, ``precisions[j]``;
    ``break_even_precision[i]`` is NaN where no precision breaks even at that recall.
    """

    precisions: np.ndarray
    recalls: np.ndarray
    net_gain_per_month: np.ndarray
    break_even_precision: np.ndarray
    currency: str | None


def _grid(name: str, values: Iterable[float] | None) -> np.ndarray:
    grid = np.linspace(0.05, 1.0, 96) if values is None else np.asarray(values, dtype=float)
    if grid.size == 0 or not np.all((grid > 0) & (grid <= 1)):
        low = grid.min() if grid.size else None
        high = grid.max() if grid.size else None
        raise BusinessError(MSG_GRID.format(name=name, low=low, high=high), field=name)
    return grid


def roi_surface(
    goal: Goal,
    *,
    precisions: Iterable[float] | None = None,
    recalls: Iterable[float] | None = None,
    baseline_precision: float | None = None,
    baseline_recall: float | None = None,
) -> RoiSurface:
    """Net gain per month (value − baseline − run cost) for every precision/recall pair.

    Same formulas as roi_estimate, vectorised; default grids are 0.05..1 in 96 steps.
    """
    estimate = roi_estimate(
        goal,
        precision=1.0,
        recall=0.0,
        baseline_precision=baseline_precision,
        baseline_recall=baseline_recall,
    )
    p_grid, r_grid = _grid("precisions", precisions), _grid("recalls", recalls)
    payoff, volume, rate = _classification_inputs(goal)
    positives = rate * volume
    negatives = volume - positives
    tp = (r_grid * positives)[:, None]
    fp = tp * ((1 - p_grid) / p_grid)[None, :]
    value = payoff.tp * tp + payoff.fp * fp + payoff.fn * (positives - tp)
    value = value + payoff.tn * (negatives - fp)
    net = value - estimate.baseline_value_per_month - estimate.run_cost_per_month
    net = np.where(fp > negatives * (1 + 1e-9) + 1e-9, np.nan, net)
    line = [
        break_even_precision(
            recall=float(r),
            positive_rate=rate,
            volume=volume,
            payoff=payoff,
            baseline_value=estimate.baseline_value_per_month,
            run_cost_per_month=estimate.run_cost_per_month,
        )
        for r in r_grid
    ]
    line_array = np.array([np.nan if p is None else p for p in line], dtype=float)
    return RoiSurface(p_grid, r_grid, net, line_array, goal.currency)


def format_money(value: float | None, currency: str | None) -> str:
    """``12,345 EUR`` for codes, ``€12,345`` for symbols; cents only for small odd amounts."""
    if value is None:
        return "–"
    whole = abs(value) >= 100 or float(round(value, 2)).is_integer()
    amount = f"{abs(value):,.0f}" if whole else f"{abs(value):,.2f}"
    sign = "-" if value < 0 and amount.strip("0.,") else ""
    if not currency:
        return f"{sign}{amount}"
    if currency.isalpha():
        return f"{sign}{amount} {escape_markdown(currency)}"
    return f"{sign}{escape_markdown(currency)}{amount}"
