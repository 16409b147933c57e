"""Evaluate services on the trained demo: test rows, threshold, cohorts, explanations, compare."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from app.errors import UserError
from app.jobs.runner import run_in_foreground
from app.services import evaluation, explanations, projects, scoring, splits, training
from core import evaluate

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends


@pytest.fixture
def champion(trained_demo: str, wb):  # type: ignore[no-untyped-def]
    project = projects.resolve_project(wb, trained_demo)
    run = training.champion(wb, project.id)
    assert run is not None
    return run


def test_rows_are_the_frozen_test_split(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    version = evaluation.datasets.get_version(wb, champion.dataset_version_id)
    test_index = splits.get_split(wb, version).split.test_index
    assert set(rows.frame.index) <= set(test_index)
    assert len(rows.frame) == 1400
    assert "churned" not in rows.features and "customer_id" not in rows.features
    pipeline = training.load_pipeline(wb, champion)
    proba = pipeline.predict_proba(rows.frame[list(rows.features)])
    np.testing.assert_array_equal(rows.proba, proba)


def test_metrics_match_sklearn_on_the_same_rows(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    result = evaluation.evaluate_rows(rows, evaluation.money(wb, champion.project_id), bootstrap=0)
    expected = roc_auc_score(rows.y.astype(str) == rows.positive, rows.score)
    assert result.metric("roc_auc").value == pytest.approx(expected)
    assert result.threshold == pytest.approx(champion.best_threshold)
    assert result.value_per_month is not None and result.optimal_threshold is not None


def test_saved_threshold_is_what_predict_uses(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    saved = evaluation.save_threshold(wb, champion.id, 0.9)
    assert saved.chosen_threshold == 0.9 and saved.threshold == 0.9
    scored = scoring.score_frame(wb, saved, rows.frame.drop(columns=["churned"]))
    flagged = scored.frame["prediction"] == rows.positive
    np.testing.assert_array_equal(flagged.to_numpy(), rows.score >= 0.9)
    assert scored.threshold == 0.9
    cleared = evaluation.save_threshold(wb, champion.id, None)
    assert cleared.chosen_threshold is None and cleared.threshold == champion.best_threshold


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_threshold_out_of_range_is_refused(champion, wb, bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="between 0 and 1"):
        evaluation.save_threshold(wb, champion.id, bad)


def test_with_threshold_relabels_without_predicting(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    strict = evaluation.with_threshold(rows, 0.99)
    assert (strict.prediction == rows.positive).sum() < (rows.prediction == rows.positive).sum()
    assert strict.proba is rows.proba


def test_cohorts_save_list_compare_and_delete(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    found = evaluation.discovered_cohorts(rows)
    assert found and found[0].error_rate >= found[-1].error_rate
    saved = evaluation.save_cohort(wb, champion.project_id, "worst", found[0], run_id=champion.id)
    with pytest.raises(UserError, match="exists already"):
        evaluation.save_cohort(wb, champion.project_id, "worst", found[0], run_id=champion.id)
    with pytest.raises(UserError, match="name"):
        evaluation.save_cohort(wb, champion.project_id, "  ", found[0], run_id=None)
    listed = evaluation.list_cohorts(wb, champion.project_id)
    assert [c.name for c in listed] == ["worst"]
    assert listed[0].cohort.conditions == found[0].conditions
    others = [r for r in training.leaderboard(wb, champion.project_id) if r.id != champion.id]
    other_rows = evaluation.evaluation_rows(wb, others[0])
    table = evaluation.cohort_errors({champion.id: rows, others[0].id: other_rows}, listed)
    assert set(table["run_id"]) == {champion.id, others[0].id}
    mine = table[table["run_id"] == champion.id].iloc[0]
    assert mine["rows"] == found[0].rows
    assert mine["error"] == pytest.approx(found[0].error_rate)
    evaluation.delete_cohort(wb, saved.id)
    assert evaluation.list_cohorts(wb, champion.project_id) == []


def test_explanation_job_stores_shap_and_permutation(champion, wb) -> None:  # type: ignore[no-untyped-def]
    job = explanations.submit_explanation(wb, champion.id, sample=300, claimed=True)
    run_in_foreground(wb, job)
    info = explanations.latest_explanation(wb, champion.id)
    assert info is not None and info.sample == 300
    assert info.summary["rows_explained"] == 300
    stored = explanations.load_explanation(wb, info)
    assert len(stored.explanation.rows) == 300
    top = [f["name"] for f in info.summary["top_features"]]
    assert top == list(stored.explanation.global_importance()["name"].head(len(top)))
    assert set(stored.permutation["input_column"]) == set(champion.input_columns)


def test_explanation_sample_is_checked(champion, wb) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="limited"):
        explanations.submit_explanation(wb, champion.id, sample=10**7)
    with pytest.raises(UserError, match="whole number"):
        explanations.submit_explanation(wb, champion.id, sample=0)


def test_compare_two_runs_on_the_same_rows(champion, wb) -> None:  # type: ignore[no-untyped-def]
    other = next(r for r in training.leaderboard(wb, champion.project_id) if r.id != champion.id)
    a = evaluation.evaluation_rows(wb, champion)
    b = evaluation.evaluation_rows(wb, other)
    comparison, rows = evaluation.compare(a, b)
    assert comparison.disagreements == len(rows)
    assert comparison.disagreements == int((a.prediction != b.prediction).sum())
    assert set(comparison.metrics["metric"]) >= {"accuracy", "roc_auc"}


def test_what_if_uses_the_run_threshold(champion, wb) -> None:  # type: ignore[no-untyped-def]
    run = evaluation.save_threshold(wb, champion.id, 0.01)
    rows = evaluation.evaluation_rows(wb, run)
    pipeline = training.load_pipeline(wb, run)
    result = explanations.what_if(rows, pipeline, 0, {"tenure_months": 70})
    assert result.original_prediction == rows.positive  # every score is ≥ 0.01
    assert result.changed == ("tenure_months",)
    with pytest.raises(UserError, match="no_such"):
        explanations.what_if(rows, pipeline, 0, {"no_such": 1})


def test_labelled_file_without_the_target_is_refused(champion, wb) -> None:  # type: ignore[no-untyped-def]
    frame = evaluation.held_out_rows(wb, champion).drop(columns=["churned"])
    with pytest.raises(UserError, match="churned"):
        evaluation.evaluation_rows(wb, champion, data=frame, source="new.csv")


def test_labelled_file_with_bad_numbers_is_scored_with_notes(champion, wb) -> None:  # type: ignore[no-untyped-def]
    frame = evaluation.held_out_rows(wb, champion).reset_index(drop=True)
    frame["tenure_months"] = frame["tenure_months"].astype(object)
    frame.loc[3, "tenure_months"] = "twelve"
    rows = evaluation.evaluation_rows(wb, champion, data=frame, source="new.csv")
    assert len(rows.frame) == len(frame)
    assert any("twelve" in note for note in rows.notes)


def test_error_cohorts_can_be_reapplied_from_their_saved_form(champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    cohort = evaluation.discovered_cohorts(rows)[0]
    again = evaluate.cohort_from_dict(evaluate.cohort_to_dict(cohort))
    mask = evaluate.apply_cohort(rows.frame, again)
    assert int(mask.sum()) == cohort.rows
    assert pd.Series(rows.errors())[mask].mean() == pytest.approx(cohort.error_rate)


def test_stage_status_asks_for_threshold_and_explanation(champion, wb) -> None:  # type: ignore[no-untyped-def]
    from app.services.status import evaluate_status

    training.set_champion(wb, champion.id)
    state, detail = evaluate_status(wb, champion.project_id)
    assert state == "attention" and "threshold" in detail and "SHAP" in detail
    evaluation.save_threshold(wb, champion.id, 0.3)
    run_in_foreground(wb, explanations.submit_explanation(wb, champion.id, sample=50, claimed=True))
    state, detail = evaluate_status(wb, champion.project_id)
    assert state == "done" and "0.30" in detail
