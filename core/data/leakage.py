"""The leakage screen: columns that predict the target almost perfectly on their own.

Each column is scored alone with out-of-fold predictions (a shallow tree for numbers and dates,
smoothed class shares for categories) on seeded, shuffled folds (stratified for classes), on
a fixed-seed sample of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

if TYPE_CHECKING:
    pass
from core.coerce import class_labels
from core.data.findings import Finding, _drop, _sampled
from core.data.schema import ColumnSchema, Schema

LEAKAGE_SAMPLE_ROWS = 20_000
LEAKAGE_MIN_ROWS = 30
LEAKAGE_FOLDS = 3
LEAKAGE_DEPTH = 3
LEAKAGE_DEPTH_REGRESSION = 6  # 8 leaves cap R² near 0.98 even for an exact copy of the target
LEAKAGE_SCORE = 0.98
SEED = 0
MSG_LEAKAGE = (
    "{column} predicts the target almost perfectly on its own ({metric} {score:.2f}{sampled}): "
    "it may be recorded after the outcome."
)
FIX_LEAKAGE = "Drop it unless its value is really known at the moment of prediction."


def _as_float(x: pd.Series) -> np.ndarray:
    """Numbers, booleans, dates and durations as floats; NaN and ±inf get their own values
    outside the finite range, so a tree can split on them (missingness can leak too)."""
    if ptypes.is_datetime64_any_dtype(x.dtype) or ptypes.is_timedelta64_dtype(x.dtype):
        if getattr(x.dtype, "tz", None) is not None:
            x = x.dt.tz_convert("UTC").dt.tz_localize(None)
        raw = x.to_numpy()
        unit = "datetime64[ns]" if raw.dtype.kind == "M" else "timedelta64[ns]"
        arr = raw.astype(unit).view("int64").astype(float)
        arr[x.isna().to_numpy()] = np.nan
    else:
        arr = x.to_numpy(dtype=float, na_value=np.nan).copy()
    finite = arr[np.isfinite(arr)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
    arr -= low  # shifted to start at 0, so the sentinels stay distinct for large dates
    span = high - low + 1.0
    arr[np.isnan(arr)] = -span
    arr[arr == np.inf] = 2 * span
    arr[arr == -np.inf] = -2 * span
    return arr


def _folds(y: np.ndarray, stratify: bool, rng: np.random.Generator) -> np.ndarray:
    order = rng.permutation(len(y))
    if stratify:
        order = order[np.argsort(y[order], kind="stable")]
    folds = np.empty(len(y), dtype=int)
    folds[order] = np.arange(len(y)) % LEAKAGE_FOLDS
    return folds


def _tree_oof(x: np.ndarray, y: np.ndarray, k: int, folds: np.ndarray) -> np.ndarray:
    """Out-of-fold predictions of a shallow tree on one column."""
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # slow import, on use

    X = x.reshape(-1, 1)
    pred = np.zeros(len(y)) if k == 0 else np.zeros((len(y), k))
    for fold in range(LEAKAGE_FOLDS):
        test = folds == fold
        if k == 0:
            tree = DecisionTreeRegressor(max_depth=LEAKAGE_DEPTH_REGRESSION, random_state=SEED)
            pred[test] = tree.fit(X[~test], y[~test]).predict(X[test])
        else:
            tree = DecisionTreeClassifier(max_depth=LEAKAGE_DEPTH, random_state=SEED)
            proba = tree.fit(X[~test], y[~test]).predict_proba(X[test])
            block = np.zeros((int(test.sum()), k))
            block[:, tree.classes_] = proba
            pred[test] = block
    return pred


def _frequency_oof(codes: np.ndarray, y: np.ndarray, k: int, folds: np.ndarray) -> np.ndarray:
    """Out-of-fold class shares (or target means) per category, smoothed towards the prior;
    the best a model can do with one categorical column, and honest for unseen categories."""
    m = int(codes.max()) + 1
    pred = np.zeros(len(y)) if k == 0 else np.zeros((len(y), k))
    for fold in range(LEAKAGE_FOLDS):
        test, train = folds == fold, folds != fold
        if k == 0:
            sums = np.bincount(codes[train], weights=y[train], minlength=m)
            sizes = np.bincount(codes[train], minlength=m)
            prior = y[train].mean()
            pred[test] = (sums[codes[test]] + prior) / (sizes[codes[test]] + 1.0)
        else:
            table = np.bincount(codes[train] * k + y[train], minlength=m * k).reshape(m, k)
            prior = np.bincount(y[train], minlength=k) / train.sum()
            cells = table[codes[test]] + prior
            pred[test] = cells / cells.sum(axis=1, keepdims=True)
    return pred


def _single_column_score(x: pd.Series, y: np.ndarray, k: int, folds: np.ndarray) -> float | None:
    """Cross-validated ROC AUC (classification) or R² (regression, ``k == 0``) of one column."""
    numeric = (
        ptypes.is_numeric_dtype(x.dtype)
        or ptypes.is_datetime64_any_dtype(x.dtype)
        or ptypes.is_timedelta64_dtype(x.dtype)
    )
    if numeric:
        pred = _tree_oof(_as_float(x), y, k, folds)
    else:
        codes, _ = pd.factorize(x, use_na_sentinel=False)
        pred = _frequency_oof(codes, y, k, folds)
    if k == 0:
        total = float(((y - y.mean()) ** 2).sum())
        return None if total == 0 else 1.0 - float(((y - pred) ** 2).sum()) / total
    from sklearn.metrics import roc_auc_score

    if k == 2:
        return float(roc_auc_score(y, pred[:, 1]))
    return float(roc_auc_score(y, pred, multi_class="ovr", labels=np.arange(k)))


def _leakage_findings(
    df: pd.DataFrame, schema: Schema, columns: Mapping[str, ColumnSchema]
) -> list[Finding]:
    """Columns that predict the target almost perfectly alone, on a fixed-seed row sample."""
    target, rng = schema.target, np.random.default_rng(SEED)
    y_all = df[target]
    regression = schema.task == "regression"
    if regression:
        values = y_all.to_numpy(dtype=float, na_value=np.nan)
        rows = np.flatnonzero(np.isfinite(values))
    else:
        rows = np.flatnonzero(y_all.notna().to_numpy())
    sampled = None
    if len(rows) > LEAKAGE_SAMPLE_ROWS:
        rows = np.sort(rng.choice(rows, LEAKAGE_SAMPLE_ROWS, replace=False))
        sampled = LEAKAGE_SAMPLE_ROWS
    if len(rows) < LEAKAGE_MIN_ROWS:
        return []
    sample = df.iloc[rows]
    if regression:
        y, k = values[rows], 0
    else:
        y, uniques = pd.factorize(class_labels(sample[target]))
        k = len(uniques)
        if k < 2:
            return []
    folds = _folds(y, not regression, rng)
    findings = []
    for name, col in columns.items():
        if name == target or col.role not in ("feature", "sensitive"):
            continue
        if "identifier" in (col.type, col.inferred_type) or sample[name].isna().all():
            continue
        score = _single_column_score(sample[name], y, k, folds)
        if score is None or score < LEAKAGE_SCORE:
            continue
        message = MSG_LEAKAGE.format(
            column=name,
            metric="R²" if regression else "AUC",
            score=score,
            sampled=_sampled(sampled),
        )
        findings.append(Finding("error", "target_leakage", name, message, FIX_LEAKAGE, _drop(name)))
    return findings
