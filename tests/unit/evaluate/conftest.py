"""Synthetic scored test sets (labels with scores that carry some signal, seeded), and a frame
with an injected high-error cohort: errors concentrate where a < 3 and c == "x"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_binary(rows: int, seed: int = 0, rate: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """("Yes"/"No" labels, positive-class scores in [0, 1])."""
    rng = np.random.default_rng(seed)
    positive = rng.random(rows) < rate
    score = np.clip(0.3 + 0.35 * (positive - rate) + rng.normal(0, 0.2, rows), 0, 1)
    return np.where(positive, "Yes", "No"), score


def make_multiclass(
    rows: int, classes: tuple[str, ...], seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(labels, probability matrix in ``classes`` order, rows summing to 1)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, len(classes), rows)
    proba = rng.dirichlet(np.ones(len(classes)), rows)
    proba[np.arange(rows), codes] += 0.6
    proba /= proba.sum(axis=1, keepdims=True)
    return np.asarray(classes, dtype=object)[codes], proba


def make_regression(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    actual = rng.normal(100, 20, rows)
    return actual, actual + rng.normal(2, 10, rows)


@pytest.fixture
def binary_scores():
    """make_binary(rows, seed=0, rate=0.3) -> (labels, scores)."""
    return make_binary


@pytest.fixture
def multiclass_scores():
    """make_multiclass(rows, classes, seed=0) -> (labels, proba)."""
    return make_multiclass


@pytest.fixture
def regression_predictions():
    """make_regression(rows, seed=0) -> (actual, predicted)."""
    return make_regression


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
