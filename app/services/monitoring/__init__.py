"""Monitor: production predictions come back — drift, live metrics, value, health, alerts, retrain.

``store`` holds the batches and settings, ``intake`` imports logs and outcomes, ``report``
measures, ``alerts`` checks the rules on each batch, ``retrain`` simulates traffic and trains
a challenger on labelled production rows.
"""

from app.services.monitoring.alerts import UNCHECKED_KIND, alert_log, raise_alerts, unchecked_text
from app.services.monitoring.intake import (
    LOG_SUFFIXES,
    attach_outcomes,
    import_new_lines,
    import_predictions,
    read_outcomes,
)
from app.services.monitoring.report import (
    METRIC_DROP,
    MonitorReport,
    monitor_report,
    report_json,
    report_key,
)
from app.services.monitoring.retrain import (
    DEMO_DRIFT_COLUMN,
    DEMO_START,
    MIN_LABELLED,
    RECENT_SHARE,
    RETRAIN_KIND,
    Simulation,
    compare_on_recent,
    retrain_job,
    simulate_production,
    submit_retrain,
)
from app.services.monitoring.store import (
    BatchInfo,
    batch_rows,
    list_batches,
    monitored_run,
    settings_for,
    update_settings,
)

__all__ = [
    "DEMO_DRIFT_COLUMN",
    "DEMO_START",
    "LOG_SUFFIXES",
    "METRIC_DROP",
    "MIN_LABELLED",
    "RECENT_SHARE",
    "RETRAIN_KIND",
    "UNCHECKED_KIND",
    "BatchInfo",
    "MonitorReport",
    "Simulation",
    "alert_log",
    "attach_outcomes",
    "batch_rows",
    "compare_on_recent",
    "import_new_lines",
    "import_predictions",
    "list_batches",
    "monitor_report",
    "monitored_run",
    "raise_alerts",
    "read_outcomes",
    "report_json",
    "report_key",
    "retrain_job",
    "settings_for",
    "simulate_production",
    "submit_retrain",
    "unchecked_text",
    "update_settings",
]
