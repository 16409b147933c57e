"""goal_from_dict validates at the boundary, naming each field and collecting every problem."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from core.documents import MSG_BOOL, MSG_CHOICE, MSG_DATE, MSG_NUMBER, MSG_REQUIRED
from core.exceptions import CoreError
from core.goal import (
    GOAL_SCHEMA_DOC,
    KPI,
    Goal,
    GoalValidationError,
    Milestone,
    PayoffMatrix,
    goal_from_dict,
    goal_missing_fields,
    goal_to_dict,
    is_goal_complete,
)
from core.goal.fields import MSG_NOT_NEGATIVE, MSG_SCALE, MSG_SHARE
from core.goal.model import (
    MSG_CURRENCY_FORMAT,
    MSG_CURRENCY_NEEDED,
    MSG_ERROR_COST_NEEDED,
    MSG_PAYOFF_FOR_REGRESSION,
    MSG_PAYOFF_NEEDED,
)

DEMO_GOAL = Path(__file__).resolve().parents[3] / "assets" / "demo" / "goal.yaml"


def minimal(**extra: object) -> dict:
    data = {
        "name": "Churn",
        "problem": "Customers leave.",
        "currency": "EUR",
        "payoff": {"tp": 100, "fp": -20, "fn": -50, "tn": 0},
    }
    data.update(extra)
    return data


def problems_of(data: dict, **kwargs: object) -> dict[str, str]:
    with pytest.raises(GoalValidationError) as caught:
        goal_from_dict(data, **kwargs)
    return {p.field: p.message for p in caught.value.problems}


def test_goal_from_dict_minimal_goal_has_defaults() -> None:
    goal = goal_from_dict(minimal())
    assert goal.name == "Churn"
    assert goal.task == "binary"
    assert goal.payoff == PayoffMatrix(tp=100.0, fp=-20.0, fn=-50.0, tn=0.0)
    assert goal.horizon_months == 12
    assert goal.risks == ()


def test_goal_from_dict_missing_name_and_problem_reports_both() -> None:
    found = problems_of({"payoff": {"tp": 1, "fp": 0, "fn": 0, "tn": 0}, "currency": "EUR"})
    assert found["name"] == MSG_REQUIRED.format(field="name")
    assert found["problem"] == MSG_REQUIRED.format(field="problem")


def test_goal_from_dict_payoff_cell_not_a_number_names_the_cell() -> None:
    data = minimal(payoff={"tp": 100, "fp": "abc", "fn": -50, "tn": 0})
    found = problems_of(data)
    assert found == {"payoff.fp": MSG_NUMBER.format(field="payoff.fp", value="abc")}
    assert found["payoff.fp"] == "payoff.fp must be a number, got 'abc'"


def test_goal_from_dict_collects_all_problems_at_once() -> None:
    data = minimal(
        volume_per_month=-5,
        payoff={"tp": "x", "fp": 1, "fn": 1, "tn": 1},
        risks=[{"name": "Bias", "category": "bias", "likelihood": 9, "impact": 2}],
        milestones=[{"name": "Pilot", "due": "next week"}],
        metric="auc",
    )
    found = problems_of(data)
    assert set(found) == {
        "volume_per_month",
        "payoff.tp",
        "risks[0].likelihood",
        "milestones[0].due",
        "metric",
    }
    assert found["volume_per_month"] == MSG_NOT_NEGATIVE.format(field="volume_per_month", value=-5)
    assert found["risks[0].likelihood"] == MSG_SCALE.format(field="risks[0].likelihood", value=9)
    assert found["milestones[0].due"] == MSG_DATE.format(
        field="milestones[0].due", value="next week"
    )


def test_goal_validation_error_is_a_core_error_with_problem_list() -> None:
    with pytest.raises(CoreError) as caught:
        goal_from_dict(minimal(volume_per_month="many"))
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, GoalValidationError)
    assert error.field == "volume_per_month"  # one problem: the error names its field
    assert "volume_per_month must be a number" in str(error)


def test_goal_from_dict_unknown_top_level_key_suggests_the_right_one() -> None:
    found = problems_of(minimal(volume_per_mnth=100))
    assert "volume_per_mnth" in found
    assert "did you mean 'volume_per_month'" in found["volume_per_mnth"]


def test_goal_from_dict_unknown_nested_key_names_its_path() -> None:
    found = problems_of(minimal(payoff={"tp": 1, "fp": 0, "fn": 0, "tn": 0, "tnn": 3}))
    assert "payoff.tnn" in found


def test_goal_from_dict_not_a_mapping() -> None:
    with pytest.raises(GoalValidationError) as caught:
        goal_from_dict(["name", "problem"])  # type: ignore[arg-type]
    assert caught.value.problems[0].field == ""


def test_goal_from_dict_currency_needed_with_money() -> None:
    data = minimal()
    del data["currency"]
    assert problems_of(data) == {"currency": MSG_CURRENCY_NEEDED}


def test_goal_from_dict_currency_not_needed_without_money() -> None:
    goal = goal_from_dict({"name": "n", "problem": "p"}, draft=True)
    assert goal.currency is None


@pytest.mark.parametrize("currency", ["euros", "E1", "US dollar"])
def test_goal_from_dict_currency_format(currency: str) -> None:
    found = problems_of(minimal(currency=currency))
    assert found == {"currency": MSG_CURRENCY_FORMAT.format(value=currency)}


@pytest.mark.parametrize(("given", "stored"), [("eur", "EUR"), ("€", "€"), ("$", "$")])
def test_goal_from_dict_currency_code_or_symbol(given: str, stored: str) -> None:
    assert goal_from_dict(minimal(currency=given)).currency == stored


@pytest.mark.parametrize("value", [0, 6, 2.5, "high", True])
def test_goal_from_dict_risk_scale_must_be_1_to_5(value: object) -> None:
    risk = {"name": "r", "category": "bias", "likelihood": value, "impact": 3}
    found = problems_of(minimal(risks=[risk]))
    assert found == {
        "risks[0].likelihood": MSG_SCALE.format(field="risks[0].likelihood", value=value)
    }


def test_goal_from_dict_risk_whole_float_is_accepted_as_int() -> None:
    risk = {"name": "r", "category": "privacy", "likelihood": 3.0, "impact": "4"}
    goal = goal_from_dict(minimal(risks=[risk]))
    assert goal.risks[0].likelihood == 3
    assert goal.risks[0].impact == 4
    assert isinstance(goal.risks[0].likelihood, int)


def test_goal_from_dict_risk_missing_fields() -> None:
    found = problems_of(minimal(risks=[{"name": "r"}]))
    assert set(found) == {"risks[0].category", "risks[0].likelihood", "risks[0].impact"}


def test_goal_from_dict_risk_unknown_category_lists_choices() -> None:
    risk = {"name": "r", "category": "legal", "likelihood": 1, "impact": 1}
    found = problems_of(minimal(risks=[risk]))
    assert "privacy" in found["risks[0].category"]


def test_goal_from_dict_dates_accept_iso_text_date_and_datetime() -> None:
    goal = goal_from_dict(
        minimal(
            kpi={
                "name": "churn",
                "unit": "%",
                "baseline": 2.1,
                "target": 1.7,
                "direction": "decrease",
                "deadline": "2026-06-30",
            },
            milestones=[
                {"name": "a", "due": date(2026, 1, 31)},
                {"name": "b", "due": datetime(2026, 2, 1, 9, 30)},
            ],
        )
    )
    assert goal.kpi is not None and goal.kpi.deadline == date(2026, 6, 30)
    assert [m.due for m in goal.milestones] == [date(2026, 1, 31), date(2026, 2, 1)]


def test_goal_from_dict_invalid_date() -> None:
    found = problems_of(minimal(milestones=[{"name": "a", "due": "2026-13-01"}]))
    assert found == {
        "milestones[0].due": MSG_DATE.format(field="milestones[0].due", value="2026-13-01")
    }


def test_goal_from_dict_milestone_status_alias() -> None:
    goal = goal_from_dict(minimal(milestones=[{"name": "a", "status": "in_progress"}]))
    assert goal.milestones == (Milestone(name="a", due=None, status="in progress"),)


def test_goal_from_dict_unknown_metric() -> None:
    found = problems_of(minimal(metric="auc"))
    assert found["metric"].startswith(MSG_CHOICE.format(field="metric", choices="", value="")[:20])
    assert "roc_auc" in found["metric"]


def test_goal_from_dict_metric_must_fit_the_task() -> None:
    found = problems_of(minimal(metric="rmse"))
    assert "does not fit a binary task" in found["metric"]


def test_goal_from_dict_classification_needs_payoff_unless_draft() -> None:
    data = {"name": "n", "problem": "p"}
    assert problems_of(data) == {"payoff": MSG_PAYOFF_NEEDED.format(task="binary")}
    assert goal_from_dict(data, draft=True).payoff is None


def test_goal_from_dict_regression_needs_error_cost_not_payoff() -> None:
    found = problems_of(minimal(task="regression", metric="mae"))
    assert found == {"payoff": MSG_PAYOFF_FOR_REGRESSION, "error_cost": MSG_ERROR_COST_NEEDED}


def test_goal_from_dict_regression_with_error_cost() -> None:
    data = {
        "name": "Demand",
        "problem": "Stock-outs.",
        "task": "regression",
        "currency": "USD",
        "metric": "MAE",
        "error_cost": {"under": 3, "over": 1},
    }
    goal = goal_from_dict(data)
    assert goal.metric == "mae"
    assert goal.error_cost is not None and goal.error_cost.under == 3


def test_goal_from_dict_error_cost_must_not_be_negative() -> None:
    data = {
        "name": "d",
        "problem": "p",
        "task": "regression",
        "currency": "USD",
        "error_cost": {"under": -3, "over": 1},
    }
    found = problems_of(data)
    assert found == {
        "error_cost.under": MSG_NOT_NEGATIVE.format(field="error_cost.under", value=-3)
    }


def test_goal_from_dict_unknown_task_does_not_default_to_binary() -> None:
    found = problems_of(minimal(task="clustering"))
    assert set(found) == {"task"}


@pytest.mark.parametrize(
    ("direction", "baseline", "target"), [("decrease", 2.1, 2.5), ("increase", 10, 9)]
)
def test_goal_from_dict_kpi_target_must_move_in_direction(
    direction: str, baseline: float, target: float
) -> None:
    kpi = {"name": "k", "baseline": baseline, "target": target, "direction": direction}
    found = problems_of(minimal(kpi=kpi))
    assert set(found) == {"kpi.target"}


def test_goal_from_dict_kpi_ok() -> None:
    kpi = {"name": "k", "unit": "%", "baseline": 2.1, "target": 1.7, "direction": "Decrease"}
    goal = goal_from_dict(minimal(kpi=kpi))
    assert goal.kpi == KPI(
        name="k", unit="%", baseline=2.1, target=1.7, direction="decrease", deadline=None
    )


def test_goal_from_dict_positive_class_read_as_bool_by_yaml() -> None:
    data = yaml.safe_load("positive_class: Yes")
    found = problems_of(minimal(**data))
    assert set(found) == {"positive_class"}
    assert "quote it" in found["positive_class"]


def test_goal_from_dict_positive_class_int_kept() -> None:
    assert goal_from_dict(minimal(positive_class=1)).positive_class == 1


@pytest.mark.parametrize("rate", [25, -0.1, 1.5])
def test_goal_from_dict_positive_rate_is_a_share(rate: float) -> None:
    found = problems_of(minimal(expected_positive_rate=rate))
    assert found == {
        "expected_positive_rate": MSG_SHARE.format(field="expected_positive_rate", value=rate)
    }


def test_goal_from_dict_ml_check_flags() -> None:
    goal = goal_from_dict(minimal(ml_check={"clear_rule_exists": "no", "pattern_stable": True}))
    assert goal.ml_check is not None
    assert goal.ml_check.clear_rule_exists is False
    assert goal.ml_check.pattern_stable is True
    found = problems_of(minimal(ml_check={"pattern_stable": "maybe"}))
    assert found == {
        "ml_check.pattern_stable": MSG_BOOL.format(field="ml_check.pattern_stable", value="maybe")
    }


def test_goal_from_dict_requirements() -> None:
    goal = goal_from_dict(
        minimal(
            requirements={"max_latency_ms": 200, "mode": "real time", "explainability": "global"}
        )
    )
    assert goal.requirements.max_latency_ms == 200
    assert goal.requirements.mode == "real-time"
    found = problems_of(
        minimal(requirements={"max_latency_ms": 0, "max_demographic_parity_difference": 2})
    )
    assert set(found) == {
        "requirements.max_latency_ms",
        "requirements.max_demographic_parity_difference",
    }


def test_goal_from_dict_lists_must_be_lists() -> None:
    found = problems_of(minimal(risks={"name": "r"}, milestones=["a"]))
    assert set(found) == {"risks", "milestones[0]"}


def test_demo_goal_yaml_is_valid_and_complete() -> None:
    goal = goal_from_dict(yaml.safe_load(DEMO_GOAL.read_text(encoding="utf-8")))
    assert is_goal_complete(goal)
    assert goal.target_column == "churned"
    assert goal.positive_class == "Yes"
    assert goal.currency == "EUR"
    assert 5 <= len(goal.risks) <= 6
    assert {"bias", "privacy"} <= {r.category for r in goal.risks}
    assert goal.requirements.max_demographic_parity_difference == 0.1
    assert goal.rule == "tenure_months < 6"


def test_goal_to_dict_round_trips_through_yaml_text() -> None:
    goal = goal_from_dict(yaml.safe_load(DEMO_GOAL.read_text(encoding="utf-8")))
    data = goal_to_dict(goal)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert goal_from_dict(yaml.safe_load(text)) == goal
    assert data["kpi"]["deadline"] == "2026-06-30"
    assert data["volume_per_month"] == 7000 and isinstance(data["volume_per_month"], int)
    assert isinstance(data["risks"], list)


def test_goal_to_dict_minimal_goal_is_short() -> None:
    data = goal_to_dict(goal_from_dict(minimal()))
    assert set(data) == {"name", "problem", "task", "currency", "payoff", "horizon_months"}
    assert goal_from_dict(data) == goal_from_dict(minimal())


def test_is_goal_complete_lists_what_is_missing() -> None:
    goal = goal_from_dict({"name": "n", "problem": "p"}, draft=True)
    assert not is_goal_complete(goal)
    assert goal_missing_fields(goal) == ("kpi", "metric", "payoff")
    regression = goal.model_copy(update={"task": "regression"})
    assert goal_missing_fields(regression) == ("kpi", "metric", "error_cost")


def test_goal_schema_doc_mentions_every_field() -> None:
    for field in Goal.model_fields:
        assert f"`{field}`" in GOAL_SCHEMA_DOC
