"""Sensitive columns: a name-based guess is a suggestion; using them as inputs is a choice.

`data add` without --sensitive keeps `age` a feature and lists it in `suggested_sensitive`;
`--sensitive age` marks it; `train --include-sensitive / --exclude-sensitive` decides whether
the model sees it, and `excluded_inputs` says which columns it does not see and why.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import Result

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

Invoke = Callable[..., Result]
SENSITIVE_WHY = "sensitive attribute (--include-sensitive to use it)"


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    """x, z, age, y — age drives y, x a little, z is noise; plus an ID column."""
    rng = np.random.default_rng(0)
    n = 400
    age = rng.integers(18, 80, n)
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    y = ((age - 48) / 10 + 0.5 * x + rng.normal(scale=0.5, size=n) > 0).astype(int)
    frame = pd.DataFrame(
        {"row_id": [f"r{i:04d}" for i in range(n)], "x": x, "z": z, "age": age, "y": y}
    )
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    return path


def _json(result: Result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _project_id(wb) -> int:  # type: ignore[no-untyped-def]
    from app.services.projects import resolve_project

    return resolve_project(wb, "p").id


def _roles(cli: Invoke) -> dict[str, str]:
    data = _json(cli("data", "roles", "p", "--json"))
    return {c["name"]: c["role"] for c in data["columns"]}


def test_add_without_sensitive_suggests_age_and_keeps_it_a_feature(cli: Invoke, csv: Path) -> None:
    cli("project", "create", "p")
    added = _json(cli("data", "add", "p", csv, "--target", "y", "--json"))
    assert added["suggested_sensitive"] == [{"column": "age", "why": "name contains 'age'"}]
    assert _roles(cli)["age"] == "feature"
    roles = _json(cli("data", "roles", "p", "--json"))
    assert roles["suggested_sensitive"] == [{"column": "age", "why": "name contains 'age'"}]


def test_add_prints_a_one_line_note_about_suggestions(cli: Invoke, csv: Path) -> None:
    cli("project", "create", "p")
    result = cli("data", "add", "p", csv, "--target", "y")
    assert result.exit_code == 0, result.output
    assert (
        "note: age looks like a sensitive attribute; mark it with --sensitive to analyse fairness"
        in result.output
    )


def test_add_with_sensitive_marks_exactly_that_column(cli: Invoke, csv: Path) -> None:
    cli("project", "create", "p")
    added = _json(cli("data", "add", "p", csv, "--target", "y", "--sensitive", "age", "--json"))
    assert added["suggested_sensitive"] == []
    roles = _roles(cli)
    assert roles["age"] == "sensitive"
    assert [c for c, r in roles.items() if r == "sensitive"] == ["age"]


def test_feature_role_dismisses_the_suggestion(cli: Invoke, csv: Path) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y")
    data = _json(cli("data", "roles", "p", "--feature", "age", "--json"))
    assert data["suggested_sensitive"] == []


def _train(cli: Invoke, *flags: str) -> list[dict]:  # type: ignore[type-arg]
    return _json(cli("train", "p", "--models", "logreg", "--folds", "3", *flags, "--json"))


def test_train_include_and_exclude_sensitive(cli: Invoke, csv: Path) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y", "--sensitive", "age", "--id", "row_id")
    assert cli("data", "split", "p").exit_code == 0

    excluded = _train(cli, "--exclude-sensitive")
    logreg = next(r for r in excluded if r["model"] == "logreg")
    assert {"column": "age", "why": SENSITIVE_WHY} in logreg["excluded_inputs"]
    assert {e["column"] for e in logreg["excluded_inputs"]} == {"age", "row_id"}
    run = _json(cli("runs", "show", logreg["run_id"], "--json"))
    assert run["settings"]["include_sensitive"] is False

    included = _train(cli, "--include-sensitive")
    logreg_in = next(r for r in included if r["model"] == "logreg")
    assert [e["column"] for e in logreg_in["excluded_inputs"]] == ["row_id"]
    run_in = _json(cli("runs", "show", logreg_in["run_id"], "--json"))
    assert run_in["settings"]["include_sensitive"] is True
    # age drives y: the model that sees it ranks better
    assert logreg_in["scores"]["roc_auc"] > logreg["scores"]["roc_auc"] + 0.05


def test_train_default_excludes_a_marked_sensitive_column_and_says_so(
    cli: Invoke, csv: Path
) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y", "--sensitive", "age")
    cli("data", "split", "p")
    result = cli("train", "p", "--models", "logreg", "--folds", "3")
    assert result.exit_code == 0, result.output
    assert "Not model inputs: " in result.output
    assert "; age — " + SENSITIVE_WHY in result.output


def test_train_without_marking_uses_age(cli: Invoke, csv: Path) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y")
    cli("data", "split", "p")
    rows = _train(cli)
    logreg = next(r for r in rows if r["model"] == "logreg")
    assert all(e["column"] != "age" for e in logreg["excluded_inputs"])
    assert logreg["scores"]["roc_auc"] > 0.85


def test_compare_sensitive_trains_both_ways_and_shows_the_difference(
    cli: Invoke, csv: Path
) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y", "--sensitive", "age", "--id", "row_id")
    cli("data", "split", "p")
    out = _json(
        cli("train", "p", "--models", "logreg", "--folds", "3", "--compare-sensitive", "--json")
    )
    tags = {(r["model"], r["sensitive_inputs"]) for r in out["runs"]}
    assert ("logreg", "included") in tags and ("logreg", "excluded") in tags
    pair = next(p for p in out["sensitive_cost"] if p["model"] == "logreg")
    by_tag = {r["sensitive_inputs"]: r for r in out["runs"] if r["model"] == "logreg"}
    assert pair["with_sensitive"] == by_tag["included"]["cv_mean"]
    assert pair["without_sensitive"] == by_tag["excluded"]["cv_mean"]
    assert pair["cost_of_excluding"] == pytest.approx(
        pair["with_sensitive"] - pair["without_sensitive"]
    )
    assert pair["cost_of_excluding"] > 0.05  # roc_auc (no goal): age is the strongest input
    assert [p["model"] for p in out["sensitive_cost"]] == ["logreg"]  # baselines read no inputs
    # the better "included" side was trained to measure the cost: never the default champion
    from app.context import open_workbench
    from app.services import training

    wb = open_workbench()
    champion = training.champion(wb, _project_id(wb))
    assert champion is not None and champion.id == by_tag["excluded"]["run_id"]


def test_compare_sensitive_without_a_sensitive_column_is_a_clear_error(
    cli: Invoke, csv: Path
) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y")
    cli("data", "split", "p")
    result = cli("train", "p", "--models", "logreg", "--compare-sensitive")
    assert result.exit_code == 2
    assert "No column is marked sensitive" in result.output


def test_bundle_schema_and_predict_follow_the_runs_choice(
    cli: Invoke, csv: Path, tmp_path: Path
) -> None:
    cli("project", "create", "p")
    cli("data", "add", "p", csv, "--target", "y", "--sensitive", "age", "--id", "row_id")
    cli("data", "split", "p")
    without_age = tmp_path / "no_age.csv"
    pd.read_csv(csv).drop(columns=["age", "y"]).to_csv(without_age, index=False)
    for flag, sees_age in (("--exclude-sensitive", False), ("--include-sensitive", True)):
        run_id = next(r["run_id"] for r in _train(cli, flag) if r["model"] == "logreg")
        bundle = tmp_path / f"bundle{run_id}.zip"
        assert cli("export", "p", "--run", run_id, "--out", bundle).exit_code == 0
        schema = json.loads(zipfile.ZipFile(bundle).read("schema.json"))
        assert ("age" in schema["feature_order"]) is sees_age
        assert ("age" in {c["name"] for c in schema["columns"]}) is sees_age
        result = cli("predict", "p", without_age, "--run", run_id, "--out", tmp_path / "o.csv")
        if sees_age:
            assert result.exit_code == 2 and "age" in result.output
        else:
            assert result.exit_code == 0, result.output


@pytest.fixture
def diabetes_csv(tmp_path: Path) -> Path:
    """scikit-learn's bundled diabetes data (has age and sex), target binarised at its median."""
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(as_frame=True)
    frame = bunch.data.assign(y=(bunch.target > bunch.target.median()).astype(int))
    path = tmp_path / "diabetes.csv"
    frame.to_csv(path, index=False)
    return path


def test_diabetes_age_and_sex_are_inputs_until_marked_and_excluded(
    cli: Invoke, diabetes_csv: Path
) -> None:
    cli("project", "create", "p")
    added = _json(cli("data", "add", "p", diabetes_csv, "--target", "y", "--json"))
    assert [s["column"] for s in added["suggested_sensitive"]] == ["age", "sex"]
    cli("data", "split", "p")
    used = next(r for r in _train(cli) if r["model"] == "logreg")
    assert used["excluded_inputs"] == []
    cli("data", "roles", "p", "--sensitive", "age", "--sensitive", "sex")
    left_out = next(r for r in _train(cli) if r["model"] == "logreg")
    assert [e["column"] for e in left_out["excluded_inputs"]] == ["age", "sex"]
    assert used["scores"]["roc_auc"] > left_out["scores"]["roc_auc"]
