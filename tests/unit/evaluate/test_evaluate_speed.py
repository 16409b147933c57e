"""200k rows with 200 bootstrap resamples take seconds, not minutes."""

from __future__ import annotations

import time

from core.business import PayoffMatrix
from core.evaluate import evaluate_classification


def test_binary_evaluation_of_200k_rows_is_fast(binary_scores) -> None:
    y, score = binary_scores(200_000, seed=0)
    start = time.perf_counter()
    ev = evaluate_classification(
        y,
        score,
        ("No", "Yes"),
        threshold=0.4,
        payoff=PayoffMatrix(tp=100, fp=-10, fn=-50, tn=0),
        volume_per_month=7_000,
        bootstrap=200,
    )
    elapsed = time.perf_counter() - start
    assert all(m.resamples == 200 for m in ev.metrics)
    assert elapsed < 10, f"took {elapsed:.1f} s"
