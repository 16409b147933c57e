"""Error analysis: which slices of the data does the model get wrong?

``errors`` is one number per row of ``frame`` (positional): 1/0 (or True/False) for "this
prediction was wrong" (classification: the measure is the error rate) or the absolute error
(regression: the measure is the mean absolute error); NaN rows are left out. Build it with
``prediction_errors``.

A cohort is data, not only text: ``Cohort.conditions`` can be saved (``cohort_to_dict``) and
re-applied to another run's rows (``apply_cohort``). Cuts on numbers are read as round
values ("tenure_months < 6", not "tenure_months <= 5.5"): any value between the two data
values around a cut splits the rows identically, and a cut may move by at most 0.5 % of the
column's spread to read rounder; every count is recomputed from the rule itself, so the
numbers shown always describe the rule shown. Conditions are ``core.conditions``' (one
rule for missing values everywhere): a missing value satisfies no comparison, ``!=`` and
``not in`` included; a cohort that holds the missing rows says "or missing". Saved cohorts
from before that rule (no ``missing_rule`` key) are read with their ``!=``/``not in`` rows
kept as they were, and their rule text says so. Pure Python: no Streamlit, no storage.

    errors = prediction_errors(test_y, proba, task="binary", positive="Yes", threshold=0.4)
    for cohort in discover_cohorts(test_x, errors):
        print(cohort.describe())   # tenure_months < 6 and contract = Month-to-month: 41% errors, 312 rows
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from core.conditions import OPERATORS, Condition, Operator, mask_all
from core.exceptions import CoreError
from core.metrics import flag_at_threshold, label_at_threshold
from core.schema import class_label, default_positive_class

__all__ = [
    "Cohort",
    "Condition",
    "ErrorAnalysisError",
    "Measure",
    "Operator",
    "apply_cohort",
    "cohort_from_dict",
    "cohort_to_dict",
    "cohorts_table",
    "discover_cohorts",
    "error_by_feature",
    "error_heatmap",
    "prediction_errors",
    "worst_predictions",
]

Measure = Literal["error rate", "mean absolute error"]
TOP_CATEGORIES = 20
CUT_TOLERANCE = 0.005  # a cut may move by this share of a column's spread to read as round
MISSING_RULE = 2  # saved cohorts: conditions follow core.conditions' rule for missing values
MAX_TREE_ROWS = 500_000  # the tree is fitted on a seeded sample above this
TABLE_COLUMNS = (
    "cohort",
    "rule",
    "rows",
    "share_of_rows",
    "errors",
    "error_rate",
    "lift",
    "share_of_errors",
)
_SHOWN = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}
_FLIP = {"<": ">", "<=": "≥"}

# --- messages (tests import these) -------------------------------------------------------

MSG_ERRORS_LENGTH = "errors must have one value per row of the frame ({rows:,} rows), got {count:,}"
MSG_ERRORS_NUMBERS = "errors must be numbers (1/0 for wrong/right, or absolute errors), got {dtype}"
MSG_ERRORS_NEGATIVE = (
    "errors must be 0 or more, found {count:,} negative value(s); pass the absolute error "
    "|prediction − actual| for regression"
)
MSG_NO_COLUMN = "{column!r} is not a column of the data{suggestion}"
MSG_BINS = "bins must be a whole number of at least 2, got {value!r}"
MSG_OPERATOR = "condition operator must be one of {choices}, got {value!r}"
MSG_COHORT_FIELD = "a saved cohort needs {field}; got keys {keys}"
MSG_CONDITION_VALUE = "condition {column!r} {op} needs {expected}, got {value!r}"
MSG_TASK = "task must be binary, multiclass or regression, got {value!r}"
MSG_LENGTH = "{what} must have one value per row of the frame ({rows:,} rows), got {count:,}"
MSG_CLASSES_NEEDED = "{task} probabilities with {columns} columns need classes (their column order)"
MSG_POSITIVE_NEEDED = (
    "binary scores need the positive class: pass positive= (or classes=, of which the "
    "schema's default rule picks one: 1 of 0/1, True, yes, …, else the later label)"
)
MSG_LABEL_UNKNOWN = "label {label!r} is not among classes {classes}"


class ErrorAnalysisError(CoreError):
    """Errors, columns or a saved cohort do not fit the data."""


# --- cohorts as data -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cohort:
    """A slice of rows with its error measure; ``lift`` = its error rate / the overall one."""

    rule: str
    rows: int
    error_rate: float  # the mean absolute error for regression (see ``measure``)
    lift: float
    conditions: tuple[Condition, ...]
    share_of_rows: float = math.nan
    share_of_errors: float = math.nan
    errors: float = math.nan  # wrong predictions, or the summed absolute error
    measure: Measure = "error rate"

    def describe(self) -> str:
        """One line: ``tenure_months < 6 and contract = Month-to-month: 41% errors, 312 rows``."""
        if self.measure == "error rate":
            amount = f"{self.error_rate:.0%} errors"
        else:
            amount = f"mean absolute error {_format_value(float(f'{self.error_rate:.4g}'))}"
        text = f"{self.rule}: {amount}, {self.rows:,} rows"
        return f"{text} ({self.lift:.1f}x overall)" if math.isfinite(self.lift) else text


def _format_value(value: Any) -> str:
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return str(value)
        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return str(int(value))
    return str(value)


def _render(conditions: Sequence[Condition]) -> str:
    """Conditions joined by "and"; a lower and upper bound on one column read ``6 ≤ x < 12``."""
    if not conditions:
        return "all rows"
    parts: list[str] = []
    used: set[int] = set()
    for i, c in enumerate(conditions):
        if i in used:
            continue
        if c.op in (">=", ">") and not c.or_missing:
            j = next(
                (
                    j
                    for j, d in enumerate(conditions)
                    if j not in used and j != i and d.column == c.column and d.op in ("<", "<=")
                ),
                None,
            )
            if j is not None:
                upper = conditions[j]
                used.add(j)
                low_op = "≤" if c.op == ">=" else "<"
                parts.append(
                    f"{_format_value(c.value)} {low_op} {c.column} {_SHOWN[upper.op]} "
                    f"{_format_value(upper.value)}"
                )
                continue
        parts.append(c.text())
    if len(parts) > 1:  # "a or missing and b" would read two ways
        parts = [f"({p})" if p.endswith(" or missing") else p for p in parts]
    return " and ".join(parts)


def cohort_to_dict(cohort: Cohort) -> dict[str, Any]:
    """JSON-ready: plain numbers, text and lists."""
    data = dataclasses.asdict(cohort)
    data["conditions"] = [
        {
            "column": c.column,
            "op": c.op,
            "value": list(c.value) if isinstance(c.value, tuple) else _plain(c.value),
            "or_missing": c.or_missing,
        }
        for c in cohort.conditions
    ]
    for key in ("error_rate", "lift", "share_of_rows", "share_of_errors", "errors"):
        data[key] = _plain(data[key])
    data["missing_rule"] = MISSING_RULE
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _condition_from_dict(data: Mapping[str, Any]) -> Condition:
    for field in ("column", "op"):
        if field not in data:
            raise ErrorAnalysisError(
                MSG_COHORT_FIELD.format(field=f"conditions[].{field}", keys=sorted(data)),
                field="conditions",
            )
    op, column, value = data["op"], str(data["column"]), data.get("value")
    if op not in OPERATORS:
        raise ErrorAnalysisError(
            MSG_OPERATOR.format(choices=", ".join(OPERATORS), value=op), field="conditions"
        )
    if op in ("in", "not in"):
        if not isinstance(value, list | tuple):
            raise ErrorAnalysisError(
                MSG_CONDITION_VALUE.format(column=column, op=op, expected="a list", value=value),
                field="conditions",
            )
        value = tuple(str(v) for v in value)
    elif op in ("is missing", "is not missing"):
        value = None
    elif value is None or isinstance(value, bool | list | dict):
        raise ErrorAnalysisError(
            MSG_CONDITION_VALUE.format(
                column=column, op=op, expected="a number or text", value=value
            ),
            field="conditions",
        )
    return Condition(column, op, value, bool(data.get("or_missing", False)))


def cohort_from_dict(data: Mapping[str, Any]) -> Cohort:
    """Read a saved cohort back; raises ErrorAnalysisError naming the bad field."""
    if "conditions" not in data:
        raise ErrorAnalysisError(
            MSG_COHORT_FIELD.format(field="conditions", keys=sorted(data)), field="conditions"
        )
    conditions = tuple(_condition_from_dict(c) for c in data["conditions"])
    rule = data.get("rule")
    if data.get("missing_rule") != MISSING_RULE:  # saved when != and not in held for missing
        legacy = tuple(
            dataclasses.replace(c, or_missing=True) if c.op in ("!=", "not in") else c
            for c in conditions
        )
        rule = None if legacy != conditions else rule
        conditions = legacy

    def number(key: str, default: float = math.nan) -> float:
        value = data.get(key)
        return default if value is None else float(value)

    measure = data.get("measure", "error rate")
    return Cohort(
        rule=str(rule or _render(conditions)),
        rows=int(data.get("rows") or 0),
        error_rate=number("error_rate"),
        lift=number("lift"),
        conditions=conditions,
        share_of_rows=number("share_of_rows"),
        share_of_errors=number("share_of_errors"),
        errors=number("errors"),
        measure="mean absolute error" if measure == "mean absolute error" else "error rate",
    )


# --- applying conditions -------------------------------------------------------------------


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        close = difflib.get_close_matches(str(column), [str(c) for c in frame.columns], n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise ErrorAnalysisError(
            MSG_NO_COLUMN.format(column=column, suggestion=suggestion), field=column
        )
    return frame[column]


def _is_datetime(series: pd.Series) -> bool:
    return ptypes.is_datetime64_any_dtype(series.dtype)


def _is_number(series: pd.Series) -> bool:
    return ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype)


def _numbers(series: pd.Series) -> np.ndarray:
    """Numbers as float (datetimes as nanoseconds, UTC); unreadable values are NaN."""
    if _is_datetime(series):
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        ns = series.to_numpy(dtype="datetime64[ns]").view(np.int64).astype(float)
        ns[series.isna().to_numpy()] = np.nan
        return ns
    if _is_number(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _texts(series: pd.Series) -> np.ndarray:
    """Values as text via class_label (True -> "True", 1.0 -> "1"); missing -> None."""
    values = pd.Series(series.astype(object).to_numpy(), dtype=object)
    missing = values.isna().to_numpy()
    mapping = {v: class_label(v) for v in pd.unique(values[~missing])}
    out = values.map(mapping).to_numpy(dtype=object)
    out[missing] = None
    return out


def apply_cohort(frame: pd.DataFrame, cohort: Cohort | Sequence[Condition]) -> np.ndarray:
    """Boolean mask of the frame's rows inside the cohort (all conditions hold).

    Conditions follow ``core.conditions``' one rule: a missing value satisfies no comparison
    unless the condition says ``or missing``.
    """
    conditions = cohort.conditions if isinstance(cohort, Cohort) else tuple(cohort)
    for condition in conditions:
        _column(frame, condition.column)  # an unknown column is named the cohort's way
    return mask_all(frame, conditions).to_numpy()


# --- errors in, statistics out --------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Errors:
    values: np.ndarray  # float, NaN = unknown
    known: np.ndarray
    measure: Measure
    total: float
    overall: float


def _read_errors(frame: pd.DataFrame, errors: Any) -> _Errors:
    raw = np.asarray(errors)
    if raw.ndim != 1 or raw.shape[0] != len(frame):
        raise ErrorAnalysisError(
            MSG_ERRORS_LENGTH.format(rows=len(frame), count=raw.size), field="errors"
        )
    if not (ptypes.is_numeric_dtype(raw.dtype) or ptypes.is_bool_dtype(raw.dtype)):
        converted = pd.to_numeric(pd.Series(raw), errors="coerce")
        if (converted.isna() & pd.Series(raw).notna()).any():
            raise ErrorAnalysisError(MSG_ERRORS_NUMBERS.format(dtype=raw.dtype), field="errors")
        raw = converted.to_numpy(dtype=float, na_value=np.nan)
    values = raw.astype(float)
    known = np.isfinite(values)
    negative = int(np.count_nonzero(values[known] < 0))
    if negative:
        raise ErrorAnalysisError(MSG_ERRORS_NEGATIVE.format(count=negative), field="errors")
    binary = raw.dtype == bool or np.isin(values[known], (0.0, 1.0)).all()
    total = float(values[known].sum())
    count = int(known.sum())
    return _Errors(
        values,
        known,
        "error rate" if binary else "mean absolute error",
        total,
        total / count if count else math.nan,
    )


def _cohort(conditions: Sequence[Condition], mask: np.ndarray, err: _Errors) -> Cohort:
    inside = mask & err.known
    rows = int(inside.sum())
    amount = float(err.values[inside].sum())
    rate = amount / rows if rows else math.nan
    known = int(err.known.sum())
    return Cohort(
        rule=_render(conditions),
        rows=rows,
        error_rate=rate,
        lift=rate / err.overall if err.overall else math.nan,
        conditions=tuple(conditions),
        share_of_rows=rows / known if known else math.nan,
        share_of_errors=amount / err.total if err.total else math.nan,
        errors=amount,
        measure=err.measure,
    )


def cohorts_table(cohorts: Sequence[Cohort], labels: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per cohort (TABLE_COLUMNS); ``attrs["measure"]`` says what error_rate holds."""
    labels = labels or [c.rule for c in cohorts]
    table = pd.DataFrame(
        [
            {
                "cohort": label,
                "rule": c.rule,
                "rows": c.rows,
                "share_of_rows": c.share_of_rows,
                "errors": c.errors,
                "error_rate": c.error_rate,
                "lift": c.lift,
                "share_of_errors": c.share_of_errors,
            }
            for label, c in zip(labels, cohorts, strict=True)
        ],
        columns=list(TABLE_COLUMNS),
    )
    table.attrs["measure"] = cohorts[0].measure if cohorts else "error rate"
    return table


