"""DateParts follows the scikit-learn estimator contract."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from core.estimators.columns import BooleanFlags, CategoryText, DateParts


def test_date_parts_from_text_and_timestamps() -> None:
    text = pd.DataFrame({"d": ["2024-01-01", "2024-03-01", None]})
    stamps = pd.DataFrame({"d": pd.to_datetime(["2024-01-01", "2024-03-01", None])})
    for frame in (text, stamps):
        out = DateParts().fit_transform(frame)
        np.testing.assert_array_equal(out[0], [2024, 1, 0, 1, 60])
        np.testing.assert_array_equal(out[1], [2024, 3, 4, 61, 0])
        assert np.isnan(out[2]).all()


def test_date_parts_reference_is_learned_at_fit_and_kept() -> None:
    parts = DateParts().fit(pd.DataFrame({"d": ["2024-01-10"]}))
    assert parts.reference_ == pd.Timestamp("2024-01-10")
    later = parts.transform(pd.DataFrame({"d": ["2024-01-20", "2023-12-31"]}))
    np.testing.assert_array_equal(later[:, -1], [-10, 10])
    fixed = DateParts(reference="2025-01-01").fit(pd.DataFrame({"d": ["2024-12-31"]}))
    assert fixed.transform(pd.DataFrame({"d": ["2024-12-31"]}))[0, -1] == 1


def test_date_parts_time_zones_become_utc() -> None:
    frame = pd.DataFrame({"d": ["2024-01-01T23:30:00-02:00", "2024-01-02T01:30:00+00:00"]})
    out = DateParts().fit_transform(frame)
    np.testing.assert_array_equal(out[:, 1], [1, 1])
    np.testing.assert_array_equal(out[:, 3], [2, 2])


def test_date_parts_estimator_contract() -> None:
    parts = DateParts(reference="2024-01-01")
    assert parts.get_params() == {"reference": "2024-01-01"}
    assert clone(parts).get_params() == parts.get_params()
    with pytest.raises(NotFittedError):
        parts.transform(pd.DataFrame({"d": ["2024-01-01"]}))
    fitted = parts.fit(pd.DataFrame({"a": ["2024-01-01"], "b": ["2023-01-01"]}))
    assert list(fitted.get_feature_names_out()) == [
        f"{c}_{p}" for c in "ab" for p in DateParts.PARTS
    ]
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.reference_ == fitted.reference_


def test_date_parts_pandas_output() -> None:
    parts = DateParts().set_output(transform="pandas")
    frame = pd.DataFrame({"d": ["2024-01-01", "2024-02-01"]}, index=[7, 3])
    out = parts.fit_transform(frame)
    assert list(out.columns) == [f"d_{p}" for p in DateParts.PARTS]
    assert list(out.index) == [7, 3]


def test_boolean_flags_map_yes_true_and_other_pairs() -> None:
    frame = pd.DataFrame(
        {
            "a": ["Yes", "no", None, "YES"],
            "b": [True, False, True, None],
            "c": ["M", "F", "F", "M"],
        }
    )
    out = BooleanFlags().fit_transform(frame)
    np.testing.assert_array_equal(out[:, 0], [1, 0, np.nan, 1])
    np.testing.assert_array_equal(out[:, 1], [1, 0, 1, np.nan])
    np.testing.assert_array_equal(out[:, 2], [1, 0, 0, 1])


def test_category_text_normalises_values() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, None], "b": pd.Categorical(["x", None, "y"])})
    out = CategoryText().fit_transform(frame)
    assert out["a"].tolist()[:2] == ["1", "2"] and pd.isna(out["a"].iloc[2])
    assert out["b"].tolist()[0] == "x" and pd.isna(out["b"].iloc[1])
