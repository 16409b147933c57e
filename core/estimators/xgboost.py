"""XGBoost with the original class labels, as a scikit-learn classifier.

Saved pipelines reference this class by this module's path and exported bundles copy it
verbatim, so it imports only numpy, scikit-learn and (when fitting) xgboost.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

__all__ = ["MSG_XGB_CLASSES", "XGBoostClassifier"]

MSG_XGB_CLASSES = "XGBoostClassifier needs at least two classes in y, got {count}"


class XGBoostClassifier(ClassifierMixin, BaseEstimator):
    """XGBoost (hist) for any class labels: ``classes_`` = sorted original labels.

    XGBoost wants labels 0..k-1; this encodes them at fit and decodes at predict, so a
    pipeline predicts "Yes"/"No" like every other model. ``class_weight="balanced"`` sets
    ``scale_pos_weight`` = negatives/positives for two classes, balanced sample weights
    for more. The fitted booster is ``model_``.
    """

    def __init__(
        self,
        n_estimators: int = 200,
        max_depth: int = 6,
        learning_rate: float = 0.1,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        min_child_weight: float = 1.0,
        reg_lambda: float = 1.0,
        reg_alpha: float = 0.0,
        gamma: float = 0.0,
        class_weight: Literal["balanced"] | None = None,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.reg_lambda = reg_lambda
        self.reg_alpha = reg_alpha
        self.gamma = gamma
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> XGBoostClassifier:
        from xgboost import XGBClassifier  # heavy: imported when a model is fitted

        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(MSG_XGB_CLASSES.format(count=len(self.classes_)))
        extra: dict[str, Any] = {}
        if self.class_weight == "balanced":
            if len(self.classes_) == 2:
                positives = max(int(codes.sum()), 1)
                extra["scale_pos_weight"] = (len(codes) - positives) / positives
            else:
                balanced = compute_sample_weight("balanced", codes)
                sample_weight = balanced if sample_weight is None else sample_weight * balanced
        params = {k: v for k, v in self.get_params().items() if k != "class_weight"}
        self.model_ = XGBClassifier(tree_method="hist", **params, **extra)
        self.model_.fit(X, codes, sample_weight=sample_weight)
        self.n_features_in_ = self.model_.n_features_in_
        if hasattr(self.model_, "feature_names_in_"):
            self.feature_names_in_ = self.model_.feature_names_in_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(X), dtype=np.float64)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)  # first: an unfitted model says so (NotFittedError)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # XGBoost learns where missing values go
        tags.input_tags.sparse = True
        return tags

    @property
    def feature_importances_(self) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.feature_importances_
