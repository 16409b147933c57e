"""Data stage: what is wrong with a dataset, said plainly, with a fix for each problem.

``quality_findings`` runs fixed checks (missing values, IDs, leakage, imbalance, …) and returns
``Finding``s whose ``fix_step`` is a cleaning-recipe step the user can accept as it is: numbers
such as outlier bounds are computed now, so the step is a fixed transformation, not something
learned again on each version. ``check_expectations`` re-checks the user's own rules, run by
pandera, on every new dataset version. Pure Python: no Streamlit, no storage.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core import prepare
from core.exceptions import CoreError

if TYPE_CHECKING:
    import pandera.pandas as pa
from core.schema import (
    MAX_CLASSES,
    ColumnSchema,
    Schema,
    class_label,
    class_labels,
    date_mask,
    infer_schema,
    number_mask,
)

Severity = Literal["info", "warning", "error"]
ExpectationKind = Literal["not_null", "unique", "range", "allowed_values", "regex", "row_count"]

__all__ = [
    "Expectation",
    "ExpectationError",
    "ExpectationKind",
    "ExpectationResult",
    "Finding",
    "FixImpact",
    "Severity",
    "check_expectations",
    "expectation_from_dict",
    "expectation_to_dict",
    "fix_impact",
    "quality_findings",
]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
EXPECTATION_KINDS: tuple[str, ...] = get_args(ExpectationKind)

MISSING_WARNING_SHARE = 0.20  # below: info (the pipeline imputes); at or above: warning
NEAR_CONSTANT_SHARE = 0.99
HIGH_CARDINALITY_DISTINCT = 50
HIGH_CARDINALITY_SHARE = 0.5
MIN_ROWS_FOR_SHARES = 20  # share-based rules say nothing on a handful of rows
OUTLIER_IQR_FACTOR = 3.0  # Tukey's "far out" fence: 1.5 flags too much of any skewed column
MIXED_MIN_NUMBER_SHARE = 0.10  # fewer numbers than this among text is just a category label
CAST_MIN_NUMBER_SHARE = 0.90  # from here on, casting (text → missing) is the suggested fix
IMBALANCE_RATIO = 4.0  # majority : minority above this = minority below 20 % in a binary task
STRONG_IMBALANCE_RATIO = 19.0  # minority below 5 %
RARE_CLASS_ROWS = 10
SMALL_GROUPS_MAX = 20  # a sensitive column with more distinct values is banded before fairness
TOO_MANY_CLASSES = MAX_CLASSES  # warning above, error above MAX_CLASSES_ERROR
MAX_CLASSES_ERROR = 200
TEXT_SAMPLE_ROWS = 100_000  # rows read by the text checks (mixed types, numbers/dates as text)
DATE_SAMPLE_VALUES = 2_000  # distinct values parsed by the dates-as-text check
DATES_AS_TEXT_SHARE = 0.95
LEAKAGE_SAMPLE_ROWS = 20_000
LEAKAGE_MIN_ROWS = 30
LEAKAGE_FOLDS = 3
LEAKAGE_DEPTH = 3
LEAKAGE_DEPTH_REGRESSION = 6  # 8 leaves cap R² near 0.98 even for an exact copy of the target
LEAKAGE_SCORE = 0.98
SEED = 0
FIX_CONFIRM_SHARE = 0.05  # a fix that changes more rows than this is not one click

# --- messages (tests import these) -------------------------------------------------------

MSG_NO_TARGET = "No target chosen yet: pick the column you want to predict."
FIX_NO_TARGET = "Choose the target column; the target checks (imbalance, leakage, …) then run."
MSG_TARGET_GONE = "The target {column} is not in this data."
FIX_TARGET_GONE = "Choose the target again."
MSG_MISSING = "{column} is missing in {count:,} of {rows:,} rows ({share})."
FIX_MISSING_CATEGORY = (
    "Fill the gaps with the category 'missing', so the model can learn from missingness."
)
FIX_MISSING_LEARNED = (
    "Leave it to the training pipeline: it learns the fill value (e.g. the median) from the "
    "training rows only; filling it here from all rows would leak test rows into training."
)
MSG_ALL_NULL = "{column} is empty: all {rows:,} rows are missing."
FIX_DROP_EMPTY = "Drop the column: it carries no information."
MSG_CONSTANT = "{column} has the same value {value} in every row{missing}."
FIX_DROP_CONSTANT = "Drop the column: a value that never changes cannot explain anything."
MSG_NEAR_CONSTANT = (
    "{column} is {value} in {share} of its rows ({count:,} of {rows:,}): it carries almost "
    "no information."
)
FIX_NEAR_CONSTANT = "Drop it unless the rare values matter for the outcome."
MSG_DUPLICATES = "{rows} ({share}): each is an exact copy of an earlier row."
FIX_DUPLICATES = (
    "Drop the duplicate rows, keeping the first: copies that land in both training and test "
    "make scores look better than they are."
)
MSG_ID_LIKE = (
    "{column} looks like an ID ({note}); as a feature it lets a model memorise rows instead "
    "of learning patterns."
)
FIX_ID_LIKE = "Set its role to identifier (kept for look-ups, not learned from), or drop it."
MSG_HIGH_CARDINALITY = (
    "{column} has {distinct:,} distinct values in {rows:,} rows: one-hot encoding makes a "
    "column per value, and rare values teach the model little."
)
FIX_HIGH_CARDINALITY = (
    "Group rare values into 'other' (keep the most frequent ones), or drop the column."
)
MSG_MIXED = (
    "{column} mixes numbers and text: {share} of values are numbers, the rest text like "
    "{examples}{sampled}."
)
FIX_MIXED_CAST = "Cast it to numbers; the text values ({examples}) become missing."
FIX_MIXED_DECIDE = (
    "Decide whether it is a number or a category and set its type; fix typos in the source."
)
MSG_NUMBERS_AS_TEXT = "{column} holds numbers stored as text, e.g. {examples}{sampled}."
FIX_NUMBERS_AS_TEXT = "Cast it to numbers so the model can use their order and size."
MSG_DATES_AS_TEXT = "{column} holds dates stored as text, e.g. {examples}{sampled}."
FIX_DATES_AS_TEXT = (
    "Parse it as dates; the model can then use parts such as the month or the age in days."
)
MSG_OUTLIERS = (
    "{column} has {values} ({share}) far outside the usual range: {where} "
    "({factor:g} × IQR beyond the quartiles)."
)
FIX_OUTLIERS = (
    "If they are errors or extremes the model should not chase, cap them at these bounds "
    "(fixed now, so every version gets the same rule)."
)
MSG_INF = "{column} holds {values}; models cannot use them."
FIX_INF = "Cap them to the column's finite range ({lower} … {upper})."
MSG_IMBALANCE = (
    "{column} is imbalanced: {minority!r} is {share} of labelled rows ({ratio} against "
    "{majority!r})."
)
FIX_IMBALANCE = "Use class weights, and judge models by PR AUC or the business value, not accuracy."
MSG_STRONG_IMBALANCE = (
    "{column} is strongly imbalanced: {minority!r} is only {share} of labelled rows ({ratio} "
    "against {majority!r}); accuracy is meaningless and a model may never predict it."
)
FIX_STRONG_IMBALANCE = (
    "Use class weights, judge models by PR AUC or the business value, and collect more "
    "{minority!r} rows if you can."
)
MSG_RARE_CLASSES = (
    "{column} has {classes} with fewer than {limit} rows: {examples}. That is too few to "
    "learn from, and test scores for so few rows are noise."
)
FIX_RARE_CLASSES = "Collect more rows, merge them into a related class, or filter those rows out."
MSG_SINGLE_CLASS = (
    "The target {column} has a single value {value} in all {rows:,} labelled rows: there is "
    "nothing to learn."
)
FIX_SINGLE_CLASS = "Choose another target, or add rows with other outcomes."
MSG_TOO_MANY_CLASSES = (
    "The target {column} has {count:,} classes: too many for a classifier; it looks like {guess}."
)
GUESS_NUMBER = "a number to predict (choose regression)"
GUESS_ID = "an ID or free text (choose another target)"
FIX_TOO_MANY_CLASSES = "Choose regression if it is a quantity, or another target column."
MSG_MISSING_TARGET = (
    "The target {column} is missing in {count:,} of {rows:,} rows ({share}); those rows "
    "cannot be used for training."
)
FIX_MISSING_TARGET = "Filter out the rows without a target; they can still be scored later."
MSG_LEAKAGE = (
    "{column} predicts the target almost perfectly on its own ({metric} {score:.2f}{sampled}): "
    "it may be recorded after the outcome."
)
FIX_LEAKAGE = "Drop it unless its value is really known at the moment of prediction."
MSG_SMALL_GROUPS = (
    "{column} has {groups} with fewer than {limit} rows: {examples}. Fairness numbers "
    "for these groups are unreliable."
)
FIX_SMALL_GROUPS = (
    "Collect more rows for these groups or merge them with a related group; read their "
    "fairness numbers with care."
)
SAMPLED = " (checked on a sample of {rows:,} rows)"

MSG_EXP_KIND = "expectation kind must be one of {choices}, got {value!r}"
MSG_EXP_COLUMN = "a {kind} expectation needs a column"
MSG_EXP_NO_COLUMN = "a row_count expectation is about the whole table; leave column empty"
MSG_EXP_NUMBER = "{field} must be a number, got {value!r}"
MSG_EXP_BOUNDS = "a {kind} expectation needs min, max or both"
MSG_EXP_MIN_MAX = "min {min} must not be more than max {max}"
MSG_EXP_VALUES = "an allowed_values expectation needs at least one value"
MSG_EXP_PATTERN = "a regex expectation needs a pattern"
MSG_EXP_REGEX = "pattern {pattern!r} is not a valid regular expression: {error}"
MSG_EXP_UNUSED = "{field} does not apply to a {kind} expectation"
MSG_EXP_UNKNOWN_KEY = "{key!r} is not a field of an expectation; fields: {fields}"
MSG_LIST_VALUES = "values must be a list of allowed values, got {value!r}"
MSG_EXP_MAPPING = "an expectation must be a mapping of fields, got {value!r}"
MSG_EXP_GONE = "{column} is gone: the column is not in this data, so {rule!r} cannot hold."
MSG_EXP_NOT_NUMERIC = "{column} holds {dtype} values, not numbers, so {rule!r} cannot be checked."
MSG_EXP_PASSED = "{rule!r} holds for all {rows:,} rows."
MSG_EXP_FAILED = "{count:,} of {rows:,} rows break {rule!r}, e.g. {examples}."
MSG_EXP_ROWS_PASSED = "{rule!r} holds: the data has {rows:,} rows."
MSG_EXP_ROWS_FAILED = "{rule!r} fails: the data has {rows:,} rows."


class ExpectationError(CoreError):
    """An expectation cannot be checked as written (unknown kind, min > max, bad regex, …)."""


@dataclasses.dataclass(frozen=True)
class Finding:
    """One data-quality problem, said plainly, with the fix in words and as a recipe step."""

    severity: Severity
    code: str
    column: str | None
    message: str
    fix: str | None = None
    fix_step: Mapping[str, Any] | None = None  # a recipe step as data, see ``_step``

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "fix_step": dict(self.fix_step) if self.fix_step is not None else None,
        }


# --- what a fix changes ----------------------------------------------------------------------

WHY_CAP = "caps {share} of rows: at that share these are probably real values, not errors"
WHY_FILL = (
    "fills {share} of rows with one constant: at that share the gaps are a pattern of their "
    "own; check why the values are missing before treating them as one value"
)
WHY_CAST = (
    "turns {share} of rows' values into missing: at that share they are probably real "
    "categories or codes, not typos"
)
WHY_DUPLICATES = (
    "removes {share} of rows: at that share the copies may be real repeat records "
    "(the same purchase twice), not errors"
)
WHY_FILTER = (
    "removes {share} of rows: at that share the data left may no longer look like the rows "
    "the model will score"
)
_WHY = {
    "cap_outliers": WHY_CAP,
    "fill_missing": WHY_FILL,
    "cast": WHY_CAST,
    "parse_dates": WHY_CAST,
    "drop_duplicates": WHY_DUPLICATES,
    "filter_rows": WHY_FILTER,
}


@dataclasses.dataclass(frozen=True)
class FixImpact:
    """What applying a finding's fix step changes: rows rewritten or removed, out of ``rows``.

    Values rewritten (capped, filled, unreadable after a cast) and rows removed count; a
    dropped column rewrites no row. Above ``FIX_CONFIRM_SHARE`` the fix is not one click:
    ``warning`` says why it may be wrong.
    """

    kind: str
    rows: int
    rows_changed: int

    @property
    def share(self) -> float:
        return self.rows_changed / self.rows if self.rows else 0.0

    @property
    def needs_confirmation(self) -> bool:
        return self.share > FIX_CONFIRM_SHARE

    @property
    def warning(self) -> str | None:
        if not self.needs_confirmation:
            return None
        return _WHY.get(self.kind, "changes {share} of rows").format(share=_pct(self.share))

    def describe(self) -> str:
        """ "changes 13.6 % of rows (1,360 of 10,000)"."""
        if self.kind == "drop_column":
            return "drops the column; no row's values change"
        return f"changes {_pct(self.share)} of rows ({self.rows_changed:,} of {self.rows:,})"

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rows_changed": self.rows_changed,
            "share": self.share,
            "needs_confirmation": self.needs_confirmation,
            "warning": self.warning,
            "description": self.describe(),
        }


def fix_impact(frame: pd.DataFrame, fix: Finding | Mapping[str, Any]) -> FixImpact:
    """Apply a finding's fix step (or a step as data) to ``frame`` and count what it changes.

    The step runs through ``core.prepare.apply_recipe``, as it will in the recipe, on only
    the columns it reads. Raises ``RecipeError`` when the step cannot run on this frame.
    """
    data = fix.fix_step if isinstance(fix, Finding) else fix
    if data is None:
        raise prepare.RecipeError("this finding has no fix step to apply")
    step = prepare.step_from_dict(dict(data))
    columns = list(step.params.get("subset", ())) if step.kind == "drop_duplicates" else []
    if step.column is not None and step.column in frame.columns:
        columns = [step.column]
    report = prepare.apply_recipe(frame[columns] if columns else frame, prepare.Recipe((step,)))
    done = report.reports[0]
    changed = {"cast": done.values_lost, "parse_dates": done.values_lost}.get(
        step.kind, done.changed_cells
    )
    if step.kind == "drop_column":
        changed = 0
    return FixImpact(kind=step.kind, rows=len(frame), rows_changed=changed + done.rows_removed)


# --- formatting ----------------------------------------------------------------------------


def _pct(share: float) -> str:
    if 0 < share < 0.001:
        return "< 0.1 %"
    if 0.999 < share < 1:
        return "> 99.9 %"
    return f"{share * 100:.1f} %".replace(".0 %", " %")


def _num(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def _examples(values: Sequence[Any], limit: int = 3) -> str:
    return ", ".join(repr(str(v)) for v in list(values)[:limit])


def _count(count: int, noun: str) -> str:
    """ "1 row", "2 rows", "1 class", "1,000 classes"."""
    plural = noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")
    return f"{count:,} {noun if count == 1 else plural}"


def _sampled(sampled_rows: int | None) -> str:
    return SAMPLED.format(rows=sampled_rows) if sampled_rows else ""


def _step(kind: str, column: str | None = None, **params: Any) -> dict[str, Any]:
    """A cleaning-recipe step as data, in the shape ``core.prepare.step_from_dict`` reads:
    ``{"kind": "cast", "column": "x", "params": {"to": "numeric"}}``."""
    return {
        "kind": kind,
        "column": column,
        "params": {k: v for k, v in params.items() if v is not None},
    }


def _drop(column: str) -> dict[str, Any]:
    return _step("drop_column", column)


# --- per-column facts, computed once --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Facts:
    """What the checks need to know about one column; vectorised, one pass per column."""

    present: int
    distinct: int  # exact when ``counts`` is set; for plain numbers 1 (constant) or 2 (varies)
    top_value: Any = None
    top_count: int = 0
    counts: pd.Series | None = None  # value counts, for low-cardinality columns only
    quantiles: tuple[float, float, float, float] | None = None  # 1 %, 25 %, 75 %, 99 %
    finite_min: float | None = None
    finite_max: float | None = None
    inf_count: int = 0


def _is_number_dtype(series: pd.Series) -> bool:
    dtype = series.dtype
    return ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)


def _is_text_dtype(series: pd.Series) -> bool:
    dtype = series.dtype
    return (
        ptypes.is_object_dtype(dtype)
        or ptypes.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def _numeric_facts(series: pd.Series, present: int) -> _Facts:
    arr = series.to_numpy(dtype=float, na_value=np.nan)
    finite = arr[np.isfinite(arr)]
    inf_count = int(np.isinf(arr).sum())
    if finite.size == 0:
        return _Facts(present, int(series.nunique()), inf_count=inf_count)
    q = np.quantile(finite, [0.01, 0.25, 0.75, 0.99])
    low, high = float(finite.min()), float(finite.max())
    top, top_count, distinct = None, 0, 2
    if low == high:
        top, top_count, distinct = low, int(finite.size), 1 + int(inf_count > 0)
    elif q[0] == q[3]:  # a value holding ≥ 99 % of the rows must cover the 1 %…99 % range
        top, top_count = float(q[0]), int((finite == q[0]).sum())
    return _Facts(
        present,
        distinct,
        top,
        top_count,
        quantiles=(float(q[0]), float(q[1]), float(q[2]), float(q[3])),
        finite_min=low,
        finite_max=high,
        inf_count=inf_count,
    )


def _column_facts(series: pd.Series, col: ColumnSchema, present: int) -> _Facts:
    if present == 0:
        return _Facts(0, 0)
    if _is_number_dtype(series):
        facts = _numeric_facts(series, present)
        if col.type == "numeric" and col.role != "sensitive":
            return facts
        counts = series.value_counts(dropna=True)
        top, top_count = counts.index[0], int(counts.iloc[0])
        return dataclasses.replace(
            facts, distinct=len(counts), top_value=top, top_count=top_count, counts=counts
        )
    if col.inferred_type in ("identifier", "text"):  # many distinct values: counts not needed
        return _Facts(present, int(series.nunique()))
    if ptypes.is_datetime64_any_dtype(series.dtype):
        distinct = 1 if series.min() == series.max() else 2
        return _Facts(present, distinct, series.dropna().iloc[0], present if distinct == 1 else 0)
    counts = series.value_counts(dropna=True)
    return _Facts(present, len(counts), counts.index[0], int(counts.iloc[0]), counts=counts)


# --- column checks -------------------------------------------------------------------------


def _missing_findings(name: str, col: ColumnSchema, missing: int, rows: int) -> list[Finding]:
    if missing == rows:
        message = MSG_ALL_NULL.format(column=name, rows=rows)
        return [Finding("warning", "all_null", name, message, FIX_DROP_EMPTY, _drop(name))]
    share = missing / rows
    severity: Severity = "warning" if share >= MISSING_WARNING_SHARE else "info"
    message = MSG_MISSING.format(column=name, count=missing, rows=rows, share=_pct(share))
    if col.type in ("categorical", "boolean", "text") and col.role != "identifier":
        step = _step("fill_missing", name, value="missing")
        return [Finding(severity, "missing_values", name, message, FIX_MISSING_CATEGORY, step)]
    return [Finding(severity, "missing_values", name, message, FIX_MISSING_LEARNED)]


def _value_findings(name: str, col: ColumnSchema, facts: _Facts, missing: int) -> list[Finding]:
    """Constant, near-constant and high-cardinality columns."""
    if facts.distinct == 1 and facts.top_value is not None:
        value = repr(class_label(facts.top_value))
        extra = f" that has a value ({missing:,} missing)" if missing else ""
        message = MSG_CONSTANT.format(column=name, value=value, missing=extra)
        return [
            Finding("warning", "constant_column", name, message, FIX_DROP_CONSTANT, _drop(name))
        ]
    findings = []
    if facts.top_value is not None and facts.top_count >= NEAR_CONSTANT_SHARE * facts.present:
        message = MSG_NEAR_CONSTANT.format(
            column=name,
            value=repr(class_label(facts.top_value)),
            share=_pct(facts.top_count / facts.present),
            count=facts.top_count,
            rows=facts.present,
        )
        findings.append(
            Finding("info", "near_constant", name, message, FIX_NEAR_CONSTANT, _drop(name))
        )
    many = facts.distinct > HIGH_CARDINALITY_DISTINCT or (
        facts.present >= MIN_ROWS_FOR_SHARES
        and facts.distinct > HIGH_CARDINALITY_SHARE * facts.present
    )
    if col.type == "categorical" and col.inferred_type != "identifier" and many:
        message = MSG_HIGH_CARDINALITY.format(
            column=name, distinct=facts.distinct, rows=facts.present
        )
        findings.append(Finding("warning", "high_cardinality", name, message, FIX_HIGH_CARDINALITY))
    return findings


def _numeric_findings(
    name: str, series: pd.Series, col: ColumnSchema, facts: _Facts
) -> list[Finding]:
    """Infinite values and outliers, with bounds fixed now so the step is reproducible."""
    findings = []
    if facts.inf_count and facts.finite_min is not None:
        low, high = facts.finite_min, facts.finite_max
        step = _step("cap_outliers", name, lower=low, upper=high)
        fix = FIX_INF.format(lower=_num(low), upper=_num(high))
        message = MSG_INF.format(column=name, values=_count(facts.inf_count, "infinite value"))
        findings.append(Finding("error", "inf_values", name, message, fix, step))
    if facts.quantiles is None or col.type != "numeric" or col.role in ("target", "identifier"):
        return findings
    _, q1, q3, _ = facts.quantiles
    iqr = q3 - q1
    lower, upper = q1 - OUTLIER_IQR_FACTOR * iqr, q3 + OUTLIER_IQR_FACTOR * iqr
    if iqr <= 0 or (facts.finite_min >= lower and facts.finite_max <= upper):
        return findings
    arr = series.to_numpy(dtype=float, na_value=np.nan)
    finite = arr[np.isfinite(arr)]
    count = int(((finite < lower) | (finite > upper)).sum())
    message = MSG_OUTLIERS.format(
        column=name,
        values=_count(count, "value"),
        share=_pct(count / facts.present),
        where=_outlier_sides(facts, lower, upper),
        factor=OUTLIER_IQR_FACTOR,
    )
    # Cap only the side that has outliers: a lower bound of -3 on a count column would be noise.
    step = _step(
        "cap_outliers",
        name,
        lower=lower if facts.finite_min < lower else None,
        upper=upper if facts.finite_max > upper else None,
    )
    return [*findings, Finding("info", "outliers", name, message, FIX_OUTLIERS, step)]


def _outlier_sides(facts: _Facts, lower: float, upper: float) -> str:
    sides = []
    if facts.finite_min < lower:
        sides.append(f"below {_num(lower)}")
    if facts.finite_max > upper:
        sides.append(f"above {_num(upper)}")
    return " or ".join(sides)


def _text_findings(name: str, series: pd.Series) -> list[Finding]:
    """Mixed types, numbers and dates stored as text, read on a sample of rows."""
    values = series.dropna()
    sampled = None
    if len(values) > TEXT_SAMPLE_ROWS:
        values, sampled = values.sample(TEXT_SAMPLE_ROWS, random_state=SEED), TEXT_SAMPLE_ROWS
    counts = values.astype(str).value_counts()
    if counts.empty:
        return []
    text = pd.Series(counts.index, dtype=object)
    is_number = number_mask(text).to_numpy()
    is_code = text.str.match(r"^\s*0\d+\s*$").to_numpy()
    weights = counts.to_numpy()
    number_rows, text_rows = weights[is_number].sum(), weights[~is_number & ~is_code].sum()
    if number_rows and not text_rows and not is_code.any():
        message = MSG_NUMBERS_AS_TEXT.format(
            column=name, examples=_examples(text[is_number].tolist()), sampled=_sampled(sampled)
        )
        step = _step("cast", name, to="numeric")
        return [Finding("warning", "numbers_as_text", name, message, FIX_NUMBERS_AS_TEXT, step)]
    share = number_rows / (number_rows + text_rows) if number_rows + text_rows else 0.0
    if text_rows and share >= MIXED_MIN_NUMBER_SHARE:
        junk = text[~is_number & ~is_code].tolist()
        message = MSG_MIXED.format(
            column=name, share=_pct(share), examples=_examples(junk), sampled=_sampled(sampled)
        )
        if share >= CAST_MIN_NUMBER_SHARE:
            step = _step("cast", name, to="numeric")
            fix = FIX_MIXED_CAST.format(examples=_examples(junk))
            return [Finding("warning", "mixed_types", name, message, fix, step)]
        return [Finding("warning", "mixed_types", name, message, FIX_MIXED_DECIDE)]
    if number_rows:
        return []
    head = text.iloc[:DATE_SAMPLE_VALUES]
    dates = date_mask(head)
    if dates.mean() >= DATES_AS_TEXT_SHARE:
        message = MSG_DATES_AS_TEXT.format(
            column=name, examples=_examples(head[dates].tolist()), sampled=_sampled(sampled)
        )
        step = _step("parse_dates", name)
        return [Finding("warning", "dates_as_text", name, message, FIX_DATES_AS_TEXT, step)]
    return []


def _small_group_findings(name: str, counts: pd.Series, limit: int) -> list[Finding]:
    small = counts[counts < limit]
    if small.empty:
        return []
    examples = ", ".join(f"{class_label(v)!r} ({n:,} rows)" for v, n in small.items())
    groups = _count(len(small), "group")
    message = MSG_SMALL_GROUPS.format(column=name, groups=groups, limit=limit, examples=examples)
    return [Finding("warning", "small_groups", name, message, FIX_SMALL_GROUPS)]


# --- target checks -------------------------------------------------------------------------


def _target_findings(df: pd.DataFrame, schema: Schema) -> tuple[list[Finding], bool]:
    """Checks of the target; the flag says whether the leakage check can run."""
    name, rows = schema.target, len(df)
    if name is None:
        return [Finding("info", "no_target", None, MSG_NO_TARGET, FIX_NO_TARGET)], False
    if name not in df.columns:
        message = MSG_TARGET_GONE.format(column=name)
        return [Finding("error", "missing_target", name, message, FIX_TARGET_GONE)], False
    y = df[name]
    labelled = y.dropna()
    findings = []
    if len(labelled) < rows:
        count = rows - len(labelled)
        severity: Severity = "error" if labelled.empty else "warning"
        message = MSG_MISSING_TARGET.format(
            column=name, count=count, rows=rows, share=_pct(count / rows)
        )
        step = _step("filter_rows", name, op="not null", action="keep")
        findings.append(
            Finding(severity, "missing_target", name, message, FIX_MISSING_TARGET, step)
        )
    if labelled.empty:
        return findings, False
    if schema.task == "regression":
        if labelled.nunique() > 1:
            return findings, True
        counts = labelled.value_counts()
    else:
        counts = class_labels(labelled).value_counts()
    if len(counts) == 1:
        value = repr(class_label(counts.index[0]))
        message = MSG_SINGLE_CLASS.format(column=name, value=value, rows=len(labelled))
        return [
            *findings,
            Finding("error", "single_class_target", name, message, FIX_SINGLE_CLASS),
        ], False
    if len(counts) > TOO_MANY_CLASSES:
        return [*findings, _too_many_classes(name, labelled, counts)], False
    return findings + _class_balance_findings(name, counts), True


def _too_many_classes(name: str, labelled: pd.Series, counts: pd.Series) -> Finding:
    numeric = _is_number_dtype(labelled) or bool(number_mask(counts.index.to_series()).all())
    severity: Severity = "error" if len(counts) > MAX_CLASSES_ERROR else "warning"
    guess = GUESS_NUMBER if numeric else GUESS_ID
    message = MSG_TOO_MANY_CLASSES.format(column=name, count=len(counts), guess=guess)
    return Finding(severity, "too_many_classes", name, message, FIX_TOO_MANY_CLASSES)


def _class_balance_findings(name: str, counts: pd.Series) -> list[Finding]:
    findings = []
    majority, minority = counts.index[0], counts.index[-1]
    ratio = counts.iloc[0] / counts.iloc[-1]
    share = _pct(counts.iloc[-1] / counts.sum())
    parts = {"column": name, "minority": minority, "majority": majority, "share": share}
    if ratio > STRONG_IMBALANCE_RATIO:
        message = MSG_STRONG_IMBALANCE.format(**parts, ratio=f"1 : {ratio:.1f}")
        fix = FIX_STRONG_IMBALANCE.format(minority=minority)
        findings.append(Finding("warning", "class_imbalance", name, message, fix))
    elif ratio > IMBALANCE_RATIO:
        message = MSG_IMBALANCE.format(**parts, ratio=f"1 : {ratio:.1f}")
        findings.append(Finding("warning", "class_imbalance", name, message, FIX_IMBALANCE))
    rare = counts[counts < RARE_CLASS_ROWS]
    if len(rare):
        examples = ", ".join(f"{v!r} ({n} rows)" for v, n in rare.items())
        message = MSG_RARE_CLASSES.format(
            column=name,
            classes=_count(len(rare), "class"),
            limit=RARE_CLASS_ROWS,
            examples=examples,
        )
        findings.append(Finding("warning", "rare_classes", name, message, FIX_RARE_CLASSES))
    return findings


# --- whole-table checks --------------------------------------------------------------------


def _duplicate_findings(df: pd.DataFrame) -> list[Finding]:
    """Exact duplicate rows: hash every row, then confirm the few candidates exactly."""
    if len(df) < 2 or df.shape[1] == 0:
        return []
    try:
        hashes = pd.util.hash_pandas_object(df, index=False)
        candidates = hashes.duplicated(keep=False).to_numpy()
        count = int(df[candidates].duplicated().sum()) if candidates.any() else 0
    except TypeError:  # unhashable cells: compare directly
        count = int(df.duplicated().sum())
    if not count:
        return []
    rows = _count(count, "duplicate row")
    message = MSG_DUPLICATES.format(rows=rows, share=_pct(count / len(df)))
    return [
        Finding(
            "warning", "duplicate_rows", None, message, FIX_DUPLICATES, _step("drop_duplicates")
        )
    ]


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


# --- the report ------------------------------------------------------------------------------


def _schema_columns(df: pd.DataFrame, schema: Schema) -> dict[str, ColumnSchema]:
    """The schema entry of every column in ``df``; columns the schema lacks are inferred."""
    known = {c.name: c for c in schema.columns}
    extra = [c for c in df.columns if c not in known]
    if extra:
        known.update({c.name: c for c in infer_schema(df[extra]).columns})
    return {name: known[name] for name in df.columns}


def _column_findings(
    name: str, series: pd.Series, col: ColumnSchema, missing: int, min_group_size: int
) -> list[Finding]:
    rows = len(series)
    findings = _missing_findings(name, col, missing, rows) if missing else []
    present = rows - missing
    if present == 0:
        return findings
    if col.inferred_type == "identifier" and col.role not in ("identifier", "ignore"):
        message = MSG_ID_LIKE.format(column=name, note=col.note.split(":")[0])
        findings.append(Finding("warning", "id_like", name, message, FIX_ID_LIKE, _drop(name)))
    if col.role == "identifier":
        return findings
    facts = _column_facts(series, col, present)
    findings += _value_findings(name, col, facts, missing)
    if _is_number_dtype(series):
        findings += _numeric_findings(name, series, col, facts)
    elif _is_text_dtype(series) and col.type != "boolean" and col.inferred_type != "identifier":
        findings += _text_findings(name, series)
    if col.role == "sensitive" and facts.counts is not None and facts.distinct <= SMALL_GROUPS_MAX:
        findings += _small_group_findings(name, facts.counts, min_group_size)
    return findings


def quality_findings(
    df: pd.DataFrame, schema: Schema, *, min_group_size: int = 30
) -> list[Finding]:
    """Every data-quality problem found in ``df``, errors first, each with a suggested fix.

    Vectorised; checks that do not need every row (text parsing, leakage) read a fixed-seed
    sample and say so. ``min_group_size``: a sensitive group smaller than this gets a warning
    that its fairness numbers are unreliable. Columns with role ``ignore`` are skipped.
    """
    findings, leakage_possible = _target_findings(df, schema)
    if len(df) == 0:
        return findings
    columns = _schema_columns(df, schema)
    missing = df.isna().sum()
    for name, col in columns.items():
        series = df[name]
        if name == schema.target:
            if _is_number_dtype(series) and int(missing[name]) < len(df):
                facts = _numeric_facts(series, len(df) - int(missing[name]))
                findings += _numeric_findings(name, series, col, facts)
            continue
        if col.role != "ignore":
            findings += _column_findings(name, series, col, int(missing[name]), min_group_size)
    findings += _duplicate_findings(df)
    if leakage_possible:
        findings += _leakage_findings(df, schema, columns)
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


# --- expectations: the user's own rules, run by pandera --------------------------------------


def _real(field: str, value: Any) -> float | None:
    if value is None:
        return None
    number = None
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise ExpectationError(MSG_EXP_NUMBER.format(field=field, value=value), field=field)
    return number


@dataclasses.dataclass(frozen=True)
class Expectation:
    """A rule the user expects every dataset version to keep, e.g. "churned is one of No, Yes".

    Checked on creation: an expectation that cannot be run raises ``ExpectationError``.
    """

    kind: ExpectationKind
    column: str | None = None  # None for row_count
    min: float | None = None  # range and row_count
    max: float | None = None
    values: tuple[str, ...] = ()  # allowed_values, compared as text
    pattern: str | None = None  # regex, must match the whole value

    def __post_init__(self) -> None:
        _check_expectation(self)

    def describe(self) -> str:
        if self.kind == "row_count":
            return "the data has " + _bounds(self.min, self.max) + " rows"
        if self.kind == "not_null":
            return f"{self.column} is never missing"
        if self.kind == "unique":
            return f"{self.column} has no repeated values"
        if self.kind == "range":
            return f"{self.column} is " + _bounds(self.min, self.max)
        if self.kind == "allowed_values":
            return f"{self.column} is one of {', '.join(self.values)}"
        return f"{self.column} matches {self.pattern}"


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {_num(low)} and {_num(high)}"
    if low is not None:
        return f"at least {_num(low)}"
    return f"at most {_num(high)}"


def _check_expectation(e: Expectation) -> None:
    """Validate once, at creation; normalises ``values`` to a tuple of text."""
    if e.kind not in EXPECTATION_KINDS:
        choices = ", ".join(EXPECTATION_KINDS)
        raise ExpectationError(MSG_EXP_KIND.format(choices=choices, value=e.kind), field="kind")
    if e.kind == "row_count" and e.column is not None:
        raise ExpectationError(MSG_EXP_NO_COLUMN, field="column")
    if e.kind != "row_count" and (not isinstance(e.column, str) or not e.column.strip()):
        raise ExpectationError(MSG_EXP_COLUMN.format(kind=e.kind), field="column")
    low, high = _real("min", e.min), _real("max", e.max)
    object.__setattr__(e, "min", low)
    object.__setattr__(e, "max", high)
    bounded = e.kind in ("range", "row_count")
    for field, value in (("min", low), ("max", high)):
        if value is not None and not bounded:
            raise ExpectationError(MSG_EXP_UNUSED.format(field=field, kind=e.kind), field=field)
    if bounded and low is None and high is None:
        raise ExpectationError(MSG_EXP_BOUNDS.format(kind=e.kind), field="min")
    if low is not None and high is not None and low > high:
        raise ExpectationError(MSG_EXP_MIN_MAX.format(min=_num(low), max=_num(high)), field="min")
    object.__setattr__(e, "values", tuple(class_label(v) for v in e.values))
    if e.kind == "allowed_values" and not e.values:
        raise ExpectationError(MSG_EXP_VALUES, field="values")
    if e.kind != "allowed_values" and e.values:
        raise ExpectationError(MSG_EXP_UNUSED.format(field="values", kind=e.kind), field="values")
    _check_pattern(e)


def _check_pattern(e: Expectation) -> None:
    if e.kind != "regex":
        if e.pattern is not None:
            raise ExpectationError(
                MSG_EXP_UNUSED.format(field="pattern", kind=e.kind), field="pattern"
            )
        return
    if not isinstance(e.pattern, str) or not e.pattern:
        raise ExpectationError(MSG_EXP_PATTERN, field="pattern")
    try:
        re.compile(e.pattern)
    except re.error as error:
        raise ExpectationError(
            MSG_EXP_REGEX.format(pattern=e.pattern, error=error), field="pattern"
        ) from None


_EXPECTATION_FIELDS = tuple(f.name for f in dataclasses.fields(Expectation))


def expectation_from_dict(data: Mapping[str, Any]) -> Expectation:
    """Read a saved or typed-in expectation, with a clear error for each wrong field."""
    if not isinstance(data, Mapping):
        raise ExpectationError(MSG_EXP_MAPPING.format(value=data))
    for key in data:
        if key not in _EXPECTATION_FIELDS:
            fields = ", ".join(_EXPECTATION_FIELDS)
            raise ExpectationError(
                MSG_EXP_UNKNOWN_KEY.format(key=key, fields=fields), field=str(key)
            )
    column = data.get("column")
    if isinstance(column, str) and not column.strip():
        column = None
    values = data.get("values") or ()
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ExpectationError(MSG_LIST_VALUES.format(value=values), field="values")
    pattern = data.get("pattern")
    return Expectation(
        kind=data.get("kind"),
        column=column,
        min=_real("min", data.get("min")),
        max=_real("max", data.get("max")),
        values=tuple(values),
        pattern=pattern if pattern != "" else None,
    )


def expectation_to_dict(expectation: Expectation) -> dict[str, Any]:
    """Plain JSON-safe data; ``expectation_from_dict(expectation_to_dict(e)) == e``."""
    out: dict[str, Any] = {"kind": expectation.kind}
    if expectation.column is not None:
        out["column"] = expectation.column
    for key in ("min", "max"):
        value = getattr(expectation, key)
        if value is not None:
            out[key] = int(value) if float(value).is_integer() else float(value)
    if expectation.values:
        out["values"] = list(expectation.values)
    if expectation.pattern is not None:
        out["pattern"] = expectation.pattern
    return out


@dataclasses.dataclass(frozen=True)
class ExpectationResult:
    """One expectation on one dataset version: did it hold, and if not, where and how."""

    expectation: Expectation
    passed: bool
    failing_rows: int
    message: str
    examples: tuple[str, ...] = ()  # up to 5 failing values (or rows), as text


def _column_check(e: Expectation) -> list[pa.Check]:
    import pandera.pandas as pa  # imported on use: ~1 s that most commands never need

    if e.kind == "range":
        if e.min is not None and e.max is not None:
            return [pa.Check.in_range(e.min, e.max)]
        return [pa.Check.ge(e.min)] if e.min is not None else [pa.Check.le(e.max)]
    if e.kind == "allowed_values":
        return [pa.Check.isin(list(e.values))]
    if e.kind == "regex":
        return [pa.Check.str_matches(f"(?:{e.pattern})\\Z")]
    return []


def _failure_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame | None:
    import pandera.pandas as pa  # imported on use: ~1 s that most commands never need

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases
    return None


def _check_rows(df: pd.DataFrame, e: Expectation) -> ExpectationResult:
    import pandera.pandas as pa

    rule, rows = e.describe(), len(df)
    low = -math.inf if e.min is None else e.min
    high = math.inf if e.max is None else e.max
    check = pa.Check(lambda frame: low <= len(frame) <= high, name="row_count", error=rule)
    if _failure_cases(pa.DataFrameSchema(checks=[check]), df) is None:
        return ExpectationResult(e, True, 0, MSG_EXP_ROWS_PASSED.format(rule=rule, rows=rows))
    message = MSG_EXP_ROWS_FAILED.format(rule=rule, rows=rows)
    return ExpectationResult(e, False, 0, message, (f"{rows:,} rows",))


def _check_column(df: pd.DataFrame, e: Expectation) -> ExpectationResult:
    import pandera.pandas as pa

    rule, rows, name = e.describe(), len(df), e.column
    if name not in df.columns:
        return ExpectationResult(e, False, rows, MSG_EXP_GONE.format(column=name, rule=rule))
    series = df[name].reset_index(drop=True)  # positions, so repeated index labels count once
    if e.kind == "range" and not _is_number_dtype(series):
        message = MSG_EXP_NOT_NUMERIC.format(column=name, dtype=series.dtype, rule=rule)
        return ExpectationResult(e, False, int(series.notna().sum()), message)
    if e.kind in ("allowed_values", "regex"):
        series = class_labels(series).astype(object)
    if e.kind == "unique":
        series = series.dropna()  # missing values are not_null's business, not repeats
    column = pa.Column(
        checks=_column_check(e), nullable=e.kind != "not_null", unique=e.kind == "unique"
    )
    cases = _failure_cases(pa.DataFrameSchema({name: column}), pd.DataFrame({name: series}))
    if cases is not None:
        cases = cases.assign(position=pd.to_numeric(cases["index"], errors="coerce"))
        cases = cases.dropna(subset=["position"]).sort_values("position", kind="stable")
    if cases is None or cases.empty:
        return ExpectationResult(e, True, 0, MSG_EXP_PASSED.format(rule=rule, rows=rows))
    positions = cases["position"].astype(int).unique()
    if e.kind == "not_null":
        examples = tuple(f"row {df.index[p]}" for p in positions[:5])
    else:
        failing = pd.unique(cases["failure_case"].dropna())
        examples = tuple(class_label(v) for v in failing[:5])
    shown = ", ".join(repr(x) for x in examples[:3]) + (", …" if len(examples) > 3 else "")
    message = MSG_EXP_FAILED.format(count=len(positions), rows=rows, rule=rule, examples=shown)
    return ExpectationResult(e, False, len(positions), message, examples)


def check_expectations(
    df: pd.DataFrame, expectations: Sequence[Expectation]
) -> list[ExpectationResult]:
    """Run each expectation on ``df`` with pandera; a column that is gone fails, not raises."""
    return [
        _check_rows(df, e) if e.kind == "row_count" else _check_column(df, e) for e in expectations
    ]
