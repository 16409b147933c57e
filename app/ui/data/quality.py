"""Data page: quality findings (with one-click fixes into the recipe) and user expectations."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.services import data_config, quality, recipes
from app.services.datasets import VersionInfo, get_version, load_frame
from app.ui.data.common import frame_of
from app.ui.feedback import attempt
from app.ui.labels import Labels
from core.data.expectations import Expectation, expectation_from_dict
from core.report import escape_markdown

SEVERITY_STYLE = {
    "error": (":material/error:", "red"),
    "warning": (":material/warning:", "orange"),
    "info": (":material/info:", "blue"),
}
EXPECTATION_LABELS = {
    "not_null": "is never missing",
    "unique": "has unique values",
    "range": "lies within a range",
    "allowed_values": "is one of a list of values",
    "regex": "matches a pattern",
    "row_count": "row count within a range",
}


@st.cache_data(max_entries=8, show_spinner="Checking the data…")
def _cached_report(version_id: int, sha256: str, settings_key: str, home: str) -> dict:
    """Findings depend on the data and the settings (roles, expectations): both are in the key."""

    wb = open_workbench()
    version = get_version(wb, version_id)
    report = quality.check_frame(wb, version.project_id, load_frame(wb, version))
    return {"report": report, "fixes": recipes.fix_options(wb, version, report.findings)}


def _cached(wb: Workbench, version: VersionInfo) -> dict:
    settings = data_config.get_settings(wb, version.project_id)
    key = repr(sorted(settings.to_json().items()))  # the recipe is part of it
    return _cached_report(version.id, version.sha256, key, str(wb.settings.home))


def report_for(wb: Workbench, version: VersionInfo) -> quality.CheckReport:
    return _cached(wb, version)["report"]


def findings_section(wb: Workbench, version: VersionInfo, *, read_only: bool = False) -> None:
    cached = _cached(wb, version)
    report = cached["report"]
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITY_STYLE}
    cols = st.columns(3)
    for col, (severity, (icon, colour)) in zip(cols, SEVERITY_STYLE.items(), strict=True):
        col.markdown(
            f":{colour}[{icon}] **{counts[severity]}** {severity}{'s' if counts[severity] != 1 else ''}"
        )
    if not report.findings:
        st.success("No quality problems found.", icon=":material/check_circle:")
        return
    for index, option in enumerate(cached["fixes"]):
        _finding_card(wb, version, option, index, read_only=read_only)


def _finding_card(
    wb: Workbench, version: VersionInfo, option: recipes.FixOption, index: int, *, read_only: bool
) -> None:
    finding = option.finding
    icon, colour = SEVERITY_STYLE[finding.severity]
    with st.container(border=True):
        head = f":{colour}[{icon} **{finding.severity}**] `{finding.code}`"
        if finding.column:
            head += f" · column **{escape_markdown(finding.column)}**"
        st.markdown(head)
        st.text(
            finding.message
        )  # plain text: user data (column names, values) is never rendered as markup
        if finding.fix:
            st.caption(f"Suggested fix: {escape_markdown(finding.fix)}")
        if option.step is None:
            return
        if option.in_recipe is not None:
            st.caption(":material/check: Already in the cleaning recipe.")
            return
        if option.problem is not None:
            st.text(f"This fix cannot run on the data as the recipe leaves it: {option.problem}")
            return
        _fix_button(wb, version, option, index, read_only=read_only)


def _fix_button(
    wb: Workbench, version: VersionInfo, option: recipes.FixOption, index: int, *, read_only: bool
) -> None:
    """One click below the confirmation share; above it, a stated reason and a confirmation."""
    assert option.step is not None
    impact = option.impact
    confirmed = True
    if impact is not None:
        st.caption(f"This fix {escape_markdown(impact.describe())}.")
        if impact.needs_confirmation:
            st.warning(
                f"Not a one-click fix: it {escape_markdown(impact.warning)}.",
                icon=":material/warning:",
            )
            confirmed = st.checkbox(
                "I checked: these are errors, add the fix anyway",
                key=f"wb.data.fix.confirm.{version.id}.{index}",
                disabled=read_only,
            )
    if st.button(
        f"Add to recipe: {escape_markdown(option.step.describe())}",
        key=f"wb.data.fix.{version.id}.{index}",
        icon=":material/add:",
        disabled=read_only or not confirmed,
    ) and attempt(lambda: recipes.add_fix(wb, version, option, confirmed=confirmed)):
        st.toast(
            "Added to the cleaning recipe — see the Recipe tab for the preview.",
            icon=":material/add_task:",
        )
        st.rerun()


def expectations_section(wb: Workbench, version: VersionInfo, *, read_only: bool = False) -> None:
    project_id = version.project_id
    items = data_config.expectations(wb, project_id)
    report = report_for(wb, version)
    if items:
        rows = [
            {"expectation": r.expectation.describe(), "result": "pass" if r.passed else "FAIL",
             "failing rows": r.failing_rows, "details": r.message, "examples": ", ".join(r.examples)}
            for r in report.expectations
        ]  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption("Expectations are re-checked automatically on every new version.")
        remove = st.selectbox(
            "Remove an expectation", [None, *range(len(items))],
            format_func=Labels.of({None: "—", **{i: e.describe() for i, e in enumerate(items)}}),
            key="wb.data.exp.remove",
        )  # fmt: skip
        if remove is not None and st.button(
            "Remove", key="wb.data.exp.remove_button", icon=":material/delete:",
            disabled=read_only,
        ):  # fmt: skip
            data_config.save_expectations(
                wb, project_id, [e for i, e in enumerate(items) if i != remove]
            )
            st.rerun()
    else:
        st.caption(
            "No expectations yet. Add rules the data must always follow; every new version is checked against them."
        )
    _add_expectation_form(
        wb, project_id, list(frame_of(wb, version).columns), items, read_only=read_only
    )


def _add_expectation_form(
    wb: Workbench, project_id: int, columns: list[str], items: list[Expectation], *,
    read_only: bool,
) -> None:  # fmt: skip
    st.markdown("##### Add an expectation")
    kinds = list(EXPECTATION_LABELS)
    kind = st.selectbox(
        "Rule", kinds, format_func=Labels.of(EXPECTATION_LABELS), key="wb.data.exp.kind"
    )
    with st.form("wb.data.exp.form", clear_on_submit=False):
        column = (
            None
            if kind == "row_count"
            else st.selectbox("Column", columns, key="wb.data.exp.column")
        )
        spec: dict = {"kind": kind, "column": column}
        if kind in ("range", "row_count"):
            left, right = st.columns(2)
            spec["min"] = left.number_input("Minimum", value=None, key="wb.data.exp.min")
            spec["max"] = right.number_input("Maximum", value=None, key="wb.data.exp.max")
        elif kind == "allowed_values":
            text = st.text_input("Allowed values, comma-separated", key="wb.data.exp.values")
            spec["values"] = [v.strip() for v in text.split(",") if v.strip()]
        elif kind == "regex":
            spec["pattern"] = st.text_input(
                "Pattern (must match the whole value)", key="wb.data.exp.pattern"
            )
        if st.form_submit_button("Add expectation", icon=":material/add:", disabled=read_only):
            new = attempt(lambda: expectation_from_dict(spec))
            if new is not None:
                data_config.save_expectations(wb, project_id, [*items, new])
                st.toast(f"Added: {escape_markdown(new.describe())}", icon=":material/check:")
                st.rerun()
