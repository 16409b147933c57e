"""suggest_metric picks the leaderboard metric from what errors cost; ml_needed_verdict is honest."""

from __future__ import annotations

import pytest

from core.goal import (
    KNOWN_METRICS,
    METRIC_EXPLANATIONS,
    ErrorCost,
    MlNeedAnswers,
    PayoffMatrix,
    ml_needed_verdict,
    suggest_metric,
)


def test_metric_explanations_cover_every_known_metric_in_one_sentence() -> None:
    assert set(METRIC_EXPLANATIONS) == set(KNOWN_METRICS)
    for text in METRIC_EXPLANATIONS.values():
        assert text.endswith(".")
        assert text.count(". ") == 0  # one sentence


def test_suggest_metric_priced_payoff_gives_expected_value() -> None:
    # miss costs |tp - fn| = 160, a false alarm |tn - fp| = 60: neither dominates 3x
    suggestion = suggest_metric("binary", PayoffMatrix(tp=120, fp=-60, fn=-40, tn=0))
    assert suggestion.metric == "expected_value"
    assert suggestion.secondary is None
    assert "payoff matrix" in suggestion.explanation


def test_suggest_metric_missed_positive_dominates_watch_recall() -> None:
    # miss 120 + 40 = 160 vs false alarm 15: > 3x
    suggestion = suggest_metric("binary", PayoffMatrix(tp=120, fp=-15, fn=-40, tn=0))
    assert suggestion.metric == "expected_value"
    assert suggestion.secondary == "recall"
    assert "160" in suggestion.explanation and "15" in suggestion.explanation


def test_suggest_metric_false_alarm_dominates_watch_precision() -> None:
    suggestion = suggest_metric("binary", PayoffMatrix(tp=10, fp=-200, fn=0, tn=0))
    assert suggestion.secondary == "precision"


@pytest.mark.parametrize(
    ("worse_error", "metric"), [("fn", "recall"), ("fp", "precision"), (None, "roc_auc")]
)
def test_suggest_metric_without_payoff(worse_error: str | None, metric: str) -> None:
    suggestion = suggest_metric("binary", None, worse_error=worse_error)
    assert suggestion.metric == metric
    assert "payoff matrix" in suggestion.explanation


def test_suggest_metric_all_zero_payoff_counts_as_missing() -> None:
    assert suggest_metric("binary", PayoffMatrix(tp=0, fp=0, fn=0, tn=0)).metric == "roc_auc"


def test_suggest_metric_multiclass_without_payoff_is_f1() -> None:
    assert suggest_metric("multiclass").metric == "f1"


def test_suggest_metric_regression_mae_by_default_rmse_for_large_errors() -> None:
    assert suggest_metric("regression", ErrorCost(under=1, over=1)).metric == "mae"
    assert (
        suggest_metric("regression", ErrorCost(under=1, over=1), large_errors_worse=True).metric
        == "rmse"
    )


def test_suggest_metric_regression_mentions_asymmetric_cost() -> None:
    suggestion = suggest_metric("regression", ErrorCost(under=5, over=1))
    assert "Under-prediction costs 5.0x" in suggestion.explanation


def test_suggestions_are_known_metrics() -> None:
    cases = [
        suggest_metric("binary", PayoffMatrix(tp=1, fp=-1, fn=-1, tn=0)),
        suggest_metric("binary", None, worse_error="fn"),
        suggest_metric("regression", None),
        suggest_metric("regression", None, large_errors_worse=True),
    ]
    assert all(s.metric in KNOWN_METRICS for s in cases)


def test_verdict_clear_rule_means_start_with_the_rule() -> None:
    verdict = ml_needed_verdict(MlNeedAnswers(clear_rule_exists=True, labelled_examples=50_000))
    assert verdict.verdict == "rule"
    assert "baseline" in verdict.reasons[0]


def test_verdict_no_rule_and_enough_labels_means_ml() -> None:
    answers = MlNeedAnswers(
        clear_rule_exists=False,
        labelled_examples=7000,
        pattern_stable=True,
        many_interacting_signals=True,
        data_available_at_decision=True,
    )
    verdict = ml_needed_verdict(answers)
    assert verdict.verdict == "ml"
    assert any("7,000 labelled examples" in r for r in verdict.reasons)


def test_verdict_too_few_labels_blocks_ml() -> None:
    verdict = ml_needed_verdict(MlNeedAnswers(clear_rule_exists=False, labelled_examples=80))
    assert verdict.verdict == "unclear"
    assert any("Only 80 labelled examples" in r for r in verdict.reasons)


def test_verdict_inputs_unknown_at_decision_time_blocks_ml() -> None:
    answers = MlNeedAnswers(
        clear_rule_exists=False, labelled_examples=10_000, data_available_at_decision=False
    )
    verdict = ml_needed_verdict(answers)
    assert verdict.verdict == "unclear"
    assert "not known when the decision is made" in verdict.reasons[0]


def test_verdict_nothing_answered_is_unclear_and_says_what_to_do() -> None:
    verdict = ml_needed_verdict(MlNeedAnswers())
    assert verdict.verdict == "unclear"
    assert any("rule down" in r for r in verdict.reasons)
    assert any("Count the labelled examples" in r for r in verdict.reasons)


def test_verdict_caveats_for_drift_explanations_and_costly_errors() -> None:
    answers = MlNeedAnswers(
        clear_rule_exists=False,
        labelled_examples=5000,
        pattern_stable=False,
        must_explain_each_decision=True,
        cost_of_errors="high",
    )
    verdict = ml_needed_verdict(answers)
    assert verdict.verdict == "ml"
    text = " ".join(verdict.reasons)
    assert "monitoring" in text
    assert "per-prediction explanations" in text
    assert "person in the loop" in text


def test_verdict_unknown_rule_but_many_signals_and_labels_leans_ml() -> None:
    answers = MlNeedAnswers(labelled_examples=20_000, many_interacting_signals=True)
    assert ml_needed_verdict(answers).verdict == "ml"
