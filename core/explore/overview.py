"""Overview: exact quick facts per column and for the whole frame, one pass per column.

Numeric columns are sorted once each with numpy (its SIMD sort), and missing count, distinct
count, min/max, exact median and the sparkline histogram are read off the sorted array
(``searchsorted`` for the bin edges); mean and std come from the same array. Text-like
columns are factorised once (pandas hash table); their codes give missing, distinct, top
values and counts (``np.bincount``), deep memory (size of each distinct value times its
count) and the row hash for duplicates. Duplicates: a 64-bit hash per row (pandas'
``hash_array`` on float bits / text codes, combined like ``hash_pandas_object``) finds the
candidate rows, and an exact ``DataFrame.duplicated`` on those candidates confirms them, so
the count is exact.

Engine: pyarrow.compute was tried per part (distinct, value counts, median, duplicate rows,
deep memory). Its kernels win on text only before the conversion from object columns is
paid and lose after it, so it is not used; an Arrow-backed column goes through
``pd.factorize``, which uses Arrow's own dictionary encoding.

Every overview figure is exact; nothing is sampled. Speed against the bare baseline
(``describe(include="all")`` + ``isna().sum()`` + ``nunique()``) on the same frame is
measured by ``benchmarks/bench_explore.py`` (``make bench``), including a unique text ID
column with gaps and a frame with 30 % duplicate rows (the exact check's worst case).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_label
from core.data.inference import ColumnType
from core.data.schema import Schema
from core.explore.columns import (
    datetime_ns,
    factorize_values,
    floats,
    is_number,
    types_and_roles,
)

SPARK_BINS = 20  # overview sparkline bins
TOP_VALUES = 5  # overview top values per column


def _none_if_nan(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


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
    values = series.to_numpy() if plain_integers else floats(series)
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
    ns = datetime_ns(series)
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
    codes, uniques, own = factorize_values(series)
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
    if is_number(series):
        facts = _numeric_facts(series)
        if ctype in ("categorical", "boolean", "text"):
            coded = _coded_facts(series, histogram=True)
            facts.top_values, facts.histogram = coded.top_values, coded.histogram
        return facts
    if ctype == "numeric":  # numbers stored as text, typed numeric by the user
        facts = _numeric_facts(pd.Series(floats(series), index=series.index))
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


def overview(df: pd.DataFrame, schema: Schema) -> Overview:
    """Quick exact facts per column and for the frame; one pass per column, see the module doc.

    >>> facts = overview(df, schema)
    >>> facts.duplicate_rows, facts.table()[["column", "missing", "distinct"]]
    """
    rows = len(df)
    kinds = types_and_roles(df, schema)
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
