"""Data stage: the cleaning recipe, ordered steps stored as data and replayed on any version.

Steps that learn from data (imputation by mean, scaling, encoding) do not belong here — they
go into the training pipeline so nothing leaks from validation rows. A recipe holds only fixed
transformations (drop, filter, cast, parse dates, cap at stored bounds, fill with a constant,
rename), so replaying it on a new dataset version gives the same result for the same rows.

This module holds the steps, their rules and their stored form (``recipe_to_list`` /
``recipe_from_list``); ``core.data.cleaning`` applies them. Pure Python: no Streamlit, no
storage.

    recipe = Recipe().add(Step("cast", "income", {"to": "numeric"}))
    cleaned = apply_recipe(df, recipe).frame  # same row ids as df, minus removed rows
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, get_args

import numpy as np

from core import conditions
from core.coerce import to_number
from core.exceptions import CoreError

RECIPE_SCOPE_NOTE = (
    "Steps that learn from data (imputation by mean, scaling, encoding) do not belong here — "
    "they go into the training pipeline so nothing leaks from validation rows."
)

StepKind = Literal[
    "drop_column",
    "drop_duplicates",
    "filter_rows",
    "cast",
    "parse_dates",
    "cap_outliers",
    "fill_missing",
    "rename",
]
FilterOp = Literal[
    "==", "!=", "<", "<=", ">", ">=", "in", "not in", "is null", "not null", "contains"
]
FilterAction = Literal["keep", "drop"]
CastTarget = Literal["numeric", "integer", "string", "boolean", "category", "datetime"]
DecimalMark = Literal[",", "."]

STEP_KINDS: tuple[str, ...] = get_args(StepKind)
FILTER_OPS: tuple[str, ...] = get_args(FilterOp)
FILTER_ACTIONS: tuple[str, ...] = get_args(FilterAction)
CAST_TARGETS: tuple[str, ...] = get_args(CastTarget)
DECIMAL_MARKS: tuple[str, ...] = get_args(DecimalMark)

# params each kind accepts; _check_params says which are required
STEP_PARAMS: dict[str, tuple[str, ...]] = {
    "drop_column": (),
    "drop_duplicates": ("subset",),
    "filter_rows": ("op", "value", "action"),
    "cast": ("to", "decimal"),
    "parse_dates": ("format",),
    "cap_outliers": ("lower", "upper"),
    "fill_missing": ("value",),
    "rename": ("to",),
}
VALUE_FREE_OPS = ("is null", "not null")
LIST_OPS = ("in", "not in")

# --- messages (tests import these) -------------------------------------------------------

MSG_STEP = "Step {number} ({description}): {problem}"
MSG_STEP_BARE = "Step {number}: {problem}"
MSG_RECIPE_LIST = "a recipe must be a list of steps, got {value!r}"
MSG_STEP_MAPPING = "a step must be a mapping with kind, column and params, got {value!r}"
MSG_STEP_KEY = "{key!r} is not a field of a step{suggestion}"
MSG_STEP_INDEX = "there is no step {number}; the recipe has {count} step(s)"
MSG_UNKNOWN_KIND = "kind {value!r} is not a step kind; use one of {choices}"
MSG_COLUMN_NEEDED = "a {kind} step needs a column"
MSG_COLUMN_TEXT = "column must be a column name (text), got {value!r}"
MSG_NO_COLUMN = "a {kind} step works on whole rows; name columns in params.subset, not column"
MSG_PARAMS_MAPPING = "params must be a mapping, got {value!r}"
MSG_UNKNOWN_PARAM = "param {name!r} is not known for a {kind} step{suggestion}"
MSG_PARAM_NEEDED = "a {kind} step needs params.{name}"
MSG_PARAM_VALUE = (
    "params.{name} must be text, a number, true/false or a list of those, got {value!r}"
)
MSG_UNKNOWN_OP = "op {value!r} is not a filter; use one of {choices}"
MSG_ACTION = "action must be one of {choices}, got {value!r}"
MSG_OP_VALUE_NEEDED = "op {op!r} needs params.value"
MSG_OP_NO_VALUE = "op {op!r} takes no value, got {value!r}"
MSG_OP_LIST = "op {op!r} needs a non-empty list of values, got {value!r}"
MSG_OP_SCALAR = "op {op!r} needs one value, not a list, got {value!r}"
MSG_CONTAINS_VALUE = "op 'contains' needs the text to look for, got {value!r}"
MSG_CAST_TARGET = "cannot cast to {value!r}; use one of {choices}"
MSG_DECIMAL = "decimal must be one of {choices}, got {value!r}"
MSG_DECIMAL_TARGET = "decimal only applies when casting to numeric or integer, not {to!r}"
MSG_FORMAT = "format must be a date pattern like '%Y-%m-%d', got {value!r}"
MSG_BOUNDS_NEEDED = "a cap_outliers step needs params.lower, params.upper or both"
MSG_BOUND = "params.{name} must be a finite number, got {value!r}"
MSG_BOUNDS_ORDER = "lower bound {lower} must not exceed upper bound {upper}"
MSG_FILL_VALUE = "a fill_missing step needs params.value: a number for numeric columns, else text"
MSG_RENAME_TO = "params.to must be the new column name (text), got {value!r}"
MSG_RENAME_SAME = "renaming {column!r} to the same name changes nothing"
MSG_SUBSET = "params.subset must be a non-empty list of column names, got {value!r}"

MSG_MISSING_COLUMN = "column {column!r} does not exist{why}"
MSG_DUPLICATE_COLUMN = "column {column!r} appears {count} times; rename the copies first"
MSG_RENAME_EXISTS = "cannot rename {column!r} to {to!r}: a column {to!r} already exists"
MSG_NOT_NUMERIC = (
    "column {column!r} holds {what}, but {action} needs numbers; add a cast to numeric first"
)
MSG_VALUE_TYPE = conditions.MSG_VALUE_TYPE
MSG_CONTAINS_COLUMN = conditions.MSG_CONTAINS_COLUMN
MSG_COMPARE = conditions.MSG_COMPARE
MSG_NOT_WHOLE = (
    "{count} value(s) of {column!r} are not whole numbers (e.g. {example!r}); "
    "cast to numeric instead, or cap and round them first"
)
MSG_DATES_TO_NUMBER = "column {column!r} holds dates; dates cannot be cast to {to}"


class RecipeError(CoreError):
    """A recipe step is invalid or cannot run; names the step number, description and column."""

    def __init__(
        self,
        message: str,
        *,
        step_number: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        field = f"steps[{step_number - 1}]" if step_number is not None else None
        super().__init__(message, field=field, hint=hint)
        self.step_number = step_number
        self.column = column
        self.problem = message


class _Problem(Exception):
    """Raised inside one step; apply_recipe adds the step number and description."""


# --- steps and recipes -------------------------------------------------------------------


def _plain(value: Any, name: str) -> Any:
    """Param values as JSON-safe primitives: numpy scalars unwrapped, dates as ISO text."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, np.generic):
        return _plain(value.item(), name)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise RecipeError(MSG_PARAM_VALUE.format(name=name, value=value))
        return number
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return tuple(_plain(item, name) for item in value)
    raise RecipeError(MSG_PARAM_VALUE.format(name=name, value=value))


