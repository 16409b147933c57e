"""Goal stage: the business case every later stage is measured against.

A product manager's payoff matrix is not decoration: it picks the default metric, prices a
model (ROI, payback, break-even precision) and sets the value-optimal threshold. This module
holds the goal's types, validates a goal once at the boundary (``goal_from_dict``) and
computes the money. Pure Python: no Streamlit, no storage.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from core.coerce import to_number
from core.exceptions import CoreError
from core.metrics import ALIASES, LEADERBOARD_METRICS, METRICS, find_metric, get_metric, stored_name

Direction = Literal["increase", "decrease"]
Task = Literal["binary", "multiclass", "regression"]
Cadence = Literal["real-time", "batch"]
RiskCategory = Literal[
    "data_quality", "bias", "privacy", "drift", "misuse", "cost_of_errors", "other"
]
RiskLevel = Literal["low", "medium", "high", "critical"]
Explainability = Literal["none", "global", "per-prediction"]
MilestoneStatus = Literal["planned", "in progress", "done", "blocked"]
ErrorCostLevel = Literal["low", "medium", "high"]
VerdictKind = Literal["rule", "ml", "unclear"]


def goal_metrics(task: str) -> tuple[str, ...]:
    """The metrics a goal of ``task`` can name: those the leaderboard ranks ``task`` by, from
    the registry (core.metrics), under their stored names. Value per month fits every task
    (train ranks a multiclass goal by F1 instead and says so)."""
    return tuple(
        name
        for name in LEADERBOARD_METRICS
        if task in get_metric(name).tasks or name == "expected_value"
    )


def _read_as(name: str) -> bool:
    """Whether a goal's ``name`` is read as another name of KNOWN_METRICS (an alias)."""
    return stored_name(name) != name and stored_name(name) in LEADERBOARD_METRICS


CLASSIFICATION_METRICS = goal_metrics("binary")
REGRESSION_METRICS = goal_metrics("regression")
KNOWN_METRICS = LEADERBOARD_METRICS

METRIC_EXPLANATIONS: dict[str, str] = {
    "expected_value": (
        "Money per month from acting on the predictions at the best threshold, priced with "
        "your payoff matrix, so a better score is directly a better business case."
    ),
    "roc_auc": (
        "How well the model ranks positives above negatives over all thresholds; a good "
        "ranking lets you act on the riskiest cases first, but it says nothing about money."
    ),
    "pr_auc": (
        "How precise the model stays as it finds more of the positives; the honest ranking "
        "score when positives are rare."
    ),
    "f1": (
        "A balance of precision and recall at one threshold; use it when a missed positive "
        "and a false alarm cost about the same."
    ),
    "recall": (
        "The share of real positives the model catches; it moves the KPI when every missed "
        "case is expensive."
    ),
    "precision": (
        "The share of flagged cases that are real positives; it protects the KPI when every "
        "false alarm costs money or trust."
    ),
    "accuracy": (
        "The share of all predictions that are right; only meaningful when classes are "
        "balanced and both errors cost the same."
    ),
    "log_loss": (
        "How trustworthy the predicted probabilities are; matters when people act on the "
        "probability itself, not just on yes/no."
    ),
    "rmse": (
        "The typical error in the target's unit, weighting large misses heavily; choose it "
        "when one big error hurts the KPI more than several small ones."
    ),
    "mae": (
        "The average error in the target's unit; each unit of error costs the same, so it "
        "maps straight to money through the cost per unit."
    ),
    "r2": (
        "The share of the target's variation the model explains; a quick sanity check, not "
        "a money figure."
    ),
}

RISK_LEVEL_LIMITS: tuple[tuple[int, RiskLevel], ...] = (
    (4, "low"),
    (9, "medium"),
    (16, "high"),
    (25, "critical"),
)
MIN_LABELLED_EXAMPLES = 200
GOOD_LABELLED_EXAMPLES = 1000
DOMINANCE_RATIO = 3.0

# --- messages (tests import these) -------------------------------------------------------

MSG_REQUIRED = "{field} is required"
MSG_TEXT = "{field} must be text, got {value!r}"
MSG_NUMBER = "{field} must be a number, got {value!r}"
MSG_NOT_NEGATIVE = "{field} must be 0 or more, got {value!r}"
MSG_POSITIVE = "{field} must be more than 0, got {value!r}"
MSG_SHARE = "{field} must be a share between 0 and 1 (0.25 means 25 %), got {value!r}"
MSG_SCALE = "{field} must be a whole number from 1 to 5, got {value!r}"
MSG_WHOLE = "{field} must be a whole number of at least {minimum}, got {value!r}"
MSG_CHOICE = "{field} must be one of {choices}, got {value!r}"
MSG_DATE = "{field} must be an ISO date like 2025-06-30, got {value!r}"
MSG_BOOL = "{field} must be true or false, got {value!r}"
MSG_MAPPING = "{field} must be a mapping of named fields, got {value!r}"
MSG_LIST = "{field} must be a list, got {value!r}"
MSG_UNKNOWN_KEY = "{field} is not a known field{suggestion}"
MSG_CURRENCY_NEEDED = (
    "currency is required when payoff, error_cost or costs are given "
    "(a code like EUR or a symbol like €)"
)
MSG_CURRENCY_FORMAT = "currency must be a 3-letter code like EUR or a symbol like €, got {value!r}"
MSG_PAYOFF_NEEDED = "a {task} goal needs payoff: the money value of each outcome tp, fp, fn, tn"
MSG_ERROR_COST_NEEDED = (
    "a regression goal needs error_cost: the cost per unit of under- and over-prediction"
)
MSG_PAYOFF_FOR_REGRESSION = "payoff is for classification; a regression goal uses error_cost"
MSG_ERROR_COST_FOR_CLASSIFICATION = (
    "error_cost is for regression; a {task} goal uses payoff (tp, fp, fn, tn)"
)
MSG_METRIC_TASK = "metric {value!r} does not fit a {task} task; use one of {choices}"
MSG_KPI_DIRECTION = (
    "kpi.target {target} must be {relation} kpi.baseline {baseline} for direction {direction!r}"
)
MSG_POSITIVE_CLASS_BOOL = (
    "positive_class was read as {value!r}: YAML turns unquoted Yes/No/On/Off into true/false; "
    'quote it, e.g. positive_class: "Yes"'
)
MSG_GOAL_INVALID = "the goal has {count} problem(s): {summary}"

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
MSG_BASELINE_PAIR = "give both baseline_precision and baseline_recall, or neither (do nothing)"
MSG_ROI_NEEDS = "an ROI estimate needs goal.{field}; fill it in on the Goal page"
MSG_ROI_TASK = "{function} needs a {expected} goal; this goal's task is {task!r}"
MSG_BIAS = (
    "|bias| {bias} cannot exceed mae {mae}: the mean absolute error bounds the mean signed error"
)
MSG_LENGTHS = "scores and labels must have the same length, got {n_scores} and {n_labels}"
MSG_EMPTY_SCORES = "a value curve needs at least one scored row"
MSG_SCORES_FINITE = "scores must be finite numbers; found {count} NaN or infinite value(s)"
MSG_LABELS_BINARY = "labels must hold at most two classes, found {count}: {examples}"
MSG_POS_LABEL_MISSING = "pos_label {pos_label!r} is not among the labels {examples}"
MSG_RISK_SCALE = "risk {name!r}: {what} must be a whole number from 1 to 5, got {value!r}"
MSG_GRID = "{name} must be values in (0, 1], got min {low} and max {high}"


