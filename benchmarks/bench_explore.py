"""Explore: the workbench overview versus bare pandas describe + isna + nunique, same frame, same run.

Goal: within 2× of that baseline (the overview does more) and under 3 s at 1M rows, also on the
harder frames (a unique text ID with gaps; 30 % duplicate rows, the exact check's worst case).
Correlations (pairwise-complete Pearson as matrix products, Spearman as Pearson of ranks) versus
``DataFrame.corr``. The full ydata-profiling report on the demo data through the workbench
wrapper versus bare ydata, and minimal versus full mode.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.data import generated_frame
from benchmarks.harness import Comparison, median_seconds
from core.data.schema import infer_schema
from core.explore import ProfileSettings, correlations, overview, profile_report

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo" / "churn.csv"
HARD_ROWS = 100_000
CORRELATION_ROWS = 50_000


def _bare_pandas(frame: pd.DataFrame) -> None:
    frame.describe(include="all")
    frame.isna().sum()
    frame.nunique()


def _with_id_and_gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """A unique text ID column and 10 % missing values in every other column."""
    gaps = np.random.default_rng(0).random(frame.shape) < 0.1
    gaps[:, frame.columns.get_loc("target")] = False
    out = frame.mask(gaps)
    out.insert(0, "id", [f"customer-{i:08d}" for i in range(len(frame))])
    return out


def _with_duplicates(frame: pd.DataFrame, share: float = 0.3) -> pd.DataFrame:
    """``share`` of the rows are copies of earlier rows."""
    copies = int(len(frame) * share)
    rows = np.random.default_rng(0).integers(0, len(frame) - copies, copies)
    return pd.concat([frame.iloc[: len(frame) - copies], frame.iloc[rows]], ignore_index=True)


def _overview(name: str, frame: pd.DataFrame, goal: str) -> Comparison:
    schema = infer_schema(frame, target="target")
    ours = median_seconds(lambda: overview(frame, schema), repeat=3)
    bare = median_seconds(lambda: _bare_pandas(frame), repeat=3)
    return Comparison(name, ours, "describe(all) + isna + nunique", bare, goal=goal)


def _correlations() -> list[Comparison]:
    frame = generated_frame(CORRELATION_ROWS, numeric=20, categorical=1).drop(columns="cat_0")
    gaps = np.random.default_rng(0).random(frame.shape) < 0.05  # rows differ pair by pair
    gaps[:, frame.columns.get_loc("target")] = False
    frame = frame.mask(gaps)
    schema = infer_schema(frame, target="target")
    rows = []
    for method in ("pearson", "spearman"):
        ours = median_seconds(lambda m=method: correlations(frame, schema, method=m), repeat=3)
        # once: pandas' Spearman re-ranks every pair and takes seconds even here
        bare = median_seconds(lambda m=method: frame.corr(method=m), repeat=1, warmup=0)
        name = f"{method} {CORRELATION_ROWS:,} rows × 21 cols"
        rows.append(Comparison(name, ours, f"DataFrame.corr(method={method!r})", bare))
    return rows


def _reports() -> list[Comparison]:
    demo = pd.read_csv(DEMO, keep_default_na=False, na_values=[""])
    schema = infer_schema(demo, target="churned")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ydata_profiling import ProfileReport  # loaded before timing: both sides are warm
    rows, ours = [], {}
    for minimal in (True, False):
        started = time.perf_counter()
        profile_report(demo, ProfileSettings(minimal=minimal), schema=schema)
        ours[minimal] = time.perf_counter() - started
        started = time.perf_counter()
        ProfileReport(demo, minimal=minimal, progress_bar=False).to_html()
        bare = time.perf_counter() - started
        rows.append(
            Comparison(
                f"full report, demo 7,000 rows ({'minimal' if minimal else 'full'})",
                ours[minimal],
                "ydata_profiling.ProfileReport(...).to_html()",
                bare,
            )
        )
    name = "report minimal vs full, demo 7,000 rows"
    rows.append(Comparison(name, ours[True], "the same wrapper in full mode", ours[False]))
    return rows


def run(sizes: tuple[int, ...] = (100_000, 1_000_000)) -> list[Comparison]:
    rows = []
    for size in sizes:
        frame = generated_frame(size, numeric=20, categorical=9)
        rows.append(_overview(f"overview {size:,} rows × 30 cols", frame, "≤ 2×, < 3 s at 1M"))
    frame = generated_frame(HARD_ROWS, numeric=20, categorical=9)
    rows.append(
        _overview(f"overview {HARD_ROWS:,}, unique ID + gaps", _with_id_and_gaps(frame), "≤ 2×")
    )
    rows.append(
        _overview(f"overview {HARD_ROWS:,}, 30 % duplicates", _with_duplicates(frame), "≤ 2×")
    )
    rows.extend(_correlations())
    rows.extend(_reports())
    return rows
