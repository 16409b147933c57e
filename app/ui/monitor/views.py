"""Monitor page: import production data, drift, live metrics and KPI, service health, alerts, retrain."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.jobs import list_jobs
from app.jobs.worker import ensure_worker
from app.services import monitoring
from app.services.monitoring import MonitorReport
from app.ui.charts import show_chart
from app.ui.feedback import attempt
from app.ui.jobs import job_panel
from core.goal import format_money
from core.metrics import metric_label
from core.monitor import figures as monitor_figures
from core.report import csv_bytes, escape_markdown


@st.cache_data(max_entries=4, show_spinner="Measuring drift and live metrics…")
def _report(project_id: int, key: str, home: str) -> MonitorReport:

    return monitoring.monitor_report(open_workbench(), project_id)


def cached_report(wb: Workbench, project_id: int) -> MonitorReport:
    """The report, recomputed only when a batch, the model or the goal changed (not per click)."""
    return _report(project_id, monitoring.report_key(wb, project_id), str(wb.settings.home))


def import_section(wb: Workbench, project_id: int, *, read_only: bool = False) -> None:
    st.markdown(
        "Bring production back: the bundle service's **prediction log** (JSON lines, "
        "`BUNDLE_LOG`) or a **batch-scored file** from `predict.py`, optionally with the true "
        "outcomes joined by an ID column (for a service log: the request id, sent by callers "
        "as `X-Request-ID`)."
    )
    with st.form("wb.mon.import", border=True):
        upload = st.file_uploader(
            "Prediction log or scored file", key="wb.mon.file", disabled=read_only
        )
        outcomes = st.file_uploader(
            "Outcomes (optional)", key="wb.mon.outcomes", disabled=read_only
        )
        id_column = st.text_input(
            "ID column in the outcomes", key="wb.mon.id", placeholder="e.g. customer_id",
            disabled=read_only,
        )  # fmt: skip
        if (
            st.form_submit_button(
                "Import", type="primary", icon=":material/upload:", disabled=read_only
            )
            and upload is not None
        ):
            _import(wb, project_id, upload, outcomes, id_column)
    _follow_section(wb, project_id, read_only=read_only)
    with st.container(border=True):
        st.markdown(
            "**Try it with simulated production**: three months of requests built from this "
            "project's own rows, one feature drifting from month two, with outcomes."
        )
        if st.button(
            "Import three simulated months", key="wb.mon.simulate", icon=":material/science:",
            disabled=read_only,
        ):  # fmt: skip
            with st.spinner("Simulating and importing 6,000 requests…"):
                simulation = attempt(lambda: monitoring.simulate_production(wb, project_id))
                if simulation is not None:
                    batch = attempt(
                        lambda: monitoring.import_predictions(
                            wb, project_id, simulation.log_text.encode(), filename="simulated-production.jsonl",
                            outcomes=simulation.outcomes, id_column=simulation.id_column, simulated=True,
                        )
                    )  # fmt: skip
                    if batch is not None:
                        st.toast(
                            f"Imported batch {batch.id}: {batch.rows:,} simulated rows.",
                            icon=":material/check:",
                        )
    _batches_table(wb, project_id)


def _import(wb: Workbench, project_id: int, upload, outcomes, id_column: str) -> None:  # type: ignore[no-untyped-def]
    frame = None
    if outcomes is not None:
        frame = attempt(lambda: monitoring.read_outcomes(outcomes.getvalue(), outcomes.name))
        if frame is None:
            return
    batch = attempt(
        lambda: monitoring.import_predictions(
            wb, project_id, upload.getvalue(), filename=upload.name, outcomes=frame, id_column=id_column or None
        )
    )  # fmt: skip
    if batch is not None:
        st.success(
            f"Batch {batch.id}: {batch.rows:,} rows ({batch.start_text()}); outcomes matched {batch.outcomes_matched:,}."
            + (f" {len(batch.bad_lines)} unreadable line(s) skipped." if batch.bad_lines else ""),
            icon=":material/check:",
        )
        for line in batch.bad_lines[:5]:
            st.caption(f"Skipped {escape_markdown(line)}")


def _follow_section(wb: Workbench, project_id: int, *, read_only: bool) -> None:
    settings = monitoring.settings_for(wb, project_id)
    with st.expander("Read the service's log file on demand", icon=":material/description:"):
        path = st.text_input(
            "Log file path on this machine",
            value=settings.log_path or "",
            key="wb.mon.path",
            disabled=read_only,
            help="Read on the server, only under the folders in WORKBENCH_DATA_DIRS "
            "(by default your home and the temporary folder while the app listens on "
            "localhost only; nothing when it listens beyond).",
        )
        left, right = st.columns(2)
        if left.button("Save path", key="wb.mon.path.save", disabled=read_only):
            attempt(
                lambda: monitoring.update_settings(wb, project_id, log_path=path.strip() or None)
            )
            st.rerun()
        if settings.log_path and right.button(
            "Import new lines", key="wb.mon.pull", icon=":material/sync:", disabled=read_only
        ):
            batch = attempt(lambda: monitoring.import_new_lines(wb, project_id))
            st.toast("Nothing new." if batch is None else f"Imported {batch.rows:,} new rows.")
        if settings.log_path:
            st.caption(
                f"Read up to byte {settings.log_offset:,}. From cron: `workbench monitor pull PROJECT`."
            )


def _batches_table(wb: Workbench, project_id: int) -> None:
    batches = monitoring.list_batches(wb, project_id)
    if not batches:
        return
    st.markdown("**Imported batches**")
    st.dataframe(
        pd.DataFrame([b.to_json() for b in batches]), hide_index=True, key="wb.mon.batches"
    )
    simulated = [b.id for b in batches if b.simulated]
    if simulated:
        st.warning(
            f"Batch(es) {', '.join(map(str, simulated))} are simulated, not production: the live "
            "metrics and the realised value include them, and Retrain leaves them out unless "
            "you tick 'Include simulated batches'.",
            icon=":material/science:",
        )


def drift_section(report: MonitorReport) -> None:
    if report.drift is None:
        st.info("Drift could not be measured; see the notes.", icon=":material/info:")
        return
    st.caption(
        "Latest batch against the run's held-out test rows (and the model's scores on them). "
        "PSI above 0.1 deserves a look, above 0.2 is drift; KS (numbers) and chi-square "
        "(categories) p-values back it up."
    )
    show_chart(
        monitor_figures.drift_bar_figure(report.drift), key="wb.mon.drift", name="drift-by-feature"
    )
    table = report.drift.table
    st.caption(
        "Every column the batch carries that the training data has is watched; 'model input' "
        "says whether the model reads it (a sensitive column may be watched without being read). "
        "Both sides are compared after the project's cleaning recipe."
    )
    st.dataframe(_marked(table), hide_index=True, key="wb.mon.drift.table")
    st.download_button(
        "Download drift table (CSV)",
        csv_bytes(table),
        "drift.csv",
        "text/csv",
        key="wb.mon.drift.csv",
        icon=":material/download:",
    )
    for finding in report.drift.findings:
        st.warning(
            escape_markdown(finding.message),
            icon=":material/schema:",
        )
    if report.drift_over_time is not None and not report.drift_over_time.empty:
        ranked = list(report.drift.table["column"])
        columns = st.multiselect("Over time", ranked, default=ranked[:4], key="wb.mon.drift.cols")
        show_chart(
            monitor_figures.drift_over_time_figure(report.drift_over_time, columns),
            key="wb.mon.drift.time",
            name="drift-over-time",
        )


def _marked(table: pd.DataFrame) -> pd.DataFrame:
    """The drift table with a visible 'model input' column (yes / no / model output)."""
    marker = [
        "model output" if role == "prediction" else ("yes" if is_input else "no — watched only")
        for role, is_input in zip(table["role"], table["model_input"], strict=True)
    ]
    return table.drop(columns=["model_input"]).assign(**{"model input": marker})


def performance_section(report: MonitorReport) -> None:
    if report.performance is None or report.performance.empty:
        st.info(
            "Join outcomes to see live metrics and the value actually realised.",
            icon=":material/fact_check:",
        )
        return
    if report.includes_simulated:
        st.warning(
            "These live metrics and this value include simulated batches: they are not results "
            "of real production.",
            icon=":material/science:",
        )
    metrics = [
        c for c in report.performance.columns if c not in ("period", "rows", "value_per_month")
    ]
    metric = st.selectbox(
        "Metric",
        metrics,
        index=metrics.index("roc_auc") if "roc_auc" in metrics else 0,
        format_func=metric_label,
        key="wb.mon.metric",
    )
    show_chart(
        monitor_figures.performance_over_time_figure(report.performance, metric),
        key="wb.mon.perf",
        name=f"live-{metric}",
    )
    if (
        "value_per_month" in report.performance
        and report.performance["value_per_month"].notna().any()
    ):
        st.markdown(
            "**The golden thread's last link:** value per month realised from the payoff matrix, against what the business case promised."
        )
        show_chart(
            monitor_figures.value_over_time_figure(
                report.performance, promised=report.promised_value, currency=report.currency,
                simulated=report.includes_simulated,
            ),
            key="wb.mon.value", name="value-over-time",
        )  # fmt: skip
        latest = report.performance["value_per_month"].dropna().iloc[-1]
        label = "Realised value per month (latest period)"
        if report.includes_simulated:
            label += f" — {monitor_figures.SIMULATED_LABEL}"
        st.metric(label, format_money(latest, report.currency),
                  delta=None if report.promised_value is None else f"{format_money(latest - report.promised_value, report.currency)} vs the business case",
                  border=True)  # fmt: skip
    st.dataframe(report.performance, hide_index=True, key="wb.mon.perf.table")


def health_section(report: MonitorReport) -> None:
    health = report.health
    if health is None or health.requests == 0:
        st.info(
            "No service log imported: health needs the bundle service's prediction log.",
            icon=":material/monitor_heart:",
        )
        return
    cols = st.columns(4)
    cols[0].metric("Requests", f"{health.requests:,}", border=True)
    cols[1].metric("Error rate", f"{health.error_rate:.1%}", border=True)
    cols[2].metric("Latency p50", f"{health.latency_p50:,.1f} ms", border=True)
    cols[3].metric("Latency p99", f"{health.latency_p99:,.1f} ms", border=True)
    left, right = st.columns(2)
    with left:
        show_chart(monitor_figures.requests_figure(health), key="wb.mon.requests", name="requests")
    with right:
        show_chart(monitor_figures.latency_figure(health), key="wb.mon.latency", name="latency")
    show_chart(monitor_figures.callers_figure(health), key="wb.mon.callers", name="callers")
    left, right = st.columns(2)
    left.markdown("**Status codes**")
    left.dataframe(health.status_codes, hide_index=True, key="wb.mon.status")
    right.markdown("**Model versions that answered**")
    right.dataframe(health.versions, hide_index=True, key="wb.mon.versions")


def alerts_section(
    wb: Workbench, project_id: int, report: MonitorReport, *, read_only: bool = False
) -> None:
    if report.alerts:
        for alert in report.alerts:
            (st.error if alert.severity == "critical" else st.warning)(
                escape_markdown(alert.message), icon=":material/notifications_active:"
            )
    elif not report.unchecked:
        st.success(
            "No alert: drift, metrics, value, latency and errors are within the rules.",
            icon=":material/check_circle:",
        )
    else:
        st.success("No alert from the rules that could be checked.", icon=":material/check_circle:")
    for item in report.unchecked:
        st.warning(escape_markdown(monitoring.unchecked_text(item)), icon=":material/rule:")
    st.caption(
        "Rules: PSI above 0.2 on any watched column; live ROC AUC more than 0.05 below cross-validation; "
        "realised value below the business case; p95 latency above the Goal page's maximum; "
        "more than 5 % failed requests. Evaluated on every import; a rule that cannot be "
        "checked yet (e.g. no outcomes) is listed above with the reason."
    )
    settings = monitoring.settings_for(wb, project_id)
    with st.form("wb.mon.webhook"):
        url = st.text_input(
            "Webhook URL (alerts are POSTed as JSON on each import; empty = off)",
            value=settings.webhook_url or "",
            key="wb.mon.webhook.url",
            disabled=read_only,
        )
        if st.form_submit_button("Save webhook", disabled=read_only) and (
            attempt(
                lambda: monitoring.update_settings(wb, project_id, webhook_url=url.strip() or None)
            )
            is not None
        ):
            st.toast("Saved.", icon=":material/check:")
    log = monitoring.alert_log(wb, project_id)
    if not log.empty:
        st.markdown("**Alert log**")
        st.dataframe(log, hide_index=True, key="wb.mon.alertlog")


def retrain_section(wb: Workbench, project_id: int, *, read_only: bool = False) -> None:
    st.markdown(
        "**Retrain** makes a new dataset version from the training data plus the older "
        f"labelled production rows, retrains the champion's recipe (same pipeline, parameters "
        f"and seed) as a challenger, and compares both on the newest {monitoring.RECENT_SHARE:.0%} "
        "of labelled rows, which neither saw. Promote the winner in the registry (Export page)."
    )
    include_simulated = False
    if any(b.simulated for b in monitoring.list_batches(wb, project_id)):
        include_simulated = st.checkbox(
            "Include simulated batches",
            key="wb.mon.retrain.simulated",
            disabled=read_only,
            help="Simulated rows are not production; leave them out unless you are trying Retrain out.",
        )
    if st.button(
        "Retrain a challenger", type="primary", key="wb.mon.retrain", icon=":material/autorenew:",
        disabled=read_only,
    ):  # fmt: skip
        job_id = attempt(
            lambda: monitoring.submit_retrain(wb, project_id, include_simulated=include_simulated)
        )
        if job_id is not None:
            if wb.settings.autostart_worker:
                ensure_worker(wb)
            st.rerun()
    with st.expander("Rolling a challenger out", icon=":material/route:"):
        st.markdown(
            "The registry's stages say where a version stands: **candidate** (exported), "
            "**staging** (running next to production on a copy or a small share of traffic), "
            "**production** (answers real requests), **archived** (kept for audit). A/B tests "
            "and phased rollouts are done by your serving platform, not by the bundle: export "
            "the challenger, promote it to staging, and to production once its live numbers hold."
        )
    jobs = list_jobs(wb, project_id=project_id, kind=monitoring.RETRAIN_KIND, limit=1)
    if not jobs:
        st.caption(
            "Schedule hint: `workbench monitor pull PROJECT && workbench retrain PROJECT --json` from cron."
        )
        return
    info = job_panel(wb, jobs[0].id)
    result = info.result or {}
    if info.status == "succeeded" and result.get("metrics"):
        cols = st.columns(2)
        cols[0].metric(
            "Champion value per month",
            format_money(result.get("champion_value_per_month"), None),
            border=True,
        )
        cols[1].metric(
            "Challenger value per month", format_money(result.get("challenger_value_per_month"), None),
            delta=f"winner: {result.get('winner')}", border=True,
        )  # fmt: skip
        st.dataframe(pd.DataFrame(result["metrics"]), hide_index=True, key="wb.mon.retrain.metrics")
