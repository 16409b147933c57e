"""Fairness page: groups, disparities in plain words, mitigation as a job, the value trade-off."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.jobs import list_jobs
from app.jobs.worker import ensure_worker
from app.services import fairness, training
from app.services.evaluation import EvaluationRows
from app.services.training import RunInfo
from app.ui.charts import show_chart
from app.ui.evaluate.views import rows_for, run_label
from app.ui.feedback import attempt
from app.ui.jobs import job_panel
from app.ui.labels import Labels
from core.fairness import METRIC_LABELS, FairnessReport
from core.fairness import figures as fairness_figures
from core.goal import format_money
from core.report import csv_bytes, escape_markdown


def choose_groups(run: RunInfo, rows: EvaluationRows) -> tuple[list[str], dict[str, int]] | None:
    """Sensitive attributes (one or two) and bins for numbers; None when there are none."""
    candidates = [c for c in fairness.sensitive_columns(run) if c in rows.frame.columns]
    if not candidates:
        st.info(
            "No column is marked sensitive. Mark the attributes to check (gender, age, …) on the "
            "Data page (Schema & roles: **Accept** a suggestion or set the role *sensitive*), "
            "then retrain.",
            icon=":material/database:",
        )
        return None
    attributes = st.multiselect(
        "Compare groups of (one attribute, or two for their intersection)",
        candidates, default=candidates[:1], max_selections=2, key="wb.fair.attributes",
    )  # fmt: skip
    bins: dict[str, int] = {}
    for name in attributes:
        if fairness.needs_bins(rows.frame[name]):
            bins[name] = int(
                st.number_input(
                    f"Groups of {escape_markdown(name)} (quantile bins)",
                    2,
                    10,
                    fairness.DEFAULT_BINS,
                    key=f"wb.fair.bins.{name}",
                )
            )
    return attributes, bins


def group_report(
    wb: Workbench, run: RunInfo, attributes: list[str], bins: dict[str, int],
    rows: EvaluationRows, *, read_only: bool,
) -> FairnessReport:  # fmt: skip
    """The page's report. An editor's is stored (the stepper, the model card read it); a
    viewer's is only computed: ``fairness.analyse`` stores, and a viewer may change nothing."""
    if read_only:
        return fairness.report_for_rows(wb, rows, attributes, bins=bins)
    return fairness.analyse(wb, run, attributes, bins=bins, rows=rows)


def report_section(report: FairnessReport, currency: str | None) -> None:
    for warning in report.warnings:
        st.warning(escape_markdown(warning), icon=":material/warning:")
    _disparity_cards(report)
    metric = st.selectbox(
        "Per-group metric", list(report.metrics),
        format_func=Labels.of(dict(METRIC_LABELS)), key="wb.fair.metric",
    )  # fmt: skip
    show_chart(
        fairness_figures.group_metrics_figure(report, metric), key="wb.fair.groups",
        name=f"fairness-{metric}",
    )  # fmt: skip
    table = report.by_group
    st.dataframe(table, hide_index=True, key="wb.fair.table")
    st.download_button(
        "Download per-group metrics (CSV)", csv_bytes(table), "fairness-by-group.csv",
        "text/csv", key="wb.fair.table.csv", icon=":material/download:",
    )  # fmt: skip
    if "value_per_month" in report.metrics:
        st.caption(
            "Value per month per group: each group's share of the monthly value from the Goal "
            f"page's payoff matrix ({currency or 'money'}); the groups add up to the whole."
        )
    with st.expander("What these measures mean, and which one fits", icon=":material/help:"):
        for disparity in report.disparities:
            st.markdown(f"**{disparity.label}** — {escape_markdown(disparity.explanation)}")
        st.markdown(f"[Fairlearn's guide to these metrics]({fairness.LEARN_MORE})")


def _disparity_cards(report: FairnessReport) -> None:
    for disparity in report.disparities:
        value = f"{disparity.value:.3f}" if pd.notna(disparity.value) else "n/a"
        limit = f" (limit {disparity.limit:g})" if disparity.limit is not None else ""
        text = f"**{disparity.label}: {value}**{limit} — {escape_markdown(disparity.sentence)}"
        if disparity.passes is True:
            st.success(text, icon=":material/check_circle:")
        elif disparity.passes is False:
            st.error(text, icon=":material/cancel:")
        else:
            st.info(text + " No limit set on the Goal page.", icon=":material/balance:")


# -- mitigation ------------------------------------------------------------------------------


