"""The goal document: what a project decides, what it is worth, what may go wrong.

Every part is a frozen pydantic model (``core.documents.Document``): attribute access as a plain
value, ``model_copy(update=...)`` for a changed copy. ``goal_from_dict`` reads a goal from
YAML/JSON/form data once, at the boundary, and reports every problem at once with its field
path; ``goal_to_dict`` writes it back in the stored format.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field
from pydantic_core import PydanticCustomError

from core.documents import (
    MSG_MAPPING,
    Document,
    DocumentError,
    FieldProblem,
    field_error,
    read,
)
from core.exceptions import CoreError
from core.goal.fields import (
    MSG_NOT_NEGATIVE,
    MSG_POSITIVE,
    MSG_SHARE,
    blank,
    choices,
    lenient,
    none_as,
    read_choice,
    read_day,
    read_flag,
    read_number,
    read_positive_class,
    read_text,
    read_whole,
)
from core.metrics import LEADERBOARD_METRICS, Task, find_metric, get_metric, stored_name

Direction = Literal["increase", "decrease"]
Cadence = Literal["real-time", "batch"]
RiskCategory = Literal[
    "data_quality", "bias", "privacy", "drift", "misuse", "cost_of_errors", "other"
]
RiskLevel = Literal["low", "medium", "high", "critical"]
Explainability = Literal["none", "global", "per-prediction"]
MilestoneStatus = Literal["planned", "in progress", "done", "blocked"]
ErrorCostLevel = Literal["low", "medium", "high"]


def goal_metrics(task: str) -> tuple[str, ...]:
    """The metrics a goal of ``task`` can name: those the leaderboard ranks ``task`` by, from
    the registry (core.metrics), under their stored names. Value per month fits every task
    (train ranks a multiclass goal by F1 instead and says so)."""
    return tuple(
        name
        for name in LEADERBOARD_METRICS
        if task in get_metric(name).tasks or name == "expected_value"
    )


CLASSIFICATION_METRICS = goal_metrics("binary")
REGRESSION_METRICS = goal_metrics("regression")
KNOWN_METRICS = LEADERBOARD_METRICS

RISK_LEVEL_LIMITS: tuple[tuple[int, RiskLevel], ...] = (
    (4, "low"),
    (9, "medium"),
    (16, "high"),
    (25, "critical"),
)

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
MSG_BASELINE_PAIR = "give both baseline_precision and baseline_recall, or neither (do nothing)"


class GoalError(CoreError):
    """One goal field is wrong; ``field`` is its path, e.g. ``payoff.fp``."""


class GoalValidationError(DocumentError, GoalError):
    """Every problem found in a goal at once, so the user can fix them in one pass."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems, document="goal")


# --- field types: what a user may write, read leniently (core.goal.fields) ----------------

Name = Annotated[str, lenient(read_text(required=True))]
Note = Annotated[str, lenient(read_text(empty=""))]
OptionalText = Annotated[str | None, lenient(read_text())]
Amount = Annotated[float, lenient(read_number(required=True))]
Cost = Annotated[float, lenient(read_number(required=True, low=0, message=MSG_NOT_NEGATIVE))]
Spend = Annotated[float, lenient(read_number(empty=0.0, low=0, message=MSG_NOT_NEGATIVE))]
Count = Annotated[float | None, lenient(read_number(low=0, message=MSG_NOT_NEGATIVE))]
Share = Annotated[float | None, lenient(read_number(low=0, high=1, message=MSG_SHARE))]
Size = Annotated[float | None, lenient(read_number(low=0, open_low=True, message=MSG_POSITIVE))]
Scale = Annotated[int, lenient(read_whole(low=1, high=5, required=True))]
Day = Annotated[date | None, lenient(read_day)]
Flag = Annotated[bool | None, lenient(read_flag)]


def _read_metric(value: Any) -> Any:
    """A known metric; an alias (``auc`` is not one, ``ROC AUC`` is) reads as its stored name."""
    if isinstance(value, str) and find_metric(value) is not None:
        value = stored_name(value)
    return read_choice(KNOWN_METRICS)(value)


def _read_currency(value: Any) -> str | None:
    """A 3-letter code (upper-cased) or a currency symbol of up to 3 characters."""
    currency = read_text()(value)
    if currency is None:
        return None
    is_code = len(currency) == 3 and currency.isalpha()
    is_symbol = 0 < len(currency) <= 3 and not any(c.isalnum() for c in currency)
    if not (is_code or is_symbol):
        raise field_error(MSG_CURRENCY_FORMAT, value=currency)
    return currency.upper() if is_code else currency


