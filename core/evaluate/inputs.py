"""Evaluate stage: predictions and labels read and checked once, at the boundary.

Labels are compared as text (``core.coerce.class_label``), so ``True`` and "True" are the same
class; binary probabilities become an (n, 2) matrix in ``classes`` order. Every problem raises
``EvaluateError`` with one of the ``MSG_*`` messages, naming the offending argument.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.coerce import class_label
from core.exceptions import CoreError

_PROBA_TOLERANCE = 1e-6

# --- messages (tests import these) -------------------------------------------------------

MSG_LENGTHS = "{what} must have one value per row of y_true ({rows:,} rows), got {count:,}"
MSG_CLASSES = "classes must name at least two distinct classes, got {value!r}"
MSG_CLASSES_DUPLICATE = "classes must be distinct as text, got {value!r}"
MSG_PROBA_SHAPE = (
    "proba must be one score per row (binary) or one column per class ({classes} columns), "
    "got shape {shape}"
)
MSG_PROBA_RANGE = (
    "proba must hold probabilities between 0 and 1; found values from {low:g} to {high:g}"
)
MSG_NOT_FINITE = "{what} must be finite numbers; found {count:,} infinite value(s)"
MSG_UNKNOWN_LABELS = (
    "y_true holds {count:,} row(s) with labels not among classes {classes}: {examples}"
)
MSG_POSITIVE = "positive class {positive!r} is not among the classes {classes}"
MSG_NO_ROWS = "nothing to evaluate: no row has both a true value and a prediction"
MSG_THRESHOLD = "threshold must be a finite number, got {value!r}"
MSG_BOOTSTRAP = "bootstrap must be a whole number of 0 or more, got {value!r}"
MSG_VOLUME = "volume_per_month must be 0 or more, got {value!r}"
MSG_REGRESSION_NUMBERS = "{what} must be numbers; {count:,} value(s) could not be read as numbers"

NOTE_DROPPED = "{count:,} row(s) without a true value or a prediction were left out"


class EvaluateError(CoreError):
    """Predictions and labels do not fit together (lengths, classes, probabilities)."""


@dataclasses.dataclass(frozen=True, eq=False)
class Classified:
    y: np.ndarray  # class codes 0..k-1 in ``classes`` order
    proba: np.ndarray  # (n, k) in ``classes`` order
    classes: tuple[str, ...]
    positive: int | None  # code of the positive class (binary)
    dropped: int


def text_labels(values: np.ndarray) -> np.ndarray:
    """Labels as text via class_label, mapping each distinct value once; missing -> None."""
    series = pd.Series(values, dtype=object)
    missing = series.isna().to_numpy()
    mapping = {v: class_label(v) for v in pd.unique(series[~missing])}
    out = series.map(mapping).to_numpy(dtype=object)
    out[missing] = None
    return out


def class_texts(classes: Sequence) -> tuple[str, ...]:
    texts = tuple(class_label(c) for c in classes)
    if len(texts) < 2:
        raise EvaluateError(MSG_CLASSES.format(value=list(classes)), field="classes")
    if len(set(texts)) != len(texts):
        raise EvaluateError(MSG_CLASSES_DUPLICATE.format(value=list(classes)), field="classes")
    return texts


def positive_code(positive: Any, classes: tuple[str, ...]) -> int:
    if positive is None:
        return 1
    text = class_label(positive)
    if text not in classes:
        raise EvaluateError(
            MSG_POSITIVE.format(positive=positive, classes=list(classes)), field="positive"
        )
    return classes.index(text)


def proba_matrix(proba: Any, k: int, positive: int, rows: int) -> np.ndarray:
    p = np.asarray(proba, dtype=float)
    finite = p[np.isfinite(p)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if low < -_PROBA_TOLERANCE or high > 1 + _PROBA_TOLERANCE:
            raise EvaluateError(MSG_PROBA_RANGE.format(low=low, high=high), field="proba")
    if p.ndim == 1 and k == 2:
        if p.shape[0] != rows:
            raise EvaluateError(
                MSG_LENGTHS.format(what="proba", rows=rows, count=p.shape[0]), field="proba"
            )
        matrix = np.empty((rows, 2))
        matrix[:, positive] = p
        matrix[:, 1 - positive] = 1.0 - p
        return matrix
    if p.ndim != 2 or p.shape[1] != k:
        raise EvaluateError(MSG_PROBA_SHAPE.format(classes=k, shape=p.shape), field="proba")
    if p.shape[0] != rows:
        raise EvaluateError(
            MSG_LENGTHS.format(what="proba", rows=rows, count=p.shape[0]), field="proba"
        )
    return p


def classified(y_true: Any, proba: Any, classes: Sequence, positive: Any) -> Classified:
    """Validate once: labels as codes, probabilities as an (n, k) matrix, rows without either dropped."""
    texts = class_texts(classes)
    k = len(texts)
    pos = positive_code(positive, texts) if k == 2 else None
    raw = np.asarray(y_true, dtype=object).ravel()
    matrix = proba_matrix(proba, k, pos or 0, raw.shape[0])
    if np.isinf(matrix).any():
        count = int(np.count_nonzero(np.isinf(matrix).any(axis=1)))
        raise EvaluateError(MSG_NOT_FINITE.format(what="proba", count=count), field="proba")
    labels = text_labels(raw)
    keep = np.array([v is not None for v in labels], dtype=bool) & ~np.isnan(matrix).any(axis=1)
    labels, matrix = labels[keep], matrix[keep]
    if labels.size == 0:
        raise EvaluateError(MSG_NO_ROWS, field="y_true")
    codes = pd.Categorical(labels, categories=list(texts)).codes.astype(np.int64)
    unknown = codes < 0
    if unknown.any():
        examples = ", ".join(repr(v) for v in pd.unique(labels[unknown])[:5])
        raise EvaluateError(
            MSG_UNKNOWN_LABELS.format(
                count=int(unknown.sum()), classes=list(texts), examples=examples
            ),
            field="y_true",
        )
    matrix = np.clip(matrix, 0.0, 1.0)
    return Classified(codes, matrix, texts, pos, int(np.count_nonzero(~keep)))


def check_options(threshold: Any, bootstrap: Any, volume: Any) -> None:
    if threshold is not None and not (
        isinstance(threshold, int | float | np.number) and math.isfinite(float(threshold))
    ):
        raise EvaluateError(MSG_THRESHOLD.format(value=threshold), field="threshold")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise EvaluateError(MSG_BOOTSTRAP.format(value=bootstrap), field="bootstrap")
    if volume is not None and not (
        isinstance(volume, int | float | np.number) and math.isfinite(volume) and volume >= 0
    ):
        raise EvaluateError(MSG_VOLUME.format(value=volume), field="volume_per_month")


def read_numbers(values: Any, what: str, rows: int | None = None) -> np.ndarray:
    series = pd.Series(np.asarray(values).ravel())
    numbers = pd.to_numeric(series, errors="coerce")
    bad = int((numbers.isna() & series.notna()).sum())
    if bad:
        raise EvaluateError(MSG_REGRESSION_NUMBERS.format(what=what, count=bad), field=what)
    out = numbers.to_numpy(dtype=float, na_value=np.nan)
    if rows is not None and out.size != rows:
        raise EvaluateError(MSG_LENGTHS.format(what=what, rows=rows, count=out.size), field=what)
    if np.isinf(out).any():
        count = int(np.isinf(out).sum())
        raise EvaluateError(MSG_NOT_FINITE.format(what=what, count=count), field=what)
    return out
