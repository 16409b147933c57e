"""Missing values: how many per column, and which columns are missing together."""

from __future__ import annotations

import dataclasses

import pandas as pd


@dataclasses.dataclass(frozen=True, eq=False)
class MissingCounts:
    """Missing values of the ``columns`` columns over ``rows`` rows: ``counts`` holds the
    columns with gaps only, smallest first."""

    counts: pd.Series
    rows: int
    columns: int


def missing_counts(df: pd.DataFrame) -> MissingCounts:
    """Missing values per column, over every row (columns without any are left out)."""
    counts = df.isna().sum()
    counts = counts[counts > 0].sort_values(ascending=True)  # bottom-up: largest on top
    return MissingCounts(counts, len(df), df.shape[1])


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
