"""The population stability index and the buckets it compares, plus the chi-square behind them.

Numbers are bucketed at the reference's quantiles (plus a missing bucket); categories keep
the MAX_CATEGORIES most frequent training values, missing values, then every other or new
value in one bucket. Categories are compared as text (``core.coerce.class_label``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from scipy.stats.contingency import association

from core.monitor.common import _id_text

MAX_CATEGORIES = 50  # most frequent training categories kept as their own PSI bucket
PSI_EPSILON = 1e-4  # share used for an empty bucket so the logarithm stays finite
MISSING_BUCKET = "(missing)"
OTHER_BUCKET = "(other or new)"


def psi(reference_share: np.ndarray, current_share: np.ndarray) -> float:
    """Population stability index: sum of (current − reference) · ln(current / reference).

    Shares below PSI_EPSILON count as PSI_EPSILON, so an empty bucket gives a large but
    finite term.
    """
    ref = np.maximum(np.asarray(reference_share, dtype=float), PSI_EPSILON)
    cur = np.maximum(np.asarray(current_share, dtype=float), PSI_EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _distribution(labels: list[str], ref: np.ndarray, cur: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bucket": labels,
            "reference_count": ref.astype(np.int64),
            "current_count": cur.astype(np.int64),
            "reference_share": ref / max(ref.sum(), 1),
            "current_share": cur / max(cur.sum(), 1),
        }
    )


def _numeric_buckets(
    ref: np.ndarray, cur: np.ndarray, bins: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Right-closed buckets up to the reference's quantiles, plus a missing bucket.

    Edges are observed reference values (``inverted_cdf`` quantiles), so a whole-number
    column gets one bucket per value where quantiles tie, not edges such as 1.1.
    """
    ref_ok, cur_ok = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref_ok.size:
        inner = np.unique(
            np.quantile(ref_ok, np.linspace(0, 1, bins + 1)[1:-1], method="inverted_cdf")
        )
    else:
        inner = np.array([])
    count = inner.size + 1
    ref_counts = np.bincount(np.searchsorted(inner, ref_ok, side="left"), minlength=count)
    cur_counts = np.bincount(np.searchsorted(inner, cur_ok, side="left"), minlength=count)
    edges = [f"{v:.4g}" for v in inner]
    if inner.size:
        labels = [f"≤ {edges[0]}"]
        labels += [f"{a} – {b}" for a, b in itertools.pairwise(edges)]
        labels.append(f"> {edges[-1]}")
    else:
        labels = ["all values"]
    ref_missing, cur_missing = ref.size - ref_ok.size, cur.size - cur_ok.size
    if ref_missing or cur_missing:
        labels.append(MISSING_BUCKET)
        ref_counts = np.append(ref_counts, ref_missing)
        cur_counts = np.append(cur_counts, cur_missing)
    return labels, ref_counts.astype(float), cur_counts.astype(float)


def _category_text(values: pd.Series) -> pd.Series:
    return _id_text(values).fillna(MISSING_BUCKET)


def _categorical_buckets(
    ref: pd.Series, cur: pd.Series
) -> tuple[list[str], np.ndarray, np.ndarray, list[tuple[str, int]]]:
    """The most frequent training categories, missing values, then every other or new one."""
    ref_counts = ref.value_counts(sort=True)
    cur_counts = cur.value_counts()
    known = [str(v) for v in ref_counts.index if v != MISSING_BUCKET]
    kept = known[:MAX_CATEGORIES]
    if MISSING_BUCKET in ref_counts.index or MISSING_BUCKET in cur_counts.index:
        kept.append(MISSING_BUCKET)
    ref_kept = ref_counts.reindex(kept, fill_value=0).to_numpy(dtype=float)
    cur_kept = cur_counts.reindex(kept, fill_value=0).to_numpy(dtype=float)
    ref_other, cur_other = ref.size - ref_kept.sum(), cur.size - cur_kept.sum()
    labels = list(kept)
    if ref_other or cur_other:
        labels.append(OTHER_BUCKET)
        ref_kept = np.append(ref_kept, ref_other)
        cur_kept = np.append(cur_kept, cur_other)
    new = cur_counts[~cur_counts.index.isin([*ref_counts.index, MISSING_BUCKET])]
    new_list = [(str(v), int(n)) for v, n in new.items()]
    return labels, ref_kept, cur_kept, new_list


def _chi_square(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float, float]:
    """(statistic, p-value, Cramér's V) of the 2 x k table; buckets empty on both sides dropped."""
    table = np.vstack([ref, cur]).astype(np.int64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0, 0.0
    result = chi2_contingency(table)
    effect = float(association(table, method="cramer"))
    return float(result.statistic), float(result.pvalue), effect
