"""Evaluate page: where the model is wrong (cohorts, heatmap, worst rows) and run against run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.services import evaluation, training
from app.services.evaluation import EvaluationRows
from app.services.training import RunInfo
from app.ui.charts import show_chart
from app.ui.evaluate.views import rows_for, run_label
from app.ui.feedback import attempt
from app.ui.labels import Labels
from core import evaluate
from core.evaluate import error_figures
from core.report import csv_bytes, escape_markdown


def _download(table: pd.DataFrame, name: str, key: str) -> None:
    st.download_button(
        f"Download {name.replace('-', ' ')} (CSV)", csv_bytes(table), f"{name}.csv", "text/csv",
        key=key, icon=":material/download:",
    )  # fmt: skip


@st.cache_data(max_entries=8, show_spinner="Looking for high-error cohorts…")
def _discovered(run_id: int, sha: str, threshold: float | None, _rows: EvaluationRows) -> list:
    return evaluation.discovered_cohorts(_rows, threshold=threshold)


def errors_section(
    wb: Workbench, project_id: int, run: RunInfo, rows: EvaluationRows, *, read_only: bool = False
) -> None:
    row_errors = rows.errors()
    measure = "mean absolute error" if rows.task == "regression" else "error rate"
    st.caption(
        f"Errors of run {run.id} on {rows.source}"
        + (f" at threshold {rows.threshold:.3f}" if rows.threshold is not None else "")
        + f": overall {measure} {pd.Series(row_errors).mean():,.3g}."
    )
    frame = rows.frame[list(rows.features)]
    cohorts = _discovered(run.id, run.pipeline_sha256 or "", rows.threshold, rows)
    order = _suspects(cohorts, list(frame.columns))
    # the cohorts first: their chart and the "Save a cohort" list are this one list; the
    # per-feature bins below slice one column by quantiles, so their cuts differ on purpose
    _discovered_section(wb, project_id, run, cohorts, read_only=read_only)
    _by_feature(frame[order], row_errors)
    _heatmap(frame[order], row_errors)
    _saved_section(wb, project_id, run, rows, read_only=read_only)
    st.subheader("Worst predictions")
    st.caption(
        "The rows the model got most confidently wrong (row ids are the file's row numbers)."
    )
    worst = rows.worst(top=50)
    st.dataframe(worst, key="wb.eval.worst")
    _download(worst.reset_index(names="row"), "worst-predictions", "wb.eval.worst.csv")


def _suspects(cohorts: list, columns: list[str]) -> list[str]:
    """Columns in the worst cohorts' rules first, so the charts open on the likely culprits."""
    named = [c.column for cohort in cohorts[:3] for c in cohort.conditions if c.column in columns]
    return list(dict.fromkeys([*named, *columns]))


def _by_feature(frame: pd.DataFrame, row_errors) -> None:  # type: ignore[no-untyped-def]
    st.subheader("Error by feature")
    st.caption(
        "One column cut at its quantiles: these bins are not the cohorts above (whose cuts "
        "come from the tree), so their edges and counts differ."
    )
    column = st.selectbox("Feature", list(frame.columns), key="wb.eval.err.feature")
    table = attempt(lambda: evaluate.error_by_feature(frame, row_errors, column))
    if table is None:
        return
    show_chart(
        error_figures.cohort_bar_figure(table), key="wb.eval.err.bar", name=f"error-by-{column}"
    )
    _download(
        table.drop(columns=["conditions"], errors="ignore"),
        f"error-by-{column}",
        "wb.eval.err.bar.csv",
    )


def _heatmap(frame: pd.DataFrame, row_errors) -> None:  # type: ignore[no-untyped-def]
    st.subheader("Error over two features")
    columns = list(frame.columns)
    if len(columns) < 2:
        st.caption("The model reads one column; there is no second feature to cross it with.")
        return
    left, right = st.columns(2)
    x = left.selectbox("Across", columns, key="wb.eval.heat.x")
    y = right.selectbox("Down", [c for c in columns if c != x], key="wb.eval.heat.y")
    table = attempt(lambda: evaluate.error_heatmap(frame, row_errors, x, y))
    if table is not None:
        show_chart(
            error_figures.error_heatmap_figure(table), key="wb.eval.heat", name=f"errors-{x}-{y}"
        )
        _download(table, f"errors-{x}-by-{y}", "wb.eval.heat.csv")


