"""`workbench data recipe / fix`: the recipe's CLI twin, with the page's validation and guard."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from app.cli import main

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

Invoke = Callable[..., Result]
CAP_WARNING = "caps 6.1 % of rows: at that share these are probably real values, not errors"


@pytest.fixture
def cli(home: Path) -> Iterator[Invoke]:
    from app.context import close_all

    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    close_all()


def table() -> pd.DataFrame:
    """A generated table: a skewed income (6.1 % beyond 3 × IQR), 20 far hours, a target."""
    rng = np.random.default_rng(0)
    rows = 10_000
    income = rng.lognormal(0.0, 1.5, rows).round(3)
    hours = rng.normal(40, 5, rows).round(1)
    hours[:20] = 400.0
    plan = rng.choice(["basic", "pro"], rows)
    return pd.DataFrame(
        {"income": income, "hours": hours, "plan": plan, "y": rng.choice([0, 1], rows)}
    )


def capped_rows(upper: float) -> int:
    """Independent count: the rows a cap at ``upper`` rewrites."""
    return int((table()["income"] > upper).sum())


@pytest.fixture
def project(cli: Invoke, tmp_path: Path) -> str:
    path = tmp_path / "table.csv"
    table().to_csv(path, index=False)
    cli("project", "create", "Gen")
    added = cli("data", "add", "Gen", path, "--target", "y")
    assert added.exit_code == 0, added.output
    return "Gen"


def _json(result: Result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _one_line_error(result: Result, text: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0, result.output
    assert text in result.output


def test_check_json_says_what_to_pass_and_what_each_fix_changes(cli: Invoke, project: str) -> None:
    report = _json(cli("data", "check", project, "--json"))
    by_ref = {f["ref"]: f for f in report["findings"]}
    income, hours = by_ref["outliers:income"], by_ref["outliers:hours"]
    expected = capped_rows(income["fix_step"]["params"]["upper"])
    assert expected == 612  # the generated column: 6.1 % of its rows lie beyond the cap
    assert income["fix_impact"]["rows_changed"] == expected
    assert income["fix_impact"]["rows"] == 10_000
    assert income["fix_impact"]["needs_confirmation"] is True
    assert income["fix_impact"]["warning"] == CAP_WARNING
    assert hours["fix_impact"]["share"] == pytest.approx(0.002)
    assert hours["fix_impact"]["needs_confirmation"] is False
    assert income["fix_in_recipe"] is None and income["code"] == "outliers"  # old fields stay


def test_fix_above_five_percent_needs_yes(cli: Invoke, project: str) -> None:
    refused = cli("data", "fix", project, "outliers:income")
    _one_line_error(refused, f"{CAP_WARNING}; pass --yes to add it anyway")
    assert _json(cli("data", "recipe", project, "--json"))["steps"] == []
    done = _json(cli("data", "fix", project, "outliers:income", "--yes", "--json"))
    assert done["fixed"] == "outliers:income"
    steps = done["recipe"]["steps"]
    assert [s["step"]["kind"] for s in steps] == ["cap_outliers"]
    assert steps[0]["cells_changed"] == 612
    again = cli("data", "fix", project, "outliers:income", "--yes")
    _one_line_error(again, "already in the cleaning recipe (step 1)")


def test_fix_below_five_percent_is_one_command(cli: Invoke, project: str) -> None:
    result = cli("data", "fix", project, "outliers:hours")
    assert result.exit_code == 0, result.output
    assert "changes 0.2 % of rows (20 of 10,000)" in result.output
    check = _json(cli("data", "check", project, "--json"))
    hours = next(f for f in check["findings"] if f["ref"] == "outliers:hours")
    assert hours["fix_in_recipe"] == 1


def test_unknown_finding_lists_the_refs(cli: Invoke, project: str) -> None:
    result = cli("data", "fix", project, "outliers:incme")
    _one_line_error(result, "there is no finding 'outliers:incme' on v1")
    assert "outliers:income" in result.output


def test_recipe_add_list_remove(cli: Invoke, project: str) -> None:
    step = {"kind": "filter_rows", "column": "plan", "params": {"op": "==", "value": "pro"}}
    view = _json(cli("data", "recipe", project, "--add", json.dumps(step), "--json"))
    (item,) = view["steps"]
    kept = item["rows_after"]
    assert item["number"] == 1 and item["what"] == "Keep only rows where plan is 'pro'"
    assert item["rows_before"] == 10_000 and 4_500 < kept < 5_500
    assert item["rows_removed"] == 10_000 - kept
    listing = cli("data", "recipe", project)
    assert "1. Keep only rows where plan is 'pro'" in listing.output
    assert f"10,000 → {kept:,} rows" in listing.output
    assert _json(cli("data", "recipe", project, "--remove", 1, "--json"))["steps"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--add", "{kind: cap"), "STEP_JSON is not valid JSON"),
        (("--add", '{"kind": "explode", "column": "plan"}'), "kind 'explode' is not a step kind"),
        (
            ("--add", '{"kind": "cast", "column": "incom", "params": {"to": "numeric"}}'),
            "Step 1 (cast incom to numeric): column 'incom' does not exist; did you mean 'income'?",
        ),
        (("--remove", "3"), "there is no step 3; the recipe has 0 step(s)"),
    ],
)
def test_recipe_refuses_with_one_line(cli: Invoke, project: str, args, message) -> None:  # type: ignore[no-untyped-def]
    _one_line_error(cli("data", "recipe", project, *args), message)
    assert _json(cli("data", "recipe", project, "--json"))["steps"] == []


def test_help_names_the_finding_format(cli: Invoke) -> None:
    text = cli("data", "fix", "--help").output
    assert "CODE:COLUMN" in text and "--yes" in text
