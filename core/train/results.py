"""What cross-validation hands back: one result per model, one score per fold, and the
signal that training was cancelled."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["RULE_KEY", "FoldScore", "ModelResult", "TrainCancelled"]

RULE_KEY = "rule"  # ModelResult.model of the rule baseline


class TrainCancelled(Exception):  # a signal to stop, not an error the user made
    """``should_stop()`` said yes between folds or trials.

    ``completed`` holds the finished folds of the model that was running; ``best`` the best
    finished tuning trial (tune_model only). Results finished before stay with the caller.
    """

    def __init__(
        self,
        model: str,
        completed: tuple[FoldScore, ...] = (),
        best: ModelResult | None = None,
    ) -> None:
        super().__init__(f"training of {model!r} was cancelled")
        self.model = model
        self.completed = completed
        self.best = best


@dataclasses.dataclass(frozen=True)
class FoldScore:
    """One fold: every metric, and how long fitting and predicting took (seconds)."""

    fold: int  # 1-based
    scores: Mapping[str, float]
    fit_seconds: float
    predict_seconds: float


@dataclasses.dataclass(frozen=True, eq=False)
class ModelResult:
    """One model's cross-validated result: a leaderboard row plus what Evaluate needs.

    ``oof`` is aligned to ``oof_index`` (raw row ids of the rows used, in the order the
    caller's frame gave them): the positive-class probability (binary), an (n, k) probability
    matrix in ``classes`` order (multiclass) or the prediction (regression); NaN where a row
    was never in a validation fold.
    """

    model: str
    params: Mapping[str, Any]
    folds: tuple[FoldScore, ...]
    cv_mean: float  # of the ranking metric
    cv_std: float  # population std (ddof=0) over folds, like scikit-learn's cv_results_
    scores: Mapping[str, float]  # mean over folds of every metric
    fit_seconds: float  # mean per fold
    predict_ms_per_1k: float
    size_bytes: int  # pickled fitted pipeline of fold 1
    best_threshold: float | None  # value-optimal threshold on the out-of-fold scores (binary)
    oof: np.ndarray | None
    trials: int = 0
    notes: tuple[str, ...] = ()
    metric: str = ""  # the ranking metric cv_mean refers to
    classes: tuple[Any, ...] = ()  # original class labels, sorted (= pipeline.classes_)
    oof_index: np.ndarray | None = None