# --- binning one feature into cohorts -------------------------------------------------------


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


def _readable_cut(
    below: float, above: float, centre: float, tolerance: float, datetime: bool = False
) -> float:
    """A round number splitting near ``centre``: anything in (below, above] splits the
    present values exactly; ``tolerance`` around the centre buys a rounder number."""
    low, high = min(below, centre - tolerance), max(above, centre + tolerance)
    return _nice_date_between(low, high) if datetime else _nice_between(low, high)


def _tolerance(values: np.ndarray) -> float:
    """How far a cut may move for readability: 0.5 % of the 1st-99th percentile spread."""
    low, high = np.nanpercentile(values, [1, 99])
    return CUT_TOLERANCE * float(high - low)


def _format_edge(value: float, datetime: bool) -> str:
    if not datetime:
        return _format_value(value)
    stamp = pd.Timestamp(int(value))
    if stamp == stamp.normalize():
        return stamp.date().isoformat()
    return stamp.strftime("%Y-%m-%d %H:%M" if stamp.second == 0 else "%Y-%m-%d %H:%M:%S")


def _edge_value(value: float, datetime: bool) -> float | str:
    return _format_edge(value, True) if datetime else value


def _quantile_edges(
    values: np.ndarray, present: np.ndarray, bins: int, datetime: bool
) -> list[float]:
    """Readable cuts near the quantiles; every cut leaves values on both sides."""
    quantiles = np.nanquantile(values, np.linspace(0, 1, bins + 1))
    spread = _tolerance(values)
    edges: list[float] = []
    for i in range(1, bins):
        q = quantiles[i]
        below, above = present[present < q], present[present >= q]
        if below.size == 0:
            continue
        gap = min(q - quantiles[i - 1], quantiles[i + 1] - q)
        tolerance = min(spread, gap / 4)
        edge = _readable_cut(float(below[-1]), float(above[0]), q, tolerance, datetime)
        edge = min(max(edge, float(present[1])), float(present[-1]))
        if not edges or edge > edges[-1]:
            edges.append(edge)
    return edges


