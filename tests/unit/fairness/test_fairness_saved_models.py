"""Mitigated models saved before the classes moved to ``core.estimators.fairness`` still
load (``core.persist.MOVED``) and predict exactly as before."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from core import persist
from core.fairness import expgrad_mitigation, threshold_mitigation

OLD, NEW = b"core.fairness\n", b"core.estimators.fairness\n"


def _saved_before_the_move(model: object) -> bytes:
    data = pickle.dumps(model, protocol=0)  # text protocol: class paths are plain lines
    assert NEW in data
    return data.replace(NEW, OLD)


def test_a_saved_threshold_model_loads_and_predicts_alike(biased, fitted_pipeline) -> None:
    X, y = biased
    options = {"sensitive_columns": ["group"], "constraint": "demographic_parity"}
    model = threshold_mitigation(fitted_pipeline, X, y, positive="hired", **options)
    loaded = persist.load_joblib(_saved_before_the_move(model))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.filterwarnings("ignore")
def test_a_saved_reduction_model_loads_and_predicts_alike(biased, pipeline_factory) -> None:
    X, y = biased
    model = expgrad_mitigation(
        pipeline_factory,
        X,
        y,
        sensitive_columns=["group"],
        constraint="demographic_parity",
        positive="hired",
        max_iter=5,
    )
    loaded = persist.load_joblib(_saved_before_the_move(model))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
