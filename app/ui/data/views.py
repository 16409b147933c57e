"""Data page: the versions list and comparison, and the schema/roles editor."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.services import data_config, datasets
from app.services.datasets import VersionInfo
from app.ui.data import sensitive as data_sensitive
from app.ui.data.common import frame_of
from app.ui.feedback import attempt
from app.ui.labels import Labels
from core.data.inference import ColumnType
from core.data.schema import Role, Schema, infer_schema
from core.data.versions import compare_versions
from core.report import code_span, escape_markdown

TYPES = list(ColumnType.__args__)  # type: ignore[attr-defined]
ROLES = list(Role.__args__)  # type: ignore[attr-defined]
TASK_LABELS = {
    None: "As inferred",
    "binary": "Binary classification",
    "multiclass": "Multiclass classification",
    "regression": "Regression",
}


def versions_section(wb: Workbench, project_id: int) -> None:
    versions = datasets.list_versions(wb, project_id)
    table = pd.DataFrame(
        [
            {
                "version": f"v{v.version}",
                "rows": v.rows,
                "columns": v.columns,
                "source": v.source,
                "content hash": v.sha256[:16],
                "imported (UTC)": v.created_at.strftime("%Y-%m-%d %H:%M"),
            }
            for v in versions
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(
        "Importing the same content again creates no new version: versions are identified by content hash."
    )
    if len(versions) < 2:
        return
    st.markdown("##### Compare two versions")
    labels = Labels.of({v.id: f"v{v.version}" for v in versions})
    left, right = st.columns(2)
    old_id = left.selectbox(
        "From", [v.id for v in versions], index=1, format_func=labels, key="wb.data.cmp.old"
    )
    new_id = right.selectbox(
        "To", [v.id for v in versions], index=0, format_func=labels, key="wb.data.cmp.new"
    )
    by_id = {v.id: v for v in versions}
    diff = compare_versions(frame_of(wb, by_id[old_id]), frame_of(wb, by_id[new_id]))
    cols = st.columns(4)
    cols[0].metric("Rows", f"{diff.rows_after:,}", delta=diff.rows_after - diff.rows_before)
    cols[1].metric("Rows added", f"{diff.rows_added:,}")
    cols[2].metric("Rows removed", f"{diff.rows_removed:,}")
    cols[3].metric(
        "Columns added / removed", f"{len(diff.columns_added)} / {len(diff.columns_removed)}"
    )
    changed = diff.table()
    only_changed = st.toggle("Only changed columns", value=True, key="wb.data.cmp.only")
    if only_changed:
        changed = changed[changed["status"] != "same"]
    st.dataframe(changed, hide_index=True, width="stretch")


def schema_section(
    wb: Workbench, project_id: int, version: VersionInfo, *, read_only: bool = False
) -> Schema | None:
    frame = frame_of(wb, version)
    resolved = attempt(lambda: data_config.schema_for(wb, project_id, frame))
    if resolved is None:
        return None
    _task_line(wb, project_id, resolved, frame, read_only=read_only)
    data_sensitive.suggestions_section(wb, project_id, frame, resolved.target, read_only=read_only)
    table = pd.DataFrame(
        [
            {
                "column": c.name,
                "type": c.type,
                "role": c.role,
                "inferred": c.inferred_type,
                "missing": c.missing,
                "distinct": c.distinct,
                "why": c.note,
            }
            for c in resolved.columns
        ]
    )
    st.caption(
        "Change a column's **role** (exactly one target; sensitive attributes are analysed on "
        "the Fairness stage, and used as inputs only if you choose so on the Train page) or its "
        "**type**, then save."
    )
    edited = st.data_editor(
        table,
        key=f"wb.data.schema.{version.id}",
        hide_index=True,
        disabled=read_only or ["column", "inferred", "missing", "distinct", "why"],
        column_config={
            "type": st.column_config.SelectboxColumn("type", options=TYPES, required=True),
            "role": st.column_config.SelectboxColumn("role", options=ROLES, required=True),
            "why": st.column_config.TextColumn("why", width="large"),
        },
        width="stretch",
    )
    if st.button(
        "Save roles and types", key="wb.data.schema.save", type="primary", icon=":material/save:",
        disabled=read_only,
    ):  # fmt: skip
        _save_schema(wb, project_id, frame, resolved, edited)
    return resolved


def _save_schema(wb, project_id, frame, resolved, edited) -> None:  # type: ignore[no-untyped-def]
    targets = edited.loc[edited["role"] == "target", "column"].tolist()
    if len(targets) > 1:
        st.error(
            f"Only one column can be the target; you chose {escape_markdown(', '.join(targets))}.",
            icon=":material/error:",
        )
        return
    roles = dict(zip(edited["column"], edited["role"], strict=True))
    inferred = {c.name: c.inferred_type for c in resolved.columns}
    types = {
        c: t for c, t in zip(edited["column"], edited["type"], strict=True) if inferred.get(c) != t
    }
    target = targets[0] if targets else None

    def save() -> data_config.DataSettings:
        infer_schema(frame, target=target, roles=roles, types=types)  # validates
        return data_config.update_settings(wb, project_id, roles=roles, types=types, target=target)

    if attempt(save) is not None:
        st.toast("Roles and types saved.", icon=":material/check:")
        st.rerun()


def _task_line(
    wb: Workbench, project_id: int, resolved: Schema, frame: pd.DataFrame, *, read_only: bool
) -> None:
    if resolved.target is None:
        st.info(
            "Choose the **target** column (the one to predict): set its role to *target* below.",
            icon=":material/target:",
        )
        return
    settings = data_config.get_settings(wb, project_id)
    left, right = st.columns([3, 2])
    left.markdown(
        f"**Target:** {code_span(resolved.target)} → **{resolved.task}**. "
        f"{escape_markdown(resolved.task_reason)}"
    )
    choice = right.selectbox(
        "Task type", list(TASK_LABELS), index=list(TASK_LABELS).index(settings.task),
        format_func=Labels.of(TASK_LABELS), key="wb.data.task", disabled=read_only,
    )  # fmt: skip
    if choice != settings.task and attempt(lambda: _save_task(wb, project_id, frame, choice)):
        st.rerun()
    if resolved.task == "binary" and len(resolved.classes) == 2:
        _positive_line(wb, project_id, resolved, frame, settings.positive_class, read_only)


POSITIVE_AUTO = "__automatic__"  # the selectbox option for "no choice of mine"


def _positive_line(
    wb: Workbench,
    project_id: int,
    resolved: Schema,
    frame: pd.DataFrame,
    chosen: str | None,
    read_only: bool,
) -> None:
    """The picked positive class and why (as text: labels are user data), and one control."""
    left, right = st.columns([3, 2])
    left.text(f"Positive class: {resolved.positive_class} ({resolved.positive_class_reason})")
    left.caption(
        "The class whose probability the model gives and that the threshold flags; "
        "the payoff's true positives are this class."
    )
    options = [POSITIVE_AUTO, *resolved.classes]
    current = chosen if chosen in resolved.classes else POSITIVE_AUTO
    picked = right.selectbox(
        "Positive class", options, index=options.index(current),
        format_func=Labels.of({POSITIVE_AUTO: "Automatic"}), key="wb.data.positive",
        disabled=read_only,
    )  # fmt: skip
    if picked == current:
        return
    label = None if picked == POSITIVE_AUTO else picked
    if attempt(lambda: data_config.set_positive_class(wb, project_id, label, frame)):
        st.toast("Positive class saved.", icon=":material/check:")
        st.rerun()


def _save_task(wb: Workbench, project_id: int, frame: pd.DataFrame, task: str | None) -> bool:
    settings = data_config.get_settings(wb, project_id)
    infer_schema(
        frame, target=settings.target, roles={k: v for k, v in settings.roles.items() if k in frame},
        types={k: v for k, v in settings.types.items() if k in frame}, task=task,  # type: ignore[arg-type]
    )  # raises a clear SchemaError, e.g. regression on a text target  # fmt: skip
    data_config.update_settings(wb, project_id, task=task)
    return True
