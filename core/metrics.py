"""Metrics: the one metric registry, and the one place that says how a score becomes a decision.

``METRICS`` names every metric the workbench computes, once: its label on pages and in the
CLI, whether greater is better, whether it needs probabilities, the tasks it applies to, its
range, and whether cross-validation ranks models by it. Training (``core.train.METRICS``),
evaluation (``core.evaluate``, through ``metric_label`` and ``find_metric``), the Evaluate page's
headline cards (``HEADLINE_METRICS``) and the stage status all read it.

Two aliases exist. ``expected_value`` is ``value_per_month`` under the name that train
settings, goal documents and saved runs (``Run.metric``, ``Run.scores`` keys and ``workbench
runs --json``) have always used: ``stored_name`` gives that name back, so whatever a user
writes is stored the way saved runs are. ``f1_macro`` is ``f1`` (multiclass F1 is the macro
average) as the Evaluate page once named it. ``get_metric`` accepts every name.

>>> get_metric("expected_value").label
'Value per month'

``label_at_threshold`` is the workbench's single rule for a binary decision: a row is
positive when its positive-class score is at least the threshold (``score >= threshold``),
and a missing score is never positive. Scoring, evaluation, error analysis, explanations,
fairness, monitoring and the export check all call it, so a threshold means the same thing
everywhere.

>>> label_at_threshold(np.array([0.2, 0.5, 0.9]), 0.5, positive="Yes", negative="No")
array(['No', 'Yes', 'Yes'], dtype=object)
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import numpy as np

from core.exceptions import CoreError

__all__ = [
    "ALIASES",
    "HEADLINE_METRICS",
    "LEADERBOARD_METRICS",
    "METRICS",
    "UNPRICED_METRIC",
    "Metric",
    "MetricError",
    "Task",
    "better_first",
    "canonical_name",
    "find_metric",
    "flag_at_threshold",
    "format_score",
    "get_metric",
    "higher_is_better",
    "label_at_threshold",
    "metric_label",
    "metrics_for",
    "stored_name",
]

Task = Literal["binary", "multiclass", "regression"]  # the kinds of prediction a metric fits

CLASSIFICATION = frozenset({"binary", "multiclass"})
BINARY = frozenset({"binary"})
REGRESSION = frozenset({"regression"})
ALL_TASKS = CLASSIFICATION | REGRESSION
_UNIT = (0.0, 1.0)
_POSITIVE = (0.0, math.inf)
_ANY = (-math.inf, math.inf)

MSG_UNKNOWN = "metric {value!r} is not known; use one of {choices}"


class MetricError(CoreError):
    """A metric name the registry does not know."""


@dataclasses.dataclass(frozen=True)
class Metric:
    """One metric: how it is named, shown and compared.

    ``greater_is_better`` is None for a signed metric where closer to 0 is better (bias).
    ``ranks_models``: cross-validation computes it, so the leaderboard can rank by it.
    Multiclass precision, recall and F1 are macro averages.
    """

    name: str
    label: str
    greater_is_better: bool | None
    needs_proba: bool
    tasks: frozenset[str]
    bounds: tuple[float, float] = _ANY
    ranks_models: bool = False


METRICS: Mapping[str, Metric] = {
    m.name: m
    for m in (
        Metric("value_per_month", "Value per month", True, False, ALL_TASKS, ranks_models=True),
        Metric("accuracy", "Accuracy", True, False, CLASSIFICATION, _UNIT, ranks_models=True),
        Metric("balanced_accuracy", "Balanced accuracy", True, False, CLASSIFICATION, _UNIT),
        Metric("precision", "Precision", True, False, CLASSIFICATION, _UNIT, ranks_models=True),
        Metric("recall", "Recall", True, False, CLASSIFICATION, _UNIT, ranks_models=True),
        Metric("f1", "F1", True, False, CLASSIFICATION, _UNIT, ranks_models=True),
        Metric("roc_auc", "ROC AUC", True, True, CLASSIFICATION, _UNIT, ranks_models=True),
        Metric(
            "pr_auc",
            "PR AUC (average precision)",
            True,
            True,
            CLASSIFICATION,
            _UNIT,
            ranks_models=True,
        ),
        Metric("log_loss", "Log loss", False, True, CLASSIFICATION, _POSITIVE, ranks_models=True),
        Metric("brier", "Brier score", False, True, CLASSIFICATION, _UNIT),
        Metric("rmse", "RMSE", False, False, REGRESSION, _POSITIVE, ranks_models=True),
        Metric("mae", "MAE", False, False, REGRESSION, _POSITIVE, ranks_models=True),
        Metric("r2", "R²", True, False, REGRESSION, (-math.inf, 1.0), ranks_models=True),
        Metric("mape", "MAPE", False, False, REGRESSION, _POSITIVE),
        Metric("median_ae", "Median absolute error", False, False, REGRESSION, _POSITIVE),
        Metric("bias", "Bias (mean of prediction − actual)", None, False, REGRESSION),
    )
}

#: Other names of a metric that stored data uses (see the module docstring).
ALIASES: Mapping[str, str] = {"expected_value": "value_per_month", "f1_macro": "f1"}
#: The name settings, goals and runs store a metric under, where it is not the registry's.
STORED_NAMES: Mapping[str, str] = {"value_per_month": "expected_value"}

#: The metrics a goal can name and the leaderboard ranks by, in the order pages offer them,
#: under their stored names.
LEADERBOARD_METRICS: tuple[str, ...] = (
    "expected_value", "roc_auc", "pr_auc", "f1", "recall", "precision", "accuracy",
    "log_loss", "rmse", "mae", "r2",
)  # fmt: skip

#: The metric that ranks a task's models when money cannot (no payoff or volume).
UNPRICED_METRIC: Mapping[str, str] = {"binary": "roc_auc", "multiclass": "f1", "regression": "rmse"}

#: The Evaluate page's four metric cards per task (value per month goes first when known).
HEADLINE_METRICS: Mapping[str, tuple[str, ...]] = {
    "binary": ("roc_auc", "pr_auc", "recall", "precision"),
    "multiclass": ("accuracy", "balanced_accuracy", "f1", "log_loss"),
    "regression": ("rmse", "mae", "r2", "bias"),
}


def canonical_name(name: str) -> str:
    """The registry's name for ``name`` (an alias resolved; unknown names returned as given)."""
    return ALIASES.get(name, name)


