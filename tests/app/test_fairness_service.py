"""Fairness on the trained demo: numbers equal fairlearn's, stored reports, mitigation runs, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from fairlearn.metrics import MetricFrame, demographic_parity_difference, selection_rate

from app.cli import main
from app.errors import UserError
from app.jobs.runner import run_in_foreground
from app.services import evaluation, explanations, fairness, projects, training

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends


@pytest.fixture
def champion(trained_demo: str, wb):  # type: ignore[no-untyped-def]
    run = training.champion(wb, projects.resolve_project(wb, trained_demo).id)
    return training.set_champion(wb, run.id)


def _invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_group_numbers_equal_an_independent_fairlearn_computation(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    report = fairness.analyse(wb, champion, ["gender"], rows=rows)
    flagged = (rows.prediction == rows.positive).astype(int)
    truth = (rows.y.astype(str) == rows.positive).astype(int)
    frame = MetricFrame(
        metrics={"selection_rate": selection_rate}, y_true=truth, y_pred=flagged,
        sensitive_features=rows.frame["gender"],
    )  # fmt: skip
    table = report.by_group.set_index("group")
    for group, value in frame.by_group["selection_rate"].items():
        assert table.loc[str(group), "selection_rate"] == pytest.approx(value)
    expected = demographic_parity_difference(
        truth, flagged, sensitive_features=rows.frame["gender"]
    )
    assert report.disparity("demographic_parity_difference").value == pytest.approx(expected)
    assert report.disparity("demographic_parity_difference").limit == 0.1  # the demo goal's


def test_small_groups_warned_and_report_stored_once(champion, wb) -> None:  # type: ignore[no-untyped-def]
    report = fairness.analyse(wb, champion, ["gender", "age_band"])
    assert any("only 3 rows" in w for w in report.warnings)
    fairness.analyse(wb, champion, ["gender", "age_band"])
    stored = fairness.latest_analysis(wb, champion.id)
    assert stored.report["attribute"] == "gender × age_band"
    from sqlalchemy import func, select

    from storage.models import FairnessAnalysis

    with wb.db.read() as session:
        assert session.scalar(select(func.count()).select_from(FairnessAnalysis)) == 1


def test_numeric_attribute_is_binned_into_quantile_groups(champion, wb) -> None:  # type: ignore[no-untyped-def]
    report = fairness.analyse(wb, champion, ["age"], bins={"age": 4})
    assert len(report.by_group) == 4
    assert all("–" in g for g in report.by_group["group"])


def test_bad_choices_give_clear_messages(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    one_group = rows.frame.assign(gender="Female")
    single = evaluation.EvaluationRows(**{**rows.__dict__, "frame": one_group})
    with pytest.raises(UserError, match="at least two groups"):
        fairness.report_for_rows(wb, single, ["gender"])
    with pytest.raises(UserError, match="at most two"):
        fairness.group_frame(rows.frame, ["gender", "age_band", "region"])
    with pytest.raises(UserError, match="Unknown constraint"):
        fairness.submit_mitigation(
            wb, champion.id, sensitive=["gender"], method="threshold", constraint="nope"
        )


def test_mitigation_is_a_new_run_that_reduces_disparity_and_reproduces(champion, wb) -> None:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(2):
        job = fairness.submit_mitigation(
            wb, champion.id, sensitive=["gender"], method="threshold",
            constraint="demographic_parity", claimed=True,
        )  # fmt: skip
        info = run_in_foreground(wb, job)
        assert info.status == "succeeded", info.error
        runs.append(training.get_run(wb, info.result["run_id"]))
    first, second = runs
    assert first.kind == "mitigated" and first.settings["sensitive_inputs"] == ["gender"]
    assert "group thresholds" in first.model_name
    before = fairness.latest_analysis(wb, champion.id).report["demographic_parity_difference"]
    after = fairness.latest_analysis(wb, first.id).report["demographic_parity_difference"]
    assert after < before
    a = evaluation.evaluation_rows(wb, first)
    b = evaluation.evaluation_rows(wb, second)
    np.testing.assert_array_equal(a.proba, b.proba)  # same seed, same model
    assert "test_value_per_month" in first.scores


def test_regression_target_cannot_be_mitigated(champion, wb) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    snapshot = {
        **champion.snapshot,
        "schema": {**champion.snapshot["schema"], "task": "regression"},
    }
    regression = dataclasses.replace(champion, snapshot=snapshot)
    with pytest.raises(UserError, match="binary classification"):
        fairness._check_request(regression, ["gender"], "threshold", "demographic_parity")


def test_cli_analyze_fairness_json_contract(trained_demo: str) -> None:
    result = _invoke("analyze", trained_demo, "--fairness", "gender", "--json")
    assert result.exit_code == 0, result.output
    block = json.loads(result.output)["fairness"]
    assert block["attribute"] == "gender"
    for numbers in block["by_group"].values():
        assert {"count", "selection_rate", "tpr", "fpr", "precision", "accuracy"} <= set(numbers)
    for key in (
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
    ):
        assert isinstance(block[key], float)


def test_cli_mitigate_returns_the_new_run(trained_demo: str) -> None:
    result = _invoke(
        "mitigate", trained_demo, "--sensitive", "gender", "--method", "expgrad",
        "--constraint", "demographic_parity", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["kind"] == "mitigated" and payload["mitigation"]["method"] == "expgrad"
    assert payload["fairness_before"]["attribute"] == "gender"
    assert payload["fairness_after"]["demographic_parity_difference"] is not None
    bad = _invoke("mitigate", trained_demo, "--sensitive", "no_such_column")
    assert bad.exit_code == 2 and "no_such_column" in bad.output


def test_scoring_a_mitigated_run_needs_the_sensitive_column(champion, wb) -> None:  # type: ignore[no-untyped-def]
    from app.services import scoring

    job = fairness.submit_mitigation(
        wb, champion.id, sensitive=["gender"], method="threshold",
        constraint="demographic_parity", claimed=True,
    )  # fmt: skip
    run = training.get_run(wb, run_in_foreground(wb, job).result["run_id"])
    frame = evaluation.held_out_rows(wb, run).drop(columns=["churned"])
    scored = scoring.score_frame(wb, run, frame)
    assert scored.frame["prediction"].notna().all()
    with pytest.raises(UserError, match="gender"):
        scoring.score_frame(wb, run, pd.DataFrame(frame.drop(columns=["gender"])))


def test_mitigated_runs_point_to_their_original_for_shap(champion, wb) -> None:  # type: ignore[no-untyped-def]
    job = fairness.submit_mitigation(
        wb, champion.id, sensitive=["gender"], method="threshold",
        constraint="demographic_parity", claimed=True,
    )  # fmt: skip
    run_id = run_in_foreground(wb, job).result["run_id"]
    with pytest.raises(UserError, match=f"Explain run {champion.id}") as caught:
        explanations.submit_explanation(wb, run_id)
    assert "fairness mitigation" in caught.value.message


def test_stage_status_follows_the_champion_analysis(champion, wb) -> None:  # type: ignore[no-untyped-def]
    from app.services.status import fairness_status

    assert fairness_status(wb, champion.project_id)[0] == "not_started"
    for attributes, bins in ((["gender"], None), (["age"], {"age": 4})):
        report = fairness.analyse(wb, champion, attributes, bins=bins)
        passes = report.disparity("demographic_parity_difference").passes
        state, detail = fairness_status(wb, champion.project_id)
        if passes:
            assert state == "done" and attributes[0] in detail
        else:
            assert state == "attention" and "over the Goal's limit" in detail


def test_unknown_attribute_names_the_sensitive_columns(champion, wb) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError) as caught:
        fairness.analyse(wb, champion, ["nope"])
    assert "no column 'nope'" in caught.value.message
    assert "gender" in (caught.value.hint or "")
