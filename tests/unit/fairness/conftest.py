"""Tiny hand-made predictions, and a synthetic dataset with a built-in group disparity."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def selected(count: int, picked: int, truth_positive: int = 0) -> tuple[list[str], list[str]]:
    """``count`` rows of which ``picked`` are predicted "Yes" and the first few really are."""
    y_pred = ["Yes"] * picked + ["No"] * (count - picked)
    y_true = ["Yes"] * truth_positive + ["No"] * (count - truth_positive)
    return y_true, y_pred


@pytest.fixture
def hiring() -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """50 women selected 9 times (18 %), 50 men selected 15 times (30 %)."""
    f_true, f_pred = selected(50, 9, truth_positive=10)
    m_true, m_pred = selected(50, 15, truth_positive=20)
    gender = pd.Series(["female"] * 50 + ["male"] * 50, name="gender")
    return np.array(f_true + m_true), np.array(f_pred + m_pred), gender


@pytest.fixture
def scored() -> Callable[..., tuple[np.ndarray, np.ndarray, pd.Series]]:
    """Random binary labels and predictions for three groups, seeded."""

    def build(rows: int = 600, seed: int = 0) -> tuple[np.ndarray, np.ndarray, pd.Series]:
        rng = np.random.default_rng(seed)
        group = pd.Series(rng.choice(["a", "b", "c"], rows, p=[0.5, 0.3, 0.2]), name="region")
        y_true = np.where(rng.random(rows) < 0.35, "Yes", "No")
        rate = np.where(group == "a", 0.45, 0.25)
        y_pred = np.where(rng.random(rows) < rate, "Yes", "No")
        return y_true, y_pred, group

    return build


def make_pipeline() -> Pipeline:
    """Unfitted: scaled numbers into a logistic regression; the group column is not a feature."""
    prep = ColumnTransformer([("num", StandardScaler(), ["skill", "noise"])])
    return Pipeline([("prep", prep), ("model", LogisticRegression())])


@pytest.fixture(scope="session")
def biased() -> tuple[pd.DataFrame, np.ndarray]:
    """400 rows where group "a" has higher skill, so a plain model selects it far more often."""
    rng = np.random.default_rng(7)
    rows = 400
    group = rng.choice(["a", "b"], rows)
    skill = rng.normal(size=rows) + 1.2 * (group == "a")
    X = pd.DataFrame({"skill": skill, "noise": rng.normal(size=rows), "group": group})
    y = np.where(skill + rng.normal(scale=0.5, size=rows) > 0.7, "hired", "rejected")
    return X, y


@pytest.fixture(scope="session")
def fitted_pipeline(biased) -> Pipeline:
    X, y = biased
    return make_pipeline().fit(X, y)


@pytest.fixture(scope="session")
def pipeline_factory() -> Callable[[], Pipeline]:
    return make_pipeline
