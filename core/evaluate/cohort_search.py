"""Evaluate stage, error analysis: high-error cohorts found by a shallow decision tree.

The tree's leaves are read back as ``core.conditions`` rules with round cuts
(``core.evaluate.by_feature.readable_cut``), so a cohort found here can be saved and
re-applied like any other.

    errors = prediction_errors(test_y, proba, task="binary", positive="Yes", threshold=0.4)
    for cohort in discover_cohorts(test_x, errors):
        print(cohort.describe())   # tenure_months < 6 and contract = Month-to-month: 41% errors, 312 rows
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from core.conditions import Condition
from core.evaluate.by_feature import TOP_CATEGORIES, cut_tolerance, readable_cut
from core.evaluate.cohorts import (
    Cohort,
    apply_cohort,
    cohort_of,
    column_numbers,
    column_of,
    is_datetime,
    is_number,
    ranked_values,
    read_errors,
)
from core.evaluate.inputs import text_labels

MAX_TREE_ROWS = 500_000  # the tree is fitted on a seeded sample above this


@dataclasses.dataclass(frozen=True, eq=False)
class _NumericFeature:
    column: str
    values: np.ndarray  # sorted distinct present values
    sentinel: float | None  # stands for missing, below every value
    tolerance: float  # how far a cut may move to read as a round number


@dataclasses.dataclass(frozen=True)
class _Indicator:
    column: str
    value: str | None  # None: the "is missing" indicator


def _encode(
    frame: pd.DataFrame, columns: Sequence[str], rows: np.ndarray
) -> tuple[np.ndarray, list[_NumericFeature | _Indicator]]:
    """Raw numbers (missing -> sentinel) and one-hot categories (top values) as a matrix."""
    blocks: list[np.ndarray] = []
    features: list[_NumericFeature | _Indicator] = []
    for column in columns:
        series = column_of(frame, column)
        if is_datetime(series) or ptypes.is_timedelta64_dtype(series.dtype):
            continue
        if is_number(series):
            values = column_numbers(series)[rows]
            missing = np.isnan(values)
            present = np.unique(values[~missing])
            if present.size < 2 and not (missing.any() and present.size):
                continue
            sentinel = None
            if missing.any():
                sentinel = float(present[0] - max(1.0, present[-1] - present[0]))
                values = np.where(missing, sentinel, values)
            blocks.append(values)
            tolerance = cut_tolerance(np.where(missing, np.nan, values))
            features.append(_NumericFeature(column, present, sentinel, tolerance))
            continue
        texts = text_labels(series.to_numpy(dtype=object))[rows]
        missing = np.array([t is None for t in texts])
        for value, count in ranked_values(texts)[:TOP_CATEGORIES]:
            if count == rows.size:
                continue
            blocks.append((texts == value).astype(float))
            features.append(_Indicator(column, value))
        if missing.any() and not missing.all():
            blocks.append(missing.astype(float))
            features.append(_Indicator(column, None))
    matrix = np.column_stack(blocks) if blocks else np.empty((rows.size, 0))
    return matrix, features


@dataclasses.dataclass
class _Bounds:
    """What one path says about one column, merged (redundant bounds dropped)."""

    lower: float | None = None
    upper: float | None = None
    missing_only: bool = False
    missing_excluded: bool = False
    equals: str | None = None
    not_equal: list[str] = dataclasses.field(default_factory=list)


def _split_value(feature: _NumericFeature, threshold: float) -> float | None:
    """A readable cut for the tree's ``x <= threshold`` (``x < cut``); None = the missing split."""
    values = feature.values
    if feature.sentinel is not None and threshold < values[0]:
        return None
    below = values[values <= threshold]
    above = values[values > threshold]
    if below.size == 0 or above.size == 0:
        return float(threshold)
    cut = readable_cut(float(below[-1]), float(above[0]), threshold, feature.tolerance)
    return min(max(cut, float(values[1])), float(values[-1]))


def _add_split(
    bounds: _Bounds, feature: _NumericFeature | _Indicator, threshold: float, left: bool
) -> None:
    if isinstance(feature, _Indicator):
        if feature.value is None:
            bounds.missing_only |= not left
            bounds.missing_excluded |= left
        elif left:
            bounds.not_equal.append(feature.value)
        else:
            bounds.equals = feature.value
        return
    cut = _split_value(feature, threshold)
    if cut is None:
        bounds.missing_only |= left
        bounds.missing_excluded |= not left
    elif left:
        bounds.upper = cut if bounds.upper is None else min(bounds.upper, cut)
    else:
        bounds.lower = cut if bounds.lower is None else max(bounds.lower, cut)
        bounds.missing_excluded = True