_OP_ALIASES = {
    "=": "==",
    "<>": "!=",
    "is_null": "is null",
    "isnull": "is null",
    "isna": "is null",
    "not_null": "not null",
    "notnull": "not null",
    "notna": "not null",
    "is not null": "not null",
    "not_in": "not in",
}


def _suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_filter(params: dict[str, Any]) -> None:
    op = params.get("op")
    if op is None:
        raise RecipeError(MSG_PARAM_NEEDED.format(kind="filter_rows", name="op"))
    op = _OP_ALIASES.get(str(op).strip().lower(), str(op).strip().lower())
    if op not in FILTER_OPS:
        choices = ", ".join(FILTER_OPS)
        raise RecipeError(MSG_UNKNOWN_OP.format(value=params["op"], choices=choices))
    params["op"] = op
    action = str(params.get("action", "keep")).strip().lower()
    if action not in FILTER_ACTIONS:
        choices = ", ".join(FILTER_ACTIONS)
        raise RecipeError(MSG_ACTION.format(choices=choices, value=params["action"]))
    params["action"] = action
    value = params.get("value")
    if op in VALUE_FREE_OPS:
        if value is not None:
            raise RecipeError(MSG_OP_NO_VALUE.format(op=op, value=value))
    elif value is None:
        raise RecipeError(MSG_OP_VALUE_NEEDED.format(op=op))
    elif op in LIST_OPS:
        if not isinstance(value, tuple) or not value:
            raise RecipeError(MSG_OP_LIST.format(op=op, value=value))
    elif isinstance(value, tuple):
        raise RecipeError(MSG_OP_SCALAR.format(op=op, value=list(value)))
    elif op == "contains" and (not isinstance(value, str) or not value):
        raise RecipeError(MSG_CONTAINS_VALUE.format(value=value))


