"""PSI by hand: quantile buckets of the reference, categories, the missing bucket, epsilon."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.monitor import drift_report, psi
from core.monitor.psi import MISSING_BUCKET, OTHER_BUCKET, PSI_EPSILON


def term(current: float, reference: float) -> float:
    return (current - reference) * math.log(current / reference)


def report(reference: pd.DataFrame, current: pd.DataFrame, **options):
    return drift_report(
        reference,
        current,
        columns=list(reference.columns),
        categorical=options.pop("categorical", []),
        prediction_column=None,
        min_rows=1,
        **options,
    )


def test_numeric_psi_equals_the_hand_computed_value() -> None:
    # Reference 1..10 with 2 buckets: the median 5 splits it (≤ 5 | > 5), 50 % each.
    # Current: 3 of 8 values ≤ 5, 5 above -> shares 0.375 and 0.625.
    reference = pd.DataFrame({"x": np.arange(1.0, 11.0)})
    current = pd.DataFrame({"x": [1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0, 11.0]})
    item = report(reference, current, psi_bins=2).column("x")
    assert item.psi == pytest.approx(term(0.375, 0.5) + term(0.625, 0.5))
    assert item.distribution["bucket"].tolist() == ["≤ 5", "> 5"]
    assert item.distribution["current_count"].tolist() == [3, 5]


def test_categorical_psi_equals_the_hand_computed_value() -> None:
    reference = pd.DataFrame({"plan": ["a", "b"] * 10})
    current = pd.DataFrame({"plan": ["a"] + ["b"] * 3})
    item = report(reference, current, categorical=["plan"]).column("plan")
    assert item.psi == pytest.approx(term(0.25, 0.5) + term(0.75, 0.5))
    assert item.kind == "categorical"


def test_an_empty_bucket_uses_epsilon() -> None:
    # All current values are new: the reference share of the other bucket is 0 -> epsilon.
    reference = pd.DataFrame({"plan": ["a"] * 4})
    current = pd.DataFrame({"plan": ["z"] * 4})
    item = report(reference, current, categorical=["plan"]).column("plan")
    assert item.distribution["bucket"].tolist() == ["a", OTHER_BUCKET]
    expected = term(PSI_EPSILON, 1.0) + term(1.0, PSI_EPSILON)
    assert item.psi == pytest.approx(expected)
    assert psi(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(expected)


def test_missing_values_get_their_own_bucket() -> None:
    reference = pd.DataFrame({"x": np.arange(1.0, 11.0)})
    current = pd.DataFrame({"x": [1.0, 9.0, np.nan, np.nan]})
    item = report(reference, current, psi_bins=2).column("x")
    assert item.distribution["bucket"].tolist() == ["≤ 5", "> 5", MISSING_BUCKET]
    expected = term(0.25, 0.5) + term(0.25, 0.5) + term(0.5, PSI_EPSILON)
    assert item.psi == pytest.approx(expected)
    assert item.missing_share == 0.5


def test_whole_numbers_get_one_bucket_per_value_where_quantiles_tie() -> None:
    reference = pd.DataFrame({"tickets": [0] * 6 + [1] * 3 + [2]})
    current = pd.DataFrame({"tickets": [0, 1, 2, 3]})
    item = report(reference, current, psi_bins=10).column("tickets")
    table = item.distribution
    assert table["bucket"].tolist() == ["≤ 0", "0 – 1", "> 1"]
    assert table["reference_count"].tolist() == [6, 3, 1]
    assert table["current_count"].tolist() == [1, 1, 2]
