from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import main

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

DEMO_GOAL = Path(__file__).resolve().parents[2] / "assets" / "demo" / "goal.yaml"
Invoke = Callable[..., Result]


@pytest.fixture
def cli(home: Path) -> Iterator[Invoke]:
    from app.context import close_all

    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(args), catch_exceptions=False)
    close_all()


def test_demo_has_a_complete_goal_with_figures(cli: Invoke) -> None:
    cli("demo")
    report = json.loads(cli("goal", "show", "Customer churn (demo)", "--json").output)
    assert report["complete"] is True and report["version"] == 1
    figures = report["figures"]
    # 7,000 x 25 % = 1,750 churners; recall 0.7 -> TP 1,225, FN 525; precision 0.6 -> FP 816.67
    # 120*1225 - 60*816.67 - 40*525 = 77,000; the tenure rule (p 0.56, r 0.40) earns 9,000
    assert figures["expected_value_per_month"] == pytest.approx(77_000)
    assert figures["baseline_value_per_month"] == pytest.approx(9_000)
    assert figures["net_gain_per_month"] == pytest.approx(67_400)
    assert figures["payback_months"] == pytest.approx(25_000 / 67_400)
    assert report["metric_suggestion"]["metric"] == "expected_value"
    cli("demo")
    assert json.loads(cli("goal", "show", "1", "--json").output)["version"] == 1


def test_goal_set_saves_a_new_version_only_when_it_changes(cli: Invoke, tmp_path: Path) -> None:
    cli("project", "create", "Churn")
    first = json.loads(cli("goal", "set", "Churn", str(DEMO_GOAL), "--json").output)
    again = json.loads(cli("goal", "set", "Churn", str(DEMO_GOAL), "--json").output)
    assert first["version"] == again["version"] == 1
    changed = tmp_path / "goal.yaml"
    changed.write_text(DEMO_GOAL.read_text().replace("tp: 120", "tp: 150"))
    result = json.loads(cli("goal", "set", "Churn", str(changed), "--json").output)
    assert result["version"] == 2 and "payoff.tp: 120 → 150" in result["summary"]


def test_goal_set_names_every_bad_field(cli: Invoke, tmp_path: Path) -> None:
    cli("project", "create", "Churn")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nproblem: y\ncurrency: EUR\npayoff: {tp: abc, fp: 1, fn: 2, tn: 0}\n"
        "volume_per_month: -5\nkpi: {name: k, unit: u, baseline: 1, target: 2, direction: up}\n"
        "paypof: 3\n"
    )
    result = cli("goal", "set", "Churn", str(bad))
    assert result.exit_code == 2
    for text in ("payoff.tp", "volume_per_month", "kpi.direction", "did you mean 'payoff'"):
        assert text in result.output
    assert json.loads(cli("goal", "show", "Churn", "--json").output) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [x\n", "is not valid YAML at line 2"),
        ("- a\n- b\n", "must be a YAML mapping"),
        (b"\xff\xfe\x00bad", "is not UTF-8"),
    ],
)
def test_goal_set_unreadable_file(
    cli: Invoke, tmp_path: Path, content: str | bytes, message: str
) -> None:
    cli("project", "create", "Churn")
    path = tmp_path / "goal.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = cli("goal", "set", "Churn", str(path))
    assert result.exit_code == 2 and message in result.output


def test_goal_show_without_goal(cli: Invoke) -> None:
    cli("project", "create", "Empty")
    assert "has no goal yet" in cli("goal", "show", "Empty").output
