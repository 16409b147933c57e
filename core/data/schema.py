"""Data stage: what each column is (type), what it is for (role) and what to predict (task).

Inference (``core.data.inference``) gives a starting point with a one-line reason per column;
the user then overrides types, roles, the task and the positive class, and ``infer_schema``
checks those choices once, so later stages (validation, training, fairness, export) can trust
the schema. Pure Python: no Streamlit, no storage.

>>> schema = infer_schema(df, target="churned", roles={"gender": "sensitive"})
>>> schema.task, schema.positive_class, schema.by_role("sensitive")
('binary', 'Yes', ('gender',))
>>> suggest_sensitive(df)  # name-based guesses, for the user to accept or dismiss
{'gender': "name contains 'gender'", 'age': "name contains 'age'", ...}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, get_args

import pandas as pd
import pydantic

from core.coerce import class_label
from core.data.inference import (
    COLUMN_TYPES,
    REASON_NO_TARGET,
    REASON_OVERRIDE,
    TASKS,
    ColumnType,
    SchemaError,
    _check_task_fits,
    _check_type_fits,
    _infer_type,
    _observe,
    _positive_class,
    _sensitive_word,
    _sorted_classes,
    _suggest,
    default_positive_class,
    infer_task,
)
from core.documents import Document, FieldError, FieldProblem, read
from core.metrics import Task

Role = Literal["feature", "target", "sensitive", "identifier", "ignore"]
ROLES: tuple[str, ...] = get_args(Role)
PROBABILITY_PREFIX = "probability_"
NOTE_SENSITIVE_NAME = "name contains {word!r}"
MSG_UNKNOWN_COLUMN = "{field}: there is no column {name!r}{suggestion}"
MSG_UNKNOWN_CHOICE = "{field} for column {name!r} must be one of {choices}, got {value!r}"
MSG_TWO_TARGETS = "only one target is allowed, got {first!r} and {second!r}"
MSG_TARGET_ROLE = (
    "column {name!r} is the target, so it cannot also have the role {role!r}; "
    "pick another target or change its role"
)
MSG_TASK_CHOICE = "task must be one of {choices}, got {value!r}"
MSG_SCHEMA_DICT = "saved schema is not valid: {problem}"


@dataclasses.dataclass(frozen=True)
class ColumnSchema:
    """One column: its pandas dtype, what it is (``type``) and what it is for (``role``)."""

    name: str
    dtype: str
    type: ColumnType
    role: Role
    inferred_type: ColumnType  # what inference said; ``type`` may be a user override
    missing: int
    distinct: int
    note: str = ""  # one line why, e.g. "all values unique strings: looks like an ID"


@dataclasses.dataclass(frozen=True)
class Schema:
    """The column table plus the prediction task; the contract every later stage reads."""

    columns: tuple[ColumnSchema, ...]
    target: str | None
    task: Task | None
    task_reason: str
    positive_class: str | None  # binary only, as text
    classes: tuple[str, ...] = ()  # classification only, as text, in sorted value order
    positive_class_reason: str = ""  # why that class, e.g. "chosen by you"; "" when none

    def column(self, name: str) -> ColumnSchema:
        for col in self.columns:
            if col.name == name:
                return col
        names = [c.name for c in self.columns]
        raise SchemaError(
            MSG_UNKNOWN_COLUMN.format(field="column", name=name, suggestion=_suggest(name, names)),
            field=name,
        )

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def features(self) -> tuple[str, ...]:
        """Columns the model learns from (role ``feature``)."""
        return self.by_role("feature")

    def by_role(self, role: Role) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.role == role)


def model_positive_class(schema: Schema, classes: Sequence[str]) -> str | None:
    """The positive class among a fitted binary model's classes (text): the schema's, else,
    for a schema saved without one, ``default_positive_class`` over the classes."""
    if schema.task != "binary":
        return None
    if schema.positive_class is not None and class_label(schema.positive_class) in classes:
        return class_label(schema.positive_class)
    return default_positive_class(pd.Series(list(classes), dtype=object))[0]


def probability_column(positive: str) -> str:
    """The name of the column holding the probability of class ``positive``: "probability_1"."""
    return PROBABILITY_PREFIX + str(positive)


# --- roles and the whole schema ------------------------------------------------------------


def _suggest_role(ctype: ColumnType) -> Role:
    return "identifier" if ctype == "identifier" else "feature"


def suggest_roles(df: pd.DataFrame) -> dict[str, Role]:
    """A role per column: ``identifier`` for ID-like columns, ``feature`` for the rest.

    Never ``sensitive`` (that changes the model's inputs, so the user decides it; see
    ``suggest_sensitive``) and never the target (the user picks it)."""
    return {
        name: _suggest_role(_infer_type(df[name], name, *_observe(df[name]))[0])
        for name in df.columns
    }


def suggest_sensitive(df: pd.DataFrame) -> dict[str, str]:
    """Columns whose name suggests a sensitive attribute, in column order, each with one reason.

    A word of the name in ``SENSITIVE_NAME_WORDS`` (gender, sex, age, race, ethnicity, ethnic,
    religion, nationality, disability, disabled, marital) — so ``age_band`` and
    ``marital_status`` match, ``page_views``, ``usage`` and ``stage`` do not.

    >>> suggest_sensitive(pd.DataFrame({"age_band": ["a"], "usage": [1]}))
    {'age_band': "name contains 'age'"}
    """
    found = {str(name): _sensitive_word(str(name)) for name in df.columns}
    return {name: NOTE_SENSITIVE_NAME.format(word=w) for name, w in found.items() if w}


def _check_mapping(
    df: pd.DataFrame, field: str, mapping: Mapping[str, Any], choices: tuple[str, ...]
) -> None:
    names = [str(c) for c in df.columns]
    for name, value in mapping.items():
        if name not in df.columns:
            raise SchemaError(
                MSG_UNKNOWN_COLUMN.format(field=field, name=name, suggestion=_suggest(name, names)),
                field=str(name),
            )
        if value not in choices:
            raise SchemaError(
                MSG_UNKNOWN_CHOICE.format(
                    field=field[:-1], name=name, choices=", ".join(choices), value=value
                ),
                field=str(name),
            )


def _resolve_target(df: pd.DataFrame, target: str | None, roles: Mapping[str, Role]) -> str | None:
    targets = [name for name, role in roles.items() if role == "target"]
    if target is not None:
        if target not in df.columns:
            names = [str(c) for c in df.columns]
            raise SchemaError(
                MSG_UNKNOWN_COLUMN.format(
                    field="target", name=target, suggestion=_suggest(target, names)
                ),
                field="target",
            )
        if roles.get(target, "target") != "target":
            raise SchemaError(MSG_TARGET_ROLE.format(name=target, role=roles[target]), field=target)
        targets = [target, *[t for t in targets if t != target]]
    if len(targets) > 1:
        raise SchemaError(
            MSG_TWO_TARGETS.format(first=targets[0], second=targets[1]), field="target"
        )
    return targets[0] if targets else None


def infer_schema(
    df: pd.DataFrame,
    *,
    target: str | None = None,
    roles: Mapping[str, Role] | None = None,
    types: Mapping[str, ColumnType] | None = None,
    task: Task | None = None,
    positive_class: str | None = None,
    goal_positive_class: str | None = None,
) -> Schema:
    """Infer types, roles and the task, applying and checking the user's overrides.

    ``target`` may also be given as ``roles={name: "target"}``. ``task`` and the positive
    class apply once a target is chosen and are ignored before; the positive class is ignored
    for a task that is not binary. It is ``positive_class`` (the user's choice) if given, else
    ``goal_positive_class`` if the data has it, else ``default_positive_class``; the schema
    says which in ``positive_class_reason``. Raises ``SchemaError`` naming the column when a
    choice does not fit the data.
    """
    roles, types = dict(roles or {}), dict(types or {})
    _check_mapping(df, "roles", roles, ROLES)
    _check_mapping(df, "types", types, COLUMN_TYPES)
    if task is not None and task not in TASKS:
        raise SchemaError(
            MSG_TASK_CHOICE.format(choices=", ".join(TASKS), value=task), field="task"
        )
    target = _resolve_target(df, target, roles)
    columns = []
    for name in df.columns:
        series = df[name]
        values, uniques, distinct = _observe(series)
        inferred, note = _infer_type(series, name, values, uniques, distinct)
        ctype = types.get(name, inferred)
        if ctype != inferred:
            _check_type_fits(series, name, ctype, distinct)
        role = "target" if name == target else roles.get(name) or _suggest_role(ctype)
        columns.append(
            ColumnSchema(
                name=name,
                dtype=str(series.dtype),
                type=ctype,
                role=role,
                inferred_type=inferred,
                missing=len(series) - len(values),
                distinct=distinct,
                note=note,
            )
        )
    if target is None:
        return Schema(tuple(columns), None, None, REASON_NO_TARGET, None, ())
    y = df[target]
    inferred_task, reason = infer_task(y)
    if task is not None and task != inferred_task:
        _check_task_fits(y, task)
        reason = REASON_OVERRIDE.format(task=task, inferred=inferred_task, reason=reason)
    task = task or inferred_task
    classes = () if task == "regression" else _sorted_classes(y)
    positive, why = None, ""
    if task == "binary":
        positive, why = _positive_class(y, classes, positive_class, goal_positive_class)
    return Schema(tuple(columns), target, task, reason, positive, classes, why)


# --- saving --------------------------------------------------------------------------------

_Count = Annotated[int, pydantic.Field(strict=True, ge=0)]


class StoredColumn(Document):
    """One column of a saved schema, as ``ColumnSchema`` holds it."""

    name: str
    dtype: str
    type: ColumnType
    role: Role
    inferred_type: ColumnType
    missing: _Count
    distinct: _Count
    note: str = ""


class StoredSchema(Document):
    """A saved schema (``schema_to_dict``); the keys and their order are the stored format."""

    columns: tuple[StoredColumn, ...]
    target: str | None = None
    task: Task | None = None
    task_reason: str = ""
    positive_class: str | None = None
    positive_class_reason: str = ""  # absent from schemas saved before it existed
    classes: tuple[str, ...] = ()

    @pydantic.model_validator(mode="after")
    def _target_is_a_column(self) -> StoredSchema:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise FieldError("columns", "column names repeat")
        if self.target is not None and self.target not in names:
            raise FieldError("target", f"target {self.target!r} is not one of the columns")
        return self


def _damaged(problems: list[FieldProblem]) -> SchemaError:
    problem = "; ".join(p.message for p in problems)
    return SchemaError(MSG_SCHEMA_DICT.format(problem=problem))


def schema_to_dict(schema: Schema) -> dict[str, Any]:
    """JSON-safe data; ``schema_from_dict(schema_to_dict(s)) == s``."""
    return StoredSchema.model_validate(dataclasses.asdict(schema)).model_dump(mode="json")


def schema_from_dict(data: Mapping[str, Any]) -> Schema:
    """Read a saved schema back, checking every field; raises ``SchemaError`` when damaged."""
    stored = read(StoredSchema, data, error=_damaged)
    fields = {name: getattr(stored, name) for name in StoredSchema.model_fields}
    columns = tuple(ColumnSchema(**c.model_dump()) for c in stored.columns)
    return Schema(**{**fields, "columns": columns})
