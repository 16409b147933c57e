"""prediction_errors and worst_predictions: per-row errors and the most confident mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.evaluate import ErrorAnalysisError, error_by_feature, prediction_errors, worst_predictions
from core.evaluate.cohorts import MSG_ERRORS_NEGATIVE

FRAME = pd.DataFrame({"x": [1, 2, 3, 4, 5]}, index=[50, 40, 30, 20, 10])


def test_binary_errors_follow_the_threshold() -> None:
    y = ["Yes", "No", "Yes", "No", None]
    score = [0.9, 0.6, 0.3, 0.1, 0.5]
    errors = prediction_errors(y, score, task="binary", positive="Yes", threshold=0.5)
    np.testing.assert_array_equal(errors[:4], [0.0, 1.0, 1.0, 0.0])
    assert np.isnan(errors[4])
    errors = prediction_errors(y, score, task="binary", positive="Yes", threshold=0.25)
    np.testing.assert_array_equal(errors[:4], [0.0, 1.0, 0.0, 0.0])


def test_multiclass_and_regression_errors() -> None:
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    errors = prediction_errors(["a", "b", "b"], proba, task="multiclass", classes=["a", "b", "c"])
    np.testing.assert_array_equal(errors, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(
        prediction_errors([1.0, 2.0], [1.5, 1.0], task="regression"), [0.5, 1.0]
    )


def test_worst_binary_predictions_are_the_most_confident_mistakes() -> None:
    y = ["Yes", "No", "Yes", "No", "Yes"]
    score = [0.95, 0.9, 0.05, 0.2, 0.6]
    worst = worst_predictions(FRAME, y, score, task="binary", positive="Yes", top=3)
    assert list(worst.index) == [30, 40, 10]  # |p − y| = 0.95, 0.9, 0.4
    assert list(worst.columns[:5]) == ["actual", "predicted", "score", "error", "wrong"]
    assert worst["error"].tolist() == pytest.approx([0.95, 0.9, 0.4])
    assert worst["wrong"].tolist() == [True, True, False]
    assert worst["predicted"].tolist() == ["No", "Yes", "Yes"]
    assert worst["x"].tolist() == [3, 2, 5]


def test_worst_regression_predictions_by_absolute_error() -> None:
    worst = worst_predictions(
        FRAME, [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 7.0, 2.0, 4.5, 5.0], task="regression", top=2
    )
    assert list(worst.index) == [40, 30]
    assert worst["error"].tolist() == [5.0, 1.0]


def test_worst_multiclass_predictions_need_classes() -> None:
    proba = np.full((5, 3), 1 / 3)
    with pytest.raises(ErrorAnalysisError, match="need classes"):
        worst_predictions(FRAME, list("abcab"), proba, task="multiclass")


def test_signed_errors_are_refused(injected) -> None:
    frame, _ = injected
    signed = np.random.default_rng(0).normal(0, 1, len(frame))
    with pytest.raises(ErrorAnalysisError) as error:
        error_by_feature(frame, signed, "c")
    assert str(error.value) == MSG_ERRORS_NEGATIVE.format(count=int((signed < 0).sum()))


def test_errors_length_must_match_the_frame(injected) -> None:
    frame, errors = injected
    with pytest.raises(ErrorAnalysisError, match="one value per row"):
        error_by_feature(frame, errors[:-1], "c")
