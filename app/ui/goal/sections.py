"""The Goal page's input sections, one function per tab; each fills the shared GoalForm."""

from __future__ import annotations

import streamlit as st

from app.ui.goal.form import GoalForm, milestone_column_config, risk_column_config
from core.goal import METRIC_EXPLANATIONS, MetricSuggestion, goal_metrics
from core.metrics import metric_label
from core.report import code_span

TASK_LABELS = {
    "binary": "Yes/no (binary classification)",
    "multiclass": "One of several classes (multiclass)",
    "regression": "A number (regression)",
}
CADENCE_LABELS = {
    "batch": "Batch (e.g. a monthly list)",
    "real-time": "Real-time (one request at a time)",
}
DIRECTION_LABELS = {"decrease": "Lower is better", "increase": "Higher is better"}
EXPLAIN_LABELS = {
    "none": "Not needed",
    "global": "Overall drivers",
    "per-prediction": "Every single prediction",
}
COST_LEVEL_LABELS = {"low": "Low", "medium": "Medium", "high": "High"}


def problem_section(form: GoalForm, data_target: str | None = None) -> str:
    """The problem in words; returns the task type chosen.

    ``data_target`` is the target the Data page uses: it owns that choice, the goal's column
    is only the note the first import reads (so the two are shown side by side, never synced)."""
    form.text("Project goal name", "name", placeholder="e.g. Retention offers for churners")
    form.text(
        "The business problem",
        "problem",
        area=True,
        height=90,
        placeholder="What goes wrong today, for whom, and how often?",
    )
    left, right = st.columns(2)
    with left:
        form.text(
            "Decision the model supports", "decision", placeholder="Who gets a retention offer"
        )
        form.text("Who acts on a prediction", "actor", placeholder="Retention team")
        form.text(
            "What is predicted, in words",
            "target_description",
            placeholder="Whether the customer cancels next month",
        )
    with right:
        task = form.choice(
            "Kind of prediction", "task", list(TASK_LABELS), labels=TASK_LABELS, default="binary"
        )
        form.text(
            "Target column",
            "target_column",
            placeholder="chosen on the Data page",
            help="The column in the data that holds the answer. The first import uses it; "
            "after that the Data page decides.",
        )
        if data_target is not None:
            st.caption(f"The Data page uses {code_span(data_target)} as the target.")
        if task != "regression":
            form.text(
                "Positive class (the value that means 'yes')", "positive_class", placeholder="Yes"
            )
        form.choice(
            "Prediction cadence", "cadence", list(CADENCE_LABELS), labels=CADENCE_LABELS, radio=True
        )
    left, right = st.columns(2)
    with left:
        form.number(
            "Predictions per month",
            "volume_per_month",
            step=100,
            fmt="%.0f",
            help="How many cases are scored each month. Used to turn per-prediction values into money per month.",
        )
    with right:
        if task != "regression":
            form.number(
                "Share of cases that are positive (0–1)",
                "expected_positive_rate",
                step=0.01,
                fmt="%.3f",
                help="E.g. 0.25 when a quarter of the scored customers churn. Measured on the Data page later.",
            )
    return task or "binary"


def kpi_section(form: GoalForm, task: str, suggestion: MetricSuggestion | None) -> None:
    st.markdown("##### The KPI this project moves")
    left, mid, right = st.columns(3)
    with left:
        form.text("KPI name", "kpi.name", placeholder="Monthly churn rate")
        form.text("Unit", "kpi.unit", placeholder="%")
    with mid:
        form.number("Today's value (baseline)", "kpi.baseline", step=0.1, fmt="%.3f")
        form.number("Target value", "kpi.target", step=0.1, fmt="%.3f")
    with right:
        form.choice(
            "Direction",
            "kpi.direction",
            list(DIRECTION_LABELS),
            labels=DIRECTION_LABELS,
            radio=True,
        )
        form.day("Deadline", "kpi.deadline")
    st.markdown("##### The ML metric that stands for it")
    metrics = list(goal_metrics(task))
    if suggestion is not None:
        st.info(
            f"**Suggested: `{suggestion.metric}`** — {suggestion.explanation}"
            + (f" Also watch `{suggestion.secondary}`." if suggestion.secondary else ""),
            icon=":material/lightbulb:",
        )
        st.button(
            f"Use {suggestion.metric}",
            key=f"wb.goal.use_suggestion.{form.generation}",
            on_click=_use_metric,
            args=(form.key("metric"), suggestion.metric),
        )
    labels = {name: f"{metric_label(name)} ({name})" for name in metrics}
    metric = form.choice("Metric that ranks the models", "metric", metrics, labels=labels)
    if metric:
        st.caption(METRIC_EXPLANATIONS.get(metric, ""))


def _use_metric(key: str, metric: str) -> None:
    st.session_state[key] = metric


