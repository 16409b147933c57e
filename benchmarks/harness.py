"""Tiny benchmark harness: repeated timings, medians, and a ratio table.

Absolute times swing by 10x on a shared 2-core machine, so every figure is reported
next to its raw-library baseline measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    name: str
    workbench_seconds: float
    baseline_name: str
    baseline_seconds: float
    goal: str = ""
    note: str = ""

    @property
    def ratio(self) -> float:
        return (
            self.workbench_seconds / self.baseline_seconds
            if self.baseline_seconds
            else float("inf")
        )


def median_seconds(action: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def print_table(rows: list[Comparison]) -> None:
    header = (
        f"{'benchmark':<38} {'workbench':>10} {'baseline':>10} {'ratio':>7}  baseline is / goal"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row.name:<38} {row.workbench_seconds:>9.3f}s {row.baseline_seconds:>9.3f}s "
            f"{row.ratio:>6.2f}x  {row.baseline_name}" + (f" / {row.goal}" if row.goal else "")
        )
        if row.note:
            print(f"{'':<38} {row.note}")
