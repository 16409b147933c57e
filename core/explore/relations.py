"""The target and other columns: the target by bin or category of one column, columns ranked
by mutual information with the target, and two columns together (the pair view)."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Literal

import numpy as np
import pandas as pd

from core.coerce import class_labels
from core.data.schema import Schema
from core.explore.columns import (
    MAX_POINTS,
    SEED,
    TOP_CATEGORIES,
    ProfileError,
    category_bins,
    check_bins,
    check_column,
    factorize,
    floats,
    is_number,
    require_target,
    sample_positions,
    types_and_roles,
    with_missing_bin,
)
from core.explore.distributions import Quartiles, quartiles
from core.metrics import Task

PAIR_BINS = 40  # 2-D histogram bins per axis
MI_SAMPLE = 50_000
COLOUR_GROUPS = 10  # most groups a coloured scatter tells apart (the figures' palette)

MSG_TARGET_ITSELF = "{name!r} is the target; pick another column to compare with it"
MSG_NO_TARGET_ROWS = "the target {name!r} has no values, so there is nothing to compare with"
MSG_SAME_COLUMN = "pick two different columns, got {name!r} twice"


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


def target_relation(
    df: pd.DataFrame, schema: Schema, column: str, *, bins: int = 10
) -> TargetRelation:
    """The target by bin or category of ``column`` (missing values get their own bin).

    Binary: share of the positive class per bin; multiclass: each class's share per bin;
    regression: mean of the target per bin and a straight trend through the bin means.
    Rows without a target value are left out.
    """
    bins = check_bins(bins)
    y, task = require_target(df, schema, "the target view")
    x = check_column(df, column)
    if column == schema.target:
        raise ProfileError(MSG_TARGET_ITSELF.format(name=column), field=column)
    known = y.notna().to_numpy()
    x, y = x[known], y[known]
    if not len(y):
        raise ProfileError(MSG_NO_TARGET_ROWS.format(name=schema.target), field="target")
    numeric = is_number(x)
    centres = None
    if numeric:
        codes, labels, centres = _numeric_bins(floats(x), bins)
    else:
        codes, labels = category_bins(x, TOP_CATEGORIES)
    codes, labels = with_missing_bin(codes, labels)
    sizes = np.bincount(codes, minlength=len(labels))
    table = pd.DataFrame({"bin": labels, "rows": sizes})
    if centres is not None:
        table["centre"] = np.r_[centres, [np.nan] * (len(labels) - len(centres))]
    relation = TargetRelation(
        column=str(column),
        target=str(schema.target),
        task=task,
        kind="numeric" if numeric else "categorical",
        table=table,
        overall=None,
        rows=len(y),
    )
    if task == "regression":
        return _regression_relation(relation, codes, x, y)
    text = class_labels(y)
    if task == "binary":
        positive = (text == schema.positive_class).to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            table["rate"] = np.bincount(codes, weights=positive, minlength=len(labels)) / sizes
        overall = float(positive.mean())
        return dataclasses.replace(relation, overall=overall, positive_class=schema.positive_class)
    shares = pd.crosstab(np.asarray(labels)[codes], text.to_numpy(), normalize="index")
    shares = shares.reindex(index=labels, columns=list(schema.classes) or None).fillna(0.0)
    return dataclasses.replace(relation, shares=shares)


def _regression_relation(
    relation: TargetRelation, codes: np.ndarray, x: pd.Series, y: pd.Series
) -> TargetRelation:
    table = relation.table
    target = floats(y)
    ok = np.isfinite(target)
    sizes = np.bincount(codes[ok], minlength=len(table))
    with np.errstate(invalid="ignore"):
        table["mean"] = np.bincount(codes[ok], weights=target[ok], minlength=len(table)) / sizes
    trend, sample = None, None
    if relation.kind == "numeric":
        usable = table.dropna(subset=["centre", "mean"])
        if len(usable) >= 2:
            slope, intercept = np.polyfit(usable["centre"], usable["mean"], 1)
            trend = (float(slope), float(intercept))
        values = floats(x)
        both = np.flatnonzero(np.isfinite(values) & ok)
        pick = both[sample_positions(len(both), MAX_POINTS)]
        sample = pd.DataFrame({"x": values[pick], "y": target[pick]})
    overall = float(target[ok].mean()) if ok.any() else None
    return dataclasses.replace(relation, overall=overall, trend=trend, sample=sample)


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
    # imported here: scikit-learn is slow to import and only this view needs it
    from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

    y_all, task = require_target(df, schema, "ranking columns")
    kinds = types_and_roles(df, schema)
    names = [
        n
        for n in df.columns
        if kinds[n][1] in ("feature", "sensitive")
        and kinds[n][0] in ("numeric", "categorical", "boolean")
        and n != schema.target
    ]
    columns = ["column", "type", "measure", "value", "equivalent |r|", "strength"]
    known = np.flatnonzero(y_all.notna().to_numpy())
    rows = known[sample_positions(len(known), sample, seed)]
    if not names or not len(rows):
        return pd.DataFrame(columns=columns)
    part = df.iloc[rows]
    features, discrete, used = [], [], []
    for name in names:
        series = part[name]
        if is_number(series) and kinds[name][0] == "numeric":
            values = floats(series)
            finite = np.isfinite(values)
            if not finite.any():
                continue
            features.append(np.where(finite, values, np.median(values[finite])))
            discrete.append(False)
        else:
            features.append(factorize(series)[0].astype(np.float64) + 1)
            discrete.append(True)
        used.append(name)
    if not used:
        return pd.DataFrame(columns=columns)
    x = np.column_stack(features)
    y = part[schema.target]
    if task == "regression":
        target = floats(y)
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


@dataclasses.dataclass(frozen=True, eq=False)
class PairDensity:
    """Rows of two numeric columns counted in ``PAIR_BINS`` × ``PAIR_BINS`` bins
    (``counts[i, j]``: x bin i, y bin j, as ``np.histogram2d``)."""

    x: str
    y: str
    counts: np.ndarray
    x_edges: np.ndarray
    y_edges: np.ndarray
    rows: int


@dataclasses.dataclass(frozen=True, eq=False)
class PairScatter:
    """A seeded sample of at most ``MAX_POINTS`` of the ``rows`` rows with both numbers,
    coloured by a third column: by its numbers (``colour_values``) when it has more than
    ``COLOUR_GROUPS`` distinct ones, else by group (``groups`` codes into ``group_labels``)."""

    x: str
    y: str
    colour: str
    x_values: np.ndarray
    y_values: np.ndarray
    colour_values: np.ndarray | None
    groups: np.ndarray | None
    group_labels: list[str]
    rows: int


@dataclasses.dataclass(frozen=True, eq=False)
class PairCounts:
    """Rows by category of two columns (top 20 each, then "(other)" and "(missing)");
    ``counts[i, j]``: y label i, x label j."""

    x: str
    y: str
    counts: np.ndarray
    x_labels: list[str]
    y_labels: list[str]


@dataclasses.dataclass(frozen=True, eq=False)
class PairBoxes:
    """One box of ``value`` per category of ``group`` (top 20, quartiles over all rows);
    ``across``: the categories are the y column (values along x)."""

    value: str
    group: str
    labels: list[str]
    boxes: list[Quartiles]
    across: bool


PairView = PairDensity | PairScatter | PairCounts | PairBoxes


def _scatter(
    x: str, y: str, colour: pd.Series, values: tuple[np.ndarray, np.ndarray]
) -> PairScatter:
    xv, yv = values
    both = np.flatnonzero(np.isfinite(xv) & np.isfinite(yv))
    pick = both[sample_positions(len(both), MAX_POINTS)]
    shown = colour.iloc[pick]
    numbers: np.ndarray | None = None
    groups: np.ndarray | None = None
    labels: list[str] = []
    if is_number(shown) and shown.nunique() > COLOUR_GROUPS:
        numbers = floats(shown)
    else:
        groups, labels = with_missing_bin(*category_bins(shown, COLOUR_GROUPS - 1))
    name = str(colour.name)
    return PairScatter(x, y, name, xv[pick], yv[pick], numbers, groups, labels, len(both))


def _counts(xs: pd.Series, ys: pd.Series) -> PairCounts:
    x_codes, x_labels = with_missing_bin(*category_bins(xs, TOP_CATEGORIES))
    y_codes, y_labels = with_missing_bin(*category_bins(ys, TOP_CATEGORIES))
    counts = np.bincount(
        y_codes * len(x_labels) + x_codes, minlength=len(x_labels) * len(y_labels)
    ).reshape(len(y_labels), len(x_labels))
    return PairCounts(str(xs.name), str(ys.name), counts, x_labels, y_labels)


def _boxes(values: pd.Series, groups: pd.Series, *, across: bool) -> PairBoxes:
    codes, labels = with_missing_bin(*category_bins(groups, TOP_CATEGORIES))
    numbers = floats(values)
    finite = np.isfinite(numbers)
    shown, boxes = [], []
    for i, label in enumerate(labels):
        chosen = numbers[(codes == i) & finite]
        if len(chosen):
            shown.append(label)
            boxes.append(quartiles(chosen))
    return PairBoxes(str(values.name), str(groups.name), shown, boxes, across)


def pair_view(df: pd.DataFrame, x: str, y: str, *, color: str | None = None) -> PairView:
    """Two columns together. Numbers × numbers: a 2-D histogram of every row, or, with
    ``color``, a seeded sample of at most ``MAX_POINTS`` rows coloured by it; categories ×
    categories: a count table (top 20 each); mixed: a box per category."""
    if x == y:
        raise ProfileError(MSG_SAME_COLUMN.format(name=x), field="y")
    xs, ys = check_column(df, x), check_column(df, y)
    x_num, y_num = is_number(xs), is_number(ys)
    if x_num and y_num:
        xv, yv = floats(xs), floats(ys)
        if color is None or color in (x, y):
            both = np.isfinite(xv) & np.isfinite(yv)
            counts, x_edges, y_edges = np.histogram2d(xv[both], yv[both], bins=PAIR_BINS)
            return PairDensity(str(x), str(y), counts, x_edges, y_edges, int(both.sum()))
        return _scatter(str(x), str(y), check_column(df, color), (xv, yv))
    if not x_num and not y_num:
        return _counts(xs, ys)
    if x_num:
        return _boxes(xs, ys, across=True)
    return _boxes(ys, xs, across=False)
