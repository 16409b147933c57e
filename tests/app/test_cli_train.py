"""`workbench train / runs / predict`: the CLI contract on the demo project."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from app.cli import main

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

DEMO_CSV = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
Invoke = Callable[..., Result]
LEADERBOARD_FIELDS = {
    "run_id",
    "model",
    "metric",
    "cv_mean",
    "cv_std",
    "scores",
    "fit_seconds",
    "predict_ms_per_1k",
    "size_bytes",
}


@pytest.fixture
def cli(home: Path) -> Iterator[Invoke]:
    from app.context import close_all

    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    close_all()


@pytest.fixture
def demo(cli: Invoke) -> str:
    assert cli("demo").exit_code == 0
    return "Customer churn (demo)"


def _json(result: Result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_train_json_leaderboard_with_baselines(cli: Invoke, demo: str) -> None:
    rows = _json(cli("train", demo, "--models", "logreg,tree", "--folds", "3", "--json"))
    assert {r["model"] for r in rows} == {"dummy", "rule", "logreg", "tree"}
    for row in rows:
        assert set(row) >= LEADERBOARD_FIELDS
        assert row["metric"] == "expected_value"
    values = [r["cv_mean"] for r in rows]
    assert values == sorted(values, reverse=True)  # ranked by business value
    by_model = {r["model"]: r for r in rows}
    assert (
        by_model["logreg"]["cv_mean"] > by_model["rule"]["cv_mean"] > by_model["dummy"]["cv_mean"]
    )
    assert "roc_auc" in by_model["logreg"]["scores"]


def test_runs_list_show_and_predict(cli: Invoke, demo: str, tmp_path: Path) -> None:
    rows = _json(cli("train", demo, "--models", "logreg", "--folds", "2", "--json"))
    best = rows[0]["run_id"]
    listed = _json(cli("runs", demo, "--json"))
    assert {r["run_id"] for r in listed} >= {r["run_id"] for r in rows}
    shown = _json(cli("runs", "show", best, "--json"))
    assert (
        shown["snapshot"]["dataset_hash"] and shown["snapshot"]["library_versions"]["scikit-learn"]
    )
    new = (
        pd.read_csv(DEMO_CSV, keep_default_na=False, na_values=[""])
        .head(50)
        .drop(columns=["churned"])
    )
    new["tenure_months"] = new["tenure_months"].astype(object)
    new.loc[3, "tenure_months"] = "abc"
    src, out = tmp_path / "new.csv", tmp_path / "scored.csv"
    new.to_csv(src, index=False)
    result = _json(cli("predict", demo, src, "--run", best, "--out", out, "--json"))
    assert result["rows"] == 50
    assert any("Row 4: tenure_months = 'abc'" in p for p in result["problems"])
    scored = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert len(scored) == 50 and {"prediction", "probability_Yes"} <= set(scored.columns)
    assert set(scored["prediction"]) <= {"Yes", "No"}
    assert scored["probability_Yes"].between(0, 1).all()
    assert result["probability_column"] == "probability_Yes"  # names the column it wrote
    assert result["probability_columns"] == ["probability_Yes"]


def test_predict_json_names_every_class_column_of_a_multiclass_run(
    cli: Invoke, tmp_path: Path
) -> None:
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True).frame.rename(columns={"target": "species"})
    iris["species"] = iris["species"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    src, out = tmp_path / "iris.csv", tmp_path / "scored.csv"
    iris.to_csv(src, index=False)
    assert cli("project", "create", "iris").exit_code == 0
    _json(cli("data", "add", "iris", src, "--target", "species", "--json"))
    _json(cli("data", "split", "iris", "--json"))
    _json(cli("train", "iris", "--models", "logreg", "--folds", "2", "--json"))
    result = _json(cli("predict", "iris", src, "--out", out, "--json"))
    columns = [f"probability_{name}" for name in ("setosa", "versicolor", "virginica")]
    assert result["probability_columns"] == columns
    assert result["probability_column"] is None  # one column per class, none is "the" one
    assert set(columns) <= set(pd.read_csv(out).columns)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--folds", "1"), "folds must be a whole number of at least 2"),
        (("--models", ","), "--models is empty"),
        (("--models", "forest"), "there is no model 'forest'"),
        (("--tune", "3", "--budget", "5"), "not both"),
    ],
)
def test_bad_settings_give_clear_errors(
    cli: Invoke, demo: str, args: tuple[str, ...], message: str
) -> None:
    result = cli("train", demo, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_training_without_target_or_split_is_explained(cli: Invoke, tmp_path: Path) -> None:
    cli("project", "create", "Bare")
    cli("data", "add", "Bare", DEMO_CSV)
    result = cli("train", "Bare")
    assert result.exit_code == 2 and "has no evaluation split" in result.output
    cli("data", "split", "Bare")
    result = cli("train", "Bare")
    assert result.exit_code == 2 and "No target column is set" in result.output


def test_predict_without_runs(cli: Invoke, demo: str, tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text("a\n1\n")
    result = cli("predict", demo, src, "--out", tmp_path / "o.csv")
    assert result.exit_code == 2 and "no trained run" in result.output


def test_train_message_shows_the_best_score_unrounded_to_a_whole_number(
    cli: Invoke, tmp_path: Path
) -> None:
    """A ROC AUC of 0.8 once read "roc_auc 1" in the job's closing line (money formatting)."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    frame = pd.DataFrame({"x": x, "y": (x + rng.normal(size=400) > 0).astype(int)})
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    for args in (("project", "create", "p"), ("data", "add", "p", path, "--target", "y")):
        assert cli(*args).exit_code == 0
    assert cli("data", "split", "p").exit_code == 0
    result = cli("train", "p", "--models", "logreg", "--folds", "3")
    assert result.exit_code == 0, result.output
    best = json.loads(cli("runs", "p", "--json").output)[0]
    assert best["metric"] == "roc_auc" and 0.5 < best["cv_mean"] < 0.99
    assert f"(roc_auc {best['cv_mean']:.4f})" in result.output
