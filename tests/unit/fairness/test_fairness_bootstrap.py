"""Seeded bootstrap intervals per group: reproducible, around the point, fast."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from core.business import PayoffMatrix
from core.fairness import METRICS, fairness_report


def bounds(report) -> pd.DataFrame:
    return report.by_group.filter(regex="_(low|high)$")


def test_same_seed_gives_the_same_intervals(scored) -> None:
    y_true, y_pred, region = scored()
    one = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", seed=3)
    two = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", seed=3)
    other = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", seed=4)
    pd.testing.assert_frame_equal(bounds(one), bounds(two))
    assert not bounds(one).equals(bounds(other))


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_interval_holds_its_point_value(task: str) -> None:
    rng = np.random.default_rng(5)
    rows = 400
    group = pd.Series(rng.choice(["a", "b"], rows), name="group")
    if task == "regression":
        y_true = rng.normal(size=rows)
        y_pred = y_true + rng.normal(size=rows)
        options = {}
    elif task == "multiclass":
        y_true = rng.choice(["x", "y", "z"], rows)
        y_pred = np.where(rng.random(rows) < 0.7, y_true, "x")
        options = {}
    else:
        y_true = rng.random(rows) < 0.4
        y_pred = rng.random(rows) < 0.4
        options = {
            "positive": True,
            "proba": rng.random(rows),
            "payoff": PayoffMatrix(tp=10, fp=-2, fn=-5, tn=0),
            "volume_per_month": 500,
        }
    report = fairness_report(y_true, y_pred, group, task=task, bootstrap=100, **options)
    for row in report.by_group.to_dict(orient="records"):
        for metric in METRICS[task]:
            value, low, high = row[metric], row[f"{metric}_low"], row[f"{metric}_high"]
            assert math.isfinite(low) and math.isfinite(high), metric
            assert low <= value <= high, metric
            assert low < high, metric


def test_no_bootstrap_means_no_interval(hiring) -> None:
    y_true, y_pred, gender = hiring
    report = fairness_report(y_true, y_pred, gender, task="binary", positive="Yes", bootstrap=0)
    assert bounds(report).isna().all().all()


def test_a_rate_the_group_cannot_define_has_no_interval() -> None:
    """Group b has no real positives: its true positive rate has nothing to resample."""
    report = fairness_report(
        ["Yes", "No", "Yes", "No", "No", "No", "No", "No"],
        ["Yes", "No", "No", "Yes", "Yes", "No", "No", "No"],
        ["a", "a", "a", "a", "b", "b", "b", "b"],
        task="binary",
        positive="Yes",
        bootstrap=50,
    )
    b = report.by_group.set_index("group").loc["b"]
    assert math.isnan(b["tpr_low"]) and math.isnan(b["tpr_high"])
    assert math.isfinite(b["fpr_low"])


def test_two_hundred_resamples_of_ten_thousand_rows_are_fast() -> None:
    rng = np.random.default_rng(6)
    rows = 10_050
    group = pd.Series(["a"] * 10_000 + ["b"] * 50, name="group")
    y_true, y_pred = rng.random(rows) < 0.3, rng.random(rows) < 0.3
    options = {"task": "binary", "positive": True}
    start = time.perf_counter()
    fairness_report(y_true, y_pred, group, bootstrap=0, **options)
    without = time.perf_counter() - start
    start = time.perf_counter()
    fairness_report(y_true, y_pred, group, bootstrap=200, **options)
    bootstrap_seconds = time.perf_counter() - start - without
    assert bootstrap_seconds < 1.0
