"""The one way a stored document (goal, train settings, schema, recipe step, expectation) is
validated: a pydantic v2 model, with pydantic's errors turned into plain messages.

Each stage declares its document as a subclass of ``Document``; ``read(Model, data)`` returns the
model or raises ``DocumentError`` listing every problem at once as ``FieldProblem(field,
message)``, the field written as a dotted path (``payoff.fp``, ``risks[2].impact``) so a form
can place each message next to its input. Messages say what the field needs and what it got,
in words, never pydantic's type names.

    class Payoff(Document):
        tp: float
    read(Payoff, {"tp": "a lot"})  # DocumentError: payoff.tp must be a number, got 'a lot'
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import pydantic
from pydantic_core import ErrorDetails, PydanticCustomError

from core.exceptions import CoreError

__all__ = [
    "Document",
    "DocumentError",
    "FieldError",
    "FieldProblem",
    "PositionalDocument",
    "field_error",
    "field_path",
    "plain_problems",
    "read",
]

MSG_REQUIRED = "{field} is required"
MSG_TEXT = "{field} must be text, got {value!r}"
MSG_NUMBER = "{field} must be a number, got {value!r}"
MSG_WHOLE_NUMBER = "{field} must be a whole number, got {value!r}"
MSG_BOOL = "{field} must be true or false, got {value!r}"
MSG_MAPPING = "{field} must be a mapping of named fields, got {value!r}"
MSG_LIST = "{field} must be a list, got {value!r}"
MSG_CHOICE = "{field} must be one of {choices}, got {value!r}"
MSG_DATE = "{field} must be an ISO date like 2025-06-30, got {value!r}"
MSG_UNKNOWN_KEY = "{field} is not a known field{suggestion}"
MSG_AT_LEAST = "{field} must be {limit} or more, got {value!r}"
MSG_MORE_THAN = "{field} must be more than {limit}, got {value!r}"
MSG_AT_MOST = "{field} must be {limit} or less, got {value!r}"
MSG_LESS_THAN = "{field} must be less than {limit}, got {value!r}"
MSG_TOO_LONG = "{field} must hold at most {limit} item(s) or character(s), got {length}"
MSG_TOO_SHORT = "{field} must hold at least {limit} item(s) or character(s), got {length}"
MSG_INVALID = "{field}: {problem}"
MSG_DOCUMENT_INVALID = "the {document} has {count} problem(s): {summary}"

FIELD_ERROR = "document_field"  # the type of a validator's own worded problem (field_error)

_BY_TYPE: dict[str, str] = {
    "missing": MSG_REQUIRED,
    "string_type": MSG_TEXT,
    "float_type": MSG_NUMBER,
    "float_parsing": MSG_NUMBER,
    "finite_number": MSG_NUMBER,
    "int_type": MSG_WHOLE_NUMBER,
    "int_parsing": MSG_WHOLE_NUMBER,
    "int_from_float": MSG_WHOLE_NUMBER,
    "bool_type": MSG_BOOL,
    "bool_parsing": MSG_BOOL,
    "dict_type": MSG_MAPPING,
    "model_type": MSG_MAPPING,
    "model_attributes_type": MSG_MAPPING,
    "dataclass_type": MSG_MAPPING,
    "list_type": MSG_LIST,
    "tuple_type": MSG_LIST,
    "date_type": MSG_DATE,
    "date_parsing": MSG_DATE,
    "date_from_datetime_parsing": MSG_DATE,
    "date_from_datetime_inexact": MSG_DATE,
}
_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than_equal": (MSG_AT_LEAST, "ge"),
    "greater_than": (MSG_MORE_THAN, "gt"),
    "less_than_equal": (MSG_AT_MOST, "le"),
    "less_than": (MSG_LESS_THAN, "lt"),
}


class Document(pydantic.BaseModel):
    """Base of every stored document: unknown keys are errors, values never coerced silently
    from a type the user did not write (``strict`` where a stage says so)."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PositionalDocument(Document):
    """A document that is also built in code like a dataclass: positional arguments in field
    order, and every problem raised as the stage's own error (``problem_error``), not pydantic's.

        SplitSpec("time", 0.25, time_column="signup")  # SplitError if it does not fit
    """

    def __init__(self, *args: Any, **fields: Any) -> None:
        names = list(type(self).model_fields)
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes at most {len(names)} positional values")
        fields.update(zip(names, args, strict=False))
        try:
            super().__init__(**fields)
        except pydantic.ValidationError as raised:
            raise type(self).problem_error(plain_problems(raised, model=type(self))) from None

    # Pydantic calls a model's own ``__init__`` when it validates data (``model_validate``);
    # this mark tells it not to, so ``read`` still gets every problem as pydantic's error.
    __init__.__dict__["__pydantic_base_init__"] = True

    #: The stage's own error, built from the first problem (its form shows one fix at a
    #: time); None: a ``DocumentError`` listing every problem.
    stage_error: ClassVar[type[CoreError] | None] = None

    @classmethod
    def problem_error(cls, problems: list[FieldProblem]) -> CoreError:
        """The error a stage raises for these problems (``read(..., error=)`` takes it too)."""
        if cls.stage_error is None:
            return DocumentError(problems)
        return cls.stage_error(problems[0].message, field=problems[0].field or None)


