"""The Goal page's outputs: ROI figures and chart, risk matrix, ML verdict, history, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import yaml

from app.context import Workbench
from app.errors import UserError
from app.services import goals as goal_service
from app.services.team import members
from app.ui.feedback import attempt
from core.goal import (
    BusinessError,
    Goal,
    GoalValidationError,
    RoiEstimate,
    assumed_roi,
    business_case_markdown,
    format_money,
    goal_to_dict,
    ml_needed_verdict,
)
from core.goal import figures as goal_figures
from core.report import code_span, escape_markdown, markdown_to_html

VERDICT_STYLE = {
    "ml": (st.success, "Machine learning is a good fit"),
    "rule": (st.warning, "A simple rule may be enough"),
    "unclear": (st.info, "Not clear yet"),
}


def roi_panel(goal: Goal) -> RoiEstimate | None:
    """Headline money figures and the precision × recall chart; None when inputs are missing."""
    roi = _safe_roi(goal)
    if roi is None:
        needs = "precision and recall" if goal.task != "regression" else "model and today's error"
        st.info(
            f"Fill the payoff, volume, positive share and the assumed {needs} to see the ROI.",
            icon=":material/calculate:",
        )
        return None
    money = lambda v: format_money(v, goal.currency)  # noqa: E731
    cols = st.columns(4)
    cols[0].metric("Model value / month", money(roi.model_value_per_month))
    cols[1].metric("Current way / month", money(roi.baseline_value_per_month))
    cols[2].metric(
        "Net gain / month",
        money(roi.net_gain_per_month),
        help="Model value − current way − running cost.",
    )
    cols[3].metric(
        "Payback",
        "never" if roi.payback_months is None else f"{roi.payback_months:,.1f} months",
        help=f"ROI over {roi.horizon_months} months: "
        + ("—" if roi.roi is None else f"{roi.roi:,.1f}× the cost"),
    )
    st.caption(f"Basis: {roi.basis}.")
    if goal.task != "regression" and goal.roi_assumptions is not None:
        a = goal.roi_assumptions
        figure = goal_figures.roi_surface_figure(
            goal,
            precision=a.model_precision,
            recall=a.model_recall,
            baseline_precision=a.rule_precision,
            baseline_recall=a.rule_recall,
        )
        st.plotly_chart(figure, key="wb.goal.roi_chart")
        if roi.break_even_precision is not None:
            st.caption(
                f"At recall {a.model_recall:.2f} the model pays for itself from precision "
                f"{roi.break_even_precision:.2f} (the black break-even line)."
            )
    return roi


def _safe_roi(goal: Goal) -> RoiEstimate | None:
    try:
        return assumed_roi(goal)
    except BusinessError as error:
        st.warning(escape_markdown(str(error)), icon=":material/warning:")
        return None


def risk_panel(goal: Goal) -> None:
    if not goal.risks:
        st.caption("No risks recorded yet.")
        return
    st.plotly_chart(goal_figures.risk_matrix_figure(goal.risks), key="wb.goal.risk_matrix")
    worst = sorted(goal.risks, key=lambda r: r.score, reverse=True)[0]
    st.caption(
        f"Highest risk: **{escape_markdown(worst.name)}** (score {worst.score}, {worst.level})."
    )


def verdict_panel(goal: Goal) -> None:
    if goal.ml_check is None:
        st.caption("Answer the questions to get a verdict.")
        return
    verdict = ml_needed_verdict(goal.ml_check)
    show, title = VERDICT_STYLE[verdict.verdict]
    show(f"**{title}.** " + " ".join(verdict.reasons), icon=":material/psychology:")


def downloads(goal: Goal, roi: RoiEstimate | None) -> None:
    markdown = business_case_markdown(goal, roi)
    slug = "".join(c if c.isalnum() else "-" for c in goal.name.lower()).strip("-") or "goal"
    cols = st.columns(3)
    cols[0].download_button(
        "Business case (Markdown)", markdown, f"{slug}-business-case.md", "text/markdown",
        icon=":material/description:", key="wb.goal.dl_md",
    )  # fmt: skip
    cols[1].download_button(
        "Business case (HTML)", markdown_to_html(markdown, title=goal.name),
        f"{slug}-business-case.html", "text/html", icon=":material/html:", key="wb.goal.dl_html",
    )  # fmt: skip
    cols[2].download_button(
        "Goal as YAML", yaml.safe_dump(goal_to_dict(goal), sort_keys=False, allow_unicode=True),
        f"{slug}-goal.yaml", "application/yaml", icon=":material/data_object:", key="wb.goal.dl_yaml",
    )  # fmt: skip
    with st.expander("Preview the business case"):
        st.markdown(markdown)


def history_panel(wb: Workbench, project_id: int, *, read_only: bool = False) -> None:
    history = goal_service.goal_history(wb, project_id)
    names = members.display_names(wb)
    if not history:
        st.caption("Nothing saved yet.")
        return
    table = pd.DataFrame(
        [
            {
                "version": h.version,
                "saved (UTC)": h.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                "by": members.name_of(h.author, names) if h.author else "—",
                "how": h.source,
                "what changed": h.summary,
            }
            for h in history
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    older = [h.version for h in history[1:]]
    if not older:
        return
    left, right = st.columns([2, 1])
    version = left.selectbox(
        "Go back to version", older, key="wb.goal.restore_version", disabled=read_only
    )
    right.markdown("&nbsp;")
    if right.button("Restore", key="wb.goal.restore", icon=":material/undo:", disabled=read_only):
        restored = attempt(lambda: goal_service.restore_goal_version(wb, project_id, version))
        if restored is not None:
            st.toast(
                f"Restored version {version} as version {restored.version}.", icon=":material/undo:"
            )
            st.rerun()
    st.caption("Restoring saves the old content as a new version, so nothing is lost.")


def import_panel(wb: Workbench, project_id: int, *, read_only: bool = False) -> None:
    upload = st.file_uploader(
        "Import a goal YAML file", type=["yaml", "yml"], key="wb.goal.import", disabled=read_only
    )
    if upload is None or not st.button("Import as a new version", key="wb.goal.import_button"):
        return
    try:
        data = goal_service.parse_goal_yaml(
            upload.getvalue(), source=upload.name, limits=wb.settings.yaml_limits
        )
    except UserError as error:
        st.error(
            escape_markdown(f"{upload.name} was not imported: {error}"),
            icon=":material/error:",
        )
        return
    try:
        saved = goal_service.save_goal(wb, project_id, data, source=f"import of {upload.name}")
    except GoalValidationError as error:
        st.error(
            f"{escape_markdown(upload.name)} was not imported:\n\n"
            + "\n".join(
                f"- {code_span(p.field)}: {escape_markdown(p.message)}" for p in error.problems
            ),
            icon=":material/error:",
        )
        return
    st.toast(f"Imported as version {saved.version}.", icon=":material/upload:")
    st.rerun()