def _numeric_bins(
    series: pd.Series, column: str, bins: int
) -> list[tuple[str, tuple[Condition, ...]]]:
    """Quantile bins with readable edges, or one cohort per value when there are few."""
    datetime = _is_datetime(series)
    values = _numbers(series)
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
    cohorts = [(f"< {shown[0]}", (Condition(column, "<", _edge_value(edges[0], datetime)),))]
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


def _category_bins(
    series: pd.Series, column: str, top: int
) -> list[tuple[str, tuple[Condition, ...]]]:
    """The ``top`` most common values, then every other value together."""
    texts = _texts(series)
    counts = pd.Series(texts[texts != None]).value_counts()  # noqa: E711
    if counts.empty:
        return []
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    kept = [value for value, _ in ordered[:top]]
    cohorts = [(value, (Condition(column, "==", value),)) for value in kept]
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


def _feature_cohorts(
    frame: pd.DataFrame, column: str, bins: int, top: int
) -> list[tuple[str, tuple[Condition, ...]]]:
    series = _column(frame, column)
    if _is_number(series) or _is_datetime(series):
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
    err = _read_errors(frame, errors)
    labelled = _feature_cohorts(frame, column, bins, TOP_CATEGORIES)
    cohorts = [_cohort(conds, apply_cohort(frame, conds), err) for _, conds in labelled]
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
    err = _read_errors(frame, errors)
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
            "x": pd.Categorical.from_codes(cells["xi"], categories=x_labels, ordered=True),
            "y": pd.Categorical.from_codes(cells["yi"], categories=y_labels, ordered=True),
            "rows": cells["size"].astype(int),
            "errors": cells["sum"].astype(float),
        }
    )
    table["error_rate"] = table["errors"] / table["rows"]
    table["lift"] = table["error_rate"] / err.overall if err.overall else math.nan
    table.attrs.update(x=x, y=y, measure=err.measure, overall=err.overall)
    return table


