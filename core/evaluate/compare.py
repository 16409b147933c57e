"""Evaluate stage: two models' predictions on the same rows, metric by metric and row by row.

Which of two values is better follows the registry (``core.metrics.better_first``), as the
leaderboard ranks runs.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.evaluate.inputs import (
    MSG_LENGTHS,
    MSG_UNKNOWN_LABELS,
    EvaluateError,
    class_texts,
    positive_code,
    proba_matrix,
    read_numbers,
    text_labels,
)
from core.evaluate.metrics import label_point, proba_point, regression_point
from core.metrics import better_first, metric_label

MSG_TASK = "task must be one of binary, multiclass, regression or None, got {value!r}"
MSG_PROBA_PAIR = "give proba_a and proba_b together, or neither"


@dataclasses.dataclass(frozen=True, eq=False)
class RunComparison:
    """Two runs' predictions on the same rows: metric deltas and where they disagree.

    Masks align with the input rows. Classification: a row is right when the predicted label
    equals the truth. Regression: predictions disagree when they differ by more than the
    mean of the two MAEs, and the closer prediction counts as right.
    """

    task: Literal["binary", "multiclass", "regression"]
    metrics: pd.DataFrame  # metric, label, a, b, delta (= b − a), better ("A", "B", "tie")
    disagreement: np.ndarray
    disagreements: int
    a_right_b_wrong: np.ndarray
    b_right_a_wrong: np.ndarray

    @property
    def a_wins(self) -> int:
        return int(np.count_nonzero(self.a_right_b_wrong))

    @property
    def b_wins(self) -> int:
        return int(np.count_nonzero(self.b_right_a_wrong))


def _compare_table(a: dict[str, float], b: dict[str, float]) -> pd.DataFrame:
    rows = []
    for name in a:
        va, vb = a[name], b[name]
        if not (math.isfinite(va) and math.isfinite(vb)) or math.isclose(va, vb, abs_tol=1e-12):
            better = "tie"
        else:
            better = "AB"[better_first(name, [va, vb])[0]]
        rows.append(
            {
                "metric": name,
                "label": metric_label(name),
                "a": va,
                "b": vb,
                "delta": vb - va,
                "better": better,
            }
        )
    return pd.DataFrame(rows, columns=["metric", "label", "a", "b", "delta", "better"])


def _infer_task(y_true: Any, pred_a: Any, has_proba: bool) -> str:
    if has_proba:
        return "classification"
    y = pd.Series(np.asarray(y_true, dtype=object).ravel()).dropna()
    p = pd.Series(np.asarray(pred_a, dtype=object).ravel()).dropna()
    y_num, p_num = pd.to_numeric(y, errors="coerce"), pd.to_numeric(p, errors="coerce")
    if y_num.isna().any() or p_num.isna().any() or y.map(lambda v: type(v) is bool).any():
        return "classification"
    fractional = bool((p_num % 1 != 0).any() or (y_num % 1 != 0).any())
    return "regression" if fractional or y_num.nunique() > 20 else "classification"


def _compare_regression(y_true: Any, pred_a: Any, pred_b: Any) -> RunComparison:
    actual = read_numbers(y_true, "y_true")
    a = read_numbers(pred_a, "pred_a", actual.size)
    b = read_numbers(pred_b, "pred_b", actual.size)
    keep = np.isfinite(actual) & np.isfinite(a) & np.isfinite(b)
    err_a, err_b = np.abs(a - actual), np.abs(b - actual)
    scores = [regression_point(actual[keep], pred[keep]) for pred in (a, b)]
    tolerance = (scores[0]["mae"] + scores[1]["mae"]) / 2
    disagree = keep & (np.abs(a - b) > tolerance)
    return RunComparison(
        task="regression",
        metrics=_compare_table(*scores),
        disagreement=disagree,
        disagreements=int(disagree.sum()),
        a_right_b_wrong=disagree & (err_a < err_b),
        b_right_a_wrong=disagree & (err_b < err_a),
    )


def compare_predictions(
    y_true: Any,
    pred_a: Any,
    pred_b: Any,
    *,
    proba_a: np.ndarray | None = None,
    proba_b: np.ndarray | None = None,
    classes: Sequence | None = None,
    positive: Any = None,
    task: Literal["binary", "multiclass", "regression"] | None = None,
) -> RunComparison:
    """Metric deltas (B − A) and the rows where two runs disagree, e.g. a retrain vs the old model.

    Classification labels are compared as text; ``classes`` (the probability column order)
    defaults to the sorted labels seen, ``positive`` to the second class. Probability metrics
    (ROC AUC, PR AUC, log loss) appear when both proba_a and proba_b are given. ``task`` is
    inferred when None: numbers with fractions or over 20 distinct values are regression.
    """
    if task not in (None, "binary", "multiclass", "regression"):
        raise EvaluateError(MSG_TASK.format(value=task), field="task")
    if (proba_a is None) != (proba_b is None):
        raise EvaluateError(MSG_PROBA_PAIR, field="proba_b")
    kind = task or _infer_task(y_true, pred_a, proba_a is not None)
    if kind == "regression":
        return _compare_regression(y_true, pred_a, pred_b)
    raw = np.asarray(y_true, dtype=object).ravel()
    texts = [text_labels(np.asarray(p, dtype=object).ravel()) for p in (raw, pred_a, pred_b)]
    for what, labels in (("pred_a", texts[1]), ("pred_b", texts[2])):
        if labels.size != raw.size:
            raise EvaluateError(
                MSG_LENGTHS.format(what=what, rows=raw.size, count=labels.size), field=what
            )
    if classes is None:
        seen = {v for labels in texts for v in labels if v is not None}
        classes = sorted(seen)
    names = class_texts(classes)
    k = len(names)
    pos = positive_code(positive, names) if k == 2 else None
    keep = np.all([np.array([v is not None for v in t]) for t in texts], axis=0)
    codes = []
    for what, labels in zip(("y_true", "pred_a", "pred_b"), texts, strict=True):
        c = pd.Categorical(labels[keep], categories=list(names)).codes.astype(np.int64)
        if (c < 0).any():
            examples = ", ".join(repr(v) for v in pd.unique(labels[keep][c < 0])[:5])
            raise EvaluateError(
                MSG_UNKNOWN_LABELS.format(
                    count=int((c < 0).sum()), classes=list(names), examples=examples
                ),
                field=what,
            )
        codes.append(c)
    y, a, b = codes
    scores = [label_point(y, a, k, pos), label_point(y, b, k, pos)]
    if proba_a is not None and proba_b is not None:
        for i, proba in enumerate((proba_a, proba_b)):
            matrix = proba_matrix(proba, k, pos or 0, raw.size)[keep]
            scores[i].update(proba_point(y, matrix, k, pos))
    right_a, right_b = np.zeros(raw.size, bool), np.zeros(raw.size, bool)
    right_a[keep], right_b[keep] = a == y, b == y
    disagree = np.zeros(raw.size, bool)
    disagree[keep] = a != b
    return RunComparison(
        task="binary" if pos is not None else "multiclass",
        metrics=_compare_table(*scores),
        disagreement=disagree,
        disagreements=int(disagree.sum()),
        a_right_b_wrong=right_a & ~right_b,
        b_right_a_wrong=right_b & ~right_a,
    )
