"""Evaluate stage, error analysis: the error rate (or MAE) per cohort of one or two features.

Cuts on numbers are read as round values ("tenure_months < 6", not "tenure_months <= 5.5"):
any value between the two data values around a cut splits the rows identically, and a cut may
move by at most 0.5 % of the column's spread to read rounder; every count is recomputed from
the rule itself, so the numbers shown always describe the rule shown.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from core.conditions import Condition
from core.evaluate.cohorts import (
    ErrorAnalysisError,
    apply_cohort,
    cohort_of,
    cohorts_table,
    column_numbers,
    column_of,
    format_value,
    is_datetime,
    is_number,
    ranked_values,
    read_errors,
)
from core.evaluate.inputs import text_labels

TOP_CATEGORIES = 20
CUT_TOLERANCE = 0.005  # a cut may move by this share of a column's spread to read as round

MSG_BINS = "bins must be a whole number of at least 2, got {value!r}"


# --- readable cuts ---------------------------------------------------------------------------


def _nice_between(low: float, high: float) -> float:
    """The number with fewest significant digits in (low, high]: (5, 6] -> 6, (0.27, 0.31] -> 0.3."""
    if not high > low:
        return high
    top = math.floor(math.log10(max(abs(low), abs(high), high - low))) + 1
    for exponent in range(top, top - 18, -1):
        step = 10.0**exponent
        candidate = (math.floor(low / step) + 1) * step
        if exponent < 0:
            candidate = round(candidate, -exponent)
        if low < candidate <= high:
            return float(candidate)
    return float(high)


def _nice_date_between(low: float, high: float) -> float:
    """The coarsest calendar boundary (year, month, day, hour, …) in (low, high], as ns."""
    start = pd.Timestamp(int(low))
    candidates = [start + pd.offsets.YearBegin(1), start + pd.offsets.MonthBegin(1)]
    candidates += [start.floor(unit) + pd.Timedelta(1, unit) for unit in ("D", "h", "min", "s")]
    for candidate in candidates:
        if low < candidate.value <= high:
            return float(candidate.value)
    return float(high)


def readable_cut(
    below: float, above: float, centre: float, tolerance: float, datetime: bool = False
) -> float:
    """A round number splitting near ``centre``: anything in (below, above] splits the
    present values exactly; ``tolerance`` around the centre buys a rounder number."""
    low, high = min(below, centre - tolerance), max(above, centre + tolerance)
    return _nice_date_between(low, high) if datetime else _nice_between(low, high)


def cut_tolerance(values: np.ndarray) -> float:
    """How far a cut may move for readability: 0.5 % of the 1st-99th percentile spread."""
    low, high = np.nanpercentile(values, [1, 99])
    return CUT_TOLERANCE * float(high - low)


def _format_edge(value: float, datetime: bool) -> str:
    if not datetime:
        return format_value(value)
    stamp = pd.Timestamp(int(value))
    if stamp == stamp.normalize():
        return stamp.date().isoformat()
    return stamp.strftime("%Y-%m-%d %H:%M" if stamp.second == 0 else "%Y-%m-%d %H:%M:%S")


def _edge_value(value: float, datetime: bool) -> float | str:
    return _format_edge(value, True) if datetime else value


# --- binning one feature into cohorts -------------------------------------------------------


def _quantile_edges(
    values: np.ndarray, present: np.ndarray, bins: int, datetime: bool
) -> list[float]:
    """Readable cuts near the quantiles; every cut leaves values on both sides."""
    quantiles = np.nanquantile(values, np.linspace(0, 1, bins + 1))
    spread = cut_tolerance(values)
    edges: list[float] = []
    for i in range(1, bins):
        q = quantiles[i]
        below, above = present[present < q], present[present >= q]
        if below.size == 0:
            continue
        gap = min(q - quantiles[i - 1], quantiles[i + 1] - q)
        tolerance = min(spread, gap / 4)
        edge = readable_cut(float(below[-1]), float(above[0]), q, tolerance, datetime)
        edge = min(max(edge, float(present[1])), float(present[-1]))
        if not edges or edge > edges[-1]:
            edges.append(edge)
    return edges


#: Cohorts of one feature: (label, conditions), in the feature's order.
Bins = list[tuple[str, tuple[Condition, ...]]]


def _numeric_bins(series: pd.Series, column: str, bins: int) -> Bins:
    """Quantile bins with readable edges, or one cohort per value when there are few."""
    datetime = is_datetime(series)
    values = column_numbers(series)
    present = np.unique(values[~np.isnan(values)])
    if present.size == 0:
        return []
    if present.size <= bins:
        return [
            (
                f"= {_format_edge(v, datetime)}",
                (Condition(column, "==", _edge_value(v, datetime)),),
            )
            for v in present
        ]
    edges = _quantile_edges(values, present, bins, datetime)
    if not edges:
        return [("all values", (Condition(column, "is not missing"),))]
    shown = [_format_edge(e, datetime) for e in edges]
    cohorts: Bins = [(f"< {shown[0]}", (Condition(column, "<", _edge_value(edges[0], datetime)),))]
    for i in range(1, len(edges)):
        cohorts.append(
            (
                f"{shown[i - 1]} to < {shown[i]}",
                (
                    Condition(column, ">=", _edge_value(edges[i - 1], datetime)),
                    Condition(column, "<", _edge_value(edges[i], datetime)),
                ),
            )
        )
    cohorts.append((f"≥ {shown[-1]}", (Condition(column, ">=", _edge_value(edges[-1], datetime)),)))
    return cohorts


def _category_bins(series: pd.Series, column: str, top: int) -> Bins:
    """The ``top`` most common values, then every other value together."""
    ordered = ranked_values(text_labels(series.to_numpy(dtype=object)))
    if not ordered:
        return []
    kept = [value for value, _ in ordered[:top]]
    cohorts: Bins = [(value, (Condition(column, "==", value),)) for value in kept]
    rest = len(ordered) - len(kept)
    if rest:
        cohorts.append(
            (
                f"other ({rest:,} values)",
                (
                    Condition(column, "not in", tuple(kept)),
                    Condition(column, "is not missing"),
                ),
            )
        )
    return cohorts


def _feature_cohorts(frame: pd.DataFrame, column: str, bins: int, top: int) -> Bins:
    series = column_of(frame, column)
    if is_number(series) or is_datetime(series):
        cohorts = _numeric_bins(series, column, bins)
    else:
        cohorts = _category_bins(series, column, top)
    if series.isna().any():
        cohorts.append(("missing", (Condition(column, "is missing"),)))
    return cohorts


def _check_bins(bins: Any) -> None:
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ErrorAnalysisError(MSG_BINS.format(value=bins), field="bins")


def error_by_feature(
    frame: pd.DataFrame, errors: Any, column: str, *, bins: int = 10
) -> pd.DataFrame:
    """Error rate (or MAE) per cohort of one feature, in the feature's order.

    Numbers: quantile bins with readable edges (one cohort per value when there are at most
    ``bins`` values); other columns: the 20 most common values plus "other"; missing values
    are their own cohort. ``attrs``: column, measure, overall.
    """
    _check_bins(bins)
    err = read_errors(frame, errors)
    labelled = _feature_cohorts(frame, column, bins, TOP_CATEGORIES)
    cohorts = [cohort_of(conds, apply_cohort(frame, conds), err) for _, conds in labelled]
    table = cohorts_table(cohorts, [label for label, _ in labelled])
    table = table[table["rows"] > 0].reset_index(drop=True)
    table.attrs.update(column=column, measure=err.measure, overall=err.overall)
    return table


def error_heatmap(
    frame: pd.DataFrame, errors: Any, x: str, y: str, *, bins: int = 6
) -> pd.DataFrame:
    """Error rate (or MAE) over two features: one row per non-empty (x cohort, y cohort) cell.

    ``x`` and ``y`` columns hold the cohort labels as ordered categoricals (feature order);
    ``attrs``: x, y, measure, overall.
    """
    _check_bins(bins)
    err = read_errors(frame, errors)
    axes = []
    for column in (x, y):
        labelled = _feature_cohorts(frame, column, bins, bins)
        codes = np.full(len(frame), -1)
        for i, (_, conds) in enumerate(labelled):
            codes[apply_cohort(frame, conds) & (codes < 0)] = i
        axes.append(([label for label, _ in labelled], codes))
    (x_labels, x_codes), (y_labels, y_codes) = axes
    keep = err.known & (x_codes >= 0) & (y_codes >= 0)
    cells = (
        pd.DataFrame({"xi": x_codes[keep], "yi": y_codes[keep], "error": err.values[keep]})
        .groupby(["xi", "yi"], sort=True)["error"]
        .agg(["size", "sum"])
    )
    cells = cells.reset_index()
    table = pd.DataFrame(
        {
            "x": pd.Categorical.from_codes(
                cells["xi"].to_numpy(dtype=np.int64), categories=pd.Index(x_labels), ordered=True
            ),
            "y": pd.Categorical.from_codes(
                cells["yi"].to_numpy(dtype=np.int64), categories=pd.Index(y_labels), ordered=True
            ),
            "rows": cells["size"].astype(int),
            "errors": cells["sum"].astype(float),
        }
    )
    table["error_rate"] = table["errors"] / table["rows"]
    table["lift"] = table["error_rate"] / err.overall if err.overall else math.nan
    table.attrs.update(x=x, y=y, measure=err.measure, overall=err.overall)
    return table
