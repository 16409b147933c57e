"""Small hand-made datasets whose index holds raw row ids (not 0..n-1, not in order)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def customers() -> pd.DataFrame:
    """100 customers, 30 % churned, 20 households, one signup per day; ids shuffled."""
    rng = np.random.default_rng(7)
    ids = rng.permutation(np.arange(500, 600))
    return pd.DataFrame(
        {
            "churned": ["yes"] * 30 + ["no"] * 70,
            "household": np.repeat(np.arange(20), 5),
            "signup": pd.date_range("2024-01-01", periods=100, freq="D").strftime("%Y-%m-%d"),
            "spend": np.linspace(10.0, 200.0, 100),
        },
        index=pd.Index(ids, dtype="int64"),
    )
