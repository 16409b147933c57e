"""Bad pipelines, rows and options get one clear ExplainError each."""

from __future__ import annotations

import pytest

from core.explain import ExplainError, class_index_of, explain
from core.explain.pipeline import (
    MSG_CLASS_REGRESSION,
    MSG_COUNT,
    MSG_MISSING_COLUMNS,
    MSG_NO_ROWS,
    MSG_NOT_FITTED,
)
from core.train.zoo import make_pipeline


def test_explain_unfitted_pipeline(fitted) -> None:
    _, frame, schema = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        explain(make_pipeline(schema, "tree"), frame)
    assert str(caught.value) == MSG_NOT_FITTED


def test_explain_missing_input_columns(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        explain(pipeline, frame.drop(columns=["strong", "plan"]))
    assert str(caught.value) == MSG_MISSING_COLUMNS.format(count=2, columns="strong, plan")


def test_explain_no_rows(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        explain(pipeline, frame.iloc[:0])
    assert str(caught.value) == MSG_NO_ROWS


@pytest.mark.parametrize("sample", [0, -5, 2.5, True])
def test_explain_sample_must_be_a_positive_whole_number(fitted, sample) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError) as caught:
        explain(pipeline, frame, sample=sample)
    assert str(caught.value) == MSG_COUNT.format(name="sample", value=sample)


@pytest.mark.parametrize("class_index", [2, -1, "Yes"])
def test_explain_class_index_out_of_range(fitted, class_index) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError, match="class_index must be a whole number from 0 to 1"):
        explain(pipeline, frame, class_index=class_index)


def test_explain_class_index_for_regression(fitted) -> None:
    pipeline, frame, _ = fitted("regression", "tree")
    with pytest.raises(ExplainError) as caught:
        explain(pipeline, frame, class_index=0)
    assert str(caught.value) == MSG_CLASS_REGRESSION.format(value=0)


def test_class_index_of_matches_labels_as_text(fitted) -> None:
    pipeline, _, _ = fitted("binary", "tree")
    assert class_index_of(pipeline, "Yes") == 1
    assert class_index_of(pipeline, "No") == 0
    with pytest.raises(ExplainError, match="'Maybe' is not a class"):
        class_index_of(pipeline, "Maybe")


def test_explain_rejects_non_frames(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "tree")
    with pytest.raises(ExplainError, match="must be a pandas DataFrame"):
        explain(pipeline, frame.to_numpy())
    with pytest.raises(ExplainError, match="with predict"):
        explain(object(), frame)
