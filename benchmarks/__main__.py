"""Run every benchmark and print one table of ratios against the raw libraries."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import print_table  # noqa: E402

SUITES = (
    "bench_startup",
    "bench_ingest",
    "bench_explore",
    "bench_train",
    "bench_evaluate",
    "bench_export",
    "bench_speed_goals",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "suites", nargs="*", default=list(SUITES), help=f"any of {', '.join(SUITES)}"
    )
    args = parser.parse_args()
    print(
        f"Lifecycle Workbench benchmarks — Python {platform.python_version()}, {platform.machine()}"
    )
    rows = []
    for suite in args.suites:
        module = importlib.import_module(f"benchmarks.{suite}")
        print(f"running {suite}…", file=sys.stderr)
        rows.extend(module.run())
    print_table(rows)


if __name__ == "__main__":
    main()
