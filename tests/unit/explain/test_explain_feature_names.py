"""Transformed features get readable names traced back to their input columns."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain import explain


def test_feature_names_are_readable_and_mapped(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "logreg")
    explanation = explain(pipeline, frame, sample=20)
    origin = dict(zip(explanation.feature_names, explanation.original_columns, strict=True))
    assert origin["strong"] == "strong"
    assert origin["noise is missing"] == "noise"
    assert origin["plan = pro"] == "plan"
    assert origin["signup (year)"] == "signup"
    assert origin["paperless"] == "paperless"
    assert origin["city"] == "city"  # 35 levels: target-encoded, one feature
    assert len(explanation.feature_names) == len(set(explanation.feature_names))
    assert list(explanation.data.columns) == list(explanation.feature_names)
    assert explanation.data.index.equals(explanation.rows.index)
    assert set(explanation.input_columns) == set(pipeline.feature_names_in_)


def test_multiclass_target_encoding_gets_one_feature_per_class(fitted) -> None:
    pipeline, frame, _ = fitted("multiclass", "logreg")
    explanation = explain(pipeline, frame, sample=10)
    city = [
        n
        for n, o in zip(explanation.feature_names, explanation.original_columns, strict=True)
        if o == "city"
    ]
    assert city == ["city (bronze rate)", "city (gold rate)", "city (silver rate)"]


def test_data_holds_the_transformed_rows(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "hgb")
    explanation = explain(pipeline, frame, sample=15)
    inputs = list(pipeline.feature_names_in_)
    expected = pipeline[:-1].transform(explanation.rows[inputs])
    np.testing.assert_array_equal(explanation.data.to_numpy(), expected)


def test_contributions_show_the_original_values(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "xgboost")
    explanation = explain(pipeline, frame, sample=15)
    table = explanation.contributions(2).set_index("name")
    assert table.loc["plan", "value"] == explanation.rows["plan"].iloc[2]
    total = table["shap"].sum() + explanation.base_value
    assert total == pytest.approx(explanation.predictions[2])