class BusinessError(CoreError):
    """A business-case number cannot work (e.g. a precision/recall pair no model can reach)."""


class GoalError(CoreError):
    """One goal field is wrong; ``field`` is its path, e.g. ``payoff.fp``."""


@dataclasses.dataclass(frozen=True)
class FieldProblem:
    """One validation problem, placed next to its field by the UI."""

    field: str
    message: str


class GoalValidationError(GoalError):
    """Every problem found in a goal at once, so the user can fix them in one pass."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        summary = "; ".join(p.message for p in self.problems[:3])
        if len(self.problems) > 3:
            summary += f"; and {len(self.problems) - 3} more"
        only = self.problems[0].field if len(self.problems) == 1 else None
        super().__init__(
            MSG_GOAL_INVALID.format(count=len(self.problems), summary=summary), field=only
        )


# --- the goal's parts ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class KPI:
    """The business number the project must move, e.g. monthly churn rate 2.1 % -> 1.7 %."""

    name: str
    unit: str
    baseline: float
    target: float
    direction: Direction
    deadline: date | None = None


@dataclasses.dataclass(frozen=True)
class PayoffMatrix:
    """Money value of one prediction per outcome (negative = cost), relative to any baseline."""

    tp: float
    fp: float
    fn: float
    tn: float


@dataclasses.dataclass(frozen=True)
class ErrorCost:
    """Cost per unit of regression error: ``under`` when prediction < truth, ``over`` otherwise."""

    under: float
    over: float


@dataclasses.dataclass(frozen=True)
class Costs:
    """What the model costs: once to build, then every month to run and maintain."""

    build: float
    run_per_month: float


@dataclasses.dataclass(frozen=True)
class RiskItem:
    """One risk on the register; likelihood and impact are 1 (rare/minor) to 5."""

    name: str
    category: RiskCategory
    likelihood: int
    impact: int
    owner: str = ""
    mitigation: str = ""

    @property
    def score(self) -> int:
        """Likelihood x impact, 1..25."""
        return self.likelihood * self.impact

    @property
    def level(self) -> RiskLevel:
        """low <= 4 < medium <= 9 < high <= 16 < critical."""
        for limit, level in RISK_LEVEL_LIMITS:
            if self.score <= limit:
                return level
        return "critical"


@dataclasses.dataclass(frozen=True)
class Requirements:
    """Constraints a model must meet to ship; None means no constraint."""

    max_latency_ms: float | None = None
    mode: Cadence | None = None
    explainability: Explainability | None = None
    max_demographic_parity_difference: float | None = None
    min_metric_to_ship: float | None = None
    max_model_size_mb: float | None = None
    data_protection_notes: str = ""


@dataclasses.dataclass(frozen=True)
class Milestone:
    """A dated step of the project plan."""

    name: str
    due: date | None = None
    status: MilestoneStatus = "planned"


@dataclasses.dataclass(frozen=True)
class MlNeedAnswers:
    """Answers to the "is ML needed?" checklist; None means not answered yet."""

    clear_rule_exists: bool | None = None
    labelled_examples: int | None = None
    pattern_stable: bool | None = None
    cost_of_errors: ErrorCostLevel | None = None
    must_explain_each_decision: bool | None = None
    data_available_at_decision: bool | None = None
    many_interacting_signals: bool | None = None


@dataclasses.dataclass(frozen=True)
class RoiAssumptions:
    """What the ROI estimate assumes before any model exists (later replaced by measured numbers).

    Classification: the model's precision/recall, and the current rule's if there is one
    (no rule = "do nothing"). Regression: the model's MAE and the current way's MAE.
    """

    model_precision: float | None = None
    model_recall: float | None = None
    rule_precision: float | None = None
    rule_recall: float | None = None
    model_mae: float | None = None
    baseline_mae: float | None = None


@dataclasses.dataclass(frozen=True)
class Goal:
    """The business goal of one project: what is decided, what it is worth, what may go wrong."""

    name: str
    problem: str
    decision: str = ""
    actor: str = ""
    target_description: str = ""
    target_column: str | None = None
    task: Task = "binary"
    positive_class: str | int | None = None
    cadence: Cadence | None = None
    volume_per_month: float | None = None
    expected_positive_rate: float | None = None
    currency: str | None = None
    kpi: KPI | None = None
    metric: str | None = None
    payoff: PayoffMatrix | None = None
    error_cost: ErrorCost | None = None
    costs: Costs | None = None
    risks: tuple[RiskItem, ...] = ()
    requirements: Requirements = dataclasses.field(default_factory=Requirements)
    milestones: tuple[Milestone, ...] = ()
    rule: str | None = None
    ml_check: MlNeedAnswers | None = None
    horizon_months: int = 12
    roi_assumptions: RoiAssumptions | None = None


# --- validation at the boundary ------------------------------------------------------------


def _keys(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(get_args(literal))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_ALIASES = {
    "realtime": "real-time",
    "real time": "real-time",
    "real_time": "real-time",
    "in_progress": "in progress",
    "in-progress": "in progress",
    "per_prediction": "per-prediction",
    "per prediction": "per-prediction",
}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class _Reader:
    """Reads typed values out of nested mappings, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(FieldProblem(path, message))

    def unknown_keys(self, data: Mapping, known: Sequence[str], prefix: str) -> None:
        for key in data:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
            path = f"{prefix}{key}"
            self.add(path, MSG_UNKNOWN_KEY.format(field=path, suggestion=hint))

    def section(self, data: Mapping, key: str, prefix: str, cls: type) -> Mapping | None:
        value, path = data.get(key), prefix + key
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.add(path, MSG_MAPPING.format(field=path, value=value))
            return None
        self.unknown_keys(value, _keys(cls), path + ".")
        return value

    def items(self, data: Mapping, key: str, cls: type) -> list[tuple[str, Mapping]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.add(key, MSG_LIST.format(field=key, value=value))
            return []
        found = []
        for i, item in enumerate(value):
            path = f"{key}[{i}]"
            if not isinstance(item, Mapping):
                self.add(path, MSG_MAPPING.format(field=path, value=item))
                continue
            self.unknown_keys(item, _keys(cls), path + ".")
            found.append((path + ".", item))
        return found

    def text(self, data: Mapping, key: str, prefix: str, *, required: bool = False) -> str | None:
        value, path = data.get(key), prefix + key
        if _blank(value):
            if required:
                self.add(path, MSG_REQUIRED.format(field=path))
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(path, MSG_TEXT.format(field=path, value=value))
            return None
        return str(value).strip()

    def number(
        self, data: Mapping, key: str, prefix: str, *, required: bool = False
    ) -> float | None:
        value, path = data.get(key), prefix + key
        if _blank(value):
            if required:
                self.add(path, MSG_REQUIRED.format(field=path))
            return None
        number = to_number(value)
        if number is None:
            self.add(path, MSG_NUMBER.format(field=path, value=value))
        return number

    def bounded(
        self,
        data: Mapping,
        key: str,
        prefix: str,
        *,
        low: float,
        message: str,
        high: float | None = None,
        open_low: bool = False,
        required: bool = False,
    ) -> float | None:
        number = self.number(data, key, prefix, required=required)
        if number is None:
            return None
        too_low = number <= low if open_low else number < low
        if too_low or (high is not None and number > high):
            self.add(prefix + key, message.format(field=prefix + key, value=data.get(key)))
            return None
        return number

    def whole(
        self, data: Mapping, key: str, prefix: str, *, low: int, high: int | None = None
    ) -> int | None:
        value, path = data.get(key), prefix + key
        if _blank(value):
            return None
        number = to_number(value)
        bad = number is None or not number.is_integer() or number < low
        if bad or (high is not None and number > high):
            if high == 5 and low == 1:
                self.add(path, MSG_SCALE.format(field=path, value=value))
            else:
                self.add(path, MSG_WHOLE.format(field=path, minimum=low, value=value))
            return None
        return int(number)

    def choice(
        self,
        data: Mapping,
        key: str,
        prefix: str,
        choices: Sequence[str],
        *,
        required: bool = False,
    ) -> Any:
        value, path = data.get(key), prefix + key
        if _blank(value):
            if required:
                self.add(path, MSG_REQUIRED.format(field=path))
            return None
        normal = str(value).strip().lower()
        normal = _ALIASES.get(normal, normal)
        if normal not in choices:
            self.add(path, MSG_CHOICE.format(field=path, choices=", ".join(choices), value=value))
            return None
        return normal

    def day(self, data: Mapping, key: str, prefix: str) -> date | None:
        value, path = data.get(key), prefix + key
        if _blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(path, MSG_DATE.format(field=path, value=value))
        return None

    def flag(self, data: Mapping, key: str, prefix: str) -> bool | None:
        value, path = data.get(key), prefix + key
        if _blank(value):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.add(path, MSG_BOOL.format(field=path, value=value))
        return None


def _read_kpi(r: _Reader, data: Mapping) -> KPI | None:
    section = r.section(data, "kpi", "", KPI)
    if section is None:
        return None
    p = "kpi."
    name = r.text(section, "name", p, required=True)
    unit = r.text(section, "unit", p) or ""
    baseline = r.number(section, "baseline", p, required=True)
    target = r.number(section, "target", p, required=True)
    direction = r.choice(section, "direction", p, _choices(Direction), required=True)
    deadline = r.day(section, "deadline", p)
    if None in (name, baseline, target, direction):
        return None
    wrong_way = target >= baseline if direction == "decrease" else target <= baseline
    if wrong_way:
        relation = "below" if direction == "decrease" else "above"
        r.add(
            "kpi.target",
            MSG_KPI_DIRECTION.format(
                target=target, relation=relation, baseline=baseline, direction=direction
            ),
        )
        return None
    return KPI(name, unit, baseline, target, direction, deadline)


def _read_payoff(r: _Reader, data: Mapping) -> PayoffMatrix | None:
    section = r.section(data, "payoff", "", PayoffMatrix)
    if section is None:
        return None
    cells = [r.number(section, k, "payoff.", required=True) for k in ("tp", "fp", "fn", "tn")]
    return None if None in cells else PayoffMatrix(*cells)


def _read_error_cost(r: _Reader, data: Mapping) -> ErrorCost | None:
    section = r.section(data, "error_cost", "", ErrorCost)
    if section is None:
        return None
    under, over = (
        r.bounded(section, k, "error_cost.", low=0, message=MSG_NOT_NEGATIVE, required=True)
        for k in ("under", "over")
    )
    return None if under is None or over is None else ErrorCost(under, over)


def _read_costs(r: _Reader, data: Mapping) -> Costs | None:
    section = r.section(data, "costs", "", Costs)
    if section is None:
        return None
    before = len(r.problems)
    build, run = (
        r.bounded(section, k, "costs.", low=0, message=MSG_NOT_NEGATIVE)
        for k in ("build", "run_per_month")
    )
    return None if len(r.problems) > before else Costs(build or 0.0, run or 0.0)


def _read_risks(r: _Reader, data: Mapping) -> tuple[RiskItem, ...]:
    risks = []
    for p, item in r.items(data, "risks", RiskItem):
        name = r.text(item, "name", p, required=True)
        category = r.choice(item, "category", p, _choices(RiskCategory), required=True)
        likelihood = r.whole(item, "likelihood", p, low=1, high=5)
        impact = r.whole(item, "impact", p, low=1, high=5)
        for key, value in (("likelihood", likelihood), ("impact", impact)):
            if value is None and _blank(item.get(key)):
                r.add(p + key, MSG_REQUIRED.format(field=p + key))
        owner = r.text(item, "owner", p) or ""
        mitigation = r.text(item, "mitigation", p) or ""
        if None not in (name, category, likelihood, impact):
            risks.append(RiskItem(name, category, likelihood, impact, owner, mitigation))
    return tuple(risks)


def _read_requirements(r: _Reader, data: Mapping) -> Requirements:
    section = r.section(data, "requirements", "", Requirements)
    if section is None:
        return Requirements()
    p = "requirements."
    return Requirements(
        max_latency_ms=r.bounded(
            section, "max_latency_ms", p, low=0, open_low=True, message=MSG_POSITIVE
        ),
        mode=r.choice(section, "mode", p, _choices(Cadence)),
        explainability=r.choice(section, "explainability", p, _choices(Explainability)),
        max_demographic_parity_difference=r.bounded(
            section, "max_demographic_parity_difference", p, low=0, high=1, message=MSG_SHARE
        ),
        min_metric_to_ship=r.number(section, "min_metric_to_ship", p),
        max_model_size_mb=r.bounded(
            section, "max_model_size_mb", p, low=0, open_low=True, message=MSG_POSITIVE
        ),
        data_protection_notes=r.text(section, "data_protection_notes", p) or "",
    )


def _read_milestones(r: _Reader, data: Mapping) -> tuple[Milestone, ...]:
    milestones = []
    for p, item in r.items(data, "milestones", Milestone):
        name = r.text(item, "name", p, required=True)
        due = r.day(item, "due", p)
        status = r.choice(item, "status", p, _choices(MilestoneStatus)) or "planned"
        if name is not None:
            milestones.append(Milestone(name, due, status))
    return tuple(milestones)


def _read_ml_check(r: _Reader, data: Mapping) -> MlNeedAnswers | None:
    section = r.section(data, "ml_check", "", MlNeedAnswers)
    if section is None:
        return None
    p = "ml_check."
    return MlNeedAnswers(
        clear_rule_exists=r.flag(section, "clear_rule_exists", p),
        labelled_examples=r.whole(section, "labelled_examples", p, low=0),
        pattern_stable=r.flag(section, "pattern_stable", p),
        cost_of_errors=r.choice(section, "cost_of_errors", p, _choices(ErrorCostLevel)),
        must_explain_each_decision=r.flag(section, "must_explain_each_decision", p),
        data_available_at_decision=r.flag(section, "data_available_at_decision", p),
        many_interacting_signals=r.flag(section, "many_interacting_signals", p),
    )


def _read_roi_assumptions(r: _Reader, data: Mapping) -> RoiAssumptions | None:
    section = r.section(data, "roi_assumptions", "", RoiAssumptions)
    if section is None:
        return None
    p = "roi_assumptions."
    shares = {
        key: r.bounded(section, key, p, low=0, high=1, message=MSG_SHARE)
        for key in ("model_precision", "model_recall", "rule_precision", "rule_recall")
    }
    errors = {
        key: r.bounded(section, key, p, low=0, message=MSG_NOT_NEGATIVE)
        for key in ("model_mae", "baseline_mae")
    }
    if (shares["rule_precision"] is None) != (shares["rule_recall"] is None):
        r.add(p + "rule_recall", MSG_BASELINE_PAIR)
    return RoiAssumptions(**shares, **errors)


def _read_positive_class(r: _Reader, data: Mapping) -> str | int | None:
    value = data.get("positive_class")
    if isinstance(value, bool):
        r.add("positive_class", MSG_POSITIVE_CLASS_BOOL.format(value=value))
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    return r.text(data, "positive_class", "")


def _read_currency(r: _Reader, data: Mapping, *, needed: bool) -> str | None:
    currency = r.text(data, "currency", "")
    if currency is None:
        if needed and _blank(data.get("currency")):
            r.add("currency", MSG_CURRENCY_NEEDED)
        return None
    is_code = len(currency) == 3 and currency.isalpha()
    is_symbol = 0 < len(currency) <= 3 and not any(c.isalnum() for c in currency)
    if not (is_code or is_symbol):
        r.add("currency", MSG_CURRENCY_FORMAT.format(value=currency))
        return None
    return currency.upper() if is_code else currency


def _check_task_fit(
    r: _Reader, task: str | None, metric: str | None, given: Mapping[str, bool], *, draft: bool
) -> None:
    """Payoff belongs to classification, error_cost to regression; the metric must fit."""
    if task is None:
        return
    if task == "regression":
        if given["payoff"]:
            r.add("payoff", MSG_PAYOFF_FOR_REGRESSION)
        if not given["error_cost"] and not draft:
            r.add("error_cost", MSG_ERROR_COST_NEEDED)
    else:
        if given["error_cost"]:
            r.add("error_cost", MSG_ERROR_COST_FOR_CLASSIFICATION.format(task=task))
        if not given["payoff"] and not draft:
            r.add("payoff", MSG_PAYOFF_NEEDED.format(task=task))
    fitting = goal_metrics(task)
    if metric is not None and metric not in fitting:
        r.add("metric", MSG_METRIC_TASK.format(value=metric, task=task, choices=", ".join(fitting)))


def goal_from_dict(data: Mapping[str, Any], *, draft: bool = False) -> Goal:
    """Build a Goal from YAML/JSON/form data, reporting every problem with its field path.

    ``draft=True`` accepts a goal still missing its payoff/error_cost, so unfinished work can
    be saved; type and range errors are reported either way.
    Raises GoalValidationError whose ``.problems`` lists FieldProblem(field, message).
    """
    r = _Reader()
    if not isinstance(data, Mapping):
        r.add("", MSG_MAPPING.format(field="goal", value=data))
        raise GoalValidationError(r.problems)
    r.unknown_keys(data, _keys(Goal), "")
    task = "binary" if _blank(data.get("task")) else r.choice(data, "task", "", _choices(Task))
    parts: dict[str, Any] = {
        "payoff": _read_payoff(r, data),
        "error_cost": _read_error_cost(r, data),
        "costs": _read_costs(r, data),
    }
    given = {k: data.get(k) is not None for k in parts}
    given_metric = data.get("metric")
    if isinstance(given_metric, str) and find_metric(given_metric) is not None:
        data = {**data, "metric": stored_name(given_metric)}  # aliases read as stored names
    metric = r.choice(data, "metric", "", KNOWN_METRICS)
    _check_task_fit(r, task, metric, given, draft=draft)
    goal = Goal(
        name=r.text(data, "name", "", required=True) or "",
        problem=r.text(data, "problem", "", required=True) or "",
        decision=r.text(data, "decision", "") or "",
        actor=r.text(data, "actor", "") or "",
        target_description=r.text(data, "target_description", "") or "",
        target_column=r.text(data, "target_column", ""),
        task=task or "binary",
        positive_class=_read_positive_class(r, data),
        cadence=r.choice(data, "cadence", "", _choices(Cadence)),
        volume_per_month=r.bounded(data, "volume_per_month", "", low=0, message=MSG_NOT_NEGATIVE),
        expected_positive_rate=r.bounded(
            data, "expected_positive_rate", "", low=0, high=1, message=MSG_SHARE
        ),
        currency=_read_currency(r, data, needed=any(given.values())),
        kpi=_read_kpi(r, data),
        metric=metric,
        risks=_read_risks(r, data),
        requirements=_read_requirements(r, data),
        milestones=_read_milestones(r, data),
        rule=r.text(data, "rule", ""),
        ml_check=_read_ml_check(r, data),
        horizon_months=r.whole(data, "horizon_months", "", low=1) or 12,
        roi_assumptions=_read_roi_assumptions(r, data),
        **parts,
    )
    if r.problems:
        raise GoalValidationError(r.problems)
    return goal


def _plain(value: Any) -> Any:
    """YAML-safe primitives: dates as ISO text, whole floats as int, dataclasses as dicts."""
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None or item == () or (f.name == "data_protection_notes" and not item):
                continue
            out[f.name] = _plain(item)
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def goal_to_dict(goal: Goal) -> dict[str, Any]:
    """The goal as plain YAML-safe data; ``goal_from_dict(goal_to_dict(g)) == g``."""
    data = _plain(goal)
    if not data.get("requirements"):
        data.pop("requirements", None)
    for key in ("decision", "actor", "target_description"):
        if data.get(key) == "":
            data.pop(key)
    return data


def goal_missing_fields(goal: Goal) -> tuple[str, ...]:
    """Fields the stage stepper still waits for before the goal counts as complete."""
    missing = []
    if not goal.problem.strip():
        missing.append("problem")
    if goal.kpi is None:
        missing.append("kpi")
    if goal.metric is None:
        missing.append("metric")
    if goal.task == "regression" and goal.error_cost is None:
        missing.append("error_cost")
    if goal.task != "regression" and goal.payoff is None:
        missing.append("payoff")
    return tuple(missing)


def is_goal_complete(goal: Goal) -> bool:
    """True when problem, KPI, metric and payoff (or error_cost) are set."""
    return not goal_missing_fields(goal)


_SCHEMA_ROWS = (
    ("name", "text", "yes", "Project name."),
    ("problem", "text", "yes", "The business problem in one or two sentences."),
    ("decision", "text", "no", 'The decision a prediction feeds, e.g. "who gets an offer".'),
    ("actor", "text", "no", 'Who acts on a prediction, e.g. "retention team".'),
    ("target_description", "text", "no", "What is predicted, in plain words."),
    ("target_column", "text", "no", "The label column in the data (can be set later)."),
    ("task", "binary, multiclass or regression", "no (binary)", "Kind of prediction."),
    (
        "positive_class",
        "text or integer",
        "no",
        'The label value that means "yes"; quote it in YAML: `"Yes"`.',
    ),
    ("cadence", "real-time or batch", "no", "How predictions are made."),
    ("volume_per_month", "number ≥ 0", "for ROI", "Predictions made per month."),
    (
        "expected_positive_rate",
        "share 0–1",
        "for ROI",
        "Share of real positives among them (0.25 = 25 %).",
    ),
    (
        "currency",
        "3-letter code or symbol",
        "with money",
        "`EUR`, `USD`, `€` …; needed when payoff, error_cost or costs are set.",
    ),
    (
        "kpi",
        "mapping",
        "to complete",
        "`name`, `unit`, `baseline`, `target`, `direction` (increase/decrease), "
        "`deadline` (ISO date).",
    ),
    (
        "metric",
        "known metric",
        "to complete",
        ", ".join(KNOWN_METRICS)
        + ". Also read: "
        + ", ".join(f"{a} (= {stored_name(a)})" for a in (*METRICS, *ALIASES) if _read_as(a))
        + ".",
    ),
    (
        "payoff",
        "mapping",
        "classification",
        "Money per prediction outcome: `tp`, `fp`, `fn`, `tn` (negative = cost).",
    ),
    (
        "error_cost",
        "mapping",
        "regression",
        "Cost per unit of error: `under`, `over` (≥ 0).",
    ),
    ("costs", "mapping", "no", "`build` (once), `run_per_month`."),
    (
        "risks",
        "list",
        "no",
        "Items with `name`, `category` (" + ", ".join(get_args(RiskCategory)) + "), "
        "`likelihood` 1–5, `impact` 1–5, `owner`, `mitigation`.",
    ),
    (
        "requirements",
        "mapping",
        "no",
        "`max_latency_ms`, `mode` (real-time/batch), `explainability` "
        "(none/global/per-prediction), `max_demographic_parity_difference` (0–1), "
        "`min_metric_to_ship` (in the metric's unit; expected_value: currency per month), "
        "`max_model_size_mb`, `data_protection_notes`.",
    ),
    (
        "milestones",
        "list",
        "no",
        "Items with `name`, `due` (ISO date), `status` (planned/in progress/done/blocked).",
    ),
    (
        "rule",
        "text",
        "no",
        "The current rule, e.g. `tenure_months < 6`: the baseline a model must beat.",
    ),
    (
        "ml_check",
        "mapping",
        "no",
        "`clear_rule_exists`, `labelled_examples`, `pattern_stable`, `cost_of_errors` "
        "(low/medium/high), `must_explain_each_decision`, `data_available_at_decision`, "
        "`many_interacting_signals`.",
    ),
    ("horizon_months", "integer ≥ 1", "no (12)", "Months the ROI is counted over."),
    (
        "roi_assumptions",
        "mapping",
        "no",
        "Before a model exists: `model_precision`, `model_recall` (and `rule_precision`, "
        "`rule_recall` for the current rule), or `model_mae`, `baseline_mae` for regression.",
    ),
)
GOAL_SCHEMA_DOC = (
    "\n".join(
        ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
        + [
            f"| `{name}` | {kind} | {needed} | {meaning} |"
            for name, kind, needed, meaning in _SCHEMA_ROWS
        ]
    )
    + "\n"
)


# --- money formulas ------------------------------------------------------------------------


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
        return value_per_month(
            precision=1.0, recall=0.0, positive_rate=positive_rate, volume=volume, payoff=payoff
        )
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


def _require(goal: Goal, *names: str) -> None:
    for name in names:
        if getattr(goal, name) is None:
            raise BusinessError(MSG_ROI_NEEDS.format(field=name), field=name)


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
    _require(goal, "payoff", "volume_per_month", "expected_positive_rate")
    rate, volume, payoff = goal.expected_positive_rate, goal.volume_per_month, goal.payoff
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
    _require(goal, "error_cost", "volume_per_month")
    cost, volume = goal.error_cost, goal.volume_per_month
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
    rate, volume, payoff = goal.expected_positive_rate, goal.volume_per_month, goal.payoff
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


# --- value-optimal threshold ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ThresholdChoice:
    """The threshold that earns most; predict positive when score >= threshold."""

    threshold: float
    value_per_month: float
    counts: ConfusionCounts


@dataclasses.dataclass(frozen=True, eq=False)
class ValueCurve:
    """Money per month at every distinct threshold, counts scaled from the sample to the volume.

    Thresholds ascend; the last one lies just above the top score and flags nobody.
    """

    thresholds: np.ndarray
    value_per_month: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray
    n_samples: int
    volume_per_month: float

    def best(self) -> ThresholdChoice:
        """Highest value; among equal values the highest threshold (fewest flagged)."""
        top = np.max(self.value_per_month)
        tolerance = 1e-9 * max(1.0, abs(top))
        i = int(np.flatnonzero(self.value_per_month >= top - tolerance)[-1])
        counts = ConfusionCounts(
            float(self.tp[i]), float(self.fp[i]), float(self.fn[i]), float(self.tn[i])
        )
        return ThresholdChoice(float(self.thresholds[i]), float(self.value_per_month[i]), counts)


def _binary_labels(labels: Any, pos_label: Any, n_scores: int) -> np.ndarray:
    raw = np.asarray(labels).ravel()
    if raw.shape[0] != n_scores:
        raise BusinessError(
            MSG_LENGTHS.format(n_scores=n_scores, n_labels=raw.shape[0]), field="labels"
        )
    uniques = pd.unique(raw)
    examples = ", ".join(repr(u) for u in uniques[:5])
    if len(uniques) > 2:
        raise BusinessError(
            MSG_LABELS_BINARY.format(count=len(uniques), examples=examples), field="labels"
        )
    if len(uniques) == 2 and not any(u == pos_label for u in uniques):
        raise BusinessError(
            MSG_POS_LABEL_MISSING.format(pos_label=pos_label, examples=examples),
            field="pos_label",
        )
    return raw == pos_label


def value_curve(
    scores: Any,
    labels: Any,
    payoff: PayoffMatrix,
    *,
    volume_per_month: float,
    pos_label: Any = 1,
) -> ValueCurve:
    """Value per month for every threshold, from one sort of the scores (O(n log n)).

    At threshold t the rule is "positive when score >= t"; cumulative sums over the scores
    sorted high to low give TP and FP at every distinct score. Counts are scaled by
    volume_per_month / n_samples and priced with expected_value.
    """
    volume = _check_volume("volume_per_month", volume_per_month)
    s = np.asarray(scores, dtype=float).ravel()
    if s.size == 0:
        raise BusinessError(MSG_EMPTY_SCORES, field="scores")
    bad = int(np.count_nonzero(~np.isfinite(s)))
    if bad:
        raise BusinessError(MSG_SCORES_FINITE.format(count=bad), field="scores")
    y = _binary_labels(labels, pos_label, s.size)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_group = np.r_[np.flatnonzero(s[1:] != s[:-1]), s.size - 1]
    tp = np.r_[0, np.cumsum(y)[last_of_group]].astype(float)
    fp = np.r_[0, np.cumsum(~y)[last_of_group]].astype(float)
    thresholds = np.r_[np.nextafter(s[0], np.inf), s[last_of_group]]
    positives = float(np.count_nonzero(y))
    negatives = s.size - positives
    scale = volume / s.size
    tp, fp = tp[::-1] * scale, fp[::-1] * scale
    fn, tn = positives * scale - tp, negatives * scale - fp
    value = payoff.tp * tp + payoff.fp * fp + payoff.fn * fn + payoff.tn * tn
    return ValueCurve(thresholds[::-1], value, tp, fp, fn, tn, int(s.size), volume)


def value_optimal_threshold(
    scores: Any,
    labels: Any,
    payoff: PayoffMatrix,
    *,
    volume_per_month: float,
    pos_label: Any = 1,
) -> ThresholdChoice:
    """The threshold that earns most per month on this sample (see ValueCurve.best)."""
    curve = value_curve(
        scores, labels, payoff, volume_per_month=volume_per_month, pos_label=pos_label
    )
    return curve.best()


# --- metric suggestion and the "is ML needed?" check ---------------------------------------


@dataclasses.dataclass(frozen=True)
class MetricSuggestion:
    """A default metric and why, in plain language; ``secondary`` is worth watching too."""

    metric: str
    explanation: str
    secondary: str | None = None


def _suggest_regression(error_cost: ErrorCost | None, large_errors_worse: bool) -> MetricSuggestion:
    if large_errors_worse:
        return MetricSuggestion(
            "rmse",
            "Large errors hurt more than several small ones, so RMSE, which weighs big misses "
            "heavily, ranks the models.",
            secondary="mae",
        )
    text = (
        "Each unit of error costs the same, so MAE, the average error in the target's unit, "
        "ranks the models and converts straight to money."
    )
    if error_cost is not None and min(error_cost.under, error_cost.over) > 0:
        ratio = max(error_cost.under, error_cost.over) / min(error_cost.under, error_cost.over)
        if ratio >= 2:
            worse = "under" if error_cost.under > error_cost.over else "over"
            text += f" {worse.capitalize()}-prediction costs {ratio:.1f}x more: watch the bias."
    return MetricSuggestion("mae", text)


def suggest_metric(
    task: Task,
    payoff_or_error_cost: PayoffMatrix | ErrorCost | None = None,
    *,
    worse_error: Literal["fn", "fp"] | None = None,
    large_errors_worse: bool = False,
) -> MetricSuggestion:
    """The metric that should rank the leaderboard, derived from what errors cost.

    Classification with a priced payoff -> expected_value (money at the best threshold), with
    recall (or precision) as secondary when a missed positive (or a false alarm) costs at least
    DOMINANCE_RATIO times the other. Without a payoff: recall/precision if the user only knows
    which error is worse (``worse_error``), else roc_auc (f1 for multiclass).
    Regression -> RMSE when large errors are disproportionately bad, MAE otherwise.
    """
    if task == "regression":
        cost = payoff_or_error_cost if isinstance(payoff_or_error_cost, ErrorCost) else None
        return _suggest_regression(cost, large_errors_worse)
    payoff = payoff_or_error_cost if isinstance(payoff_or_error_cost, PayoffMatrix) else None
    priced = payoff is not None and any((payoff.tp, payoff.fp, payoff.fn, payoff.tn))
    if priced:
        miss, alarm = abs(payoff.tp - payoff.fn), abs(payoff.tn - payoff.fp)
        text = (
            "Your payoff matrix prices every outcome, so models are ranked by expected value: "
            "the money per month at each model's best threshold, the same unit as the "
            "business case."
        )
        if miss >= DOMINANCE_RATIO * alarm:
            text += (
                f" A missed positive costs {miss:g} against {alarm:g} for a false alarm, so the "
                "best threshold will be low and flag many cases: watch recall."
            )
            return MetricSuggestion("expected_value", text, secondary="recall")
        if alarm >= DOMINANCE_RATIO * miss:
            text += (
                f" A false alarm costs {alarm:g} against {miss:g} for a missed positive, so the "
                "best threshold will be high and flag few cases: watch precision."
            )
            return MetricSuggestion("expected_value", text, secondary="precision")
        return MetricSuggestion("expected_value", text)
    if worse_error == "fn":
        return MetricSuggestion(
            "recall",
            "Missing a real positive is the expensive mistake, so recall (the share of positives "
            "caught) ranks the models. Fill in the payoff matrix to rank by money instead.",
        )
    if worse_error == "fp":
        return MetricSuggestion(
            "precision",
            "A false alarm is the expensive mistake, so precision (the share of flagged cases "
            "that are real) ranks the models. Fill in the payoff matrix to rank by money instead.",
        )
    if task == "multiclass":
        return MetricSuggestion(
            "f1",
            "Without prices for the errors, macro F1 balances precision and recall across "
            "classes. Fill in the payoff matrix to rank by money instead.",
        )
    return MetricSuggestion(
        "roc_auc",
        "Without prices for the errors, ROC AUC ranks models by how well they order positives "
        "above negatives. Fill in the payoff matrix to rank by money instead.",
    )


@dataclasses.dataclass(frozen=True)
class MlVerdict:
    """Rule, ML or unclear, with the plain reasons behind it (headline first)."""

    verdict: VerdictKind
    reasons: tuple[str, ...]


def _labelled_reason(n: int | None) -> tuple[str | None, bool]:
    """(reason, blocks ML) for the number of labelled examples."""
    if n is None:
        return None, False
    if n < MIN_LABELLED_EXAMPLES:
        return (
            f"Only {n:,} labelled examples: too few to train and test a model reliably "
            f"(aim for {GOOD_LABELLED_EXAMPLES:,} or more, with enough positives).",
            True,
        )
    if n < GOOD_LABELLED_EXAMPLES:
        return (
            f"{n:,} labelled examples are enough for a simple model only; expect wide "
            "error bars on every metric.",
            False,
        )
    return f"{n:,} labelled examples are enough to train a model and check it honestly.", False


def _caveats(a: MlNeedAnswers) -> list[str]:
    caveats = []
    if a.pattern_stable is False:
        caveats.append(
            "The pattern changes over time: any model (or rule) goes stale; plan monitoring "
            "and retraining."
        )
    if a.must_explain_each_decision:
        caveats.append(
            "Each decision must be explained: prefer a rule or an interpretable model with "
            "per-prediction explanations."
        )
    if a.cost_of_errors == "high":
        caveats.append(
            "Errors are expensive: keep a person in the loop for costly cases and set the "
            "threshold from the payoff matrix."
        )
    return caveats


def ml_needed_verdict(answers: MlNeedAnswers) -> MlVerdict:
    """An honest first answer to "do we need ML here?" from a short checklist.

    Blockers (inputs unknown at decision time, fewer than MIN_LABELLED_EXAMPLES labels) rule
    ML out for now. A clear written rule wins: it is cheaper, explainable, and it is the
    baseline a model must beat. No clear rule plus enough labels points to ML. Otherwise the
    answer is unclear and the reasons say which question to settle.
    """
    a = answers
    reasons: list[str] = []
    blocked = False
    if a.data_available_at_decision is False:
        blocked = True
        reasons.append(
            "The inputs are not known when the decision is made: no model can use them. Find "
            "inputs that exist at decision time first."
        )
    labelled_text, few_labels = _labelled_reason(a.labelled_examples)
    blocked = blocked or few_labels
    if a.clear_rule_exists:
        verdict: VerdictKind = "rule"
        reasons.insert(
            0,
            "A written rule already makes this decision well: start with it. It is cheap and "
            "explainable, and it is the baseline any model must beat.",
        )
    elif blocked:
        verdict = "unclear"
    elif a.clear_rule_exists is False and (a.labelled_examples or 0) >= MIN_LABELLED_EXAMPLES:
        verdict = "ml"
        reasons.insert(
            0, "No simple rule decides well and there are labelled examples to learn from."
        )
    elif (
        a.clear_rule_exists is None
        and a.many_interacting_signals
        and (a.labelled_examples or 0) >= GOOD_LABELLED_EXAMPLES
    ):
        verdict = "ml"
        reasons.insert(0, "Many signals interact and there are plenty of labelled examples.")
    else:
        verdict = "unclear"
        if a.clear_rule_exists is None:
            reasons.append("Try writing the rule down first: if it works, you may not need ML.")
        if a.labelled_examples is None:
            reasons.append("Count the labelled examples: a model needs past cases with outcomes.")
    if labelled_text:
        reasons.append(labelled_text)
    if a.many_interacting_signals and verdict == "ml":
        reasons.append("Many signals interact, which is where models beat hand-written rules.")
    if a.many_interacting_signals is False and verdict != "rule":
        reasons.append("Few signals matter: a rule or a simple scorecard is often enough.")
    reasons.extend(_caveats(a))
    return MlVerdict(verdict, tuple(reasons))


# --- risk matrix ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RiskMatrix:
    """A 5x5 likelihood x impact grid: ``counts[l-1][i-1]`` and ``names[l-1][i-1]``."""

    counts: tuple[tuple[int, ...], ...]
    names: tuple[tuple[tuple[str, ...], ...], ...]

    def cell(self, likelihood: int, impact: int) -> tuple[str, ...]:
        """Names of the risks at this likelihood and impact (1..5 each)."""
        return self.names[likelihood - 1][impact - 1]


def risk_matrix(risks: Iterable[RiskItem]) -> RiskMatrix:
    """Place risks on the 5x5 grid (rows: likelihood 1..5, columns: impact 1..5)."""
    names: list[list[list[str]]] = [[[] for _ in range(5)] for _ in range(5)]
    for risk in risks:
        for what, value in (("likelihood", risk.likelihood), ("impact", risk.impact)):
            if not (isinstance(value, numbers.Integral) and 1 <= value <= 5):
                raise BusinessError(
                    MSG_RISK_SCALE.format(name=risk.name, what=what, value=value), field=what
                )
        names[risk.likelihood - 1][risk.impact - 1].append(risk.name)
    return RiskMatrix(
        counts=tuple(tuple(len(cell) for cell in row) for row in names),
        names=tuple(tuple(tuple(cell) for cell in row) for row in names),
    )


# --- the one-page business case ------------------------------------------------------------

_MD_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "[": "\\[",
        "]": "\\]",
        "`": "\\`",
        "!": "\\!",
        "(": "\\(",
        ")": "\\)",
        "*": "\\*",
        "_": "\\_",
        "#": "\\#",
        "~": "\\~",
    }
)


