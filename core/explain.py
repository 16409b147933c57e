"""Explain stage: why a fitted pipeline predicts what it does — SHAP values and what-if.

``explain`` runs the preprocessing once on a seeded sample of rows, then the SHAP explainer
that suits the model step: ``shap.TreeExplainer`` for tree models (exact; for XGBoost the
booster's own TreeSHAP, which shap.TreeExplainer calls anyway), ``shap.LinearExplainer`` for
linear models and shap's model-agnostic ``PermutationExplainer`` (small seeded background,
one contribution per input column) for everything else. Contributions are reported per
transformed feature under a readable name ("plan = pro") and, because SHAP values add up,
per input column too. Results are frozen dataclasses; ``core.explain_figures`` draws them.
Pure Python: no Streamlit, no storage; shap is imported only when used (it is slow to import).

    explanation = explain(pipeline, frame, sample=2000, seed=0)
    explanation.global_importance()        # mean |SHAP| per input column, largest first
    what_if(pipeline, frame.iloc[[0]], {"plan": "pro"}).new_proba
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from core.coerce import class_label
from core.exceptions import CoreError

__all__ = [
    "By",
    "ExplainError",
    "ExplainerKind",
    "Explanation",
    "OutputSpace",
    "WhatIf",
    "class_index_of",
    "explain",
    "explain_row",
    "explainer_kind",
    "permutation_importance_table",
    "what_if",
]

ExplainerKind = Literal["tree", "linear", "permutation"]
OutputSpace = Literal["log-odds", "softmax-logit", "probability", "prediction"]
By = Literal["input", "feature"]
ProgressCallback = Callable[[float, str], None]

DEFAULT_SAMPLE = 2000  # rows explained by default (a seeded sample of the frame)
AGNOSTIC_MAX_ROWS = 200  # the permutation explainer costs ~2 model calls a row
AGNOSTIC_EVALUATIONS = 2_000_000  # rows the model may predict for one permutation explanation
MIN_AGNOSTIC_ROWS = 10  # explained even when the budget allows fewer
NEIGHBOUR_COST_ROWS = 1000  # a k-NN prediction costs ~ its training rows / this (vs. a tree)
BACKGROUND_ROWS = 50  # background rows the permutation explainer masks with
LINEAR_BACKGROUND_ROWS = 1000  # rows whose mean the linear explainer compares with
PERMUTATIONS = 2  # forward + backward passes each; additivity holds exactly for any count
PERMUTATION_CHUNK = 25  # rows per permutation call (each chunk reseeded: chunk-independent)
TREE_CHUNK = 2000  # rows per TreeExplainer call when progress is reported
TREE_WORK_BUDGET = 4e10  # leaves x depth² x rows: about 20 s of TreeSHAP on a deep forest
MIN_TREE_ROWS = 20  # explained even when a deep forest exceeds the budget

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
MSG_NEEDS_BACKGROUND = (
    "a {kind} explanation compares the row with typical rows, so it needs background rows; "
    "pass background= (for example a sample of the training rows)"
)
MSG_NO_CHANGES = "what-if needs at least one change, as a mapping of column → new value"
MSG_UNKNOWN_COLUMN = "there is no column {name!r}{suggestion}; the model reads {known}"
MSG_NOT_INPUT = (
    "column {name!r} is not an input of the model, so changing it cannot change the "
    "prediction; the model reads {known}"
)
MSG_VALUE_TYPE = "column {name!r} holds {what}, so its new value must be {expected}, got {value!r}"
MSG_UNKNOWN_FEATURE = "there is no feature or input column {name!r}{suggestion}"
MSG_UNKNOWN_SCORING = "scoring {value!r} is not a metric scikit-learn knows{suggestion}"
MSG_TARGET_LENGTH = "y has {got:,} values but the frame has {rows:,} rows"
MSG_ROW_INDEX = "row_index must be a whole number from 0 to {last}, got {value!r}"
MSG_BY = "by must be 'input' or 'feature', got {value!r}"

NOTE_ALL_ROWS = "Explained all {rows:,} rows."
NOTE_SAMPLE = "Explained a random sample of {rows:,} of {total:,} rows (seed {seed})."
NOTE_AGNOSTIC_CAP = "Model-agnostic explanations are slow, so at most {limit:,} rows are explained."
NOTE_TREE_CAP = (
    "This forest is large (deep trees), so at most {limit:,} rows are explained to keep it quick."
)
NOTE_TREE = "Exact tree SHAP (shap.TreeExplainer, path-dependent: no background rows needed)."
NOTE_TREE_XGBOOST = (
    "Exact tree SHAP computed by XGBoost itself (pred_contribs, which shap.TreeExplainer "
    "calls for XGBoost models; path-dependent: no background rows needed)."
)
NOTE_LINEAR = (
    "Linear SHAP (shap.LinearExplainer) against the mean of {background:,} background rows; "
    "features are treated as independent."
)
NOTE_LINEAR_ZERO = (
    "No background rows given: contributions are coefficient × transformed value, relative "
    "to the intercept (scaled features are centred on their training mean)."
)
NOTE_PERMUTATION = (
    "Estimated with shap.PermutationExplainer ({permutations} permutations, {background:,} "
    "background rows, seed {seed}), one contribution per input column: the model is neither "
    "a tree nor a linear model."
)
OUTPUT_NOTES: dict[str, str] = {
    "log-odds": (
        "Values are in log-odds of {cls}: base value + contributions = the model's log-odds; "
        "probability = 1 / (1 + e^(−log-odds))."
    ),
    "softmax-logit": (
        "Values are in the raw score of {cls} (softmax logit): base value + contributions = "
        "that score; the class probabilities are the softmax of all classes' scores."
    ),
    "probability": "Values are in probability of {cls}: base value + contributions = the probability.",
    "prediction": "Values are in the units of the prediction: base value + contributions = the prediction.",
}
NOTE_WHAT_IF_NO_EXPLANATION = (
    "Contributions are not shown: a {kind} explanation needs background rows (pass background=)."
)


class ExplainError(CoreError):
    """Rows, columns, classes or what-if changes that do not fit the fitted pipeline."""


def _suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _preview(names: Sequence[Any], limit: int = 12) -> str:
    shown = ", ".join(str(n) for n in list(names)[:limit])
    return shown + (f", … ({len(names):,} in all)" if len(names) > limit else "")


# --- the result ----------------------------------------------------------------------------


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
            message = MSG_UNKNOWN_FEATURE.format(name=feature, suggestion=_suggest(feature, known))
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


# --- the pipeline's parts ------------------------------------------------------------------

_PROBABILITY_TREES = (
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
    if name in _PROBABILITY_TREES + _MARGIN_TREES + _REGRESSION_TREES:
        return "tree"
    module = type(model).__module__
    if module.startswith("sklearn.linear_model") and hasattr(model, "coef_"):
        return "linear"
    return "permutation"


@dataclasses.dataclass(frozen=True)
class _Parts:
    """A fitted pipeline split into what the explainer needs."""

    pipeline: Any
    prepare: Any  # the fitted preprocessing (all steps but the last), or None
    model: Any  # the model step, or the whole estimator when there is no preprocessing
    inputs: tuple[str, ...] | None  # input columns the pipeline reads, when it knows them
    classes: np.ndarray | None  # None for regression
    kind: ExplainerKind


def _parts(pipeline: Any) -> _Parts:
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
    return _Parts(pipeline, prepare, model, inputs, classes, kind)


def _as_frame(rows: Any, what: str) -> pd.DataFrame:
    if isinstance(rows, pd.Series):
        return rows.to_frame().T.infer_objects()
    if not isinstance(rows, pd.DataFrame):
        raise ExplainError(MSG_NOT_FRAME.format(what=what, kind=type(rows).__name__), field=what)
    return rows


def _inputs(parts: _Parts, frame: pd.DataFrame) -> list[str]:
    """The columns the pipeline reads, checked against the frame."""
    if parts.inputs is None:
        return [str(c) for c in frame.columns]
    missing = [c for c in parts.inputs if c not in frame.columns]
    if missing:
        message = MSG_MISSING_COLUMNS.format(count=len(missing), columns=_preview(missing))
        raise ExplainError(message, field="columns")
    return list(parts.inputs)


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ExplainError(MSG_COUNT.format(name=name, value=value), field=name)
    return int(value)


def _class_position(classes: np.ndarray | None, class_index: Any) -> int | None:
    if classes is None:
        if class_index is not None:
            raise ExplainError(MSG_CLASS_REGRESSION.format(value=class_index), field="class_index")
        return None
    if class_index is None:
        return 1 if len(classes) == 2 else 0
    last = len(classes) - 1
    bad = isinstance(class_index, bool) or not isinstance(class_index, numbers.Integral)
    if bad or not 0 <= class_index <= last:
        shown = _preview([class_label(c) for c in classes])
        message = MSG_CLASS_INDEX.format(last=last, classes=shown, value=class_index)
        raise ExplainError(message, field="class_index")
    return int(class_index)


def class_index_of(pipeline: Any, label: Any) -> int:
    """The position of class ``label`` in ``pipeline.classes_``, compared as text.

    So the schema's positive class ("Yes", or "1" for a 0/1 target) finds its column.
    """
    classes = _parts(pipeline).classes
    if classes is None:
        raise ExplainError(MSG_CLASS_REGRESSION.format(value=label), field="positive")
    wanted = class_label(label)
    for i, value in enumerate(classes):
        if class_label(value) == wanted:
            return i
    shown = _preview([class_label(c) for c in classes])
    raise ExplainError(MSG_UNKNOWN_CLASS.format(value=label, classes=shown), field="positive")


def _sample_positions(count: int, size: int, seed: int | tuple[int, int]) -> np.ndarray:
    """``size`` row positions drawn without replacement, in their original order."""
    if count <= size:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, size=size, replace=False))


# --- readable feature names ----------------------------------------------------------------

Item = tuple[str, str]  # (readable label, input column)


class _Unmapped(Exception):
    """A preprocessing step whose output columns cannot be traced back step by step."""


def _walk_imputer(step: Any, items: list[Item]) -> list[Item]:
    """Imputed columns (empty ones dropped unless kept), then one "is missing" flag each."""
    kept = items
    statistics = getattr(step, "statistics_", None)
    if not getattr(step, "keep_empty_features", False) and statistics is not None:
        filled = ~pd.isna(pd.Series(statistics, dtype=object)).to_numpy()
        if step.strategy != "constant":
            kept = [item for item, keep in zip(items, filled, strict=True) if keep]
    indicator = getattr(step, "indicator_", None)
    if indicator is None:
        return kept
    return kept + [(f"{items[i][0]} is missing", items[i][1]) for i in indicator.features_]


def _walk_one_hot(step: Any, items: list[Item]) -> list[Item]:
    if getattr(step, "drop_idx_", None) is not None:
        raise _Unmapped
    rare = getattr(step, "infrequent_categories_", None) or [None] * len(items)
    out: list[Item] = []
    for (label, origin), categories, infrequent in zip(items, step.categories_, rare, strict=True):
        skip = set(infrequent) if infrequent is not None else set()
        out += [(f"{label} = {c}", origin) for c in categories if c not in skip]
        if skip:
            out.append((f"{label} = other (rare levels)", origin))
    return out


def _walk_target_encoder(step: Any, items: list[Item]) -> list[Item]:
    if step.target_type_ != "multiclass":
        return items
    return [(f"{label} ({cls} rate)", origin) for label, origin in items for cls in step.classes_]


def _walk(step: Any, items: list[Item]) -> list[Item]:
    """(label, input column) per output column of ``step`` given its input columns."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder, TargetEncoder

    from core.features import DateParts

    if isinstance(step, Pipeline):
        for _, inner in step.steps:
            items = _walk(inner, items)
        return items
    if isinstance(step, SimpleImputer):
        return _walk_imputer(step, items)
    if isinstance(step, OneHotEncoder):
        return _walk_one_hot(step, items)
    if isinstance(step, TargetEncoder):
        return _walk_target_encoder(step, items)
    if isinstance(step, DateParts):
        return [(f"{label} ({part})", origin) for label, origin in items for part in step.PARTS]
    if step == "passthrough" or step is None:
        return items
    width = len(step.get_feature_names_out()) if hasattr(step, "get_feature_names_out") else None
    if width == len(items):
        return items  # one output per input: scalers, CategoryText, BooleanFlags …
    raise _Unmapped


