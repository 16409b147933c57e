"""Inputs are checked once, with messages that say the rule and the value received."""

from __future__ import annotations

import numpy as np
import pytest

from core.evaluate import EvaluateError, evaluate_classification, evaluate_regression
from core.evaluate.inputs import (
    MSG_CLASSES,
    MSG_LENGTHS,
    MSG_NO_ROWS,
    MSG_POSITIVE,
    MSG_PROBA_RANGE,
    MSG_PROBA_SHAPE,
    NOTE_DROPPED,
)


def test_unknown_labels_are_named() -> None:
    with pytest.raises(EvaluateError, match="'Maybe'"):
        evaluate_classification(["Yes", "No", "Maybe"], [0.1, 0.2, 0.3], ("No", "Yes"))


def test_length_mismatch() -> None:
    with pytest.raises(EvaluateError) as error:
        evaluate_classification(["Yes", "No"], [0.1, 0.2, 0.3], ("No", "Yes"))
    assert str(error.value) == MSG_LENGTHS.format(what="proba", rows=2, count=3)


def test_proba_must_be_probabilities() -> None:
    with pytest.raises(EvaluateError) as error:
        evaluate_classification(["Yes", "No"], [1.5, -0.2], ("No", "Yes"))
    assert str(error.value) == MSG_PROBA_RANGE.format(low=-0.2, high=1.5)


def test_proba_shape_must_fit_the_classes() -> None:
    with pytest.raises(EvaluateError) as error:
        evaluate_classification(["a", "b"], np.ones((2, 2)) / 2, ("a", "b", "c"))
    assert str(error.value) == MSG_PROBA_SHAPE.format(classes=3, shape=(2, 2))


def test_classes_and_positive() -> None:
    with pytest.raises(EvaluateError, match=MSG_CLASSES.format(value=["Yes"]).replace("[", r"\[")):
        evaluate_classification(["Yes"], [0.2], ["Yes"])
    with pytest.raises(EvaluateError) as error:
        evaluate_classification(["Yes"], [0.2], ("No", "Yes"), positive="yes")
    assert str(error.value) == MSG_POSITIVE.format(positive="yes", classes=["No", "Yes"])


def test_rows_without_label_or_score_are_dropped_with_a_note() -> None:
    ev = evaluate_classification(
        ["Yes", None, "No", "Yes"], [0.9, 0.5, np.nan, 0.4], ("No", "Yes"), bootstrap=0
    )
    assert ev.rows == 2
    assert NOTE_DROPPED.format(count=2) in ev.notes


def test_nothing_left_to_evaluate() -> None:
    with pytest.raises(EvaluateError, match=MSG_NO_ROWS):
        evaluate_regression([np.nan, 1.0], [2.0, np.nan])


def test_regression_values_must_be_numbers() -> None:
    with pytest.raises(EvaluateError, match="could not be read as numbers"):
        evaluate_regression(["1", "two"], [1.0, 2.0])
