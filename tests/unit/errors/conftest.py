"""A frame with an injected high-error cohort: errors concentrate where a < 3 and c == "x"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_injected(rows: int = 4_000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 10, rows).astype(float)
    a[rng.random(rows) < 0.05] = np.nan
    frame = pd.DataFrame(
        {
            "a": a,
            "b": rng.normal(50, 10, rows),
            "c": rng.choice(["x", "y", "z", "w"], rows),
            "d": pd.Series(rng.choice(["p", "q", None], rows), dtype=object),
        },
        index=pd.Index(rng.permutation(np.arange(10_000, 10_000 + rows)), dtype="int64"),
    )
    rate = np.where((a < 3) & (frame["c"].to_numpy() == "x"), 0.6, 0.08)
    return frame, rng.random(rows) < rate


@pytest.fixture
def injected() -> tuple[pd.DataFrame, np.ndarray]:
    return make_injected()


@pytest.fixture
def make_injected_frame():
    """make_injected(rows=4_000, seed=0) -> (frame, errors), for a second run's rows."""
    return make_injected
