"""Tiny hand-made datasets (binary, multiclass, regression) with their schemas.

Row ids are shuffled whole numbers, not 0..n-1, like the raw row ids of a dataset version.
Every column type the preprocessor handles appears once: numbers with gaps, whole numbers,
a yes/no flag, a category with gaps, dates as text (typed datetime), an ID and a sensitive
column.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from core.data.schema import Schema, infer_schema

TARGETS = {"binary": "churned", "multiclass": "tier", "regression": "revenue"}


def make_frame(task: str, rows: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = rng.permutation(np.arange(1000, 1000 + rows))
    signal = rng.normal(size=rows)
    spend = np.round(50 + 20 * signal + rng.normal(scale=5, size=rows), 2)
    spend[::7] = np.nan
    plan = rng.choice(["basic", "plus", "pro"], rows).astype(object)
    plan[::11] = None
    dates = pd.date_range("2023-01-01", periods=rows, freq="5D").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in ids],
            "signup": np.asarray(dates)[rng.permutation(rows)],
            "spend": spend,
            "visits": rng.integers(0, 10, rows),
            "plan": plan,
            "paperless": rng.choice(["Yes", "No"], rows),
            "gender": rng.choice(["F", "M"], rows),
        },
        index=pd.Index(ids, dtype="int64"),
    )
    noise = rng.normal(scale=0.5, size=rows)
    if task == "binary":
        frame["churned"] = np.where(signal + noise > 0.5, "Yes", "No")
    elif task == "multiclass":
        frame["tier"] = np.select(
            [signal + noise > 0.4, signal + noise > -0.4], ["gold", "silver"], "bronze"
        )
    else:
        frame["revenue"] = np.round(100 + 30 * signal + 2 * frame["visits"] + 5 * noise, 2)
    return frame


def make_schema(frame: pd.DataFrame, task: str) -> Schema:
    return infer_schema(
        frame,
        target=TARGETS[task],
        types={"signup": "datetime"},
        roles={"gender": "sensitive"},  # chosen by the user, never by name
        positive_class="Yes" if task == "binary" else None,
    )


Tiny = Callable[..., tuple[pd.DataFrame, Schema]]


@pytest.fixture
def tiny() -> Tiny:
    """``tiny(task, rows=60, seed=0)`` → (frame, schema); the schema's target names the label."""

    def build(task: str, rows: int = 60, seed: int = 0) -> tuple[pd.DataFrame, Schema]:
        frame = make_frame(task, rows, seed)
        return frame, make_schema(frame, task)

    return build
