"""Training features: the one scikit-learn ColumnTransformer each model pipeline starts with.

Steps that learn from data (imputation, scaling, encoding) are built here, fitted inside each
training pipeline on training rows only: the caller fits a fresh copy inside every
cross-validation fold, so nothing leaks from validation rows. The built transformer holds only
scikit-learn classes and the column-wise steps of ``core.estimators.columns``, the one module
an exported bundle needs to load it. The fixed cleaning steps that run before (the recipe)
live in ``core.data.recipe``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

from core.data.inference import NOTE_DATES_AS_TEXT
from core.data.schema import Schema
from core.estimators.columns import BooleanFlags, CategoryText, DateParts
from core.exceptions import CoreError

__all__ = [
    "HIGH_CARDINALITY",
    "ExcludedInput",
    "FeatureError",
    "FeaturePlan",
    "build_preprocessor",
    "excluded_inputs",
    "feature_columns",
    "feature_plan",
    "group_excluded",
]

HIGH_CARDINALITY = 30  # categorical levels above this are target-encoded, not one-hot
RARE_LEVEL_ROWS = 5  # one-hot levels seen in fewer training rows are merged as "infrequent"
TARGET_ENCODER_FOLDS = 5  # cross-fitting folds inside TargetEncoder.fit_transform
MISSING_LEVEL = "missing"

MSG_NO_FEATURES = (
    "there are no feature columns to learn from{why}; give at least one column the role "
    "'feature' on the Data page"
)
MSG_NO_TASK = "the schema has no task yet: choose a target column on the Data page first"

NOTE_TEXT_DROPPED = "{column}: free text is not used by the models yet (no text features); left out"
NOTE_DATES_AS_TEXT_DROPPED = (
    "{column}: dates stored as text are left out; set its type to datetime on the Data page "
    "(or add a parse_dates step) to use it"
)
NOTE_IDENTIFIER_DROPPED = (
    "{column}: an identifier carries no general signal and is left out; change its type to "
    "use it as a feature"
)
NOTE_TARGET_ENCODED = (
    "{column}: {distinct:,} levels (more than {limit}) are target-encoded with cross-fitting"
)
NOTE_SENSITIVE_USED = "{column}: sensitive column used as a feature (include_sensitive)"


class FeatureError(CoreError):
    """The schema gives the model nothing (or nothing usable) to learn from."""


@dataclasses.dataclass(frozen=True)
class FeaturePlan:
    """Which column goes through which encoding, and why some columns are left out."""

    numeric: tuple[str, ...]
    boolean: tuple[str, ...]
    datetime: tuple[str, ...]
    categorical: tuple[str, ...]  # one-hot encoded
    high_cardinality: tuple[str, ...]  # target-encoded
    dropped: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every input column the preprocessor reads, grouped by encoding."""
        return (
            self.numeric + self.boolean + self.datetime + self.categorical + self.high_cardinality
        )


def feature_plan(
    schema: Schema, *, high_cardinality: int = HIGH_CARDINALITY, include_sensitive: bool = False
) -> FeaturePlan:
    """Sort the schema's feature columns by encoding; never the target, IDs or ignored columns.

    Sensitive columns join only with ``include_sensitive``; free text and identifier-typed
    columns are left out with a note.
    """
    roles = ("feature", "sensitive") if include_sensitive else ("feature",)
    groups: dict[str, list[str]] = {
        "numeric": [],
        "boolean": [],
        "datetime": [],
        "categorical": [],
        "high_cardinality": [],
    }
    dropped: list[str] = []
    notes: list[str] = []
    for col in schema.columns:
        if col.role not in roles or col.name == schema.target:
            continue
        if col.type == "text":
            template = NOTE_DATES_AS_TEXT_DROPPED if col.note == NOTE_DATES_AS_TEXT else None
            notes.append((template or NOTE_TEXT_DROPPED).format(column=col.name))
            dropped.append(col.name)
            continue
        if col.type == "identifier":
            notes.append(NOTE_IDENTIFIER_DROPPED.format(column=col.name))
            dropped.append(col.name)
            continue
        if col.role == "sensitive":
            notes.append(NOTE_SENSITIVE_USED.format(column=col.name))
        if col.type == "categorical" and col.distinct > high_cardinality:
            groups["high_cardinality"].append(col.name)
            notes.append(
                NOTE_TARGET_ENCODED.format(
                    column=col.name, distinct=col.distinct, limit=high_cardinality
                )
            )
        else:
            groups[col.type].append(col.name)
    return FeaturePlan(
        **{name: tuple(cols) for name, cols in groups.items()},
        dropped=tuple(dropped),
        notes=tuple(notes),
    )


WHY_SENSITIVE = "sensitive attribute"
WHY_IDENTIFIER = "identifier"
WHY_IGNORED = "ignored"
WHY_TEXT = "free text (the models use no text features yet)"
WHY_DATES_AS_TEXT = "dates stored as text (set its type to datetime to use it)"
WHY_IDENTIFIER_TYPE = "identifier-typed (change its type to use it)"


