"""Fairness stage: does the model treat groups of people alike, and what does a fix cost?

Every number is fairlearn's or scikit-learn's own: per-group metrics come from a
``fairlearn.metrics.MetricFrame`` on the combined group labels, disparities from fairlearn's
``demographic_parity_difference`` and friends, mitigation from fairlearn's
``ThresholdOptimizer`` (per-group thresholds on a fitted pipeline) and
``ExponentiatedGradient`` (retraining under a constraint). This module only reads the inputs
once, adds seeded bootstrap intervals per group, and words each disparity for a non-expert.

Conventions: rows are matched by position; labels are compared as text
(``core.coerce.class_label``), so ``True`` and "True" are the same class; a missing
sensitive value is its own group ``(missing)``; two sensitive columns are read as their
intersection ("female · 18-25"). A binary rate a group lacks the rows for (the true positive
rate of a group without positives) is 0, as fairlearn reports it, and the report warns.
Pure Python: no Streamlit, no storage.

    report = fairness_report(test_y, predicted, test_x[["gender"]], task="binary",
                             positive="Yes", limits={"demographic_parity_difference": 0.1})
    report.disparity("demographic_parity_difference").sentence
    fair = threshold_mitigation(pipeline, valid_x, valid_y, sensitive_columns=["gender"],
                                constraint="demographic_parity", positive="Yes")
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    mean_prediction,
    selection_rate,
    true_positive_rate,
)
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import (
    DemographicParity,
    EqualizedOdds,
    ExponentiatedGradient,
    TruePositiveRateParity,
)
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    mean_absolute_error,
    precision_score,
    recall_score,
    root_mean_squared_error,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from core import stats
from core.business import ConfusionCounts, PayoffMatrix, Task, expected_value
from core.coerce import class_label
from core.data.inference import usual_positive_class
from core.exceptions import CoreError
from core.metrics import get_metric

__all__ = [
    "DISPARITIES",
    "DISPARITY_EXPLANATIONS",
    "METRICS",
    "METRIC_LABELS",
    "MISSING_GROUP",
    "Constraint",
    "Disparity",
    "FairnessError",
    "FairnessReport",
    "GroupThresholdModel",
    "ReductionModel",
    "ThresholdObjective",
    "expgrad_mitigation",
    "fairness_report",
    "group_labels",
    "threshold_mitigation",
]

Constraint = Literal["demographic_parity", "equalized_odds", "true_positive_rate_parity"]
ThresholdObjective = Literal[
    "accuracy_score",
    "balanced_accuracy_score",
    "selection_rate",
    "true_positive_rate",
    "true_negative_rate",
]
TASKS: tuple[str, ...] = get_args(Task)
CONSTRAINTS: tuple[str, ...] = get_args(Constraint)
OBJECTIVES: tuple[str, ...] = get_args(ThresholdObjective)
EQUALIZED_ODDS_OBJECTIVES = ("accuracy_score", "balanced_accuracy_score")  # fairlearn's rule

MISSING_GROUP = "(missing)"
INTERSECTION_SEPARATOR = " · "
ATTRIBUTE_SEPARATOR = " × "
_PROBA_TOLERANCE = 1e-6

METRICS: dict[str, tuple[str, ...]] = {
    "binary": (
        "selection_rate",
        "base_rate",
        "tpr",
        "fpr",
        "precision",
        "accuracy",
        "value_per_month",
        "mean_score",
    ),
    "multiclass": ("accuracy", "macro_recall"),
    "regression": ("mean_prediction", "mae", "rmse", "bias"),
}
#: Group rates that are not registry metrics (selection rate, TPR, FPR, …) keep their labels
#: here; the metrics that are the same concept as a registry metric take its label.
_GROUP_LABELS: dict[str, str] = {
    "count": "Rows",
    "selection_rate": "Selection rate",
    "base_rate": "Actual positive rate",
    "tpr": "True positive rate",
    "fpr": "False positive rate",
    "mean_score": "Mean score",
    "macro_recall": "Macro recall",
    "mean_prediction": "Mean prediction",
}
METRIC_LABELS: dict[str, str] = {
    name: _GROUP_LABELS[name] if name in _GROUP_LABELS else get_metric(name).label
    for name in ("count", *dict.fromkeys(n for names in METRICS.values() for n in names))
}
SHARE_METRICS = frozenset(
    {"selection_rate", "base_rate", "tpr", "fpr", "precision", "accuracy", "mean_score"}
    | {"macro_recall"}
)
DISPARITIES: dict[str, tuple[str, ...]] = {
    "binary": (
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equal_opportunity_difference",
    ),
    "multiclass": ("accuracy_difference",),
    "regression": ("mae_difference", "mae_ratio"),
}
RATIO_DISPARITIES = frozenset({"demographic_parity_ratio", "mae_ratio"})
DISPARITY_EXPLANATIONS: dict[str, str] = {
    "demographic_parity_difference": (
        "The gap between the most and least often selected groups; the right check when "
        "every group should get the positive decision equally often, whatever the truth."
    ),
    "demographic_parity_ratio": (
        "The least selected group's rate divided by the most selected group's (1 = equal); "
        "the form the four-fifths rule of hiring law uses (0.8 or more)."
    ),
    "equalized_odds_difference": (
        "The larger gap between groups in catching real positives or in false alarms; the "
        "right check when mistakes in either direction must hit every group alike."
    ),
    "equal_opportunity_difference": (
        "The gap between groups in the share of real positives the model catches; the right "
        "check when the positive decision is a benefit that deserving people must not miss."
    ),
    "accuracy_difference": (
        "The gap between the groups the model is most and least often right for; a first "
        "check that no group gets clearly worse predictions."
    ),
    "mae_difference": (
        "The gap between the groups with the largest and smallest average error, in the "
        "target's unit; the right check when every group deserves equally precise numbers."
    ),
    "mae_ratio": (
        "The smallest group average error divided by the largest (1 = equal); the same "
        "check as the MAE difference, independent of the target's unit."
    ),
}
DISPARITY_LABELS: dict[str, str] = {
    "demographic_parity_difference": "Demographic parity difference",
    "demographic_parity_ratio": "Demographic parity ratio",
    "equalized_odds_difference": "Equalized odds difference",
    "equal_opportunity_difference": "Equal opportunity difference",
    "accuracy_difference": "Accuracy difference",
    "mae_difference": "MAE difference",
    "mae_ratio": "MAE ratio",
}
_JSON_DISPARITIES = DISPARITIES["binary"]  # always present in to_json, None when not computed

# --- messages (tests import these) -------------------------------------------------------

MSG_TASK = "task must be one of binary, multiclass, regression, got {value!r}"
MSG_LENGTHS = "{what} must have one value per row of y_true ({rows:,} rows), got {count:,}"
MSG_SENSITIVE_COLUMNS = (
    "sensitive must be one column, or two for their intersection, got {count}: {columns}"
)
MSG_ONE_GROUP = "{attribute} needs at least two groups to compare, found only {groups}"
MSG_GROUPS_TOO_SMALL = (
    "every group of {attribute} has fewer than 2 rows ({sizes}); a comparison needs a group "
    "with at least 2 rows"
)
MSG_NO_ROWS = "nothing to check: no row has both a true value and a prediction"
MSG_POSITIVE = "positive class {positive!r} is not among the labels {labels}"
MSG_POSITIVE_NEEDED = (
    "a binary fairness check needs positive: the label that means the positive decision, "
    "one of {labels}"
)
MSG_BINARY_LABELS = "a binary task has at most two labels, found {count}: {labels}"
MSG_NUMBERS = (
    "{what} must be numbers for a regression task; {count:,} value(s) could not be read as "
    "numbers, e.g. {examples}"
)
MSG_PROBA_TASK = (
    "proba is for a binary task (the positive class's score per row), got task {task!r}"
)
MSG_PROBA_RANGE = (
    "proba must hold probabilities between 0 and 1; found values from {low:g} to {high:g}"
)
MSG_BOOTSTRAP = "bootstrap must be a whole number of 0 or more, got {value!r}"
MSG_MIN_GROUP_SIZE = "min_group_size must be a whole number of 1 or more, got {value!r}"
MSG_VOLUME = "volume_per_month must be 0 or more, got {value!r}"
MSG_LIMIT_UNKNOWN = "limits names an unknown disparity {name!r}; known: {known}"
MSG_LIMIT_TASK = "{name} does not apply to a {task} task; use one of {choices}"
MSG_LIMIT_NUMBER = "the limit for {name} must be a finite number, got {value!r}"

MSG_X_FRAME = "X must be a pandas DataFrame with named columns, got {value}"
MSG_XY_LENGTHS = "y must have one value per row of X ({rows:,} rows), got {count:,}"
MSG_SENSITIVE_MISSING = "sensitive column(s) {columns} are not in X; X has {available}"
MSG_COLUMNS_MISSING = "X lacks {count} column(s) the model reads: {columns}"
MSG_TARGET_MISSING = "y has {count:,} missing value(s); drop those rows before mitigating"
MSG_BINARY_TARGET = (
    "mitigation needs a binary classification target (two labels); y has {count} distinct "
    "value(s), e.g. {examples}"
)
MSG_SMALL_GROUP = (
    "group {group!r} of {attribute} has only {count} row(s); mitigation needs at least 2 rows "
    "in every group"
)
MSG_CONSTRAINT = "constraint must be one of {choices}, got {value!r}"
MSG_OBJECTIVE = (
    "objective {value!r} does not work with constraint {constraint!r}; use one of {choices}"
)
MSG_NOT_CLASSIFIER = (
    "threshold mitigation needs a fitted binary classifier with predict_proba and two "
    "classes_, got {value}"
)
MSG_SAMPLE_WEIGHT = (
    "{name}.fit does not accept sample_weight, which exponentiated gradient needs to reweight "
    "rows; choose a model that does (e.g. logistic regression, gradient boosting)"
)
MSG_MITIGATION_NUMBER = "{name} must be {rule}, got {value!r}"
MSG_UNSEEN_GROUP = (
    "group {group!r} of {attribute} was not seen when the thresholds were fitted; known "
    "groups: {known}"
)

WARN_SMALL_GROUP = (
    "Group '{group}' has only {count:,} rows (under {limit:,}): its numbers are unreliable"
)
WARN_DROPPED = "{count:,} row(s) without a true value or a prediction were left out"
WARN_NO_POSITIVES = (
    "Group '{group}' has no rows that really are '{positive}': its true positive rate shows "
    "0 but means nothing"
)
WARN_NO_NEGATIVES = (
    "Group '{group}' has no rows that really are not '{positive}': its false positive rate "
    "shows 0 but means nothing"
)

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


class FairnessError(CoreError):
    """Predictions, groups or a mitigation request do not fit together."""


# --- results -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Disparity:
    """One fairness measure across groups, checked against the team's limit.

    ``passes`` is None without a limit (or when the value is undefined); differences pass
    when value <= limit, ratios when value >= limit.
    """

    name: str
    value: float
    limit: float | None
    passes: bool | None
    sentence: str
    explanation: str

    @property
    def label(self) -> str:
        return DISPARITY_LABELS.get(self.name, self.name)

    @property
    def is_ratio(self) -> bool:
        return self.name in RATIO_DISPARITIES


@dataclasses.dataclass(frozen=True, eq=False)
class FairnessReport:
    """Per-group metrics with 95 % intervals, disparities and warnings for one attribute.

    ``by_group``: one row per group (group, count, small, then each metric with
    ``<metric>_low`` / ``<metric>_high``); ``overall``: the same metrics on all rows.
    """

    task: Task
    attributes: tuple[str, ...]
    by_group: pd.DataFrame
    overall: dict[str, float]
    disparities: tuple[Disparity, ...]
    warnings: tuple[str, ...]
    positive: str | None = None

    @property
    def attribute(self) -> str:
        """The column name, or "a × b" for an intersection."""
        return ATTRIBUTE_SEPARATOR.join(self.attributes)

    @property
    def metrics(self) -> tuple[str, ...]:
        """The per-group metrics with a value (no value_per_month without a payoff)."""
        table = self.by_group
        return tuple(m for m in METRICS[self.task] if m in table and table[m].notna().any())

    def disparity(self, name: str) -> Disparity:
        """The disparity called ``name`` (KeyError when it was not computed)."""
        for disparity in self.disparities:
            if disparity.name == name:
                return disparity
        known = ", ".join(d.name for d in self.disparities)
        raise KeyError(f"no disparity {name!r}; computed: {known}")

    def to_json(self) -> dict[str, Any]:
        """Plain dicts, lists, numbers and text (NaN as None), ready for json.dumps."""
        by_group = {}
        for row in self.by_group.to_dict(orient="records"):
            group = row.pop("group")
            by_group[group] = {
                "count": int(row.pop("count")),
                "small": bool(row.pop("small")),
                **{k: _json_number(v) for k, v in row.items()},
            }
        out: dict[str, Any] = {
            "task": self.task,
            "attribute": self.attribute,
            "attributes": list(self.attributes),
            "positive": self.positive,
            "by_group": by_group,
            "overall": {k: _json_number(v) for k, v in self.overall.items()},
        }
        out.update(dict.fromkeys(_JSON_DISPARITIES))
        out.update({d.name: _json_number(d.value) for d in self.disparities})
        out["disparities"] = [
            {**dataclasses.asdict(d), "value": _json_number(d.value)} for d in self.disparities
        ]
        out["warnings"] = list(self.warnings)
        return out


def _json_number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    number = float(value)
    return number if math.isfinite(number) else None


# --- groups --------------------------------------------------------------------------------


def _as_frame(sensitive: Any) -> pd.DataFrame:
    if isinstance(sensitive, pd.DataFrame):
        frame = sensitive
    elif isinstance(sensitive, pd.Series):
        frame = sensitive.to_frame(name="sensitive" if sensitive.name is None else sensitive.name)
    else:
        frame = pd.DataFrame({"sensitive": np.asarray(sensitive, dtype=object).ravel()})
    if frame.shape[1] not in (1, 2):
        columns = ", ".join(str(c) for c in frame.columns) or "none"
        raise FairnessError(
            MSG_SENSITIVE_COLUMNS.format(count=frame.shape[1], columns=columns), field="sensitive"
        )
    return frame


def _column_labels(column: pd.Series) -> np.ndarray:
    """Each value as text, mapping each distinct value once; missing -> MISSING_GROUP."""
    missing = column.isna().to_numpy()
    mapping = {value: class_label(value) for value in pd.unique(column[~missing])}
    labels = column.map(mapping).to_numpy(dtype=object)
    labels[missing] = MISSING_GROUP
    return labels


def _groups(sensitive: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    frame = _as_frame(sensitive)
    parts = [_column_labels(frame.iloc[:, i]) for i in range(frame.shape[1])]
    labels = parts[0] if len(parts) == 1 else parts[0] + INTERSECTION_SEPARATOR + parts[1]
    return labels, tuple(str(c) for c in frame.columns)


def group_labels(sensitive: Any) -> pd.Series:
    """One text group label per row: the value, or "female · 18-25" for two columns.

    The Series is named after the attribute ("gender", or "gender × age" for two columns)
    and keeps the input's index; a missing value is the group ``(missing)``.
    """
    labels, attributes = _groups(sensitive)
    index = sensitive.index if isinstance(sensitive, pd.Series | pd.DataFrame) else None
    return pd.Series(labels, index=index, name=ATTRIBUTE_SEPARATOR.join(attributes), dtype=object)


def _group_order(labels: np.ndarray) -> list[str]:
    """Groups sorted as text, the missing bucket last."""
    return sorted(set(labels), key=lambda g: (MISSING_GROUP in g, g))


def _check_groups(labels: np.ndarray, attribute: str) -> None:
    counts = pd.Series(labels).value_counts()
    if len(counts) < 2:
        groups = ", ".join(repr(g) for g in counts.index) or "none"
        raise FairnessError(
            MSG_ONE_GROUP.format(attribute=attribute, groups=groups), field="sensitive"
        )
    if counts.max() < 2:
        sizes = ", ".join(f"{g!r}: {n}" for g, n in counts.head(5).items())
        raise FairnessError(
            MSG_GROUPS_TOO_SMALL.format(attribute=attribute, sizes=sizes), field="sensitive"
        )


# --- reading the inputs once ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Inputs:
    """Validated rows: truth and prediction encoded per task, group labels, optional score."""

    truth: np.ndarray  # binary: 0/1; multiclass: class codes; regression: floats
    pred: np.ndarray
    groups: np.ndarray
    score: np.ndarray | None
    positive: str | None
    dropped: int


def _is_whole(value: Any, minimum: int) -> bool:
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool | np.bool_)
        and value >= minimum
    )


def _check_options(task: Any, bootstrap: Any, min_group_size: Any, volume: Any) -> None:
    if task not in TASKS:
        raise FairnessError(MSG_TASK.format(value=task), field="task")
    if not _is_whole(bootstrap, 0):
        raise FairnessError(MSG_BOOTSTRAP.format(value=bootstrap), field="bootstrap")
    if not _is_whole(min_group_size, 1):
        raise FairnessError(MSG_MIN_GROUP_SIZE.format(value=min_group_size), field="min_group_size")
    if volume is not None and not (
        isinstance(volume, numbers.Real) and math.isfinite(volume) and volume >= 0
    ):
        raise FairnessError(MSG_VOLUME.format(value=volume), field="volume_per_month")


def _column(values: Any, what: str, rows: int) -> np.ndarray:
    array = np.asarray(values, dtype=object).ravel()
    if array.shape[0] != rows:
        raise FairnessError(
            MSG_LENGTHS.format(what=what, rows=rows, count=array.shape[0]), field=what
        )
    return array


def _numbers(values: np.ndarray, what: str) -> np.ndarray:
    parsed = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(parsed) & ~pd.isna(pd.Series(values)).to_numpy()
    if bad.any():
        examples = ", ".join(repr(v) for v in pd.unique(values[bad])[:3])
        raise FairnessError(
            MSG_NUMBERS.format(what=what, count=int(bad.sum()), examples=examples), field=what
        )
    return parsed


def _score(proba: Any, task: str, rows: int) -> np.ndarray | None:
    if proba is None:
        return None
    if task != "binary":
        raise FairnessError(MSG_PROBA_TASK.format(task=task), field="proba")
    score = _numbers(_column(proba, "proba", rows), "proba")
    finite = score[np.isfinite(score)]
    if finite.size and (finite.min() < -_PROBA_TOLERANCE or finite.max() > 1 + _PROBA_TOLERANCE):
        raise FairnessError(
            MSG_PROBA_RANGE.format(low=finite.min(), high=finite.max()), field="proba"
        )
    return np.clip(score, 0.0, 1.0)


def _positive_label(positive: Any, labels: list[str]) -> str:
    """``positive`` as text; ``None`` reads as the conventional positive of the labels (1 of
    0/1, True, yes, …: ``core.data.inference.usual_positive_class``), never as a guess between others."""
    if positive is None:
        usual = usual_positive_class(labels)
        if usual is None:
            raise FairnessError(MSG_POSITIVE_NEEDED.format(labels=labels), field="positive")
        return usual[0]
    text = class_label(positive)
    if text not in labels:
        raise FairnessError(MSG_POSITIVE.format(positive=positive, labels=labels), field="positive")
    return text


def _encode(
    task: str, truth: np.ndarray, pred: np.ndarray, positive: Any
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Truth and prediction as 0/1 (binary), class codes (multiclass) or floats."""
    if task == "regression":
        return _numbers(truth, "y_true"), _numbers(pred, "y_pred"), None
    truth_text = _column_labels(pd.Series(truth))
    pred_text = _column_labels(pd.Series(pred))
    labels = sorted(set(truth_text) | set(pred_text))
    if task == "multiclass":
        return (
            pd.Categorical(truth_text, categories=labels).codes.astype(np.int64),
            pd.Categorical(pred_text, categories=labels).codes.astype(np.int64),
            None,
        )
    if len(labels) > 2:
        raise FairnessError(
            MSG_BINARY_LABELS.format(count=len(labels), labels=labels[:6]), field="y_true"
        )
    text = _positive_label(positive, labels)
    return (truth_text == text).astype(np.int64), (pred_text == text).astype(np.int64), text


