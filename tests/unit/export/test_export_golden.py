"""golden.csv: deterministic sample rows whose expected outputs are the pipeline's own.

The rows matched to training rows here are the opt-in ones (``golden_real_rows=True``);
test_export_golden_synthetic.py covers the synthetic rows shipped by default.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from core.export import GOLDEN_ROWS, read_bundle_file


def _golden(bundle) -> pd.DataFrame:
    text = read_bundle_file(bundle.zip_bytes, "golden.csv")
    return pd.read_csv(io.BytesIO(text), dtype=str, keep_default_na=False, na_values=[""])


def _source_rows(model, golden: pd.DataFrame) -> pd.DataFrame:
    """The training rows golden.csv was taken from, matched on their text."""
    text = model.X.astype(str).where(model.X.notna(), "")
    keys = golden[model.features].fillna("").astype(str).agg("|".join, axis=1)
    index = text.agg("|".join, axis=1)
    positions = [int(np.flatnonzero(index.to_numpy() == key)[0]) for key in keys]
    return model.X.iloc[positions]


def test_golden_rows_are_evenly_spaced_plus_rows_with_gaps(trained, builder) -> None:
    golden = _golden(builder(trained("binary"), golden_real_rows=True))
    assert GOLDEN_ROWS <= len(golden) <= GOLDEN_ROWS + len(trained("binary").features)
    assert golden["spend"].isna().any()  # a row with a gap in spend is among them
    assert golden["plan"].isna().any()


def test_golden_columns_are_inputs_then_expected_outputs(binary_bundle, bundles) -> None:
    features = list(binary_bundle.schema.feature_order)
    expected = ["expected_prediction", "expected_probability_Yes"]
    assert list(_golden(binary_bundle).columns) == features + expected
    multiclass = _golden(bundles("multiclass")).columns
    assert [c for c in multiclass if c.startswith("expected_")] == [
        "expected_prediction",
        "expected_probability_bronze",
        "expected_probability_gold",
        "expected_probability_silver",
    ]
    regression = _golden(bundles("regression")).columns
    assert [c for c in regression if c.startswith("expected_")] == ["expected_prediction"]


def test_golden_probabilities_are_the_pipelines(trained, builder) -> None:
    model = trained("binary")
    golden = _golden(builder(model, golden_real_rows=True))
    rows = _source_rows(model, golden)
    proba = model.pipeline.predict_proba(rows)[:, list(model.pipeline.classes_).index("Yes")]
    np.testing.assert_array_equal(golden["expected_probability_Yes"].astype(float), proba)
    expected = np.where(proba >= 0.4, "Yes", "No")  # the bundle's threshold, not 0.5
    assert list(golden["expected_prediction"]) == list(expected)


def test_golden_regression_predictions_are_the_pipelines(trained, builder) -> None:
    model = trained("regression")
    golden = _golden(builder(model, golden_real_rows=True))
    predicted = model.pipeline.predict(_source_rows(model, golden))
    np.testing.assert_array_equal(golden["expected_prediction"].astype(float), predicted)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_golden_self_test_passes_in_the_unpacked_bundle(unpacked, task: str) -> None:
    bundle = unpacked(task)
    problems, summary = bundle.runtime.self_test(bundle.root)
    assert problems == []
    assert summary.startswith("self-test passed")


def test_golden_check_reports_a_wrong_expectation(unpacked) -> None:
    bundle = unpacked("binary")
    golden = bundle.runtime.read_table(bundle.root / "golden.csv")
    golden.loc[0, "expected_probability_Yes"] = "0.123"
    golden.loc[1, "expected_prediction"] = "Maybe"
    problems = bundle.runtime.check_golden(bundle.loaded.pipeline, bundle.contract, golden)
    label, number = problems  # expected_prediction is checked first
    assert label.startswith("golden row 2: prediction ") and label.endswith("expected 'Maybe'")
    assert number.startswith("golden row 1: probability_Yes = ") and "expected 0.123" in number
