"""Slow explainers explain fewer rows, chosen from the model alone and stated in the notes."""

from __future__ import annotations

import pytest

import core.explain.shap as explain_module
from core.explain import explain
from core.explain.shap import NOTE_AGNOSTIC_CAP, NOTE_TREE_CAP


def test_agnostic_rows_follow_the_prediction_budget(fitted, monkeypatch) -> None:
    pipeline, frame, _ = fitted("binary", "dummy")
    inputs = len(pipeline.feature_names_in_)
    per_row = explain_module.PERMUTATIONS * (2 * inputs + 1) * explain_module.BACKGROUND_ROWS
    monkeypatch.setattr(explain_module, "AGNOSTIC_EVALUATIONS", per_row * 25)
    explanation = explain(pipeline, frame, sample=1000)
    assert explanation.sample_rows == 25
    assert NOTE_AGNOSTIC_CAP.format(limit=25) in explanation.notes


def test_neighbours_cost_more_the_more_rows_they_search(fitted, monkeypatch) -> None:
    pipeline, frame, _ = fitted("binary", "knn")
    inputs = len(pipeline.feature_names_in_)
    per_row = explain_module.PERMUTATIONS * (2 * inputs + 1) * explain_module.BACKGROUND_ROWS
    monkeypatch.setattr(explain_module, "AGNOSTIC_EVALUATIONS", per_row * 100)
    monkeypatch.setattr(explain_module, "NEIGHBOUR_COST_ROWS", len(frame) / 4)  # weight 4
    assert explain(pipeline, frame, sample=1000).sample_rows == 25
    monkeypatch.setattr(explain_module, "NEIGHBOUR_COST_ROWS", 1)  # weight 240: the floor
    floor = explain(pipeline, frame, sample=1000)
    assert floor.sample_rows == explain_module.MIN_AGNOSTIC_ROWS


def test_deep_forests_explain_fewer_rows(fitted, monkeypatch) -> None:
    pipeline, frame, _ = fitted("binary", "rf")
    monkeypatch.setattr(explain_module, "TREE_WORK_BUDGET", 1.0)
    explanation = explain(pipeline, frame, sample=1000)
    assert explanation.sample_rows == explain_module.MIN_TREE_ROWS
    assert NOTE_TREE_CAP.format(limit=explain_module.MIN_TREE_ROWS) in explanation.notes


@pytest.mark.parametrize("key", ["xgboost", "hgb", "logreg"])
def test_fast_explainers_take_the_whole_sample(fitted, key: str) -> None:
    pipeline, frame, _ = fitted("binary", key)
    assert explain(pipeline, frame, sample=1000).sample_rows == len(frame)
