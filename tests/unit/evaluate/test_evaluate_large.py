"""200k rows with 200 bootstrap resamples: every metric gets all its resamples.

(The speed goal — seconds, not minutes — is measured by benchmarks/bench_evaluate.py,
"evaluate(), bootstrap=200" on 200k rows; unit tests never time.)"""

from __future__ import annotations

from core.evaluate import evaluate_classification
from core.goal import PayoffMatrix


def test_binary_evaluation_of_200k_rows_uses_every_resample(binary_scores) -> None:
    y, score = binary_scores(200_000, seed=0)
    ev = evaluate_classification(
        y,
        score,
        ("No", "Yes"),
        threshold=0.4,
        payoff=PayoffMatrix(tp=100, fp=-10, fn=-50, tn=0),
        volume_per_month=7_000,
        bootstrap=200,
    )
    assert all(m.resamples == 200 for m in ev.metrics)
