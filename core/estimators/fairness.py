"""Fairness-mitigated models: the classes a saved mitigated pipeline references.

``GroupThresholdModel`` wraps a fitted pipeline with fairlearn's ``ThresholdOptimizer``
(one threshold per group); ``ReductionModel`` retrains under a constraint with fairlearn's
``ExponentiatedGradient``. ``core.fairness.mitigate`` builds them. Light on purpose (exported
bundles copy this module): scikit-learn, fairlearn and ``core.estimators.fairness_inputs``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import (
    DemographicParity,
    EqualizedOdds,
    ExponentiatedGradient,
    TruePositiveRateParity,
)
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import Tags, get_tags
from sklearn.utils.validation import check_is_fitted

from core.estimators.fairness_inputs import (
    ATTRIBUTE_SEPARATOR,
    MSG_UNSEEN_GROUP,
    Constraint,
    FairnessError,
    ThresholdObjective,
    as_labels,
    check_columns,
    check_constraint,
    check_reduction_options,
    fitted_classes,
    in_class_order,
    preview,
    row_groups,
    seeded,
    sensitive_names,
    training_rows,
)

__all__ = ["GroupThresholdModel", "ReductionModel"]

_MOMENTS = {
    "demographic_parity": DemographicParity,
    "equalized_odds": EqualizedOdds,
    "true_positive_rate_parity": TruePositiveRateParity,
}


class _PositiveScore(BaseEstimator):
    """A fitted pipeline's positive-class probability in column 1, where fairlearn reads it.

    It also hands the pipeline only its own feature columns, so rows may carry more.
    """

    def __init__(self, pipeline: Any = None, positive_index: int = 1, feature_columns=()):
        self.pipeline = pipeline
        self.positive_index = positive_index
        self.feature_columns = feature_columns

    def fit(self, X: Any = None, y: Any = None) -> _PositiveScore:
        """Nothing to learn: the pipeline is already fitted (scikit-learn wants a fit)."""
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba = np.asarray(self.pipeline.predict_proba(X[list(self.feature_columns)]))
        score = proba[:, self.positive_index]
        return np.column_stack([1.0 - score, score])


class GroupThresholdModel(ClassifierMixin, BaseEstimator):
    """A fitted pipeline with its own threshold per group (fairlearn's ThresholdOptimizer).

    Rows passed to ``predict``/``predict_proba`` hold the sensitive column(s) and the
    pipeline's features. The positive column of ``predict_proba`` is the probability that
    fairlearn's randomised rule says positive; ``predict`` draws the rule with
    ``random_state=seed``, so the same rows always get the same labels.
    """

    def __init__(
        self,
        pipeline: Any = None,
        *,
        sensitive_columns: Sequence[str] = (),
        constraint: Constraint = "demographic_parity",
        positive: Any = None,
        objective: ThresholdObjective = "balanced_accuracy_score",
        seed: int = 0,
    ) -> None:
        self.pipeline = pipeline
        self.sensitive_columns = sensitive_columns
        self.constraint = constraint
        self.positive = positive
        self.objective = objective
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any) -> GroupThresholdModel:
        """Choose the thresholds on (X, y); the pipeline itself is not refitted."""
        check_constraint(self.constraint, self.objective)
        names = sensitive_names(self.sensitive_columns)
        training = training_rows(X, y, names, self.positive)
        classes, positive_index = fitted_classes(self.pipeline, self.positive)
        features = tuple(getattr(self.pipeline, "feature_names_in_", X.columns))
        check_columns(X, features, sensitive=False)
        optimizer = ThresholdOptimizer(
            estimator=_PositiveScore(self.pipeline, positive_index, features),
            constraints=self.constraint,
            objective=self.objective,
            prefit=True,
            predict_method="predict_proba",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.fit(X, training.target, sensitive_features=training.groups)
        self.classes_ = classes
        self.positive_index_ = positive_index
        self.feature_columns_ = features
        self.groups_ = tuple(sorted(optimizer.interpolated_thresholder_.interpolation_dict))
        self.optimizer_ = optimizer
        return self

    def _groups_of(self, X: Any) -> np.ndarray:
        """Group labels of the rows; a group the thresholds never saw is an error."""
        check_is_fitted(self)
        names = sensitive_names(self.sensitive_columns)
        groups = row_groups(X, names)
        check_columns(X, self.feature_columns_, sensitive=False)
        unseen = [g for g in pd.unique(groups) if g not in set(self.groups_)]
        if unseen:
            message = MSG_UNSEEN_GROUP.format(
                group=unseen[0],
                attribute=ATTRIBUTE_SEPARATOR.join(names),
                known=preview(self.groups_),
            )
            raise FairnessError(message, field="sensitive_columns")
        return groups

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, 2) in classes_ order; the positive column is P[the rule says positive]."""
        groups = self._groups_of(X)
        pmf = self.optimizer_._pmf_predict(X, sensitive_features=groups)
        return in_class_order(pmf, self.positive_index_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Original labels, drawn from the randomised rule with ``random_state=seed``."""
        groups = self._groups_of(X)
        decision = self.optimizer_.predict(X, sensitive_features=groups, random_state=self.seed)
        return as_labels(decision, self.classes_, self.positive_index_)


class _SampleWeightRouter(ClassifierMixin, BaseEstimator):
    """Hands ExponentiatedGradient's ``sample_weight`` to a Pipeline's final step.

    A Pipeline's ``fit`` only takes ``<step>__sample_weight``; fairlearn passes
    ``sample_weight``.
    """

    def __init__(self, estimator: Any = None) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _SampleWeightRouter:
        model = clone(self.estimator)
        if isinstance(model, Pipeline):
            model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": sample_weight})
        else:
            model.fit(X, y, sample_weight=sample_weight)
        self.estimator_ = model
        self.classes_ = model.classes_
        if hasattr(model, "n_features_in_"):
            self.n_features_in_ = model.n_features_in_
        return self

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        if self.estimator is not None:
            tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags


class ReductionModel(ClassifierMixin, BaseEstimator):
    """A model retrained under a fairness constraint (fairlearn's ExponentiatedGradient).

    The result is a weighted mix of models fitted on re-weighted rows. The positive column
    of ``predict_proba`` is the mix's probability of saying positive; ``predict`` draws from
    it with ``random_state=seed``. The inner models read every column ``X`` had at fit,
    sensitive ones included: whether a model uses them is its pipeline's choice.
    """

    def __init__(
        self,
        estimator: Any = None,
        *,
        sensitive_columns: Sequence[str] = (),
        constraint: Constraint = "demographic_parity",
        positive: Any = None,
        seed: int = 0,
        max_iter: int = 50,
        eps: float = 0.01,
    ) -> None:
        self.estimator = estimator
        self.sensitive_columns = sensitive_columns
        self.constraint = constraint
        self.positive = positive
        self.seed = seed
        self.max_iter = max_iter
        self.eps = eps

    def fit(self, X: pd.DataFrame, y: Any) -> ReductionModel:
        """Retrain ``estimator`` (unfitted template) on re-weighted copies of (X, y)."""
        check_constraint(self.constraint)
        names = sensitive_names(self.sensitive_columns)
        training = training_rows(X, y, names, self.positive)
        check_reduction_options(self.estimator, self.max_iter, self.eps)
        mitigator = ExponentiatedGradient(
            _SampleWeightRouter(seeded(clone(self.estimator), self.seed)),
            constraints=_MOMENTS[self.constraint](),
            eps=self.eps,
            max_iter=self.max_iter,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mitigator.fit(X, training.target, sensitive_features=training.groups)
        mitigator.constraints_ = None  # fairlearn keeps the training rows there; drop them
        self.classes_ = training.classes
        self.positive_index_ = training.positive_index
        self.feature_columns_ = tuple(X.columns)
        self.mitigator_ = mitigator
        return self

    def _rows(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self)
        check_columns(X, sensitive_names(self.sensitive_columns), sensitive=True)
        check_columns(X, self.feature_columns_, sensitive=False)
        return X[list(self.feature_columns_)]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, 2) in classes_ order; the positive column is P[the mix says positive]."""
        rows = self._rows(X)  # checks it is fitted before mitigator_ is read
        return in_class_order(self.mitigator_._pmf_predict(rows), self.positive_index_)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Original labels, drawn from the mix with ``random_state=seed``."""
        rows = self._rows(X)
        decision = self.mitigator_.predict(rows, random_state=self.seed)
        return as_labels(decision, self.classes_, self.positive_index_)
