"""The goal as Markdown: the one-page business case and the reference table of goal fields.

All user text is escaped (``core.report.escape_markdown``): no HTML, no links, no table breaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import get_args

from core.goal.advice import METRIC_EXPLANATIONS, ml_needed_verdict, suggest_metric
from core.goal.model import KNOWN_METRICS, Goal, RiskCategory
from core.goal.money import RoiEstimate, format_money
from core.metrics import ALIASES, LEADERBOARD_METRICS, METRICS, stored_name
from core.report import escape_markdown


def _read_as(name: str) -> bool:
    """Whether a goal's ``name`` is read as another name of KNOWN_METRICS (an alias)."""
    return stored_name(name) != name and stored_name(name) in LEADERBOARD_METRICS


_SCHEMA_ROWS = (
    ("name", "text", "yes", "Project name."),
    ("problem", "text", "yes", "The business problem in one or two sentences."),
    ("decision", "text", "no", 'The decision a prediction feeds, e.g. "who gets an offer".'),
    ("actor", "text", "no", 'Who acts on a prediction, e.g. "retention team".'),
    ("target_description", "text", "no", "What is predicted, in plain words."),
    ("target_column", "text", "no", "The label column in the data (can be set later)."),
    ("task", "binary, multiclass or regression", "no (binary)", "Kind of prediction."),
    (
        "positive_class",
        "text or integer",
        "no",
        'The label value that means "yes"; quote it in YAML: `"Yes"`.',
    ),
    ("cadence", "real-time or batch", "no", "How predictions are made."),
    ("volume_per_month", "number ≥ 0", "for ROI", "Predictions made per month."),
    (
        "expected_positive_rate",
        "share 0–1",
        "for ROI",
        "Share of real positives among them (0.25 = 25 %).",
    ),
    (
        "currency",
        "3-letter code or symbol",
        "with money",
        "`EUR`, `USD`, `€` …; needed when payoff, error_cost or costs are set.",
    ),
    (
        "kpi",
        "mapping",
        "to complete",
        "`name`, `unit`, `baseline`, `target`, `direction` (increase/decrease), "
        "`deadline` (ISO date).",
    ),
    (
        "metric",
        "known metric",
        "to complete",
        ", ".join(KNOWN_METRICS)
        + ". Also read: "
        + ", ".join(f"{a} (= {stored_name(a)})" for a in (*METRICS, *ALIASES) if _read_as(a))
        + ".",
    ),
    (
        "payoff",
        "mapping",
        "classification",
        "Money per prediction outcome: `tp`, `fp`, `fn`, `tn` (negative = cost).",
    ),
    (
        "error_cost",
        "mapping",
        "regression",
        "Cost per unit of error: `under`, `over` (≥ 0).",
    ),
    ("costs", "mapping", "no", "`build` (once), `run_per_month`."),
    (
        "risks",
        "list",
        "no",
        "Items with `name`, `category` (" + ", ".join(get_args(RiskCategory)) + "), "
        "`likelihood` 1–5, `impact` 1–5, `owner`, `mitigation`.",
    ),
    (
        "requirements",
        "mapping",
        "no",
        "`max_latency_ms`, `mode` (real-time/batch), `explainability` "
        "(none/global/per-prediction), `max_demographic_parity_difference` (0–1), "
        "`min_metric_to_ship` (in the metric's unit; expected_value: currency per month), "
        "`max_model_size_mb`, `data_protection_notes`.",
    ),
    (
        "milestones",
        "list",
        "no",
        "Items with `name`, `due` (ISO date), `status` (planned/in progress/done/blocked).",
    ),
    (
        "rule",
        "text",
        "no",
        "The current rule, e.g. `tenure_months < 6`: the baseline a model must beat.",
    ),
    (
        "ml_check",
        "mapping",
        "no",
        "`clear_rule_exists`, `labelled_examples`, `pattern_stable`, `cost_of_errors` "
        "(low/medium/high), `must_explain_each_decision`, `data_available_at_decision`, "
        "`many_interacting_signals`.",
    ),
    ("horizon_months", "integer ≥ 1", "no (12)", "Months the ROI is counted over."),
    (
        "roi_assumptions",
        "mapping",
        "no",
        "Before a model exists: `model_precision`, `model_recall` (and `rule_precision`, "
        "`rule_recall` for the current rule), or `model_mae`, `baseline_mae` for regression.",
    ),
)
GOAL_SCHEMA_DOC = (
    "\n".join(
        ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
        + [
            f"| `{name}` | {kind} | {needed} | {meaning} |"
            for name, kind, needed, meaning in _SCHEMA_ROWS
        ]
    )
    + "\n"
)


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _md_overview(goal: Goal) -> list[str]:
    e = escape_markdown
    out = [f"# Business case: {e(goal.name)}", "", "## Problem", "", e(goal.problem, inline=False)]
    facts = [
        ("Decision", e(goal.decision) if goal.decision else None),
        ("Who acts on a prediction", e(goal.actor) if goal.actor else None),
        ("Target", e(goal.target_description) if goal.target_description else None),
        ("Target column", e(goal.target_column) if goal.target_column else None),
        ("Positive class", e(goal.positive_class) if goal.positive_class is not None else None),
        ("Task", goal.task),
        ("Cadence", goal.cadence),
        (
            "Volume",
            f"{goal.volume_per_month:,.0f} predictions per month"
            if goal.volume_per_month is not None
            else None,
        ),
        (
            "Expected positive rate",
            f"{goal.expected_positive_rate:.1%}"
            if goal.expected_positive_rate is not None
            else None,
        ),
    ]
    out += ["", "## Decision", ""]
    out += [f"- **{label}:** {value}" for label, value in facts if value]
    return out