def mitigation_section(
    wb: Workbench, run: RunInfo, attributes: list[str], bins: dict[str, int], *,
    read_only: bool = False,
) -> None:  # fmt: skip
    st.subheader("Mitigate")
    if rows_task(run) != "binary":
        st.info(
            "Mitigation is for yes/no decisions (binary classification).", icon=":material/info:"
        )
        return
    if run.kind == "mitigated":
        st.info(
            "This run is already a mitigation; pick its original run to try another.",
            icon=":material/info:",
        )
        return
    if bins:
        st.info(
            "Mitigation needs the group at prediction time, so it works on categorical attributes. "
            "Add a binned column in the Data recipe to mitigate on a number.",
            icon=":material/info:",
        )
        return
    with st.form("wb.fair.mitigate", border=True):
        method = st.radio(
            "Method",
            list(fairness.METHODS),
            format_func=Labels.of(fairness.METHODS),
            key="wb.fair.method",
        )
        constraint = st.selectbox(
            "Constraint", list(fairness.CONSTRAINTS), format_func=Labels.of(fairness.CONSTRAINTS),
            key="wb.fair.constraint",
        )  # fmt: skip
        st.caption(
            f"Groups: {escape_markdown(' × '.join(attributes))}. The result is a new tracked run; the original "
            "stays as it is. Per-group thresholds are chosen on the training rows and measured on the test rows."
        )
        if st.form_submit_button(
            "Mitigate", type="primary", icon=":material/balance:", disabled=read_only
        ):
            job_id = attempt(
                lambda: fairness.submit_mitigation(
                    wb, run.id, sensitive=attributes, method=method, constraint=constraint
                )
            )
            if job_id is not None:
                if wb.settings.autostart_worker:
                    ensure_worker(wb)
                st.rerun()
    jobs = [
        j
        for j in list_jobs(wb, project_id=run.project_id, kind=fairness.MITIGATE_KIND, limit=3)
        if j.params.get("run_id") == run.id
    ]
    if jobs:
        job_panel(wb, jobs[0].id)


def rows_task(run: RunInfo) -> str | None:
    return run.snapshot.get("schema", {}).get("task")


# -- trade-off -------------------------------------------------------------------------------


def tradeoff_section(
    wb: Workbench, project_id: int, run: RunInfo, attributes: list[str], bins: dict[str, int],
    currency: str | None, *, read_only: bool = False,
) -> None:  # fmt: skip
    st.subheader("Value against fairness")
    runs = {
        r.id: r for r in training.list_runs(wb, project_id)
        if r.pipeline_sha256 and r.dataset_version_id == run.dataset_version_id and r.kind != "baseline"
    }  # fmt: skip
    rows_by_run = {}
    for run_id, other in runs.items():
        loaded = attempt(lambda other=other: rows_for(wb, other))
        if loaded is not None and all(a in loaded.frame.columns for a in attributes):
            rows_by_run[run_id] = loaded
    points = fairness.tradeoff_points(rows_by_run, runs, wb, attributes, bins=bins, chosen=run.id)
    if points.empty:
        st.caption("No runs to compare yet.")
        return
    limit = fairness.limits(wb, project_id).get("demographic_parity_difference")
    has_value = rows_task(run) == "binary" and currency is not None
    show_chart(
        fairness_figures.tradeoff_figure(
            points, value_title=f"Value per month ({currency})" if has_value else "Accuracy",
            disparity_title="Demographic parity difference (lower is fairer)" if rows_task(run) == "binary" else "Disparity",
            limit=limit,
        ),
        key="wb.fair.tradeoff", name="value-vs-fairness",
    )  # fmt: skip
    shown = points.assign(
        value=[format_money(v, currency) if has_value else f"{v:.3f}" for v in points["value"]]
    )
    st.dataframe(shown, hide_index=True, key="wb.fair.points")
    champion = next((r for r in runs.values() if r.is_champion), None)
    labels = Labels.of({r: run_label(runs[r]) for r in points["run_id"]})
    left, right = st.columns([3, 1])
    pick = left.selectbox(
        "Candidate for export", list(points["run_id"]), format_func=labels, key="wb.fair.candidate"
    )
    right.write("")
    if right.button(
        "Make champion",
        key="wb.fair.make_champion",
        disabled=read_only or (champion is not None and champion.id == pick),
        icon=":material/star:",
    ):
        attempt(lambda: training.set_champion(wb, int(pick)))
        st.rerun()
    if champion is not None:
        st.caption(f"Current champion (exported by default): {run_label(champion)}.")
