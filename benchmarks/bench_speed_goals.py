"""Speed goals that used to be timed asserts in unit tests (unit tests never time):

- ``explain_row`` on one row of an XGBoost model: milliseconds (goal ≤ 25 ms; the unit test
  allowed 250 ms), against the pipeline's transform + ``shap.TreeExplainer`` on the same row;
- ``fairness_report`` with 200 bootstrap resamples of 10,050 rows: the bootstrap adds < 1 s
  over ``bootstrap=0``;
- the target-leakage check on 60,000 rows runs on a 20,000-row sample: about as fast as on
  20,000 rows (a guard against a quadratic blow-up; the unit test allowed 10 s).

(The 200k-row evaluation with 200 resamples is in bench_evaluate.py.)
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from benchmarks.harness import Comparison, median_seconds
from core.data.quality import quality_findings
from core.data.schema import infer_schema
from core.explain import explain_row
from core.fairness import fairness_report
from core.train.features import feature_columns
from core.train.zoo import make_pipeline


def _churn(rows: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    honest = rng.normal(size=rows)
    churned = np.where(honest + rng.normal(size=rows) > 0.8, "Yes", "No")
    frame = pd.DataFrame({"honest": honest, "churned": churned})
    frame["copy"] = np.where(frame["churned"] == "Yes", 1.0, 0.0)
    return frame


def _explain_row() -> Comparison:
    import shap

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(2000, 8)), columns=[f"x{i}" for i in range(8)])
    frame["plan"] = rng.choice(["basic", "plus", "pro"], 2000)
    frame["y"] = np.where(frame["x0"] + rng.normal(size=2000) > 0, "Yes", "No")
    schema = infer_schema(frame, target="y")
    pipeline = make_pipeline(schema, "xgboost", params={"n_estimators": 50}, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipeline.fit(frame[feature_columns(schema)], frame["y"])
    row = frame[feature_columns(schema)].iloc[[3]]
    explainer = shap.TreeExplainer(
        pipeline[-1].model_ if hasattr(pipeline[-1], "model_") else pipeline[-1]
    )
    ours = median_seconds(lambda: explain_row(pipeline, row), repeat=20)
    raw = median_seconds(lambda: explainer.shap_values(pipeline[:-1].transform(row)), repeat=20)
    return Comparison(
        "explain_row, 1 row, XGBoost", ours, "transform + TreeExplainer", raw,
        goal="≤ 25 ms", note=f"{ours * 1e3:.1f} ms a row",
    )  # fmt: skip


def _fairness_bootstrap() -> Comparison:
    rng = np.random.default_rng(6)
    rows = 10_050
    group = pd.Series(["a"] * 10_000 + ["b"] * 50, name="group")
    y_true, y_pred = rng.random(rows) < 0.3, rng.random(rows) < 0.3
    options = {"task": "binary", "positive": True}
    ours = median_seconds(lambda: fairness_report(y_true, y_pred, group, bootstrap=200, **options))
    raw = median_seconds(lambda: fairness_report(y_true, y_pred, group, bootstrap=0, **options))
    return Comparison(
        "fairness_report, 200 resamples of 10k rows", ours, "fairness_report, bootstrap=0", raw,
        goal="bootstrap adds < 1 s", note=f"the bootstrap adds {ours - raw:.2f} s",
    )  # fmt: skip


def _leakage() -> Comparison:
    big, sampled = _churn(60_000), _churn(20_000)
    ours = median_seconds(
        lambda: quality_findings(big, infer_schema(big, target="churned")), repeat=3
    )
    raw = median_seconds(
        lambda: quality_findings(sampled, infer_schema(sampled, target="churned")), repeat=3
    )
    return Comparison(
        "quality checks incl. leakage, 60k rows", ours, "the same on 20k rows", raw,
        goal="≈ 1× (leakage runs on a 20k sample)",
    )  # fmt: skip


def run() -> list[Comparison]:
    return [_explain_row(), _fairness_bootstrap(), _leakage()]