def _read_inputs(
    y_true: Any, y_pred: Any, sensitive: Any, proba: Any, task: str, positive: Any
) -> tuple[_Inputs, tuple[str, ...]]:
    """Validate once; rows without a truth, prediction or score are left out."""
    labels, attributes = _groups(sensitive)
    rows = labels.shape[0]
    truth = _column(y_true, "y_true", rows)
    pred = _column(y_pred, "y_pred", rows)
    score = _score(proba, task, rows)
    keep = ~(pd.isna(pd.Series(truth)).to_numpy() | pd.isna(pd.Series(pred)).to_numpy())
    if score is not None:
        keep &= ~np.isnan(score)
        score = score[keep]
    if not keep.any():
        raise FairnessError(MSG_NO_ROWS, field="y_true")
    _check_groups(labels[keep], ATTRIBUTE_SEPARATOR.join(attributes))
    y, p, text = _encode(task, truth[keep], pred[keep], positive)
    dropped = int(rows - keep.sum())
    return _Inputs(y, p, labels[keep], score, text, dropped), attributes


def _check_limits(limits: Mapping[str, Any] | None, task: str) -> dict[str, float]:
    known = [name for names in DISPARITIES.values() for name in names]
    checked: dict[str, float] = {}
    for name, value in (limits or {}).items():
        if name not in known:
            raise FairnessError(
                MSG_LIMIT_UNKNOWN.format(name=name, known=", ".join(known)), field="limits"
            )
        if name not in DISPARITIES[task]:
            choices = ", ".join(DISPARITIES[task])
            raise FairnessError(
                MSG_LIMIT_TASK.format(name=name, task=task, choices=choices), field="limits"
            )
        if not (
            isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
        ):
            raise FairnessError(MSG_LIMIT_NUMBER.format(name=name, value=value), field="limits")
        checked[name] = float(value)
    return checked