WORD_JOINER = "\u2060"  # zero width, no break
_BARE_ADDRESS = re.compile(r"(?i)\b((?:https?|ftp|file|mailto)(?=:)|www(?=\.))([:.])")


def escape_markdown(text: Any, *, inline: bool = True) -> str:
    """User text safe for Markdown: no HTML (< > &), no table breaks (|), no links or images
    (``[ ] ( ) !``), no emphasis or code (``* _ ~`` and backticks), no headings (``#``).

    The one escaper for user text (names, risks, column names, values, notes) shown through
    anything Streamlit renders as Markdown; text shown with ``st.text``/``st.code``/dataframes
    is not escaped.

    ``inline`` also folds line breaks into spaces, for table cells and one-line fields.
    """
    escaped = str(text).translate(_MD_ESCAPES)
    # Streamlit's Markdown links bare addresses (http://…, www.…) even when escaped; an
    # invisible word joiner after the scheme reads the same but is no longer an address
    escaped = _BARE_ADDRESS.sub(lambda m: m.group(1) + WORD_JOINER + m.group(2), escaped)
    return " ".join(escaped.split()) if inline else escaped


def code_span(text: Any) -> str:
    """User text (a column name, a rule) as a Markdown code span, which renders no links or
    emphasis; escaped text instead when a backtick or line break would end the span early."""
    text = str(text)
    if text and not set(text) & {"`", "\n", "\r"}:
        return f"`{text}`"
    return escape_markdown(text)


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


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _md_overview(goal: Goal) -> list[str]:
    e = escape_markdown
    out = [f"# Business case: {e(goal.name)}", "", "## Problem", "", e(goal.problem, inline=False)]
    facts = [
        ("Decision", e(goal.decision) if goal.decision else None),
        ("Who acts on a prediction", e(goal.actor) if goal.actor else None),
        ("Target", e(goal.target_description) if goal.target_description else None),
        ("Target column", e(goal.target_column) if goal.target_column else None),
        ("Positive class", e(goal.positive_class) if goal.positive_class is not None else None),
        ("Task", goal.task),
        ("Cadence", goal.cadence),
        (
            "Volume",
            f"{goal.volume_per_month:,.0f} predictions per month"
            if goal.volume_per_month is not None
            else None,
        ),
        (
            "Expected positive rate",
            f"{goal.expected_positive_rate:.1%}"
            if goal.expected_positive_rate is not None
            else None,
        ),
    ]
    out += ["", "## Decision", ""]
    out += [f"- **{label}:** {value}" for label, value in facts if value]
    return out