def _walk_columns(transformer: Any) -> list[Item]:
    names = list(transformer.feature_names_in_)
    items: list[Item] = []
    for _, step, columns in transformer.transformers_:
        if isinstance(step, str) and step == "drop":
            continue
        picked = [
            names[c] if isinstance(c, numbers.Integral) else c for c in np.atleast_1d(columns)
        ]
        if not picked:
            continue
        items += _walk(step, [(str(c), str(c)) for c in picked])
    return items


def _fallback_items(prepare: Any, inputs: Sequence[str], width: int) -> list[Item]:
    """Names from ``get_feature_names_out``, each traced to the longest input it starts with."""
    try:
        raw = [str(n) for n in prepare.get_feature_names_out()]
    except (AttributeError, TypeError, ValueError, NotFittedError):
        raw = [f"feature {j}" for j in range(width)]
    if len(raw) != width:
        raw = [f"feature {j}" for j in range(width)]
    items = []
    by_length = sorted(inputs, key=len, reverse=True)
    for name in raw:
        bare = name.split("__", 1)[-1]
        core = bare.removeprefix("missingindicator_")
        origin = next((c for c in by_length if core == c or core.startswith(f"{c}_")), bare)
        items.append((bare, origin))
    return items


def _unique(labels: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0)
        seen[label] = count + 1
        out.append(label if count == 0 else f"{label} ({count + 1})")
    return out


