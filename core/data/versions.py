"""Compare two dataset versions: rows and columns added or removed, type changes, distributions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ColumnChange:
    column: str
    status: str  # "added", "removed", "type changed", "changed", "same"
    dtype_before: str | None
    dtype_after: str | None
    summary_before: str
    summary_after: str


@dataclass(frozen=True)
class VersionDiff:
    rows_before: int
    rows_after: int
    rows_added: int  # rows of the new version whose exact content is not in the old one
    rows_removed: int  # rows of the old version whose exact content is not in the new one
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    columns: tuple[ColumnChange, ...]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.columns])


def _summary(series: pd.Series) -> str:
    """A one-line distribution summary, comparable across versions."""
    missing = float(series.isna().mean()) * 100
    if pd.api.types.is_bool_dtype(series):
        return f"{series.mean() * 100:.1f}% true, {missing:.1f}% missing"
    if pd.api.types.is_numeric_dtype(series):
        values = pd.to_numeric(series, errors="coerce").replace([np.inf, -np.inf], np.nan)
        if values.notna().sum() == 0:
            return f"all missing ({missing:.0f}%)"
        return (
            f"mean {values.mean():.4g}, std {values.std():.4g}, "
            f"min {values.min():.4g}, max {values.max():.4g}, {missing:.1f}% missing"
        )
    top = series.astype("string").value_counts(normalize=True, dropna=True).head(3)
    shares = ", ".join(f"{k} {v * 100:.0f}%" for k, v in top.items())
    return f"{series.nunique(dropna=True)} distinct; top: {shares}; {missing:.1f}% missing"


def _row_hashes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    return pd.util.hash_pandas_object(frame[columns], index=False)


def compare_versions(before: pd.DataFrame, after: pd.DataFrame) -> VersionDiff:
    """What changed from ``before`` to ``after``; rows are matched by their content on shared columns."""
    shared = [c for c in before.columns if c in after.columns]
    added_cols = tuple(c for c in after.columns if c not in before.columns)
    removed_cols = tuple(c for c in before.columns if c not in after.columns)
    if shared:
        old, new = _row_hashes(before, shared), _row_hashes(after, shared)
        rows_added = int((~new.isin(set(old))).sum())
        rows_removed = int((~old.isin(set(new))).sum())
    else:
        rows_added, rows_removed = len(after), len(before)
    changes = []
    for column in [*shared, *added_cols, *removed_cols]:
        b = before.get(column)
        a = after.get(column)
        sb, sa = ("—" if b is None else _summary(b)), ("—" if a is None else _summary(a))
        if b is None:
            status = "added"
        elif a is None:
            status = "removed"
        elif str(b.dtype) != str(a.dtype):
            status = "type changed"
        else:
            status = "same" if sb == sa else "changed"
        changes.append(
            ColumnChange(
                column,
                status,
                None if b is None else str(b.dtype),
                None if a is None else str(a.dtype),
                sb,
                sa,
            )
        )
    return VersionDiff(
        len(before), len(after), rows_added, rows_removed, added_cols, removed_cols, tuple(changes)
    )
