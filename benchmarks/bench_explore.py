"""Explore: the workbench overview versus bare pandas describe + isna + nunique, same frame, same run.

Goal: within 2× of that baseline (the overview does more) and under 3 s at 1M rows.
Also the full ydata-profiling report on the demo data through the workbench wrapper.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from benchmarks.data import generated_frame
from benchmarks.harness import Comparison, median_seconds
from core.data.schema import infer_schema
from core.explore import ProfileSettings, overview, profile_report

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo" / "churn.csv"


def _bare_pandas(frame: pd.DataFrame) -> None:
    frame.describe(include="all")
    frame.isna().sum()
    frame.nunique()


def run(sizes: tuple[int, ...] = (100_000, 1_000_000)) -> list[Comparison]:
    rows = []
    for size in sizes:
        frame = generated_frame(size, numeric=20, categorical=9)
        schema = infer_schema(frame, target="target")
        ours = median_seconds(lambda frame=frame, schema=schema: overview(frame, schema), repeat=3)
        bare = median_seconds(lambda frame=frame: _bare_pandas(frame), repeat=3)
        rows.append(
            Comparison(
                f"overview {size:,} rows × 30 cols",
                ours,
                "describe(all) + isna + nunique",
                bare,
                goal="≤ 2×, < 3 s at 1M",
            )
        )
    demo = pd.read_csv(DEMO, keep_default_na=False, na_values=[""])
    schema = infer_schema(demo, target="churned")
    for minimal in (True, False):
        started = time.perf_counter()
        profile_report(demo, ProfileSettings(minimal=minimal), schema=schema)
        ours = time.perf_counter() - started
        started = time.perf_counter()
        from ydata_profiling import ProfileReport

        ProfileReport(demo, minimal=minimal, progress_bar=False).to_html()
        bare = time.perf_counter() - started
        rows.append(
            Comparison(
                f"full report, demo 7,000 rows ({'minimal' if minimal else 'full'})",
                ours,
                "ydata_profiling.ProfileReport(...).to_html()",
                bare,
            )
        )
    return rows