# --- discovering cohorts with a shallow tree ------------------------------------------------


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
        series = _column(frame, column)
        if _is_datetime(series) or ptypes.is_timedelta64_dtype(series.dtype):
            continue
        if _is_number(series):
            values = _numbers(series)[rows]
            missing = np.isnan(values)
            present = np.unique(values[~missing])
            if present.size < 2 and not (missing.any() and present.size):
                continue
            sentinel = None
            if missing.any():
                sentinel = float(present[0] - max(1.0, present[-1] - present[0]))
                values = np.where(missing, sentinel, values)
            blocks.append(values)
            tolerance = _tolerance(np.where(missing, np.nan, values))
            features.append(_NumericFeature(column, present, sentinel, tolerance))
            continue
        texts = _texts(series)[rows]
        missing = np.array([t is None for t in texts])
        counts = pd.Series(texts[~missing]).value_counts()
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        for value, count in ordered[:TOP_CATEGORIES]:
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
    cut = _readable_cut(float(below[-1]), float(above[0]), threshold, feature.tolerance)
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
        numeric = isinstance(kind, _NumericFeature)
        has_missing = kind.sentinel is not None if numeric else column in with_missing
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
    err = _read_errors(frame, errors)
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
        cohort = _cohort(conditions, apply_cohort(frame, conditions), err)
        if cohort.rows >= min_rows:
            cohorts.append(cohort)
    cohorts.sort(key=lambda c: (-c.error_rate, -c.rows, c.rule))
    return cohorts[:top]


