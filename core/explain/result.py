"""What an explanation is: SHAP values of some rows (``Explanation``) and a what-if (``WhatIf``).

Frozen results with a small surface (global importance, one row's contributions, dependence)
that pages and figures read; ``core.explain.shap`` and ``core.explain.whatif`` build them.
Saved explanations pickle these classes.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.exceptions import CoreError

ExplainerKind = Literal["tree", "linear", "permutation"]
OutputSpace = Literal["log-odds", "softmax-logit", "probability", "prediction"]
By = Literal["input", "feature"]

# --- messages (tests import these) -------------------------------------------------------

MSG_UNKNOWN_FEATURE = "there is no feature or input column {name!r}{suggestion}"
MSG_ROW_INDEX = "row_index must be a whole number from 0 to {last}, got {value!r}"
MSG_BY = "by must be 'input' or 'feature', got {value!r}"


class ExplainError(CoreError):
    """Rows, columns, classes or what-if changes that do not fit the fitted pipeline."""


def suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def preview(names: Sequence[Any], limit: int = 12) -> str:
    shown = ", ".join(str(n) for n in list(names)[:limit])
    return shown + (f", … ({len(names):,} in all)" if len(names) > limit else "")


@dataclasses.dataclass(frozen=True, eq=False)
class Explanation:
    """SHAP values of some rows, in the model's ``output_space``; ``values`` is read-only.

    ``feature_names[j]`` is column ``j`` of ``values`` and ``data``; ``original_columns[j]``
    the input column it comes from. For the permutation explainer the features are the input
    columns themselves and ``data`` holds their original values. ``base_value +
    values.sum(axis=1)`` equals the model output in ``output_space`` (``predictions``).
    """

    feature_names: tuple[str, ...]
    original_columns: tuple[str, ...]
    values: np.ndarray  # (n_rows, n_features)
    base_value: float
    data: pd.DataFrame  # the rows as the explainer saw them (transformed), same index as rows
    rows: pd.DataFrame  # the explained rows as given (original values, all their columns)
    explainer: ExplainerKind
    output_space: OutputSpace
    sample_rows: int
    notes: tuple[str, ...] = ()
    class_label: Any = None  # the class explained; None for regression
    total_rows: int = 0  # rows available before sampling

    def __post_init__(self) -> None:
        self.values.setflags(write=False)

    @property
    def input_columns(self) -> tuple[str, ...]:
        """The input columns in order of first appearance among the features."""
        return tuple(dict.fromkeys(self.original_columns))

    @property
    def predictions(self) -> np.ndarray:
        """Base value + contributions per row: the model output in ``output_space``."""
        return self.base_value + self.values.sum(axis=1)

    def input_values(self) -> pd.DataFrame:
        """Contributions summed per input column (SHAP values add up), one row per row."""
        inputs = self.input_columns
        position = {name: i for i, name in enumerate(inputs)}
        members = np.zeros((len(self.original_columns), len(inputs)))
        for j, origin in enumerate(self.original_columns):
            members[j, position[origin]] = 1.0
        return pd.DataFrame(self.values @ members, columns=list(inputs), index=self.rows.index)

    def _by(self, by: By) -> tuple[np.ndarray, list[str]]:
        if by == "input":
            summed = self.input_values()
            return summed.to_numpy(), list(summed.columns)
        if by == "feature":
            return np.asarray(self.values), list(self.feature_names)
        raise ExplainError(MSG_BY.format(value=by), field="by")

    def global_importance(self, *, by: By = "input") -> pd.DataFrame:
        """Mean |SHAP| per input column (``by="input"``) or per feature, largest first.

        Columns: ``name``, ``mean_abs_shap``, ``share`` (of the total) and, per feature,
        ``input_column``. Per input column the contributions of its features are summed
        per row first, so a one-hot column counts once.
        """
        values, names = self._by(by)
        strength = np.abs(values).mean(axis=0) if len(values) else np.zeros(len(names))
        total = float(strength.sum())
        table = pd.DataFrame(
            {
                "name": names,
                "mean_abs_shap": strength,
                "share": strength / total if total > 0 else np.zeros(len(names)),
            }
        )
        if by == "feature":
            table["input_column"] = list(self.original_columns)
        table = table.sort_values(["mean_abs_shap", "name"], ascending=[False, True], kind="stable")
        return table.reset_index(drop=True)

    def contributions(self, row_index: int = 0, *, by: By = "input") -> pd.DataFrame:
        """One row's contributions, largest |value| first: ``name``, ``value``, ``shap``.

        ``value`` is the row's original input value (``by="input"``) or transformed value.
        """
        last = len(self.rows) - 1
        if isinstance(row_index, bool) or not isinstance(row_index, numbers.Integral):
            raise ExplainError(MSG_ROW_INDEX.format(last=last, value=row_index), field="row_index")
        if not 0 <= row_index <= last:
            raise ExplainError(MSG_ROW_INDEX.format(last=last, value=row_index), field="row_index")
        values, names = self._by(by)
        source = self.rows if by == "input" else self.data
        shown = [source[name].iloc[row_index] if name in source.columns else None for name in names]
        table = pd.DataFrame({"name": names, "value": shown, "shap": values[row_index]})
        order = np.argsort(-np.abs(table["shap"].to_numpy()), kind="stable")
        return table.iloc[order].reset_index(drop=True)

    def dependence(self, feature: str) -> pd.DataFrame:
        """``value`` and ``shap`` per row for a feature, or for an input column (its
        features' contributions summed, against its original values).

        A feature that is an input column itself is shown in the column's own units, not
        scaled. Raises ``ExplainError`` for an unknown name.
        """
        if feature in self.feature_names:
            j = self.feature_names.index(feature)
            origin = self.original_columns[j]
            value = self.data[feature]
            original = self.rows[origin] if origin in self.rows.columns else None
            if feature == origin and original is not None and ptypes.is_numeric_dtype(original):
                value = original
            contribution = np.asarray(self.values[:, j])
        elif feature in self.input_columns and feature in self.rows.columns:
            value = self.rows[feature]
            contribution = self.input_values()[feature].to_numpy()
        else:
            known = list(self.feature_names) + list(self.input_columns)
            message = MSG_UNKNOWN_FEATURE.format(name=feature, suggestion=suggest(feature, known))
            raise ExplainError(message, field="feature")
        return pd.DataFrame(
            {"value": value.to_numpy(), "shap": contribution}, index=self.rows.index
        )


@dataclasses.dataclass(frozen=True, eq=False)
class WhatIf:
    """One row before and after ``changes``: predictions, probabilities and contributions.

    ``original_proba``/``new_proba`` are the probability of ``positive`` (None for
    regression); the explanations are None when the model needs background rows and none
    were given (see ``notes``).
    """

    original_prediction: Any
    new_prediction: Any
    original_proba: float | None
    new_proba: float | None
    original_explanation: Explanation | None
    new_explanation: Explanation | None
    changed: tuple[str, ...]
    positive: Any = None
    original_row: pd.DataFrame | None = None
    new_row: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    @property
    def proba_change(self) -> float | None:
        if self.original_proba is None or self.new_proba is None:
            return None
        return self.new_proba - self.original_proba
