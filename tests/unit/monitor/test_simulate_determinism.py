"""The same inputs and seed give the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from core.monitor import simulate_production_log

START = datetime(2025, 1, 1, tzinfo=UTC)


def simulate(churn, scorer, seed: int):
    return simulate_production_log(
        churn,
        scorer,
        start=START,
        months=2,
        rows_per_month=300,
        drift_column="tenure_months",
        target="churned",
        id_column="customer_id",
        positive="Yes",
        seed=seed,
    )


def test_the_same_seed_gives_identical_text_and_outcomes(churn, scorer) -> None:
    first, second = simulate(churn, scorer, 7), simulate(churn, scorer, 7)
    assert first.log_text == second.log_text
    pd.testing.assert_frame_equal(first.outcomes, second.outcomes)


def test_another_seed_gives_another_log(churn, scorer) -> None:
    assert simulate(churn, scorer, 7).log_text != simulate(churn, scorer, 8).log_text
