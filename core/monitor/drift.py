"""Drift per column against training, for one batch or period by period.

Drift rule: PSI says how large a change is, the test (scipy's two-sample KS for numbers,
chi-square on the reference-vs-current counts for categories) says whether it is more than
chance. With thousands of rows the test flags trivial changes, with a few dozen PSI is
noisy, so a column is ``drift`` only when both agree (PSI > psi_alert and p < p_value) and
``warn`` when one of them is loud: PSI > psi_alert by itself, or a significant test with
PSI > psi_warn or an effect of at least ``EFFECT_WARN`` (KS statistic or Cramér's V).

    report = drift_report(train, log.frame, columns=[...], categorical=["contract"])
    report.table, report.drifted
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from scipy.stats import ks_2samp

from core.data.findings import Finding, Severity
from core.monitor.common import (
    MonitorError,
    _check_frame,
    _examples,
    _num,
    _pct,
    _periods,
    _share,
    _times_of,
    _whole,
)
from core.monitor.logs import MSG_COLUMNS, _check_features, scored_rows
from core.monitor.psi import (
    _categorical_buckets,
    _category_text,
    _chi_square,
    _distribution,
    _numeric_buckets,
    psi,
)

Role = Literal["feature", "other", "prediction"]
DriftStatus = Literal["ok", "warn", "drift", "too few rows", "missing column"]
DRIFT_STATUSES: tuple[str, ...] = get_args(DriftStatus)
MAX_NEW_CATEGORIES = 20  # new categories listed per column
EFFECT_WARN = 0.1  # KS statistic or Cramér's V that is worth a warning when significant
OUT_OF_RANGE_WARN_SHARE = 0.01  # out-of-range rows above this share are a warning

MSG_PSI_LIMITS = "psi_warn ({warn!r}) must be more than 0 and at most psi_alert ({alert!r})"

FINDING_MISSING_COLUMN = (
    "{column} is missing from the {side} data, so its drift cannot be measured."
)
FIX_MISSING_COLUMN = "Send the column again, or retrain without it."
FINDING_NEW_CATEGORIES = (
    "{column} has {rows:,} row(s) with {count:,} value(s) never seen in training: {examples}."
)
FIX_NEW_CATEGORIES = "Check for a renamed or new category; retrain when it is here to stay."
FINDING_OUT_OF_RANGE = (
    "{column}: {below:,} value(s) below the training minimum {low} and {above:,} above the "
    "training maximum {high} ({share} of rows); the model extrapolates there."
)
FIX_OUT_OF_RANGE = "Check the unit and the source of the column; retrain on the new range."
FINDING_NOT_NUMERIC = (
    "{column}: {count:,} value(s) are not numbers, e.g. {examples}; they count as missing."
)
FINDING_TOO_FEW_ROWS = (
    "Only {rows:,} {side} row(s); drift needs at least {minimum:,}, so no column is flagged."
)
FINDING_NO_PREDICTION = (
    "Prediction drift left out: {column!r} is not in both the reference and the current data."
)


@dataclasses.dataclass(frozen=True, eq=False)
class ColumnDrift:
    """Drift of one column: PSI, the test behind it, the verdict and what is out of place.

    ``distribution`` has one row per PSI bucket: bucket, reference_count, current_count,
    reference_share, current_share. ``effect`` is the KS statistic (numbers) or Cramér's V
    (categories). ``new_categories`` lists (value, rows) for at most MAX_NEW_CATEGORIES.
    """

    column: str
    role: Role
    kind: Literal["numeric", "categorical"]
    status: DriftStatus
    psi: float
    test: Literal["ks", "chi2"] | None
    statistic: float
    p_value: float
    effect: float
    reference_rows: int
    current_rows: int
    missing_share: float = math.nan  # of the current rows
    new_category_rows: int = 0
    new_categories: tuple[tuple[str, int], ...] = ()
    below_range: int = 0
    above_range: int = 0
    distribution: pd.DataFrame | None = None

    @property
    def model_input(self) -> bool:
        """True for a column the model reads; "other" columns are watched, never read."""
        return self.role == "feature"


_TABLE_COLUMNS = [
    "column",
    "role",
    "model_input",
    "kind",
    "status",
    "psi",
    "test",
    "statistic",
    "p_value",
    "effect",
    "current_rows",
    "missing_share",
    "new_category_rows",
    "below_range",
    "above_range",
]


@dataclasses.dataclass(frozen=True, eq=False)
class DriftReport:
    """Drift of every compared column against the reference, and the schema problems found."""

    columns: tuple[ColumnDrift, ...]
    findings: tuple[Finding, ...]
    reference_rows: int
    current_rows: int
    psi_warn: float
    psi_alert: float
    p_value: float
    min_rows: int

    @property
    def table(self) -> pd.DataFrame:
        """One row per column, largest PSI first (columns without a PSI last)."""
        rows = [{name: getattr(c, name) for name in _TABLE_COLUMNS} for c in self.columns]
        table = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
        return table.sort_values("psi", ascending=False, na_position="last", kind="stable")

    @property
    def drifted(self) -> list[str]:
        """Columns whose status is "drift", largest PSI first."""
        table = self.table
        return table.loc[table["status"] == "drift", "column"].tolist()

    @property
    def warned(self) -> list[str]:
        table = self.table
        return table.loc[table["status"] == "warn", "column"].tolist()

    def column(self, name: str) -> ColumnDrift:
        for item in self.columns:
            if item.column == name:
                return item
        raise KeyError(f"no column {name!r} in this report")


def _status(
    psi_value: float, p: float, effect: float, *, warn: float, alert: float, p_value: float
) -> DriftStatus:
    significant = math.isfinite(p) and p < p_value
    if psi_value > alert:
        return "drift" if significant else "warn"
    if significant and (psi_value > warn or effect >= EFFECT_WARN):
        return "warn"
    return "ok"


@dataclasses.dataclass(frozen=True)
class _Options:
    bins: int
    warn: float
    alert: float
    p_value: float
    min_rows: int


def _numeric_drift(
    column: str, role: Role, ref: pd.Series, cur: pd.Series, o: _Options, notes: list[Finding]
) -> ColumnDrift:
    ref_num = pd.to_numeric(ref, errors="coerce").to_numpy(dtype=float)
    cur_values = pd.to_numeric(cur, errors="coerce")
    unreadable = cur.notna() & cur_values.isna()
    if unreadable.any():
        examples = _examples(pd.unique(cur[unreadable]))
        message = FINDING_NOT_NUMERIC.format(
            column=column, count=int(unreadable.sum()), examples=examples
        )
        notes.append(Finding("warning", "not_numeric", column, message))
    cur_num = cur_values.to_numpy(dtype=float)
    labels, ref_counts, cur_counts = _numeric_buckets(ref_num, cur_num, o.bins)
    value = psi(ref_counts / max(ref.size, 1), cur_counts / max(cur.size, 1))
    ref_ok, cur_ok = ref_num[~np.isnan(ref_num)], cur_num[~np.isnan(cur_num)]
    statistic = p = effect = math.nan
    test: Literal["ks", "chi2"] | None = None
    if ref_ok.size and cur_ok.size:
        result = ks_2samp(ref_ok, cur_ok)
        statistic, p, test = float(result.statistic), float(result.pvalue), "ks"
        effect = statistic
    below = above = 0
    if ref_ok.size and role != "prediction":
        low, high = float(ref_ok.min()), float(ref_ok.max())
        below, above = int((cur_ok < low).sum()), int((cur_ok > high).sum())
        if below or above:
            share = (below + above) / max(cur.size, 1)
            severity: Severity = "warning" if share >= OUT_OF_RANGE_WARN_SHARE else "info"
            message = FINDING_OUT_OF_RANGE.format(
                column=column, below=below, above=above, low=_num(low), high=_num(high),
                share=_pct(share),
            )  # fmt: skip
            notes.append(Finding(severity, "out_of_range", column, message, FIX_OUT_OF_RANGE))
    return ColumnDrift(
        column=column,
        role=role,
        kind="numeric",
        status=_status(value, p, effect, warn=o.warn, alert=o.alert, p_value=o.p_value),
        psi=value,
        test=test,
        statistic=statistic,
        p_value=p,
        effect=effect,
        reference_rows=int(ref.size),
        current_rows=int(cur.size),
        missing_share=float(np.isnan(cur_num).mean()) if cur.size else math.nan,
        below_range=below,
        above_range=above,
        distribution=_distribution(labels, ref_counts, cur_counts),
    )


def _categorical_drift(
    column: str, role: Role, ref: pd.Series, cur: pd.Series, o: _Options, notes: list[Finding]
) -> ColumnDrift:
    ref_text, cur_text = _category_text(ref), _category_text(cur)
    labels, ref_counts, cur_counts, new = _categorical_buckets(ref_text, cur_text)
    value = psi(ref_counts / max(ref.size, 1), cur_counts / max(cur.size, 1))
    statistic, p, effect = _chi_square(ref_counts, cur_counts)
    new_rows = sum(n for _, n in new)
    if new:
        examples = ", ".join(f"{v!r} ({n:,})" for v, n in new[:5])
        message = FINDING_NEW_CATEGORIES.format(
            column=column, rows=new_rows, count=len(new), examples=examples
        )
        notes.append(Finding("warning", "new_category", column, message, FIX_NEW_CATEGORIES))
    return ColumnDrift(
        column=column,
        role=role,
        kind="categorical",
        status=_status(value, p, effect, warn=o.warn, alert=o.alert, p_value=o.p_value),
        psi=value,
        test="chi2",
        statistic=statistic,
        p_value=p,
        effect=effect,
        reference_rows=int(ref.size),
        current_rows=int(cur.size),
        missing_share=float(cur.isna().mean()) if cur.size else math.nan,
        new_category_rows=new_rows,
        new_categories=tuple(new[:MAX_NEW_CATEGORIES]),
        distribution=_distribution(labels, ref_counts, cur_counts),
    )


def _missing_column(column: str, role: Role, side: str, rows: tuple[int, int]) -> ColumnDrift:
    return ColumnDrift(
        column=column,
        role=role,
        kind="numeric",
        status="missing column",
        psi=math.nan,
        test=None,
        statistic=math.nan,
        p_value=math.nan,
        effect=math.nan,
        reference_rows=rows[0],
        current_rows=rows[1],
    )


def _check_drift_options(
    categorical: Sequence[str],
    psi_bins: Any,
    psi_warn: Any,
    psi_alert: Any,
    p_value: Any,
    min_rows: Any,
) -> _Options:
    if isinstance(categorical, str) or not all(isinstance(c, str) for c in categorical):
        raise MonitorError(MSG_COLUMNS.format(value=categorical), field="categorical")
    bins = _whole(psi_bins, "psi_bins", 2)
    limits_ok = all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
        for v in (psi_warn, psi_alert)
    )
    if not limits_ok or not 0 < psi_warn <= psi_alert:
        raise MonitorError(MSG_PSI_LIMITS.format(warn=psi_warn, alert=psi_alert), field="psi_warn")
    return _Options(
        bins=bins,
        warn=float(psi_warn),
        alert=float(psi_alert),
        p_value=_share(p_value, "p_value"),
        min_rows=_whole(min_rows, "min_rows", 1),
    )


def _is_categorical(series: pd.Series, declared: bool) -> bool:
    if declared:
        return True
    return not (ptypes.is_numeric_dtype(series) and not ptypes.is_bool_dtype(series))


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    columns: Sequence[str],
    categorical: Sequence[str],
    other_columns: Sequence[str] = (),
    prediction_column: str | None = "probability",
    psi_bins: int = 10,
    psi_warn: float = 0.1,
    psi_alert: float = 0.2,
    p_value: float = 0.01,
    min_rows: int = 50,
) -> DriftReport:
    """Compare each column (and the prediction) of ``current`` with ``reference``.

    ``columns`` are the model's inputs (role "feature"); ``other_columns`` are columns the
    model does not read but that are worth watching all the same, e.g. a sensitive
    attribute (role "other", ``model_input`` False). ``categorical`` names the columns read
    as categories (a column that is not numeric in the reference is read as one anyway).
    Rows of a log that were not answered with 2xx are left out. Fewer than ``min_rows``
    rows on either side: every column is "too few rows".
    """
    reference = scored_rows(_check_frame(reference, "reference"))
    current = scored_rows(_check_frame(current, "current"))
    names = _check_features(columns, "columns")
    others = [c for c in _check_features(other_columns, "other_columns") if c not in names]
    o = _check_drift_options(categorical, psi_bins, psi_warn, psi_alert, p_value, min_rows)
    notes: list[Finding] = []
    targets: list[tuple[str, Role]] = [(c, "feature") for c in names]
    targets += [(c, "other") for c in others]
    names = [*names, *others]
    if prediction_column and prediction_column not in names:
        if prediction_column in reference.columns and prediction_column in current.columns:
            targets.append((prediction_column, "prediction"))
        else:
            notes.append(
                Finding(
                    "info",
                    "no_prediction",
                    None,
                    FINDING_NO_PREDICTION.format(column=prediction_column),
                )
            )
    if not targets:
        raise MonitorError(MSG_COLUMNS.format(value=list(columns)), field="columns")
    rows = (len(reference), len(current))
    too_few = min(rows) < o.min_rows
    declared = set(categorical)
    results = []
    for column, role in targets:
        side = next(
            (s for s, f in (("reference", reference), ("current", current)) if column not in f),
            None,
        )
        if side is not None:
            message = FINDING_MISSING_COLUMN.format(column=column, side=side)
            notes.append(Finding("error", "missing_column", column, message, FIX_MISSING_COLUMN))
            results.append(_missing_column(column, role, side, rows))
            continue
        ref, cur = reference[column], current[column]
        measure = _categorical_drift if _is_categorical(ref, column in declared) else _numeric_drift
        result = measure(column, role, ref, cur, o, notes)
        if too_few:
            result = dataclasses.replace(result, status="too few rows")
        results.append(result)
    if too_few:
        side, count = ("reference", rows[0]) if rows[0] < o.min_rows else ("current", rows[1])
        message = FINDING_TOO_FEW_ROWS.format(rows=count, side=side, minimum=o.min_rows)
        notes.insert(0, Finding("warning", "too_few_rows", None, message))
    return DriftReport(
        columns=tuple(results),
        findings=tuple(notes),
        reference_rows=rows[0],
        current_rows=rows[1],
        psi_warn=o.warn,
        psi_alert=o.alert,
        p_value=o.p_value,
        min_rows=o.min_rows,
    )


DRIFT_OVER_TIME_COLUMNS = ["period", "column", "role", "psi", "p_value", "status", "rows"]


def drift_over_time(
    reference: pd.DataFrame,
    log_frame: pd.DataFrame,
    *,
    columns: Sequence[str],
    categorical: Sequence[str],
    other_columns: Sequence[str] = (),
    freq: str = "W",
    time_column: str = "time",
    prediction_column: str | None = "probability",
    psi_bins: int = 10,
    psi_warn: float = 0.1,
    psi_alert: float = 0.2,
    p_value: float = 0.01,
    min_rows: int = 50,
) -> pd.DataFrame:
    """Long table period, column, role, psi, p_value, status, rows: one drift_report per period.

    Periods without scored rows are absent; a period with fewer than ``min_rows`` rows has
    its PSI but the status "too few rows".
    """
    frame = scored_rows(_check_frame(log_frame, "log_frame"))
    periods = _periods(_times_of(frame, time_column, "log_frame"), freq)
    parts = []
    for period, rows in frame.groupby(periods.to_numpy(), sort=True):
        report = drift_report(
            reference,
            rows,
            columns=columns,
            categorical=categorical,
            other_columns=other_columns,
            prediction_column=prediction_column,
            psi_bins=psi_bins,
            psi_warn=psi_warn,
            psi_alert=psi_alert,
            p_value=p_value,
            min_rows=min_rows,
        )
        for item in report.columns:
            parts.append(
                {
                    "period": period,
                    "column": item.column,
                    "role": item.role,
                    "psi": item.psi,
                    "p_value": item.p_value,
                    "status": item.status,
                    "rows": len(rows),
                }
            )
    table = pd.DataFrame(parts, columns=DRIFT_OVER_TIME_COLUMNS)
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table
