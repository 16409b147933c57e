"""Train versus test: does each column look the same in the training and the test rows?"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import stats

from core.coerce import class_label
from core.data.schema import Schema
from core.data.split import Split
from core.explore.columns import (
    TOP_CATEGORIES,
    ProfileError,
    category_bins,
    check_column,
    factorize,
    floats,
    is_number,
    types_and_roles,
    with_missing_bin,
)

SPLIT_P_VALUE = 0.01  # a train/test difference must be this unlikely by chance ...
SPLIT_MIN_EFFECT = 0.1  # ... and at least this large (KS D or Cramér's V) to be flagged

MSG_SPLIT_SIDE = (
    "none of this data's rows are in the split's {side} side; the split belongs to another "
    "dataset version, so define the split again on the Data page"
)

_SPLIT_COLUMNS = ["column", "type", "compared", "train", "test", "method", "statistic"]
_SPLIT_COLUMNS += ["p_value", "effect", "differs"]


def _split_sides(df: pd.DataFrame, split: Split) -> tuple[np.ndarray, np.ndarray]:
    train, test = split.is_train(df.index), split.is_test(df.index)
    for side, mask in (("training", train), ("test", test)):
        if not mask.any():
            raise ProfileError(MSG_SPLIT_SIDE.format(side=side), field="split")
    return train, test


def _compare_numbers(values: np.ndarray, train: np.ndarray, test: np.ndarray) -> dict:
    a = values[train & np.isfinite(values)]
    b = values[test & np.isfinite(values)]
    if not len(a) or not len(b):
        return {"compared": "mean", "method": "KS"}
    result = stats.ks_2samp(a, b)
    d = float(result.statistic)
    return {
        "compared": "mean",
        "train": float(a.mean()),
        "test": float(b.mean()),
        "method": "KS",
        "statistic": d,
        "p_value": float(result.pvalue),
        "effect": d,
    }


def _compare_categories(series: pd.Series, train: np.ndarray, test: np.ndarray) -> dict:
    codes, uniques = factorize(series)
    labels = [class_label(u) for u in uniques]
    codes, labels = with_missing_bin(codes, labels)
    table = np.vstack(
        [np.bincount(codes[side], minlength=len(labels)) for side in (train, test)]
    ).astype(float)
    top = int(np.argmax(table[0]))
    shares = table[:, top] / table.sum(axis=1)
    out = {
        "compared": f"share of {labels[top]!r}",
        "train": float(shares[0]),
        "test": float(shares[1]),
        "method": "chi-square",
    }
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return out | {"statistic": 0.0, "p_value": 1.0, "effect": 0.0}
    chi2, p_value, _, _ = stats.chi2_contingency(table, correction=False)
    effect = math.sqrt(chi2 / table.sum())  # Cramér's V of a 2-row table
    return out | {"statistic": float(chi2), "p_value": float(p_value), "effect": effect}


def split_comparison(df: pd.DataFrame, split: Split, schema: Schema) -> pd.DataFrame:
    """Does each column look the same in the training and the test rows?

    Numbers: train and test mean, two-sample Kolmogorov-Smirnov test (effect = KS D).
    Categories and booleans: share of the most common training value, chi-square test of
    the category counts (effect = Cramér's V; missing is a category). ``differs`` needs
    both p < 0.01 and an effect ≥ 0.1, so a million rows do not flag trivial differences.
    Feature, sensitive and target columns typed numeric, categorical or boolean are compared.
    """
    train, test = _split_sides(df, split)
    kinds = types_and_roles(df, schema)
    records = []
    for name in df.columns:
        ctype, role = kinds[name]
        if role not in ("feature", "sensitive", "target"):
            continue
        series = df[name]
        if ctype == "numeric" and is_number(series):
            found = _compare_numbers(floats(series), train, test)
        elif ctype in ("categorical", "boolean"):
            found = _compare_categories(series, train, test)
        else:
            continue
        records.append({"column": str(name), "type": ctype} | found)
    table = pd.DataFrame.from_records(records, columns=_SPLIT_COLUMNS[:-1])
    table["differs"] = (table["p_value"] < SPLIT_P_VALUE) & (table["effect"] >= SPLIT_MIN_EFFECT)
    return table


@dataclasses.dataclass(frozen=True, eq=False)
class SplitDistribution:
    """One column's training and test rows binned alike: ``edges`` (30 common bins, numbers)
    or ``labels`` (top 20 categories, then "(other)" and "(missing)"), and each side's counts."""

    column: str
    numeric: bool
    edges: np.ndarray
    labels: list[str]
    train_counts: np.ndarray
    test_counts: np.ndarray
    train_rows: int
    test_rows: int


def split_distribution(df: pd.DataFrame, split: Split, column: str) -> SplitDistribution:
    """Training versus test rows of one column, as counts in bins both sides share."""
    series = check_column(df, column)
    train, test = _split_sides(df, split)
    rows = int(train.sum()), int(test.sum())
    if is_number(series):
        values = floats(series)
        finite = np.isfinite(values)
        edges = np.histogram_bin_edges(values[finite], bins=30) if finite.any() else [0, 1]
        train_counts, test_counts = (
            np.histogram(values[mask & finite], bins=edges)[0] for mask in (train, test)
        )
        return SplitDistribution(
            str(column), True, np.asarray(edges), [], train_counts, test_counts, *rows
        )
    codes, labels = with_missing_bin(*category_bins(series, TOP_CATEGORIES))
    train_counts, test_counts = (
        np.bincount(codes[mask], minlength=len(labels)) for mask in (train, test)
    )
    return SplitDistribution(
        str(column), False, np.zeros(0), labels, train_counts, test_counts, *rows
    )