def _md_kpi_metric(goal: Goal) -> list[str]:
    e = escape_markdown
    out = ["", "## KPI", ""]
    if goal.kpi is None:
        out.append("_No KPI set yet._")
    else:
        k = goal.kpi
        deadline = k.deadline.isoformat() if k.deadline else "–"
        out.append(
            _table(
                ["KPI", "Baseline", "Target", "Direction", "Deadline"],
                [
                    [
                        e(k.name),
                        f"{k.baseline:g} {e(k.unit)}".strip(),
                        f"{k.target:g} {e(k.unit)}".strip(),
                        k.direction,
                        deadline,
                    ]
                ],
            )
        )
    out += ["", "## Metric", ""]
    if goal.metric is None:
        out.append("_No metric chosen yet._")
    else:
        out.append(f"**{goal.metric}**: {METRIC_EXPLANATIONS[goal.metric]}")
        money = goal.payoff if goal.task != "regression" else goal.error_cost
        suggestion = suggest_metric(goal.task, money)
        if suggestion.metric == goal.metric:
            out += ["", f"Why: {suggestion.explanation}"]
        else:
            out += ["", f"Suggested instead: **{suggestion.metric}**. {suggestion.explanation}"]
    return out


def _md_money(goal: Goal, roi: RoiEstimate | None) -> list[str]:
    cur = goal.currency
    out: list[str] = []
    if goal.payoff is not None:
        p = goal.payoff
        out += ["", "## Payoff matrix (value per prediction)", ""]
        out.append(
            _table(
                ["", "Actually positive", "Actually negative"],
                [
                    [
                        "**Predicted positive**",
                        f"TP {format_money(p.tp, cur)}",
                        f"FP {format_money(p.fp, cur)}",
                    ],
                    [
                        "**Predicted negative**",
                        f"FN {format_money(p.fn, cur)}",
                        f"TN {format_money(p.tn, cur)}",
                    ],
                ],
            )
        )
    if goal.error_cost is not None:
        c = goal.error_cost
        out += ["", "## Cost of errors (per unit of error)", ""]
        out.append(
            f"- Under-prediction: {format_money(c.under, cur)}\n"
            f"- Over-prediction: {format_money(c.over, cur)}"
        )
    out += ["", "## ROI", ""]
    if roi is None:
        out.append("_No ROI estimate yet: it needs the payoff, volume and positive rate._")
        return out
    rows = [
        ["Model value per month", format_money(roi.model_value_per_month, cur)],
        ["Baseline value per month", format_money(roi.baseline_value_per_month, cur)],
        ["Gain per month", format_money(roi.gain_per_month, cur)],
        ["Run cost per month", format_money(roi.run_cost_per_month, cur)],
        ["Net gain per month", format_money(roi.net_gain_per_month, cur)],
        ["Build cost", format_money(roi.build_cost, cur)],
        [
            f"ROI over {roi.horizon_months} months",
            "–" if roi.roi is None else f"{roi.roi * 100:,.0f} %",
        ],
        [
            "Payback",
            "never at these rates" if roi.payback_months is None else _months(roi.payback_months),
        ],
    ]
    if roi.break_even_precision is not None:
        rows.append(["Break-even precision", f"{roi.break_even_precision:.2f}"])
    if roi.break_even_mae is not None:
        rows.append(["Break-even MAE", f"{roi.break_even_mae:g}"])
    out.append(_table(["", "Estimate"], rows))
    if roi.basis:
        out += ["", f"_Based on {escape_markdown(roi.basis)}._"]
    return out


