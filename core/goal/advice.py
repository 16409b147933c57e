"""Advice for the goal: which metric should rank the models, and is ML needed at all?

Both answers are plain-language reasons derived from what errors cost (the payoff matrix or the
error cost) and from a short checklist (``MlNeedAnswers``).
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from core.goal.model import ErrorCost, MlNeedAnswers, PayoffMatrix, Task

VerdictKind = Literal["rule", "ml", "unclear"]

MIN_LABELLED_EXAMPLES = 200
GOOD_LABELLED_EXAMPLES = 1000
DOMINANCE_RATIO = 3.0


METRIC_EXPLANATIONS: dict[str, str] = {
    "expected_value": (
        "Money per month from acting on the predictions at the best threshold, priced with "
        "your payoff matrix, so a better score is directly a better business case."
    ),
    "roc_auc": (
        "How well the model ranks positives above negatives over all thresholds; a good "
        "ranking lets you act on the riskiest cases first, but it says nothing about money."
    ),
    "pr_auc": (
        "How precise the model stays as it finds more of the positives; the honest ranking "
        "score when positives are rare."
    ),
    "f1": (
        "A balance of precision and recall at one threshold; use it when a missed positive "
        "and a false alarm cost about the same."
    ),
    "recall": (
        "The share of real positives the model catches; it moves the KPI when every missed "
        "case is expensive."
    ),
    "precision": (
        "The share of flagged cases that are real positives; it protects the KPI when every "
        "false alarm costs money or trust."
    ),
    "accuracy": (
        "The share of all predictions that are right; only meaningful when classes are "
        "balanced and both errors cost the same."
    ),
    "log_loss": (
        "How trustworthy the predicted probabilities are; matters when people act on the "
        "probability itself, not just on yes/no."
    ),
    "rmse": (
        "The typical error in the target's unit, weighting large misses heavily; choose it "
        "when one big error hurts the KPI more than several small ones."
    ),
    "mae": (
        "The average error in the target's unit; each unit of error costs the same, so it "
        "maps straight to money through the cost per unit."
    ),
    "r2": (
        "The share of the target's variation the model explains; a quick sanity check, not "
        "a money figure."
    ),
}


@dataclasses.dataclass(frozen=True)
class MetricSuggestion:
    """A default metric and why, in plain language; ``secondary`` is worth watching too."""

    metric: str
    explanation: str
    secondary: str | None = None


def _suggest_regression(error_cost: ErrorCost | None, large_errors_worse: bool) -> MetricSuggestion:
    if large_errors_worse:
        return MetricSuggestion(
            "rmse",
            "Large errors hurt more than several small ones, so RMSE, which weighs big misses "
            "heavily, ranks the models.",
            secondary="mae",
        )
    text = (
        "Each unit of error costs the same, so MAE, the average error in the target's unit, "
        "ranks the models and converts straight to money."
    )
    if error_cost is not None and min(error_cost.under, error_cost.over) > 0:
        ratio = max(error_cost.under, error_cost.over) / min(error_cost.under, error_cost.over)
        if ratio >= 2:
            worse = "under" if error_cost.under > error_cost.over else "over"
            text += f" {worse.capitalize()}-prediction costs {ratio:.1f}x more: watch the bias."
    return MetricSuggestion("mae", text)


def suggest_metric(
    task: Task,
    payoff_or_error_cost: PayoffMatrix | ErrorCost | None = None,
    *,
    worse_error: Literal["fn", "fp"] | None = None,
    large_errors_worse: bool = False,
) -> MetricSuggestion:
    """The metric that should rank the leaderboard, derived from what errors cost.

    Classification with a priced payoff -> expected_value (money at the best threshold), with
    recall (or precision) as secondary when a missed positive (or a false alarm) costs at least
    DOMINANCE_RATIO times the other. Without a payoff: recall/precision if the user only knows
    which error is worse (``worse_error``), else roc_auc (f1 for multiclass).
    Regression -> RMSE when large errors are disproportionately bad, MAE otherwise.
    """
    if task == "regression":
        cost = payoff_or_error_cost if isinstance(payoff_or_error_cost, ErrorCost) else None
        return _suggest_regression(cost, large_errors_worse)
    payoff = payoff_or_error_cost if isinstance(payoff_or_error_cost, PayoffMatrix) else None
    if payoff is not None and any((payoff.tp, payoff.fp, payoff.fn, payoff.tn)):
        miss, alarm = abs(payoff.tp - payoff.fn), abs(payoff.tn - payoff.fp)
        text = (
            "Your payoff matrix prices every outcome, so models are ranked by expected value: "
            "the money per month at each model's best threshold, the same unit as the "
            "business case."
        )
        if miss >= DOMINANCE_RATIO * alarm:
            text += (
                f" A missed positive costs {miss:g} against {alarm:g} for a false alarm, so the "
                "best threshold will be low and flag many cases: watch recall."
            )
            return MetricSuggestion("expected_value", text, secondary="recall")
        if alarm >= DOMINANCE_RATIO * miss:
            text += (
                f" A false alarm costs {alarm:g} against {miss:g} for a missed positive, so the "
                "best threshold will be high and flag few cases: watch precision."
            )
            return MetricSuggestion("expected_value", text, secondary="precision")
        return MetricSuggestion("expected_value", text)
    if worse_error == "fn":
        return MetricSuggestion(
            "recall",
            "Missing a real positive is the expensive mistake, so recall (the share of positives "
            "caught) ranks the models. Fill in the payoff matrix to rank by money instead.",
        )
    if worse_error == "fp":
        return MetricSuggestion(
            "precision",
            "A false alarm is the expensive mistake, so precision (the share of flagged cases "
            "that are real) ranks the models. Fill in the payoff matrix to rank by money instead.",
        )
    if task == "multiclass":
        return MetricSuggestion(
            "f1",
            "Without prices for the errors, macro F1 balances precision and recall across "
            "classes. Fill in the payoff matrix to rank by money instead.",
        )
    return MetricSuggestion(
        "roc_auc",
        "Without prices for the errors, ROC AUC ranks models by how well they order positives "
        "above negatives. Fill in the payoff matrix to rank by money instead.",
    )


@dataclasses.dataclass(frozen=True)
class MlVerdict:
    """Rule, ML or unclear, with the plain reasons behind it (headline first)."""

    verdict: VerdictKind
    reasons: tuple[str, ...]


def _labelled_reason(n: int | None) -> tuple[str | None, bool]:
    """(reason, blocks ML) for the number of labelled examples."""
    if n is None:
        return None, False
    if n < MIN_LABELLED_EXAMPLES:
        return (
            f"Only {n:,} labelled examples: too few to train and test a model reliably "
            f"(aim for {GOOD_LABELLED_EXAMPLES:,} or more, with enough positives).",
            True,
        )
    if n < GOOD_LABELLED_EXAMPLES:
        return (
            f"{n:,} labelled examples are enough for a simple model only; expect wide "
            "error bars on every metric.",
            False,
        )
    return f"{n:,} labelled examples are enough to train a model and check it honestly.", False


def _caveats(a: MlNeedAnswers) -> list[str]:
    caveats = []
    if a.pattern_stable is False:
        caveats.append(
            "The pattern changes over time: any model (or rule) goes stale; plan monitoring "
            "and retraining."
        )
    if a.must_explain_each_decision:
        caveats.append(
            "Each decision must be explained: prefer a rule or an interpretable model with "
            "per-prediction explanations."
        )
    if a.cost_of_errors == "high":
        caveats.append(
            "Errors are expensive: keep a person in the loop for costly cases and set the "
            "threshold from the payoff matrix."
        )
    return caveats


def ml_needed_verdict(answers: MlNeedAnswers) -> MlVerdict:
    """An honest first answer to "do we need ML here?" from a short checklist.

    Blockers (inputs unknown at decision time, fewer than MIN_LABELLED_EXAMPLES labels) rule
    ML out for now. A clear written rule wins: it is cheaper, explainable, and it is the
    baseline a model must beat. No clear rule plus enough labels points to ML. Otherwise the
    answer is unclear and the reasons say which question to settle.
    """
    a = answers
    reasons: list[str] = []
    blocked = False
    if a.data_available_at_decision is False:
        blocked = True
        reasons.append(
            "The inputs are not known when the decision is made: no model can use them. Find "
            "inputs that exist at decision time first."
        )
    labelled_text, few_labels = _labelled_reason(a.labelled_examples)
    blocked = blocked or few_labels
    if a.clear_rule_exists:
        verdict: VerdictKind = "rule"
        reasons.insert(
            0,
            "A written rule already makes this decision well: start with it. It is cheap and "
            "explainable, and it is the baseline any model must beat.",
        )
    elif blocked:
        verdict = "unclear"
    elif a.clear_rule_exists is False and (a.labelled_examples or 0) >= MIN_LABELLED_EXAMPLES:
        verdict = "ml"
        reasons.insert(
            0, "No simple rule decides well and there are labelled examples to learn from."
        )
    elif (
        a.clear_rule_exists is None
        and a.many_interacting_signals
        and (a.labelled_examples or 0) >= GOOD_LABELLED_EXAMPLES
    ):
        verdict = "ml"
        reasons.insert(0, "Many signals interact and there are plenty of labelled examples.")
    else:
        verdict = "unclear"
        if a.clear_rule_exists is None:
            reasons.append("Try writing the rule down first: if it works, you may not need ML.")
        if a.labelled_examples is None:
            reasons.append("Count the labelled examples: a model needs past cases with outcomes.")
    if labelled_text:
        reasons.append(labelled_text)
    if a.many_interacting_signals and verdict == "ml":
        reasons.append("Many signals interact, which is where models beat hand-written rules.")
    if a.many_interacting_signals is False and verdict != "rule":
        reasons.append("Few signals matter: a rule or a simple scorecard is often enough.")
    reasons.extend(_caveats(a))
    return MlVerdict(verdict, tuple(reasons))