def _feature_items(prepare: Any, inputs: Sequence[str], width: int) -> list[Item]:
    """Readable names for the transformed columns, each with the input column it comes from."""
    from sklearn.compose import ColumnTransformer

    steps = [step for _, step in prepare.steps] if isinstance(prepare, Pipeline) else [prepare]
    try:
        if isinstance(steps[0], ColumnTransformer):
            items = _walk_columns(steps[0])
        else:
            items = _walk(steps[0], [(c, c) for c in inputs])
        for step in steps[1:]:
            items = _walk(step, items)
    except _Unmapped:
        items = []
    if len(items) != width:
        items = _fallback_items(prepare, inputs, width)
    labels = _unique([label for label, _ in items])
    return list(zip(labels, [origin for _, origin in items], strict=True))


# --- the explainer space: what the explainer sees ------------------------------------------


class _CodeBook:
    """Input columns as numeric codes and back, for models that read raw rows (a rule)."""

    def __init__(self, frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> None:
        joined = pd.concat([f[list(columns)] for f in frames], ignore_index=True)
        self.columns = list(columns)
        self.uniques = {c: pd.factorize(joined[c], use_na_sentinel=False)[1] for c in columns}

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        codes = [self.uniques[c].get_indexer_for(frame[c]) for c in self.columns]
        return np.column_stack(codes).astype(np.float64)

    def decode(self, matrix: np.ndarray) -> pd.DataFrame:
        codes = np.asarray(matrix).astype(np.int64)
        data = {c: self.uniques[c].take(codes[:, i]) for i, c in enumerate(self.columns)}
        return pd.DataFrame({c: np.asarray(v) if v.dtype == object else v for c, v in data.items()})


@dataclasses.dataclass
class _Space:
    matrix: np.ndarray  # (rows, transformed features)
    items: list[Item]
    predict: Callable[[np.ndarray], np.ndarray] | None = None  # model output, agnostic only
    background: np.ndarray | None = None


def _model_output(predict_proba: Any, predict: Any, position: int | None) -> Callable:
    if position is None:
        return lambda matrix: np.asarray(predict(matrix), dtype=np.float64)
    return lambda matrix: np.asarray(predict_proba(matrix), dtype=np.float64)[:, position]


def _space(
    parts: _Parts,
    rows: pd.DataFrame,
    background: pd.DataFrame | None,
    inputs: list[str],
    position: int | None,
) -> _Space:
    """Transform rows (and background) once; the agnostic model function works on the result."""
    if parts.prepare is None:
        book = _CodeBook([rows] if background is None else [rows, background], inputs)
        pipeline = parts.pipeline

        def proba(matrix: np.ndarray) -> np.ndarray:
            return pipeline.predict_proba(book.decode(matrix))

        def predict(matrix: np.ndarray) -> np.ndarray:
            return pipeline.predict(book.decode(matrix))

        return _Space(
            book.encode(rows),
            [(c, c) for c in inputs],
            _model_output(proba, predict, position),
            None if background is None else book.encode(background),
        )
    matrix = np.asarray(parts.prepare.transform(rows[inputs]), dtype=np.float64)
    back = None
    if background is not None:
        back = np.asarray(parts.prepare.transform(background[inputs]), dtype=np.float64)
    items = _feature_items(parts.prepare, inputs, matrix.shape[1])
    model = parts.model
    output = _model_output(getattr(model, "predict_proba", None), model.predict, position)
    return _Space(matrix, items, output, back)


# --- the explainers ------------------------------------------------------------------------


def _output_space(parts: _Parts) -> OutputSpace:
    if parts.classes is None:
        return "prediction"
    if parts.kind == "permutation" or type(parts.model).__name__ in _PROBABILITY_TREES:
        return "probability"
    return "log-odds" if len(parts.classes) == 2 else "softmax-logit"


def _pick_class(
    raw: Any, expected: Any, position: int | None, count: int
) -> tuple[np.ndarray, float]:
    """Values and base value for the explained class from any shap output layout."""
    values = np.stack(raw, axis=-1) if isinstance(raw, list) else np.asarray(raw)
    base = np.atleast_1d(np.asarray(expected, dtype=np.float64)).ravel()
    if values.ndim == 3:
        index = position or 0
        return values[:, :, index], float(base[index] if len(base) > 1 else base[0])
    if position == 0 and count == 2:  # one margin for class 1; class 0 is its negative
        return -values, -float(base[0])
    return values, float(base[0])


def _booster(model: Any) -> Any:
    """The XGBoost booster behind the zoo's wrapper (or an XGBoost estimator), else None."""
    name = type(model).__name__
    if name == "XGBoostClassifier":
        return model.model_.get_booster()
    if name in ("XGBClassifier", "XGBRegressor"):
        return model.get_booster()
    return None


def _xgboost_values(model: Any, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TreeSHAP computed by XGBoost itself, as ``shap.TreeExplainer`` does for XGBoost
    models — the same numbers without shap parsing the whole model on every call (~20 ms
    for 300 trees, which is most of the time for one row)."""
    import xgboost

    booster = _booster(model)
    threads = getattr(model, "n_jobs", None)
    threads = threads if isinstance(threads, int) and threads > 0 else None
    best = getattr(booster, "best_iteration", None)
    contributions = booster.predict(
        xgboost.DMatrix(matrix, nthread=threads),
        pred_contribs=True,
        iteration_range=(0, best + 1) if best is not None else (0, 0),
        validate_features=False,
    )
    if contributions.ndim == 3:  # (rows, classes, features + bias)
        return np.moveaxis(contributions[:, :, :-1], 1, 2), contributions[0, :, -1]
    return contributions[:, :-1], contributions[0, -1]


def _tree_row_limit(model: Any) -> int | None:
    """Rows TreeSHAP explains within ``TREE_WORK_BUDGET`` (deep sklearn forests only)."""
    trees = getattr(model, "estimators_", None)
    trees = [model] if trees is None and hasattr(model, "tree_") else trees
    if not trees or not all(hasattr(t, "tree_") for t in np.ravel(trees)):
        return None
    work = sum(int(t.tree_.n_leaves) * max(int(t.tree_.max_depth), 1) ** 2 for t in np.ravel(trees))
    return max(MIN_TREE_ROWS, int(TREE_WORK_BUDGET // max(work, 1)))


def _chunks(count: int, size: int) -> list[slice]:
    return [slice(start, min(start + size, count)) for start in range(0, count, size)] or [
        slice(0, 0)
    ]


def _tree_values(
    parts: _Parts, space: _Space, position: int | None, report: ProgressCallback | None
) -> tuple[np.ndarray, float]:
    count = len(parts.classes) if parts.classes is not None else 0
    if _booster(parts.model) is not None:

        def shap_values(matrix: np.ndarray) -> tuple[np.ndarray, Any]:
            return _xgboost_values(parts.model, matrix)
    else:
        import shap

        explainer = shap.TreeExplainer(parts.model)

        def shap_values(matrix: np.ndarray) -> tuple[np.ndarray, Any]:
            raw = explainer.shap_values(matrix, check_additivity=False)
            return raw, explainer.expected_value  # read after the call: shap may set it then

    if report is None:
        return _pick_class(*shap_values(space.matrix), position, count)
    pieces, base = [], 0.0
    parts_of_work = _chunks(len(space.matrix), TREE_CHUNK)
    for done, piece in enumerate(parts_of_work, start=1):
        values, base = _pick_class(*shap_values(space.matrix[piece]), position, count)
        pieces.append(values)
        report(0.1 + 0.85 * done / len(parts_of_work), "Computing tree SHAP values")
    return np.concatenate(pieces), base


def _linear_values(parts: _Parts, space: _Space, position: int | None) -> tuple[np.ndarray, float]:
    import shap

    width = space.matrix.shape[1]
    if space.background is None:
        masker: Any = (np.zeros(width), np.eye(width))
    else:
        masker = shap.maskers.Independent(space.background, max_samples=len(space.background))
    explainer = shap.LinearExplainer(parts.model, masker)
    raw = explainer.shap_values(space.matrix)
    count = len(parts.classes) if parts.classes is not None else 0
    return _pick_class(raw, explainer.expected_value, position, count)


class _GroupMasker:
    """A shap masker that hides whole input columns (all their transformed features) at once."""

    def __init__(self, background: np.ndarray, groups: list[list[int]]) -> None:
        self.data = background
        self.groups = groups
        self.members = np.zeros((len(groups), background.shape[1]), dtype=bool)
        for g, features in enumerate(groups):
            self.members[g, features] = True
        self.shape = (background.shape[0], len(groups))

    def __call__(self, mask: np.ndarray, x: np.ndarray) -> tuple[np.ndarray]:
        shown = self.members[np.asarray(mask, dtype=bool)].any(axis=0)
        return (np.where(shown, x, self.data),)

    def mask_shapes(self, x: np.ndarray) -> list[tuple[int]]:
        return [(len(self.groups),)]

    def invariants(self, x: np.ndarray) -> np.ndarray:
        same = self.data == x
        return np.stack([same[:, g].all(axis=1) for g in self.groups], axis=1)


_NUMPY_RANDOM = threading.Lock()  # shap's permutation explainer shuffles with np.random


def _permutation_values(
    space: _Space, order: Sequence[str], seed: int, report: ProgressCallback | None
) -> tuple[np.ndarray, float, list[str]]:
    """Per input column values (in ``order``); each chunk is seeded alone, so chunking
    never changes them."""
    import shap

    origins = list(dict.fromkeys(origin for _, origin in space.items))
    inputs = [c for c in order if c in origins] + [c for c in origins if c not in order]
    groups = [[j for j, (_, o) in enumerate(space.items) if o == name] for name in inputs]
    masker = _GroupMasker(space.background, groups)
    evaluations = PERMUTATIONS * (2 * len(groups) + 1)
    pieces, base = [], 0.0
    work = _chunks(len(space.matrix), PERMUTATION_CHUNK)
    with _NUMPY_RANDOM, threadpool_limits(limits=1):  # small batches: threads only cost
        state = np.random.get_state()
        try:
            explainer = shap.PermutationExplainer(space.predict, masker, seed=seed)
            for done, piece in enumerate(work, start=1):
                np.random.seed([seed, piece.start])
                result = explainer(space.matrix[piece], max_evals=evaluations, silent=True)
                pieces.append(np.asarray(result.values, dtype=np.float64))
                base = float(np.ravel(result.base_values)[0])
                if report is not None:
                    report(0.1 + 0.85 * done / len(work), "Estimating contributions")
        finally:
            np.random.set_state(state)
    return np.concatenate(pieces), base, inputs


def _output_note(space: OutputSpace, label: Any) -> str:
    return OUTPUT_NOTES[space].format(cls=repr(class_label(label)) if label is not None else "")


def _run(
    parts: _Parts,
    rows: pd.DataFrame,
    background: pd.DataFrame | None,
    *,
    position: int | None,
    seed: int,
    notes: list[str],
    total: int,
    report: ProgressCallback | None,
) -> Explanation:
    """Transform once, run the chosen explainer, wrap the values in an ``Explanation``."""
    inputs = _inputs(parts, rows)
    if background is not None:
        _inputs(parts, background)
    if parts.kind == "permutation" and background is None:
        raise ExplainError(MSG_NEEDS_BACKGROUND.format(kind="model-agnostic"), field="background")
    space = _space(parts, rows, background, inputs, position)
    if report is not None:
        report(0.1, "Prepared the rows")
    if parts.kind == "tree":
        values, base = _tree_values(parts, space, position, report)
        notes.append(NOTE_TREE_XGBOOST if _booster(parts.model) is not None else NOTE_TREE)
    elif parts.kind == "linear":
        values, base = _linear_values(parts, space, position)
        bg = 0 if space.background is None else len(space.background)
        notes.append(NOTE_LINEAR.format(background=bg) if bg else NOTE_LINEAR_ZERO)
    else:
        values, base, columns = _permutation_values(space, inputs, seed, report)
        notes.append(
            NOTE_PERMUTATION.format(
                permutations=PERMUTATIONS, background=len(space.background), seed=seed
            )
        )
        space.items = [(c, c) for c in columns]
        data = rows[columns]
    if parts.kind != "permutation":
        labels = [label for label, _ in space.items]
        data = pd.DataFrame(space.matrix, columns=labels, index=rows.index)
    label = parts.classes[position] if parts.classes is not None else None
    output_space = _output_space(parts)
    notes.append(_output_note(output_space, label))
    return Explanation(
        feature_names=tuple(label for label, _ in space.items),
        original_columns=tuple(origin for _, origin in space.items),
        values=np.ascontiguousarray(values, dtype=np.float64),
        base_value=float(base),
        data=data,
        rows=rows,
        explainer=parts.kind,
        output_space=output_space,
        sample_rows=len(rows),
        notes=tuple(notes),
        class_label=label,
        total_rows=total,
    )


# --- public entry points -------------------------------------------------------------------


def _agnostic_row_limit(parts: _Parts, columns: int, background: int) -> int:
    """Rows the permutation explainer explains within ``AGNOSTIC_EVALUATIONS`` predictions.

    Each row costs up to PERMUTATIONS x (2 x columns + 1) x background predictions; a k-NN
    prediction costs more the more training rows it searches. Depends on the model only,
    so the same pipeline always explains the same rows.
    """
    per_row = PERMUTATIONS * (2 * columns + 1) * max(background, 1)
    fitted_rows = getattr(parts.model, "n_samples_fit_", None)
    weight = max(1.0, fitted_rows / NEIGHBOUR_COST_ROWS) if fitted_rows else 1.0
    affordable = int(AGNOSTIC_EVALUATIONS // (per_row * weight))
    return min(AGNOSTIC_MAX_ROWS, max(MIN_AGNOSTIC_ROWS, affordable))


def _row_limit(parts: _Parts, frame: pd.DataFrame) -> tuple[int | None, str | None]:
    if parts.kind == "permutation":
        columns = len(_inputs(parts, frame))
        limit = _agnostic_row_limit(parts, columns, min(BACKGROUND_ROWS, len(frame)))
        return limit, NOTE_AGNOSTIC_CAP.format(limit=limit)
    if parts.kind == "tree":
        limit = _tree_row_limit(parts.model)
        if limit is not None:
            return limit, NOTE_TREE_CAP.format(limit=limit)
    return None, None


def explain(
    pipeline: Any,
    frame: pd.DataFrame,
    *,
    sample: int = DEFAULT_SAMPLE,
    seed: int = 0,
    class_index: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> Explanation:
    """SHAP values for a seeded sample of ``frame``'s rows, with the right explainer.

    ``sample``: rows explained at most (fewer for model-agnostic explainers and very deep
    forests, stated in ``notes``). ``class_index``: the class explained, a position in
    ``pipeline.classes_`` (default: the second class of two — sklearn's positive — or the
    first of several; see ``class_index_of``). ``on_progress(fraction, message)`` is called
    as the work goes on. Same pipeline, rows and seed give identical values.
    """
    report = on_progress
    frame = _as_frame(frame, "frame")
    sample = _check_count("sample", sample)
    parts = _parts(pipeline)
    _inputs(parts, frame)
    if len(frame) == 0:
        raise ExplainError(MSG_NO_ROWS, field="frame")
    position = _class_position(parts.classes, class_index)
    if report is not None:
        report(0.0, "Choosing rows to explain")
    limit, cap_note = _row_limit(parts, frame)
    size = sample if limit is None else min(sample, limit)
    rows = frame.iloc[_sample_positions(len(frame), size, seed)]
    notes = [
        NOTE_ALL_ROWS.format(rows=len(rows))
        if len(rows) == len(frame)
        else NOTE_SAMPLE.format(rows=len(rows), total=len(frame), seed=seed)
    ]
    if cap_note and size < sample and len(frame) > size:
        notes.append(cap_note)
    background = None
    if parts.kind != "tree":
        rows_wanted = BACKGROUND_ROWS if parts.kind == "permutation" else LINEAR_BACKGROUND_ROWS
        background = frame.iloc[_sample_positions(len(frame), rows_wanted, (seed, 1))]
    explanation = _run(
        parts,
        rows,
        background,
        position=position,
        seed=seed,
        notes=notes,
        total=len(frame),
        report=report,
    )
    if report is not None:
        report(1.0, "Done")
    return explanation


def _background_sample(parts: _Parts, background: Any) -> pd.DataFrame | None:
    if background is None or parts.kind == "tree":
        return None
    background = _as_frame(background, "background")
    if len(background) == 0:
        return None
    rows_wanted = BACKGROUND_ROWS if parts.kind == "permutation" else LINEAR_BACKGROUND_ROWS
    return background.iloc[_sample_positions(len(background), rows_wanted, (0, 1))]


def _one_row(row: Any, what: str) -> pd.DataFrame:
    row = _as_frame(row, what)
    if len(row) != 1:
        raise ExplainError(MSG_ONE_ROW.format(what=what, count=len(row)), field="row")
    return row


def explain_row(
    pipeline: Any,
    row: pd.DataFrame,
    *,
    background: pd.DataFrame | None = None,
    class_index: int | None = None,
) -> Explanation:
    """SHAP values of one row; fast for trees (~ms), which need no ``background``.

    Linear models compare with the mean of ``background`` (or, without it, with an all-zero
    transformed row); model-agnostic explainers need ``background`` (a seeded sample of at
    most ``BACKGROUND_ROWS`` of it is used).
    """
    row = _one_row(row, "explain_row")
    parts = _parts(pipeline)
    position = _class_position(parts.classes, class_index)
    return _run(
        parts,
        row,
        _background_sample(parts, background),
        position=position,
        seed=0,
        notes=[NOTE_ALL_ROWS.format(rows=1)],
        total=1,
        report=None,
    )


# --- permutation importance ----------------------------------------------------------------


def _scorer(scoring: str) -> Any:
    from sklearn.metrics import get_scorer, get_scorer_names

    try:
        return get_scorer(scoring)
    except (ValueError, TypeError):
        suggestion = _suggest(str(scoring), list(get_scorer_names()))
        message = MSG_UNKNOWN_SCORING.format(value=scoring, suggestion=suggestion)
        raise ExplainError(message, field="scoring") from None


def permutation_importance_table(
    pipeline: Any,
    frame: pd.DataFrame,
    y: Any,
    *,
    scoring: str,
    repeats: int = 5,
    sample: int = 5000,
    seed: int = 0,
) -> pd.DataFrame:
    """How much ``scoring`` drops when one input column is shuffled: the model-agnostic check.

    Runs ``sklearn.inspection.permutation_importance`` on the whole pipeline over a seeded
    sample of at most ``sample`` rows (rows without a target are left out). Columns:
    ``input_column``, ``importance_mean``, ``importance_std``, largest first; ``attrs``
    holds ``scoring``, ``baseline_score``, ``rows`` and ``repeats``.
    """
    from sklearn.inspection import permutation_importance

    frame = _as_frame(frame, "frame")
    repeats = _check_count("repeats", repeats)
    sample = _check_count("sample", sample)
    scorer = _scorer(scoring)
    parts = _parts(pipeline)
    inputs = _inputs(parts, frame)
    if len(y) != len(frame):
        raise ExplainError(MSG_TARGET_LENGTH.format(got=len(y), rows=len(frame)), field="y")
    target = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y), index=frame.index)
    known = target.notna().to_numpy()
    X, target = frame.loc[known, inputs], target[known]
    if len(X) == 0:
        raise ExplainError(MSG_NO_ROWS, field="frame")
    positions = _sample_positions(len(X), sample, seed)
    X, target = X.iloc[positions], target.iloc[positions]
    result = permutation_importance(
        pipeline, X, target.to_numpy(), scoring=scorer, n_repeats=repeats, random_state=seed
    )
    table = pd.DataFrame(
        {
            "input_column": inputs,
            "importance_mean": result.importances_mean,
            "importance_std": result.importances_std,
        }
    )
    table = table.sort_values(
        ["importance_mean", "input_column"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    table.attrs.update(
        scoring=scoring,
        baseline_score=float(scorer(pipeline, X, target.to_numpy())),
        rows=len(X),
        repeats=repeats,
    )
    return table


# --- what-if -------------------------------------------------------------------------------


def _kind_of_values(series: pd.Series) -> tuple[str, str, Callable[[Any], bool]]:
    """(what the column holds, what a new value must be, the check) for a column."""
    dtype = series.dtype

    def is_number(v: Any) -> bool:
        if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real):
            return False
        return math.isfinite(float(v))

    if ptypes.is_bool_dtype(dtype):
        return "true/false values", "true or false", lambda v: isinstance(v, bool | np.bool_)
    if ptypes.is_numeric_dtype(dtype):
        return "numbers", "a finite number", is_number
    if ptypes.is_datetime64_any_dtype(dtype):
        return "dates", "a date", _is_date
    present = series.dropna()
    if len(present) and all(is_number(v) for v in present):
        return "numbers", "a number or text", lambda v: is_number(v) or isinstance(v, str)
    if len(present):
        return "text", "text", lambda v: isinstance(v, str)
    return "no value yet", "a number, text or true/false", _is_scalar


def _is_date(value: Any) -> bool:
    if not isinstance(value, str | date | datetime | pd.Timestamp | np.datetime64):
        return False
    try:
        return not pd.isna(pd.Timestamp(value))
    except (ValueError, TypeError, OverflowError):
        return False


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | bool | np.bool_ | numbers.Real | date | datetime)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _checked_value(name: str, value: Any, series: pd.Series) -> Any:
    """The new value, checked against the column's kind (None/NaN means missing)."""
    if _is_missing(value):
        return np.nan if ptypes.is_numeric_dtype(series.dtype) else None
    what, expected, fits = _kind_of_values(series)
    if not fits(value):
        message = MSG_VALUE_TYPE.format(name=name, what=what, expected=expected, value=value)
        raise ExplainError(message, field=name)
    if ptypes.is_datetime64_any_dtype(series.dtype):
        stamp = pd.Timestamp(value)
        tz = getattr(series.dtype, "tz", None)
        if tz is not None and stamp.tzinfo is None:
            stamp = stamp.tz_localize(tz)
        return stamp
    return value


def _changed_row(
    row: pd.DataFrame, changes: Mapping[str, Any], inputs: Sequence[str]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    if not isinstance(changes, Mapping) or not changes:
        raise ExplainError(MSG_NO_CHANGES, field="changes")
    new = row.copy()
    changed = []
    for name, value in changes.items():
        if name not in inputs:
            known = _preview(inputs)
            if name in row.columns:
                raise ExplainError(MSG_NOT_INPUT.format(name=name, known=known), field=str(name))
            suggestion = _suggest(str(name), list(inputs))
            message = MSG_UNKNOWN_COLUMN.format(name=name, suggestion=suggestion, known=known)
            raise ExplainError(message, field=str(name))
        checked = _checked_value(name, value, row[name])
        before = row[name].iloc[0]
        same = (_is_missing(before) or before is pd.NaT) and _is_missing(checked)
        if not same and not (before == checked if _is_scalar(checked) else False):
            changed.append(name)
        column = pd.Series([checked], index=row.index)
        if ptypes.is_numeric_dtype(row[name].dtype) and not ptypes.is_bool_dtype(row[name].dtype):
            column = column.astype(np.float64)
        new[name] = column
    return new, tuple(changed)


def _class_labels(parts: _Parts, classes: Sequence[Any] | None) -> list[Any] | None:
    if parts.classes is None:
        return None
    if classes is None:
        return list(parts.classes)
    labels = list(classes)
    if len(labels) != len(parts.classes):
        message = MSG_CLASSES.format(count=len(parts.classes), value=labels)
        raise ExplainError(message, field="classes")
    return labels


def _positive_position(labels: list[Any] | None, positive: Any, predicted: Any) -> int | None:
    if labels is None:
        return None
    if positive is None:
        if len(labels) == 2:
            return 1
        positive = predicted
    wanted = class_label(positive)
    for i, value in enumerate(labels):
        if class_label(value) == wanted:
            return i
    shown = _preview([class_label(c) for c in labels])
    raise ExplainError(MSG_UNKNOWN_CLASS.format(value=positive, classes=shown), field="positive")


def _split_explanation(both: Explanation, index: int) -> Explanation:
    keep = slice(index, index + 1)
    return dataclasses.replace(
        both,
        values=np.array(both.values[keep]),
        data=both.data.iloc[keep],
        rows=both.rows.iloc[keep],
        sample_rows=1,
        total_rows=1,
    )


def what_if(
    pipeline: Any,
    row: pd.DataFrame,
    changes: Mapping[str, Any],
    *,
    classes: Sequence[Any] | None = None,
    positive: Any = None,
    background: pd.DataFrame | None = None,
) -> WhatIf:
    """The row's prediction and contributions before and after setting ``changes``.

    Each change names an input column of the model and a value of the column's kind
    (number, text, true/false, date; None means missing), else ``ExplainError`` naming the
    column. ``classes``: the class labels in the model's order (default
    ``pipeline.classes_``); ``positive``: the class whose probability and contributions are
    reported (default: the second of two classes, else the originally predicted class).
    ``background`` is needed for the contributions of non-tree models.
    """
    row = _one_row(row, "what_if")
    parts = _parts(pipeline)
    inputs = _inputs(parts, row)
    new_row, changed = _changed_row(row, changes, inputs)
    labels = _class_labels(parts, classes)
    both = pd.concat([row, new_row])
    predictions = pipeline.predict(both)
    if labels is not None and classes is not None:  # predictions in the caller's labels
        position_of = {class_label(c): i for i, c in enumerate(parts.classes)}
        predictions = np.asarray([labels[position_of[class_label(p)]] for p in predictions])
    position = _positive_position(labels, positive, predictions[0])
    probabilities: list[float | None] = [None, None]
    if position is not None:
        proba = np.asarray(pipeline.predict_proba(both), dtype=np.float64)
        probabilities = [float(proba[0, position]), float(proba[1, position])]
    explained: list[Explanation | None] = [None, None]
    notes: list[str] = []
    try:
        pair = _run(
            parts,
            both,
            _background_sample(parts, background),
            position=position,
            seed=0,
            notes=[],
            total=2,
            report=None,
        )
        explained = [_split_explanation(pair, 0), _split_explanation(pair, 1)]
    except ExplainError as error:
        if error.field != "background":
            raise
        notes.append(NOTE_WHAT_IF_NO_EXPLANATION.format(kind="model-agnostic"))
    return WhatIf(
        original_prediction=predictions[0],
        new_prediction=predictions[1],
        original_proba=probabilities[0],
        new_proba=probabilities[1],
        original_explanation=explained[0],
        new_explanation=explained[1],
        changed=changed,
        positive=None if position is None else labels[position],
        original_row=row,
        new_row=new_row,
        notes=tuple(notes),
    )
