"""The workbench's own estimators pass scikit-learn's estimator checks, or say why a check
cannot apply to them (``expected_failed_checks``: the reason is the dict value)."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from core.estimators.columns import BooleanFlags, CategoryText, DateParts
from core.estimators.rules import RuleClassifier
from core.estimators.xgboost import XGBoostClassifier
from tests.helpers.estimator_checks import FRAME_ONLY_CHECKS

ANY_VALUES = (
    "column-wise steps take the raw values of a ColumnTransformer's columns (text, numbers, "
    "dates, NaN meaning missing) and leave array validation to scikit-learn around them"
)
COLUMNWISE = {
    "check_complex_data": ANY_VALUES,
    "check_dtype_object": ANY_VALUES,
    "check_estimators_nan_inf": "NaN is a missing value, passed on for the imputer after it",
    "check_estimators_empty_data_messages": ANY_VALUES,
    "check_estimator_sparse_array": "dense columns only; the preprocessor never feeds sparse",
    "check_estimator_sparse_matrix": "dense columns only; the preprocessor never feeds sparse",
    "check_estimator_sparse_tag": "dense columns only; the preprocessor never feeds sparse",
    "check_fit1d": "a single column (1-D) is read as one column, like a Series",
    "check_fit2d_predict1d": "a single column (1-D) is read as one column, like a Series",
}
TEXT_OUT = "its output is text (the categories as labels), which the check subtracts as numbers"
CATEGORY_TEXT = {
    **COLUMNWISE,
    "check_estimators_pickle": TEXT_OUT,
    "check_fit_idempotent": TEXT_OUT,
    "check_methods_sample_order_invariance": TEXT_OUT,
    "check_methods_subset_invariance": TEXT_OUT,
    "check_pipeline_consistency": TEXT_OUT,
    "check_transformer_data_not_an_array": TEXT_OUT,
    "check_transformer_general": TEXT_OUT,
    "check_transformer_preserve_dtypes": "it returns a DataFrame of text, not a float array",
}
OWN_ERRORS = "input is checked by XGBoost itself, whose error message differs from sklearn's"
XGBOOST = {
    "check_all_zero_sample_weights_error": OWN_ERRORS,
    "check_complex_data": OWN_ERRORS,
    "check_estimators_empty_data_messages": OWN_ERRORS,
    "check_fit2d_1sample": OWN_ERRORS,
    "check_fit2d_predict1d": OWN_ERRORS,
    "check_n_features_in_after_fitting": OWN_ERRORS,
    "check_requires_y_none": OWN_ERRORS,
    "check_supervised_y_2d": "y is read as labels whatever its shape (the pipeline passes 1-D)",
    "check_classifiers_regression_target": (
        "any distinct values are classes (the target's type is decided by the schema)"
    ),
    "check_class_weight_classifiers": (
        "'balanced' weights positives by scale_pos_weight (XGBoost's own), not per-sample"
    ),
}
NEEDS_FRAME = (
    "a rule reads named columns: RuleClassifier takes a DataFrame holding the rule's columns "
    "and refuses bare arrays, which every check here passes"
)
RULE_CHECKS = FRAME_ONLY_CHECKS
EXPECTED = {
    "CategoryText": CATEGORY_TEXT,
    "BooleanFlags": COLUMNWISE,
    "DateParts": COLUMNWISE,
    "XGBoostClassifier": XGBOOST,
    "RuleClassifier": dict.fromkeys(RULE_CHECKS, NEEDS_FRAME),
}


def _expected(estimator: object) -> dict[str, str]:
    return EXPECTED[type(estimator).__name__]


@pytest.mark.filterwarnings("ignore")
@parametrize_with_checks(
    [
        CategoryText(),
        BooleanFlags(),
        DateParts(),
        XGBoostClassifier(n_estimators=5),
        RuleClassifier(),
    ],
    expected_failed_checks=_expected,
)
def test_estimator_passes_sklearn_checks(estimator, check) -> None:
    check(estimator)
