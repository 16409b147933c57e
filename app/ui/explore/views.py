"""Explore page views: overview table, chart tabs (chosen from menus), full report, notes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.jobs import list_jobs
from app.jobs.worker import ensure_worker
from app.services import datasets, explore, splits
from app.services.data_config import get_settings
from app.services.datasets import VersionInfo
from app.ui.feedback import attempt, show_error
from app.ui.jobs import job_panel
from core.exceptions import CoreError
from core.explore import (
    Overview,
    ProfileSettings,
    box_summary,
    correlations,
    distribution,
    distribution_stats,
    figures,
    missing_counts,
    missing_patterns,
    overview,
    pair_view,
    split_comparison,
    split_distribution,
    target_associations,
    target_relation,
    time_view,
)
from core.report import code_span

NUMERIC_TYPES = ("numeric", "boolean")


@st.cache_data(max_entries=6, show_spinner="Preparing the data…")
def _cached_explore(
    version_id: int, sha256: str, apply_recipe: bool, settings_key: str, home: str
) -> explore.ExploreFrame:
    """Keyed by content hash and the data settings (recipe, roles), so edits show at once."""
    wb = open_workbench()
    return explore.explore_frame(
        wb, datasets.get_version(wb, version_id), apply_recipe=apply_recipe
    )


def load(wb: Workbench, version: VersionInfo, *, apply_recipe: bool) -> explore.ExploreFrame:

    key = repr(sorted(get_settings(wb, version.project_id).to_json().items()))
    return _cached_explore(version.id, version.sha256, apply_recipe, key, str(wb.settings.home))


@st.cache_data(max_entries=6, show_spinner="Computing the overview…")
def _cached_overview(
    version_id: int, sha256: str, apply_recipe: bool, settings_key: str, home: str
) -> Overview:
    data = _cached_explore(version_id, sha256, apply_recipe, settings_key, home)
    return overview(data.frame, data.schema)


def overview_section(wb: Workbench, version: VersionInfo, *, apply_recipe: bool) -> None:

    key = repr(sorted(get_settings(wb, version.project_id).to_json().items()))
    facts = _cached_overview(version.id, version.sha256, apply_recipe, key, str(wb.settings.home))
    cols = st.columns(5)
    cols[0].metric("Rows", f"{facts.rows:,}")
    data = load(wb, version, apply_recipe=apply_recipe)
    if data.rows_left_out:
        st.caption(f"Shown: {data.rows_sentence()}.")
    cols[1].metric("Columns", f"{facts.columns:,}")
    cols[2].metric("Duplicate rows", f"{facts.duplicate_rows:,}")
    cols[3].metric("Memory", f"{facts.memory_bytes / 1e6:,.1f} MB")
    cols[4].metric(
        "Numeric / categorical / other", f"{facts.numeric} / {facts.categorical} / {facts.other}"
    )
    st.dataframe(
        facts.table(),
        hide_index=True,
        width="stretch",
        column_config={
            "distribution": st.column_config.BarChartColumn("distribution", width="small")
        },
    )


def _columns(data: explore.ExploreFrame, *, numeric: bool | None = None) -> list[str]:
    names = []
    for column in data.schema.columns:
        if column.role == "target":
            continue
        if numeric is None or (column.type in NUMERIC_TYPES) == numeric:
            names.append(column.name)
    return names


def distribution_tab(data: explore.ExploreFrame) -> None:
    columns = [c.name for c in data.schema.columns]
    useful = [c.name for c in data.schema.columns if c.role not in ("identifier", "ignore")]
    default = columns.index(useful[0]) if useful else 0
    left, right = st.columns([3, 1])
    column = left.selectbox("Column", columns, index=default, key="wb.explore.dist.column")
    bins = right.slider("Bins", 5, 100, 30, key="wb.explore.dist.bins")
    series = data.frame[column]
    st.plotly_chart(
        figures.distribution_figure(distribution(series, bins=bins)), key="wb.explore.dist.chart"
    )
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        stats = attempt(lambda: distribution_stats(series))
        if stats is not None:
            cols = st.columns(4)
            cols[0].metric("Skewness", f"{stats.skewness:.2f}")
            cols[1].metric("Outliers (IQR)", f"{stats.outliers_iqr:,}")
            cols[2].metric("Fences", f"{stats.lower_fence:.4g} … {stats.upper_fence:.4g}")
            cols[3].metric("Shape", stats.normality)
        st.plotly_chart(figures.box_figure(box_summary(series)), key="wb.explore.box.chart")


def missing_tab(data: explore.ExploreFrame) -> None:
    if not data.frame.isna().any().any():
        st.success("No missing values in any column.", icon=":material/check_circle:")
        return
    st.plotly_chart(
        figures.missing_figure(missing_counts(data.frame)), key="wb.explore.missing.chart"
    )
    st.plotly_chart(
        figures.missing_pattern_figure(missing_patterns(data.frame)), key="wb.explore.pattern.chart"
    )


def correlation_tab(data: explore.ExploreFrame) -> None:
    method = st.radio(
        "Method for numbers", ["pearson", "spearman"], horizontal=True, key="wb.explore.corr.method"
    )
    corr = attempt(lambda: correlations(data.frame, data.schema, method=method))
    if corr is None:
        return
    left, right = st.columns(2)
    with left:
        if corr.matrix.shape[0] >= 2:
            st.plotly_chart(
                figures.correlation_figure(
                    corr.matrix, f"{method.capitalize()} correlation (numbers)"
                ),
                key="wb.explore.corr.num",
            )
        else:
            st.caption("Fewer than two numeric columns.")
    with right:
        if corr.cramers_v.shape[0] >= 2:
            st.plotly_chart(
                figures.correlation_figure(corr.cramers_v, "Cramér's V (categories)"),
                key="wb.explore.corr.cat",
            )
        else:
            st.caption("Fewer than two categorical columns.")
    if corr.collinear_pairs:
        st.markdown("**Strongly related pairs** (one of each pair may be redundant):")
        st.dataframe(
            pd.DataFrame(corr.collinear_pairs, columns=["column", "with", "strength"]),
            hide_index=True,
        )
    else:
        st.caption("No strongly collinear pairs (|r| or V ≥ 0.8).")


def target_tab(data: explore.ExploreFrame) -> None:
    if data.schema.target is None:
        st.info(
            "Choose a target on the Data page to see how each column relates to it.",
            icon=":material/target:",
        )
        return
    ranked = attempt(lambda: target_associations(data.frame, data.schema))
    if ranked is not None:
        st.markdown(f"**Columns ranked by association with {code_span(data.schema.target)}**")
        st.dataframe(ranked, hide_index=True, width="stretch")
    options = _columns(data)
    default = (
        options.index(ranked.iloc[0, 0])
        if ranked is not None and len(ranked) and ranked.iloc[0, 0] in options
        else 0
    )
    column = st.selectbox("Column", options, index=default, key="wb.explore.target.column")
    relation = attempt(lambda: target_relation(data.frame, data.schema, column))
    if relation is not None:
        st.plotly_chart(figures.target_relation_figure(relation), key="wb.explore.target.chart")


def pair_tab(data: explore.ExploreFrame) -> None:
    options = _columns(data)
    if len(options) < 2:
        st.caption("Needs at least two columns.")
        return
    left, right = st.columns(2)
    x = left.selectbox("X", options, index=0, key="wb.explore.pair.x")
    y = right.selectbox("Y", options, index=1, key="wb.explore.pair.y")
    figure = attempt(
        lambda: figures.pair_figure(pair_view(data.frame, x, y, color=data.schema.target))
    )
    if figure is not None:
        st.plotly_chart(figure, key="wb.explore.pair.chart")


def time_tab(data: explore.ExploreFrame) -> None:
    candidates = [
        c.name
        for c in data.schema.columns
        if c.type == "datetime" or "dates stored as text" in c.note
    ]
    if not candidates:
        st.info(
            "No date column found. Parse a text column as dates in the Data page's recipe to get a time view.",
            icon=":material/event:",
        )
        return
    column = st.selectbox("Date column", candidates, key="wb.explore.time.column")
    view = attempt(lambda: time_view(data.frame, column, data.schema))
    if view is not None:
        st.plotly_chart(figures.time_figure(view, column, data.schema), key="wb.explore.time.chart")


def split_tab(wb: Workbench, version: VersionInfo, data: explore.ExploreFrame) -> None:
    stored = splits.get_split(wb, version)
    if stored is None:
        st.info(
            "Define the evaluation split on the Data page to compare train and test rows.",
            icon=":material/call_split:",
        )
        return
    table = attempt(lambda: split_comparison(data.frame, stored.split, data.schema))
    if table is None:
        return
    flagged = int(table["differs"].sum()) if "differs" in table else 0
    (st.warning if flagged else st.success)(
        f"{flagged} column(s) differ between train and test."
        if flagged
        else "Train and test rows look alike in every column.",
    )
    st.dataframe(table, hide_index=True, width="stretch")
    column = st.selectbox("Column", list(table.iloc[:, 0]), key="wb.explore.split.column")
    st.plotly_chart(
        figures.split_comparison_figure(split_distribution(data.frame, stored.split, column)),
        key="wb.explore.split.chart",
    )


def report_tab(wb: Workbench, version: VersionInfo, *, read_only: bool = False) -> None:
    st.caption(
        "The full report is made by ydata-profiling in the background. It is an HTML page with "
        "scripts and your data, so it is not run inside the app: its findings are shown here and "
        "the page itself is a download you open locally."
    )
    left, mid, right = st.columns(3)
    sample = int(
        left.number_input(
            "Sample rows", 1_000, 1_000_000, 100_000, 10_000, key="wb.explore.report.sample"
        )
    )
    seed = int(mid.number_input("Seed", 0, 10_000, 0, key="wb.explore.report.seed"))
    minimal = right.toggle(
        "Minimal (faster: no correlations or interactions)",
        value=False,
        key="wb.explore.report.minimal",
    )
    settings = ProfileSettings(
        sample_rows=sample, seed=seed, minimal=minimal, title=f"Dataset v{version.version}"
    )
    data = load(wb, version, apply_recipe=True)  # the report profiles the cleaned rows
    st.caption(
        f"Profiled on all {data.rows_sentence()}."
        if sample >= data.rows
        else f"Profiled on a seeded {sample:,}-row sample (seed {seed}) of {data.rows_sentence()}."
    )
    report = explore.find_report(wb, version.id, settings)
    if report is None:
        if st.button(
            "Make the full report",
            key="wb.explore.report.start",
            icon=":material/summarize:",
            type="primary",
            disabled=read_only,
        ):
            explore.submit_profile(wb, version, settings)
            if wb.settings.autostart_worker:
                ensure_worker(wb)
            st.rerun()
        jobs = [
            j
            for j in list_jobs(
                wb, project_id=version.project_id, kind=explore.PROFILE_KIND, limit=3
            )
        ]
        if jobs and (jobs[0].is_active or jobs[0].status != "succeeded"):
            job_panel(wb, jobs[0].id)
        return
    _report_summary(wb, report)


def _report_summary(wb: Workbench, report: explore.ReportInfo) -> None:
    summary = explore.report_summary(wb, report)
    st.success(
        f"Report ready: {report.rows_profiled:,} rows profiled in {report.seconds:,.0f} s "
        f"({report.created_at:%Y-%m-%d %H:%M} UTC).",
        icon=":material/summarize:",
    )
    st.download_button(
        "Download the full report (HTML)", explore.report_html(wb, report), f"profile-v{report.version_id}.html",
        "text/html", icon=":material/download:", key="wb.explore.report.download",
    )  # fmt: skip
    alerts = summary.get("alerts", [])
    st.markdown(f"**Alerts from the report** ({len(alerts)})")
    for alert in alerts:
        st.text(f"• {alert}")
    variables = summary.get("variables")
    if variables:
        st.dataframe(pd.DataFrame(variables), hide_index=True, width="stretch")


def notes_section(wb: Workbench, version: VersionInfo, *, read_only: bool = False) -> None:
    saved = explore.get_note(wb, version.id)
    with st.form(f"wb.explore.notes.{version.id}"):
        text = st.text_area(
            "What did you find? (saved with this dataset version; printed in the model card)",
            value=saved, height=140, key=f"wb.explore.notes.text.{version.id}", disabled=read_only,
        )  # fmt: skip
        if st.form_submit_button("Save notes", icon=":material/save:", disabled=read_only):
            try:
                explore.save_note(wb, version.id, text)
            except CoreError as error:  # over the note's length limit
                show_error(error)
            else:
                st.toast("Notes saved.", icon=":material/check:")
