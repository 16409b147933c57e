"""Explore stage: the quick overview, the charts' numbers and figures, and the full report.

Everything here works on aggregated data, so a million-row frame stays fast and the browser
only ever receives binned counts or a seeded sample of at most ``MAX_POINTS`` points (the
title says "sampled" when it is one). Figures use fixed colours on transparent backgrounds
with mid-grey gridlines, so they read in light and dark themes; user text (column names,
category values) is HTML-escaped because Plotly renders tags in labels. Pure Python: no
Streamlit, no storage.

Overview: engine chosen and why
-------------------------------
Measured on ``benchmarks.data.generated_frame(rows, numeric=20, categorical=9)`` (30 columns;
float, int and object dtypes) on the 2-core machine, seconds for all columns, 1M rows:

=====================================  ======  ===========================================
part                                   pandas  pyarrow.compute / numpy
=====================================  ======  ===========================================
to Arrow (object columns / numeric)    –       0.24 / 0.02 (paid before any arrow kernel)
distinct, numeric (``nunique``)        0.15    0.16 ``count_distinct``; numpy sort + diff 0.14
distinct, text                         0.19    0.06 ``count_distinct`` (+0.24 conversion)
value counts, text                     0.26    0.08 ``value_counts`` (+0.24 conversion);
                                               ``pd.factorize`` + ``np.bincount`` 0.23
median, numeric                        0.21    0.17 exact ``quantile``; 0.86 ``tdigest``;
                                               numpy partition 0.03, free after the sort
duplicate rows                         0.67    0.75 ``group_by`` over all columns (+0.38);
  (``duplicated`` / hash + duplicated) 0.29    hashes of float bits 0.05 + of text codes
                                               0.02, folded per row, + ``duplicated``
memory (``memory_usage(deep=True)``)   0.70    from the text columns' distinct values and
                                               counts: < 0.01
=====================================  ======  ===========================================

So: numeric columns are sorted once each with numpy (its SIMD sort), and missing count,
distinct count, min/max, exact median and the sparkline histogram are read off the sorted
array (``searchsorted`` for the bin edges); mean and std come from the same array. Text-like
columns are factorised once (pandas hash table); their codes give missing, distinct, top
values and counts (``np.bincount``), deep memory (size of each distinct value times its
count) and the row hash for duplicates. Duplicates: a 64-bit hash per row (pandas'
``hash_array`` on float bits / text codes, combined like ``hash_pandas_object``) finds the
candidate rows, and an exact ``DataFrame.duplicated`` on those candidates confirms them, so
the count is exact. pyarrow wins only per kernel on text and loses once the conversion from
object columns is paid, so it is not used (an Arrow-backed column goes through
``pd.factorize``, which uses Arrow's own dictionary encoding).

Every overview figure is exact; nothing is sampled. Result against the bare baseline
(``describe(include="all")`` + ``isna().sum()`` + ``nunique()``), medians of 5 runs in one
process: 100k × 30 baseline 0.16 s, ``overview`` 0.045 s (0.28×); 1M × 30 baseline 1.37 s,
``overview`` 0.48 s (0.35×). Harder frames at 1M rows: a unique text ID column plus gaps
2.07 → 0.86 s (0.42×); 30 % duplicate rows (the exact check re-reads every candidate)
2.75 → 2.51 s (0.91×).

Correlations use the same idea: Pearson over pairwise-complete rows as a few matrix
products (0.24 s against ``DataFrame.corr``'s 0.59 s at 1M × 21), Spearman as Pearson of
ranks taken once per column (1.4 s against pandas' 10.5 s). The products run on one BLAS
thread: multi-threaded OpenBLAS took 10–16 s whenever another process held a core.

The charts' helpers are approximate where exactness buys nothing and say so: the normality
test runs on a seeded 5,000-row sample (Shapiro-Wilk's limit), mutual information on a seeded
50,000-row sample, scatters show a seeded sample of ``MAX_POINTS`` points.

Full report: ``profile_report`` runs ydata-profiling on an explicit, seeded sample (on the
7,000-row demo data, warm: minimal 1.8–2.9 s, full 6.8–7.3 s, the same as bare ydata; the
first call also pays ~1–2 s to import it). Its HTML embeds the user's data and runs scripts:
show it sandboxed (an ``<iframe>`` without ``allow-same-origin``) or offer it as a download,
never inline in the app's page.
"""

from __future__ import annotations

import contextvars
import dataclasses
import difflib
import html
import importlib
import itertools
import math
import numbers
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.api import types as ptypes
from plotly.subplots import make_subplots
from scipy import stats
from threadpoolctl import threadpool_limits

from core.business import Task
from core.coerce import class_label, class_labels
from core.data.inference import ColumnType, infer_column_type
from core.data.schema import Schema
from core.data.split import Split
from core.exceptions import CoreError
from core.figure_style import style_figure

__all__ = [
    "MAX_POINTS",
    "ColumnOverview",
    "Correlations",
    "DistributionStats",
    "Overview",
    "ProfileError",
    "ProfileReportResult",
    "ProfileSettings",
    "TargetRelation",
    "box_figure",
    "correlation_figure",
    "correlations",
    "distribution_figure",
    "distribution_stats",
    "missing_figure",
    "missing_pattern_figure",
    "missing_patterns",
    "overview",
    "pair_figure",
    "profile_report",
    "profile_report_html",
    "profile_sample",
    "split_comparison",
    "split_comparison_figure",
    "target_associations",
    "target_relation",
    "target_relation_figure",
    "time_figure",
    "time_view",
]

MAX_POINTS = 5_000  # most points any scatter sends to the browser (seeded sample)
SEED = 0
SPARK_BINS = 20  # overview sparkline bins
TOP_VALUES = 5  # overview top values per column
TOP_CATEGORIES = 20  # bars / heatmap rows shown for a categorical column
MAX_BINS = 500
NORMALITY_SAMPLE = 5_000  # Shapiro-Wilk is meant for at most 5,000 values
NORMAL_P = 0.05
SKEWED = 0.5  # |skewness| above this reads as skewed
TAILED = 1.0  # |excess kurtosis| above this reads as heavy or light tails
IQR_FACTOR = 1.5
STRONG_RELATION = 0.8  # |r| or Cramér's V at or above this lists a pair as collinear
MAX_LEVELS = 100  # columns with more categories are left out of Cramér's V
PAIR_BINS = 40  # 2-D histogram bins per axis
MI_SAMPLE = 50_000
SPLIT_P_VALUE = 0.01  # a train/test difference must be this unlikely by chance ...
SPLIT_MIN_EFFECT = 0.1  # ... and at least this large (KS D or Cramér's V) to be flagged
MISSING_LABEL = "(missing)"
OTHER_LABEL = "(other)"

# --- colours: fixed, readable on white and on near-black --------------------------------

BAR_COLOUR = "#4c78a8"
ACCENT_COLOUR = "#f58518"
TREND_COLOUR = "#e45756"
TRAIN_COLOUR = "#4c78a8"
TEST_COLOUR = "#f58518"
POINT_COLOUR = "rgba(128, 128, 128, 0.45)"
CLASS_COLOURS = (
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)
COUNT_SCALE = "Viridis"  # perceptually even, readable on light and dark backgrounds
DIVERGING_SCALE = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]
SHARE_SCALE = [[0.0, "#f7f7f7"], [1.0, "#2166ac"]]

# --- messages (tests import these) -------------------------------------------------------

MSG_UNKNOWN_COLUMN = "there is no column {name!r}{suggestion}"
MSG_NOT_NUMERIC = "{what} needs numbers, but {name!r} holds {dtype} values"
MSG_BINS = "bins must be a whole number from 1 to 500, got {value!r}"
MSG_KIND = "kind must be one of {choices}, got {value!r}"
MSG_METHOD = "method must be one of {choices}, got {value!r}"
MSG_MAX_COLUMNS = "max_columns must be a whole number of at least 2, got {value!r}"
MSG_NO_TARGET = "{what} compares columns with the target: choose a target on the Data page first"
MSG_TARGET_ITSELF = "{name!r} is the target; pick another column to compare with it"
MSG_NO_TARGET_ROWS = "the target {name!r} has no values, so there is nothing to compare with"
MSG_SAME_COLUMN = "pick two different columns, got {name!r} twice"
MSG_DATES_NUMBERS = "column {name!r} holds {dtype} values, not dates; pick a date column"
MSG_DATES_PARSE = (
    "column {name!r}: {count:,} value(s) could not be read as dates (e.g. {example!r}); "
    "add a parse_dates step to the cleaning recipe or pick another column"
)
MSG_NO_DATES = "column {name!r} has no dates: every value is missing"
MSG_FREQ = "freq must be one of {choices}, got {value!r}"
MSG_SPLIT_SIDE = (
    "none of this data's rows are in the split's {side} side; the split belongs to another "
    "dataset version, so define the split again on the Data page"
)
MSG_SETTING = "{field} must be {rule}, got {value!r}"
MSG_EMPTY = "the data has no rows to profile"


class ProfileError(CoreError):
    """A chart or report cannot be made from this column or setting; the message says why."""


