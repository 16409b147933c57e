"""Resampling and percentile intervals, shared by the evaluate and fairness stages.

A bootstrap here draws *counts* (how often each row appears in one resample) instead of
indices, so a metric is a weighted sum over the same arrays and many resamples are computed at
once. Draws are chunked so no more than ``CHUNK_CELLS`` weights are held in memory.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

CI_LEVEL = 0.95
MIN_USABLE_SHARE = 0.5  # fewer usable resamples than this share: no interval
CHUNK_CELLS = 2_000_000  # resample weights held at once (repetitions x rows)

Statistic = Callable[[np.ndarray], dict[str, np.ndarray]]


def resample_counts(rng: np.random.Generator, size: int, reps: int) -> np.ndarray:
    """(reps, size) counts: how often each row was drawn in each repetition."""
    draws = rng.integers(0, size, size=(reps, size))
    draws += (np.arange(reps) * size)[:, None]
    return np.bincount(draws.ravel(), minlength=reps * size).reshape(reps, size).astype(float)


def bootstrap(
    statistic: Statistic, size: int, reps: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """``reps`` values of every metric ``statistic(counts)`` returns, drawn in chunks."""
    chunk = max(1, CHUNK_CELLS // max(size, 1))
    parts = [
        statistic(resample_counts(rng, size, min(chunk, reps - start)))
        for start in range(0, reps, chunk)
    ]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def percentile_interval(usable: np.ndarray) -> tuple[float, float]:
    """The central ``CI_LEVEL`` percentile interval of finite resampled values."""
    tail = (1 - CI_LEVEL) / 2 * 100
    low, high = np.percentile(usable, [tail, 100 - tail])
    return float(low), float(high)
