"""Monitor stage: is the exported model still right, still worth its money, still healthy?

Reads what production leaves behind (the bundle service's JSON-lines prediction log, batch
scored files, and the true outcomes that arrive later) and compares it with training:

- ``logs``: reading and checking prediction logs and batch files (``parse_prediction_log``,
  ``batch_frame``, ``scored_rows``);
- ``psi`` and ``drift``: drift per column, for one batch or period by period;
- ``performance``: outcomes joined to predictions, metrics and money per period;
- ``health``: traffic, latency, errors, callers and versions of the service;
- ``alerts``: rules against the goal, evaluated or listed as unchecked with why;
- ``simulate``: a simulated production log for the demo;
- ``figures``: the plotly figures of all of the above (imported on its own: plotly).

Conventions: log times are UTC; a period is labelled by its start (UTC); rows of a log whose
HTTP status is not 2xx were never scored and are left out of drift and performance;
categories and labels are compared as text (``core.coerce.class_label``). Pure Python: no
Streamlit, no storage; reading a file's bytes is the caller's job.

    log = parse_prediction_log(text, feature_columns=["tenure_months", "contract"])
    report = drift_report(train, log.frame, columns=[...], categorical=["contract"])
    report.table, report.drifted
    joined = join_outcomes(log.frame, outcomes, id_column="customer_id", target="churned",
                           prediction_id="request_id")
    performance_over_time(joined.frame, task="binary", positive="Yes", payoff=goal.payoff,
                          volume_per_month=goal.volume_per_month)
"""

from __future__ import annotations

from core.monitor.alerts import (
    ALERT_KINDS,
    DEFAULT_ERROR_RATE,
    DEFAULT_PSI_ALERT,
    Alert,
    AlertCheck,
    AlertRule,
    UncheckedRule,
    check_alerts,
    default_rules,
    describe_rule,
    evaluate_alerts,
)
from core.monitor.common import MonitorError
from core.monitor.drift import (
    DRIFT_OVER_TIME_COLUMNS,
    DRIFT_STATUSES,
    ColumnDrift,
    DriftReport,
    drift_over_time,
    drift_report,
)
from core.monitor.health import ServiceHealth, service_health
from core.monitor.logs import (
    BATCH_CALLER,
    LOG_COLUMNS,
    PredictionLog,
    batch_frame,
    parse_prediction_log,
    scored_rows,
)
from core.monitor.performance import (
    PERFORMANCE_METRICS,
    OutcomeJoin,
    join_outcomes,
    performance_over_time,
)
from core.monitor.psi import psi
from core.monitor.simulate import (
    SIMULATED_KEY,
    DriftSpec,
    SimulatedLog,
    simulate_production_log,
)

__all__ = [
    "ALERT_KINDS",
    "BATCH_CALLER",
    "DEFAULT_ERROR_RATE",
    "DEFAULT_PSI_ALERT",
    "DRIFT_OVER_TIME_COLUMNS",
    "DRIFT_STATUSES",
    "LOG_COLUMNS",
    "PERFORMANCE_METRICS",
    "SIMULATED_KEY",
    "Alert",
    "AlertCheck",
    "AlertRule",
    "ColumnDrift",
    "DriftReport",
    "DriftSpec",
    "MonitorError",
    "OutcomeJoin",
    "PredictionLog",
    "ServiceHealth",
    "SimulatedLog",
    "UncheckedRule",
    "batch_frame",
    "check_alerts",
    "default_rules",
    "describe_rule",
    "drift_over_time",
    "drift_report",
    "evaluate_alerts",
    "join_outcomes",
    "parse_prediction_log",
    "performance_over_time",
    "psi",
    "scored_rows",
    "service_health",
    "simulate_production_log",
]
