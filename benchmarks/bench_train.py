"""Training: XGBoost pipeline + 5-fold CV through the workbench versus sklearn cross_validate
on the same Pipeline and folds, in the same run (goal: overhead ≤ 10 %); and the Thorough
preset's held-out ROC AUC versus FLAML with the same time budget (FLAML only if installed:
it is a benchmark-only extra, `pip install flaml`).
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split

from benchmarks.data import generated_frame
from benchmarks.harness import Comparison
from core import train
from core.data.schema import infer_schema
from core.train import zoo

SIZES = (100_000, 1_000_000)
FLAML_BUDGET_SECONDS = 60


def _cv_comparison(size: int) -> Comparison:
    frame = generated_frame(size, numeric=20, categorical=9)
    schema = infer_schema(frame, target="target")
    settings = train.TrainSettings(models=("xgboost",), folds=5, seed=0, metric="roc_auc", n_jobs=2)
    started = time.perf_counter()
    ours = train.cross_validate_model(frame, schema, "xgboost", settings)
    ours_seconds = time.perf_counter() - started
    pipeline = zoo.make_pipeline(schema, "xgboost", seed=0)
    X, y = frame.drop(columns=["target"]), frame["target"]
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    started = time.perf_counter()
    raw = cross_validate(pipeline, X, y, cv=folds, scoring="roc_auc", n_jobs=2)
    raw_seconds = time.perf_counter() - started
    return Comparison(
        f"XGBoost 5-fold CV, {size:,} rows", ours_seconds,
        "same Pipeline + sklearn cross_validate", raw_seconds, goal="≤ 1.10×",
        note=f"ROC AUC workbench {ours.scores['roc_auc']:.4f} vs sklearn {np.mean(raw['test_score']):.4f}",
    )  # fmt: skip


def _flaml_comparison() -> Comparison | None:
    try:
        from flaml import AutoML
    except ImportError:
        return None
    frame = generated_frame(100_000, numeric=20, categorical=9)
    train_part, test_part = train_test_split(
        frame, test_size=0.2, random_state=0, stratify=frame["target"]
    )
    schema = infer_schema(train_part, target="target")
    budget = FLAML_BUDGET_SECONDS / 3  # Thorough tunes each of its boosting models for a share
    settings = train.TrainSettings(
        models=("hgb",), folds=3, seed=0, metric="roc_auc", tune_seconds=budget, n_jobs=2
    )
    started = time.perf_counter()
    best = max(
        (
            train.tune_model(train_part, schema, key, settings)
            for key in ("hgb", "xgboost", "logreg")
        ),
        key=lambda r: r.cv_mean,
    )
    pipeline = train.fit_final(train_part, schema, best.model, dict(best.params), settings)
    ours_seconds = time.perf_counter() - started
    ours_auc = roc_auc_score(
        test_part["target"], pipeline.predict_proba(test_part.drop(columns=["target"]))[:, 1]
    )
    automl = AutoML()
    X = train_part.drop(columns=["target"]).astype(
        {c: "category" for c in train_part.columns if c.startswith("cat_")}
    )
    Xt = test_part.drop(columns=["target"]).astype(
        {c: "category" for c in test_part.columns if c.startswith("cat_")}
    )
    started = time.perf_counter()
    automl.fit(X, train_part["target"], task="classification", metric="roc_auc", time_budget=FLAML_BUDGET_SECONDS,
               estimator_list=["xgboost", "rf", "extra_tree", "lrl1"], seed=0, verbose=0, n_jobs=2)  # fmt: skip
    flaml_seconds = time.perf_counter() - started
    flaml_auc = roc_auc_score(test_part["target"], automl.predict_proba(Xt)[:, 1])
    return Comparison(
        f"tuned search, {FLAML_BUDGET_SECONDS} s budget, 100k rows", ours_seconds, "FLAML AutoML, same budget",
        flaml_seconds, note=f"held-out ROC AUC: workbench {ours_auc:.4f} ({best.model}) vs FLAML {flaml_auc:.4f}",
    )  # fmt: skip


def run(sizes: tuple[int, ...] = SIZES) -> list[Comparison]:
    _cv_comparison(2_000)  # warm-up: both sides share joblib's worker pool start-up cost
    rows = [_cv_comparison(size) for size in sizes]
    flaml = _flaml_comparison()
    if flaml is not None:
        rows.append(flaml)
    return rows
