"""explain_row gives the same values as explain for the same row, and is quick for trees."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain import ExplainError, explain, explain_row
from core.explain.pipeline import MSG_ONE_ROW
from core.explain.shap import NOTE_LINEAR_ZERO

TREES = ["tree", "rf", "hgb", "xgboost"]


@pytest.mark.parametrize("key", TREES)
def test_explain_row_matches_explain_on_the_same_rows(fitted, key: str) -> None:
    pipeline, frame, _ = fitted("binary", key)
    explanation = explain(pipeline, frame, sample=50)
    for i in (0, 17, 49):
        one = explain_row(pipeline, explanation.rows.iloc[[i]])
        np.testing.assert_allclose(one.values[0], explanation.values[i], rtol=0, atol=1e-12)
        assert one.base_value == explanation.base_value
        assert one.feature_names == explanation.feature_names
        assert one.sample_rows == 1


def test_explain_row_accepts_a_series(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    from_series = explain_row(pipeline, frame.iloc[4])
    from_frame = explain_row(pipeline, frame.iloc[[4]])
    np.testing.assert_allclose(from_series.values, from_frame.values)


def test_explain_row_needs_exactly_one_row(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        explain_row(pipeline, frame.iloc[:2])
    assert str(caught.value) == MSG_ONE_ROW.format(what="explain_row", count=2)


def test_explain_row_linear_without_background_is_relative_to_intercept(fitted, output_of) -> None:
    pipeline, frame, _ = fitted("binary", "logreg")
    one = explain_row(pipeline, frame.iloc[[0]])
    assert NOTE_LINEAR_ZERO in one.notes
    assert one.base_value == pytest.approx(float(pipeline[-1].intercept_[0]))
    np.testing.assert_allclose(one.predictions, output_of(pipeline, one), atol=1e-6)


def test_explain_row_linear_with_background_matches_explain(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "logreg")
    explanation = explain(pipeline, frame, sample=len(frame))
    one = explain_row(pipeline, frame.iloc[[5]], background=frame)
    np.testing.assert_allclose(one.values[0], explanation.values[5], atol=1e-10)


def test_explain_row_agnostic_needs_background(fitted, output_of) -> None:
    pipeline, frame, _ = fitted("binary", "knn")
    with pytest.raises(ExplainError, match="background") as caught:
        explain_row(pipeline, frame.iloc[[0]])
    assert caught.value.field == "background"
    one = explain_row(pipeline, frame.iloc[[0]], background=frame)
    np.testing.assert_allclose(one.predictions, output_of(pipeline, one), atol=1e-9)
