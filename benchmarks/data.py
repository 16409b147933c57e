"""Generated benchmark data: numeric and categorical columns with a binary target, seed 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def generated_frame(
    rows: int, *, numeric: int = 20, categorical: int = 10, seed: int = 0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {}
    for i in range(numeric):
        columns[f"num_{i}"] = rng.normal(size=rows).round(4)
    for i in range(categorical):
        levels = np.array([f"level_{j}" for j in range(5 + 5 * i)])
        columns[f"cat_{i}"] = levels[rng.integers(0, len(levels), size=rows)]
    signal = columns["num_0"] + 0.5 * columns["num_1"] - 0.3 * (columns["cat_0"] == "level_1")
    columns["target"] = (signal + rng.normal(scale=1.0, size=rows) > 0.8).astype(int)
    return pd.DataFrame(columns)


def generated_csv(rows: int, folder: Path) -> Path:
    """A cached CSV of ``generated_frame(rows)`` (30 feature columns + target)."""
    path = folder / f"generated_{rows}.csv"
    if not path.exists():
        generated_frame(rows, numeric=20, categorical=9).to_csv(path, index=False)
    return path
