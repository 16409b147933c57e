"""The Goal page's form: widgets bound to paths of the goal document, errors shown per field.

Widgets are keyed ``wb.goal.g{generation}.{path}``; the generation changes whenever the
document is (re)loaded from the database (first visit, another tab, a restored version),
so widgets start from the saved values and keep the user's edits in between.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app.ui.labels import Labels
from core.goal import FieldProblem, MilestoneStatus, RiskCategory
from core.report import escape_markdown

GENERATION_KEY = "wb.goal.generation"
SYNCED_KEY = "wb.goal.synced"

RISK_CATEGORIES = list(RiskCategory.__args__)  # type: ignore[attr-defined]
MILESTONE_STATUSES = list(MilestoneStatus.__args__)  # type: ignore[attr-defined]
RISK_COLUMNS = ["name", "category", "likelihood", "impact", "owner", "mitigation"]
MILESTONE_COLUMNS = ["name", "due", "status"]


def get_path(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target = document
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def sync_generation(project_id: int, version: int) -> int:
    """Bump the widget generation when the saved document is not the one the widgets show."""
    if st.session_state.get(SYNCED_KEY) != (project_id, version):
        st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
        st.session_state[SYNCED_KEY] = (project_id, version)
    return st.session_state[GENERATION_KEY]


def mark_synced(project_id: int, version: int) -> None:
    """The widgets already show this version (they produced it): no reload needed."""
    st.session_state[SYNCED_KEY] = (project_id, version)


class GoalForm:
    """Collects widget values into a goal document and places validation errors next to fields."""

    def __init__(self, saved: dict[str, Any], generation: int, *, read_only: bool = False) -> None:
        self.saved = saved
        self.generation = generation
        #: A viewer's form: every widget drawn disabled, nothing saved.
        self.read_only = read_only
        self.values: dict[str, Any] = {}
        self.lists: dict[str, list[dict[str, Any]]] = {}
        self._slots: dict[str, Any] = {}

    def key(self, path: str) -> str:
        return f"wb.goal.g{self.generation}.{path}"

    def _slot(self, path: str) -> None:
        self._slots[path] = st.empty()

    # -- widgets ---------------------------------------------------------------------
    def text(self, label: str, path: str, *, area: bool = False, **kwargs: Any) -> str | None:
        initial = get_path(self.saved, path)
        widget = st.text_area if area else st.text_input
        value = widget(
            label, value="" if initial is None else str(initial), key=self.key(path),
            disabled=self.read_only, **kwargs,
        )  # fmt: skip
        self._slot(path)
        self.values[path] = value.strip() or None
        return self.values[path]

    def number(
        self, label: str, path: str, *, step: float = 1.0, fmt: str | None = None, **kwargs: Any
    ) -> float | None:
        initial = get_path(self.saved, path)
        value = st.number_input(
            label,
            value=None if initial is None else float(initial),
            step=float(step),
            format=fmt,
            key=self.key(path),
            disabled=self.read_only,
            **kwargs,
        )
        self._slot(path)
        self.values[path] = value
        return value

    def choice(
        self, label: str, path: str, options: list[Any], *, labels: dict[Any, str] | None = None,
        radio: bool = False, default: Any = None, **kwargs: Any,
    ) -> Any:  # fmt: skip
        initial = get_path(self.saved, path)
        current = initial if initial in options else default
        index = options.index(current) if current in options else None
        widget = st.radio if radio else st.selectbox
        extra = {"horizontal": True} if radio else {"placeholder": "Choose…"}
        value = widget(
            label, options, index=index, key=self.key(path),
            format_func=Labels(tuple((labels or {}).items())), disabled=self.read_only,
            **extra, **kwargs,
        )  # fmt: skip
        self._slot(path)
        self.values[path] = value
        return value

    def day(self, label: str, path: str, **kwargs: Any) -> date | None:
        initial = get_path(self.saved, path)
        value = st.date_input(
            label,
            value=date.fromisoformat(initial) if isinstance(initial, str) else None,
            key=self.key(path),
            format="YYYY-MM-DD",
            disabled=self.read_only,
            **kwargs,
        )
        self._slot(path)
        self.values[path] = value.isoformat() if isinstance(value, date) else None
        return value

    def flag(self, label: str, path: str, **kwargs: Any) -> bool | None:
        options = [True, False]
        return self.choice(
            label, path, options, labels={True: "Yes", False: "No"}, radio=True, **kwargs
        )

    def table(self, label: str, path: str, columns: list[str], config: dict[str, Any]) -> None:
        rows = get_path(self.saved, path) or []
        frame = pd.DataFrame(rows, columns=columns)
        if "due" in frame:
            frame["due"] = pd.to_datetime(frame["due"], errors="coerce").dt.date
        edited = st.data_editor(
            frame,
            key=self.key(path),
            num_rows="dynamic",
            column_config=config,
            hide_index=True,
            width="stretch",
            disabled=self.read_only,
        )
        self._slot(path)
        self.lists[path] = _records(edited)

    # -- results ---------------------------------------------------------------------
    def document(self) -> dict[str, Any]:
        """The goal document the widgets describe (empty fields left out)."""
        document: dict[str, Any] = {}
        for path, value in self.values.items():
            if value is not None:
                set_path(document, path, value)
        for path, rows in self.lists.items():
            if rows:
                set_path(document, path, rows)
        for section in ("payoff", "error_cost", "costs"):
            # half-filled money sections are errors; an untouched one is simply absent
            if section in document and all(v is None for v in document[section].values()):
                document.pop(section)
        return document

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Put each problem under its field (or its section's table); the rest at the top."""
        unplaced: list[str] = []
        grouped: dict[str, list[str]] = {}
        for problem in problems:
            slot = self._slot_for(problem.field)
            if slot is None:
                unplaced.append(problem.message)
            else:
                grouped.setdefault(slot, []).append(problem.message)
        for slot, messages in grouped.items():
            self._slots[slot].error(
                "\n\n".join(escape_markdown(_sentence(m)) for m in messages),
                icon=":material/error:",
            )
        if unplaced:
            st.error(
                "\n\n".join(escape_markdown(_sentence(m)) for m in unplaced),
                icon=":material/error:",
            )

    def _slot_for(self, field: str) -> str | None:
        candidates = [field, field.split("[")[0], field.split(".")[0]]
        return next((c for c in candidates if c in self._slots), None)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = []
    for row in frame.to_dict("records"):
        clean = {k: _plain(v) for k, v in row.items()}
        clean = {k: v for k, v in clean.items() if v is not None and v != ""}
        if clean:
            records.append(clean)
    return records


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | date):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _sentence(message: str) -> str:
    return message if message.endswith(".") else message + "."


def risk_column_config() -> dict[str, Any]:
    return {
        "name": st.column_config.TextColumn("Risk", required=True, width="medium"),
        "category": st.column_config.SelectboxColumn(
            "Category", options=RISK_CATEGORIES, required=True
        ),
        "likelihood": st.column_config.NumberColumn(
            "Likelihood (1–5)", min_value=1, max_value=5, step=1
        ),
        "impact": st.column_config.NumberColumn("Impact (1–5)", min_value=1, max_value=5, step=1),
        "owner": st.column_config.TextColumn("Owner"),
        "mitigation": st.column_config.TextColumn("Mitigation", width="large"),
    }


def milestone_column_config() -> dict[str, Any]:
    return {
        "name": st.column_config.TextColumn("Milestone", required=True, width="large"),
        "due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
        "status": st.column_config.SelectboxColumn("Status", options=MILESTONE_STATUSES),
    }