# --- per-group point values: fairlearn's MetricFrame ---------------------------------------


def _base_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows that really are positive: fairlearn's selection rate of the truth."""
    return selection_rate(y_true, y_true)


def _precision(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return precision_score(y_true, y_pred, zero_division=np.nan)


def _mean_score(y_true: np.ndarray, y_pred: np.ndarray, score: np.ndarray) -> float:
    return mean_prediction(y_true, score)


def _macro_recall(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean recall over the classes present in the group's truth (absent ones mean nothing)."""
    return recall_score(y_true, y_pred, labels=np.unique(y_true), average="macro")


def _bias(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of prediction − actual: positive when the model over-predicts the group."""
    return mean_prediction(y_true, np.asarray(y_pred, float) - np.asarray(y_true, float))


def _value_metric(payoff: PayoffMatrix, rows: int, volume: float) -> Callable[..., float]:
    """A group's share of the monthly value: its outcomes priced, scaled by all rows."""

    def value_per_month(y_true: np.ndarray, y_pred: np.ndarray) -> float:
        tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
        counts = ConfusionCounts(tp=float(tp), fp=float(fp), fn=float(fn), tn=float(tn))
        return expected_value(counts, payoff) / rows * volume

    return value_per_month


def _row_money(
    inputs: _Inputs, payoff: PayoffMatrix | None, volume: float | None
) -> np.ndarray | None:
    """Each row's contribution to the monthly value (binary with payoff and volume only)."""
    if inputs.positive is None or payoff is None or volume is None:
        return None
    y, p = inputs.truth == 1, inputs.pred == 1
    money = np.select([y & p, ~y & p, y & ~p], [payoff.tp, payoff.fp, payoff.fn], payoff.tn)
    return money.astype(float) / y.size * float(volume)


def _metric_frame(
    task: str, inputs: _Inputs, payoff: PayoffMatrix | None, volume: float | None
) -> MetricFrame:
    params: dict[str, dict[str, Any]] = {}
    if task == "regression":
        functions: dict[str, Callable[..., float]] = {
            "mean_prediction": mean_prediction,
            "mae": mean_absolute_error,
            "rmse": root_mean_squared_error,
            "bias": _bias,
        }
    elif task == "multiclass":
        functions = {"accuracy": accuracy_score, "macro_recall": _macro_recall}
    else:
        functions = {
            "selection_rate": selection_rate,
            "base_rate": _base_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "precision": _precision,
            "accuracy": accuracy_score,
        }
        if payoff is not None and volume is not None:
            functions["value_per_month"] = _value_metric(payoff, inputs.truth.size, volume)
        if inputs.score is not None:
            functions["mean_score"] = _mean_score
            params["mean_score"] = {"score": inputs.score}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MetricFrame(
            metrics=functions,
            y_true=inputs.truth,
            y_pred=inputs.pred,
            sensitive_features=pd.Series(inputs.groups, name="group"),
            sample_params=params or None,
        )


# --- bootstrap: weighted metrics over resample counts, per group ---------------------------


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where a resample has nothing to divide by."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def _binary_statistic(
    y: np.ndarray, p: np.ndarray, score: np.ndarray | None, money: np.ndarray | None
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    outcomes = np.column_stack([(y == 1) & (p == 1), (y == 0) & (p == 1), (y == 1) & (p == 0)])

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        n = W.sum(axis=1)
        tp, fp, fn = (W @ outcomes.astype(float)).T
        tn = n - tp - fp - fn
        out = {
            "selection_rate": (tp + fp) / n,
            "base_rate": (tp + fn) / n,
            "tpr": _share(tp, tp + fn),
            "fpr": _share(fp, fp + tn),
            "precision": _share(tp, tp + fp),
            "accuracy": (tp + tn) / n,
        }
        if money is not None:
            out["value_per_month"] = W @ money
        if score is not None:
            out["mean_score"] = W @ score / n
        return out

    return statistic


def _multiclass_statistic(
    y: np.ndarray, p: np.ndarray
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    present, codes = np.unique(y, return_inverse=True)
    actual = np.eye(present.size)[codes]
    hits = actual * (y == p)[:, None]

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        right = W @ hits
        recall = _share(right, W @ actual)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            macro = np.nanmean(recall, axis=1)
        return {"accuracy": right.sum(axis=1) / W.sum(axis=1), "macro_recall": macro}

    return statistic


def _regression_statistic(
    y: np.ndarray, p: np.ndarray
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    error = p - y

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        n = W.sum(axis=1)
        return {
            "mean_prediction": W @ p / n,
            "mae": W @ np.abs(error) / n,
            "rmse": np.sqrt(W @ error**2 / n),
            "bias": W @ error / n,
        }

    return statistic


def _group_draws(
    task: str, inputs: _Inputs, rows: np.ndarray, money: np.ndarray | None, reps: int, seed: int
) -> dict[str, np.ndarray]:
    """``reps`` bootstrap values of every metric for the rows of one group."""
    y, p = inputs.truth[rows], inputs.pred[rows]
    if task == "regression":
        statistic = _regression_statistic(y, p)
    elif task == "multiclass":
        statistic = _multiclass_statistic(y, p)
    else:
        score = None if inputs.score is None else inputs.score[rows]
        statistic = _binary_statistic(y, p, score, None if money is None else money[rows])
    rng = np.random.default_rng(seed)
    return stats.bootstrap(statistic, rows.size, reps, rng)


def _interval(value: float, draws: np.ndarray | None) -> tuple[float, float]:
    """95 % percentile interval, widened to hold the point; NaN when mostly undefined."""
    if draws is None or not math.isfinite(value):
        return math.nan, math.nan
    usable = draws[np.isfinite(draws)]
    if usable.size == 0 or usable.size < stats.MIN_USABLE_SHARE * draws.size:
        return math.nan, math.nan
    low, high = stats.percentile_interval(usable)
    return min(low, value), max(high, value)


# --- the report ----------------------------------------------------------------------------


def _by_group_table(
    task: str,
    inputs: _Inputs,
    frame: MetricFrame,
    money: np.ndarray | None,
    *,
    bootstrap: int,
    seed: int,
    min_group_size: int,
) -> pd.DataFrame:
    order = _group_order(inputs.groups)
    points = frame.by_group.reindex(order)
    records = []
    for i, group in enumerate(order):
        rows = np.flatnonzero(inputs.groups == group)
        draws = _group_draws(task, inputs, rows, money, bootstrap, seed + i) if bootstrap else {}
        record: dict[str, Any] = {
            "group": group,
            "count": int(rows.size),
            "small": rows.size < min_group_size,
        }
        for metric in METRICS[task]:
            value = float(points.at[group, metric]) if metric in points else math.nan
            low, high = _interval(value, draws.get(metric))
            record.update({metric: value, f"{metric}_low": low, f"{metric}_high": high})
        records.append(record)
    return pd.DataFrame.from_records(records)


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


def _sentence(name: str, value: float, table: pd.DataFrame, positive: str | None) -> str:
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
    low_value, high_value = float(column[low]), float(column[high])
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


def _disparity_values(task: str, inputs: _Inputs, frame: MetricFrame) -> dict[str, float]:
    """fairlearn's own disparity functions on the combined group labels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if task == "binary":
            y, p, by = inputs.truth, inputs.pred, {"sensitive_features": inputs.groups}
            return {
                "demographic_parity_difference": demographic_parity_difference(y, p, **by),
                "demographic_parity_ratio": demographic_parity_ratio(y, p, **by),
                "equalized_odds_difference": equalized_odds_difference(y, p, **by),
                "equal_opportunity_difference": equal_opportunity_difference(y, p, **by),
            }
        if task == "multiclass":
            return {"accuracy_difference": frame.difference()["accuracy"]}
        return {"mae_difference": frame.difference()["mae"], "mae_ratio": frame.ratio()["mae"]}


def _disparities(
    task: str,
    inputs: _Inputs,
    frame: MetricFrame,
    table: pd.DataFrame,
    limits: Mapping[str, float],
) -> tuple[Disparity, ...]:
    out = []
    for name, raw in _disparity_values(task, inputs, frame).items():
        value = float(raw)
        limit = limits.get(name)
        passes = None
        if limit is not None and math.isfinite(value):
            passes = value >= limit if name in RATIO_DISPARITIES else value <= limit
        sentence = _sentence(name, value, table, inputs.positive)
        out.append(Disparity(name, value, limit, passes, sentence, DISPARITY_EXPLANATIONS[name]))
    return tuple(out)


def _warnings(inputs: _Inputs, table: pd.DataFrame, min_group_size: int) -> tuple[str, ...]:
    out = [WARN_DROPPED.format(count=inputs.dropped)] if inputs.dropped else []
    for row in table.itertuples(index=False):
        if row.small:
            out.append(
                WARN_SMALL_GROUP.format(group=row.group, count=row.count, limit=min_group_size)
            )
    if inputs.positive is not None:
        for group in table["group"]:
            truth = inputs.truth[inputs.groups == group]
            if not truth.any():
                out.append(WARN_NO_POSITIVES.format(group=group, positive=inputs.positive))
            elif truth.all():
                out.append(WARN_NO_NEGATIVES.format(group=group, positive=inputs.positive))
    return tuple(out)


def _overall(task: str, inputs: _Inputs, frame: MetricFrame) -> dict[str, float]:
    overall = frame.overall
    out = {"count": float(inputs.truth.size)}
    out.update({m: float(overall[m]) if m in overall else math.nan for m in METRICS[task]})
    return out


def fairness_report(
    y_true: Any,
    y_pred: Any,
    sensitive: pd.Series | pd.DataFrame,
    *,
    task: Task,
    positive: Any = None,
    proba: Any = None,
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    min_group_size: int = 30,
    bootstrap: int = 200,
    seed: int = 0,
    limits: Mapping[str, float] | None = None,
) -> FairnessReport:
    """Per-group metrics with 95 % intervals, and each disparity in one plain sentence.

    ``sensitive``: a Series, or a DataFrame of one or two columns (two = their intersection).
    Binary ``y_true``/``y_pred`` are labels compared as text to ``positive``; ``proba``
    (binary only) is the positive class's score per row. With ``payoff`` and
    ``volume_per_month`` each group gets its share of the monthly value (groups add up to
    the overall value). ``limits`` maps a disparity name to the team's limit;
    ``bootstrap=0`` skips the intervals. Groups under ``min_group_size`` rows are flagged.
    """
    _check_options(task, bootstrap, min_group_size, volume_per_month)
    checked_limits = _check_limits(limits, task)
    inputs, attributes = _read_inputs(y_true, y_pred, sensitive, proba, task, positive)
    volume = None if volume_per_month is None else float(volume_per_month)
    frame = _metric_frame(task, inputs, payoff, volume)
    money = _row_money(inputs, payoff, volume)
    table = _by_group_table(
        task,
        inputs,
        frame,
        money,
        bootstrap=int(bootstrap),
        seed=int(seed),
        min_group_size=int(min_group_size),
    )
    return FairnessReport(
        task=task,
        attributes=attributes,
        by_group=table,
        overall=_overall(task, inputs, frame),
        disparities=_disparities(task, inputs, frame, table, checked_limits),
        warnings=_warnings(inputs, table, int(min_group_size)),
        positive=inputs.positive,
    )


# --- mitigation: fairlearn's ThresholdOptimizer and ExponentiatedGradient ------------------

_MOMENTS = {
    "demographic_parity": DemographicParity,
    "equalized_odds": EqualizedOdds,
    "true_positive_rate_parity": TruePositiveRateParity,
}


@dataclasses.dataclass(frozen=True, eq=False)
class _Training:
    """Validated training rows: 1 = positive, one group label per row."""

    target: np.ndarray
    groups: np.ndarray
    classes: np.ndarray  # the original labels, sorted like scikit-learn's classes_
    positive_index: int


def _preview(values: Sequence[Any], limit: int = 8) -> str:
    shown = ", ".join(repr(v) for v in list(values)[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _check_constraint(constraint: Any, objective: Any = None) -> None:
    if constraint not in CONSTRAINTS:
        raise FairnessError(
            MSG_CONSTRAINT.format(choices=", ".join(CONSTRAINTS), value=constraint),
            field="constraint",
        )
    allowed = EQUALIZED_ODDS_OBJECTIVES if constraint == "equalized_odds" else OBJECTIVES
    if objective is not None and objective not in allowed:
        raise FairnessError(
            MSG_OBJECTIVE.format(
                value=objective, constraint=constraint, choices=", ".join(allowed)
            ),
            field="objective",
        )


def _sensitive_names(sensitive_columns: Any) -> tuple[str, ...]:
    names = (sensitive_columns,) if isinstance(sensitive_columns, str) else tuple(sensitive_columns)
    if len(names) not in (1, 2):
        columns = ", ".join(str(n) for n in names) or "none"
        raise FairnessError(
            MSG_SENSITIVE_COLUMNS.format(count=len(names), columns=columns),
            field="sensitive_columns",
        )
    return names


def _check_columns(X: Any, columns: Sequence[str], *, sensitive: bool) -> None:
    if not isinstance(X, pd.DataFrame):
        raise FairnessError(MSG_X_FRAME.format(value=type(X).__name__), field="X")
    missing = [c for c in columns if c not in X.columns]
    if not missing:
        return
    if sensitive:
        message = MSG_SENSITIVE_MISSING.format(
            columns=_preview(missing), available=_preview(list(X.columns))
        )
        raise FairnessError(message, field="sensitive_columns")
    message = MSG_COLUMNS_MISSING.format(count=len(missing), columns=_preview(missing))
    raise FairnessError(message, field="X")


def _row_groups(X: Any, names: tuple[str, ...]) -> np.ndarray:
    _check_columns(X, names, sensitive=True)
    return _groups(X[list(names)])[0]


def _check_training_groups(groups: np.ndarray, attribute: str) -> None:
    counts = pd.Series(groups).value_counts()
    if len(counts) < 2:
        raise FairnessError(
            MSG_ONE_GROUP.format(attribute=attribute, groups=_preview(list(counts.index))),
            field="sensitive_columns",
        )
    if counts.min() < 2:
        group = counts.index[-1]
        raise FairnessError(
            MSG_SMALL_GROUP.format(group=group, attribute=attribute, count=int(counts.min())),
            field="sensitive_columns",
        )


def _positive_index(texts: list[str], positive: Any) -> int:
    text = None if positive is None else class_label(positive)
    if text not in texts:
        raise FairnessError(MSG_POSITIVE.format(positive=positive, labels=texts), field="positive")
    return texts.index(text)


def _original_classes(y: Any, texts: list[str]) -> np.ndarray:
    """The labels as scikit-learn's classes_ holds them (np.unique), else as text."""
    try:
        classes = np.unique(np.asarray(y).ravel())
    except TypeError:  # mixed types such as 1 and "1" do not sort
        classes = np.asarray([])
    return classes if len(classes) == 2 else np.asarray(texts, dtype=object)


def _training(X: Any, y: Any, names: tuple[str, ...], positive: Any) -> _Training:
    """Validate once: groups from the sensitive column(s), y as 1 = positive."""
    groups = _row_groups(X, names)
    labels = pd.Series(np.asarray(y, dtype=object).ravel())
    if len(labels) != len(X):
        raise FairnessError(MSG_XY_LENGTHS.format(rows=len(X), count=len(labels)), field="y")
    if labels.isna().any():
        raise FairnessError(MSG_TARGET_MISSING.format(count=int(labels.isna().sum())), field="y")
    texts = _column_labels(labels)
    distinct = sorted(set(texts))
    if len(distinct) != 2:
        raise FairnessError(
            MSG_BINARY_TARGET.format(count=len(distinct), examples=_preview(distinct, 5)),
            field="y",
        )
    classes = _original_classes(y, distinct)
    index = _positive_index([class_label(c) for c in classes], positive)
    _check_training_groups(groups, ATTRIBUTE_SEPARATOR.join(names))
    target = (texts == class_label(classes[index])).astype(np.int64)
    return _Training(target, groups, classes, index)


def _in_class_order(pmf: np.ndarray, positive_index: int) -> np.ndarray:
    """fairlearn's (P[no], P[yes]) columns placed in classes_ order."""
    pmf = np.asarray(pmf, dtype=float)
    out = np.empty_like(pmf)
    out[:, positive_index], out[:, 1 - positive_index] = pmf[:, 1], pmf[:, 0]
    return out


def _as_labels(decision: np.ndarray, classes: np.ndarray, positive_index: int) -> np.ndarray:
    return classes[np.where(np.asarray(decision) == 1, positive_index, 1 - positive_index)]


class _PositiveScore(BaseEstimator):
    """A fitted pipeline's positive-class probability in column 1, where fairlearn reads it.

    It also hands the pipeline only its own feature columns, so rows may carry more.
    """

    def __init__(self, pipeline: Any = None, positive_index: int = 1, feature_columns=()):
        self.pipeline = pipeline
        self.positive_index = positive_index
        self.feature_columns = feature_columns

    def fit(self, X: Any = None, y: Any = None) -> _PositiveScore:
        """Nothing to learn: the pipeline is already fitted (scikit-learn wants a fit)."""
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = np.asarray(self.pipeline.predict_proba(X[list(self.feature_columns)]))
        score = proba[:, self.positive_index]
        return np.column_stack([1.0 - score, score])


def _fitted_classes(pipeline: Any, positive: Any) -> tuple[np.ndarray, int]:
    classes = getattr(pipeline, "classes_", None)
    if classes is None or len(classes) != 2 or not hasattr(pipeline, "predict_proba"):
        raise FairnessError(
            MSG_NOT_CLASSIFIER.format(value=type(pipeline).__name__), field="pipeline"
        )
    classes = np.asarray(classes)
    return classes, _positive_index([class_label(c) for c in classes], positive)


class GroupThresholdModel(ClassifierMixin, BaseEstimator):
    """A fitted pipeline with its own threshold per group (fairlearn's ThresholdOptimizer).

    Rows passed to ``predict``/``predict_proba`` hold the sensitive column(s) and the
    pipeline's features. The positive column of ``predict_proba`` is the probability that
    fairlearn's randomised rule says positive; ``predict`` draws the rule with
    ``random_state=seed``, so the same rows always get the same labels.
    """

    def __init__(
        self,
        pipeline: Any = None,
        *,
        sensitive_columns: Sequence[str] = (),
        constraint: Constraint = "demographic_parity",
        positive: Any = None,
        objective: ThresholdObjective = "balanced_accuracy_score",
        seed: int = 0,
    ) -> None:
        self.pipeline = pipeline
        self.sensitive_columns = sensitive_columns
        self.constraint = constraint
        self.positive = positive
        self.objective = objective
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any) -> GroupThresholdModel:
        """Choose the thresholds on (X, y); the pipeline itself is not refitted."""
        _check_constraint(self.constraint, self.objective)
        names = _sensitive_names(self.sensitive_columns)
        training = _training(X, y, names, self.positive)
        classes, positive_index = _fitted_classes(self.pipeline, self.positive)
        features = tuple(getattr(self.pipeline, "feature_names_in_", X.columns))
        _check_columns(X, features, sensitive=False)
        optimizer = ThresholdOptimizer(
            estimator=_PositiveScore(self.pipeline, positive_index, features),
            constraints=self.constraint,
            objective=self.objective,
            prefit=True,
            predict_method="predict_proba",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.fit(X, training.target, sensitive_features=training.groups)
        self.classes_ = classes
        self.positive_index_ = positive_index
        self.feature_columns_ = features
        self.groups_ = tuple(sorted(optimizer.interpolated_thresholder_.interpolation_dict))
        self.optimizer_ = optimizer
        return self

    def _groups_of(self, X: Any) -> np.ndarray:
        """Group labels of the rows; a group the thresholds never saw is an error."""
        check_is_fitted(self)
        names = _sensitive_names(self.sensitive_columns)
        groups = _row_groups(X, names)
        _check_columns(X, self.feature_columns_, sensitive=False)
        unseen = [g for g in pd.unique(groups) if g not in set(self.groups_)]
        if unseen:
            message = MSG_UNSEEN_GROUP.format(
                group=unseen[0],
                attribute=ATTRIBUTE_SEPARATOR.join(names),
                known=_preview(self.groups_),
            )
            raise FairnessError(message, field="sensitive_columns")
        return groups

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, 2) in classes_ order; the positive column is P[the rule says positive]."""
        groups = self._groups_of(X)
        pmf = self.optimizer_._pmf_predict(X, sensitive_features=groups)
        return _in_class_order(pmf, self.positive_index_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Original labels, drawn from the randomised rule with ``random_state=seed``."""
        groups = self._groups_of(X)
        decision = self.optimizer_.predict(X, sensitive_features=groups, random_state=self.seed)
        return _as_labels(decision, self.classes_, self.positive_index_)


def _final_step(estimator: Any) -> Any:
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


class _SampleWeightRouter(ClassifierMixin, BaseEstimator):
    """Hands ExponentiatedGradient's ``sample_weight`` to a Pipeline's final step.

    A Pipeline's ``fit`` only takes ``<step>__sample_weight``; fairlearn passes
    ``sample_weight``.
    """

    def __init__(self, estimator: Any = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _SampleWeightRouter:
        model = clone(self.estimator)
        if isinstance(model, Pipeline):
            model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": sample_weight})
        else:
            model.fit(X, y, sample_weight=sample_weight)
        self.estimator_ = model
        self.classes_ = model.classes_
        return self

    def predict(self, X: Any) -> np.ndarray:
        return self.estimator_.predict(X)


def _seeded(estimator: Any, seed: int) -> Any:
    """Every unset ``random_state`` fixed to the seed, so a seed gives the same models."""
    if not hasattr(estimator, "get_params"):
        return estimator
    fixed = {
        name: seed
        for name, value in estimator.get_params(deep=True).items()
        if (name == "random_state" or name.endswith("__random_state")) and value is None
    }
    return estimator.set_params(**fixed) if fixed else estimator


def _check_reduction_options(estimator: Any, max_iter: Any, eps: Any) -> None:
    if not _is_whole(max_iter, 1):
        rule = "a whole number of 1 or more"
        raise FairnessError(
            MSG_MITIGATION_NUMBER.format(name="max_iter", rule=rule, value=max_iter),
            field="max_iter",
        )
    if not (isinstance(eps, numbers.Real) and math.isfinite(eps) and eps > 0):
        raise FairnessError(
            MSG_MITIGATION_NUMBER.format(name="eps", rule="more than 0", value=eps), field="eps"
        )
    final = _final_step(estimator)
    if not (hasattr(final, "fit") and has_fit_parameter(final, "sample_weight")):
        raise FairnessError(MSG_SAMPLE_WEIGHT.format(name=type(final).__name__), field="estimator")


class ReductionModel(ClassifierMixin, BaseEstimator):
    """A model retrained under a fairness constraint (fairlearn's ExponentiatedGradient).

    The result is a weighted mix of models fitted on re-weighted rows. The positive column
    of ``predict_proba`` is the mix's probability of saying positive; ``predict`` draws from
    it with ``random_state=seed``. The inner models read every column ``X`` had at fit,
    sensitive ones included: whether a model uses them is its pipeline's choice.
    """

    def __init__(
        self,
        estimator: Any = None,
        *,
        sensitive_columns: Sequence[str] = (),
        constraint: Constraint = "demographic_parity",
        positive: Any = None,
        seed: int = 0,
        max_iter: int = 50,
        eps: float = 0.01,
    ) -> None:
        self.estimator = estimator
        self.sensitive_columns = sensitive_columns
        self.constraint = constraint
        self.positive = positive
        self.seed = seed
        self.max_iter = max_iter
        self.eps = eps

    def fit(self, X: pd.DataFrame, y: Any) -> ReductionModel:
        """Retrain ``estimator`` (unfitted template) on re-weighted copies of (X, y)."""
        _check_constraint(self.constraint)
        names = _sensitive_names(self.sensitive_columns)
        training = _training(X, y, names, self.positive)
        _check_reduction_options(self.estimator, self.max_iter, self.eps)
        mitigator = ExponentiatedGradient(
            _SampleWeightRouter(_seeded(clone(self.estimator), self.seed)),
            constraints=_MOMENTS[self.constraint](),
            eps=self.eps,
            max_iter=self.max_iter,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mitigator.fit(X, training.target, sensitive_features=training.groups)
        mitigator.constraints_ = None  # fairlearn keeps the training rows there; drop them
        self.classes_ = training.classes
        self.positive_index_ = training.positive_index
        self.feature_columns_ = tuple(X.columns)
        self.mitigator_ = mitigator
        return self

    def _rows(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self)
        _check_columns(X, _sensitive_names(self.sensitive_columns), sensitive=True)
        _check_columns(X, self.feature_columns_, sensitive=False)
        return X[list(self.feature_columns_)]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, 2) in classes_ order; the positive column is P[the mix says positive]."""
        pmf = self.mitigator_._pmf_predict(self._rows(X))
        return _in_class_order(pmf, self.positive_index_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Original labels, drawn from the mix with ``random_state=seed``."""
        decision = self.mitigator_.predict(self._rows(X), random_state=self.seed)
        return _as_labels(decision, self.classes_, self.positive_index_)


def threshold_mitigation(
    pipeline: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    sensitive_columns: Sequence[str],
    constraint: Constraint,
    positive: Any,
    objective: ThresholdObjective = "balanced_accuracy_score",
    seed: int = 0,
) -> GroupThresholdModel:
    """Per-group thresholds on a fitted binary pipeline, chosen on (X, y) under ``constraint``.

    Cheap (no retraining) and often enough; X must hold the sensitive column(s) and the
    pipeline's features, at fit and at predict time.
    """
    return GroupThresholdModel(
        pipeline,
        sensitive_columns=sensitive_columns,
        constraint=constraint,
        positive=positive,
        objective=objective,
        seed=seed,
    ).fit(X, y)


def expgrad_mitigation(
    estimator_factory: Callable[[], Any],
    X: pd.DataFrame,
    y: Any,
    *,
    sensitive_columns: Sequence[str],
    constraint: Constraint,
    positive: Any,
    seed: int = 0,
    max_iter: int = 50,
    eps: float = 0.01,
) -> ReductionModel:
    """Retrain under ``constraint``: a mix of models from ``estimator_factory()`` (unfitted).

    Slower than thresholds (``max_iter`` fits) but fixes the model itself; its final step
    must accept ``sample_weight``. ``eps`` is the disparity fairlearn may leave.
    """
    return ReductionModel(
        estimator_factory(),
        sensitive_columns=sensitive_columns,
        constraint=constraint,
        positive=positive,
        seed=seed,
        max_iter=max_iter,
        eps=eps,
    ).fit(X, y)
