"""Data stage: what is wrong with a dataset, said plainly, with a fix for each problem.

``quality_findings`` runs fixed checks (missing values, IDs, leakage, imbalance, …) and returns
``Finding``s whose ``fix_step`` is a cleaning-recipe step the user can accept as it is: numbers
such as outlier bounds are computed now, so the step is a fixed transformation, not something
learned again on each version. Pure Python: no Streamlit, no storage.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

if TYPE_CHECKING:
    pass
from core.coerce import class_label, class_labels
from core.data.findings import (
    SEVERITY_ORDER,
    Finding,
    Severity,
    _count,
    _drop,
    _examples,
    _num,
    _pct,
    _sampled,
    _step,
)
from core.data.inference import MAX_CLASSES, date_mask, number_mask
from core.data.leakage import SEED, _leakage_findings
from core.data.schema import ColumnSchema, Schema, infer_schema

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
MSG_SMALL_GROUPS = (
    "{column} has {groups} with fewer than {limit} rows: {examples}. Fairness numbers "
    "for these groups are unreliable."
)
FIX_SMALL_GROUPS = (
    "Collect more rows for these groups or merge them with a related group; read their "
    "fairness numbers with care."
)
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
    low, high = facts.finite_min, facts.finite_max
    if low is None or high is None:  # no finite value: nothing to cap or compare
        return []
    if facts.inf_count:
        step = _step("cap_outliers", name, lower=low, upper=high)
        fix = FIX_INF.format(lower=_num(low), upper=_num(high))
        message = MSG_INF.format(column=name, values=_count(facts.inf_count, "infinite value"))
        findings.append(Finding("error", "inf_values", name, message, fix, step))
    if facts.quantiles is None or col.type != "numeric" or col.role in ("target", "identifier"):
        return findings
    _, q1, q3, _ = facts.quantiles
    iqr = q3 - q1
    lower, upper = q1 - OUTLIER_IQR_FACTOR * iqr, q3 + OUTLIER_IQR_FACTOR * iqr
    if iqr <= 0 or (low >= lower and high <= upper):
        return findings
    arr = series.to_numpy(dtype=float, na_value=np.nan)
    finite = arr[np.isfinite(arr)]
    count = int(((finite < lower) | (finite > upper)).sum())
    message = MSG_OUTLIERS.format(
        column=name,
        values=_count(count, "value"),
        share=_pct(count / facts.present),
        where=_outlier_sides(low, high, lower, upper),
        factor=OUTLIER_IQR_FACTOR,
    )
    # Cap only the side that has outliers: a lower bound of -3 on a count column would be noise.
    step = _step(
        "cap_outliers",
        name,
        lower=lower if low < lower else None,
        upper=upper if high > upper else None,
    )
    return [*findings, Finding("info", "outliers", name, message, FIX_OUTLIERS, step)]


def _outlier_sides(low: float, high: float, lower: float, upper: float) -> str:
    sides = []
    if low < lower:
        sides.append(f"below {_num(lower)}")
    if high > upper:
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
