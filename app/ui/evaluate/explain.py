"""Evaluate page: SHAP explanations (a job), permutation importance, and what-if."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.jobs import list_jobs
from app.jobs.worker import ensure_worker
from app.services import explanations
from app.services.evaluation import EvaluationRows
from app.services.explanations import ExplanationInfo, StoredExplanation
from app.services.training import RunInfo
from app.ui.charts import show_chart
from app.ui.evaluate.views import cached_pipeline
from app.ui.feedback import attempt
from app.ui.jobs import job_panel
from app.ui.labels import Labels
from core.explain import figures as explain_figures
from core.report import csv_bytes, escape_markdown


@st.cache_data(max_entries=4, show_spinner="Loading the explanation…")
def _cached_explanation(
    explanation_id: int, sha: str, home: str, _info: ExplanationInfo
) -> StoredExplanation:

    return explanations.load_explanation(open_workbench(), _info)


def explain_section(
    wb: Workbench, run: RunInfo, rows: EvaluationRows, *, read_only: bool = False
) -> None:
    info = explanations.latest_explanation(wb, run.id)
    _start_form(wb, run, rows, info, read_only=read_only)
    active = [
        j for j in list_jobs(wb, project_id=run.project_id, kind=explanations.EXPLAIN_KIND, limit=5)
        if j.params.get("run_id") == run.id
    ]  # fmt: skip
    if active and (info is None or active[0].is_active):
        job_panel(wb, active[0].id)
    if info is None:
        return
    stored = attempt(
        lambda: _cached_explanation(info.id, info.artifact_sha256, str(wb.settings.home), info)
    )
    if stored is not None:
        _explanation_views(stored)


def _start_form(
    wb: Workbench, run: RunInfo, rows: EvaluationRows, info: ExplanationInfo | None, *,
    read_only: bool,
) -> None:  # fmt: skip
    with st.form("wb.eval.shap.form", border=True):
        st.markdown(
            "**SHAP explanations** run as a background job on an explicit random sample of the "
            f"test rows ({len(rows.frame):,} available), with the explainer that suits the model "
            "(exact tree SHAP for tree models)."
        )
        left, right = st.columns(2)
        sample = left.number_input(
            "Rows to explain", 10, explanations.MAX_SHAP_SAMPLE, explanations.DEFAULT_SHAP_SAMPLE,
            step=500, key="wb.eval.shap.sample",
        )  # fmt: skip
        seed = right.number_input("Seed", 0, 1_000_000, 0, key="wb.eval.shap.seed")
        label = "Explain again" if info is not None else "Explain this run"
        if st.form_submit_button(
            label, type="primary", icon=":material/psychology:", disabled=read_only
        ):
            job_id = attempt(
                lambda: explanations.submit_explanation(
                    wb, run.id, sample=int(sample), seed=int(seed)
                )
            )
            if job_id is not None:
                if wb.settings.autostart_worker:
                    ensure_worker(wb)
                st.rerun()


def _explanation_views(stored: StoredExplanation) -> None:
    explanation, summary = stored.explanation, stored.info.summary
    rows_explained = summary.get("rows_explained", explanation.sample_rows)
    st.caption(
        f"Explained {rows_explained:,} of {summary.get('rows_available', rows_explained):,} test rows "
        f"(seed {stored.info.seed}) in {stored.info.seconds:.1f} s. "
        + " ".join(summary.get("notes", []))
    )
    importance = explanation.global_importance()
    left, right = st.columns(2)
    with left:
        show_chart(
            explain_figures.importance_bar_figure(explanation),
            key="wb.eval.shap.bar",
            name="shap-importance",
        )
    with right:
        show_chart(
            explain_figures.beeswarm_figure(explanation),
            key="wb.eval.shap.swarm",
            name="shap-beeswarm",
        )
    st.download_button(
        "Download mean |SHAP| per column (CSV)", csv_bytes(importance), "shap-importance.csv",
        "text/csv", key="wb.eval.shap.csv", icon=":material/download:",
    )  # fmt: skip
    feature = st.selectbox(
        "Dependence plot for", list(importance["name"]), key="wb.eval.shap.dependence"
    )
    show_chart(
        explain_figures.dependence_figure(explanation, feature),
        key="wb.eval.shap.dep",
        name=f"shap-dependence-{feature}",
    )
    if stored.permutation is not None:
        st.markdown(
            "**Permutation importance** — the model-agnostic cross-check: how much the score drops "
            "when a column is shuffled. Columns high here but low in SHAP (or the reverse) deserve a look."
        )
        show_chart(
            explain_figures.permutation_figure(stored.permutation),
            key="wb.eval.perm",
            name="permutation-importance",
        )
        st.download_button(
            "Download permutation importance (CSV)", csv_bytes(stored.permutation),
            "permutation-importance.csv", "text/csv", key="wb.eval.perm.csv", icon=":material/download:",
        )  # fmt: skip
    _local_explanation(explanation)


def _local_explanation(explanation: Any) -> None:
    st.markdown(
        "**One row, explained** (waterfall: base value → contributions → this row's output)"
    )
    positions = list(range(len(explanation.rows)))
    ids = Labels.of({i: f"row {explanation.rows.index[i]}" for i in positions[:5000]})
    position = st.selectbox("Row", positions[:5000], format_func=ids, key="wb.eval.shap.row")
    show_chart(
        explain_figures.waterfall_figure(explanation, position),
        key="wb.eval.shap.waterfall",
        name="shap-waterfall",
    )


# -- what-if ---------------------------------------------------------------------------------


def what_if_section(wb: Workbench, run: RunInfo, rows: EvaluationRows) -> None:
    frame = rows.frame[list(rows.features)]
    st.caption(
        "Pick a test row, change some of its values, and compare the prediction and its "
        "explanation before and after."
    )
    positions = list(range(min(len(frame), 5000)))
    labels = Labels.of({i: _row_label(rows, i) for i in positions})
    position = st.selectbox("Row", positions, format_func=labels, key="wb.eval.whatif.row")
    original = frame.iloc[position]
    with st.form(f"wb.eval.whatif.form.{run.id}.{position}"):
        changes: dict[str, Any] = {}
        columns = st.columns(3)
        for index, name in enumerate(frame.columns):
            with columns[index % 3]:
                value = _value_input(
                    name, frame[name], original[name], f"wb.eval.whatif.{position}.{name}"
                )
            if not _same(value, original[name]):
                changes[name] = value
        submitted = st.form_submit_button(
            "See the new prediction", type="primary", icon=":material/science:"
        )
    if not submitted:
        return
    if not changes:
        st.info("Change at least one value first.", icon=":material/edit:")
        return
    pipeline = cached_pipeline(run.id, run.pipeline_sha256 or "", str(wb.settings.home))
    result = attempt(lambda: explanations.what_if(rows, pipeline, position, changes))
    if result is None:
        return
    _what_if_result(result)


def _row_label(rows: EvaluationRows, position: int) -> str:
    actual = rows.y.iloc[position]
    predicted = rows.prediction[position]
    return f"row {rows.frame.index[position]} — actual {actual}, predicted {predicted}"


def _same(a: Any, b: Any) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _value_input(name: str, column: pd.Series, value: Any, key: str) -> Any:
    """A widget matching the column's kind, starting at the row's value."""
    name = escape_markdown(name)  # a column name as the label: text, not Markdown
    if pd.api.types.is_bool_dtype(column):
        return st.checkbox(name, value=bool(value) if not pd.isna(value) else False, key=key)
    if pd.api.types.is_numeric_dtype(column):
        start = None if pd.isna(value) else float(value)
        return st.number_input(name, value=start, key=key, placeholder="missing")
    if pd.api.types.is_datetime64_any_dtype(column):
        start = None if pd.isna(value) else pd.Timestamp(value).date()
        picked = st.date_input(name, value=start, key=key, min_value=dt.date(1900, 1, 1))
        return pd.NaT if picked is None else pd.Timestamp(picked)
    options = sorted({str(v) for v in column.dropna().unique()})[:200]
    if pd.isna(value):
        options = ["(missing)", *options]
        current = "(missing)"
    else:
        current = str(value)
        if current not in options:
            options = [current, *options]
    picked = st.selectbox(name, options, index=options.index(current), key=key)
    return None if picked == "(missing)" else picked


def _what_if_result(result: Any) -> None:
    left, right = st.columns(2)
    before = _outcome(result.original_prediction, result.original_proba, result.positive)
    after = _outcome(result.new_prediction, result.new_proba, result.positive)
    left.metric("Original prediction", before, border=True)
    delta = f"{result.proba_change:+.1%}" if result.proba_change is not None else None
    right.metric("After your changes", after, delta=delta, border=True)
    for note in result.notes:
        st.caption(escape_markdown(note))
    if result.original_explanation is None:
        return
    show_chart(explain_figures.what_if_figure(result), key="wb.eval.whatif.chart", name="what-if")
    left, right = st.columns(2)
    with left:
        show_chart(
            explain_figures.waterfall_figure(result.original_explanation, 0),
            key="wb.eval.whatif.before",
            name="what-if-before",
        )
    with right:
        show_chart(
            explain_figures.waterfall_figure(result.new_explanation, 0),
            key="wb.eval.whatif.after",
            name="what-if-after",
        )


def _outcome(prediction: Any, proba: float | None, positive: Any) -> str:
    if proba is None:
        return f"{prediction:,.4g}" if isinstance(prediction, int | float) else str(prediction)
    return f"{prediction} (P({positive}) = {proba:.1%})"