def _bounds_conditions(
    column: str, bounds: _Bounds, numeric: bool, has_missing: bool
) -> list[Condition]:
    if bounds.missing_only:
        return [Condition(column, "is missing")]
    if bounds.equals is not None:
        return [Condition(column, "==", bounds.equals)]
    out: list[Condition] = []
    if numeric:
        if bounds.lower is not None:
            out.append(Condition(column, ">=", bounds.lower))
        if bounds.upper is not None:
            or_missing = has_missing and not bounds.missing_excluded
            out.append(Condition(column, "<", bounds.upper, or_missing=or_missing))
        if bounds.missing_excluded and not out:
            out.append(Condition(column, "is not missing"))
        return out
    # the tree's "not this value" side holds the missing rows too, unless a split excluded them
    or_missing = has_missing and not bounds.missing_excluded
    excluded = sorted(set(bounds.not_equal))
    if len(excluded) == 1:
        out.append(Condition(column, "!=", excluded[0], or_missing=or_missing))
    elif excluded:
        out.append(Condition(column, "not in", tuple(excluded), or_missing=or_missing))
    if bounds.missing_excluded:
        out.append(Condition(column, "is not missing"))
    return out


def _leaf_paths(tree: Any) -> list[list[tuple[int, float, bool]]]:
    """(feature, threshold, went_left) from the root to every leaf."""
    paths: list[list[tuple[int, float, bool]]] = []
    stack: list[tuple[int, list[tuple[int, float, bool]]]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left == right:
            paths.append(path)
            continue
        feature, threshold = int(tree.feature[node]), float(tree.threshold[node])
        stack.append((right, [*path, (feature, threshold, False)]))
        stack.append((left, [*path, (feature, threshold, True)]))
    return paths


def _path_conditions(
    path: list[tuple[int, float, bool]], features: list[_NumericFeature | _Indicator]
) -> tuple[Condition, ...]:
    merged: dict[str, _Bounds] = {}
    kinds: dict[str, _NumericFeature | _Indicator] = {}
    for index, threshold, left in path:
        feature = features[index]
        bounds = merged.setdefault(feature.column, _Bounds())
        kinds.setdefault(feature.column, feature)
        _add_split(bounds, feature, threshold, left)
    with_missing = {f.column for f in features if isinstance(f, _Indicator) and f.value is None}
    conditions: list[Condition] = []
    for column, bounds in merged.items():
        kind = kinds[column]
        if isinstance(kind, _NumericFeature):
            numeric, has_missing = True, kind.sentinel is not None
        else:
            numeric, has_missing = False, column in with_missing
        conditions += _bounds_conditions(column, bounds, numeric, has_missing)
    return tuple(conditions)


def discover_cohorts(
    frame: pd.DataFrame,
    errors: Any,
    *,
    max_depth: int = 3,
    min_rows: int = 30,
    top: int = 10,
    seed: int = 0,
    columns: Sequence[str] | None = None,
) -> list[Cohort]:
    """High-error slices found by a shallow decision tree, as readable, re-appliable rules.

    The tree (classifier on "was this prediction wrong"; regressor on the absolute error)
    sees raw numbers (missing -> a sentinel below every value, read back as "is missing")
    and one-hot categories (the 20 most common values per column); datetime columns are
    skipped. Its leaves with at least ``min_rows`` rows become cohorts, sorted by error rate
    (highest first). Deterministic for a seed. Returns [] when the tree finds no split.
    """
    err = read_errors(frame, errors)
    rows = np.flatnonzero(err.known)
    if rows.size < 2 * min_rows or not err.total:
        return []
    if rows.size > MAX_TREE_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(rows, MAX_TREE_ROWS, replace=False))
    matrix, features = _encode(frame, list(columns or frame.columns), rows)
    if not features:
        return []
    target = err.values[rows]
    options = {"max_depth": max_depth, "min_samples_leaf": min_rows, "random_state": seed}
    if err.measure == "error rate":
        model = DecisionTreeClassifier(**options).fit(matrix, target.astype(int))
    else:
        model = DecisionTreeRegressor(**options).fit(matrix, target)
    if model.tree_.node_count == 1:
        return []
    cohorts = []
    for path in _leaf_paths(model.tree_):
        conditions = _path_conditions(path, features)
        cohort = cohort_of(conditions, apply_cohort(frame, conditions), err)
        if cohort.rows >= min_rows:
            cohorts.append(cohort)
    cohorts.sort(key=lambda c: (-c.error_rate, -c.rows, c.rule))
    return cohorts[:top]
