"""Correlations: Pearson or Spearman r between numeric columns, bias-corrected Cramér's V
between categorical ones, and the pairs so strongly related that one may be redundant.

Pearson runs over pairwise-complete rows as a few matrix products, Spearman as Pearson of
ranks taken once per column; ``benchmarks/bench_explore.py`` times both against
``DataFrame.corr``. The products run on one BLAS thread.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from core.data.schema import Schema
from core.explore.columns import ProfileError, factorize, floats, types_and_roles

STRONG_RELATION = 0.8  # |r| or Cramér's V at or above this lists a pair as collinear
MAX_LEVELS = 100  # columns with more categories are left out of Cramér's V

MSG_METHOD = "method must be one of {choices}, got {value!r}"
MSG_MAX_COLUMNS = "max_columns must be a whole number of at least 2, got {value!r}"

CorrelationMethod = Literal["pearson", "spearman"]
CORRELATION_METHODS: tuple[str, ...] = get_args(CorrelationMethod)
_SKIPPED_ROLES = ("identifier", "ignore")


@dataclasses.dataclass(frozen=True, eq=False)
class Correlations:
    """Pairwise strength of relation: ``matrix`` (Pearson or Spearman r between numeric
    columns), ``cramers_v`` (bias-corrected Cramér's V between categorical and boolean
    columns, 0..1) and the strongly related pairs of non-target columns,
    ``(column, other, value)`` with |r| or V ≥ 0.8, strongest first."""

    method: CorrelationMethod
    matrix: pd.DataFrame
    cramers_v: pd.DataFrame
    collinear_pairs: tuple[tuple[str, str, float], ...]
    omitted: tuple[str, ...] = ()  # columns left out: beyond max_columns or > 100 categories


def _pick(names: list[str], target: str | None, limit: int) -> tuple[list[str], list[str]]:
    """At most ``limit`` names in schema order, always keeping the target."""
    if len(names) <= limit:
        return names, []
    keep = [n for n in names if n != target][: limit - (target in names)]
    if target in names:
        keep.append(target)
    return [n for n in names if n in keep], [n for n in names if n not in keep]


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of the non-missing values, ties sharing their average rank; NaN stays NaN."""
    order = np.argsort(values)  # NaN sorts last; ties share a rank, so order among them is moot
    count = int(np.count_nonzero(~np.isnan(values)))
    ordered = values[order[:count]]
    change = np.r_[True, ordered[1:] != ordered[:-1]] if count else np.zeros(0, bool)
    starts = np.flatnonzero(change)
    average = (starts + np.r_[starts[1:], count] + 1) / 2  # mean of ranks start+1..end
    ranks = np.full(len(values), np.nan)
    ranks[order[:count]] = average[np.cumsum(change) - 1]
    return ranks


def _pairwise_pearson(data: np.ndarray) -> np.ndarray:
    """Pearson r of every pair of columns over the rows where both are present, as matrix
    products (``DataFrame.corr`` loops over pairs; ``benchmarks/bench_explore.py`` measures
    both). Constant columns give NaN."""
    present = ~np.isnan(data)
    # One BLAS thread: these products are small, and multi-threaded OpenBLAS on a busy
    # 2-core machine was many times slower (its threads spin-wait for a core).
    with threadpool_limits(1, user_api="blas"), np.errstate(invalid="ignore", divide="ignore"):
        centred = np.where(present, data - np.nanmean(data, axis=0), 0.0)
        weights = present.astype(np.float64)
        count = weights.T @ weights
        sums = centred.T @ weights  # [i, j]: sum of column i over rows where j is present too
        squares = (centred * centred).T @ weights
        covariance = centred.T @ centred - sums * sums.T / count
        variance = squares - sums**2 / count
        r = covariance / np.sqrt(variance * variance.T)
    r[count < 2] = np.nan
    return np.clip(r, -1.0, 1.0)


def _numeric_matrix(df: pd.DataFrame, names: list[str], method: str) -> pd.DataFrame:
    """Pearson, or Spearman as Pearson of average ranks. Ranks are taken once per column
    (pandas re-ranks each pair's complete rows): the same unless values are missing."""
    if not names:
        return pd.DataFrame()
    columns = []
    for name in names:
        values = floats(df[name])  # may be a view of df: never write into it
        values = np.where(np.isfinite(values), values, np.nan)
        columns.append(_average_ranks(values) if method == "spearman" else values)
    matrix = _pairwise_pearson(np.column_stack(columns))
    return pd.DataFrame(matrix, index=names, columns=names)


