"""Alerts: the project's rules checked on each new batch, logged, and sent to a webhook."""

from __future__ import annotations

import json
import urllib.request

import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.errors import UserError
from app.services.jsonable import finite
from app.services.monitoring.report import monitor_report
from app.services.monitoring.store import settings_for
from app.services.team.guard import guarded
from app.services.team.rights import Right
from core import monitor
from storage.models import MonitorAlert

#: The alert log's kind for a rule that could not be checked on an import.
UNCHECKED_KIND = "unchecked"


@guarded(Right.EDIT, "monitor.alerts", summary="Checked the alert rules")
def raise_alerts(wb: Workbench, project_id: int, *, batch_id: int | None) -> list[monitor.Alert]:
    """Evaluate the rules after an import, log the alerts and the rules that could not be
    checked (with why), and post them to the webhook if set."""
    try:
        report = monitor_report(wb, project_id)
    except UserError as error:
        unchecked = [f"No alert rule could be checked: {error}"]
        alerts: list[monitor.Alert] = []
    else:
        alerts = list(report.alerts)
        unchecked = [unchecked_text(u) for u in report.unchecked]
    webhook = settings_for(wb, project_id).webhook_url
    status = "not configured"
    if webhook and alerts:
        status = _post_webhook(webhook, project_id, alerts, unchecked)
    with wb.db.write() as session:
        for alert in alerts:
            session.add(
                MonitorAlert(
                    project_id=project_id, batch_id=batch_id, kind=alert.kind, severity=alert.severity,
                    message=alert.message, value=finite(alert.value), threshold=finite(alert.threshold),
                    webhook=status,
                )
            )  # fmt: skip
        for message in unchecked:
            session.add(
                MonitorAlert(
                    project_id=project_id, batch_id=batch_id, kind=UNCHECKED_KIND,
                    severity="warning", message=message, webhook=status,
                )
            )  # fmt: skip
    return alerts


def unchecked_text(item: monitor.UncheckedRule) -> str:
    """One line for the page, the CLI and the alert log: which rule, and why it was not checked."""
    return f"Rule not checked — {item.describe()}: {item.why}."


def _post_webhook(
    url: str, project_id: int, alerts: list[monitor.Alert], unchecked: list[str]
) -> str:
    body = json.dumps(
        {
            "project_id": project_id,
            "alerts": [
                {
                    "kind": a.kind,
                    "severity": a.severity,
                    "message": a.message,
                    "value": finite(a.value),
                    "threshold": finite(a.threshold),
                }
                for a in alerts
            ],
            "unchecked": unchecked,
        }
    ).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return f"sent ({answer.status})"
    except Exception as error:  # a broken webhook must not break the import; it is recorded
        return f"failed: {type(error).__name__}"[:200]


def alert_log(wb: Workbench, project_id: int, limit: int = 200) -> pd.DataFrame:
    with wb.db.read() as session:
        rows = session.scalars(
            select(MonitorAlert)
            .where(MonitorAlert.project_id == project_id)
            .order_by(MonitorAlert.id.desc())
            .limit(limit)
        )
        return pd.DataFrame(
            [
                {"time": r.created_at, "batch": r.batch_id, "kind": r.kind, "severity": r.severity,
                 "message": r.message, "webhook": r.webhook}
                for r in rows
            ],
            columns=["time", "batch", "kind", "severity", "message", "webhook"],
        )  # fmt: skip
