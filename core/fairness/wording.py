"""Each disparity in one plain sentence naming the groups at both ends, for a non-expert."""

from __future__ import annotations

import math

import pandas as pd

from core.fairness.report import DISPARITY_LABELS, METRIC_LABELS, SHARE_METRICS

SENTENCE_SELECTION = (
    "Group '{low}' is selected {points} less often than group '{high}' "
    "({low_value:.0%} vs {high_value:.0%})."
)
SENTENCE_SELECTION_RATIO = (
    "Group '{low}' is selected at {ratio:.2f} times the rate of group '{high}' "
    "({low_value:.0%} vs {high_value:.0%})."
)
SENTENCE_TPR = (
    "Of the rows that really are '{positive}', the model flags {low_value:.0%} in group "
    "'{low}' but {high_value:.0%} in group '{high}' ({points} apart)."
)
SENTENCE_FPR = (
    "Of the rows that really are not '{positive}', the model wrongly flags {high_value:.0%} "
    "in group '{high}' but {low_value:.0%} in group '{low}' ({points} apart)."
)
SENTENCE_ACCURACY = (
    "The model is right for {low_value:.0%} of group '{low}' but {high_value:.0%} of group "
    "'{high}' ({points} apart)."
)
SENTENCE_MAE = (
    "Predictions for group '{high}' are off by {high_value:,.4g} on average, against "
    "{low_value:,.4g} for group '{low}' (a difference of {difference:,.4g})."
)
SENTENCE_MAE_RATIO = (
    "The average error for group '{low}' is {ratio:.2f} times that of group '{high}' "
    "({low_value:,.4g} vs {high_value:,.4g})."
)
SENTENCE_EQUAL = "Every group has the same {what} ({value})."
SENTENCE_UNDEFINED = "The {what} could not be computed for these groups."


def _points(difference: float) -> str:
    points = abs(difference) * 100
    if 0 < points < 0.5:
        return "less than 1 percentage point"
    return "1 percentage point" if round(points) == 1 else f"{round(points):.0f} percentage points"


def _shown(metric: str, value: float) -> str:
    return f"{value:.0%}" if metric in SHARE_METRICS else f"{value:,.4g}"


_SENTENCES = {
    "demographic_parity_difference": ("selection_rate", SENTENCE_SELECTION),
    "demographic_parity_ratio": ("selection_rate", SENTENCE_SELECTION_RATIO),
    "equal_opportunity_difference": ("tpr", SENTENCE_TPR),
    "accuracy_difference": ("accuracy", SENTENCE_ACCURACY),
    "mae_difference": ("mae", SENTENCE_MAE),
    "mae_ratio": ("mae", SENTENCE_MAE_RATIO),
}


def _spread(table: pd.DataFrame, metric: str) -> float:
    column = table[metric].dropna()
    return float(column.max() - column.min()) if len(column) else math.nan


def sentence(name: str, value: float, table: pd.DataFrame, positive: str | None) -> str:
    """One plain sentence naming the groups at both ends of the disparity."""
    if name == "equalized_odds_difference":
        fpr_wider = _spread(table, "fpr") > _spread(table, "tpr")
        metric, template = ("fpr", SENTENCE_FPR) if fpr_wider else ("tpr", SENTENCE_TPR)
    else:
        metric, template = _SENTENCES[name]
    what = METRIC_LABELS[metric].lower() if metric != "mae" else "average error"
    column = table.set_index("group")[metric].dropna()
    if column.empty or not math.isfinite(value):
        return SENTENCE_UNDEFINED.format(what=DISPARITY_LABELS[name].lower())
    low, high = column.idxmin(), column.idxmax()
    low_value, high_value = float(column.min()), float(column.max())
    if low_value == high_value:
        return SENTENCE_EQUAL.format(what=what, value=_shown(metric, high_value))
    return template.format(
        low=low,
        high=high,
        low_value=low_value,
        high_value=high_value,
        points=_points(high_value - low_value),
        ratio=value,
        difference=high_value - low_value,
        positive=positive,
    )
