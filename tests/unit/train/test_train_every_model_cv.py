"""Every zoo model cross-validates with 2 folds on every task it supports."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.goal import ErrorCost, PayoffMatrix
from core.train import METRICS, TrainSettings, cross_validate_model
from core.train.zoo import ZOO

CASES = [(key, task) for key, spec in ZOO.items() for task in sorted(spec.tasks)]
PAYOFF = PayoffMatrix(tp=120, fp=-60, fn=-40, tn=0)
ERROR_COST = ErrorCost(under=2.0, over=1.0)


def _params(key: str) -> dict:
    return {"n_estimators": 10} if key in ("rf", "extra_trees", "xgboost") else {}


@pytest.mark.parametrize(("key", "task"), CASES, ids=[f"{k}-{t}" for k, t in CASES])
def test_train_every_model_cross_validates(key: str, task: str, tiny) -> None:
    frame, schema = tiny(task)
    settings = TrainSettings(models=(key,), folds=2, n_jobs=1)
    result = cross_validate_model(
        frame,
        schema,
        key,
        settings,
        payoff=PAYOFF,
        error_cost=ERROR_COST,
        volume_per_month=1000,
        params=_params(key),
    )
    assert result.model == key
    assert [f.fold for f in result.folds] == [1, 2]
    expected = {name for name, info in METRICS.items() if task in info.tasks}
    if task == "multiclass":
        expected.discard("expected_value")
    assert set(result.scores) == expected
    assert math.isfinite(result.cv_mean)
    assert result.metric == ("f1" if task == "multiclass" else "expected_value")
    assert result.size_bytes > 0 and result.fit_seconds >= 0 and result.predict_ms_per_1k > 0
    assert list(result.oof_index) == list(frame.index)
    if task == "multiclass":
        assert result.oof.shape == (60, 3)
        assert result.classes == ("bronze", "gold", "silver")
    else:
        assert result.oof.shape == (60,)
        assert not np.isnan(result.oof).any()
    assert (result.best_threshold is not None) == (task == "binary")