_read_task = read_choice(choices(Task), empty="binary")


# --- the goal's parts ----------------------------------------------------------------------


class KPI(Document):
    """The business number the project must move, e.g. monthly churn rate 2.1 % -> 1.7 %."""

    name: Name
    unit: Note = ""
    baseline: Amount
    target: Amount
    direction: Annotated[Direction, lenient(read_choice(choices(Direction), required=True))]
    deadline: Day = None

    @pydantic.model_validator(mode="after")
    def _target_moves_the_right_way(self) -> KPI:
        decrease = self.direction == "decrease"
        if self.target >= self.baseline if decrease else self.target <= self.baseline:
            raise field_error(
                MSG_KPI_DIRECTION,
                at=("target",),
                target=self.target,
                relation="below" if decrease else "above",
                baseline=self.baseline,
                direction=self.direction,
            )
        return self


class PayoffMatrix(Document):
    """Money value of one prediction per outcome (negative = cost), relative to any baseline."""

    tp: Amount
    fp: Amount
    fn: Amount
    tn: Amount


class ErrorCost(Document):
    """Cost per unit of regression error: ``under`` when prediction < truth, ``over`` otherwise."""

    under: Cost
    over: Cost


class Costs(Document):
    """What the model costs: once to build, then every month to run and maintain."""

    build: Spend = 0.0
    run_per_month: Spend = 0.0


class RiskItem(Document):
    """One risk on the register; likelihood and impact are 1 (rare/minor) to 5."""

    name: Name
    category: Annotated[RiskCategory, lenient(read_choice(choices(RiskCategory), required=True))]
    likelihood: Scale
    impact: Scale
    owner: Note = ""
    mitigation: Note = ""

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


class Requirements(Document):
    """Constraints a model must meet to ship; None means no constraint."""

    max_latency_ms: Size = None
    mode: Annotated[Cadence | None, lenient(read_choice(choices(Cadence)))] = None
    explainability: Annotated[
        Explainability | None, lenient(read_choice(choices(Explainability)))
    ] = None
    max_demographic_parity_difference: Share = None
    min_metric_to_ship: Annotated[float | None, lenient(read_number())] = None
    max_model_size_mb: Size = None
    data_protection_notes: Note = ""


class Milestone(Document):
    """A dated step of the project plan."""

    name: Name
    due: Day = None
    status: Annotated[
        MilestoneStatus, lenient(read_choice(choices(MilestoneStatus), empty="planned"))
    ] = "planned"


class MlNeedAnswers(Document):
    """Answers to the "is ML needed?" checklist; None means not answered yet."""

    clear_rule_exists: Flag = None
    labelled_examples: Annotated[int | None, lenient(read_whole(low=0))] = None
    pattern_stable: Flag = None
    cost_of_errors: Annotated[
        ErrorCostLevel | None, lenient(read_choice(choices(ErrorCostLevel)))
    ] = None
    must_explain_each_decision: Flag = None
    data_available_at_decision: Flag = None
    many_interacting_signals: Flag = None


class RoiAssumptions(Document):
    """What the ROI estimate assumes before any model exists (later replaced by measured numbers).

    Classification: the model's precision/recall, and the current rule's if there is one
    (no rule = "do nothing"). Regression: the model's MAE and the current way's MAE.
    """

    model_config = pydantic.ConfigDict(protected_namespaces=())  # model_* are its fields

    model_precision: Share = None
    model_recall: Share = None
    rule_precision: Share = None
    rule_recall: Share = None
    model_mae: Count = None
    baseline_mae: Count = None

    @pydantic.model_validator(mode="after")
    def _rule_given_in_full(self) -> RoiAssumptions:
        if (self.rule_precision is None) != (self.rule_recall is None):
            raise field_error(MSG_BASELINE_PAIR, at=("rule_recall",))
        return self


