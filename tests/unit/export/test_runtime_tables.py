"""Batch input (bundle_runtime.table_to_frame) and scoring, from the unpacked zip."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def bundle(unpacked):
    return unpacked("binary")


def _csv(frame: pd.DataFrame, runtime) -> pd.DataFrame:
    """The frame written and read back as CSV text, as predict.py reads files."""
    text = frame.to_csv(index=False).encode()
    return runtime.read_table(io.BytesIO(text), "rows.csv")


def _positive(model) -> np.ndarray:
    proba = model.pipeline.predict_proba(model.X)
    return proba[:, list(model.pipeline.classes_).index("Yes")]


def test_csv_rows_score_exactly_like_the_pipeline(bundle, trained) -> None:
    model = trained("binary")
    runtime = bundle.runtime
    frame, problems = runtime.table_to_frame(_csv(model.X, runtime), bundle.contract, strict=True)
    assert problems == []
    scores = runtime.score_frame(bundle.loaded.pipeline, bundle.contract, frame)
    np.testing.assert_array_equal(scores["probability_Yes"].to_numpy(), _positive(model))
    expected = np.where(_positive(model) >= 0.4, "Yes", "No")
    assert list(scores["prediction"]) == list(expected)


def test_parquet_rows_score_exactly_like_the_pipeline(bundle, trained, tmp_path) -> None:
    model = trained("binary")
    runtime = bundle.runtime
    path = tmp_path / "rows.parquet"
    model.X.to_parquet(path)
    frame, _ = runtime.table_to_frame(runtime.read_table(path), bundle.contract, strict=True)
    scores = runtime.score_frame(bundle.loaded.pipeline, bundle.contract, frame)
    np.testing.assert_array_equal(scores["probability_Yes"].to_numpy(), _positive(model))


def test_multiclass_and_regression_score_like_the_pipeline(unpacked, trained) -> None:
    for task in ("multiclass", "regression"):
        model, bundle = trained(task), unpacked(task)
        runtime = bundle.runtime
        frame, _ = runtime.table_to_frame(_csv(model.X, runtime), bundle.contract, strict=True)
        scores = runtime.score_frame(bundle.loaded.pipeline, bundle.contract, frame)
        if task == "regression":
            np.testing.assert_array_equal(scores["prediction"], model.pipeline.predict(model.X))
            continue
        proba = model.pipeline.predict_proba(model.X)
        for i, label in enumerate(model.pipeline.classes_):
            np.testing.assert_array_equal(scores[f"probability_{label}"], proba[:, i])
        assert list(scores["prediction"]) == list(model.pipeline.predict(model.X))


def test_response_payload_shapes(unpacked, trained) -> None:
    for task in ("binary", "multiclass", "regression"):
        bundle = unpacked(task)
        runtime = bundle.runtime
        rows = _csv(trained(task).X.head(2), runtime)
        frame, _ = runtime.table_to_frame(rows, bundle.contract, strict=True)
        payload = runtime.response_payload(
            runtime.score_frame(bundle.loaded.pipeline, bundle.contract, frame), bundle.contract
        )
        assert len(payload["predictions"]) == 2
        if task == "binary":
            assert all(isinstance(p, float) for p in payload["probabilities"])
        elif task == "multiclass":
            assert set(payload["probabilities"][0]) == {"bronze", "gold", "silver"}
        else:
            assert payload["probabilities"] is None


def test_lenient_tables_score_bad_values_like_the_workbench(bundle, trained) -> None:
    runtime = bundle.runtime
    table = _csv(trained("binary").X.head(3), runtime)
    table.loc[0, "spend"] = "lots"
    table.loc[1, "plan"] = "gold"
    frame, problems = runtime.table_to_frame(table, bundle.contract, strict=False)
    assert [(p.row, p.field, p.kind) for p in problems] == [
        (0, "spend", "wrong_type"),
        (1, "plan", "unknown_category"),
    ]
    assert problems[0].message == 'row 1, spend: expected a number, got "lots"'
    assert np.isnan(frame.loc[0, "spend"])
    assert frame.loc[1, "plan"] == "gold"  # passed on: the one-hot encoder ignores it
    runtime.score_frame(bundle.loaded.pipeline, bundle.contract, frame)  # still scores


def test_strict_tables_refuse_bad_values(bundle, trained) -> None:
    runtime = bundle.runtime
    table = _csv(trained("binary").X.head(3), runtime)
    table.loc[2, "signup"] = "someday"
    with pytest.raises(runtime.InputError) as error:
        runtime.table_to_frame(table, bundle.contract, strict=True)
    assert [(p.row, p.field) for p in error.value.problems] == [(2, "signup")]


def test_missing_markers_are_missing_values(bundle, trained) -> None:
    runtime = bundle.runtime
    table = _csv(trained("binary").X.head(2), runtime)
    table.loc[0, "spend"] = "NA"
    table.loc[1, "plan"] = "null"
    frame, problems = runtime.table_to_frame(table, bundle.contract, strict=True)
    assert problems == []
    assert np.isnan(frame.loc[0, "spend"]) and frame.loc[1, "plan"] is None


def test_missing_columns_are_named(bundle, trained) -> None:
    runtime = bundle.runtime
    table = _csv(trained("binary").X.drop(columns=["plan", "visits"]), runtime)
    with pytest.raises(runtime.InputError) as error:
        runtime.table_to_frame(table, bundle.contract, strict=False)
    assert [p.field for p in error.value.problems] == ["visits", "plan"]
    assert "lacks 2 column(s) the model needs: visits, plan" in error.value.problems[0].message


def test_only_csv_and_parquet_files(bundle) -> None:
    with pytest.raises(bundle.runtime.InputError, match=r"use a \.csv or \.parquet file"):
        bundle.runtime.read_table("rows.xlsx")