def _check_column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        close = difflib.get_close_matches(str(name), [str(c) for c in df.columns], n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise ProfileError(MSG_UNKNOWN_COLUMN.format(name=name, suggestion=suggestion), field=name)
    return df[name]


def _is_number(series: pd.Series) -> bool:
    dtype = series.dtype
    return (
        ptypes.is_numeric_dtype(dtype)
        and not ptypes.is_bool_dtype(dtype)
        and not ptypes.is_complex_dtype(dtype)
    ) or ptypes.is_timedelta64_dtype(dtype)


def _floats(series: pd.Series) -> np.ndarray:
    """A numeric column as float64 (missing → NaN); durations in seconds."""
    if ptypes.is_timedelta64_dtype(series.dtype):
        return series.dt.total_seconds().to_numpy(dtype=np.float64)
    if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _datetime_ns(series: pd.Series) -> np.ndarray:
    """A datetime column as int64 nanoseconds (UTC for aware columns); NaT → int64 min."""
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _sample_positions(size: int, limit: int, seed: int = SEED) -> np.ndarray:
    """Sorted positions of a seeded sample of at most ``limit`` of ``size`` rows."""
    if size <= limit:
        return np.arange(size)
    return np.sort(np.random.default_rng(seed).choice(size, limit, replace=False))


def _sampled_note(shown: int, total: int) -> str:
    return f" ({shown:,} sampled of {total:,} rows)" if shown < total else ""


def _style(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    return style_figure(fig, title, x_title, y_title, legend="top")


def _none_if_nan(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


# =========================================================================================
# Overview
# =========================================================================================


@dataclasses.dataclass(frozen=True)
class ColumnOverview:
    """One column's quick facts. Numbers are None where they do not apply (e.g. text)."""

    name: str
    type: ColumnType
    role: str
    missing: int
    missing_pct: float
    distinct: int
    min: float | None
    max: float | None
    mean: float | None
    median: float | None
    std: float | None
    top_values: tuple[tuple[str, int], ...]  # up to 5 (value as text, count), most common first
    histogram: tuple[int, ...]  # ~20 bin counts (numbers, dates) or the top values' counts


@dataclasses.dataclass(frozen=True)
class Overview:
    """The whole frame at a glance; ``numeric`` + ``categorical`` + ``other`` = ``columns``.

    ``categorical`` counts categorical and boolean columns; ``other`` dates, text and IDs.
    ``duplicate_rows`` counts rows equal to an earlier row; ``memory_bytes`` matches
    ``df.memory_usage(deep=True).sum()``.
    """

    rows: int
    columns: int
    duplicate_rows: int
    memory_bytes: int
    numeric: int
    categorical: int
    other: int
    column_overviews: tuple[ColumnOverview, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-safe facts and one record per column (for ``workbench data overview --json``)."""
        return {
            "rows": self.rows,
            "columns": self.columns,
            "duplicate_rows": self.duplicate_rows,
            "memory_bytes": self.memory_bytes,
            "column_types": {
                "numeric": self.numeric,
                "categorical": self.categorical,
                "other": self.other,
            },
            "column_overview": [
                {
                    **{
                        k: v
                        for k, v in dataclasses.asdict(c).items()
                        if k not in ("top_values", "histogram")
                    },
                    "top_values": [{"value": v, "count": n} for v, n in c.top_values],
                    "histogram": list(c.histogram),
                }
                for c in self.column_overviews
            ],
        }

    def table(self) -> pd.DataFrame:
        """One row per column, ready for ``st.dataframe``; ``distribution`` holds the
        sparkline counts (use ``st.column_config.BarChartColumn``)."""
        records = [
            {
                "column": c.name,
                "type": c.type,
                "role": c.role,
                "missing": c.missing,
                "missing %": round(c.missing_pct, 2),
                "distinct": c.distinct,
                "min": c.min,
                "max": c.max,
                "mean": c.mean,
                "median": c.median,
                "std": c.std,
                "top values": ", ".join(f"{v} ({n:,})" for v, n in c.top_values),
                "distribution": list(c.histogram),
            }
            for c in self.column_overviews
        ]
        columns = ["column", "type", "role", "missing", "missing %", "distinct", "min", "max"]
        columns += ["mean", "median", "std", "top values", "distribution"]
        return pd.DataFrame.from_records(records, columns=columns)


@dataclasses.dataclass
class _Facts:
    """What one pass over a column found; ``row_hash`` feeds the duplicate count."""

    missing: int
    distinct: int
    memory: int
    row_hash: np.ndarray
    numbers: dict[str, float | None] = dataclasses.field(default_factory=dict)
    top_values: tuple[tuple[str, int], ...] = ()
    histogram: tuple[int, ...] = ()


def _sorted_summary(ordered: np.ndarray) -> dict[str, Any]:
    """min, max, mean, median, std, distinct and a histogram from sorted non-missing values."""
    k = len(ordered)
    if k == 0:
        return {"distinct": 0, "histogram": ()}
    distinct = 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))
    values = ordered.astype(np.float64, copy=False)
    with np.errstate(invalid="ignore", over="ignore"):
        mean = float(values.mean())
        std = float(values.std(ddof=1)) if k > 1 else math.nan
    median = (float(values[(k - 1) // 2]) + float(values[k // 2])) / 2
    return {
        "distinct": distinct,
        "histogram": _sorted_histogram(values),
        "min": float(values[0]),
        "max": float(values[-1]),
        "mean": _none_if_nan(mean),
        "median": _none_if_nan(median),
        "std": _none_if_nan(std),
    }


def _sorted_histogram(values: np.ndarray, bins: int = SPARK_BINS) -> tuple[int, ...]:
    """Bin counts of the finite part of sorted values: one bin per value when there are at
    most ``bins`` distinct values, else ``bins`` equal-width bins like ``np.histogram``."""
    lo = int(np.searchsorted(values, -np.inf, side="right"))
    hi = int(np.searchsorted(values, np.inf, side="left"))
    finite = values[lo:hi]
    if not len(finite):
        return ()
    starts = np.flatnonzero(np.r_[True, finite[1:] != finite[:-1]])
    if len(starts) <= bins:
        return tuple(int(c) for c in np.diff(np.r_[starts, len(finite)]))
    edges = np.linspace(finite[0], finite[-1], bins + 1)
    cuts = np.searchsorted(finite, edges[1:-1], side="left")
    return tuple(int(c) for c in np.diff(np.r_[0, cuts, len(finite)]))


def _hash_bits(values: np.ndarray) -> np.ndarray:
    """pandas' 64-bit hash of each value's bits; equal values give equal hashes."""
    return pd.util.hash_array(values.view(np.uint64) if values.itemsize == 8 else values)


def _numeric_facts(series: pd.Series) -> _Facts:
    plain_integers = isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu"
    values = series.to_numpy() if plain_integers else _floats(series)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        missing = int(nan.sum())
        canonical = values + 0.0  # -0.0 → 0.0, so equal numbers hash equally
        canonical[nan] = np.nan
        ordered = np.sort(canonical)[: len(values) - missing]
    else:
        missing, canonical, ordered = 0, values, np.sort(values)
    summary = _sorted_summary(ordered)
    facts = _Facts(
        missing=missing,
        distinct=summary.pop("distinct"),
        memory=int(series.memory_usage(deep=True, index=False)),
        row_hash=_hash_bits(canonical),
        histogram=summary.pop("histogram"),
    )
    facts.numbers = summary
    return facts


def _datetime_facts(series: pd.Series) -> _Facts:
    ns = _datetime_ns(series)
    valid = ns[ns != np.iinfo(np.int64).min]
    ordered = np.sort(valid)
    distinct = 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1])) if len(ordered) else 0
    return _Facts(
        missing=len(ns) - len(valid),
        distinct=distinct,
        memory=int(series.memory_usage(deep=True, index=False)),
        row_hash=_hash_bits(ns),
        histogram=_sorted_histogram(ordered.astype(np.float64)),
    )


def _factorize(series: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes (-1 for missing) and distinct values; unhashable values are compared as text."""
    codes, uniques, _ = _factorize_values(series)
    return codes, uniques


def _factorize_values(series: pd.Series) -> tuple[np.ndarray, Any, bool]:
    """``_factorize`` plus whether the distinct values are the column's own (not text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(np.int64), series.cat.categories, True
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        own = True
    except TypeError:
        codes, uniques = pd.factorize(_as_text(series), use_na_sentinel=True)
        own = False
    return np.asarray(codes, dtype=np.int64), uniques, own


def _as_text(series: pd.Series) -> pd.Series:
    return series.astype(str).where(series.notna())


def _object_memory(series: pd.Series, uniques: Any, counts: np.ndarray) -> int:
    """``memory_usage(deep=True)`` of an object column from its distinct values' sizes
    (``uniques`` None: they are not the column's own values, so measure the slow way)."""
    if series.dtype != object or uniques is None:
        return int(series.memory_usage(deep=True, index=False))
    sizes = np.fromiter((sys.getsizeof(u) for u in uniques), np.int64, len(uniques))
    pointers = 8 * len(series)
    missing_size = 0
    if counts[0]:
        first_missing = series[series.isna()].iloc[0]
        missing_size = int(counts[0]) * sys.getsizeof(first_missing)
    return int(pointers + sizes @ counts[1:] + missing_size)


def _coded_facts(series: pd.Series, *, histogram: bool) -> _Facts:
    codes, uniques, own = _factorize_values(series)
    counts = np.bincount(codes + 1, minlength=len(uniques) + 1)
    present = counts[1:]
    order = np.argsort(-present, kind="stable")[:TOP_VALUES]
    top = tuple((class_label(uniques[i]), int(present[i])) for i in order if present[i])
    return _Facts(
        missing=int(counts[0]),
        distinct=int(np.count_nonzero(present)),
        memory=_object_memory(series, uniques if own else None, counts),
        row_hash=_hash_bits(codes),
        top_values=top,
        histogram=tuple(n for _, n in top) if histogram else (),
    )


def _column_facts(series: pd.Series, ctype: ColumnType) -> _Facts:
    if ptypes.is_datetime64_any_dtype(series.dtype):
        return _datetime_facts(series)
    if _is_number(series):
        facts = _numeric_facts(series)
        if ctype in ("categorical", "boolean", "text"):
            coded = _coded_facts(series, histogram=True)
            facts.top_values, facts.histogram = coded.top_values, coded.histogram
        return facts
    if ctype == "numeric":  # numbers stored as text, typed numeric by the user
        facts = _numeric_facts(pd.Series(_floats(series), index=series.index))
        coded = _coded_facts(series, histogram=False)
        facts.missing, facts.distinct, facts.memory = coded.missing, coded.distinct, coded.memory
        facts.row_hash = coded.row_hash
        return facts
    return _coded_facts(series, histogram=ctype != "datetime")


class _RowHash:
    """One 64-bit hash per row, folded in column by column (the ``hash_pandas_object``
    recipe), so only one array is held however many columns there are."""

    def __init__(self, rows: int) -> None:
        self.value = np.full(rows, 0x345678, dtype=np.uint64)
        self.mult = np.uint64(1000003)
        self.columns = 0

    def add(self, column_hash: np.ndarray) -> None:
        self.value ^= column_hash
        self.value *= self.mult
        self.mult += np.uint64(82520 + 2 * self.columns)
        self.columns += 1


def _duplicate_rows(df: pd.DataFrame, row_hash: _RowHash) -> int:
    """Rows equal to an earlier row: hash candidates, then an exact check on those only."""
    if not len(df) or not row_hash.columns:
        return 0
    candidates = pd.Series(row_hash.value).duplicated(keep=False).to_numpy()
    if not candidates.any():
        return 0
    return int(df[candidates].duplicated().sum())


def _types_and_roles(df: pd.DataFrame, schema: Schema) -> dict[str, tuple[ColumnType, str]]:
    """Each column's type and role from the schema; a column it lacks is inferred."""
    known = {c.name: (c.type, c.role) for c in schema.columns}
    out = {}
    for name in df.columns:
        if name in known:
            out[name] = known[name]
        else:
            out[name] = (_inferred_type(df[name], str(name)), "feature")
    return out


def _inferred_type(series: pd.Series, name: str) -> ColumnType:
    try:
        return infer_column_type(series, name=name)[0]
    except TypeError:  # unhashable values such as lists from JSON
        return "text"


def overview(df: pd.DataFrame, schema: Schema) -> Overview:
    """Quick exact facts per column and for the frame; one pass per column, see the module doc.

    >>> facts = overview(df, schema)
    >>> facts.duplicate_rows, facts.table()[["column", "missing", "distinct"]]
    """
    rows = len(df)
    kinds = _types_and_roles(df, schema)
    row_hash = _RowHash(rows)
    columns: list[ColumnOverview] = []
    memory = int(df.index.memory_usage(deep=True))
    for name in df.columns:
        ctype, role = kinds[name]
        facts = _column_facts(df[name], ctype)
        row_hash.add(facts.row_hash)
        memory += facts.memory
        numbers = facts.numbers
        columns.append(
            ColumnOverview(
                name=str(name),
                type=ctype,
                role=role,
                missing=facts.missing,
                missing_pct=100.0 * facts.missing / rows if rows else 0.0,
                distinct=facts.distinct,
                min=numbers.get("min"),
                max=numbers.get("max"),
                mean=numbers.get("mean"),
                median=numbers.get("median"),
                std=numbers.get("std"),
                top_values=facts.top_values,
                histogram=facts.histogram,
            )
        )
    types = [c.type for c in columns]
    numeric = types.count("numeric")
    categorical = types.count("categorical") + types.count("boolean")
    return Overview(
        rows=rows,
        columns=len(columns),
        duplicate_rows=_duplicate_rows(df, row_hash),
        memory_bytes=memory,
        numeric=numeric,
        categorical=categorical,
        other=len(columns) - numeric - categorical,
        column_overviews=tuple(columns),
    )


# =========================================================================================
# One column: distribution, shape, box
# =========================================================================================

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


def _check_bins(bins: Any) -> int:
    if (
        isinstance(bins, bool)
        or not isinstance(bins, numbers.Integral)
        or not 1 <= bins <= MAX_BINS
    ):
        raise ProfileError(MSG_BINS.format(value=bins), field="bins")
    return int(bins)


def _finite(series: pd.Series, what: str) -> np.ndarray:
    """The finite numbers of a numeric column; ProfileError for other columns."""
    if not _is_number(series):
        name, dtype = str(series.name), str(series.dtype)
        raise ProfileError(MSG_NOT_NUMERIC.format(what=what, name=name, dtype=dtype), field=name)
    values = _floats(series)
    return values[np.isfinite(values)]


def _fences(values: np.ndarray) -> tuple[float, float, float, float]:
    """(q1, q3, lower fence, upper fence) by the 1.5 × IQR rule."""
    q1, q3 = (float(q) for q in np.quantile(values, [0.25, 0.75]))
    iqr = q3 - q1
    return q1, q3, q1 - IQR_FACTOR * iqr, q3 + IQR_FACTOR * iqr


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
    values = _finite(series, "distribution statistics")
    if not len(values):
        nan = math.nan
        return DistributionStats(0, nan, nan, 0, nan, nan, "no values to describe", None)
    _, _, lower, upper = _fences(values)
    outliers = int(np.count_nonzero((values < lower) | (values > upper)))
    finite = pd.Series(values)
    skewness, kurtosis = float(finite.skew()), float(finite.kurt())
    p_value = None
    if values.min() == values.max():
        words = "constant: every value is the same"
    elif len(values) < 8:
        words = "too few values to judge the shape"
    else:
        sample = values[_sample_positions(len(values), NORMALITY_SAMPLE)]
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


def _histogram_trace(series: pd.Series, bins: int) -> tuple[go.Bar, str]:
    """Bars of equal-width bins over the finite values (dates stay dates)."""
    is_date = ptypes.is_datetime64_any_dtype(series.dtype)
    if is_date:
        ns = _datetime_ns(series)
        values = ns[ns != np.iinfo(np.int64).min].astype(np.float64)
    else:
        values = _finite(series, "a histogram")
    counts, edges = np.histogram(values, bins=bins) if len(values) else (np.array([]), np.zeros(1))
    if is_date:
        edge_labels = pd.to_datetime(edges.astype(np.int64)).astype(str).to_numpy()
        centres = pd.to_datetime(((edges[:-1] + edges[1:]) / 2).astype(np.int64))
        widths = np.diff(edges) / 1e6  # plotly date axes count milliseconds
    else:
        edge_labels = np.array([f"{e:.4g}" for e in edges])
        centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    ranges = [f"{a} to {b}" for a, b in itertools.pairwise(edge_labels)]
    bar = go.Bar(
        x=centres,
        y=counts,
        width=widths,
        customdata=ranges,
        marker={"color": BAR_COLOUR, "line": {"color": BAR_COLOUR, "width": 0.5}},
        hovertemplate="%{customdata}<br>%{y:,} rows<extra></extra>",
        name="rows",
    )
    return bar, f"{len(values):,} values in {bins} bins"


def _top_counts(series: pd.Series, top: int) -> tuple[pd.Series, int]:
    """The ``top`` most common values (labels as text, missing as a value) and how many
    distinct values there are in all."""
    codes, uniques = _factorize(series)
    counts = np.bincount(codes + 1, minlength=len(uniques) + 1)
    labels = np.array([MISSING_LABEL, *(class_label(u) for u in uniques)], dtype=object)
    if not counts[0]:
        counts, labels = counts[1:], labels[1:]
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] > 0]
    return pd.Series(counts[order[:top]], index=labels[order[:top]]), len(order)


def distribution_figure(
    series: pd.Series, *, bins: int = 30, kind: DistributionKind = "auto"
) -> go.Figure:
    """Histogram of a numeric or date column (``bins`` equal-width bins), or bars of the 20
    most common values of any other column. ``kind`` forces one of the two."""
    bins = _check_bins(bins)
    if kind not in DISTRIBUTION_KINDS:
        raise ProfileError(MSG_KIND.format(choices=", ".join(DISTRIBUTION_KINDS), value=kind))
    name = html.escape(str(series.name))
    missing = int(series.isna().sum())
    note = f", {missing:,} missing" if missing else ""
    histogram = _is_number(series) or ptypes.is_datetime64_any_dtype(series.dtype)
    if kind == "histogram" or (kind == "auto" and histogram):
        bar, what = _histogram_trace(series, bins)
        fig = go.Figure(bar)
        fig.update_layout(bargap=0.02)
        return _style(fig, f"Distribution of {name} ({what}{note})", name, "Rows")
    counts, distinct = _top_counts(series, TOP_CATEGORIES)
    shares = counts / max(len(series), 1) * 100
    fig = go.Figure(
        go.Bar(
            x=[html.escape(str(v)) for v in counts.index],
            y=counts.to_numpy(),
            customdata=shares.to_numpy(),
            marker={"color": BAR_COLOUR},
            hovertemplate="%{x}<br>%{y:,} rows (%{customdata:.1f} %)<extra></extra>",
            name="rows",
        )
    )
    shown = f"top {len(counts)} of {distinct:,} values" if distinct > len(counts) else "all values"
    fig.update_xaxes(type="category")
    return _style(fig, f"Most common values of {name} ({shown})", name, "Rows")


def box_figure(series: pd.Series) -> go.Figure:
    """A box plot drawn from quartiles computed on every row, the IQR outlier count in the
    title, and at most ``MAX_POINTS`` outliers (a seeded sample) drawn as points."""
    values = _finite(series, "a box plot")
    name = html.escape(str(series.name))
    fig = go.Figure()
    if not len(values):
        return _style(fig, f"{name}: no values", "", name)
    q1, q3, lower, upper = _fences(values)
    inside = values[(values >= lower) & (values <= upper)]
    outliers = values[(values < lower) | (values > upper)]
    fig.add_trace(
        go.Box(
            x=[name],
            q1=[q1],
            median=[float(np.median(values))],
            q3=[q3],
            lowerfence=[float(inside.min())],
            upperfence=[float(inside.max())],
            mean=[float(values.mean())],
            boxpoints=False,
            marker={"color": BAR_COLOUR},
            line={"color": BAR_COLOUR},
            fillcolor="rgba(76, 120, 168, 0.35)",
            name="quartiles",
        )
    )
    shown = outliers[_sample_positions(len(outliers), MAX_POINTS)]
    if len(shown):
        fig.add_trace(
            go.Scatter(
                x=[name] * len(shown),
                y=shown,
                mode="markers",
                marker={"color": ACCENT_COLOUR, "size": 5, "opacity": 0.6},
                hovertemplate="%{y:.4g}<extra>outlier</extra>",
                name="outliers",
            )
        )
    sampled = f" ({len(shown):,} sampled shown)" if len(shown) < len(outliers) else ""
    title = f"{name}: {len(outliers):,} outliers beyond 1.5 × IQR{sampled}"
    return _style(fig, title, "", name)


# =========================================================================================
# Missing values
# =========================================================================================


def missing_figure(df: pd.DataFrame) -> go.Figure:
    """Share of missing values per column, largest first (columns without any are left out)."""
    counts = df.isna().sum()
    counts = counts[counts > 0].sort_values(ascending=True)  # bottom-up: largest on top
    rows = max(len(df), 1)
    fig = go.Figure(
        go.Bar(
            x=(counts / rows * 100).to_numpy(),
            y=[html.escape(str(c)) for c in counts.index],
            orientation="h",
            customdata=counts.to_numpy(),
            marker={"color": BAR_COLOUR},
            hovertemplate="%{y}: %{x:.1f} % missing (%{customdata:,} rows)<extra></extra>",
            name="missing",
        )
    )
    fig.update_xaxes(range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(300, 60 + 22 * len(counts)))
    if not len(counts):
        return _style(fig, "No missing values", "Share missing", "")
    title = f"Missing values: {len(counts)} of {df.shape[1]} columns have gaps"
    return _style(fig, title, "Share of rows missing", "")


def missing_patterns(df: pd.DataFrame, *, top: int = 20) -> pd.DataFrame:
    """The most common combinations of missing columns, counted over every row.

    One row per pattern (most common first): a boolean per column that has gaps, ``rows``
    and ``share``; patterns beyond ``top`` are summed into one row whose flags are all False
    and whose index label is ``"other"``. Columns without gaps are left out.
    """
    mask = df.isna()
    gappy = mask.columns[mask.any().to_numpy()]
    if not len(gappy):
        return pd.DataFrame({"rows": [len(df)], "share": [1.0]}, index=["none missing"])
    counts = mask[gappy].value_counts(sort=True)
    table = counts.index.to_frame(index=False)
    table["rows"] = counts.to_numpy()
    rest = table.iloc[top:]
    table = table.iloc[:top]
    table.index = [f"pattern {i + 1}" for i in range(len(table))]
    if len(rest):
        other = dict.fromkeys(gappy, False) | {"rows": int(rest["rows"].sum())}
        table = pd.concat([table, pd.DataFrame([other], index=["other"])])
    table["share"] = table["rows"] / max(len(df), 1)
    return table


def missing_pattern_figure(df: pd.DataFrame, *, max_rows: int = 20) -> go.Figure:
    """Which columns are missing together: one heatmap row per missingness pattern (the
    ``max_rows`` most common, counted over every row, the rest summed as "other"), one
    column per column with gaps; dark cells are missing."""
    table = missing_patterns(df, top=max_rows)
    flags = table.drop(columns=["rows", "share"])
    labels = [
        f"{table['rows'].iloc[i]:,} rows ({table['share'].iloc[i] * 100:.1f} %)"
        for i in range(len(table))
    ]
    columns = [html.escape(str(c)) for c in flags.columns]
    fig = go.Figure(
        go.Heatmap(
            z=flags.to_numpy(dtype=float),
            x=columns,
            y=labels,
            zmin=0,
            zmax=1,
            colorscale=[[0.0, "#d9d9d9"], [1.0, "#1f3b5c"]],
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{x}: %{z}<extra>1 = missing</extra>",
            name="patterns",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_layout(height=max(300, 120 + 24 * len(table)))
    title = f"Missing together: the {len(table)} most common patterns (dark = missing)"
    return _style(fig, title, "", "")


# =========================================================================================
# Correlations
# =========================================================================================

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
    products (like ``DataFrame.corr``, which loops over pairs: 0.24 s against 0.59 s for
    1M × 21). Constant columns give NaN."""
    present = ~np.isnan(data)
    # One BLAS thread: these products are small, and multi-threaded OpenBLAS on a busy
    # 2-core machine measured 10-16 s instead of 1.5 s (its threads spin-wait for a core).
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
        values = _floats(df[name])  # may be a view of df: never write into it
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
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            value = matrix.loc[a, b]
            if skip not in (a, b) and np.isfinite(value) and abs(value) >= STRONG_RELATION:
                pairs.append((str(a), str(b), float(value)))
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
    kinds = _types_and_roles(df, schema)
    usable = [n for n in df.columns if kinds[n][1] not in _SKIPPED_ROLES]
    numeric = [n for n in usable if kinds[n][0] == "numeric"]
    categorical = [n for n in usable if kinds[n][0] in ("categorical", "boolean")]
    numeric, cut_numeric = _pick(numeric, schema.target, max_columns)
    categorical, cut_categorical = _pick(categorical, schema.target, max_columns)
    coded, too_many = {}, []
    for name in categorical:
        codes, uniques = _factorize(df[name])
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


def correlation_figure(corr: pd.DataFrame, title: str = "Correlation") -> go.Figure:
    """A heatmap of a correlation or Cramér's V matrix; blue is positive, red negative.
    Matrices without negative values (Cramér's V) use a 0..1 scale."""
    labels = [html.escape(str(c)) for c in corr.columns]
    values = corr.to_numpy(dtype=float)
    signed = bool(np.nanmin(values) < 0) if np.isfinite(values).any() else True
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=labels,
            y=labels,
            zmin=-1 if signed else 0,
            zmax=1,
            colorscale=DIVERGING_SCALE if signed else SHARE_SCALE,
            texttemplate="%{z:.2f}" if len(labels) <= 15 else None,
            hovertemplate="%{y} × %{x}: %{z:.2f}<extra></extra>",
            hoverongaps=False,
            xgap=1,
            ygap=1,
            name=html.escape(title),
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_layout(height=max(400, 120 + 22 * len(labels)))
    return _style(fig, html.escape(title))


# =========================================================================================
# The target
# =========================================================================================


@dataclasses.dataclass(frozen=True, eq=False)
class TargetRelation:
    """How the target varies with one column, by bin (numbers) or category.

    ``table`` has one row per bin: ``bin`` (label), ``rows`` and, by task, ``rate`` (share of
    the positive class, binary), ``mean`` (of the target, regression) or nothing more
    (multiclass: see ``shares``, bins × classes). Numeric bins are quantile bins (or one per
    value when there are few); ``centre`` is the mean of the column within the bin.
    ``overall`` is the overall rate or mean; ``trend`` (slope, intercept) is a straight line
    fitted to the bin means (regression on a numeric column); ``sample`` ≤ ``MAX_POINTS``
    (x, y) rows for a scatter behind it.
    """

    column: str
    target: str
    task: Task
    kind: Literal["numeric", "categorical"]
    table: pd.DataFrame
    overall: float | None
    positive_class: str | None = None
    shares: pd.DataFrame | None = None
    trend: tuple[float, float] | None = None
    sample: pd.DataFrame | None = None
    rows: int = 0


def _require_target(df: pd.DataFrame, schema: Schema, what: str) -> pd.Series:
    if schema.target is None or schema.task is None:
        raise ProfileError(MSG_NO_TARGET.format(what=what), field="target")
    return _check_column(df, schema.target)


def _numeric_bins(values: np.ndarray, bins: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Bin codes (-1 missing), labels and the mean value per bin: quantile bins, or one bin
    per value when there are no more distinct values than bins."""
    present = ~np.isnan(values)
    distinct = np.unique(values[present])
    codes = np.full(len(values), -1, dtype=np.int64)
    if len(distinct) <= bins:
        codes[present] = np.searchsorted(distinct, values[present])
        return codes, [f"{v:.4g}" for v in distinct], distinct.astype(float)
    edges = np.unique(np.quantile(values[present], np.linspace(0, 1, bins + 1)))
    codes[present] = np.clip(
        np.searchsorted(edges, values[present], side="right") - 1, 0, len(edges) - 2
    )
    labels = [f"{a:.4g} to under {b:.4g}" for a, b in itertools.pairwise(edges)]
    labels[-1] = f"{edges[-2]:.4g} to {edges[-1]:.4g}"  # the last bin includes its top
    sums = np.bincount(codes[present], weights=values[present], minlength=len(labels))
    sizes = np.bincount(codes[present], minlength=len(labels))
    with np.errstate(invalid="ignore"):
        return codes, labels, sums / sizes


def _category_bins(series: pd.Series, top: int) -> tuple[np.ndarray, list[str]]:
    """Codes of the ``top`` most common values, then "(other)"; -1 for missing."""
    codes, uniques = _factorize(series)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    order = np.argsort(-counts, kind="stable")
    kept = order[:top][counts[order[:top]] > 0]
    remap = np.full(len(uniques), len(kept), dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    labels = [class_label(uniques[i]) for i in kept]
    out = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    if (out == len(kept)).any():
        labels.append(OTHER_LABEL)
    return out, labels


def _with_missing_bin(codes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    if (codes < 0).any():
        return np.where(codes < 0, len(labels), codes), [*labels, MISSING_LABEL]
    return codes, labels


def target_relation(
    df: pd.DataFrame, schema: Schema, column: str, *, bins: int = 10
) -> TargetRelation:
    """The target by bin or category of ``column`` (missing values get their own bin).

    Binary: share of the positive class per bin; multiclass: each class's share per bin;
    regression: mean of the target per bin and a straight trend through the bin means.
    Rows without a target value are left out.
    """
    bins = _check_bins(bins)
    y = _require_target(df, schema, "the target view")
    x = _check_column(df, column)
    if column == schema.target:
        raise ProfileError(MSG_TARGET_ITSELF.format(name=column), field=column)
    known = y.notna().to_numpy()
    x, y = x[known], y[known]
    if not len(y):
        raise ProfileError(MSG_NO_TARGET_ROWS.format(name=schema.target), field="target")
    numeric = _is_number(x)
    centres = None
    if numeric:
        codes, labels, centres = _numeric_bins(_floats(x), bins)
    else:
        codes, labels = _category_bins(x, TOP_CATEGORIES)
    codes, labels = _with_missing_bin(codes, labels)
    sizes = np.bincount(codes, minlength=len(labels))
    table = pd.DataFrame({"bin": labels, "rows": sizes})
    if centres is not None:
        table["centre"] = np.r_[centres, [np.nan] * (len(labels) - len(centres))]
    common = {
        "column": str(column),
        "target": str(schema.target),
        "task": schema.task,
        "kind": "numeric" if numeric else "categorical",
        "rows": len(y),
    }
    if schema.task == "regression":
        return _regression_relation(table, codes, x, y, common)
    text = class_labels(y)
    if schema.task == "binary":
        positive = (text == schema.positive_class).to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            table["rate"] = np.bincount(codes, weights=positive, minlength=len(labels)) / sizes
        overall = float(positive.mean())
        return TargetRelation(
            table=table, overall=overall, positive_class=schema.positive_class, **common
        )
    shares = pd.crosstab(np.asarray(labels)[codes], text.to_numpy(), normalize="index")
    shares = shares.reindex(index=labels, columns=list(schema.classes) or None).fillna(0.0)
    return TargetRelation(table=table, overall=None, shares=shares, **common)


def _regression_relation(
    table: pd.DataFrame, codes: np.ndarray, x: pd.Series, y: pd.Series, common: dict
) -> TargetRelation:
    target = _floats(y)
    ok = np.isfinite(target)
    sizes = np.bincount(codes[ok], minlength=len(table))
    with np.errstate(invalid="ignore"):
        table["mean"] = np.bincount(codes[ok], weights=target[ok], minlength=len(table)) / sizes
    trend, sample = None, None
    if common["kind"] == "numeric":
        usable = table.dropna(subset=["centre", "mean"])
        if len(usable) >= 2:
            slope, intercept = np.polyfit(usable["centre"], usable["mean"], 1)
            trend = (float(slope), float(intercept))
        values = _floats(x)
        both = np.flatnonzero(np.isfinite(values) & ok)
        pick = both[_sample_positions(len(both), MAX_POINTS)]
        sample = pd.DataFrame({"x": values[pick], "y": target[pick]})
    overall = float(target[ok].mean()) if ok.any() else None
    return TargetRelation(table=table, overall=overall, trend=trend, sample=sample, **common)


def target_relation_figure(rel: TargetRelation) -> go.Figure:
    """Classification: rows per bin as bars, the positive rate (or class shares) as a line on
    the right axis. Regression: a sampled scatter, the bin means and their trend line."""
    column, target = html.escape(rel.column), html.escape(rel.target)
    bins = [html.escape(str(b)) for b in rel.table["bin"]]
    if rel.task == "regression":
        return _regression_figure(rel, column, target, bins)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=bins,
            y=rel.table["rows"],
            marker={"color": "rgba(128, 128, 128, 0.45)"},
            hovertemplate="%{x}<br>%{y:,} rows<extra></extra>",
            name="rows",
        ),
        secondary_y=False,
    )
    if rel.task == "binary":
        positive = html.escape(str(rel.positive_class))
        fig.add_trace(
            go.Scatter(
                x=bins,
                y=rel.table["rate"],
                mode="lines+markers",
                line={"color": ACCENT_COLOUR, "width": 3},
                hovertemplate=f"%{{x}}<br>{positive}: %{{y:.1%}}<extra></extra>",
                name=f"share {positive}",
            ),
            secondary_y=True,
        )
        if rel.overall is not None:
            fig.add_hline(
                y=rel.overall,
                secondary_y=True,
                line={"color": ACCENT_COLOUR, "width": 1, "dash": "dot"},
                annotation={"text": f"overall {rel.overall:.1%}"},
            )
        title = f"Share of {target} = {positive} by {column}"
    else:
        shares = rel.shares if rel.shares is not None else pd.DataFrame()
        for i, label in enumerate(shares.columns):
            name = html.escape(str(label))
            fig.add_trace(
                go.Scatter(
                    x=bins,
                    y=shares[label],
                    mode="lines+markers",
                    line={"color": CLASS_COLOURS[i % len(CLASS_COLOURS)], "width": 2},
                    hovertemplate=f"%{{x}}<br>{name}: %{{y:.1%}}<extra></extra>",
                    name=name,
                ),
                secondary_y=True,
            )
        title = f"Class shares of {target} by {column}"
    fig.update_yaxes(title={"text": "Rows"}, secondary_y=False)
    fig.update_yaxes(
        title={"text": "Share"}, tickformat=".0%", rangemode="tozero", secondary_y=True
    )
    fig.update_yaxes(showgrid=False, secondary_y=True)
    fig.update_xaxes(type="category")
    return _style(fig, title, column)


def _regression_figure(rel: TargetRelation, column: str, target: str, bins: list) -> go.Figure:
    fig = go.Figure()
    note = ""
    numeric = rel.kind == "numeric"
    if rel.sample is not None and len(rel.sample):
        note = _sampled_note(len(rel.sample), rel.rows)
        fig.add_trace(
            go.Scattergl(
                x=rel.sample["x"],
                y=rel.sample["y"],
                mode="markers",
                marker={"color": POINT_COLOUR, "size": 4},
                hovertemplate=f"{column} %{{x:.4g}}<br>{target} %{{y:.4g}}<extra></extra>",
                name="rows" + (" (sampled)" if note else ""),
            )
        )
    table = rel.table.dropna(subset=["mean"])
    x = table["centre"] if numeric else [html.escape(str(b)) for b in table["bin"]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["mean"],
            mode="lines+markers" if numeric else "markers",
            marker={"color": ACCENT_COLOUR, "size": 9, "line": {"color": "#000000", "width": 1}},
            line={"color": ACCENT_COLOUR, "width": 2},
            customdata=np.c_[[html.escape(str(b)) for b in table["bin"]], table["rows"]],
            hovertemplate=(
                "%{customdata[0]}<br>mean %{y:.4g} over %{customdata[1]:,} rows<extra></extra>"
            ),
            name="mean per bin",
        )
    )
    if rel.trend is not None and numeric:
        slope, intercept = rel.trend
        ends = np.array([table["centre"].min(), table["centre"].max()])
        fig.add_trace(
            go.Scatter(
                x=ends,
                y=slope * ends + intercept,
                mode="lines",
                line={"color": TREND_COLOUR, "width": 2, "dash": "dash"},
                hovertemplate=f"trend: {slope:.4g} per unit of {column}<extra></extra>",
                name="trend of the bin means",
            )
        )
    if not numeric:
        fig.update_xaxes(type="category")
    return _style(fig, f"Mean {target} by {column}{note}", column, target)


# =========================================================================================
# Ranking columns by association with the target
# =========================================================================================


def _strength(equivalent_r: float) -> str:
    if equivalent_r >= 0.5:
        return "strong"
    if equivalent_r >= 0.3:
        return "moderate"
    if equivalent_r >= 0.1:
        return "weak"
    return "very weak or none"


def target_associations(
    df: pd.DataFrame, schema: Schema, *, sample: int = MI_SAMPLE, seed: int = SEED
) -> pd.DataFrame:
    """Feature and sensitive columns ranked by mutual information with the target.

    One measure for every column type, so ranks compare: scikit-learn's mutual information
    (nats) on a seeded sample of at most ``sample`` rows with a target; categories are coded
    as discrete values (missing is a category), missing numbers take the median. The
    ``equivalent |r|`` is Linfoot's informational correlation sqrt(1 - exp(-2·MI)), equal to
    |Pearson r| for normal data; it gives the plain ``strength`` label. Columns typed text,
    date or identifier are not ranked.
    """
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    y_all = _require_target(df, schema, "ranking columns")
    kinds = _types_and_roles(df, schema)
    names = [
        n
        for n in df.columns
        if kinds[n][1] in ("feature", "sensitive")
        and kinds[n][0] in ("numeric", "categorical", "boolean")
        and n != schema.target
    ]
    columns = ["column", "type", "measure", "value", "equivalent |r|", "strength"]
    known = np.flatnonzero(y_all.notna().to_numpy())
    rows = known[_sample_positions(len(known), sample, seed)]
    if not names or not len(rows):
        return pd.DataFrame(columns=columns)
    part = df.iloc[rows]
    features, discrete, used = [], [], []
    for name in names:
        series = part[name]
        if _is_number(series) and kinds[name][0] == "numeric":
            values = _floats(series)
            finite = np.isfinite(values)
            if not finite.any():
                continue
            features.append(np.where(finite, values, np.median(values[finite])))
            discrete.append(False)
        else:
            features.append(_factorize(series)[0].astype(np.float64) + 1)
            discrete.append(True)
        used.append(name)
    if not used:
        return pd.DataFrame(columns=columns)
    x = np.column_stack(features)
    y = part[schema.target]
    if schema.task == "regression":
        target = _floats(y)
        ok = np.isfinite(target)
        mi = mutual_info_regression(
            x[ok], target[ok], discrete_features=np.array(discrete), random_state=seed
        )
    else:
        mi = mutual_info_classif(
            x, class_labels(y).to_numpy(), discrete_features=np.array(discrete), random_state=seed
        )
    mi = np.maximum(mi, 0.0)
    equivalent = np.sqrt(1 - np.exp(-2 * mi))
    table = pd.DataFrame(
        {
            "column": [str(n) for n in used],
            "type": [kinds[n][0] for n in used],
            "measure": "mutual information (nats)",
            "value": mi,
            "equivalent |r|": equivalent,
            "strength": [_strength(r) for r in equivalent],
        }
    )
    return table.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


# =========================================================================================
# Two columns
# =========================================================================================


def _box_stats(values: np.ndarray) -> dict[str, float]:
    q1, q3, lower, upper = _fences(values)
    inside = values[(values >= lower) & (values <= upper)]
    return {
        "q1": q1,
        "median": float(np.median(values)),
        "q3": q3,
        "lowerfence": float(inside.min()),
        "upperfence": float(inside.max()),
        "mean": float(values.mean()),
    }


def _heatmap_2d(x: np.ndarray, y: np.ndarray, x_name: str, y_name: str) -> go.Figure:
    counts, x_edges, y_edges = np.histogram2d(x, y, bins=PAIR_BINS)
    z = np.where(counts.T > 0, counts.T, np.nan)  # empty cells stay transparent
    fig = go.Figure(
        go.Heatmap(
            x=(x_edges[:-1] + x_edges[1:]) / 2,
            y=(y_edges[:-1] + y_edges[1:]) / 2,
            z=z,
            colorscale=COUNT_SCALE,
            colorbar={"title": {"text": "Rows"}},
            hoverongaps=False,
            hovertemplate=f"{x_name} ≈ %{{x:.4g}}<br>{y_name} ≈ %{{y:.4g}}<br>%{{z:,}} rows"
            "<extra></extra>",
            name="rows",
        )
    )
    title = f"{y_name} against {x_name} ({len(x):,} rows in {PAIR_BINS} × {PAIR_BINS} bins)"
    return _style(fig, title, x_name, y_name)


def _coloured_scatter(
    x: np.ndarray, y: np.ndarray, colour: pd.Series, names: tuple[str, str, str], total: int
) -> go.Figure:
    x_name, y_name, c_name = names
    fig = go.Figure()
    hover = f"{x_name} %{{x:.4g}}<br>{y_name} %{{y:.4g}}"
    if _is_number(colour) and colour.nunique() > len(CLASS_COLOURS):
        fig.add_trace(
            go.Scattergl(
                x=x,
                y=y,
                mode="markers",
                marker={
                    "size": 5,
                    "color": _floats(colour),
                    "colorscale": COUNT_SCALE,
                    "colorbar": {"title": {"text": c_name}},
                    "opacity": 0.7,
                },
                hovertemplate=hover + f"<br>{c_name} %{{marker.color:.4g}}<extra></extra>",
                name="rows",
            )
        )
    else:
        codes, labels = _category_bins(colour, len(CLASS_COLOURS) - 1)
        codes, labels = _with_missing_bin(codes, labels)
        for i, label in enumerate(labels):
            chosen = codes == i
            name = html.escape(str(label))
            fig.add_trace(
                go.Scattergl(
                    x=x[chosen],
                    y=y[chosen],
                    mode="markers",
                    marker={"size": 5, "color": CLASS_COLOURS[i], "opacity": 0.7},
                    hovertemplate=hover + f"<extra>{c_name} = {name}</extra>",
                    name=name,
                )
            )
    title = f"{y_name} against {x_name}, coloured by {c_name}{_sampled_note(len(x), total)}"
    return _style(fig, title, x_name, y_name)


def _count_heatmap(x: pd.Series, y: pd.Series, x_name: str, y_name: str) -> go.Figure:
    x_codes, x_labels = _with_missing_bin(*_category_bins(x, TOP_CATEGORIES))
    y_codes, y_labels = _with_missing_bin(*_category_bins(y, TOP_CATEGORIES))
    counts = np.bincount(
        y_codes * len(x_labels) + x_codes, minlength=len(x_labels) * len(y_labels)
    ).reshape(len(y_labels), len(x_labels))
    fig = go.Figure(
        go.Heatmap(
            x=[html.escape(v) for v in x_labels],
            y=[html.escape(v) for v in y_labels],
            z=counts,
            colorscale=COUNT_SCALE,
            colorbar={"title": {"text": "Rows"}},
            texttemplate="%{z:,}" if counts.size <= 100 else None,
            hovertemplate=f"{x_name} %{{x}}<br>{y_name} %{{y}}<br>%{{z:,}} rows<extra></extra>",
            name="rows",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return _style(fig, f"Rows by {x_name} and {y_name}", x_name, y_name)


def _boxes_by_category(
    values: np.ndarray, groups: pd.Series, value_name: str, group_name: str, *, across: bool
) -> go.Figure:
    """One box per category (top 20) from quartiles of every row; ``across`` lays the
    categories on the y axis (values along x)."""
    codes, labels = _with_missing_bin(*_category_bins(groups, TOP_CATEGORIES))
    boxes: dict[str, list] = {"q1": [], "median": [], "q3": [], "lowerfence": []}
    boxes.update(upperfence=[], mean=[])
    shown = []
    finite = np.isfinite(values)
    for i, label in enumerate(labels):
        chosen = values[(codes == i) & finite]
        if len(chosen):
            shown.append(html.escape(label))
            for key, value in _box_stats(chosen).items():
                boxes[key].append(value)
    fig = go.Figure(
        go.Box(
            **({"y": shown, "orientation": "h"} if across else {"x": shown}),
            **boxes,
            boxpoints=False,
            marker={"color": BAR_COLOUR},
            line={"color": BAR_COLOUR},
            fillcolor="rgba(76, 120, 168, 0.35)",
            name=value_name,
        )
    )
    (fig.update_yaxes if across else fig.update_xaxes)(type="category")
    title = f"{value_name} by {group_name} (quartiles over all rows)"
    if across:
        return _style(fig, title, value_name, group_name)
    return _style(fig, title, group_name, value_name)


def pair_figure(df: pd.DataFrame, x: str, y: str, *, color: str | None = None) -> go.Figure:
    """Two columns together. Numbers × numbers: a 2-D histogram of every row, or, with
    ``color``, a scatter of at most ``MAX_POINTS`` seeded sample rows coloured by it;
    categories × categories: a count heatmap (top 20 each); mixed: a box per category."""
    if x == y:
        raise ProfileError(MSG_SAME_COLUMN.format(name=x), field="y")
    xs, ys = _check_column(df, x), _check_column(df, y)
    x_name, y_name = html.escape(str(x)), html.escape(str(y))
    x_num, y_num = _is_number(xs), _is_number(ys)
    if x_num and y_num:
        xv, yv = _floats(xs), _floats(ys)
        both = np.flatnonzero(np.isfinite(xv) & np.isfinite(yv))
        if color is None or color in (x, y):
            return _heatmap_2d(xv[both], yv[both], x_name, y_name)
        colour = _check_column(df, color)
        pick = both[_sample_positions(len(both), MAX_POINTS)]
        names = (x_name, y_name, html.escape(str(color)))
        return _coloured_scatter(xv[pick], yv[pick], colour.iloc[pick], names, len(both))
    if not x_num and not y_num:
        return _count_heatmap(xs, ys, x_name, y_name)
    if x_num:
        return _boxes_by_category(_floats(xs), ys, x_name, y_name, across=True)
    return _boxes_by_category(_floats(ys), xs, y_name, x_name, across=False)


# =========================================================================================
# Time
# =========================================================================================

TimeFrequency = Literal["auto", "hour", "day", "week", "month", "quarter", "year"]
TIME_FREQUENCIES: tuple[str, ...] = get_args(TimeFrequency)
_FREQ_ALIASES = {
    "hour": "h",
    "day": "D",
    "week": "W-SUN",  # weeks Monday to Sunday, labelled by the Sunday (moved to the Monday)
    "month": "MS",
    "quarter": "QS",
    "year": "YS",
}
_FREQ_LABEL_FORMATS = {
    "hour": "%Y-%m-%d %H:00",
    "day": "%Y-%m-%d",
    "week": "week of %Y-%m-%d",
    "month": "%Y-%m",
    "quarter": "%Y-%m",
    "year": "%Y",
}


def _parse_dates(series: pd.Series, name: str) -> pd.Series:
    """Dates as naive timestamps (aware ones in UTC); text is parsed once per distinct value."""
    if ptypes.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dtype, "tz", None) is not None:
            return series.dt.tz_convert("UTC").dt.tz_localize(None)
        return series
    if ptypes.is_numeric_dtype(series.dtype) or ptypes.is_timedelta64_dtype(series.dtype):
        raise ProfileError(MSG_DATES_NUMBERS.format(name=name, dtype=series.dtype), field=name)
    codes, uniques = _factorize(series)
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    bad = text[parsed.isna().to_numpy()]
    if len(bad):
        count = int(np.isin(codes, bad.index.to_numpy()).sum())
        raise ProfileError(
            MSG_DATES_PARSE.format(name=name, count=count, example=bad.iloc[0]), field=name
        )
    if not len(text):
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    naive = parsed.dt.tz_localize(None).to_numpy()
    values = np.where(codes >= 0, naive[np.maximum(codes, 0)], np.datetime64("NaT"))
    return pd.Series(values, index=series.index, dtype="datetime64[ns]")


def _auto_frequency(span: pd.Timedelta) -> str:
    days = span / pd.Timedelta(days=1)
    for limit, freq in ((3, "hour"), (120, "day"), (2 * 365, "week"), (12 * 365, "month")):
        if days <= limit:
            return freq
    return "quarter" if days <= 40 * 365 else "year"


def time_view(
    df: pd.DataFrame, date_column: str, schema: Schema, *, freq: TimeFrequency = "auto"
) -> pd.DataFrame:
    """Rows per period of ``date_column`` and, with a target, the target per period.

    Columns: ``period`` (start), ``label``, ``rows`` and, by task, ``rate`` (share of the
    positive class), ``mean`` (regression) or one ``share <class>`` per class. Empty periods
    are kept (rows 0) so gaps show. Text dates are parsed; a value that is not a date raises
    ``ProfileError``. ``attrs`` hold ``date_column``, ``freq``, ``target``, ``task``,
    ``positive_class`` and ``missing_dates`` (rows without a date, left out).
    """
    if freq not in TIME_FREQUENCIES:
        raise ProfileError(MSG_FREQ.format(choices=", ".join(TIME_FREQUENCIES), value=freq))
    times = _parse_dates(_check_column(df, date_column), str(date_column))
    present = times.notna().to_numpy()
    if not present.any():
        raise ProfileError(MSG_NO_DATES.format(name=date_column), field=date_column)
    times = times[present]
    if freq == "auto":
        freq = _auto_frequency(times.max() - times.min())
    frame = pd.DataFrame({"period": times})
    task = schema.task if schema.target is not None and schema.target in df.columns else None
    measures: dict[str, tuple[str, str]] = {}
    if task is not None:
        y = df[schema.target][present]
        if task == "regression":
            frame["mean"] = _floats(y)
            measures["mean"] = ("mean", "mean")
        else:
            text = class_labels(y)
            classes = [schema.positive_class] if task == "binary" else list(schema.classes)
            for label in classes:
                column = "rate" if task == "binary" else f"share {label}"
                frame[column] = (text == label).astype(float).where(y.notna())
                measures[column] = (column, "mean")
    grouped = frame.groupby(pd.Grouper(key="period", freq=_FREQ_ALIASES[freq]))
    view = grouped.agg(rows=("period", "size"), **measures).reset_index()
    if freq == "week":
        view["period"] = view["period"] - pd.Timedelta(days=6)  # label weeks by their Monday
    view.insert(1, "label", view["period"].dt.strftime(_FREQ_LABEL_FORMATS[freq]))
    if freq == "quarter":
        view["label"] = [f"{p.year} Q{p.quarter}" for p in view["period"]]
    view.attrs.update(
        date_column=str(date_column),
        freq=freq,
        target=schema.target if task else None,
        task=task,
        positive_class=schema.positive_class if task == "binary" else None,
        missing_dates=int((~present).sum()),
    )
    return view


def time_figure(
    view: pd.DataFrame, date_column: str | None = None, schema: Schema | None = None
) -> go.Figure:
    """Rows per period as bars and the target per period as a line on the right axis.
    ``date_column`` and ``schema`` only name things; ``view.attrs`` (from ``time_view``)
    already know them."""
    attrs = view.attrs
    date_name = html.escape(str(date_column or attrs.get("date_column", "date")))
    target = html.escape(str(attrs.get("target") or (schema.target if schema else "") or ""))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=view["period"],
            y=view["rows"],
            customdata=view["label"],
            marker={"color": "rgba(128, 128, 128, 0.55)"},
            hovertemplate="%{customdata}<br>%{y:,} rows<extra></extra>",
            name="rows",
        ),
        secondary_y=False,
    )
    measures = [c for c in view.columns if c in ("rate", "mean") or c.startswith("share ")]
    for i, column in enumerate(measures):
        name = html.escape(column)
        if column == "rate":
            name = f"share {html.escape(str(attrs.get('positive_class')))}"
        fmt = ".4g" if column == "mean" else ".1%"
        fig.add_trace(
            go.Scatter(
                x=view["period"],
                y=view[column],
                customdata=view["label"],
                mode="lines+markers",
                connectgaps=False,
                line={"color": (ACCENT_COLOUR, *CLASS_COLOURS[2:])[i % 9], "width": 2},
                hovertemplate=f"%{{customdata}}<br>{name}: %{{y:{fmt}}}<extra></extra>",
                name=name,
            ),
            secondary_y=True,
        )
    freq = attrs.get("freq", "period")
    title = f"Rows per {freq} of {date_name}"
    if measures:
        what = "mean" if "mean" in measures else "share"
        title += f" and {what} of {target}"
        fig.update_yaxes(
            title={"text": f"{target} ({what})"},
            tickformat=None if what == "mean" else ".0%",
            showgrid=False,
            secondary_y=True,
        )
    missing = attrs.get("missing_dates", 0)
    if missing:
        title += f" ({missing:,} rows without a date left out)"
    fig.update_yaxes(title={"text": "Rows"}, secondary_y=False)
    fig.update_layout(bargap=0.05)
    return _style(fig, title, date_name)


# =========================================================================================
# Train versus test
# =========================================================================================

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
    codes, uniques = _factorize(series)
    labels = [class_label(u) for u in uniques]
    codes, labels = _with_missing_bin(codes, labels)
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
    kinds = _types_and_roles(df, schema)
    records = []
    for name in df.columns:
        ctype, role = kinds[name]
        if role not in ("feature", "sensitive", "target"):
            continue
        series = df[name]
        if ctype == "numeric" and _is_number(series):
            found = _compare_numbers(_floats(series), train, test)
        elif ctype in ("categorical", "boolean"):
            found = _compare_categories(series, train, test)
        else:
            continue
        records.append({"column": str(name), "type": ctype} | found)
    table = pd.DataFrame.from_records(records, columns=_SPLIT_COLUMNS[:-1])
    table["differs"] = (table["p_value"] < SPLIT_P_VALUE) & (table["effect"] >= SPLIT_MIN_EFFECT)
    return table


def split_comparison_figure(df: pd.DataFrame, split: Split, column: str) -> go.Figure:
    """Training versus test rows of one column: overlaid histograms as shares of each side
    (numbers, common bins), or grouped bars of category shares (top 20)."""
    series = _check_column(df, column)
    train, test = _split_sides(df, split)
    name = html.escape(str(column))
    fig = go.Figure()
    if _is_number(series):
        values = _floats(series)
        finite = np.isfinite(values)
        edges = np.histogram_bin_edges(values[finite], bins=30) if finite.any() else [0, 1]
        centres = (edges[:-1] + edges[1:]) / 2
        for side, mask, colour in (("train", train, TRAIN_COLOUR), ("test", test, TEST_COLOUR)):
            counts, _ = np.histogram(values[mask & finite], bins=edges)
            fig.add_trace(
                go.Bar(
                    x=centres,
                    y=counts / max(counts.sum(), 1),
                    width=np.diff(edges),
                    marker={"color": colour},
                    opacity=0.55,
                    hovertemplate=f"{name} ≈ %{{x:.4g}}<br>%{{y:.1%}} of {side} rows"
                    "<extra></extra>",
                    name=side,
                )
            )
        fig.update_layout(barmode="overlay", bargap=0)
    else:
        codes, labels = _with_missing_bin(*_category_bins(series, TOP_CATEGORIES))
        shown = [html.escape(v) for v in labels]
        for side, mask, colour in (("train", train, TRAIN_COLOUR), ("test", test, TEST_COLOUR)):
            counts = np.bincount(codes[mask], minlength=len(labels))
            fig.add_trace(
                go.Bar(
                    x=shown,
                    y=counts / max(counts.sum(), 1),
                    marker={"color": colour},
                    hovertemplate=f"%{{x}}<br>%{{y:.1%}} of {side} rows<extra></extra>",
                    name=side,
                )
            )
        fig.update_layout(barmode="group")
        fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".0%")
    title = f"{name}: training ({int(train.sum()):,} rows) versus test ({int(test.sum()):,})"
    return _style(fig, title, name, "Share of the side's rows")


# =========================================================================================
# Full profiling report (ydata-profiling)
# =========================================================================================

MAX_SEED = 2**32 - 1
MAX_TITLE = 200
ProgressCallback = Callable[[float, str], None]


@dataclasses.dataclass(frozen=True)
class ProfileSettings:
    """How to make the full report: a seeded sample of at most ``sample_rows`` rows, minimal
    mode (about 7× cheaper: no correlations, interactions or missing-value diagrams) and the
    report's title. Validated on construction; JSON-safe via ``dataclasses.asdict``."""

    sample_rows: int = 100_000
    seed: int = 0
    minimal: bool = False
    title: str = "Data profile"

    def __post_init__(self) -> None:
        def bad(field: str, rule: str, value: Any) -> ProfileError:
            return ProfileError(
                MSG_SETTING.format(field=field, rule=rule, value=value), field=field
            )

        rows, seed = self.sample_rows, self.seed
        if isinstance(rows, bool) or not isinstance(rows, numbers.Integral) or rows < 1:
            raise bad("sample_rows", "a whole number of at least 1", rows)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise bad("seed", "a whole number from 0 to 4294967295", seed)
        if not 0 <= seed <= MAX_SEED:
            raise bad("seed", "a whole number from 0 to 4294967295", seed)
        if not isinstance(self.minimal, bool | np.bool_):
            raise bad("minimal", "true or false", self.minimal)
        title = self.title.strip() if isinstance(self.title, str) else ""
        if not title or len(title) > MAX_TITLE:
            raise bad("title", f"text of 1 to {MAX_TITLE} characters", self.title)
        object.__setattr__(self, "sample_rows", int(rows))
        object.__setattr__(self, "seed", int(seed))
        object.__setattr__(self, "minimal", bool(self.minimal))
        object.__setattr__(self, "title", title)


@dataclasses.dataclass(frozen=True)
class ProfileReportResult:
    """The report's HTML (user data and scripts: show sandboxed or as a download), a small
    JSON-safe summary (``alerts`` as text, ``variables`` as one record per column,
    ``table`` totals) and how many rows were profiled."""

    html: str
    summary: dict[str, Any]
    rows_profiled: int
    sampled: bool


def profile_sample(df: pd.DataFrame, settings: ProfileSettings) -> tuple[pd.DataFrame, bool]:
    """(rows to profile, whether they are a sample): a seeded sample of ``sample_rows`` rows,
    kept in their original order; the whole frame when it is no larger."""
    if len(df) <= settings.sample_rows:
        return df, False
    return df.iloc[_sample_positions(len(df), settings.sample_rows, settings.seed)], True


# ydata-profiling reports progress only through tqdm bars. While a report is made, the bars
# of the modules below are replaced by a subclass that, for the calling thread's report only
# (a context variable), stays silent and turns each step into an ``on_progress`` call. Steps
# made on ydata's worker threads are counted and reported by the next step on the calling
# thread, so ``on_progress`` only ever runs on the caller's thread, where it may raise.
_YDATA_PROGRESS_MODULES = (
    "ydata_profiling.model.describe",
    "ydata_profiling.model.pandas.summary_pandas",
)
_PATCH_LOCK = threading.Lock()


class _ReportProgress:
    """Maps the steps of ydata's "Summarize dataset" bar onto ``start``..``end``."""

    def __init__(self, on_progress: ProgressCallback, start: float, end: float) -> None:
        self.on_progress, self.start, self.end = on_progress, start, end
        self.thread = threading.get_ident()
        self.lock = threading.Lock()
        self.main: Any = None  # the first bar made: ydata's whole-description bar
        self.best = start
        self.message = "Describing the columns"

    def step(self) -> None:
        if threading.get_ident() != self.thread or self.main is None:
            return
        done, total = self.main.wb_done, max(float(self.main.total or 0), 1.0)
        fraction = self.start + (self.end - self.start) * min(done / total, 1.0)
        self.best = max(self.best, fraction)
        self.on_progress(self.best, self.message)


_PROGRESS: contextvars.ContextVar[_ReportProgress | None] = contextvars.ContextVar(
    "profile_report_progress", default=None
)


def _hooked_tqdm(base: type) -> type:
    class HookedTqdm(base):  # type: ignore[misc, valid-type]
        wb_hooked = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            hook = _PROGRESS.get()
            if hook is not None:
                kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            self.wb_hook, self.wb_done = hook, 0
            if hook is not None and hook.main is None:
                hook.main = self

        def update(self, n: float = 1) -> bool | None:
            hook = getattr(self, "wb_hook", None)
            if hook is None:
                return super().update(n)
            with hook.lock:
                self.wb_done += n
            hook.step()
            return None

        def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
            hook = getattr(self, "wb_hook", None)
            if hook is None:
                return super().set_postfix_str(s, refresh)
            hook.message = str(s)
            return None

        def __iter__(self) -> Iterator[Any]:
            hook = getattr(self, "wb_hook", None)
            if hook is None:
                yield from super().__iter__()
                return
            for item in self.iterable:
                yield item
                hook.step()

    HookedTqdm.__name__ = HookedTqdm.__qualname__ = base.__name__
    return HookedTqdm


def _hook_ydata_progress() -> None:
    """Install the progress hook once; ydata versions without these modules keep the coarse
    stage-by-stage progress."""
    with _PATCH_LOCK:
        for module_name in _YDATA_PROGRESS_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            base = getattr(module, "tqdm", None)
            if isinstance(base, type) and not getattr(base, "wb_hooked", False):
                module.tqdm = _hooked_tqdm(base)


def _plain(value: Any) -> Any:
    """A JSON-safe copy of numbers, text and nested dicts; anything else becomes text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _report_summary(description: Any, settings: ProfileSettings, rows: int, sampled: bool) -> dict:
    variables = []
    for name, found in description.variables.items():
        variables.append(
            {
                "column": str(name),
                "type": str(found.get("type", "")),
                "missing": _plain(found.get("n_missing")),
                "missing %": _plain(round(100 * float(found.get("p_missing", 0) or 0), 2)),
                "distinct": _plain(found.get("n_distinct")),
                "distinct %": _plain(round(100 * float(found.get("p_distinct", 0) or 0), 2)),
            }
        )
    return {
        "title": settings.title,
        "rows_profiled": rows,
        "sampled": sampled,
        "seed": settings.seed,
        "minimal": settings.minimal,
        "alerts": [str(alert) for alert in description.alerts],
        "variables": variables,
        "table": _plain(dict(description.table)),
    }


_YDATA_TYPES = {"numeric": "numeric", "categorical": "categorical", "boolean": "boolean"}
_YDATA_TYPES["datetime"] = "datetime"


def _ydata_types(rows: pd.DataFrame, schema: Schema | None) -> dict[str, str] | None:
    """Our column types in ydata's words, so the report agrees with the schema (left to
    ydata: text, identifiers, and numbers stored as text)."""
    if schema is None:
        return None
    types = {}
    for column in schema.columns:
        kind = _YDATA_TYPES.get(column.type)
        if kind is None or column.name not in rows.columns:
            continue
        if kind == "numeric" and not _is_number(rows[column.name]):
            continue
        types[column.name] = kind
    return types


# Where each stage starts: (describe, draw, write). Minimal reports spend most of their time
# drawing the report's charts; full ones describing (correlations, interactions).
_STAGES = {True: (0.1, 0.3, 0.9), False: (0.1, 0.65, 0.92)}


def profile_report(
    df: pd.DataFrame,
    settings: ProfileSettings,
    *,
    on_progress: ProgressCallback | None = None,
    schema: Schema | None = None,
) -> ProfileReportResult:
    """The full ydata-profiling report of a seeded sample (``profile_sample``).

    ``on_progress(fraction, message)`` is called on the caller's thread as the work goes on:
    sampling, loading the library, describing each column (ydata's own progress steps),
    drawing the report and writing the HTML. It may raise to cancel: the exception is not
    caught. With ``schema``, ydata uses its column types instead of guessing. The HTML
    contains the user's data and JavaScript: the app must show it in a sandboxed iframe
    (no ``allow-same-origin``) or as a download, never inline.
    """
    report_progress = on_progress or (lambda fraction, message: None)
    if not len(df) or not df.shape[1]:
        raise ProfileError(MSG_EMPTY)
    report_progress(0.0, "Sampling rows")
    rows, sampled = profile_sample(df, settings)
    report_progress(0.03, "Loading ydata-profiling")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its notice about a new name
        from ydata_profiling import ProfileReport
    _hook_ydata_progress()
    report = ProfileReport(
        rows.copy(deep=False),
        minimal=settings.minimal,
        title=settings.title,
        progress_bar=False,
        type_schema=_ydata_types(rows, schema),
    )
    describe, draw, write = _STAGES[settings.minimal]
    report_progress(describe, "Describing the columns")
    token = _PROGRESS.set(_ReportProgress(report_progress, describe, draw))
    try:
        description = report.get_description()
    finally:
        _PROGRESS.reset(token)
    report_progress(draw, "Drawing the report's charts")
    _ = report.report  # the report structure: every chart is drawn here
    report_progress(write, "Writing the HTML")
    page = report.to_html()
    report_progress(1.0, "Report ready")
    summary = _report_summary(description, settings, len(rows), sampled)
    return ProfileReportResult(html=page, summary=summary, rows_profiled=len(rows), sampled=sampled)


def profile_report_html(
    df: pd.DataFrame,
    settings: ProfileSettings,
    *,
    on_progress: ProgressCallback | None = None,
    schema: Schema | None = None,
) -> str:
    """Only the HTML of ``profile_report``: user data and scripts, so show it sandboxed (an
    iframe without ``allow-same-origin``) or as a download, never inline."""
    return profile_report(df, settings, on_progress=on_progress, schema=schema).html