def stored_name(name: str) -> str:
    """The name settings, goals and runs store ``name`` under (``f1_macro`` -> ``f1``,
    ``value_per_month`` -> ``expected_value``); unknown names returned as given."""
    canonical = canonical_name(name)
    return STORED_NAMES.get(canonical, canonical)


def find_metric(name: str | None) -> Metric | None:
    """The metric called ``name`` (or an alias of it), None when unknown."""
    if name is None:
        return None
    return METRICS.get(canonical_name(name))


def format_score(name: str | None, value: float | None) -> str:
    """A metric value rounded for a person: money in whole units with thousands separators,
    everything else to 4 decimals (amounts of 1,000 and more in whole units). One rule, so a
    score reads the same in the job message, the leaderboard and the CLI."""
    if value is None or not math.isfinite(value):
        return "—"
    metric = find_metric(name)
    if (metric is not None and metric.name == "value_per_month") or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.4f}"


def metric_label(name: str) -> str:
    """The label of metric ``name`` (or an alias of it); the name itself when unknown."""
    metric = find_metric(name)
    return name if metric is None else metric.label


def higher_is_better(name: str) -> bool:
    """Whether a larger value of ``name`` is better; unknown and signed metrics count as yes,
    so a bound on them is a minimum."""
    metric = find_metric(name)
    return metric is None or metric.greater_is_better is not False


def get_metric(name: str) -> Metric:
    """The metric called ``name`` (or an alias of it); ``MetricError`` names the known ones."""
    metric = find_metric(name)
    if metric is None:
        choices = ", ".join([*METRICS, *ALIASES])
        raise MetricError(MSG_UNKNOWN.format(value=name, choices=choices))
    return metric


def metrics_for(task: str, *, ranking: bool = False) -> tuple[Metric, ...]:
    """The metrics of a task, in registry order; ``ranking``: only those CV ranks models by."""
    return tuple(m for m in METRICS.values() if task in m.tasks and (m.ranks_models or not ranking))


def better_first(name: str, values: Iterable[float | None]) -> list[int]:
    """Positions of ``values`` best first for metric ``name``; missing or NaN values go last.

    Ties keep their order. Bias (no direction) ranks by closeness to 0.
    """
    metric = get_metric(name)
    numbers = [math.nan if v is None else float(v) for v in values]

    def key(position: int) -> tuple[bool, float]:
        value = numbers[position]
        if not math.isfinite(value):
            return (True, 0.0)
        if metric.greater_is_better is None:
            return (False, abs(value))
        return (False, -value if metric.greater_is_better else value)

    return sorted(range(len(numbers)), key=key)


def flag_at_threshold(score: Any, threshold: float) -> np.ndarray:
    """True where ``score >= threshold``; a missing (NaN) score is False."""
    values = np.asarray(score, dtype=float)
    with np.errstate(invalid="ignore"):
        return values >= float(threshold)


def label_at_threshold(score: Any, threshold: float, *, positive: Any, negative: Any) -> np.ndarray:
    """``positive`` where the score reaches the threshold, else ``negative`` (object array)."""
    flagged = flag_at_threshold(score, threshold)
    out = np.empty(flagged.shape, dtype=object)
    out[flagged] = positive
    out[~flagged] = negative
    return out


def quiet(function: Callable[[], float]) -> float:
    """scikit-learn's value of a metric, or NaN where sklearn refuses (e.g. AUC with one class).

    The one rule for a metric that cannot be computed on some rows, shared by training's fold
    scores and the evaluation's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(function())
        except ValueError:
            return math.nan
