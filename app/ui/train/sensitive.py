"""Train page: whether sensitive columns are model inputs, what the model does not see, and
what leaving the sensitive columns out costs (both ways, on request)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.services import data_config, training
from app.services.training import RunInfo, SensitiveCost, TrainingContext
from core.goal import Goal
from core.train import features

TOGGLE = "Use sensitive attributes as inputs"
#: How to use an excluded column after all, named after this page's own controls.
HINTS = {"sensitive": f"turn on “{TOGGLE}” to use them"}


def excluded_line(items: list[features.ExcludedInput], *, subject: str = "The model") -> str:
    """One plain-text line naming the columns a model does not see and why."""
    if not items:
        return f"{subject} sees every column but the target."
    parts = []
    for first, columns in features.group_excluded(items):
        hint = HINTS.get(first.reason)
        parts.append(f"{', '.join(columns)} — {first.why}" + (f" ({hint})" if hint else ""))
    return f"{subject} does not see: " + "; ".join(parts)


def inputs_section(
    wb: Workbench, project_id: int, ctx: TrainingContext, *, read_only: bool = False
) -> bool:
    """The sensitive-as-input choice (kept as the project's setting) and the statement of what
    the model will not see; returns the choice for the plan."""
    include = ctx.sensitive_as_input
    if ctx.schema.by_role("sensitive"):

        def save() -> None:
            value = bool(st.session_state["wb.train.sensitive"])
            data_config.update_settings(wb, project_id, sensitive_as_input=value)

        include = st.toggle(
            TOGGLE, value=include, key="wb.train.sensitive", on_change=save, disabled=read_only
        )
        if include:
            st.warning(
                "Sensitive attributes as inputs can make decisions depend on them directly; "
                "check the Fairness stage before shipping.",
                icon=":material/warning:",
            )
    items = features.excluded_inputs(ctx.schema, include_sensitive=include)
    st.text(excluded_line(items))  # column names are user text: never Markdown
    return include


def compare_button(ctx: TrainingContext, *, read_only: bool = False) -> bool:
    """True when the user asks to train with and without the sensitive columns."""
    if not ctx.schema.by_role("sensitive"):
        return False
    return st.button(
        "Train with and without the sensitive columns",
        key="wb.train.compare_sensitive",
        icon=":material/compare_arrows:",
        disabled=read_only,
        help="Trains the chosen models twice and shows, per model, what leaving the sensitive "
        "columns out costs on the leaderboard's metric.",
    )


def cost_section(board: list[RunInfo], goal: Goal | None) -> None:
    costs = training.sensitive_cost(board)
    if not costs:
        return
    metric = costs[0].metric
    money = metric == "expected_value" and goal is not None
    unit = f" ({goal.currency} per month)" if money and goal is not None else f" ({metric})"
    st.markdown("##### What excluding the sensitive columns costs")
    st.caption(
        "The same models trained with and without the columns marked sensitive (cross-validated, "
        "same seed). A positive cost means the model is worse without them."
    )
    st.dataframe(_cost_table(costs, unit), hide_index=True, width="stretch")


def _cost_table(costs: list[SensitiveCost], unit: str) -> pd.DataFrame:
    def fmt(value: float) -> str:
        return f"{value:,.0f}" if costs[0].metric == "expected_value" else f"{value:,.4f}"

    return pd.DataFrame(
        [
            {
                "model": c.model_name,
                f"with sensitive{unit}": fmt(c.with_sensitive),
                f"without sensitive{unit}": fmt(c.without_sensitive),
                f"cost of excluding{unit}": fmt(c.cost_of_excluding),
                "runs (with / without)": f"{c.with_run} / {c.without_run}",
            }
            for c in costs
        ]
    )


def run_inputs_line(run: RunInfo) -> None:
    st.text(excluded_line(run.excluded_inputs, subject=f"Run {run.id}"))