def _discovered_section(
    wb: Workbench, project_id: int, run: RunInfo, cohorts: list, *, read_only: bool
) -> None:
    st.subheader("High-error cohorts found automatically")
    st.caption(
        'A shallow decision tree fitted on "was this prediction wrong": its leaves, as rules, '
        "highest error first. Cohorts of fewer than 30 rows (or 5 % of small test sets) are not shown."
    )
    if not cohorts:
        st.info("No cohort stands out: errors are spread evenly.", icon=":material/done_all:")
        return
    show_chart(
        error_figures.cohort_bar_figure(cohorts), key="wb.eval.found", name="discovered-cohorts"
    )
    table = evaluate.cohorts_table(cohorts)
    _download(
        table.drop(columns=["conditions"], errors="ignore"),
        "discovered-cohorts",
        "wb.eval.found.csv",
    )
    positions = list(range(len(cohorts)))
    with st.form("wb.eval.save_cohort", border=True):
        st.markdown("**Save a cohort** to compare it across runs")
        picked = st.selectbox(
            "Cohort", positions, key="wb.eval.found.pick",
            format_func=Labels.of({i: cohorts[i].describe() for i in positions}),
        )  # fmt: skip
        name = st.text_input(
            "Name", key="wb.eval.found.name", placeholder="e.g. new monthly customers"
        )
        if st.form_submit_button("Save cohort", icon=":material/bookmark_add:", disabled=read_only):
            saved = attempt(
                lambda: evaluation.save_cohort(
                    wb, project_id, name or cohorts[picked].rule, cohorts[picked], run_id=run.id
                )
            )
            if saved is not None:
                st.toast(
                    f"Saved cohort {escape_markdown(repr(saved.name))}.", icon=":material/bookmark:"
                )


def _saved_section(
    wb: Workbench, project_id: int, run: RunInfo, rows: EvaluationRows, *, read_only: bool
) -> None:
    st.subheader("Saved cohorts across runs")
    saved = evaluation.list_cohorts(wb, project_id)
    if not saved:
        st.caption("No saved cohorts yet.")
        return

    others = [
        r for r in training.leaderboard(wb, project_id) if r.pipeline_sha256 and r.id != run.id
    ]
    labels = Labels.of({r.id: run_label(r) for r in others})
    extra = st.multiselect(
        "Compare with runs", [r.id for r in others], default=[r.id for r in others[:2]],
        format_func=labels, key="wb.eval.cohort.runs",
    )  # fmt: skip
    by_run = {run.id: rows}
    for other in others:
        if other.id in extra:
            loaded = attempt(lambda other=other: rows_for(wb, other))
            if loaded is not None:
                by_run[other.id] = loaded
    table = evaluation.cohort_errors(by_run, saved)
    wide = table.pivot_table(index=["cohort", "rule"], columns="run_id", values="error", sort=False)
    wide.columns = [f"run {c} error" for c in wide.columns]
    st.dataframe(wide.reset_index(), hide_index=True, key="wb.eval.cohort.table")
    _download(table, "saved-cohorts-by-run", "wb.eval.cohort.csv")
    with st.popover("Delete a saved cohort", icon=":material/delete:"):
        names = Labels.of({c.id: c.name for c in saved})
        doomed = st.selectbox(
            "Cohort", [c.id for c in saved], format_func=names, key="wb.eval.cohort.del"
        )
        sure = st.checkbox(
            "Yes, delete it (runs and their numbers are not touched)", key="wb.eval.cohort.sure",
            disabled=read_only,
        )  # fmt: skip
        if st.button("Delete", disabled=read_only or not sure, key="wb.eval.cohort.delete"):
            attempt(lambda: evaluation.delete_cohort(wb, doomed))
            st.rerun()


# -- compare two runs ------------------------------------------------------------------------


def compare_section(wb: Workbench, project_id: int, run: RunInfo, rows: EvaluationRows) -> None:
    others = [
        r for r in training.list_runs(wb, project_id)
        if r.pipeline_sha256 and r.id != run.id and r.dataset_version_id == run.dataset_version_id
    ]  # fmt: skip
    if not others:
        st.info(
            "Train another model on the same dataset version to compare.",
            icon=":material/compare_arrows:",
        )
        return
    labels = Labels.of({r.id: run_label(r) for r in others})
    other_id = st.selectbox(
        "Compare with", [r.id for r in others], format_func=labels, key="wb.eval.compare.other"
    )
    other = next(r for r in others if r.id == other_id)
    other_rows = attempt(lambda: rows_for(wb, other))
    if other_rows is None:
        return
    outcome = attempt(lambda: evaluation.compare(rows, other_rows))
    if outcome is None:
        return
    comparison, disagreements = outcome
    st.caption(f"A = run {run.id}, B = run {other.id}, both on {rows.source}; delta = B − A.")
    cols = st.columns(3)
    cols[0].metric("Rows where they disagree", f"{comparison.disagreements:,}", border=True)
    cols[1].metric("A right, B wrong", f"{comparison.a_wins:,}", border=True)
    cols[2].metric("B right, A wrong", f"{comparison.b_wins:,}", border=True)
    st.dataframe(comparison.metrics, hide_index=True, key="wb.eval.compare.metrics")
    _download(comparison.metrics, "run-comparison", "wb.eval.compare.csv")
    st.markdown("**Rows where they disagree**")
    st.dataframe(disagreements.head(500), key="wb.eval.compare.rows")
    _download(disagreements.reset_index(names="row"), "disagreements", "wb.eval.compare.rows.csv")
