"""The fairness estimators against scikit-learn's estimator contract (``check_estimator``).

``GroupThresholdModel`` and ``ReductionModel`` read their groups from named sensitive
columns, so they need a pandas DataFrame; the common checks pass bare arrays, and every
check that fits or predicts fails on that alone. ``_PositiveScore`` wraps a pipeline that is
already fitted (fit learns nothing), so checks that fit it on their own data find no model.
Those checks are listed below with that reason; the rest must pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from core.estimators.fairness import (
    GroupThresholdModel,
    ReductionModel,
    _PositiveScore,
    _SampleWeightRouter,
)
from tests.helpers.estimator_checks import FRAME_ONLY_CHECKS

NEEDS_FRAME = "needs a pandas DataFrame holding the sensitive column(s); the check passes arrays"
PREFIT = "wraps an already fitted pipeline (fit learns nothing): a bare instance has no model"

_FRAME_CHECKS = FRAME_ONLY_CHECKS
_PREFIT_CHECKS = (
    "check_complex_data",
    "check_dict_unchanged",
    "check_dtype_object",
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_estimator_sparse_tag",
    "check_estimators_dtypes",
    "check_estimators_empty_data_messages",
    "check_estimators_nan_inf",
    "check_estimators_pickle",
    "check_estimators_unfitted",
    "check_fit1d",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
)


def expected_failed_checks(estimator: object) -> dict[str, str]:
    if isinstance(estimator, GroupThresholdModel):
        return dict.fromkeys(_FRAME_CHECKS, NEEDS_FRAME)
    if isinstance(estimator, ReductionModel):  # max_iter: the n_iter check fits it on arrays too
        return dict.fromkeys(
            [*_FRAME_CHECKS, "check_non_transformer_estimators_n_iter"], NEEDS_FRAME
        )
    if isinstance(estimator, _PositiveScore):
        return dict.fromkeys(_PREFIT_CHECKS, PREFIT)
    return {}


@parametrize_with_checks(
    [
        GroupThresholdModel(LogisticRegression(), sensitive_columns=["group"], positive=1),
        ReductionModel(LogisticRegression(), sensitive_columns=["group"], positive=1),
        _PositiveScore(),
        _SampleWeightRouter(LogisticRegression()),
    ],
    expected_failed_checks=expected_failed_checks,
)
def test_fairness_estimators_follow_the_estimator_contract(estimator, check) -> None:
    check(estimator)


@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_an_unfitted_reduction_model_says_so(method: str) -> None:
    rows = pd.DataFrame({"x": np.arange(4.0), "group": ["a", "b"] * 2})
    model = ReductionModel(LogisticRegression(), sensitive_columns=["group"], positive=1)
    with pytest.raises(NotFittedError):
        getattr(model, method)(rows)


def test_an_unfitted_router_says_so() -> None:
    with pytest.raises(NotFittedError):
        _SampleWeightRouter(LogisticRegression()).predict(np.zeros((2, 1)))
