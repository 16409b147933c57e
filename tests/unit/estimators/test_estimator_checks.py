"""The workbench's own estimators pass scikit-learn's estimator checks, or say why a check
cannot apply to them (``expected_failed_checks``: the reason is the dict value)."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from core.estimators.columns import BooleanFlags, CategoryText, DateParts
from core.estimators.rules import RuleClassifier
from core.estimators.xgboost import XGBoostClassifier

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
RULE_CHECKS = [
    "check_classifier_data_not_an_array",
    "check_classifiers_classes",
    "check_classifiers_one_label",
    "check_classifiers_regression_target",
    "check_classifiers_train",
    "check_complex_data",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_estimator_sparse_tag",
    "check_estimators_dtypes",
    "check_estimators_empty_data_messages",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1feature",
    "check_fit2d_1sample",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input",
    "check_requires_y_none",
    "check_supervised_y_2d",
]
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
