"""Evaluate stage, error analysis: per-row errors and the most confidently wrong predictions.

A binary prediction is positive when its score reaches the threshold (the same decision as
``core.evaluate.classification``, through ``core.metrics``); multiclass takes the most
probable class.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.coerce import class_label
from core.data.inference import default_positive_class
from core.evaluate.classification import predicted_codes
from core.evaluate.cohorts import ErrorAnalysisError
from core.evaluate.inputs import text_labels
from core.metrics import label_at_threshold

MSG_TASK = "task must be binary, multiclass or regression, got {value!r}"
MSG_LENGTH = "{what} must have one value per row of the frame ({rows:,} rows), got {count:,}"
MSG_CLASSES_NEEDED = "{task} probabilities with {columns} columns need classes (their column order)"
MSG_POSITIVE_NEEDED = (
    "binary scores need the positive class: pass positive= (or classes=, of which the "
    "schema's default rule picks one: 1 of 0/1, True, yes, …, else the later label)"
)
MSG_LABEL_UNKNOWN = "label {label!r} is not among classes {classes}"


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
    labels = text_labels(raw.to_numpy(dtype=object))
    names = None if classes is None else [class_label(c) for c in classes]
    proba = values.astype(float)
    if proba.ndim == 2 and names is None:
        raise ErrorAnalysisError(
            MSG_CLASSES_NEEDED.format(task=task, columns=proba.shape[1]), field="classes"
        )
    if task == "binary" and proba.ndim == 1:
        if positive is not None:
            pos = class_label(positive)
        elif names is not None:
            pos = _default_positive(names)
        else:
            raise ErrorAnalysisError(MSG_POSITIVE_NEEDED, field="positive")
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
        code = None
        if task == "binary":
            code = index[
                class_label(positive) if positive is not None else _default_positive(names)
            ]
        chosen = predicted_codes(proba, code, threshold)
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