def _md_kpi_metric(goal: Goal) -> list[str]:
    e = escape_markdown
    out = ["", "## KPI", ""]
    if goal.kpi is None:
        out.append("_No KPI set yet._")
    else:
        k = goal.kpi
        deadline = k.deadline.isoformat() if k.deadline else "–"
        out.append(
            _table(
                ["KPI", "Baseline", "Target", "Direction", "Deadline"],
                [
                    [
                        e(k.name),
                        f"{k.baseline:g} {e(k.unit)}".strip(),
                        f"{k.target:g} {e(k.unit)}".strip(),
                        k.direction,
                        deadline,
                    ]
                ],
            )
        )
    out += ["", "## Metric", ""]
    if goal.metric is None:
        out.append("_No metric chosen yet._")
    else:
        out.append(f"**{goal.metric}**: {METRIC_EXPLANATIONS[goal.metric]}")
        money = goal.payoff if goal.task != "regression" else goal.error_cost
        suggestion = suggest_metric(goal.task, money)
        if suggestion.metric == goal.metric:
            out += ["", f"Why: {suggestion.explanation}"]
        else:
            out += ["", f"Suggested instead: **{suggestion.metric}**. {suggestion.explanation}"]
    return out


def _md_money(goal: Goal, roi: RoiEstimate | None) -> list[str]:
    cur = goal.currency
    out: list[str] = []
    if goal.payoff is not None:
        p = goal.payoff
        out += ["", "## Payoff matrix (value per prediction)", ""]
        out.append(
            _table(
                ["", "Actually positive", "Actually negative"],
                [
                    [
                        "**Predicted positive**",
                        f"TP {format_money(p.tp, cur)}",
                        f"FP {format_money(p.fp, cur)}",
                    ],
                    [
                        "**Predicted negative**",
                        f"FN {format_money(p.fn, cur)}",
                        f"TN {format_money(p.tn, cur)}",
                    ],
                ],
            )
        )
    if goal.error_cost is not None:
        c = goal.error_cost
        out += ["", "## Cost of errors (per unit of error)", ""]
        out.append(
            f"- Under-prediction: {format_money(c.under, cur)}\n"
            f"- Over-prediction: {format_money(c.over, cur)}"
        )
    out += ["", "## ROI", ""]
    if roi is None:
        out.append("_No ROI estimate yet: it needs the payoff, volume and positive rate._")
        return out
    rows = [
        ["Model value per month", format_money(roi.model_value_per_month, cur)],
        ["Baseline value per month", format_money(roi.baseline_value_per_month, cur)],
        ["Gain per month", format_money(roi.gain_per_month, cur)],
        ["Run cost per month", format_money(roi.run_cost_per_month, cur)],
        ["Net gain per month", format_money(roi.net_gain_per_month, cur)],
        ["Build cost", format_money(roi.build_cost, cur)],
        [
            f"ROI over {roi.horizon_months} months",
            "–" if roi.roi is None else f"{roi.roi * 100:,.0f} %",
        ],
        [
            "Payback",
            "never at these rates" if roi.payback_months is None else _months(roi.payback_months),
        ],
    ]
    if roi.break_even_precision is not None:
        rows.append(["Break-even precision", f"{roi.break_even_precision:.2f}"])
    if roi.break_even_mae is not None:
        rows.append(["Break-even MAE", f"{roi.break_even_mae:g}"])
    out.append(_table(["", "Estimate"], rows))
    if roi.basis:
        out += ["", f"_Based on {escape_markdown(roi.basis)}._"]
    return out


