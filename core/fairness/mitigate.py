"""Fairness mitigation: per-group thresholds on a fitted pipeline, or retraining under a
constraint. The models (``core.estimators.fairness``) are what a saved mitigated run holds.

    fair = threshold_mitigation(pipeline, valid_x, valid_y, sensitive_columns=["gender"],
                                constraint="demographic_parity", positive="Yes")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from core.estimators.fairness import GroupThresholdModel, ReductionModel
from core.estimators.fairness_inputs import Constraint, ThresholdObjective

__all__ = ["expgrad_mitigation", "threshold_mitigation"]


def threshold_mitigation(
    pipeline: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    sensitive_columns: Sequence[str],
    constraint: Constraint,
    positive: Any,
    objective: ThresholdObjective = "balanced_accuracy_score",
    seed: int = 0,
) -> GroupThresholdModel:
    """Per-group thresholds on a fitted binary pipeline, chosen on (X, y) under ``constraint``.

    Cheap (no retraining) and often enough; X must hold the sensitive column(s) and the
    pipeline's features, at fit and at predict time.
    """
    return GroupThresholdModel(
        pipeline,
        sensitive_columns=sensitive_columns,
        constraint=constraint,
        positive=positive,
        objective=objective,
        seed=seed,
    ).fit(X, y)


def expgrad_mitigation(
    estimator_factory: Callable[[], Any],
    X: pd.DataFrame,
    y: Any,
    *,
    sensitive_columns: Sequence[str],
    constraint: Constraint,
    positive: Any,
    seed: int = 0,
    max_iter: int = 50,
    eps: float = 0.01,
) -> ReductionModel:
    """Retrain under ``constraint``: a mix of models from ``estimator_factory()`` (unfitted).

    Slower than thresholds (``max_iter`` fits) but fixes the model itself; its final step
    must accept ``sample_weight``. ``eps`` is the disparity fairlearn may leave.
    """
    return ReductionModel(
        estimator_factory(),
        sensitive_columns=sensitive_columns,
        constraint=constraint,
        positive=positive,
        seed=seed,
        max_iter=max_iter,
        eps=eps,
    ).fit(X, y)