# --- per-row errors and the worst predictions ----------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Scored:
    actual: np.ndarray
    predicted: np.ndarray
    score: np.ndarray | None  # positive-class score (binary) / probability of the actual class
    error: np.ndarray  # |p − y| / 1 − p(actual) / |prediction − actual|; NaN unknown
    wrong: np.ndarray


def _check_length(what: str, values: np.ndarray, rows: int) -> None:
    if values.shape[0] != rows:
        raise ErrorAnalysisError(
            MSG_LENGTH.format(what=what, rows=rows, count=values.shape[0]), field=what
        )


def _default_positive(names: Sequence[str]) -> str:
    """positive=None with classes given: the schema's rule over the class names alone."""
    return default_positive_class(pd.Series(list(names), dtype=object))[0]


def _score_rows(
    y_true: Any,
    output: Any,
    task: str,
    classes: Sequence | None,
    positive: Any,
    threshold: float,
) -> _Scored:
    if task not in ("binary", "multiclass", "regression"):
        raise ErrorAnalysisError(MSG_TASK.format(value=task), field="task")
    raw = pd.Series(np.asarray(y_true, dtype=object).ravel())
    rows = raw.size
    values = np.asarray(output)
    _check_length("predictions", values, rows)
    if task == "regression":
        actual = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        predicted = pd.to_numeric(pd.Series(values.ravel()), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        error = np.abs(predicted - actual)
        return _Scored(actual, predicted, None, error, error > 0)
    labels = _texts(raw)
    names = None if classes is None else [class_label(c) for c in classes]
    proba = values.astype(float)
    if proba.ndim == 2 and names is None:
        raise ErrorAnalysisError(
            MSG_CLASSES_NEEDED.format(task=task, columns=proba.shape[1]), field="classes"
        )
    if task == "binary" and proba.ndim == 1:
        if positive is None and names is None:
            raise ErrorAnalysisError(MSG_POSITIVE_NEEDED, field="positive")
        pos = class_label(positive) if positive is not None else _default_positive(names)
        others = [n for n in (names or sorted({t for t in labels if t is not None})) if n != pos]
        negative = others[0] if others else "not " + pos
        score = proba
        is_pos = np.array([t == pos for t in labels])
        predicted = label_at_threshold(score, threshold, positive=pos, negative=negative)
        error = np.abs(score - is_pos)
    else:
        if names is None or proba.ndim != 2 or proba.shape[1] != len(names):
            raise ErrorAnalysisError(
                MSG_CLASSES_NEEDED.format(task=task, columns=proba.shape[-1]), field="classes"
            )
        index = {name: i for i, name in enumerate(names)}
        unknown = [t for t in labels if t is not None and t not in index]
        if unknown:
            raise ErrorAnalysisError(
                MSG_LABEL_UNKNOWN.format(label=unknown[0], classes=names), field="y_true"
            )
        codes = np.array([index.get(t, -1) if t is not None else -1 for t in labels])
        if task == "binary":
            pos = index[class_label(positive) if positive is not None else _default_positive(names)]
            flagged = flag_at_threshold(proba[:, pos], threshold)
            chosen = np.where(flagged, pos, 1 - pos)
        else:
            chosen = np.argmax(proba, axis=1)
        predicted = np.asarray(names, dtype=object)[chosen]
        score = np.where(codes >= 0, proba[np.arange(rows), np.maximum(codes, 0)], np.nan)
        error = 1.0 - score
    missing = np.array([t is None for t in labels]) | np.isnan(error)
    error = np.where(missing, np.nan, error)
    wrong = (predicted != labels) & ~missing
    actual = labels
    return _Scored(actual, predicted, score, error, wrong)


def prediction_errors(
    y_true: Any,
    proba_or_pred: Any,
    *,
    task: Literal["binary", "multiclass", "regression"],
    classes: Sequence | None = None,
    positive: Any = None,
    threshold: float = 0.5,
) -> np.ndarray:
    """Per-row errors for the functions above: 1.0 wrong / 0.0 right, or |prediction − actual|.

    Binary: ``proba_or_pred`` is the positive-class score (flag when >= threshold) or an
    (n, 2) matrix in ``classes`` order; multiclass: an (n, k) matrix (argmax); regression:
    predictions. NaN where the truth or the prediction is missing.
    """
    scored = _score_rows(y_true, proba_or_pred, task, classes, positive, threshold)
    if task == "regression":
        return scored.error
    return np.where(np.isnan(scored.error), np.nan, scored.wrong.astype(float))


def worst_predictions(
    frame: pd.DataFrame,
    y_true: Any,
    proba_or_pred: Any,
    *,
    task: Literal["binary", "multiclass", "regression"],
    top: int = 50,
    classes: Sequence | None = None,
    positive: Any = None,
    threshold: float = 0.5,
) -> pd.DataFrame:
    """The ``top`` rows the model got most confidently wrong, with the frame's columns.

    Classification sorts by |p − y| (binary; p the positive score) or 1 − p(actual class);
    regression by |prediction − actual|. Added first: actual, predicted, score (classification),
    error, wrong. The frame's index is kept so rows can be traced back.
    """
    scored = _score_rows(y_true, proba_or_pred, task, classes, positive, threshold)
    _check_length("y_true", np.asarray(scored.actual), len(frame))
    order = np.argsort(-np.nan_to_num(scored.error, nan=-np.inf), kind="mergesort")
    order = order[~np.isnan(scored.error[order])][:top]
    added = {
        "actual": scored.actual[order],
        "predicted": scored.predicted[order],
    }
    if scored.score is not None:
        added["score"] = scored.score[order]
    added["error"] = scored.error[order]
    added["wrong"] = scored.wrong[order]
    picked = frame.iloc[order]
    rest = picked.drop(columns=[c for c in added if c in picked.columns])
    head = pd.DataFrame(added, index=picked.index)
    return pd.concat([head, rest], axis=1)
