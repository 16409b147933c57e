"""The bundle's input contract (``schema.json``): columns, types, allowed values, classes.

Read from the training rows of the model's feature columns; the bundle checks every
request against it. ``bundle_schema_from_dict(s.to_dict()) == s``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.coerce import class_label
from core.data.inference import infer_column_type
from core.data.schema import Schema, model_positive_class, probability_column
from core.export.layout import ExportError
from core.metrics import Task

InputType = Literal["numeric", "categorical", "boolean", "datetime", "text"]
SCHEMA_FORMAT = 1
MAX_ALLOWED_VALUES = 5000  # above this many categories the contract lists none (any value)

MSG_NO_TASK = "the schema has no task yet: choose a target column on the Data page first"
MSG_FRAME_TYPE = "training_frame must be a pandas DataFrame, got {kind}"
MSG_FRAME_EMPTY = "training_frame has no rows: pass the training rows (feature columns)"
MSG_FEATURES_MISSING = "training_frame lacks the column(s) the model reads: {columns}"
MSG_NO_FEATURES = "the model reads no columns: check the schema's feature roles"
MSG_POSITIVE = "positive class {positive!r} is not among the model's classes {classes}"
MSG_THRESHOLD = "threshold must be a number from 0 to 1, got {value!r}"
MSG_SCHEMA_DICT = "schema.json is not valid: {problem}"


@dataclasses.dataclass(frozen=True)
class InputColumn:
    """One input of the model, as the training rows showed it.

    ``allowed``: the training values of a categorical or boolean column (None: any value);
    ``minimum``/``maximum``: the training range of numbers (ISO text for dates), shown and
    warned about, not enforced.
    """

    name: str
    type: InputType
    dtype: str
    nullable: bool
    allowed: tuple[Any, ...] | None = None
    minimum: float | str | None = None
    maximum: float | str | None = None


@dataclasses.dataclass(frozen=True)
class BundleSchema:
    """What ``schema.json`` says: inputs in the pipeline's order, task, classes, threshold."""

    columns: tuple[InputColumn, ...]
    task: Task
    target: str | None
    classes: tuple[str, ...]  # class_label text, in the model's order (= pipeline.classes_)
    positive_class: str | None  # binary only
    threshold: float | None  # binary only; None means 0.5
    model_version: str = ""

    @property
    def feature_order(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> InputColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; ``bundle_schema_from_dict(s.to_dict()) == s``."""
        return {
            "format": SCHEMA_FORMAT,
            "model_version": self.model_version,
            "task": self.task,
            "target": self.target,
            "classes": list(self.classes),
            "positive_class": self.positive_class,
            "threshold": self.threshold,
            "feature_order": list(self.feature_order),
            "columns": [
                {
                    "name": c.name,
                    "type": c.type,
                    "dtype": c.dtype,
                    "nullable": c.nullable,
                    "allowed": None if c.allowed is None else list(c.allowed),
                    "minimum": c.minimum,
                    "maximum": c.maximum,
                }
                for c in self.columns
            ],
            "outputs": _outputs_description(self),
        }


def bundle_schema_from_dict(data: Mapping[str, Any]) -> BundleSchema:
    """Read ``schema.json`` back; raises ``ExportError`` when it is damaged."""
    try:
        columns = tuple(
            InputColumn(
                name=str(c["name"]),
                type=c["type"],
                dtype=str(c["dtype"]),
                nullable=bool(c["nullable"]),
                allowed=None if c.get("allowed") is None else tuple(c["allowed"]),
                minimum=c.get("minimum"),
                maximum=c.get("maximum"),
            )
            for c in data["columns"]
        )
        threshold = data.get("threshold")
        return BundleSchema(
            columns=columns,
            task=data["task"],
            target=data.get("target"),
            classes=tuple(str(c) for c in data.get("classes") or ()),
            positive_class=data.get("positive_class"),
            threshold=None if threshold is None else float(threshold),
            model_version=str(data.get("model_version", "")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ExportError(MSG_SCHEMA_DICT.format(problem=error), field="schema") from None


def _outputs_description(schema: BundleSchema) -> dict[str, str]:
    if schema.task == "regression":
        return {"prediction": f"predicted {schema.target or 'value'} (a number)"}
    if schema.task == "binary":
        threshold = 0.5 if schema.threshold is None else schema.threshold
        negative = next((c for c in schema.classes if c != schema.positive_class), "")
        probability = probability_column(str(schema.positive_class))
        return {
            "prediction": (
                f"{schema.positive_class!r} when {probability} >= {threshold:g}, else {negative!r}"
            ),
            probability: f"probability of {schema.positive_class!r} (probabilities: one per row)",
        }
    return {
        "prediction": "the most probable class",
        "probability_<class>": "probability of each class (probabilities: {class: p} per row)",
    }


def _plain(value: Any) -> Any:
    """A training value as JSON: NumPy scalars as Python ones, timestamps as ISO text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _input_type(schema: Schema, series: pd.Series) -> InputType:
    name = str(series.name)
    if name in schema.names():
        kind = schema.column(name).type
    else:
        kind = infer_column_type(series, name=name)[0]
    return "text" if kind == "identifier" else kind


def _allowed_values(series: pd.Series, kind: InputType) -> tuple[Any, ...] | None:
    uniques = pd.unique(series.dropna())
    if len(uniques) > MAX_ALLOWED_VALUES:
        return None
    keyed: dict[str, Any] = {}
    for value in uniques:
        plain = _plain(value)
        key = class_label(plain)
        keyed.setdefault(key.strip().lower() if kind == "boolean" else key, plain)
    return tuple(keyed[k] for k in sorted(keyed, key=lambda k: class_label(keyed[k])))


def _range(series: pd.Series, kind: InputType) -> tuple[Any, Any]:
    if kind == "numeric":
        numbers = pd.to_numeric(series, errors="coerce")
        finite = np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
        numbers = numbers[finite]  # keeps whole numbers whole: 0 to 9, not 0.0 to 9.0
        if numbers.empty:
            return None, None
        return _plain(numbers.min()), _plain(numbers.max())
    if kind == "datetime":
        dates = pd.to_datetime(series, errors="coerce", utc=True, format="mixed").dropna()
        if dates.empty:
            return None, None
        return dates.min().isoformat(), dates.max().isoformat()
    return None, None


def _input_column(series: pd.Series, kind: InputType) -> InputColumn:
    allowed = _allowed_values(series, kind) if kind in ("categorical", "boolean") else None
    low, high = _range(series, kind)
    return InputColumn(
        name=str(series.name),
        type=kind,
        dtype=str(series.dtype),
        nullable=bool(series.isna().any()),
        allowed=allowed,
        minimum=low,
        maximum=high,
    )


def bundle_schema(
    schema: Schema,
    training_frame: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    classes: Sequence[Any] = (),
    threshold: float | None = None,
    model_version: str = "",
) -> BundleSchema:
    """The input contract, read from the training rows of the model's feature columns.

    ``features``: the columns the pipeline reads, in its order (default: every column of
    ``training_frame``); types come from ``schema``; ``classes`` from ``pipeline.classes_``
    (default: the schema's). The threshold is kept for binary tasks only.
    """
    if schema.task is None:
        raise ExportError(MSG_NO_TASK, field="schema")
    if not isinstance(training_frame, pd.DataFrame):
        kind = type(training_frame).__name__
        raise ExportError(MSG_FRAME_TYPE.format(kind=kind), field="training_frame")
    if training_frame.empty:
        raise ExportError(MSG_FRAME_EMPTY, field="training_frame")
    names = [str(c) for c in (features if features is not None else training_frame.columns)]
    if not names:
        raise ExportError(MSG_NO_FEATURES, field="schema")
    absent = [n for n in names if n not in training_frame.columns]
    if absent:
        shown = ", ".join(map(repr, absent))
        raise ExportError(MSG_FEATURES_MISSING.format(columns=shown), field="training_frame")
    columns = tuple(
        _input_column(training_frame[name], _input_type(schema, training_frame[name]))
        for name in names
    )
    labels = tuple(class_label(c) for c in classes) or tuple(schema.classes)
    positive = None
    if schema.task == "binary":
        positive = schema.positive_class
        if positive is None:  # a schema saved without one: the schema's own default rule
            positive = model_positive_class(schema, labels)
        if positive not in labels:
            raise ExportError(
                MSG_POSITIVE.format(positive=positive, classes=list(labels)),
                field="positive_class",
            )
    return BundleSchema(
        columns=columns,
        task=schema.task,
        target=schema.target,
        classes=labels if schema.task != "regression" else (),
        positive_class=positive,
        threshold=_checked_threshold(threshold) if schema.task == "binary" else None,
        model_version=model_version,
    )


def _checked_threshold(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ExportError(MSG_THRESHOLD.format(value=value), field="threshold")
    number = float(value)
    if not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise ExportError(MSG_THRESHOLD.format(value=value), field="threshold")
    return number


def _features(model: Any, training_frame: pd.DataFrame) -> list[str]:
    """The columns the pipeline reads, in its order (fitted on a DataFrame) or the frame's."""
    try:
        names = model.feature_names_in_
    except AttributeError:
        return [str(c) for c in training_frame.columns]
    return [str(c) for c in names]


def _contract(
    schema: Schema | BundleSchema,
    model: Any,
    training_frame: pd.DataFrame,
    threshold: float | None,
    version: str,
) -> BundleSchema:
    """The input contract: read from the training rows, or the caller's with this threshold."""
    task = schema.task
    if isinstance(schema, BundleSchema):
        contract = dataclasses.replace(
            schema,
            threshold=_checked_threshold(threshold) if task == "binary" else None,
            model_version=version,
        )
        _check_contract_classes(contract, model)
    else:
        contract = bundle_schema(
            schema,
            training_frame,
            features=_features(model, training_frame),
            classes=model.classes_ if task != "regression" else (),
            threshold=threshold,
            model_version=version,
        )
    absent = [n for n in contract.feature_order if n not in training_frame.columns]
    if absent:
        shown = ", ".join(map(repr, absent))
        raise ExportError(MSG_FEATURES_MISSING.format(columns=shown), field="training_frame")
    if training_frame.empty:
        raise ExportError(MSG_FRAME_EMPTY, field="training_frame")
    return contract


def _check_contract_classes(contract: BundleSchema, model: Any) -> None:
    if contract.task == "regression":
        return
    labels = tuple(class_label(c) for c in model.classes_)
    if contract.classes != labels or (
        contract.task == "binary" and contract.positive_class not in labels
    ):
        message = MSG_POSITIVE.format(positive=contract.positive_class, classes=list(labels))
        raise ExportError(message, field="schema")
