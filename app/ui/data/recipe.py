"""Data page: the cleaning recipe (ordered steps, preview before/after) and the frozen split."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.services import data_config, recipes, splits
from app.services.datasets import VersionInfo
from app.ui.data.common import frame_of
from app.ui.feedback import attempt
from app.ui.labels import Labels
from core.data.cleaning import preview_recipe
from core.data.recipe import RECIPE_SCOPE_NOTE, Recipe, Step, step_from_dict
from core.data.split import split_spec_from_dict
from core.report import escape_markdown

STEP_LABELS = {
    "drop_column": "Drop a column",
    "drop_duplicates": "Drop duplicate rows",
    "filter_rows": "Keep only rows where…",
    "cast": "Change a column's type",
    "parse_dates": "Parse dates in a text column",
    "cap_outliers": "Cap values to a range",
    "fill_missing": "Fill missing values with a constant",
    "rename": "Rename a column",
}
FILTER_OPS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "not null", "contains"]
CAST_TARGETS = ["numeric", "integer", "string", "boolean", "category", "datetime"]


def recipe_section(wb: Workbench, version: VersionInfo, *, read_only: bool = False) -> None:
    st.info(RECIPE_SCOPE_NOTE, icon=":material/info:")
    project_id = version.project_id
    recipe = data_config.recipe(wb, project_id)
    frame = frame_of(wb, version)
    if not recipe.steps:
        st.caption(
            "The recipe is empty: the data is used as imported. Add steps below or from the Quality tab."
        )
    for index, step in enumerate(recipe.steps):
        _step_row(wb, version, recipe, index, step, read_only=read_only)
    _add_step_form(wb, version, list(frame.columns), read_only=read_only)
    if recipe.steps:
        _preview(frame, recipe)


def _step_row(
    wb: Workbench, version: VersionInfo, recipe: Recipe, index: int, step: Step, *,
    read_only: bool,
) -> None:  # fmt: skip
    cols = st.columns([8, 1, 1, 1])
    cols[0].markdown(f"**{index + 1}.** {escape_markdown(step.describe())}")
    number = index + 1
    actions = {
        1: ("up", ":material/arrow_upward:", lambda: recipes.move_step(wb, version, number, -1), index > 0),
        2: ("down", ":material/arrow_downward:", lambda: recipes.move_step(wb, version, number, 1),
            index < len(recipe.steps) - 1),
        3: ("remove", ":material/delete:", lambda: recipes.remove_step(wb, version, number), True),
    }  # fmt: skip
    for col, (name, icon, change, enabled) in actions.items():
        if cols[col].button(
            "",
            icon=icon,
            key=f"wb.data.recipe.{name}.{index}",
            help=name,
            disabled=read_only or not enabled,
        ) and attempt(change):
            st.rerun()


def _add_step_form(
    wb: Workbench, version: VersionInfo, columns: list[str], *, read_only: bool
) -> None:
    st.markdown("##### Add a step")
    kind = st.selectbox(
        "Step", list(STEP_LABELS), format_func=Labels.of(STEP_LABELS), key="wb.data.recipe.kind"
    )
    with st.form("wb.data.recipe.form"):
        spec: dict[str, Any] = {"kind": kind}
        if kind != "drop_duplicates":
            spec["column"] = st.selectbox("Column", columns, key="wb.data.recipe.column")
        spec["params"] = _params_widgets(kind)
        if st.form_submit_button("Add step", icon=":material/add:", disabled=read_only):
            step = attempt(lambda: step_from_dict(spec))
            # checked on this version before it is saved, as `workbench data recipe --add`
            if step is not None and attempt(lambda: recipes.add_step(wb, version, step)):
                st.rerun()


def _params_widgets(kind: str) -> dict[str, Any]:
    if kind == "filter_rows":
        op = st.selectbox(
            "Condition", FILTER_OPS, key="wb.data.recipe.op",
            help="A missing value satisfies no comparison (≠ and 'not in' included): "
            "use 'is null' / 'not null' to keep or drop those rows.",
        )  # fmt: skip
        if op in ("is null", "not null"):
            return {"op": op}
        raw = st.text_input("Value (for 'in': comma-separated)", key="wb.data.recipe.value")
        value: Any = (
            [v.strip() for v in raw.split(",")] if op in ("in", "not in") else _number_or_text(raw)
        )
        return {"op": op, "value": value}
    if kind == "cast":
        return {"to": st.selectbox("To", CAST_TARGETS, key="wb.data.recipe.to")}
    if kind == "parse_dates":
        fmt = st.text_input("Format (optional, e.g. %d/%m/%Y)", key="wb.data.recipe.format")
        return {"format": fmt} if fmt.strip() else {}
    if kind == "cap_outliers":
        left, right = st.columns(2)
        return {
            "lower": left.number_input("Lowest allowed", value=None, key="wb.data.recipe.lower"),
            "upper": right.number_input("Highest allowed", value=None, key="wb.data.recipe.upper"),
        }
    if kind == "fill_missing":
        return {"value": _number_or_text(st.text_input("Fill with", key="wb.data.recipe.fill"))}
    if kind == "rename":
        return {"to": st.text_input("New name", key="wb.data.recipe.rename")}
    return {}


def _number_or_text(raw: str) -> Any:
    text = raw.strip()
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def _preview(frame: pd.DataFrame, recipe: Recipe) -> None:
    st.markdown("##### Preview")
    preview = attempt(lambda: preview_recipe(frame, recipe))
    if preview is None:
        return
    reports = pd.DataFrame(
        [
            {"step": r.index + 1, "what": r.step.describe(), "rows before": r.rows_before,
             "rows after": r.rows_after, "cells changed": r.changed_cells, "note": r.note}
            for r in preview.reports
        ]
    )  # fmt: skip
    st.dataframe(reports, hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.caption("Before (sample rows)")
    left.dataframe(preview.before, height=260)
    right.caption("After (the same rows)")
    right.dataframe(preview.after, height=260)


def split_table(summary: dict[str, Any]) -> pd.DataFrame:
    """One row per side of a frozen split: rows, then the positive rate or class shares or the
    target mean, as percentages a person reads (``data split --json`` holds the same figures)."""
    sides = ["train", "test"] + (["excluded"] if summary["rows"].get("excluded") else [])
    table = pd.DataFrame({"side": sides, "rows": [summary["rows"][s] for s in sides]})
    kept = sides[:2]
    if "positive_rate" in summary:
        rates = summary["positive_rate"]
        column = f"share of {summary['positive_class']} (positive)"
        table[column] = [_percent(rates.get(s)) if s in kept else "" for s in sides]
    elif "class_share" in summary:
        for label in sorted({c for s in kept for c in summary["class_share"].get(s, {})}):
            table[f"share of {label}"] = [
                _percent(summary["class_share"][s].get(label, 0.0)) if s in kept else ""
                for s in sides
            ]
    elif "target_mean" in summary:
        means = summary["target_mean"]
        table["target mean"] = [
            "" if s not in kept or means.get(s) is None else f"{means[s]:,.4g}" for s in sides
        ]
    return table


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.1%}"


def split_section(wb: Workbench, version: VersionInfo, *, read_only: bool = False) -> None:
    stored = splits.get_split(wb, version)
    frame = frame_of(wb, version)
    if stored is not None:
        st.success(
            f"Frozen: {escape_markdown(stored.summary.get('description'))}", icon=":material/lock:"
        )
        st.dataframe(split_table(stored.summary), hide_index=True)
        for note in stored.summary.get("notes", []):
            st.caption(f":material/info: {escape_markdown(note)}")
        with st.expander("Replace the split"):
            st.warning(
                "Runs trained on the current split are compared on its test rows; a new split "
                "makes them no longer comparable.",
                icon=":material/warning:",
            )
            confirmed = st.checkbox(
                "I understand, replace it", key="wb.data.split.confirm", disabled=read_only
            )
            _split_form(
                wb, version, list(frame.columns), replace=True, enabled=confirmed and not read_only
            )
        return
    st.caption(
        "Every model is compared on the same held-out rows. Define the split once; it is then frozen for this version."
    )
    _split_form(wb, version, list(frame.columns), replace=False, enabled=not read_only)


def _split_form(
    wb: Workbench, version: VersionInfo, columns: list[str], *, replace: bool, enabled: bool
) -> None:
    suffix = ".replace" if replace else ""
    method = st.radio(
        "Method", ["random", "time", "group"], horizontal=True, key=f"wb.data.split.method{suffix}",
        format_func=Labels.of({"random": "Random hold-out", "time": "By time (latest rows to test)", "group": "By group"}),
    )  # fmt: skip
    with st.form(f"wb.data.split.form{suffix}"):
        spec: dict[str, Any] = {"method": method}
        left, right = st.columns(2)
        spec["test_size"] = left.slider(
            "Test share", 0.05, 0.5, 0.2, 0.05, key=f"wb.data.split.size{suffix}"
        )
        spec["seed"] = int(
            right.number_input("Seed", value=0, step=1, key=f"wb.data.split.seed{suffix}")
        )
        if method == "random":
            spec["stratify"] = st.checkbox(
                "Stratify on the target", value=True, key=f"wb.data.split.strat{suffix}"
            )
        elif method == "time":
            spec["time_column"] = st.selectbox(
                "Time column", columns, key=f"wb.data.split.time{suffix}"
            )
        else:
            spec["group_column"] = st.selectbox(
                "Group column", columns, key=f"wb.data.split.group{suffix}"
            )
        if st.form_submit_button("Freeze the split", icon=":material/lock:", disabled=not enabled):
            parsed = attempt(lambda: split_spec_from_dict(spec))
            if parsed is not None and attempt(
                lambda: splits.define_split(wb, version, parsed, replace=replace)
            ):
                st.toast("Split frozen.", icon=":material/lock:")
                st.rerun()