def _check_cast(params: dict[str, Any]) -> None:
    to = params.get("to")
    if to is None:
        raise RecipeError(MSG_PARAM_NEEDED.format(kind="cast", name="to"))
    normal = str(to).strip().lower()
    if normal not in CAST_TARGETS:
        raise RecipeError(MSG_CAST_TARGET.format(value=to, choices=", ".join(CAST_TARGETS)))
    params["to"] = normal
    decimal = params.get("decimal")
    if decimal is not None:
        if decimal not in DECIMAL_MARKS:
            choices = ", ".join(repr(m) for m in DECIMAL_MARKS)
            raise RecipeError(MSG_DECIMAL.format(choices=choices, value=decimal))
        if normal not in ("numeric", "integer"):
            raise RecipeError(MSG_DECIMAL_TARGET.format(to=normal))


def _check_bounds(params: dict[str, Any]) -> None:
    if params.get("lower") is None and params.get("upper") is None:
        raise RecipeError(MSG_BOUNDS_NEEDED)
    for name in ("lower", "upper"):
        if params.get(name) is not None:
            number = to_number(params[name])
            if number is None:
                raise RecipeError(MSG_BOUND.format(name=name, value=params[name]))
            params[name] = int(number) if number.is_integer() else number
    lower, upper = params.get("lower"), params.get("upper")
    if lower is not None and upper is not None and lower > upper:
        raise RecipeError(MSG_BOUNDS_ORDER.format(lower=lower, upper=upper))


def _check_params(kind: str, column: str | None, params: dict[str, Any]) -> None:
    """Kind-specific rules; normalises ``params`` in place (op aliases, lower-case targets)."""
    if kind == "filter_rows":
        _check_filter(params)
    elif kind == "cast":
        _check_cast(params)
    elif kind == "cap_outliers":
        _check_bounds(params)
    elif kind == "fill_missing" and params.get("value") is None:
        raise RecipeError(MSG_FILL_VALUE)
    elif kind == "rename":
        to = params.get("to")
        if not isinstance(to, str) or not to.strip():
            raise RecipeError(MSG_RENAME_TO.format(value=to))
        if to == column:
            raise RecipeError(MSG_RENAME_SAME.format(column=column))
    elif kind == "parse_dates":
        fmt = params.get("format")
        if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
            raise RecipeError(MSG_FORMAT.format(value=fmt))
    elif kind == "drop_duplicates":
        subset = params.get("subset")
        bad = not isinstance(subset, tuple) or not subset
        if subset is not None and (bad or not all(isinstance(c, str) for c in subset)):
            raise RecipeError(MSG_SUBSET.format(value=subset))