class Goal(Document):
    """The business goal of one project: what is decided, what it is worth, what may go wrong."""

    name: Name
    problem: Name
    decision: Note = ""
    actor: Note = ""
    target_description: Note = ""
    target_column: OptionalText = None
    task: Annotated[Task, lenient(_read_task)] = "binary"
    positive_class: Annotated[str | int | None, lenient(read_positive_class)] = None
    cadence: Annotated[Cadence | None, lenient(read_choice(choices(Cadence)))] = None
    volume_per_month: Count = None
    expected_positive_rate: Share = None
    currency: Annotated[str | None, lenient(_read_currency)] = None
    kpi: KPI | None = None
    metric: Annotated[str | None, lenient(_read_metric)] = None
    payoff: PayoffMatrix | None = None
    error_cost: ErrorCost | None = None
    costs: Costs | None = None
    risks: Annotated[tuple[RiskItem, ...], lenient(none_as(()))] = ()
    requirements: Annotated[Requirements, lenient(none_as({}))] = Field(
        default_factory=Requirements
    )
    milestones: Annotated[tuple[Milestone, ...], lenient(none_as(()))] = ()
    rule: OptionalText = None
    ml_check: MlNeedAnswers | None = None
    horizon_months: Annotated[int, lenient(read_whole(low=1, empty=12))] = 12
    roi_assumptions: RoiAssumptions | None = None


# --- reading and writing the document --------------------------------------------------------

_ORDER = {name: i for i, name in enumerate(Goal.model_fields)}


def _quietly(reader: Any, value: Any) -> Any:
    """The value ``reader`` reads, or None where it has a problem (reported by the model)."""
    try:
        return reader(value)
    except PydanticCustomError:
        return None


def _document_rules(data: Mapping[str, Any], *, draft: bool) -> list[FieldProblem]:
    """Rules across fields: payoff belongs to classification, error_cost to regression, the
    metric must fit the task, money needs a currency; checked on the raw data, so they are
    reported together with every field's own problems."""
    problems: list[FieldProblem] = []
    given = {key: data.get(key) is not None for key in ("payoff", "error_cost", "costs")}
    if any(given.values()) and blank(data.get("currency")):
        problems.append(FieldProblem("currency", MSG_CURRENCY_NEEDED))
    task = _quietly(_read_task, data.get("task"))
    if task is None:
        return problems
    if task == "regression":
        if given["payoff"]:
            problems.append(FieldProblem("payoff", MSG_PAYOFF_FOR_REGRESSION))
        if not given["error_cost"] and not draft:
            problems.append(FieldProblem("error_cost", MSG_ERROR_COST_NEEDED))
    else:
        if given["error_cost"]:
            message = MSG_ERROR_COST_FOR_CLASSIFICATION.format(task=task)
            problems.append(FieldProblem("error_cost", message))
        if not given["payoff"] and not draft:
            problems.append(FieldProblem("payoff", MSG_PAYOFF_NEEDED.format(task=task)))
    metric, fitting = _quietly(_read_metric, data.get("metric")), goal_metrics(task)
    if metric is not None and metric not in fitting:
        message = MSG_METRIC_TASK.format(value=metric, task=task, choices=", ".join(fitting))
        problems.append(FieldProblem("metric", message))
    return problems


def _top_level(problem: FieldProblem) -> int:
    return _ORDER.get(problem.field.split(".")[0].split("[")[0], -1)


def goal_from_dict(data: Mapping[str, Any], *, draft: bool = False) -> Goal:
    """Build a Goal from YAML/JSON/form data, reporting every problem with its field path.

    ``draft=True`` accepts a goal still missing its payoff/error_cost, so unfinished work can
    be saved; type and range errors are reported either way.
    Raises GoalValidationError whose ``.problems`` lists FieldProblem(field, message).
    """
    if not isinstance(data, Mapping):
        raise GoalValidationError([FieldProblem("", MSG_MAPPING.format(field="goal", value=data))])
    problems = _document_rules(data, draft=draft)
    try:
        goal = read(Goal, data, document="goal")
    except DocumentError as error:
        problems = error.problems + problems
    if problems:
        raise GoalValidationError(sorted(problems, key=_top_level))
    return goal


def _plain(value: Any) -> Any:
    """YAML-safe primitives: dates as ISO text, whole floats as int, nothing left unset."""
    if isinstance(value, dict):
        return {
            key: _plain(item)
            for key, item in value.items()
            if item not in (None, (), []) and not (key == "data_protection_notes" and not item)
        }
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def goal_to_dict(goal: Goal) -> dict[str, Any]:
    """The goal as plain YAML-safe data; ``goal_from_dict(goal_to_dict(g)) == g``."""
    data: dict[str, Any] = _plain(goal.model_dump())
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
