"""A business rule as a scikit-learn classifier, evaluated through ``core.conditions``.

The rule language (text → checked tree) is ``core.train.rules``; this module holds only what a
fitted rule needs to predict, because saved pipelines reference it and exported bundles copy
it verbatim: numpy, pandas, scikit-learn and ``core.conditions``.

A parsed rule is a tree of tuples (picklable, no code objects)::

    ("and", (node, ...)) | ("or", (node, ...)) | ("not", node)
    ("compare", operand, ((op, operand), ...))
    operands: ("column", name) | ("value", number or text) | ("values", (value, ...))
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from core import conditions
from core.coerce import class_label

__all__ = ["RuleClassifier", "RuleExpression", "rule_condition"]

MSG_RULE_NEEDS_FRAME = "RuleClassifier needs a DataFrame with the rule's columns, got {kind}"
MSG_RULE_CLASSES = "RuleClassifier needs exactly two classes in y, got {count}"
MSG_RULE_NOT_PARSED = "RuleClassifier needs a parsed rule (core.train.rules.parse_rule), got {kind}"
MSG_RULE_COLUMNS = "RuleClassifier: the data lacks the rule's column(s) {columns}"
MSG_POSITIVE_MISSING = "positive class {positive!r} is not among the target's classes {classes}"

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclasses.dataclass(frozen=True)
class RuleExpression:
    """A checked rule: its text, the columns it reads and its condition tree."""

    text: str
    columns: tuple[str, ...]
    tree: tuple[Any, ...]

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """True where the rule holds (``core.conditions``: a missing value satisfies no
        comparison; ``not`` is the negation of the mask)."""
        return np.asarray(_evaluate(self.tree, frame), dtype=bool)


def rule_condition(left: tuple[Any, ...], op: str, right: tuple[Any, ...]) -> conditions.Condition:
    """One comparison of a parsed rule as a ``core.conditions.Condition`` (column on the left)."""
    if left[0] != "column":  # ``5 < x`` reads ``x > 5``
        left, op, right = right, _FLIPPED[op], left
    kind, value = right
    if kind == "column":
        value = conditions.ColumnRef(value)
    elif kind == "values":
        value = tuple(value)
    return conditions.Condition(left[1], op, value)  # type: ignore[arg-type]  # op: an Operator


def _evaluate(node: tuple[Any, ...], frame: pd.DataFrame) -> np.ndarray:
    kind = node[0]
    if kind == "and":
        return np.logical_and.reduce([_evaluate(child, frame) for child in node[1]])
    if kind == "or":
        return np.logical_or.reduce([_evaluate(child, frame) for child in node[1]])
    if kind == "not":
        return ~_evaluate(node[1], frame)
    _, left, pairs = node
    result = np.ones(len(frame), dtype=bool)
    for op, right in pairs:
        result &= conditions.mask(frame, rule_condition(left, op, right)).to_numpy()
        left = right
    return result


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """A business rule as a scikit-learn classifier: positive where the rule holds.

    ``rule`` is a parsed rule (``core.train.rules.parse_rule``). ``predict_proba`` is 0/1, so
    the rule is scored, thresholded and exported like any model. ``X`` must be a DataFrame
    holding the rule's columns.
    """

    def __init__(self, rule: RuleExpression | None = None, positive_class: Any = None) -> None:
        self.rule = rule
        self.positive_class = positive_class

    def fit(self, X: pd.DataFrame, y: Any) -> RuleClassifier:
        _need_frame(X)
        if not isinstance(self.rule, RuleExpression):
            raise ValueError(MSG_RULE_NOT_PARSED.format(kind=type(self.rule).__name__))
        validate_data(self, X, skip_check_array=True, reset=True)
        absent = [c for c in self.rule.columns if c not in X.columns]
        if absent:
            raise ValueError(MSG_RULE_COLUMNS.format(columns=", ".join(map(repr, absent))))
        self.expression_ = self.rule
        self.classes_ = np.unique(np.asarray(y))
        if len(self.classes_) != 2:
            raise ValueError(MSG_RULE_CLASSES.format(count=len(self.classes_)))
        index = 1
        if self.positive_class is not None:
            wanted = class_label(self.positive_class)
            matches = [i for i, c in enumerate(self.classes_) if class_label(c) == wanted]
            if not matches:
                shown = ", ".join(repr(class_label(c)) for c in self.classes_)
                raise ValueError(MSG_POSITIVE_MISSING.format(positive=wanted, classes=shown))
            index = matches[0]
        self.positive_index_ = index
        return self

    def _hits(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "expression_")
        _need_frame(X)
        return self.expression_.evaluate(X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        hits = self._hits(X).astype(float)
        proba = np.empty((len(hits), 2))
        proba[:, self.positive_index_] = hits
        proba[:, 1 - self.positive_index_] = 1.0 - hits
        return proba

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        hits = self._hits(X)
        positive, negative = self.positive_index_, 1 - self.positive_index_
        return self.classes_[np.where(hits, positive, negative)]


def _need_frame(X: Any) -> None:
    if not isinstance(X, pd.DataFrame):
        raise ValueError(MSG_RULE_NEEDS_FRAME.format(kind=type(X).__name__))