def _months(months: float) -> str:
    if months < 1:
        return f"{months:.1f} months (about {months * 30.4:.0f} days)"
    return f"{months:.1f} months"


def _md_risks_requirements(goal: Goal) -> list[str]:
    e = escape_markdown
    out = ["", "## Risks", ""]
    if not goal.risks:
        out.append("_No risks recorded yet._")
    else:
        ordered = sorted(goal.risks, key=lambda r: (-r.score, r.name))
        rows = [
            [
                e(r.name),
                r.category,
                str(r.likelihood),
                str(r.impact),
                str(r.score),
                r.level,
                e(r.owner),
                e(r.mitigation),
            ]
            for r in ordered
        ]
        header = ["Risk", "Category", "Likelihood", "Impact", "Score", "Level", "Owner"]
        out.append(_table([*header, "Mitigation"], rows))
    req = goal.requirements
    labels = [
        ("Max latency", None if req.max_latency_ms is None else f"{req.max_latency_ms:g} ms"),
        ("Mode", req.mode),
        ("Explainability", req.explainability),
        (
            "Max demographic parity difference",
            None
            if req.max_demographic_parity_difference is None
            else f"{req.max_demographic_parity_difference:g}",
        ),
        (
            f"Minimum {goal.metric or 'metric'} to ship",
            None if req.min_metric_to_ship is None else f"{req.min_metric_to_ship:,g}",
        ),
        (
            "Max model size",
            None if req.max_model_size_mb is None else f"{req.max_model_size_mb:g} MB",
        ),
        ("Data protection", e(req.data_protection_notes) if req.data_protection_notes else None),
    ]
    out += ["", "## Requirements", ""]
    given = [f"- **{label}:** {value}" for label, value in labels if value]
    out += given or ["_No requirements recorded yet._"]
    return out


def _md_plan(goal: Goal) -> list[str]:
    e = escape_markdown
    out = ["", "## Milestones", ""]
    if goal.milestones:
        rows = [[e(m.name), m.due.isoformat() if m.due else "–", m.status] for m in goal.milestones]
        out.append(_table(["Milestone", "Due", "Status"], rows))
    else:
        out.append("_No milestones yet._")
    out += ["", "## Is ML needed?", ""]
    if goal.rule:
        out.append(f"Current rule: {e(goal.rule)}")
        out.append("")
    if goal.ml_check is None:
        out.append("_The checklist has not been answered yet._")
    else:
        verdict = ml_needed_verdict(goal.ml_check)
        out.append(f"**Verdict: {verdict.verdict}**")
        out += [""] + [f"- {reason}" for reason in verdict.reasons]
    return out


def business_case_markdown(goal: Goal, roi: RoiEstimate | None = None) -> str:
    """A one-page business case in Markdown; all user text is escaped (no HTML, no links)."""
    parts = (
        _md_overview(goal)
        + _md_kpi_metric(goal)
        + _md_money(goal, roi)
        + _md_risks_requirements(goal)
        + _md_plan(goal)
    )
    return "\n".join(parts) + "\n"
