"""golden.csv ships synthetic rows drawn from schema.json, never training rows, unless the
caller opts in (``golden_real_rows=True``); the self-test holds either way."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from core.export import GOLDEN_ROWS, read_bundle_file


def _golden(bundle) -> pd.DataFrame:
    text = read_bundle_file(bundle.zip_bytes, "golden.csv")
    return pd.read_csv(io.BytesIO(text), dtype=str, keep_default_na=False, na_values=[""])


def _texts(frame: pd.DataFrame, names) -> set[str]:
    text = frame[list(names)].astype(str).where(frame[list(names)].notna(), "")
    return set(text.agg("|".join, axis=1))


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_no_training_row_ships_by_default(trained, bundles, task: str) -> None:
    model, bundle = trained(task), bundles(task)
    golden = _golden(bundle)
    assert len(golden) >= GOLDEN_ROWS
    names = model.features
    assert not _texts(golden, names) & _texts(model.X, names)  # not one training row
    # not even one training value of the continuous column
    shipped = set(golden["spend"].dropna().astype(float))
    assert not shipped & set(model.X["spend"].dropna().astype(float))


def test_synthetic_values_lie_within_the_schema(binary_bundle) -> None:
    golden = _golden(binary_bundle)
    for column in binary_bundle.schema.columns:
        values = golden[column.name].dropna()
        if column.allowed is not None:
            allowed = {str(v) for v in column.allowed}
            assert set(values) <= allowed, column.name
        elif column.type == "numeric":
            numbers = values.astype(float)
            assert numbers.between(column.minimum, column.maximum).all(), column.name
        elif column.type == "datetime":
            days = values.str[:10]
            assert days.between(column.minimum[:10], column.maximum[:10]).all(), column.name
        if not column.nullable:
            assert golden[column.name].notna().all(), column.name
    nullable = [c.name for c in binary_bundle.schema.columns if c.nullable]
    assert nullable and all(golden[name].isna().any() for name in nullable)  # gaps covered


def test_synthetic_rows_are_deterministic(trained, builder) -> None:
    first = _golden(builder(trained("binary")))
    again = _golden(builder(trained("binary")))
    pd.testing.assert_frame_equal(first, again)


def test_real_rows_only_when_asked(trained, builder) -> None:
    model = trained("binary")
    golden = _golden(builder(model, golden_real_rows=True))
    assert _texts(golden, model.features) <= _texts(model.X, model.features)


def test_readme_says_what_golden_holds(binary_bundle, trained, builder) -> None:
    readme = read_bundle_file(binary_bundle.zip_bytes, "README.md").decode()
    assert "synthetic" in readme and "no training row" in readme
    real = builder(trained("binary"), golden_real_rows=True)
    text = read_bundle_file(real.zip_bytes, "README.md").decode()
    assert "real training rows" in text
