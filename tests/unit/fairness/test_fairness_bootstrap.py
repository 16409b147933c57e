"""Seeded bootstrap intervals per group: reproducible, and the percentiles of independently
recomputed resamples. (Speed: benchmarks/bench_speed_goals.py.)"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.fairness import fairness_report


def bounds(report) -> pd.DataFrame:
    return report.by_group.filter(regex="_(low|high)$")


def test_same_seed_gives_the_same_intervals(scored) -> None:
    y_true, y_pred, region = scored()
    one = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", seed=3)
    two = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", seed=3)
    other = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", seed=4)
    pd.testing.assert_frame_equal(bounds(one), bounds(two))
    assert not bounds(one).equals(bounds(other))


def _rate(hits: np.ndarray, among: np.ndarray) -> float:
    return float(hits[among].mean()) if among.any() else math.nan


def _macro_recall(t: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean([(p[t == c] == c).mean() for c in np.unique(t)]))


PER_RESAMPLE = {
    "binary": {
        "selection_rate": lambda t, p, s: p.mean(),
        "base_rate": lambda t, p, s: t.mean(),
        "tpr": lambda t, p, s: _rate(p, t),
        "fpr": lambda t, p, s: _rate(p, ~t),
        "precision": lambda t, p, s: _rate(t, p),
        "accuracy": lambda t, p, s: (t == p).mean(),
        "mean_score": lambda t, p, s: s.mean(),
    },
    "multiclass": {
        "accuracy": lambda t, p, s: (t == p).mean(),
        "macro_recall": lambda t, p, s: _macro_recall(t, p),
    },
    "regression": {
        "mean_prediction": lambda t, p, s: p.mean(),
        "mae": lambda t, p, s: np.abs(p - t).mean(),
        "rmse": lambda t, p, s: math.sqrt(((p - t) ** 2).mean()),
        "bias": lambda t, p, s: (p - t).mean(),
    },
}


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_group_intervals_are_the_percentiles_of_independent_resamples(task: str) -> None:
    """Group i (groups sorted as text) is resampled with ``default_rng(seed + i)``, one
    ``integers(0, n, (reps, n))`` draw over its rows; each metric recomputed on the resampled
    rows gives the interval as its 2.5-97.5 % percentiles."""
    rng = np.random.default_rng(5)
    rows, reps, seed = 400, 120, 9
    group = pd.Series(rng.choice(["b", "a"], rows), name="group")
    score = None
    if task == "regression":
        y_true = rng.normal(size=rows)
        y_pred = y_true + rng.normal(size=rows)
        options: dict = {}
    elif task == "multiclass":
        y_true = rng.choice(["x", "y", "z"], rows)
        y_pred = np.where(rng.random(rows) < 0.7, y_true, "x")
        options = {}
    else:
        y_true = rng.random(rows) < 0.4
        score = np.clip(0.4 * y_true + rng.random(rows) * 0.6, 0, 1)
        y_pred = score >= 0.5
        options = {"positive": True, "proba": score}
    report = fairness_report(y_true, y_pred, group, task=task, bootstrap=reps, seed=seed, **options)
    table = report.by_group.set_index("group")
    for i, name in enumerate(["a", "b"]):
        members = np.flatnonzero(group.to_numpy() == name)
        draws = np.random.default_rng(seed + i).integers(0, members.size, (reps, members.size))
        for metric, compute in PER_RESAMPLE[task].items():
            values = []
            for resample in members[draws]:
                s = None if score is None else score[resample]
                values.append(compute(y_true[resample], y_pred[resample], s))
            finite = np.asarray(values, float)
            expected = np.percentile(finite[np.isfinite(finite)], [2.5, 97.5])
            shown = (table.at[name, f"{metric}_low"], table.at[name, f"{metric}_high"])
            assert shown == pytest.approx(tuple(expected), abs=1e-9), (name, metric)


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