@dataclasses.dataclass(frozen=True)
class Step:
    """One fixed transformation; ``params`` depend on the kind (see ``STEP_PARAMS``).

    Validated on construction, so an invalid step cannot exist; ``params`` is a normalised
    copy (lists become tuples, numpy scalars plain numbers) and must be treated as read-only.
    """

    kind: StepKind
    column: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in STEP_KINDS:
            choices = ", ".join(STEP_KINDS)
            raise RecipeError(MSG_UNKNOWN_KIND.format(value=self.kind, choices=choices))
        if self.kind == "drop_duplicates":
            if self.column is not None:
                raise RecipeError(MSG_NO_COLUMN.format(kind=self.kind))
        elif self.column is None or (isinstance(self.column, str) and not self.column.strip()):
            raise RecipeError(MSG_COLUMN_NEEDED.format(kind=self.kind))
        elif not isinstance(self.column, str):
            raise RecipeError(MSG_COLUMN_TEXT.format(value=self.column))
        if not isinstance(self.params, Mapping):
            raise RecipeError(MSG_PARAMS_MAPPING.format(value=self.params))
        known = STEP_PARAMS[self.kind]
        params: dict[str, Any] = {}
        for name, value in self.params.items():
            if name not in known:
                suggestion = _suggest(str(name), known) or (
                    f"; it takes {', '.join(known)}" if known else "; it takes no params"
                )
                raise RecipeError(
                    MSG_UNKNOWN_PARAM.format(name=name, kind=self.kind, suggestion=suggestion)
                )
            if value is not None:
                params[name] = _plain(value, name)
        _check_params(self.kind, self.column, params)
        object.__setattr__(self, "params", params)

    def __hash__(self) -> int:
        return hash((self.kind, self.column, tuple(sorted(self.params.items()))))

    def describe(self) -> str:
        """The step in plain words for the UI, e.g. "Drop rows where total_charges is null"."""
        return _DESCRIBE[self.kind](self.column, self.params)


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


_OP_WORDS = {
    "==": "is",
    "!=": "is not",
    "<": "is below",
    "<=": "is at most",
    ">": "is above",
    ">=": "is at least",
    "in": "is one of",
    "not in": "is none of",
    "is null": "is null",
    "not null": "is not null",
    "contains": "contains",
}


def _describe_filter(column: str | None, p: Mapping[str, Any]) -> str:
    op, action = p["op"], p["action"]
    if op == "not null":
        action, op = ("drop" if action == "keep" else "keep"), "is null"
    condition = f"{column} {_OP_WORDS[op]}"
    if op not in VALUE_FREE_OPS:
        condition += f" {_show(p['value'])}"
    return f"{'Keep only' if action == 'keep' else 'Drop'} rows where {condition}"


def _describe_cap(column: str | None, p: Mapping[str, Any]) -> str:
    lower, upper = p.get("lower"), p.get("upper")
    if lower is None:
        return f"Cap {column} at most {_show(upper)}"
    if upper is None:
        return f"Cap {column} at least {_show(lower)}"
    return f"Cap {column} between {_show(lower)} and {_show(upper)}"


def _describe_cast(column: str | None, p: Mapping[str, Any]) -> str:
    marks = {",": " (decimal comma)", ".": " (decimal point)"}
    return f"Cast {column} to {p['to']}{marks.get(str(p.get('decimal')), '')}"


def _describe_duplicates(column: str | None, p: Mapping[str, Any]) -> str:
    subset = p.get("subset")
    return f"Drop duplicate rows (same {', '.join(subset)})" if subset else "Drop duplicate rows"


