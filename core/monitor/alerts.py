"""Alert rules against the goal: drift, a live metric, the realised value, latency, errors.

Every rule is either evaluated (its alerts, if it fired) or listed as unchecked with why;
a rule is never silently skipped. Metric names, labels and directions come from
``core.metrics``; money is worded by ``core.goal.format_money``.

    check = check_alerts(default_rules(goal), drift=report, performance=table, health=health)
    check.alerts, check.unchecked
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from core.goal import Goal, assumed_roi, format_money
from core.metrics import canonical_name, find_metric, higher_is_better, metric_label
from core.monitor.common import MonitorError, _num, _p_text, _pct, _period_text
from core.monitor.drift import DriftReport
from core.monitor.health import LATENCY_QUANTILES, ServiceHealth
from core.monitor.performance import MEASURED_METRICS, PERFORMANCE_METRICS

AlertKind = Literal["drift", "metric", "kpi", "latency", "error_rate"]
AlertSeverity = Literal["warning", "critical"]
ALERT_KINDS: tuple[str, ...] = get_args(AlertKind)
DEFAULT_PSI_ALERT = 0.2
DEFAULT_ERROR_RATE = 0.05

MSG_RULE_KIND = "alert rule kind must be one of {choices}, got {value!r}"
MSG_RULE_THRESHOLD = "alert rule threshold must be a finite number, got {value!r}"
MSG_RULE_METRIC = "a metric alert rule needs metric: one of {choices}"
MSG_RULE_LATENCY = "a latency alert rule's metric must be one of {choices}, got {value!r}"
MSG_KPI = "kpi must be the realised value per month as a finite number, got {value!r}"
MSG_RULE_SEVERITY = "alert rule severity must be warning or critical, got {value!r}"

ALERT_DRIFT = "Drift in {column}{not_input}: PSI {psi:.2f} is above {threshold:g} ({evidence})."
ALERT_METRIC = (
    "{label} is {value} in the period starting {period}, {relation} the {bound} of {threshold}."
)
ALERT_KPI = "Value per month is {value}{period}, below the {threshold} the business case promises."
ALERT_LATENCY = "Latency {metric} is {value:,.0f} ms, above the limit of {threshold:,.0f} ms."
ALERT_ERROR_RATE = (
    "Error rate is {value} ({errors:,} of {requests:,} requests failed), above {threshold}."
)

WHY_NO_DRIFT = "drift was not measured on the latest batch"
WHY_DRIFT_COLUMN = "{column!r} is not among the monitored columns ({columns})"
WHY_DRIFT_ROWS = "drift needs at least {minimum:,} rows on each side; the {side} has {rows:,}"
WHY_DRIFT_MISSING = "{column!r} is missing from the reference or the latest batch"
WHY_NO_OUTCOMES = "no outcomes joined yet: the live {label} needs the true labels"
WHY_METRIC_UNKNOWN = "{metric!r} is not measured for this model; measured: {measured}"
WHY_METRIC_UNBOUNDED = (
    "{metric!r} has no better direction (closer to 0 is better), so no rule can bound it; "
    "measured: {measured}"
)
WHY_METRIC_EMPTY = "no period has a {label} yet (too few labelled rows, or a single class)"
WHY_NO_VALUE_OUTCOMES = "no outcomes joined yet: the realised value per month needs the true labels"
WHY_NO_VALUE = (
    "the realised value per month is not known: the goal needs a payoff matrix (or error "
    "cost) and a volume per month"
)
WHY_NO_HEALTH = (
    "no service log imported: latency and failed requests come from the bundle service's "
    "prediction log (a batch-scored file has neither)"
)
WHY_NO_LATENCY = "no answered request carries a latency"


@dataclasses.dataclass(frozen=True)
class AlertRule:
    """When to raise an alert.

    drift: a column's PSI above ``threshold`` with its test agreeing (``column`` None = any);
    metric: the latest period's ``metric`` worse than ``threshold`` (below it, or above for
    error metrics such as mae); kpi: the latest realised value per month below ``threshold``;
    latency: the ``metric`` ("p50", "p95", "p99"; default p95) above ``threshold`` ms;
    error_rate: the share of failed requests above ``threshold``.
    """

    kind: AlertKind
    threshold: float
    column: str | None = None
    metric: str | None = None
    severity: AlertSeverity = "warning"


@dataclasses.dataclass(frozen=True)
class Alert:
    """One fired rule, said plainly with the numbers behind it."""

    kind: AlertKind
    severity: AlertSeverity
    message: str
    value: float
    threshold: float
    column: str | None = None
    period: pd.Timestamp | None = None


_LATENCY_METRICS = tuple(f"p{q}" for q in LATENCY_QUANTILES)


def _check_rule(rule: Any) -> AlertRule:
    if not isinstance(rule, AlertRule) or rule.kind not in ALERT_KINDS:
        kind = getattr(rule, "kind", rule)
        raise MonitorError(
            MSG_RULE_KIND.format(choices=", ".join(ALERT_KINDS), value=kind), field="rules"
        )
    threshold = rule.threshold
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or not math.isfinite(threshold)
    ):
        raise MonitorError(MSG_RULE_THRESHOLD.format(value=threshold), field="rules")
    if rule.severity not in ("warning", "critical"):
        raise MonitorError(MSG_RULE_SEVERITY.format(value=rule.severity), field="rules")
    if rule.kind == "metric" and not rule.metric:
        raise MonitorError(
            MSG_RULE_METRIC.format(choices=", ".join(PERFORMANCE_METRICS)), field="rules"
        )
    if rule.kind == "latency" and (rule.metric or "p95") not in _LATENCY_METRICS:
        raise MonitorError(
            MSG_RULE_LATENCY.format(choices=", ".join(_LATENCY_METRICS), value=rule.metric),
            field="rules",
        )
    return rule


def _drift_alerts(rule: AlertRule, report: DriftReport) -> list[Alert]:
    alerts = []
    for item in report.columns:
        if rule.column is not None and item.column != rule.column:
            continue
        if item.status in ("too few rows", "missing column") or not item.psi > rule.threshold:
            continue
        if math.isfinite(item.p_value) and item.p_value >= report.p_value:
            continue  # a large PSI the test cannot tell from chance
        test = {"ks": "KS test", "chi2": "chi-square test"}.get(item.test or "", "")
        evidence = f"{test} {_p_text(item.p_value)}" if test else "no test possible"
        message = ALERT_DRIFT.format(
            column=item.column, not_input=" (not a model input)" if item.role == "other" else "",
            psi=item.psi, threshold=rule.threshold, evidence=evidence,
        )  # fmt: skip
        alerts.append(
            Alert("drift", rule.severity, message, item.psi, rule.threshold, column=item.column)
        )
    return alerts


def _latest(table: pd.DataFrame, column: str) -> tuple[float, pd.Timestamp] | None:
    if column not in table.columns or "period" not in table.columns:
        return None
    values = pd.to_numeric(table[column], errors="coerce")
    known = table[values.notna().to_numpy() & np.isfinite(values.to_numpy(dtype=float))]
    if known.empty:
        return None
    last = known.sort_values("period").iloc[-1]
    return float(last[column]), last["period"]


def _format_metric(metric: str, value: float) -> str:
    known = find_metric(metric)
    if known is not None and known.bounds == (0.0, 1.0):
        return f"{value:.3f}"
    return _num(value)


def _metric_alert(rule: AlertRule, performance: pd.DataFrame) -> list[Alert]:
    metric = canonical_name(str(rule.metric))  # expected_value is the value_per_month column
    latest = _latest(performance, metric)
    if latest is None:
        return []
    value, period = latest
    higher_better = higher_is_better(metric)
    worse = value < rule.threshold if higher_better else value > rule.threshold
    if not worse:
        return []
    message = ALERT_METRIC.format(
        label=metric_label(metric),
        value=_format_metric(metric, value),
        period=_period_text(period),
        relation="below" if higher_better else "above",
        bound="minimum" if higher_better else "maximum",
        threshold=_format_metric(metric, rule.threshold),
    )
    return [Alert("metric", rule.severity, message, value, rule.threshold, period=period)]


def _kpi_alert(
    rule: AlertRule, performance: pd.DataFrame | None, kpi: float | None, currency: str | None
) -> list[Alert]:
    period = None
    if kpi is not None:
        if isinstance(kpi, bool) or not isinstance(kpi, numbers.Real) or not math.isfinite(kpi):
            raise MonitorError(MSG_KPI.format(value=kpi), field="kpi")
        value = float(kpi)
    else:
        latest = None if performance is None else _latest(performance, "value_per_month")
        if latest is None:
            return []
        value, period = latest
    if not value < rule.threshold:
        return []
    where = "" if period is None else f" in the period starting {_period_text(period)}"
    message = ALERT_KPI.format(
        value=format_money(value, currency),
        period=where,
        threshold=format_money(rule.threshold, currency),
    )
    return [Alert("kpi", rule.severity, message, value, rule.threshold, period=period)]


def _health_alert(rule: AlertRule, health: ServiceHealth) -> list[Alert]:
    if rule.kind == "latency":
        metric = rule.metric or "p95"
        value = health.latency_at(metric)
        if not value > rule.threshold:
            return []
        message = ALERT_LATENCY.format(metric=metric, value=value, threshold=rule.threshold)
        return [Alert("latency", rule.severity, message, value, rule.threshold)]
    value = health.error_rate
    if not value > rule.threshold:
        return []
    message = ALERT_ERROR_RATE.format(
        value=_pct(value),
        errors=health.errors,
        requests=health.requests,
        threshold=_pct(rule.threshold),
    )
    return [Alert("error_rate", rule.severity, message, value, rule.threshold)]


@dataclasses.dataclass(frozen=True)
class UncheckedRule:
    """A rule that could not be evaluated on what is known, and why (shown, never swallowed)."""

    rule: AlertRule
    why: str

    def describe(self) -> str:
        return describe_rule(self.rule)


@dataclasses.dataclass(frozen=True)
class AlertCheck:
    """Every rule either evaluated (its alerts, if it fired) or listed in ``unchecked``."""

    alerts: tuple[Alert, ...]
    unchecked: tuple[UncheckedRule, ...]


def describe_rule(rule: AlertRule) -> str:
    """The rule in words, e.g. "ROC AUC below 0.800" or "PSI above 0.2 on any column"."""
    if rule.kind == "drift":
        where = "any column" if rule.column is None else repr(rule.column)
        return f"PSI above {rule.threshold:g} on {where}"
    if rule.kind == "metric":
        metric = canonical_name(str(rule.metric))
        relation = "below" if higher_is_better(metric) else "above"
        label = metric_label(metric)
        return f"live {label} {relation} {_format_metric(metric, rule.threshold)}"
    if rule.kind == "kpi":
        return f"realised value per month below {format_money(rule.threshold, None)}"
    if rule.kind == "latency":
        return f"latency {rule.metric or 'p95'} above {rule.threshold:,.0f} ms"
    return f"failed requests above {_pct(rule.threshold)}"


def _drift_unchecked(rule: AlertRule, report: DriftReport | None) -> str | None:
    if report is None:
        return WHY_NO_DRIFT
    names = [c.column for c in report.columns]
    if rule.column is not None and rule.column not in names:
        return WHY_DRIFT_COLUMN.format(column=rule.column, columns=", ".join(names) or "none")
    items = [c for c in report.columns if rule.column is None or c.column == rule.column]
    if items and all(c.status == "too few rows" for c in items):
        low = report.reference_rows < report.min_rows
        side, rows = (
            ("reference", report.reference_rows) if low else ("latest batch", report.current_rows)
        )
        return WHY_DRIFT_ROWS.format(minimum=report.min_rows, side=side, rows=rows)
    if rule.column is not None and items[0].status == "missing column":
        found = (
            f.message
            for f in report.findings
            if f.code == "missing_column" and f.column == rule.column
        )
        return next(found, WHY_DRIFT_MISSING.format(column=rule.column))
    return None


def _metric_unchecked(rule: AlertRule, performance: pd.DataFrame | None) -> str | None:
    metric = canonical_name(str(rule.metric))
    label = metric_label(metric)
    if performance is None or performance.empty:
        return WHY_NO_OUTCOMES.format(label=label)
    measured = ", ".join(c for c in performance.columns if c in PERFORMANCE_METRICS) or "none"
    if metric in MEASURED_METRICS and metric not in PERFORMANCE_METRICS:
        return WHY_METRIC_UNBOUNDED.format(metric=metric, measured=measured)
    if metric not in performance.columns or metric not in PERFORMANCE_METRICS:
        return WHY_METRIC_UNKNOWN.format(metric=metric, measured=measured)
    if _latest(performance, metric) is None:
        return WHY_METRIC_EMPTY.format(label=label)
    return None


def _kpi_unchecked(performance: pd.DataFrame | None, kpi: float | None) -> str | None:
    if kpi is not None:
        return None
    if performance is None or performance.empty:
        return WHY_NO_VALUE_OUTCOMES
    if _latest(performance, "value_per_month") is None:
        return WHY_NO_VALUE
    return None


def _health_unchecked(rule: AlertRule, health: ServiceHealth | None) -> str | None:
    if health is None or health.requests == 0:
        return WHY_NO_HEALTH
    if rule.kind == "latency" and not math.isfinite(health.latency_at(rule.metric or "p95")):
        return WHY_NO_LATENCY
    return None


def check_alerts(
    rules: Sequence[AlertRule],
    *,
    drift: DriftReport | None = None,
    performance: pd.DataFrame | None = None,
    health: ServiceHealth | None = None,
    kpi: float | None = None,
    currency: str | None = None,
) -> AlertCheck:
    """Evaluate each rule on what is known; a rule without its input is listed with why.

    ``kpi`` is a realised value per month measured elsewhere; without it the kpi rule reads
    the latest ``value_per_month`` of ``performance``.
    """
    alerts: list[Alert] = []
    unchecked: list[UncheckedRule] = []
    for rule in (_check_rule(r) for r in rules):
        if rule.kind == "drift":
            why = _drift_unchecked(rule, drift)
        elif rule.kind == "metric":
            why = _metric_unchecked(rule, performance)
        elif rule.kind == "kpi":
            why = _kpi_unchecked(performance, kpi)
        else:
            why = _health_unchecked(rule, health)
        if why is not None:
            unchecked.append(UncheckedRule(rule, why))
        elif rule.kind == "drift" and drift is not None:
            alerts += _drift_alerts(rule, drift)
        elif rule.kind == "metric" and performance is not None:
            alerts += _metric_alert(rule, performance)
        elif rule.kind == "kpi":
            alerts += _kpi_alert(rule, performance, kpi, currency)
        elif health is not None:
            alerts += _health_alert(rule, health)
    return AlertCheck(tuple(alerts), tuple(unchecked))


def evaluate_alerts(
    rules: Sequence[AlertRule],
    *,
    drift: DriftReport | None = None,
    performance: pd.DataFrame | None = None,
    health: ServiceHealth | None = None,
    kpi: float | None = None,
    currency: str | None = None,
) -> list[Alert]:
    """The alerts of ``check_alerts`` alone (which also says which rules could not be checked)."""
    check = check_alerts(
        rules, drift=drift, performance=performance, health=health, kpi=kpi, currency=currency
    )
    return list(check.alerts)


def default_rules(goal: Goal | None = None, metric: str | None = None) -> list[AlertRule]:
    """The rules a goal implies: drift, its minimum metric, its promised money, latency, errors.

    Always: PSI above 0.2 on any column, more than 5 % failed requests. From the goal, when
    set: ``metric`` (default the goal's) below ``requirements.min_metric_to_ship`` (only
    for metrics performance_over_time measures), realised value per month below what
    ``assumed_roi(goal)`` promises (needs the payoff or error cost), p95 latency above
    ``requirements.max_latency_ms``.
    """
    rules = [AlertRule("drift", DEFAULT_PSI_ALERT)]
    if goal is not None:
        name = canonical_name(metric or goal.metric or "")
        minimum = goal.requirements.min_metric_to_ship
        if minimum is not None and name in PERFORMANCE_METRICS:
            rules.append(AlertRule("metric", minimum, metric=name, severity="critical"))
        roi = assumed_roi(goal)
        if roi is not None and (goal.payoff is not None or goal.error_cost is not None):
            rules.append(AlertRule("kpi", roi.model_value_per_month, severity="critical"))
        if goal.requirements.max_latency_ms is not None:
            rules.append(AlertRule("latency", goal.requirements.max_latency_ms, metric="p95"))
    rules.append(AlertRule("error_rate", DEFAULT_ERROR_RATE, severity="critical"))
    return rules
