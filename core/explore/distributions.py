"""One column's distribution: its shape in numbers and words, histogram bins or most common
values, and box-plot quartiles computed on every row. ``figures`` draws them."""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Literal, cast, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from scipy import stats

from core.coerce import class_label
from core.explore.columns import (
    MAX_POINTS,
    MISSING_LABEL,
    TOP_CATEGORIES,
    ProfileError,
    check_bins,
    datetime_ns,
    factorize,
    fences,
    finite_numbers,
    is_number,
    sample_positions,
)

NORMALITY_SAMPLE = 5_000  # Shapiro-Wilk is meant for at most 5,000 values
NORMAL_P = 0.05
SKEWED = 0.5  # |skewness| above this reads as skewed
TAILED = 1.0  # |excess kurtosis| above this reads as heavy or light tails

MSG_KIND = "kind must be one of {choices}, got {value!r}"

DistributionKind = Literal["auto", "histogram", "bar"]
DISTRIBUTION_KINDS: tuple[str, ...] = get_args(DistributionKind)


@dataclasses.dataclass(frozen=True)
class DistributionStats:
    """Shape of a numeric column. ``skewness`` and ``kurtosis`` (excess, 0 for a normal
    curve) are NaN with fewer than 4 values; outliers lie beyond 1.5 × IQR of the quartiles."""

    count: int
    skewness: float
    kurtosis: float
    outliers_iqr: int
    lower_fence: float
    upper_fence: float
    normality: str  # in plain words, e.g. "close to normal", "skewed right"
    normality_p: float | None  # Shapiro-Wilk p-value on a seeded ≤5,000-value sample


def _shape_words(skewness: float, kurtosis: float, p_value: float | None) -> str:
    if p_value is not None and p_value >= NORMAL_P:
        return "close to normal"
    if skewness > SKEWED:
        return "skewed right (a long tail of high values)"
    if skewness < -SKEWED:
        return "skewed left (a long tail of low values)"
    if kurtosis > TAILED:
        return "symmetric with heavy tails (more extreme values than a normal curve)"
    if kurtosis < -TAILED:
        return "symmetric and flat (lighter tails than a normal curve)"
    return "roughly symmetric, but not normal"


def distribution_stats(series: pd.Series) -> DistributionStats:
    """Skewness, kurtosis, IQR outliers and the shape in words of a numeric column.

    Outliers are counted on every row; the normality test (Shapiro-Wilk) runs on a seeded
    sample of at most 5,000 values, where it already notices small departures.
    """
    values = finite_numbers(series, "distribution statistics")
    if not len(values):
        nan = math.nan
        return DistributionStats(0, nan, nan, 0, nan, nan, "no values to describe", None)
    _, _, lower, upper = fences(values)
    outliers = int(np.count_nonzero((values < lower) | (values > upper)))
    finite = pd.Series(values)
    # pandas' bias-corrected estimators; the stubs type them as any scalar
    skewness, kurtosis = float(cast(float, finite.skew())), float(cast(float, finite.kurt()))
    p_value = None
    if values.min() == values.max():
        words = "constant: every value is the same"
    elif len(values) < 8:
        words = "too few values to judge the shape"
    else:
        sample = values[sample_positions(len(values), NORMALITY_SAMPLE)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p_value = float(stats.shapiro(sample).pvalue)
        words = _shape_words(skewness, kurtosis, p_value)
    return DistributionStats(
        count=len(values),
        skewness=skewness,
        kurtosis=kurtosis,
        outliers_iqr=outliers,
        lower_fence=lower,
        upper_fence=upper,
        normality=words,
        normality_p=p_value,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class Histogram:
    """Equal-width bins over a numeric or date column's finite values. ``edges`` are numbers,
    or int64 nanoseconds as floats when ``dates``; ``values`` counts the binned values."""

    column: str
    counts: np.ndarray
    edges: np.ndarray
    dates: bool
    values: int
    bins: int
    missing: int


@dataclasses.dataclass(frozen=True, eq=False)
class TopValues:
    """The most common values of a column (labels as text, missing as a value), of
    ``distinct`` values in all over ``rows`` rows."""

    column: str
    counts: pd.Series
    distinct: int
    rows: int
    missing: int


def _histogram(series: pd.Series, bins: int, missing: int) -> Histogram:
    dates = ptypes.is_datetime64_any_dtype(series.dtype)
    if dates:
        ns = datetime_ns(series)
        values = ns[ns != np.iinfo(np.int64).min].astype(np.float64)
    else:
        values = finite_numbers(series, "a histogram")
    counts, edges = np.histogram(values, bins=bins) if len(values) else (np.array([]), np.zeros(1))
    column = str(series.name)
    return Histogram(column, counts, edges, dates, len(values), bins, missing)


def _top_values(series: pd.Series, top: int, missing: int) -> TopValues:
    codes, uniques = factorize(series)
    counts = np.bincount(codes + 1, minlength=len(uniques) + 1)
    labels = np.array([MISSING_LABEL, *(class_label(u) for u in uniques)], dtype=object)
    if not counts[0]:
        counts, labels = counts[1:], labels[1:]
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] > 0]
    shown = pd.Series(counts[order[:top]], index=labels[order[:top]])
    return TopValues(str(series.name), shown, len(order), len(series), missing)


def distribution(
    series: pd.Series, *, bins: int = 30, kind: DistributionKind = "auto"
) -> Histogram | TopValues:
    """A histogram of a numeric or date column (``bins`` equal-width bins), or the 20 most
    common values of any other column. ``kind`` forces one of the two."""
    bins = check_bins(bins)
    if kind not in DISTRIBUTION_KINDS:
        raise ProfileError(MSG_KIND.format(choices=", ".join(DISTRIBUTION_KINDS), value=kind))
    missing = int(series.isna().sum())
    histogram = is_number(series) or ptypes.is_datetime64_any_dtype(series.dtype)
    if kind == "histogram" or (kind == "auto" and histogram):
        return _histogram(series, bins, missing)
    return _top_values(series, TOP_CATEGORIES, missing)


@dataclasses.dataclass(frozen=True)
class Quartiles:
    """A box from every value: quartiles, whiskers (the most extreme values within 1.5 × IQR
    of the quartiles) and the mean."""

    q1: float
    median: float
    q3: float
    lower_whisker: float
    upper_whisker: float
    mean: float


def quartiles(values: np.ndarray) -> Quartiles:
    """The box of finite, non-empty ``values``."""
    q1, q3, lower, upper = fences(values)
    inside = values[(values >= lower) & (values <= upper)]
    median, mean = float(np.median(values)), float(values.mean())
    return Quartiles(q1, median, q3, float(inside.min()), float(inside.max()), mean)


@dataclasses.dataclass(frozen=True, eq=False)
class BoxSummary:
    """A numeric column's box (None without values), its IQR outlier count and at most
    ``MAX_POINTS`` of the outliers (a seeded sample) to draw as points."""

    column: str
    box: Quartiles | None
    outliers: int
    shown_outliers: np.ndarray


def box_summary(series: pd.Series) -> BoxSummary:
    """Quartiles computed on every row, and the outliers beyond 1.5 × IQR."""
    values = finite_numbers(series, "a box plot")
    column = str(series.name)
    if not len(values):
        return BoxSummary(column, None, 0, np.zeros(0))
    _, _, lower, upper = fences(values)
    outliers = values[(values < lower) | (values > upper)]
    shown = outliers[sample_positions(len(outliers), MAX_POINTS)]
    return BoxSummary(column, quartiles(values), len(outliers), shown)