_DESCRIBE: dict[str, Callable[[str | None, Mapping[str, Any]], str]] = {
    "drop_column": lambda c, p: f"Drop column {c}",
    "drop_duplicates": _describe_duplicates,
    "filter_rows": _describe_filter,
    "cast": _describe_cast,
    "parse_dates": lambda c, p: (
        f"Parse {c} as dates" + (f" ({p['format']})" if p.get("format") else "")
    ),
    "cap_outliers": _describe_cap,
    "fill_missing": lambda c, p: f"Fill missing {c} with {_show(p['value'])}",
    "rename": lambda c, p: f"Rename {c} to {p['to']}",
}


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Ordered cleaning steps; every update returns a new recipe."""

    steps: tuple[Step, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))

    def __len__(self) -> int:
        return len(self.steps)

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.steps):
            raise RecipeError(MSG_STEP_INDEX.format(number=index + 1, count=len(self.steps)))

    def add(self, step: Step) -> Recipe:
        """Append a step at the end."""
        return Recipe((*self.steps, step))

    def remove(self, index: int) -> Recipe:
        """Drop the step at ``index`` (0-based)."""
        self._check_index(index)
        return Recipe(self.steps[:index] + self.steps[index + 1 :])

    def replace(self, index: int, step: Step) -> Recipe:
        """Swap the step at ``index`` for an edited one."""
        self._check_index(index)
        return Recipe((*self.steps[:index], step, *self.steps[index + 1 :]))

    def move(self, index: int, delta: int) -> Recipe:
        """Move a step up (``delta < 0``) or down; moving past either end stops there."""
        self._check_index(index)
        target = min(max(index + delta, 0), len(self.steps) - 1)
        steps = list(self.steps)
        steps.insert(target, steps.pop(index))
        return Recipe(tuple(steps))


# --- JSON-safe round trip ----------------------------------------------------------------


def _json(value: Any) -> Any:
    return [_json(v) for v in value] if isinstance(value, tuple) else value


def step_to_dict(step: Step) -> dict[str, Any]:
    """The step as JSON-safe data; ``step_from_dict(step_to_dict(s)) == s``."""
    return {
        "kind": step.kind,
        "column": step.column,
        "params": {name: _json(value) for name, value in step.params.items()},
    }


def step_from_dict(data: Mapping[str, Any]) -> Step:
    """A validated step from stored data or a UI form; raises ``RecipeError`` naming the fix."""
    if not isinstance(data, Mapping):
        raise RecipeError(MSG_STEP_MAPPING.format(value=data))
    for key in data:
        if key not in ("kind", "column", "params"):
            suggestion = _suggest(str(key), ("kind", "column", "params"))
            raise RecipeError(MSG_STEP_KEY.format(key=key, suggestion=suggestion))
    kind = data.get("kind")
    normal = str(kind).strip().lower().replace(" ", "_").replace("-", "_")
    if kind is None or normal not in STEP_KINDS:
        choices = ", ".join(STEP_KINDS)
        suggestion = _suggest(normal, STEP_KINDS)
        raise RecipeError(MSG_UNKNOWN_KIND.format(value=kind, choices=choices) + suggestion)
    column = data.get("column")
    if isinstance(column, str):
        column = column.strip() or None
    params = data.get("params")
    return Step(normal, column, {} if params is None else params)  # type: ignore[arg-type]


def recipe_to_list(recipe: Recipe) -> list[dict[str, Any]]:
    """The recipe as a JSON-safe list of steps, in order."""
    return [step_to_dict(step) for step in recipe.steps]


def recipe_from_list(items: Sequence[Mapping[str, Any]] | None) -> Recipe:
    """A validated recipe; the first bad step raises ``RecipeError`` with its number."""
    if items is None:
        return Recipe()
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Sequence):
        raise RecipeError(MSG_RECIPE_LIST.format(value=items))
    steps = []
    for i, item in enumerate(items):
        try:
            steps.append(step_from_dict(item))
        except RecipeError as error:
            column = item.get("column") if isinstance(item, Mapping) else None
            message = MSG_STEP_BARE.format(number=i + 1, problem=error.problem)
            raise RecipeError(message, step_number=i + 1, column=column) from None
    return Recipe(tuple(steps))
