"""The rule language of the rule baseline: a business rule's text, checked and compiled.

``parse_rule`` reads a rule such as ``contract == 'Month-to-month' and tenure_months < 12``
with a safe allow-list parser (never ``eval``) into a ``RuleExpression``, whose comparisons
evaluate through ``core.conditions`` (``core.estimators.rules``, which saved pipelines use);
``checked_rule`` also checks it against the training data: no target, values that fit the
columns' types.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

import pandas as pd
from pandas.api import types as ptypes

from core import conditions
from core.data.schema import Schema
from core.estimators.rules import RuleExpression
from core.train.settings import TrainError

__all__ = ["check_rule", "checked_rule", "parse_rule"]

MAX_RULE_LENGTH = 2000

MSG_RULE_EMPTY = "the rule is empty; write a condition such as tenure_months < 6"
MSG_RULE_TOO_LONG = "the rule is {length:,} characters long; keep it under {limit:,}"
MSG_RULE_SYNTAX = "the rule is not a valid condition: {problem} (at character {offset})"
MSG_RULE_UNKNOWN_COLUMN = "the rule uses {name!r}, which is not a column{suggestion}"
MSG_RULE_TARGET = "the rule uses the target {name!r}; a rule must decide without knowing the answer"
MSG_RULE_CALL = "function calls are not allowed in a rule, found {call}(…)"
MSG_RULE_ATTRIBUTE = "attribute access is not allowed in a rule, found {text}"
MSG_RULE_ELEMENT = (
    "{what} is not allowed in a rule; use comparisons such as tenure_months < 6 joined by "
    "and, or, not"
)
MSG_RULE_VALUE = "{value} is not a value a rule can compare with; use a number or quoted text"
MSG_RULE_NOT_CONDITION = (
    "{text!r} is not a condition; compare it, e.g. {text} == 'Yes' or {text} > 0"
)
MSG_RULE_NO_COLUMN = "the comparison {text!r} does not use any column"
MSG_RULE_LIST = (
    "{op!r} needs a list of values on its right, e.g. contract in ['One year', 'Two year']"
)
MSG_RULE_LIST_PLACE = "a list of values can only follow 'in' or 'not in'"
MSG_RULE_TYPES = "column {column!r} holds {what}, so compare it with {expected}, not {value!r}"

_COMPARISONS: dict[type, str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_ELEMENT_NAMES: dict[type, str] = {
    ast.BinOp: "arithmetic",
    ast.Subscript: "indexing",
    ast.Lambda: "a lambda",
    ast.IfExp: "an if-expression",
    ast.Dict: "a dictionary",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "an assignment",
    ast.Starred: "unpacking",
    ast.JoinedStr: "an f-string",
    ast.Await: "await",
    ast.Slice: "slicing",
}
_BACKTICK = re.compile(r"`([^`]+)`")


class _RuleParser:
    def __init__(self, text: str, columns: Sequence[Any], aliases: Mapping[str, str]) -> None:
        self.text = text
        self.columns = [str(c) for c in columns]
        self.known = set(self.columns)
        self.aliases = aliases
        self.used: list[str] = []

    def source(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.text, node) or ast.unparse(node)
        for alias, name in self.aliases.items():
            text = text.replace(alias, f"`{name}`")
        return text

    def refuse(self, node: ast.AST) -> TrainError:
        if isinstance(node, ast.Call):
            call = self.source(node.func)
            return TrainError(MSG_RULE_CALL.format(call=call), field="rule")
        if isinstance(node, ast.Attribute):
            return TrainError(MSG_RULE_ATTRIBUTE.format(text=self.source(node)), field="rule")
        what = _ELEMENT_NAMES.get(type(node), type(node).__name__)
        if isinstance(node, ast.BinOp):
            what = f"arithmetic ({self.source(node)})"
        return TrainError(MSG_RULE_ELEMENT.format(what=what), field="rule")

    def condition(self, node: ast.AST) -> tuple[Any, ...]:
        if isinstance(node, ast.BoolOp):
            kind = "and" if isinstance(node.op, ast.And) else "or"
            return (kind, tuple(self.condition(v) for v in node.values))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ("not", self.condition(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name | ast.Constant):
            if isinstance(node, ast.Name):
                self.column(node)  # an unknown name is reported as such first
            message = MSG_RULE_NOT_CONDITION.format(text=self.source(node))
            raise TrainError(message, field="rule")
        raise self.refuse(node)

    def compare(self, node: ast.Compare) -> tuple[Any, ...]:
        left = self.operand(node.left)
        if left[0] == "values":
            raise TrainError(MSG_RULE_LIST_PLACE, field="rule")
        pairs = []
        previous = left
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            op = _COMPARISONS.get(type(op_node))
            if op is None:  # `is`, `is not`
                what = "'is'" if isinstance(op_node, ast.Is) else "'is not'"
                raise TrainError(MSG_RULE_ELEMENT.format(what=what), field="rule")
            right = self.operand(right_node)
            if op in ("in", "not in") and right[0] != "values":
                raise TrainError(MSG_RULE_LIST.format(op=op), field="rule")
            if op not in ("in", "not in") and right[0] == "values":
                raise TrainError(MSG_RULE_LIST_PLACE, field="rule")
            if "column" not in (previous[0], right[0]):
                raise TrainError(MSG_RULE_NO_COLUMN.format(text=self.source(node)), field="rule")
            pairs.append((op, right))
            previous = right
        return ("compare", left, tuple(pairs))

    def column(self, node: ast.Name) -> str:
        name = self.aliases.get(node.id, node.id)
        if name not in self.known:
            close = difflib.get_close_matches(name, self.columns, n=1)
            suggestion = f"; did you mean {close[0]!r}?" if close else ""
            message = MSG_RULE_UNKNOWN_COLUMN.format(name=name, suggestion=suggestion)
            raise TrainError(message, field="rule")
        if name not in self.used:
            self.used.append(name)
        return name

    def value(self, node: ast.AST) -> Any:
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub | ast.UAdd)
            and isinstance(node.operand, ast.Constant)
            and _is_number(node.operand.value)
        ):
            value = node.operand.value
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) or _is_number(node.value):
                return node.value
            raise TrainError(MSG_RULE_VALUE.format(value=self.source(node)), field="rule")
        if isinstance(node, ast.Name):
            raise TrainError(MSG_RULE_VALUE.format(value=self.source(node)), field="rule")
        raise self.refuse(node)

    def operand(self, node: ast.AST) -> tuple[Any, ...]:
        if isinstance(node, ast.Name):
            return ("column", self.column(node))
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return ("values", tuple(self.value(element) for element in node.elts))
        return ("value", self.value(node))


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, complex)


def parse_rule(rule: str, columns: Sequence[Any]) -> RuleExpression:
    """Check a business rule such as ``contract == 'Month-to-month' and tenure_months < 12``.

    A safe parser, never ``eval``: Python's ``ast`` reads the text and only an allow-list is
    accepted — comparisons (``== != < <= > >=``, ``in``/``not in`` a literal list), ``and``,
    ``or``, ``not``, parentheses, column names (in backticks when they hold spaces:
    `` `monthly charges` > 50``) and number or quoted-text values. Anything else (calls,
    attributes, arithmetic, unknown names) raises ``TrainError`` saying what was found.
    """
    text = str(rule or "").strip()
    if not text:
        raise TrainError(MSG_RULE_EMPTY, field="rule")
    if len(text) > MAX_RULE_LENGTH:
        message = MSG_RULE_TOO_LONG.format(length=len(text), limit=MAX_RULE_LENGTH)
        raise TrainError(message, field="rule")
    aliases: dict[str, str] = {}

    def alias(match: re.Match[str]) -> str:
        name = f"_rule_column_{len(aliases)}_"
        aliases[name] = match.group(1)
        return name

    source = _BACKTICK.sub(alias, text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        problem = error.msg
        raise TrainError(
            MSG_RULE_SYNTAX.format(problem=problem, offset=error.offset or 0), field="rule"
        ) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise TrainError(MSG_RULE_SYNTAX.format(problem=error, offset=0), field="rule") from None
    parser = _RuleParser(source, columns, aliases)
    condition = parser.condition(tree.body)
    return RuleExpression(text=text, columns=tuple(parser.used), tree=condition)


def _describe_values(series: pd.Series) -> tuple[str, str, Callable[[Any], bool]]:
    """What a column holds, what to compare it with, and which values fit."""
    if ptypes.is_bool_dtype(series.dtype):
        return "true/false values", "True or False", lambda v: _is_number(v)
    if ptypes.is_numeric_dtype(series.dtype):
        return "numbers", "a number", _is_number
    if ptypes.is_datetime64_any_dtype(series.dtype):
        return "dates", "a date in quotes like '2024-01-31'", lambda v: isinstance(v, str)
    return "text", "quoted text", lambda v: isinstance(v, str)


def _check_operand_types(column: str, series: pd.Series, values: Sequence[Any]) -> None:
    what, expected, fits = _describe_values(series)
    for value in values:
        if not fits(value):
            message = MSG_RULE_TYPES.format(
                column=column, what=what, expected=expected, value=value
            )
            raise TrainError(message, field="rule")


def _check_types(node: tuple[Any, ...], frame: pd.DataFrame) -> None:
    """Every value compared with a column fits what the column holds."""
    kind = node[0]
    if kind in ("and", "or"):
        for child in node[1]:
            _check_types(child, frame)
        return
    if kind == "not":
        _check_types(node[1], frame)
        return
    _, left, pairs = node
    for _, right in pairs:
        for (side, name), other in ((left, right), (right, left)):
            if side == "column" and other[0] in ("value", "values"):
                values = other[1] if other[0] == "values" else [other[1]]
                _check_operand_types(name, frame[name], values)
        left = right


def check_rule(expression: RuleExpression, frame: pd.DataFrame) -> None:
    """Raise ``TrainError`` where the rule cannot be evaluated on ``frame``: a value of the
    wrong kind for its column, or a comparison ``core.conditions`` refuses."""
    _check_types(expression.tree, frame)
    try:
        expression.evaluate(frame)
    except conditions.ConditionError as error:
        raise TrainError(str(error), field="rule") from None


def checked_rule(frame: pd.DataFrame, schema: Schema, rule: str) -> RuleExpression:
    """The rule parsed against ``frame``'s columns and checked on its rows; never the target."""
    expression = parse_rule(rule, list(frame.columns))
    if schema.target in expression.columns:
        raise TrainError(MSG_RULE_TARGET.format(name=schema.target), field="rule")
    check_rule(expression, frame)
    return expression
