"""What-if: a changed strong feature changes the prediction; bad changes get clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.explain import ExplainError, what_if
from core.explain.whatif import MSG_NO_CHANGES, MSG_NOT_INPUT, MSG_VALUE_TYPE


def _low_row(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[[frame["strong"].idxmin()]]


@pytest.mark.parametrize("key", ["logreg", "tree", "rf", "hgb", "xgboost", "knn"])
def test_what_if_strong_feature_flips_the_prediction(fitted, key: str) -> None:
    pipeline, frame, _ = fitted("binary", key)
    result = what_if(pipeline, _low_row(frame), {"strong": 3.0}, background=frame)
    assert result.original_prediction == "No"
    assert result.new_prediction == "Yes"
    assert result.positive == "Yes"
    assert result.new_proba > result.original_proba
    assert result.proba_change == pytest.approx(result.new_proba - result.original_proba)
    assert result.changed == ("strong",)
    strong_before = result.original_explanation.input_values()["strong"].iloc[0]
    strong_after = result.new_explanation.input_values()["strong"].iloc[0]
    assert strong_after > strong_before


def test_what_if_probabilities_match_the_pipeline(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "xgboost")
    row = frame.iloc[[10]]
    result = what_if(pipeline, row, {"plan": "pro", "visits": 9})
    new_row = row.assign(plan="pro", visits=9)
    assert result.original_proba == pytest.approx(pipeline.predict_proba(row)[0, 1])
    assert result.new_proba == pytest.approx(pipeline.predict_proba(new_row)[0, 1])
    np.testing.assert_allclose(
        result.new_explanation.predictions,
        pipeline[-1].model_.predict(pipeline[:-1].transform(new_row), output_margin=True),
        atol=1e-4,
    )


def test_what_if_regression_moves_the_prediction(fitted) -> None:
    pipeline, frame, _ = fitted("regression", "xgboost")
    result = what_if(pipeline, _low_row(frame), {"strong": 2.5})
    assert result.original_proba is None and result.positive is None
    assert result.new_prediction > result.original_prediction + 20


def test_what_if_multiclass_explains_the_originally_predicted_class(fitted) -> None:
    pipeline, frame, _ = fitted("multiclass", "hgb")
    result = what_if(pipeline, _low_row(frame), {"strong": 2.5})
    assert result.positive == result.original_prediction == "bronze"
    assert result.new_proba < result.original_proba
    chosen = what_if(pipeline, _low_row(frame), {"strong": 2.5}, positive="gold")
    assert chosen.positive == "gold" and chosen.new_proba > chosen.original_proba


def test_what_if_same_value_is_not_a_change(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    row = frame.iloc[[0]]
    result = what_if(pipeline, row, {"plan": row["plan"].iloc[0], "visits": 7})
    assert result.changed == (() if row["visits"].iloc[0] == 7 else ("visits",))


def test_what_if_accepts_missing_and_dates(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "hgb")
    result = what_if(pipeline, frame.iloc[[1]], {"noise": None, "signup": "2024-02-01"})
    assert set(result.changed) == {"noise", "signup"}
    assert np.isfinite(result.new_proba)


def test_what_if_unknown_column_names_it_and_suggests(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError, match="'strnog'") as caught:
        what_if(pipeline, frame.iloc[[0]], {"strnog": 1.0})
    assert "did you mean 'strong'" in str(caught.value)
    assert caught.value.field == "strnog"


def test_what_if_column_the_model_does_not_read(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        what_if(pipeline, frame.iloc[[0]], {"customer_id": "C1"})
    known = ", ".join(pipeline.feature_names_in_)
    assert str(caught.value) == MSG_NOT_INPUT.format(name="customer_id", known=known)


@pytest.mark.parametrize(
    ("column", "value", "what", "expected"),
    [
        ("strong", "high", "numbers", "a finite number"),
        ("strong", True, "numbers", "a finite number"),
        ("strong", float("inf"), "numbers", "a finite number"),
        ("plan", 3, "text", "text"),
        ("paperless", 1, "text", "text"),
    ],
)
def test_what_if_wrong_type_names_the_column(
    fitted, column: str, value: object, what: str, expected: str
) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        what_if(pipeline, frame.iloc[[0]], {column: value})
    message = MSG_VALUE_TYPE.format(name=column, what=what, expected=expected, value=value)
    assert str(caught.value) == message
    assert caught.value.field == column


def test_what_if_date_column_checks_dates(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    row = frame.iloc[[0]].assign(signup=pd.to_datetime(frame["signup"].iloc[[0]]))
    what_if(pipeline, row, {"signup": "2024-03-01"})
    with pytest.raises(ExplainError, match="holds dates"):
        what_if(pipeline, row, {"signup": "soon"})


def test_what_if_needs_changes(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        what_if(pipeline, frame.iloc[[0]], {})
    assert str(caught.value) == MSG_NO_CHANGES


def test_what_if_agnostic_without_background_keeps_predictions(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "dummy")
    result = what_if(pipeline, frame.iloc[[0]], {"strong": 3.0})
    assert result.original_explanation is None and result.new_explanation is None
    assert result.notes and "background" in result.notes[0]
    assert result.original_proba == result.new_proba


def test_what_if_unknown_positive_class(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError, match="'Maybe' is not a class"):
        what_if(pipeline, frame.iloc[[0]], {"strong": 1.0}, positive="Maybe")


def test_what_if_reports_in_the_callers_class_labels(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    row = _low_row(frame)
    result = what_if(pipeline, row, {"strong": 3.0}, classes=["stays", "leaves"])
    assert (result.original_prediction, result.new_prediction) == ("stays", "leaves")
    assert result.positive == "leaves"
    with pytest.raises(ExplainError, match="must list the model's 2 classes"):
        what_if(pipeline, row, {"strong": 3.0}, classes=["only one"])
