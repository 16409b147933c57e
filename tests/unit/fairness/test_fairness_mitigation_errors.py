"""Bad mitigation requests raise FairnessError with a message stating the rule and the value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from core.estimators.fairness_inputs import (
    MSG_BINARY_TARGET,
    MSG_COLUMNS_MISSING,
    MSG_CONSTRAINT,
    MSG_MITIGATION_NUMBER,
    MSG_NOT_CLASSIFIER,
    MSG_OBJECTIVE,
    MSG_ONE_GROUP,
    MSG_POSITIVE,
    MSG_SAMPLE_WEIGHT,
    MSG_SENSITIVE_COLUMNS,
    MSG_SENSITIVE_MISSING,
    MSG_SMALL_GROUP,
    MSG_TARGET_MISSING,
    MSG_UNSEEN_GROUP,
    MSG_X_FRAME,
    MSG_XY_LENGTHS,
)
from core.fairness import FairnessError, expgrad_mitigation, threshold_mitigation

OPTIONS = {"sensitive_columns": ["group"], "constraint": "demographic_parity", "positive": "hired"}


def threshold_error(pipeline, X, y, **changes) -> FairnessError:
    with pytest.raises(FairnessError) as error:
        threshold_mitigation(pipeline, X, y, **{**OPTIONS, **changes})
    return error.value


def expgrad_error(factory, X, y, **changes) -> FairnessError:
    with pytest.raises(FairnessError) as error:
        expgrad_mitigation(factory, X, y, **{**OPTIONS, **changes})
    return error.value


def test_a_regression_target_is_refused(biased, fitted_pipeline, pipeline_factory) -> None:
    X, _ = biased
    amounts = np.arange(len(X)) % 7 * 10.0
    expected = MSG_BINARY_TARGET.format(count=7, examples="'0', '10', '20', '30', '40' and 2 more")
    assert str(threshold_error(fitted_pipeline, X, amounts)) == expected
    error = expgrad_error(pipeline_factory, X, amounts)
    assert str(error) == expected
    assert error.field == "y"


def test_a_regressor_pipeline_is_refused_by_thresholds(biased) -> None:
    X, y = biased
    prep = ColumnTransformer([("num", StandardScaler(), ["skill"])])
    regressor = Pipeline([("prep", prep), ("model", LinearRegression())])
    regressor.fit(X, (y == "hired").astype(float))
    error = threshold_error(regressor, X, y)
    assert str(error) == MSG_NOT_CLASSIFIER.format(value="Pipeline")
    assert error.field == "pipeline"


def test_a_final_step_without_sample_weight_is_refused(biased) -> None:
    X, y = biased

    def factory() -> Pipeline:
        prep = ColumnTransformer([("num", StandardScaler(), ["skill"])])
        return Pipeline([("prep", prep), ("model", KNeighborsClassifier())])

    error = expgrad_error(factory, X, y)
    assert str(error) == MSG_SAMPLE_WEIGHT.format(name="KNeighborsClassifier")
    assert error.field == "estimator"


def test_the_sensitive_column_must_be_in_x(biased, fitted_pipeline, pipeline_factory) -> None:
    X, y = biased
    expected = MSG_SENSITIVE_MISSING.format(
        columns="'gender'", available="'skill', 'noise', 'group'"
    )
    assert str(threshold_error(fitted_pipeline, X, y, sensitive_columns=["gender"])) == expected
    assert str(expgrad_error(pipeline_factory, X, y, sensitive_columns=["gender"])) == expected


def test_every_group_needs_two_rows(biased, fitted_pipeline) -> None:
    X, y = biased
    X = X.assign(group=np.where(np.arange(len(X)) == 0, "c", X["group"]))
    assert str(threshold_error(fitted_pipeline, X, y)) == MSG_SMALL_GROUP.format(
        group="c", attribute="group", count=1
    )


def test_one_group_is_nothing_to_equalise(biased, fitted_pipeline) -> None:
    X, y = biased
    assert str(threshold_error(fitted_pipeline, X.assign(group="a"), y)) == MSG_ONE_GROUP.format(
        attribute="group", groups="'a'"
    )


def test_predicting_for_an_unseen_group_names_it(biased, fitted_pipeline) -> None:
    X, y = biased
    model = threshold_mitigation(fitted_pipeline, X, y, **OPTIONS)
    with pytest.raises(FairnessError) as error:
        model.predict(X.assign(group="z"))
    assert str(error.value) == MSG_UNSEEN_GROUP.format(
        group="z", attribute="group", known="'a', 'b'"
    )


def test_predicting_without_the_sensitive_column(biased, fitted_pipeline) -> None:
    X, y = biased
    model = threshold_mitigation(fitted_pipeline, X, y, **OPTIONS)
    with pytest.raises(FairnessError) as error:
        model.predict_proba(X.drop(columns="group"))
    assert str(error.value).startswith("sensitive column(s) 'group' are not in X")
    with pytest.raises(FairnessError) as error:
        model.predict(X.drop(columns="skill"))
    assert str(error.value) == MSG_COLUMNS_MISSING.format(count=1, columns="'skill'")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"constraint": "parity"},
            MSG_CONSTRAINT.format(
                choices="demographic_parity, equalized_odds, true_positive_rate_parity",
                value="parity",
            ),
        ),
        (
            {"constraint": "equalized_odds", "objective": "selection_rate"},
            MSG_OBJECTIVE.format(
                value="selection_rate",
                constraint="equalized_odds",
                choices="accuracy_score, balanced_accuracy_score",
            ),
        ),
        (
            {"positive": "Hired"},
            MSG_POSITIVE.format(positive="Hired", labels=["hired", "rejected"]),
        ),
        (
            {"sensitive_columns": ["group", "skill", "noise"]},
            MSG_SENSITIVE_COLUMNS.format(count=3, columns="group, skill, noise"),
        ),
    ],
)
def test_threshold_options_are_checked(biased, fitted_pipeline, changes, expected) -> None:
    X, y = biased
    assert str(threshold_error(fitted_pipeline, X, y, **changes)) == expected


def test_rows_and_labels_are_checked(biased, fitted_pipeline) -> None:
    X, y = biased
    assert str(threshold_error(fitted_pipeline, X.to_numpy(), y)) == MSG_X_FRAME.format(
        value="ndarray"
    )
    assert str(threshold_error(fitted_pipeline, X, y[:-1])) == MSG_XY_LENGTHS.format(
        rows=len(X), count=len(X) - 1
    )
    gaps = pd.Series(y).where(np.arange(len(y)) > 1)
    assert str(threshold_error(fitted_pipeline, X, gaps)) == MSG_TARGET_MISSING.format(count=2)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"max_iter": 0},
            MSG_MITIGATION_NUMBER.format(
                name="max_iter", rule="a whole number of 1 or more", value=0
            ),
        ),
        ({"eps": 0.0}, MSG_MITIGATION_NUMBER.format(name="eps", rule="more than 0", value=0.0)),
    ],
)
def test_reduction_options_are_checked(biased, pipeline_factory, changes, expected) -> None:
    X, y = biased
    assert str(expgrad_error(pipeline_factory, X, y, **changes)) == expected
