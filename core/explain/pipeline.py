"""The fitted pipeline, split into what an explainer needs, and the checks of its inputs.

``parts`` separates the preprocessing from the model step and picks the explainer that
suits the model (``explainer_kind``); the rest checks rows, counts and classes once.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from core.coerce import class_label
from core.explain.result import ExplainerKind, ExplainError, preview

# --- messages (tests import these) -------------------------------------------------------

MSG_NOT_MODEL = "expected a fitted model pipeline with predict(), got {kind}"
MSG_NOT_FITTED = "the pipeline is not fitted yet; train the model before explaining it"
MSG_NO_ROWS = "there are no rows to explain"
MSG_MISSING_COLUMNS = "the rows lack {count} column(s) the model reads: {columns}"
MSG_COUNT = "{name} must be a whole number ≥ 1, got {value!r}"
MSG_CLASS_INDEX = (
    "class_index must be a whole number from 0 to {last} (classes: {classes}), got {value!r}"
)
MSG_CLASS_REGRESSION = (
    "class_index applies to classifiers only; this model predicts numbers, got {value!r}"
)
MSG_UNKNOWN_CLASS = "{value!r} is not a class of this model; its classes are {classes}"
MSG_CLASSES = "classes must list the model's {count} classes in its order, got {value!r}"
MSG_ONE_ROW = "{what} needs exactly one row, got {count}"
MSG_NOT_FRAME = "{what} must be a pandas DataFrame, got {kind}"


PROBABILITY_TREES = (
    "DecisionTreeClassifier",
    "ExtraTreeClassifier",
    "RandomForestClassifier",
    "ExtraTreesClassifier",
)
_MARGIN_TREES = (
    "HistGradientBoostingClassifier",
    "GradientBoostingClassifier",
    "XGBoostClassifier",
    "XGBClassifier",
)
_REGRESSION_TREES = (
    "DecisionTreeRegressor",
    "ExtraTreeRegressor",
    "RandomForestRegressor",
    "ExtraTreesRegressor",
    "HistGradientBoostingRegressor",
    "GradientBoostingRegressor",
    "XGBRegressor",
)


def explainer_kind(model: Any) -> ExplainerKind:
    """The SHAP explainer for a model step: tree, linear or model-agnostic permutation."""
    name = type(model).__name__
    if name in PROBABILITY_TREES + _MARGIN_TREES + _REGRESSION_TREES:
        return "tree"
    module = type(model).__module__
    if module.startswith("sklearn.linear_model") and hasattr(model, "coef_"):
        return "linear"
    return "permutation"


@dataclasses.dataclass(frozen=True)
class Parts:
    """A fitted pipeline split into what the explainer needs."""

    pipeline: Any
    prepare: Any  # the fitted preprocessing (all steps but the last), or None
    model: Any  # the model step, or the whole estimator when there is no preprocessing
    inputs: tuple[str, ...] | None  # input columns the pipeline reads, when it knows them
    classes: np.ndarray | None  # None for regression
    kind: ExplainerKind


def split_pipeline(pipeline: Any) -> Parts:
    if not hasattr(pipeline, "predict"):
        raise ExplainError(MSG_NOT_MODEL.format(kind=type(pipeline).__name__), field="model")
    try:
        check_is_fitted(pipeline)
    except NotFittedError:
        raise ExplainError(MSG_NOT_FITTED, field="model") from None
    if isinstance(pipeline, Pipeline) and len(pipeline.steps) > 1:
        prepare, model = pipeline[:-1], pipeline.steps[-1][1]
    else:
        prepare = None
        model = pipeline.steps[-1][1] if isinstance(pipeline, Pipeline) else pipeline
    names = getattr(pipeline, "feature_names_in_", None)
    inputs = tuple(str(n) for n in names) if names is not None else None
    classes = getattr(pipeline, "classes_", None) if hasattr(pipeline, "predict_proba") else None
    kind = explainer_kind(model) if prepare is not None else "permutation"
    return Parts(pipeline, prepare, model, inputs, classes, kind)


def as_frame(rows: Any, what: str) -> pd.DataFrame:
    if isinstance(rows, pd.Series):
        return rows.to_frame().T.infer_objects()
    if not isinstance(rows, pd.DataFrame):
        raise ExplainError(MSG_NOT_FRAME.format(what=what, kind=type(rows).__name__), field=what)
    return rows


def inputs_of(parts: Parts, frame: pd.DataFrame) -> list[str]:
    """The columns the pipeline reads, checked against the frame."""
    if parts.inputs is None:
        return [str(c) for c in frame.columns]
    missing = [c for c in parts.inputs if c not in frame.columns]
    if missing:
        message = MSG_MISSING_COLUMNS.format(count=len(missing), columns=preview(missing))
        raise ExplainError(message, field="columns")
    return list(parts.inputs)


def check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ExplainError(MSG_COUNT.format(name=name, value=value), field=name)
    return int(value)


def class_position(classes: np.ndarray | None, class_index: Any) -> int | None:
    if classes is None:
        if class_index is not None:
            raise ExplainError(MSG_CLASS_REGRESSION.format(value=class_index), field="class_index")
        return None
    if class_index is None:
        return 1 if len(classes) == 2 else 0
    last = len(classes) - 1
    bad = isinstance(class_index, bool) or not isinstance(class_index, numbers.Integral)
    if bad or not 0 <= class_index <= last:
        shown = preview([class_label(c) for c in classes])
        message = MSG_CLASS_INDEX.format(last=last, classes=shown, value=class_index)
        raise ExplainError(message, field="class_index")
    return int(class_index)


def class_index_of(pipeline: Any, label: Any) -> int:
    """The position of class ``label`` in ``pipeline.classes_``, compared as text.

    So the schema's positive class ("Yes", or "1" for a 0/1 target) finds its column.
    """
    classes = split_pipeline(pipeline).classes
    if classes is None:
        raise ExplainError(MSG_CLASS_REGRESSION.format(value=label), field="positive")
    return position_of_label(list(classes), label)


def position_of_label(classes: Sequence[Any], label: Any) -> int:
    """The position of ``label`` among ``classes``, compared as text; else ``ExplainError``."""
    wanted = class_label(label)
    for i, value in enumerate(classes):
        if class_label(value) == wanted:
            return i
    shown = preview([class_label(c) for c in classes])
    raise ExplainError(MSG_UNKNOWN_CLASS.format(value=label, classes=shown), field="positive")


def sample_positions(count: int, size: int, seed: int | tuple[int, int]) -> np.ndarray:
    """``size`` row positions drawn without replacement, in their original order."""
    if count <= size:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, size=size, replace=False))


def one_row(row: Any, what: str) -> pd.DataFrame:
    row = as_frame(row, what)
    if len(row) != 1:
        raise ExplainError(MSG_ONE_ROW.format(what=what, count=len(row)), field="row")
    return row
