"""Stage statuses come from cheap queries; the goal check agrees with core.goal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.services import status
from app.services.status import goal_missing
from core.goal import goal_from_dict, goal_missing_fields, goal_to_dict

DEMO_GOAL = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "assets" / "demo" / "goal.yaml").read_text()
)


@pytest.mark.parametrize(
    "drop",
    [(), ("kpi",), ("metric",), ("payoff",), ("kpi", "payoff")],
)
def test_goal_missing_matches_core(drop: tuple[str, ...]) -> None:
    document = {k: v for k, v in DEMO_GOAL.items() if k not in drop}
    goal = goal_from_dict(document, draft=True)
    assert goal_missing(goal_to_dict(goal)) == list(goal_missing_fields(goal))


def test_regression_goal_needs_error_cost() -> None:
    document = {"name": "x", "problem": "y", "task": "regression", "metric": "rmse"}
    goal = goal_from_dict(document, draft=True)
    assert goal_missing(goal_to_dict(goal)) == list(goal_missing_fields(goal))


def test_goal_missing_is_the_core_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Status asks core.goal (one place): a changed core rule shows in the stepper at once."""
    monkeypatch.setattr(status, "goal_missing_fields", lambda goal: ("a new rule",))
    assert goal_missing(DEMO_GOAL) == ["a new rule"]


def test_goal_missing_of_a_document_that_no_longer_reads_names_its_problems() -> None:
    assert goal_missing({"name": "x", "problem": "y", "volume_per_month": "many"}) == [
        "volume_per_month"
    ]


def test_listing_projects_does_not_import_the_ml_stack(home: Path) -> None:
    code = (
        "import sys; from app.cli import main\n"
        "try:\n    main(['project', 'list', '--json'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sklearn', 'xgboost', 'pandas', 'shap') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout  # fmt: skip
    assert "HEAVY []" in out
