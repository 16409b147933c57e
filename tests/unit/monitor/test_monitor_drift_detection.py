"""Known injected drift is flagged; the table puts the largest PSI first.

Definition used here: a normal column shifted by 1 sd (5,000 rows each side) has a PSI near
0.9 and is "drift"; a shift of 0.5 sd gives a PSI near 0.23 (just above psi_alert 0.2) and
is at least "warn"; a shift of 0.25 sd (PSI near 0.07) is a significant "warn" by its KS
effect, never "drift".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.monitor import drift_report

COLUMNS = ["income", "spend", "tickets", "plan"]


def compare(reference: pd.DataFrame, current: pd.DataFrame, **options):
    return drift_report(
        reference, current, columns=COLUMNS, categorical=["plan"], prediction_column=None, **options
    )


def test_a_one_sd_shift_is_drift_and_leads_the_table(frames) -> None:
    report = compare(frames(seed=0), frames(seed=1, shift=1.0))
    income = report.column("income")
    assert income.status == "drift"
    assert income.psi > 0.5
    assert income.p_value < 1e-10
    assert report.drifted == ["income"]
    assert report.table["column"].iloc[0] == "income"
    assert report.table["psi"].is_monotonic_decreasing


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_half_sd_shift_is_flagged(frames, seed: int) -> None:
    income = compare(frames(seed=0), frames(seed=seed, shift=0.5)).column("income")
    assert income.psi > 0.15
    assert income.status in ("warn", "drift")


def test_a_quarter_sd_shift_warns_but_does_not_drift(frames) -> None:
    income = compare(frames(seed=0), frames(seed=1, shift=0.25)).column("income")
    assert income.status == "warn"
    assert 0.03 < income.psi < 0.2


def test_moved_category_shares_are_drift(frames) -> None:
    current = frames(seed=1)
    rng = np.random.default_rng(5)
    current["plan"] = rng.choice(["basic", "plus", "pro"], len(current), p=[0.2, 0.3, 0.5])
    plan = compare(frames(seed=0), current).column("plan")
    assert plan.status == "drift"
    assert plan.test == "chi2"
    assert plan.effect > 0.2


def test_the_prediction_is_compared_too(frames) -> None:
    reference, current = frames(seed=0), frames(seed=1)
    reference["probability"] = np.random.default_rng(0).beta(2, 5, len(reference))
    current["probability"] = np.random.default_rng(1).beta(5, 2, len(current))
    report = drift_report(reference, current, columns=["income"], categorical=[])
    prediction = report.column("probability")
    assert (prediction.role, prediction.status) == ("prediction", "drift")
    assert report.column("income").status == "ok"
