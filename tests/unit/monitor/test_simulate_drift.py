"""From the drift month on, the drifted column moves and the model visibly gets worse."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from core.monitor import (
    DriftSpec,
    MonitorError,
    drift_over_time,
    join_outcomes,
    parse_prediction_log,
    performance_over_time,
    simulate_production_log,
)
from core.monitor.simulate import MSG_DRIFT_MONTH, MSG_DRIFT_SPEC

FEATURES = ["tenure_months", "monthly_charges", "contract"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def run(churn, scorer, **options):
    settings = {
        "start": START,
        "months": 3,
        "rows_per_month": 800,
        "drift_column": "monthly_charges",
        "target": "churned",
        "id_column": "customer_id",
        "positive": "Yes",
    }
    sim = simulate_production_log(churn, scorer, **{**settings, **options})
    log = parse_prediction_log(sim.log_text, feature_columns=FEATURES)
    joined = join_outcomes(
        log.frame,
        sim.outcomes,
        id_column="customer_id",
        target="churned",
        prediction_id="request_id",
    )
    return sim, log, joined


@pytest.fixture(scope="module")
def scaled(churn, scorer):
    return run(churn, scorer, drift=DriftSpec(scale=1.5))


def test_drift_shows_from_month_two_on_the_drifted_column_only(churn, scaled) -> None:
    sim, log, _ = scaled
    assert sim.drift_start == pd.Timestamp("2025-02-01T00:00Z")
    table = drift_over_time(
        churn,
        log.frame,
        columns=FEATURES,
        categorical=["contract"],
        freq="M",
        prediction_column=None,
    )
    status = table.pivot(index="period", columns="column", values="status")
    assert status["monthly_charges"].tolist() == ["ok", "drift", "drift"]
    assert (status[["tenure_months", "contract"]] == "ok").all(axis=None)


def test_accuracy_drops_after_the_drift(scaled) -> None:
    _, _, joined = scaled
    assert joined.matched == len(joined.frame) - joined.unmatched_predictions
    table = performance_over_time(joined.frame, task="binary", positive="Yes", freq="M")
    accuracy = table["accuracy"].tolist()
    assert accuracy[0] > 0.65
    assert accuracy[1] < accuracy[0] - 0.1
    assert accuracy[2] < accuracy[0] - 0.1


def test_categories_move_to_the_given_shares(churn, scorer) -> None:
    shares = {"Monthly": 0.1, "One year": 0.1, "Two year": 0.8}
    _, log, joined = run(
        churn, scorer, drift_column="contract", drift=DriftSpec(shares=shares), months=2
    )
    late = log.scored()[log.scored()["time"] >= pd.Timestamp("2025-02-01T00:00Z")]
    assert late["contract"].value_counts(normalize=True)["Two year"] == pytest.approx(0.8, abs=0.05)
    accuracy = performance_over_time(joined.frame, task="binary", positive="Yes", freq="M")[
        "accuracy"
    ]
    assert accuracy.iloc[1] < accuracy.iloc[0]


def test_a_drift_function_is_applied_to_the_drifted_months(churn, scorer) -> None:
    def cheaper(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        return rows.assign(monthly_charges=rows["monthly_charges"] - 30)

    _, log, _ = run(churn, scorer, drift=cheaper, months=2, drift_from_month=2)
    months = log.scored().groupby(log.scored()["time"].dt.month)["monthly_charges"].mean()
    assert months[1] - months[2] == pytest.approx(30, abs=3)


def test_bad_settings_are_refused(churn, scorer) -> None:
    with pytest.raises(MonitorError) as caught:
        run(churn, scorer, drift_column="contract", drift=DriftSpec(scale=2.0))
    assert caught.value.message == MSG_DRIFT_SPEC.format(column="contract")
    with pytest.raises(MonitorError) as caught:
        run(churn, scorer, drift_from_month=4)
    assert caught.value.message == MSG_DRIFT_MONTH.format(months=3, value=4)