def cramers_v_corrected(table: np.ndarray) -> float:
    """Bias-corrected Cramér's V (Bergsma 2013) of a contingency table; chi-square from
    ``scipy.stats.chi2_contingency``. 1 for identical columns, near 0 for independent ones."""
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = table.sum()
    r, k = table.shape
    if n < 2 or r < 2 or k < 2:
        return math.nan
    chi2 = stats.chi2_contingency(table, correction=False).statistic
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    r_corr = r - (r - 1) ** 2 / (n - 1)
    k_corr = k - (k - 1) ** 2 / (n - 1)
    denominator = min(r_corr - 1, k_corr - 1)
    return float(math.sqrt(phi2 / denominator)) if denominator > 0 else math.nan


def _crosstab(a: tuple[np.ndarray, int], b: tuple[np.ndarray, int]) -> np.ndarray:
    """Counts of each (code a, code b) over rows where both are present."""
    (ca, na), (cb, nb) = a, b
    both = (ca >= 0) & (cb >= 0)
    flat = np.bincount(ca[both] * nb + cb[both], minlength=na * nb)
    return flat.reshape(na, nb)


def _cramers_matrix(coded: dict[str, tuple[np.ndarray, int]]) -> pd.DataFrame:
    names = list(coded)
    out = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            value = cramers_v_corrected(_crosstab(coded[a], coded[b]))
            out.loc[a, b] = out.loc[b, a] = value
    return out


def _strong_pairs(matrix: pd.DataFrame, skip: str | None) -> list[tuple[str, str, float]]:
    pairs = []
    names = list(matrix.columns)
    values = matrix.to_numpy(dtype=np.float64)
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            b, value = names[j], float(values[i, j])
            if skip not in (a, b) and math.isfinite(value) and abs(value) >= STRONG_RELATION:
                pairs.append((str(a), str(b), value))
    return pairs


def correlations(
    df: pd.DataFrame,
    schema: Schema,
    *,
    method: CorrelationMethod = "pearson",
    max_columns: int = 40,
) -> Correlations:
    """Correlation of numeric columns and Cramér's V of categorical ones, and the pairs so
    strongly related that one of each may be redundant (|r| or V ≥ 0.8; the target is kept
    in the matrices but left out of the pairs: a strong link to it is leakage, not
    redundancy). Identifiers and ignored columns are skipped; each matrix holds at most
    ``max_columns`` columns (the first ones, plus the target); rows missing either value of
    a pair are left out of that pair."""
    if method not in CORRELATION_METHODS:
        choices = ", ".join(CORRELATION_METHODS)
        raise ProfileError(MSG_METHOD.format(choices=choices, value=method), field="method")
    if isinstance(max_columns, bool) or not isinstance(max_columns, int) or max_columns < 2:
        raise ProfileError(MSG_MAX_COLUMNS.format(value=max_columns), field="max_columns")
    kinds = types_and_roles(df, schema)
    usable = [n for n in df.columns if kinds[n][1] not in _SKIPPED_ROLES]
    numeric = [n for n in usable if kinds[n][0] == "numeric"]
    categorical = [n for n in usable if kinds[n][0] in ("categorical", "boolean")]
    numeric, cut_numeric = _pick(numeric, schema.target, max_columns)
    categorical, cut_categorical = _pick(categorical, schema.target, max_columns)
    coded, too_many = {}, []
    for name in categorical:
        codes, uniques = factorize(df[name])
        if len(uniques) <= MAX_LEVELS:
            coded[name] = (codes, len(uniques))
        else:
            too_many.append(name)
    matrix = _numeric_matrix(df, numeric, method)
    cramers = _cramers_matrix(coded)
    pairs = _strong_pairs(matrix, schema.target) + _strong_pairs(cramers, schema.target)
    pairs.sort(key=lambda p: -abs(p[2]))
    return Correlations(
        method=method,
        matrix=matrix,
        cramers_v=cramers,
        collinear_pairs=tuple(pairs),
        omitted=tuple(str(n) for n in cut_numeric + cut_categorical + too_many),
    )
