"""Ingest: `workbench data add` versus pandas.read_csv(engine="pyarrow") + to_parquet.

Both run in fresh processes (imports included, as a user would wait for them), alternating,
best of three. Goal: ratio ≤ 1.5 and peak memory ≤ 3× the DataFrame's in-memory size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.data import generated_csv
from benchmarks.harness import Comparison

ROOT = Path(__file__).resolve().parents[1]
SIZES = (100_000, 1_000_000)
REPEAT = 3


def _measure(*args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", *args],
        cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ},
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(sizes: tuple[int, ...] = SIZES) -> list[Comparison]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in sizes:
            csv = generated_csv(size, folder)
            ours, base = [], []
            for attempt in range(REPEAT):
                base.append(
                    _measure("pandas-ingest", str(csv), str(folder / f"out{attempt}.parquet"))
                )
                ours.append(_measure("workbench-ingest", str(csv), str(folder / "home")))
            best_ours = min(ours, key=lambda r: r["seconds"])
            best_base = min(base, key=lambda r: r["seconds"])
            frame_mb = best_base["frame_mb"]
            peak = max(r["peak_mb"] for r in ours)
            rows.append(
                Comparison(
                    f"ingest {size:,} rows × 30 cols (CSV {csv.stat().st_size / 1e6:.0f} MB)",
                    best_ours["seconds"],
                    "pd.read_csv(pyarrow) + to_parquet, fresh process",
                    best_base["seconds"],
                    goal="≤ 1.5×",
                    note=f"peak memory {peak:,.0f} MB = {peak / frame_mb:.1f}× the DataFrame's {frame_mb:,.0f} MB "
                    f"(goal ≤ 3×); pandas alone peaked at {best_base['peak_mb']:,.0f} MB",
                )
            )
    return rows