def payoff_section(form: GoalForm, task: str) -> None:
    form.text(
        "Currency",
        "currency",
        placeholder="EUR",
        help="A 3-letter code like EUR or a symbol like €.",
    )
    if task == "regression":
        st.markdown("##### Cost per unit of error")
        left, right = st.columns(2)
        with left:
            form.number("Under-prediction (prediction below truth)", "error_cost.under", step=1.0)
        with right:
            form.number("Over-prediction (prediction above truth)", "error_cost.over", step=1.0)
    else:
        st.markdown("##### Payoff matrix — money per prediction (negative = cost)")
        st.caption("Rows: what really happened. Columns: what the model said.")
        head = st.columns([1.2, 1, 1])
        head[1].markdown("**Model says positive**")
        head[2].markdown("**Model says negative**")
        row = st.columns([1.2, 1, 1])
        row[0].markdown("**Really positive**")
        with row[1]:
            form.number("True positive (caught)", "payoff.tp", step=5.0)
        with row[2]:
            form.number("False negative (missed)", "payoff.fn", step=5.0)
        row = st.columns([1.2, 1, 1])
        row[0].markdown("**Really negative**")
        with row[1]:
            form.number("False positive (false alarm)", "payoff.fp", step=5.0)
        with row[2]:
            form.number("True negative (left alone)", "payoff.tn", step=5.0)
    st.markdown("##### Costs")
    left, mid, right = st.columns(3)
    with left:
        form.number("Build (one-off)", "costs.build", step=1000.0)
    with mid:
        form.number("Run per month", "costs.run_per_month", step=100.0)
    with right:
        form.number("ROI horizon (months)", "horizon_months", step=1.0, fmt="%.0f")


def assumptions_section(form: GoalForm, task: str, rule: str | None) -> None:
    """What the ROI assumes before a model exists."""
    st.markdown("##### Assumptions until a model is trained")
    left, right = st.columns(2)
    if task == "regression":
        with left:
            form.number("Model's mean absolute error", "roi_assumptions.model_mae", step=0.1)
        with right:
            form.number("Today's mean absolute error", "roi_assumptions.baseline_mae", step=0.1)
        return
    with left:
        form.number(
            "Model precision (share of flagged that are positive)",
            "roi_assumptions.model_precision",
            step=0.05,
            fmt="%.2f",
        )
        form.number(
            "Model recall (share of positives found)",
            "roi_assumptions.model_recall",
            step=0.05,
            fmt="%.2f",
        )
    with right:
        st.caption(
            f"Current way: the rule {code_span(rule)} — give its precision and recall."
            if rule
            else "Current way: nothing is done. Describe a rule in the 'Is ML needed?' tab to compare with it."
        )
        form.number("Rule precision", "roi_assumptions.rule_precision", step=0.05, fmt="%.2f")
        form.number("Rule recall", "roi_assumptions.rule_recall", step=0.05, fmt="%.2f")


def risks_section(form: GoalForm) -> None:
    st.caption(
        "Likelihood and impact from 1 (rare / minor) to 5 (almost certain / severe). "
        "Add a row at the bottom of the table; select a row and press Delete to remove it."
    )
    form.table(
        "Risks",
        "risks",
        ["name", "category", "likelihood", "impact", "owner", "mitigation"],
        risk_column_config(),
    )


def requirements_section(form: GoalForm) -> None:
    left, right = st.columns(2)
    with left:
        form.number("Max latency per prediction (ms)", "requirements.max_latency_ms", step=10.0)
        form.choice(
            "Serving mode", "requirements.mode", list(CADENCE_LABELS), labels=CADENCE_LABELS
        )
        form.choice(
            "Explanations needed",
            "requirements.explainability",
            list(EXPLAIN_LABELS),
            labels=EXPLAIN_LABELS,
        )
    with right:
        form.number(
            "Max demographic-parity difference (0–1)",
            "requirements.max_demographic_parity_difference",
            step=0.01,
            fmt="%.2f",
            help="The largest allowed gap in selection rate between groups, e.g. 0.1 = 10 points.",
        )
        form.number(
            "Minimum metric to ship", "requirements.min_metric_to_ship", step=0.01, fmt="%.3f"
        )
        form.number("Max model size (MB)", "requirements.max_model_size_mb", step=10.0)
    form.text("Data protection notes", "requirements.data_protection_notes", area=True, height=70)
    st.markdown("##### Milestones")
    form.table("Milestones", "milestones", ["name", "due", "status"], milestone_column_config())


def ml_check_section(form: GoalForm) -> None:
    left, right = st.columns(2)
    with left:
        form.flag("Is there already a clear rule that decides well?", "ml_check.clear_rule_exists")
        form.number(
            "How many labelled past examples exist?",
            "ml_check.labelled_examples",
            step=100.0,
            fmt="%.0f",
        )
        form.flag("Is the pattern stable over time?", "ml_check.pattern_stable")
        form.choice(
            "How costly are wrong decisions?",
            "ml_check.cost_of_errors",
            list(COST_LEVEL_LABELS),
            labels=COST_LEVEL_LABELS,
            radio=True,
        )
    with right:
        form.flag("Must every single decision be explained?", "ml_check.must_explain_each_decision")
        form.flag(
            "Is the input data available when the decision is made?",
            "ml_check.data_available_at_decision",
        )
        form.flag(
            "Do many signals interact (no single one decides)?", "ml_check.many_interacting_signals"
        )
        form.text(
            "A simple rule you would use instead (kept as a baseline)",
            "rule",
            placeholder="tenure_months < 6",
            help="Trained as a baseline on the Train page, so every model must beat it.",
        )
