"""build_preprocessor: which columns go where, and the output a model sees."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.train.features import (
    MSG_NO_FEATURES,
    NOTE_DATES_AS_TEXT_DROPPED,
    NOTE_TEXT_DROPPED,
    FeatureError,
    build_preprocessor,
    feature_columns,
    feature_plan,
)


def test_preprocessor_uses_features_only(tiny) -> None:
    _, schema = tiny("binary")
    assert feature_columns(schema) == ["signup", "spend", "visits", "plan", "paperless"]
    with_sensitive = feature_columns(schema, include_sensitive=True)
    assert "gender" in with_sensitive and "customer_id" not in with_sensitive
    assert "churned" not in with_sensitive


def test_preprocessor_plan_sorts_columns_by_encoding(tiny) -> None:
    _, schema = tiny("binary")
    plan = feature_plan(schema)
    assert plan.numeric == ("spend", "visits")
    assert plan.boolean == ("paperless",)
    assert plan.datetime == ("signup",)
    assert plan.categorical == ("plan",)
    assert plan.high_cardinality == ()


def test_preprocessor_output_names_and_values(tiny) -> None:
    frame, schema = tiny("binary")
    prepare = build_preprocessor(schema, scale=False).set_output(transform="pandas")
    out = prepare.fit_transform(frame[feature_columns(schema)], frame["churned"])
    assert list(out.columns) == [
        "numeric__spend",
        "numeric__visits",
        "numeric__missingindicator_spend",
        "boolean__paperless",
        "dates__signup_year",
        "dates__signup_month",
        "dates__signup_dayofweek",
        "dates__signup_dayofyear",
        "dates__signup_age_days",
        "categorical__plan_basic",
        "categorical__plan_missing",
        "categorical__plan_plus",
        "categorical__plan_pro",
    ]
    assert out.index.equals(frame.index)
    assert not out.isna().any().any()
    paperless = (frame["paperless"] == "Yes").astype(float)
    np.testing.assert_array_equal(out["boolean__paperless"], paperless)
    spend = frame["spend"]
    np.testing.assert_array_equal(out["numeric__spend"], spend.fillna(spend.median()).to_numpy())


def test_preprocessor_scales_for_linear_models(tiny) -> None:
    frame, schema = tiny("regression")
    out = build_preprocessor(schema, scale=True).fit_transform(
        frame[feature_columns(schema)], frame["revenue"]
    )
    np.testing.assert_allclose(out[:, 0].mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(out[:, 0].std(), 1.0)


def test_preprocessor_target_encodes_many_levels() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "shop": [f"shop_{i}" for i in rng.integers(0, 40, 200)],
            "y": rng.choice(["a", "b"], 200),
        }
    )
    schema = infer_schema(frame, target="y")
    plan = feature_plan(schema)
    assert plan.high_cardinality == ("shop",)
    assert "target-encoded" in plan.notes[0]
    out = build_preprocessor(schema, scale=False).fit_transform(frame[["shop"]], frame["y"])
    assert out.shape == (200, 1)
    assert feature_plan(schema, high_cardinality=50).categorical == ("shop",)


def test_preprocessor_leaves_out_text_with_a_note() -> None:
    frame = pd.DataFrame(
        {
            "comment": [f"customer said thing number {i} about the product" for i in range(60)],
            "joined": pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d"),
            "x": np.arange(60.0),
            "y": ["a", "b"] * 30,
        }
    )
    schema = infer_schema(frame, target="y")
    plan = feature_plan(schema)
    assert plan.dropped == ("comment", "joined")
    assert plan.notes == (
        NOTE_TEXT_DROPPED.format(column="comment"),
        NOTE_DATES_AS_TEXT_DROPPED.format(column="joined"),
    )


def test_preprocessor_without_features_says_what_to_do(tiny) -> None:
    _, schema = tiny("binary")
    columns = tuple(
        dataclasses.replace(c, role="ignore") if c.role == "feature" else c for c in schema.columns
    )
    with pytest.raises(FeatureError) as caught:
        build_preprocessor(dataclasses.replace(schema, columns=columns), scale=False)
    assert caught.value.message == MSG_NO_FEATURES.format(why="")


def test_preprocessor_ignores_unknown_categories_at_predict(tiny) -> None:
    frame, schema = tiny("binary")
    X = frame[feature_columns(schema)]
    prepare = build_preprocessor(schema, scale=False).fit(X, frame["churned"])
    new = X.iloc[:2].copy()
    new["plan"] = ["enterprise", None]
    out = prepare.transform(new)
    assert out.shape == (2, 13)
    assert np.isfinite(out).all()
