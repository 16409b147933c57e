"""Tuning: a seeded Optuna search within the trial budget, starting from the defaults."""

from __future__ import annotations

import pytest

from core.train import TrainSettings, tune_model
from core.train.tuning import NOTE_NOTHING_TO_TUNE
from core.train.zoo import ZOO

SETTINGS = TrainSettings(models=("hgb",), folds=2, n_jobs=1, metric="roc_auc", tune_trials=3)


def _tune(frame, schema, key: str = "hgb", **changes):
    trials: list[tuple[int, float | None]] = []
    settings = TrainSettings(**{**SETTINGS.__dict__, **changes})
    result = tune_model(
        frame,
        schema,
        key,
        settings,
        on_trial=lambda model, number, value: trials.append((number, value)),
    )
    return result, trials


def test_train_tuning_respects_the_trial_budget(tiny) -> None:
    frame, schema = tiny("binary")
    result, trials = _tune(frame, schema)
    assert result.trials == 3
    assert [number for number, _ in trials] == [1, 2, 3]
    best = max(value for _, value in trials)
    assert result.cv_mean == best
    assert any("tuned over 3 trial(s)" in note for note in result.notes)


def test_train_tuning_is_deterministic(tiny) -> None:
    frame, schema = tiny("binary")
    first, first_trials = _tune(frame, schema)
    second, second_trials = _tune(frame, schema)
    assert first_trials == second_trials
    assert first.params == second.params
    assert [f.scores for f in first.folds] == [f.scores for f in second.folds]


def test_train_tuning_starts_from_the_defaults(tiny) -> None:
    frame, schema = tiny("regression")
    result, _ = _tune(frame, schema, "ridge", tune_trials=1, metric="rmse")
    assert result.params == dict(ZOO["ridge"].defaults)


def test_train_tuning_a_model_without_search_space(tiny) -> None:
    frame, schema = tiny("binary")
    result, trials = _tune(frame, schema, "dummy")
    assert result.trials == 1 and len(trials) == 1
    assert NOTE_NOTHING_TO_TUNE.format(model="dummy") in result.notes


@pytest.mark.parametrize("budget", [{"tune_trials": 0}, {"tune_seconds": -1.0}])
def test_train_tuning_budget_must_be_positive(budget: dict, tiny) -> None:
    from core.train import TrainError

    frame, schema = tiny("binary")
    with pytest.raises(TrainError, match="tune_"):
        _tune(frame, schema, **budget)