@dataclasses.dataclass(frozen=True)
class ExcludedInput:
    """A column the model does not see, and why (``reason`` is a stable code)."""

    column: str
    reason: Literal[
        "sensitive", "identifier", "ignored", "text", "dates_as_text", "identifier_type"
    ]
    why: str


def excluded_inputs(schema: Schema, *, include_sensitive: bool = False) -> list[ExcludedInput]:
    """Every column other than the target that ``feature_columns`` leaves out, in schema order."""
    used = set(feature_columns(schema, include_sensitive=include_sensitive))
    out = []
    for col in schema.columns:
        if col.name == schema.target or col.name in used:
            continue
        if col.role == "sensitive" and not include_sensitive:
            out.append(ExcludedInput(col.name, "sensitive", WHY_SENSITIVE))
        elif col.role == "identifier":
            out.append(ExcludedInput(col.name, "identifier", WHY_IDENTIFIER))
        elif col.role == "ignore":
            out.append(ExcludedInput(col.name, "ignored", WHY_IGNORED))
        elif col.type == "text" and col.note == NOTE_DATES_AS_TEXT:
            out.append(ExcludedInput(col.name, "dates_as_text", WHY_DATES_AS_TEXT))
        elif col.type == "text":
            out.append(ExcludedInput(col.name, "text", WHY_TEXT))
        else:
            out.append(ExcludedInput(col.name, "identifier_type", WHY_IDENTIFIER_TYPE))
    return out


def group_excluded(items: list[ExcludedInput]) -> list[tuple[ExcludedInput, tuple[str, ...]]]:
    """Excluded columns grouped by reason (first item of each reason, and all its columns),
    so a statement says "gender, age — sensitive attribute" once."""
    groups: dict[str, list[ExcludedInput]] = {}
    for item in items:
        groups.setdefault(item.reason, []).append(item)
    return [(same[0], tuple(e.column for e in same)) for same in groups.values()]


def feature_columns(schema: Schema, *, include_sensitive: bool = False) -> list[str]:
    """The input columns a model built from this schema reads, in schema order."""
    used = set(feature_plan(schema, include_sensitive=include_sensitive).columns)
    return [name for name in schema.names() if name in used]


def _with_scaler(steps: list[tuple[str, Any]], scale: bool) -> Pipeline:
    return Pipeline([*steps, ("scale", StandardScaler())] if scale else steps)


def _imputer() -> SimpleImputer:
    """Median imputation plus a 0/1 "was missing" column for columns with gaps at fit time."""
    return SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)


def _target_encoder(schema: Schema, seed: int) -> TargetEncoder:
    if schema.task == "regression":
        cv: Any = KFold(TARGET_ENCODER_FOLDS, shuffle=True, random_state=seed)
    else:
        cv = StratifiedKFold(TARGET_ENCODER_FOLDS, shuffle=True, random_state=seed)
    return TargetEncoder(cv=cv)


def build_preprocessor(
    schema: Schema,
    *,
    scale: bool,
    high_cardinality: int = HIGH_CARDINALITY,
    include_sensitive: bool = False,
    seed: int = 0,
    rare_level_rows: int = RARE_LEVEL_ROWS,
) -> ColumnTransformer:
    """One unfitted ColumnTransformer for the schema's feature columns (see ``feature_plan``).

    numeric → median imputation (+ missing indicators) (+ scaling); boolean → 0/1, then
    like numeric; datetime → ``DateParts``, then like numeric; categorical up to
    ``high_cardinality`` levels → "missing" fill + one-hot (rare levels merged, unknown levels
    ignored); above → "missing" fill + cross-fitted TargetEncoder (+ scaling). Output is dense.
    """
    if schema.task is None:
        raise FeatureError(MSG_NO_TASK, field="task")
    plan = feature_plan(
        schema, high_cardinality=high_cardinality, include_sensitive=include_sensitive
    )
    if not plan.columns:
        why = f" (left out: {', '.join(plan.dropped)})" if plan.dropped else ""
        raise FeatureError(MSG_NO_FEATURES.format(why=why), field="roles")
    text_steps = [
        ("text", CategoryText()),
        ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_LEVEL)),
    ]
    one_hot = OneHotEncoder(
        handle_unknown="ignore", min_frequency=rare_level_rows, sparse_output=False
    )
    candidates = [
        ("numeric", _with_scaler([("impute", _imputer())], scale), plan.numeric),
        ("boolean", Pipeline([("flags", BooleanFlags()), ("impute", _imputer())]), plan.boolean),
        (
            "dates",
            _with_scaler([("parts", DateParts()), ("impute", _imputer())], scale),
            plan.datetime,
        ),
        ("categorical", Pipeline([*text_steps, ("onehot", one_hot)]), plan.categorical),
        (
            "high_cardinality",
            _with_scaler([*text_steps, ("encode", _target_encoder(schema, seed))], scale),
            plan.high_cardinality,
        ),
    ]
    transformers = [(name, step, list(cols)) for name, step, cols in candidates if cols]
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
