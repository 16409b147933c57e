"""The test statistics and p-values are scipy's own on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, ks_2samp
from scipy.stats.contingency import association

from core.monitor import drift_report


@pytest.fixture
def pair(frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    reference, current = frames(rows=800, seed=0), frames(rows=300, seed=1, shift=0.2)
    current.loc[:9, "income"] = np.nan
    current.loc[:4, "plan"] = "enterprise"
    return reference, current


def test_ks_equals_scipy(pair) -> None:
    reference, current = pair
    item = drift_report(
        reference, current, columns=["income"], categorical=[], prediction_column=None
    ).column("income")
    expected = ks_2samp(reference["income"], current["income"].dropna())
    assert item.test == "ks"
    assert item.statistic == pytest.approx(expected.statistic, abs=0, rel=1e-12)
    assert item.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert item.effect == item.statistic


def test_chi_square_equals_scipy_on_the_counts(pair) -> None:
    reference, current = pair
    item = drift_report(
        reference, current, columns=["plan"], categorical=["plan"], prediction_column=None
    ).column("plan")
    both = pd.concat([reference["plan"], current["plan"]], ignore_index=True)
    side = ["reference"] * len(reference) + ["current"] * len(current)
    table = pd.crosstab(pd.Series(side), both.to_numpy()).to_numpy()
    expected = chi2_contingency(table)
    assert item.test == "chi2"
    assert item.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert item.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert item.effect == pytest.approx(association(table, method="cramer"), rel=1e-12)
