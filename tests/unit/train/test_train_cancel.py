"""should_stop() is asked between folds and trials; TrainCancelled carries what finished."""

from __future__ import annotations

import pytest

from core.train import TrainCancelled, TrainSettings, cross_validate_model, tune_model


def test_train_cancel_between_folds(tiny) -> None:
    frame, schema = tiny("binary")
    seen: list[tuple[str, int, int]] = []
    settings = TrainSettings(models=("logreg",), folds=4, n_jobs=1, metric="roc_auc")
    with pytest.raises(TrainCancelled) as caught:
        cross_validate_model(
            frame,
            schema,
            "logreg",
            settings,
            on_fold=lambda model, fold, total, score: seen.append((model, fold, total)),
            should_stop=lambda: len(seen) >= 2,
        )
    assert seen == [("logreg", 1, 4), ("logreg", 2, 4)]
    assert caught.value.model == "logreg"
    assert [f.fold for f in caught.value.completed] == [1, 2]


def test_train_cancel_before_the_first_fold(tiny) -> None:
    frame, schema = tiny("binary")
    settings = TrainSettings(models=("logreg",), folds=2, n_jobs=1, metric="roc_auc")
    with pytest.raises(TrainCancelled) as caught:
        cross_validate_model(frame, schema, "logreg", settings, should_stop=lambda: True)
    assert caught.value.completed == ()


def test_train_cancel_with_parallel_folds(tiny) -> None:
    frame, schema = tiny("binary")
    seen: list[int] = []
    settings = TrainSettings(models=("tree",), folds=5, n_jobs=2, metric="roc_auc")
    with pytest.raises(TrainCancelled) as caught:
        cross_validate_model(
            frame,
            schema,
            "tree",
            settings,
            on_fold=lambda model, fold, total, score: seen.append(fold),
            should_stop=lambda: bool(seen),
        )
    assert seen == [1]
    assert [f.fold for f in caught.value.completed] == [1]


def test_train_cancel_between_trials_keeps_the_best_so_far(tiny) -> None:
    frame, schema = tiny("binary")
    trials: list[int] = []
    settings = TrainSettings(models=("tree",), folds=2, n_jobs=1, metric="roc_auc", tune_trials=5)
    with pytest.raises(TrainCancelled) as caught:
        tune_model(
            frame,
            schema,
            "tree",
            settings,
            on_trial=lambda model, number, value: trials.append(number),
            should_stop=lambda: len(trials) >= 2,
        )
    assert trials == [1, 2]
    assert caught.value.best is not None and caught.value.best.model == "tree"


def test_train_backend_without_result_streams_runs_folds_in_chunks(tiny, monkeypatch) -> None:
    """Some cluster backends cannot stream results: folds then run n_jobs at a time and
    cancelling still works between chunks."""
    import joblib

    import core.train.cv as train

    chunks: list[int] = []

    def parallel(*args, **kwargs):
        if kwargs.get("return_as") == "generator":
            raise ValueError("Backend does not support return_as=generator")
        runner = joblib.Parallel(n_jobs=1)  # the chunk width still follows n_jobs=2

        def run(jobs):
            jobs = list(jobs)
            chunks.append(len(jobs))
            return runner(jobs)

        return run

    monkeypatch.setattr(train, "Parallel", parallel)
    frame, schema = tiny("binary")
    settings = TrainSettings(models=("logreg",), folds=5, n_jobs=2, metric="roc_auc")
    result = cross_validate_model(frame, schema, "logreg", settings)
    assert chunks == [2, 2, 1] and len(result.folds) == 5
    chunks.clear()
    seen: list[int] = []
    with pytest.raises(TrainCancelled):
        cross_validate_model(
            frame,
            schema,
            "logreg",
            settings,
            on_fold=lambda model, fold, total, score: seen.append(fold),
            should_stop=lambda: len(seen) >= 3,
        )
    assert chunks == [2, 2] and seen == [1, 2, 3]