class FieldError(ValueError):
    """Raised by a model validator to place its message at one field (``min``, ``time_column``)
    rather than at the whole document."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class FieldProblem:
    """One validation problem, placed next to its field by the UI."""

    field: str
    message: str


class DocumentError(CoreError):
    """Every problem found in one document at once, so the user can fix them in one pass."""

    def __init__(self, problems: Sequence[FieldProblem], *, document: str = "document") -> None:
        self.problems = list(problems)
        summary = "; ".join(p.message for p in self.problems[:3])
        if len(self.problems) > 3:
            summary += f"; and {len(self.problems) - 3} more"
        only = self.problems[0].field if len(self.problems) == 1 else None
        message = MSG_DOCUMENT_INVALID.format(
            document=document, count=len(self.problems), summary=summary
        )
        super().__init__(message, field=only)


def field_error(template: str, *, at: Sequence[str] = (), **values: Any) -> PydanticCustomError:
    """A validator's own problem, worded by ``template``: ``{field}`` becomes the field's dotted
    path, other ``{names}`` come from ``values``. ``at`` places it on a sub-field of the model
    whose validator raised it (``at=("target",)`` raised by ``kpi`` is ``kpi.target``)."""
    context = {"template": template, "at": tuple(at), "values": values}
    context["message"] = template.format(field="this field", **values)  # outside read()
    return PydanticCustomError(FIELD_ERROR, "{message}", context)


def field_path(location: Sequence[int | str], prefix: str = "") -> str:
    """``("risks", 2, "impact")`` -> ``risks[2].impact`` (the form's field key)."""
    path = prefix
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _known_fields(
    model: type[pydantic.BaseModel] | None, location: Sequence[int | str]
) -> list[str]:
    """Names accepted at ``location`` (the parent of an unknown key), for 'did you mean'."""
    current: Any = model
    for part in location:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        current = _model_in(info.annotation) if info is not None else None
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [info.alias or name for name, info in current.model_fields.items()]


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``Model | None``, ``tuple[Model, ...]`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(error: ErrorDetails, field: str, model: type[pydantic.BaseModel] | None) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == FIELD_ERROR:
        return str(ctx["template"]).format(field=field or "the document", **ctx["values"])
    if kind == "extra_forbidden":
        known = _known_fields(model, error["loc"][:-1])
        close = difflib.get_close_matches(str(error["loc"][-1]), known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
        return MSG_UNKNOWN_KEY.format(field=field, suggestion=hint if known else "")
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return MSG_CHOICE.format(field=field, choices=expected.replace(" or ", ", "), value=value)
    if kind in _BOUNDS:
        template, key = _BOUNDS[kind]
        return template.format(field=field, limit=ctx.get(key), value=value)
    if kind in ("too_long", "too_short"):
        template = MSG_TOO_LONG if kind == "too_long" else MSG_TOO_SHORT
        limit = ctx.get("max_length" if kind == "too_long" else "min_length")
        return template.format(field=field, limit=limit, length=ctx.get("actual_length"))
    if kind in _BY_TYPE:
        return _BY_TYPE[kind].format(field=field or "the document", value=value)
    if kind == "value_error":  # a validator's own message: already plain, written for users
        return str(ctx.get("error", error["msg"]))
    return MSG_INVALID.format(field=field or "the document", problem=error["msg"])


def plain_problems(
    error: pydantic.ValidationError,
    *,
    model: type[pydantic.BaseModel] | None = None,
    prefix: str = "",
) -> list[FieldProblem]:
    """Pydantic's errors as plain messages, one per field, in the document's order."""
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for item in error.errors(include_url=False):
        location = [part for part in item["loc"] if not _is_union_tag(part)]
        if item["type"] == FIELD_ERROR:
            location += (item.get("ctx") or {}).get("at", ())
        field = field_path(location, prefix)
        placed = (item.get("ctx") or {}).get("error")
        if isinstance(placed, FieldError):  # a model validator named the field itself
            field = f"{field}.{placed.field}" if field else placed.field
        if field in seen:  # a union reports each branch; the first message is enough
            continue
        seen.add(field)
        problems.append(FieldProblem(field, _message(item, field, model)))
    return problems


def _is_union_tag(part: int | str) -> bool:
    """Pydantic names the union branch it tried (``float``, ``function-after[...]``)."""
    return isinstance(part, str) and (
        part in ("str", "int", "float", "bool", "none", "list", "dict") or "[" in part
    )


Model = TypeVar("Model", bound=pydantic.BaseModel)


def read(
    model: type[Model],
    data: Any,
    *,
    document: str = "document",
    prefix: str = "",
    context: Mapping[str, Any] | None = None,
    error: Callable[[list[FieldProblem]], CoreError] | None = None,
) -> Model:
    """Validate ``data`` as ``model``; every problem at once as a ``DocumentError``
    (or the stage's own error, built by ``error(problems)``)."""
    try:
        return model.model_validate(data, context=dict(context or {}))
    except pydantic.ValidationError as raised:
        problems = plain_problems(raised, model=model, prefix=prefix)
        raise (error(problems) if error else DocumentError(problems, document=document)) from None
