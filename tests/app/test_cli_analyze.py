"""`workbench analyze`: the CLI contract on the trained demo, and `predict` honouring the saved threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from app.cli import main

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

REPORT_FIELDS = {
    "run_id", "model", "task", "evaluated_on", "rows", "metrics", "chosen_threshold",
    "threshold", "value_per_month", "top_error_cohorts", "top_features", "optimal_threshold",
}  # fmt: skip


def _invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _json(result: Result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_analyze_json_contract(trained_demo: str) -> None:
    report = _json(_invoke("analyze", trained_demo, "--json"))
    assert set(report) >= REPORT_FIELDS
    assert report["rows"] == 1400 and "held-out test rows" in report["evaluated_on"]
    assert 0.5 < report["metrics"]["roc_auc"]["value"] <= 1
    low, high = report["metrics"]["roc_auc"]["low"], report["metrics"]["roc_auc"]["high"]
    assert low <= report["metrics"]["roc_auc"]["value"] <= high
    assert report["chosen_threshold"] is None and 0 < report["threshold"] < 1
    assert report["value_per_month"] == report["metrics"]["value_per_month"]["value"]
    cohort = report["top_error_cohorts"][0]
    assert {"rule", "rows", "error", "ratio_to_overall", "conditions"} <= set(cohort)
    features = [f["name"] for f in report["top_features"]]
    assert len(features) >= 5 and "churned" not in features
    assert all(f["mean_abs_shap"] >= 0 for f in report["top_features"])


def test_analyze_reuses_the_stored_explanation(trained_demo: str) -> None:
    first = _json(_invoke("analyze", trained_demo, "--json"))
    second = _json(_invoke("analyze", trained_demo, "--json"))
    assert first["top_features"] == second["top_features"]
    jobs = _json(_invoke("jobs", "list", "--json"))
    assert sum(j["kind"] == "evaluate.explain" for j in jobs) == 1


def test_analyze_on_a_labelled_file(trained_demo: str, tmp_path: Path) -> None:
    csv = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
    part = pd.read_csv(csv).head(600)
    path = tmp_path / "recent.csv"
    part.to_csv(path, index=False)
    report = _json(_invoke("analyze", trained_demo, "--data", path, "--json"))
    assert report["rows"] == 600 and report["evaluated_on"].endswith("recent.csv")
    assert report["shap"].startswith("SHAP on 600 rows of the file")


def test_analyze_bad_inputs_give_one_line_errors(trained_demo: str, tmp_path: Path) -> None:
    missing = _invoke("analyze", trained_demo, "--data", tmp_path / "nope.csv")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    unlabelled = tmp_path / "unlabelled.csv"
    pd.DataFrame({"tenure_months": [1, 2]}).to_csv(unlabelled, index=False)
    result = _invoke("analyze", trained_demo, "--data", unlabelled)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "unlabelled.csv does not fit run" in result.output and "signup_date" in result.output
    assert _invoke("analyze", trained_demo, "--run", 999).exit_code == 2


def test_human_output_names_threshold_value_and_cohorts(trained_demo: str) -> None:
    result = _invoke("analyze", trained_demo)
    assert result.exit_code == 0, result.output
    assert "value per month" in result.output and "Highest-error cohorts" in result.output
    assert "Top features by mean |SHAP|" in result.output


@pytest.mark.parametrize("threshold", [0.05, 0.95])
def test_predict_uses_the_threshold_saved_on_evaluate(
    trained_demo: str, tmp_path: Path, wb, threshold: float
) -> None:  # type: ignore[no-untyped-def]
    from app.services import evaluation, projects, training

    run = training.champion(wb, projects.resolve_project(wb, trained_demo).id)
    evaluation.save_threshold(wb, run.id, threshold)
    csv = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
    out = tmp_path / "scored.csv"
    payload = _json(_invoke("predict", trained_demo, csv, "--out", out, "--json"))
    assert payload["threshold"] == threshold
    scored = pd.read_csv(out)
    flagged = scored["prediction"] == "Yes"
    assert (flagged == (scored["probability_Yes"] >= threshold)).all()
