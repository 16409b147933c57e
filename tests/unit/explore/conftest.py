"""Shared frames for the Explore-stage tests: the demo churn data and small generated ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema

DEMO = Path(__file__).resolve().parents[3] / "assets" / "demo" / "churn.csv"


@pytest.fixture(scope="session")
def churn() -> pd.DataFrame:
    return pd.read_csv(DEMO, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="session")
def churn_schema(churn: pd.DataFrame):
    return infer_schema(churn, target="churned")


@pytest.fixture(scope="session")
def large() -> pd.DataFrame:
    """100k rows: numbers, categories, gaps, a date and a binary target."""
    rng = np.random.default_rng(1)
    rows = 100_000
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=rows),
            "y": rng.normal(size=rows),
            "colour": rng.choice(["red", "green", "blue"], size=rows),
            "size": rng.choice(["S", "M", "L", "XL"], size=rows),
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), "D"),
        }
    )
    frame.loc[rng.random(rows) < 0.1, "y"] = np.nan
    frame["label"] = np.where(frame["x"] + rng.normal(size=rows) > 0, "yes", "no")
    return frame


@pytest.fixture(scope="session")
def large_schema(large: pd.DataFrame):
    return infer_schema(large, target="label")
