"""The goal document as pydantic models: stored format unchanged, old goals still load."""

from __future__ import annotations

import json
from pathlib import Path

import pydantic
import pytest
import yaml

from core.coerce import FALSE_WORDS, TRUE_WORDS
from core.documents import DocumentError
from core.goal import Goal, GoalValidationError, PayoffMatrix, goal_from_dict, goal_to_dict

HERE = Path(__file__).resolve().parent
DEMO_GOAL = HERE.parents[2] / "assets" / "demo" / "goal.yaml"

# a goal as the workbench stored it before the pydantic models (every section, lenient inputs
# already normalised): it must load and be written back identically
STORED_BEFORE = {
    "name": "Demand",
    "problem": "Stock-outs.",
    "decision": "How much to order",
    "target_column": "units",
    "task": "binary",
    "positive_class": 1,
    "cadence": "real-time",
    "volume_per_month": 1200,
    "expected_positive_rate": 0.3,
    "currency": "€",
    "kpi": {
        "name": "Stock-outs",
        "unit": "",
        "baseline": 12,
        "target": 8.5,
        "direction": "decrease",
        "deadline": "2026-06-30",
    },
    "metric": "pr_auc",
    "payoff": {"tp": 10, "fp": -2.5, "fn": -8, "tn": 0},
    "costs": {"build": 0, "run_per_month": 300},
    "risks": [
        {
            "name": "Drift",
            "category": "drift",
            "likelihood": 3,
            "impact": 4,
            "owner": "",
            "mitigation": "",
        }
    ],
    "requirements": {"mode": "batch", "explainability": "per-prediction"},
    "milestones": [{"name": "Pilot", "due": "2026-01-31", "status": "in progress"}],
    "rule": "stock < 5",
    "ml_check": {"clear_rule_exists": False, "labelled_examples": 5000},
    "horizon_months": 24,
    "roi_assumptions": {"model_precision": 0.5, "model_recall": 0.6},
}


def test_demo_goal_is_stored_byte_for_byte_as_before() -> None:
    data = goal_to_dict(goal_from_dict(yaml.safe_load(DEMO_GOAL.read_text(encoding="utf-8"))))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    assert text == (HERE / "data" / "demo_goal_stored.yaml").read_text(encoding="utf-8")
    assert json.dumps(data) == (HERE / "data" / "demo_goal_stored.json").read_text("utf-8")


def test_goal_stored_in_the_old_format_loads_and_writes_back_identically() -> None:
    goal = goal_from_dict(STORED_BEFORE)
    assert goal.risks[0].level == "high"
    assert json.dumps(goal_to_dict(goal)) == json.dumps(STORED_BEFORE)


@pytest.mark.parametrize("word", sorted(TRUE_WORDS | FALSE_WORDS))
def test_goal_reads_the_same_true_false_words_as_conditions(word: str) -> None:
    # bug: the goal had its own set without "t"/"f", so `pattern_stable: t` was an error here
    # while recipe filters and rules read it as true
    goal = goal_from_dict(
        {"name": "n", "problem": "p", "ml_check": {"pattern_stable": word}}, draft=True
    )
    assert goal.ml_check is not None
    assert goal.ml_check.pattern_stable is (word in TRUE_WORDS)


def test_goal_is_an_immutable_value() -> None:
    goal = goal_from_dict({"name": "n", "problem": "p"}, draft=True)
    with pytest.raises(pydantic.ValidationError):
        goal.name = "other"  # type: ignore[misc]
    changed = goal.model_copy(update={"payoff": PayoffMatrix(tp=1, fp=0, fn=0, tn=0)})
    assert goal.payoff is None and changed.payoff is not None
    assert len({goal, goal.model_copy()}) == 1


def test_goal_validation_error_is_a_document_error_listing_fields_in_document_order() -> None:
    with pytest.raises(DocumentError) as caught:
        goal_from_dict({"name": "n", "problem": "p", "horizon_months": 0, "currency": "euros"})
    assert isinstance(caught.value, GoalValidationError)
    assert [p.field for p in caught.value.problems] == ["currency", "payoff", "horizon_months"]


def test_goal_built_in_code_is_read_leniently_too() -> None:
    goal = Goal(name=" n ", problem="p", volume_per_month="7000", task="Regression")
    assert (goal.name, goal.volume_per_month, goal.task) == ("n", 7000.0, "regression")
