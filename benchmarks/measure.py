"""Run one measured action in a fresh process: prints wall seconds and peak memory (MB) as JSON.

Used so peak memory belongs to one action, not to whatever ran before it.
Usage: python -m benchmarks.measure ACTION ARGS...
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _pandas_ingest(csv: str, out: str) -> dict[str, float]:
    import pandas as pd

    frame = pd.read_csv(csv, engine="pyarrow")
    frame.to_parquet(out, index=False)
    return {"frame_mb": frame.memory_usage(deep=True).sum() / 1e6}


def _workbench_ingest(csv: str, home: str) -> dict[str, float]:
    import os

    os.environ["WORKBENCH_HOME"] = home
    from app.cli import main

    name = f"bench-{Path(csv).stem}-{time.time_ns()}"
    try:
        main(["project", "create", name], standalone_mode=False)
        main(["data", "add", name, csv, "--json"], standalone_mode=False)
    except SystemExit as exit_:
        if exit_.code:
            raise
    return {}


ACTIONS = {"pandas-ingest": _pandas_ingest, "workbench-ingest": _workbench_ingest}


def main() -> None:
    action, *args = sys.argv[1:]
    started = time.perf_counter()
    extra = ACTIONS[action](*args)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, **extra}))


if __name__ == "__main__":
    main()