def _months(months: float) -> str:
    if months < 1:
        return f"{months:.1f} months (about {months * 30.4:.0f} days)"
    return f"{months:.1f} months"


def _md_risks_requirements(goal: Goal) -> list[str]:
    e = escape_markdown
    out = ["", "## Risks", ""]
    if not goal.risks:
        out.append("_No risks recorded yet._")
    else:
        ordered = sorted(goal.risks, key=lambda r: (-r.score, r.name))
        rows = [
            [
                e(r.name),
                r.category,
                str(r.likelihood),
                str(r.impact),
                str(r.score),
                r.level,
                e(r.owner),
                e(r.mitigation),
            ]
            for r in ordered
        ]
        header = ["Risk", "Category", "Likelihood", "Impact", "Score", "Level", "Owner"]
        out.append(_table([*header, "Mitigation"], rows))
    req = goal.requirements
    labels = [
        ("Max latency", None if req.max_latency_ms is None else f"{req.max_latency_ms:g} ms"),
        ("Mode", req.mode),
        ("Explainability", req.explainability),
        (
            "Max demographic parity difference",
            None
            if req.max_demographic_parity_difference is None
            else f"{req.max_demographic_parity_difference:g}",
        ),
        (
            f"Minimum {goal.metric or 'metric'} to ship",
            None if req.min_metric_to_ship is None else f"{req.min_metric_to_ship:,g}",
        ),
        (
            "Max model size",
            None if req.max_model_size_mb is None else f"{req.max_model_size_mb:g} MB",
        ),
        ("Data protection", e(req.data_protection_notes) if req.data_protection_notes else None),
    ]
    out += ["", "## Requirements", ""]
    given = [f"- **{label}:** {value}" for label, value in labels if value]
    out += given or ["_No requirements recorded yet._"]
    return out


def _md_plan(goal: Goal) -> list[str]:
    e = escape_markdown
    out = ["", "## Milestones", ""]
    if goal.milestones:
        rows = [[e(m.name), m.due.isoformat() if m.due else "–", m.status] for m in goal.milestones]
        out.append(_table(["Milestone", "Due", "Status"], rows))
    else:
        out.append("_No milestones yet._")
    out += ["", "## Is ML needed?", ""]
    if goal.rule:
        out.append(f"Current rule: {e(goal.rule)}")
        out.append("")
    if goal.ml_check is None:
        out.append("_The checklist has not been answered yet._")
    else:
        verdict = ml_needed_verdict(goal.ml_check)
        out.append(f"**Verdict: {verdict.verdict}**")
        out += [""] + [f"- {reason}" for reason in verdict.reasons]
    return out


def business_case_markdown(goal: Goal, roi: RoiEstimate | None = None) -> str:
    """A one-page business case in Markdown; all user text is escaped (no HTML, no links)."""
    parts = (
        _md_overview(goal)
        + _md_kpi_metric(goal)
        + _md_money(goal, roi)
        + _md_risks_requirements(goal)
        + _md_plan(goal)
    )
    return "\n".join(parts) + "\n"
