"""Scoring shared by serve.py and predict.py, so the service and the batch scorer agree.

One path for every input: verify the files against manifest.json, read schema.json (the
input contract), check and convert the inputs column by column into the frame the pipeline
was trained on, predict, and apply the bundle's threshold (binary: positive when the
positive-class probability is >= threshold). Needs only the packages in requirements.txt,
never the workbench that exported it.

    bundle = load_bundle()                      # refuses a bundle whose files changed
    frame, warnings = rows_to_frame({"rows": [...]}, bundle.contract, max_rows=1000)
    scores = score_frame(bundle.pipeline, bundle.contract, frame)
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

HERE = Path(__file__).resolve().parent
MANIFEST_FILE = "manifest.json"
SCHEMA_FILE = "schema.json"
MODEL_FILE = "model/pipeline.joblib"
GOLDEN_FILE = "golden.csv"
EXPECTED_PREFIX = "expected_"
PROBABILITY_PREFIX = "probability_"  # scored outputs: probability_<class>
TOLERANCE = 1e-9  # golden probabilities and regression outputs, relative above 1
MAX_PROBLEMS = 50  # listed per answer; the count says how many there were
# The largest magnitude a number may have: models that read float32 (trees, boosting)
# cannot hold more, so larger numbers are refused rather than crash the model.
MAX_NUMBER = float(np.finfo(np.float32).max)
MAX_JSON_DEPTH = 20  # a body is {"rows": [{column: value}]}: 3 levels; deeper is refused
MAX_WARNINGS = 20
MAX_SHOWN_VALUES = 12
MAX_SHOWN_CHARS = 60
READ_BLOCK = 1024 * 1024
NA_MARKERS = frozenset(
    {"", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "<NA>", "#N/A"}
)
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0"})
COLUMN_TYPES = ("numeric", "categorical", "boolean", "datetime", "text")
TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_DATE_SHAPE = re.compile(
    r"^\s*("
    r"\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r")(Z|[+-]\d{2}:?\d{2})?\s*$"
)

# --- messages (tests import these) -------------------------------------------------------

MSG_MANIFEST_MISSING = "manifest.json is missing, so the files cannot be verified"
MSG_MANIFEST_BAD = "manifest.json is not valid: {problem}"
MSG_FILE_MISSING = "{name}: listed in manifest.json but missing"
MSG_FILE_CHANGED = (
    "{name}: sha256 {actual} differs from manifest.json ({expected}): the file was changed "
    "or damaged; unpack the original bundle again"
)
MSG_UNSAFE_NAME = "manifest.json lists {name!r}, which is not a plain path inside the bundle"
MSG_SCHEMA_BAD = "schema.json is not valid: {problem}"
MSG_CLASSES = "the model's classes {model} differ from schema.json's {schema}"
MSG_BODY = 'the body must be a JSON object {{"rows": [{{column: value, ...}}, ...]}}, got {got}'
MSG_BODY_KEY = "the body has an unknown key {key!r}; only 'rows' is read"
MSG_ROWS_EMPTY = "rows is empty: send at least one row"
MSG_TOO_MANY_ROWS = "{count:,} rows in one request; at most {limit:,} are allowed: split the batch"
MSG_BODY_TOO_LARGE = "the body is larger than {limit:,} bytes: send fewer rows per request"
MSG_ROW_NOT_OBJECT = "{where}: a row must be an object {{column: value, ...}}, got {got}"
MSG_MISSING_FIELD = "{where}: field {field!r} is missing; every row needs {count} fields: {names}"
MSG_EXTRA_FIELD = "{where}: field {field!r} is not an input of this model{suggestion}"
MSG_NULL = "{where}: a value is required (this column had no missing values in training)"
MSG_NOT_NUMBER = "{where}: expected a number, got {value}"
MSG_NOT_FINITE = "{where}: expected a finite number, got {value}"
MSG_TOO_LARGE = (
    "{where}: {value} is beyond ±3.4e38, the largest number the model can hold; "
    "send a smaller number"
)
MSG_TOO_DEEP = "the body is nested deeper than {limit} levels; rows hold only plain values"
MSG_BAD_TEXT = (
    "{where}: the text holds a lone surrogate ({char}), which is not valid Unicode; send UTF-8 text"
)
MSG_NOT_SCALAR = "{where}: expected a single value, got {value}"
MSG_UNKNOWN_VALUE = "{where}: {value} is not a known value; allowed: {allowed}"
MSG_NOT_DATE = (
    "{where}: expected a date as text such as '2024-01-31' or '2024-01-31T09:30:00Z', got {value}"
)
MSG_NOT_TEXT = "{where}: expected text, got {value}"
MSG_OUT_OF_RANGE = (
    "{where} = {value} lies outside the training range {low} to {high}; the model extrapolates"
)
MSG_COLUMNS_MISSING = "the input lacks {count} column(s) the model needs: {names}"
MSG_TABLE_SUFFIX = "{name}: use a .csv or .parquet file (got {suffix!r})"
MSG_GOLDEN_COLUMNS = "golden.csv lacks column(s) {names}"
MSG_GOLDEN_LABEL = "golden row {row}: prediction {actual!r}, expected {expected!r}"
MSG_GOLDEN_NUMBER = (
    "golden row {row}: {column} = {actual!r}, expected {expected!r} (±{tolerance:g})"
)
MSG_GOLDEN_INPUT = "golden.csv cannot be read as model input: {problem}"


class BundleError(Exception):
    """The bundle itself is damaged: a file changed or is missing, or a contract is broken."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclasses.dataclass(frozen=True)
class Problem:
    """One bad input: the row (0-based position), the field, a short kind and the message."""

    row: int | None
    field: str | None
    kind: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        loc: list[Any] = ["body"]
        if self.row is not None:
            loc += ["rows", self.row]
        if self.field is not None:
            loc.append(self.field)
        return {
            "loc": loc,
            "msg": self.message,
            "type": self.kind,
            "row": self.row,
            "field": self.field,
        }


class InputError(ValueError):
    """Inputs that break the contract; ``status`` is the HTTP answer (422, 413 or 400)."""

    def __init__(self, problems: Sequence[Problem], *, status: int = 422, total: int = 0) -> None:
        self.problems = tuple(problems)[:MAX_PROBLEMS]
        self.total = max(total, len(problems))
        self.status = status
        shown = "; ".join(p.message for p in self.problems[:5])
        more = self.total - min(5, len(self.problems))
        super().__init__(shown + (f"; and {more} more" if more > 0 else ""))


# --- labels as text (the same rule as the workbench's core.coerce.class_label) -------------


def class_label(value: Any) -> str:
    """A value as the text used for classes and categories: ``True`` → "True", ``1.0`` → "1"."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in NA_MARKERS


# --- the contract --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    """One input column of schema.json."""

    name: str
    type: str
    dtype: str
    nullable: bool
    allowed: tuple[Any, ...] | None = None
    minimum: Any = None
    maximum: Any = None


class Contract:
    """schema.json, read once: the input columns in the pipeline's order, classes, threshold."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        try:
            self.columns = tuple(_read_column(c) for c in data["columns"])
            self.task = str(data["task"])
            self.classes = tuple(str(c) for c in data.get("classes") or ())
            self.positive_class = data.get("positive_class")
            threshold = data.get("threshold")
            self.threshold = None if threshold is None else float(threshold)
            self.model_version = str(data.get("model_version", ""))
        except (KeyError, TypeError, ValueError) as error:
            raise BundleError([MSG_SCHEMA_BAD.format(problem=error)]) from None
        if self.task not in ("binary", "multiclass", "regression"):
            raise BundleError([MSG_SCHEMA_BAD.format(problem=f"unknown task {self.task!r}")])
        self.data = dict(data)
        self.names = tuple(c.name for c in self.columns)
        self.by_name = {c.name: c for c in self.columns}
        self.lookups = {c.name: _lookup_table(c) for c in self.columns if c.allowed is not None}

    @property
    def decision_threshold(self) -> float:
        return 0.5 if self.threshold is None else self.threshold


def _read_column(data: Mapping[str, Any]) -> Column:
    kind = str(data["type"])
    if kind not in COLUMN_TYPES:
        raise ValueError(f"column {data.get('name')!r} has unknown type {kind!r}")
    allowed = data.get("allowed")
    return Column(
        name=str(data["name"]),
        type=kind,
        dtype=str(data.get("dtype", "object")),
        nullable=bool(data.get("nullable", True)),
        allowed=None if allowed is None else tuple(allowed),
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
    )


def _value_key(column: Column, value: Any) -> str:
    key = class_label(value)
    return key.strip().lower() if column.type == "boolean" else key


def _lookup_table(column: Column) -> dict[str, Any]:
    """Text key → the training value it stands for (so "1", 1 and 1.0 all find 1)."""
    table: dict[str, Any] = {}
    for value in column.allowed or ():
        table.setdefault(_value_key(column, value), value)
    if column.type == "boolean" and table and set(table) <= TRUE_WORDS | FALSE_WORDS:
        for words in (TRUE_WORDS, FALSE_WORDS):
            side = [table[k] for k in table if k in words]
            if len(side) == 1:
                for word in words:
                    table.setdefault(word, side[0])
    return table


_UNKNOWN = object()


def _resolve(column: Column, table: Mapping[str, Any], value: Any) -> Any:
    """The training value a category or flag stands for, or ``_UNKNOWN``."""
    found = table.get(_value_key(column, value), _UNKNOWN)
    if found is _UNKNOWN and isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return _UNKNOWN
        if math.isfinite(number):
            found = table.get(_value_key(column, number), _UNKNOWN)
    return found


def _allowed_text(column: Column) -> str:
    values = [_show(v) for v in column.allowed or ()]
    shown = ", ".join(values[:MAX_SHOWN_VALUES])
    more = len(values) > MAX_SHOWN_VALUES
    return shown + (f", … ({len(values):,} in all; see GET /schema)" if more else "")


# --- verifying and loading -----------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(READ_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(root: Path = HERE) -> dict[str, Any]:
    path = Path(root) / MANIFEST_FILE
    if not path.is_file():
        raise BundleError([MSG_MANIFEST_MISSING])
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(files, Mapping):
            raise TypeError("'files' must be an object")
    except (ValueError, KeyError, TypeError) as error:
        raise BundleError([MSG_MANIFEST_BAD.format(problem=error)]) from None
    return manifest


def verify_manifest(root: Path = HERE) -> list[str]:
    """Problems with the files (empty when every listed file has its recorded sha256)."""
    root = Path(root)
    try:
        manifest = read_manifest(root)
    except BundleError as error:
        return list(error.problems)
    problems = []
    for name, entry in sorted(manifest["files"].items()):
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name or not name:
            problems.append(MSG_UNSAFE_NAME.format(name=name))
            continue
        path = root / pure
        if not path.is_file():
            problems.append(MSG_FILE_MISSING.format(name=name))
            continue
        expected = str(entry.get("sha256", "")) if isinstance(entry, Mapping) else ""
        actual = _sha256(path)
        if actual != expected:
            problems.append(MSG_FILE_CHANGED.format(name=name, actual=actual, expected=expected))
    return problems


@dataclasses.dataclass(frozen=True)
class LoadedBundle:
    root: Path
    contract: Contract
    pipeline: Any
    manifest: Mapping[str, Any]


def load_bundle(root: Path = HERE, *, verify: bool = True) -> LoadedBundle:
    """The verified bundle: raises ``BundleError`` listing every changed or missing file.

    The model is unpickled only after its sha256 matched manifest.json.
    """
    import joblib  # only here: the input checks above run without it

    root = Path(root)
    if verify:
        problems = verify_manifest(root)
        if problems:
            raise BundleError(problems)
    manifest = read_manifest(root)
    try:
        schema = json.loads((root / SCHEMA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BundleError([MSG_SCHEMA_BAD.format(problem=error)]) from None
    contract = Contract(schema)
    pipeline = joblib.load(root / MODEL_FILE)
    check_classes(pipeline, contract)
    return LoadedBundle(root, contract, pipeline, manifest)


def check_classes(pipeline: Any, contract: Contract) -> None:
    if contract.task == "regression":
        return
    model = tuple(class_label(c) for c in getattr(pipeline, "classes_", ()))
    binary_ok = contract.task != "binary" or contract.positive_class in model
    if model != contract.classes or not binary_ok:
        raise BundleError([MSG_CLASSES.format(model=list(model), schema=list(contract.classes))])


# --- JSON rows (the service) ---------------------------------------------------------------


def _json_where(row: int | None, field: str | None) -> str:
    if row is None:
        return field or "body"
    return f"rows[{row}]" + (f".{field}" if field else "")


def _check_json_value(
    column: Column, table: Mapping[str, Any], value: Any
) -> tuple[Any, str | None, str]:
    """One JSON value → (value to use, problem kind or None, message template); strict types."""
    if isinstance(value, dict | list):
        return None, "wrong_type", MSG_NOT_SCALAR
    if column.type == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "wrong_type", MSG_NOT_NUMBER
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            return None, "wrong_type", MSG_NOT_FINITE
        if abs(number) > MAX_NUMBER:
            return None, "out_of_range", MSG_TOO_LARGE
        return number, None, ""
    if column.type in ("categorical", "boolean"):
        if column.allowed is None:
            return value, None, ""
        found = _resolve(column, table, value)
        if found is _UNKNOWN:
            return None, "unknown_category", MSG_UNKNOWN_VALUE
        return found, None, ""
    if column.type == "datetime":
        if isinstance(value, str) and _DATE_SHAPE.match(value):
            return value, None, ""
        return None, "wrong_type", MSG_NOT_DATE
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, "wrong_type", MSG_NOT_TEXT
    return value, None, ""


def check_json_body(body: Any) -> None:
    """Refuse a parsed body nested deeper than ``MAX_JSON_DEPTH`` (400) or holding text that
    is not valid Unicode, a lone surrogate such as ``"\\ud800"`` (422, naming row and field):
    neither can be scored, shown in an answer or written to the log."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(body, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            message = MSG_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
            raise InputError([Problem(None, None, "too_deep", message)], status=400)
        if isinstance(value, str):
            _check_text(value, path, path)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                _check_text(str(key), path, (*path, key))
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))


def _check_text(text: str, path: tuple[Any, ...], where_path: tuple[Any, ...]) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        char = text[error.start].encode("utf-8", "backslashreplace").decode("ascii")
        at_row = len(where_path) >= 2 and where_path[0] == "rows" and isinstance(where_path[1], int)
        row = where_path[1] if at_row else None
        field = where_path[2] if at_row and len(where_path) >= 3 else None
        field = None if field is None else _safe_text(str(field))
        where = _json_where(row, field) if at_row else "body"
        message = MSG_BAD_TEXT.format(where=where, char=char)
        raise InputError([Problem(row, field, "bad_text", message)]) from None


def _safe_text(text: str) -> str:
    """Text that can be written as UTF-8: lone surrogates shown as ``\\udXXX``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def rows_to_frame(
    body: Any, contract: Contract, *, max_rows: int
) -> tuple[pd.DataFrame, list[str]]:
    """A request body ``{"rows": [...]}`` → (model input frame, warnings).

    Raises ``InputError`` naming the row and field of every problem: a missing or extra
    field, a wrongly typed value, an unknown category, a null where training had none
    (422), or more than ``max_rows`` rows (413). Values outside the training range are
    scored and reported as warnings.
    """
    if not isinstance(body, Mapping) or "rows" not in body:
        got = type(body).__name__ if not isinstance(body, Mapping) else f"keys {sorted(body)}"
        raise InputError([Problem(None, "rows", "bad_body", MSG_BODY.format(got=got))])
    extra = [k for k in body if k != "rows"]
    rows = body["rows"]
    if extra:
        raise InputError(
            [Problem(None, str(k), "extra_field", MSG_BODY_KEY.format(key=k)) for k in extra]
        )
    if not isinstance(rows, list):
        raise InputError(
            [
                Problem(
                    None,
                    "rows",
                    "bad_body",
                    MSG_BODY.format(got=f"rows of type {type(rows).__name__}"),
                )
            ]
        )
    if not rows:
        raise InputError([Problem(None, "rows", "bad_body", MSG_ROWS_EMPTY)])
    if len(rows) > max_rows:
        message = MSG_TOO_MANY_ROWS.format(count=len(rows), limit=max_rows)
        raise InputError([Problem(None, "rows", "too_many_rows", message)], status=413)
    problems = _row_shape_problems(rows, contract)
    values: dict[str, list[Any]] = {}
    for column in contract.columns:
        name = column.name
        table = contract.lookups.get(name, {})
        checked_values: list[Any] = [None] * len(rows)
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping) or name not in row:
                continue
            value = row[name]
            if value is None:
                if not column.nullable:
                    message = MSG_NULL.format(where=_json_where(i, name))
                    problems.append(Problem(i, name, "null_value", message))
                continue
            checked, kind, template = _check_json_value(column, table, value)
            if kind is not None:
                allowed = _allowed_text(column) if kind == "unknown_category" else ""
                where = _json_where(i, name)
                message = template.format(where=where, value=_show(value), allowed=allowed)
                problems.append(Problem(i, name, kind, message))
            checked_values[i] = checked
        if column.type == "datetime":
            problems += _unreadable_dates(column, checked_values)
        values[name] = checked_values
    if problems:
        order = {name: i for i, name in enumerate(contract.names)}
        problems.sort(key=lambda p: (p.row if p.row is not None else -1, order.get(p.field, -1)))
        raise InputError(problems, total=len(problems))
    arrays = {c.name: _json_column(c, values[c.name]) for c in contract.columns}
    frame = pd.DataFrame(arrays, columns=list(contract.names))  # one block per dtype
    return frame, _range_warnings(arrays, contract, _json_where)


def _json_column(column: Column, values: list[Any]) -> np.ndarray | pd.Series:
    """Checked JSON values of one column → the column as the pipeline was trained on it.

    The same values and dtype as ``_restore_dtype`` gives, without a Series for the common
    dtypes: numbers (finite floats or None), categories (training values or None), text.
    """
    if column.type == "numeric":
        numbers = np.array([math.nan if v is None else v for v in values], dtype="float64")
        return _as_training_array(numbers, column.dtype)
    if column.type != "datetime" and column.dtype == "object":
        objects = np.fromiter(values, dtype=object, count=len(values))
        objects[pd.isna(objects)] = None
        return objects
    if _has_categories(column):
        kind = _int_or_bool_kind(column.dtype)
        if kind == "b" and all(type(v) is bool for v in values):
            return np.array(values, dtype=np.dtype(column.dtype))
        if kind in ("i", "u") and all(type(v) is int for v in values):
            limits = np.iinfo(np.dtype(column.dtype))
            if all(limits.min <= v <= limits.max for v in values):
                return np.array(values, dtype=np.dtype(column.dtype))
    return _restore_dtype(column, pd.Series(values, dtype=object))


def _int_or_bool_kind(dtype_text: str) -> str:
    try:
        kind = np.dtype(dtype_text).kind
    except TypeError:
        return ""
    return kind if kind in "iub" else ""


def _as_training_array(numbers: np.ndarray, dtype_text: str) -> np.ndarray:
    """``_as_training_dtype`` for finite float64 numbers (NaN where missing) as an array."""
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        return numbers
    if dtype.kind == "f":
        return numbers.astype(dtype) if numbers.dtype != dtype else numbers
    if dtype.kind not in "iub" or np.isnan(numbers).any():
        return numbers
    if dtype.kind == "b":
        exact = all(v in (0.0, 1.0) for v in numbers.tolist())
    else:
        limits = np.iinfo(dtype)
        exact = all(v.is_integer() and limits.min <= v <= limits.max for v in numbers.tolist())
    # Whole numbers within the dtype's range cast exactly; any other cast changes a value,
    # which _as_training_dtype refuses.
    return numbers.astype(dtype) if exact else numbers


def _unreadable_dates(column: Column, values: list[Any]) -> list[Problem]:
    """Date-shaped text that is still no date (``2023-13-45``): reported, not guessed."""
    parsed = _parse_dates(pd.Series(values, dtype=object))
    problems = []
    for i in np.flatnonzero(parsed.isna().to_numpy()):
        if values[i] is not None:
            where = _json_where(int(i), column.name)
            message = MSG_NOT_DATE.format(where=where, value=_show(values[i]))
            problems.append(Problem(int(i), column.name, "wrong_type", message))
    return problems


def _row_shape_problems(rows: list[Any], contract: Contract) -> list[Problem]:
    problems = []
    names = ", ".join(contract.names)
    for i, row in enumerate(rows):
        where = _json_where(i, None)
        if not isinstance(row, Mapping):
            message = MSG_ROW_NOT_OBJECT.format(where=where, got=_show(row))
            problems.append(Problem(i, None, "wrong_type", message))
            continue
        for name in contract.names:
            if name not in row:
                message = MSG_MISSING_FIELD.format(
                    where=where, field=name, count=len(contract.names), names=names
                )
                problems.append(Problem(i, name, "missing_field", message))
        for key in row:
            if key not in contract.by_name:
                close = difflib.get_close_matches(str(key), list(contract.names), n=1)
                suggestion = f"; did you mean {close[0]!r}?" if close else ""
                message = MSG_EXTRA_FIELD.format(where=where, field=key, suggestion=suggestion)
                problems.append(Problem(i, str(key), "extra_field", message))
    return problems


# --- tables (the batch scorer and golden.csv) ----------------------------------------------


def _table_where(row: int | None, field: str | None) -> str:
    if row is None:
        return f"column {field}"
    return f"row {row + 1}, {field}"


def table_to_frame(
    table: pd.DataFrame, contract: Contract, *, strict: bool
) -> tuple[pd.DataFrame, list[Problem]]:
    """A table read from CSV (text) or Parquet (typed) → (model input frame, problems).

    Columns the model does not read are ignored; a missing one raises ``InputError``.
    ``strict`` raises ``InputError`` on any unreadable value or unknown category; otherwise
    they are scored like the workbench scores them (unreadable numbers as missing, unknown
    categories passed on to the encoders) and returned as problems.
    """
    missing = [name for name in contract.names if name not in table.columns]
    if missing:
        message = MSG_COLUMNS_MISSING.format(count=len(missing), names=", ".join(missing))
        raise InputError([Problem(None, name, "missing_field", message) for name in missing])
    problems: list[Problem] = []
    converted: dict[str, pd.Series] = {}
    default_index = _is_default_index(table.index)
    for column in contract.columns:
        series = table[column.name]
        if not default_index:
            series = series.reset_index(drop=True)
        # The table's own column otherwise: read, never changed (every path copies it).
        values, bad, kind = _read_table_column(column, series, contract)
        for position in np.flatnonzero(bad):
            problems.append(_table_problem(column, series.iloc[position], int(position), kind))
        converted[column.name] = values
    too_large = _too_large(converted, contract)
    if too_large:  # never scored: the model cannot hold them (strict or not)
        raise InputError(too_large, total=len(too_large))
    if strict and problems:
        raise InputError(problems, total=len(problems))
    frame = _typed_frame(converted, contract)
    frame.index = table.index
    return frame, problems


def _too_large(converted: Mapping[str, pd.Series], contract: Contract) -> list[Problem]:
    """Numbers beyond ``MAX_NUMBER`` in the numeric columns of a table, by row."""
    problems = []
    for column in contract.columns:
        if column.type != "numeric":
            continue
        numbers = converted[column.name].to_numpy(dtype="float64", na_value=np.nan)
        for position in np.flatnonzero(np.abs(np.nan_to_num(numbers)) > MAX_NUMBER):
            where = _table_where(int(position), column.name)
            value = _show(float(numbers[position]))
            message = MSG_TOO_LARGE.format(where=where, value=value)
            problems.append(Problem(int(position), column.name, "out_of_range", message))
    return sorted(problems, key=lambda p: p.row)


def _table_problem(column: Column, value: Any, row: int, kind: str) -> Problem:
    where = _table_where(row, column.name)
    shown = _show(value if not isinstance(value, np.generic) else value.item())
    if kind == "null_value":
        return Problem(row, column.name, kind, MSG_NULL.format(where=where))
    if kind == "unknown_category":
        message = MSG_UNKNOWN_VALUE.format(where=where, value=shown, allowed=_allowed_text(column))
        return Problem(row, column.name, kind, message)
    template = {"numeric": MSG_NOT_NUMBER, "datetime": MSG_NOT_DATE}.get(column.type, MSG_NOT_TEXT)
    return Problem(row, column.name, kind, template.format(where=where, value=shown))


def _read_table_column(
    column: Column, series: pd.Series, contract: Contract
) -> tuple[pd.Series, np.ndarray, str]:
    """(values to use, mask of bad values, kind of problem) for one column of a table."""
    if column.type == "numeric":
        if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
            numbers = series.astype("float64")
            bad = np.isinf(numbers.to_numpy())
            return (numbers.where(~bad) if bad.any() else numbers), bad, "wrong_type"
        raw = series.astype(object)
        if _all_text(raw):  # the usual CSV column: the same steps, vectorised
            text = raw.str.strip()
            missing = raw.isna().to_numpy() | text.isin(NA_MARKERS).to_numpy(dtype=bool)
        else:
            missing = raw.isna().to_numpy() | raw.map(_is_marker).to_numpy(dtype=bool)
            text = raw.map(lambda v: v.strip() if isinstance(v, str) else v)
        numbers = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
        unreadable = numbers.isna().to_numpy() | np.isinf(numbers.to_numpy())
        bad = ~missing & unreadable
        return numbers.where(~bad), bad, "wrong_type"
    if _has_categories(column):
        return _read_categories(column, series, contract.lookups[column.name])
    raw = series.astype(object).where(series.notna(), None)
    missing = raw.isna().to_numpy()
    markers = _marker_mask(raw) & ~missing
    raw = raw.where(~markers, None)
    missing = missing | markers
    if column.type == "datetime" and not ptypes.is_datetime64_any_dtype(series.dtype):
        shaped = raw.map(lambda v: isinstance(v, str) and bool(_DATE_SHAPE.match(v)))
        parsed = _parse_dates(raw.where(shaped.to_numpy(dtype=bool), None))
        bad = ~missing & parsed.isna().to_numpy()
        return raw, bad, "wrong_type"
    if column.type == "datetime":
        return series, np.zeros(len(series), dtype=bool), "wrong_type"
    return raw, np.zeros(len(series), dtype=bool), "wrong_type"


def _all_text(raw: pd.Series) -> bool:
    """Every value present is text (``str``), so equal values are the same text."""
    return ptypes.infer_dtype(raw, skipna=True) == "string"


def _marker_mask(raw: pd.Series) -> np.ndarray:
    """Where a value is text that stands for a missing value ("NA", "null", " ", …)."""
    if _all_text(raw):
        return raw.str.strip().isin(NA_MARKERS).to_numpy(dtype=bool)
    return raw.map(_is_marker).to_numpy(dtype=bool)


def _read_categories(
    column: Column, series: pd.Series, table: Mapping[str, Any]
) -> tuple[pd.Series, np.ndarray, str]:
    """Categories and flags → the training values they stand for, as objects with None for
    every missing value; unknown values go on as they came, markers of missing become None.

    Series.map infers one dtype from all its results, so training values 1 and 2 with a gap
    come out as 1.0, 2.0 and None; both ways below give exactly that.
    """

    def canonical(value: Any) -> Any:
        found = _resolve(column, table, value)
        return None if found is _UNKNOWN and _is_marker(value) else found

    if _one_type(series):
        # Resolve each distinct value once and spread the answers back by position. Only
        # when the values share one type: 1, 1.0 and True are equal to Python (factorize
        # would merge them) yet may stand for different categories.
        values = series.to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)  # missing values (None, NaN, NaT, NA): -1
        found = [canonical(value) for value in uniques]
        gaps = bool((codes < 0).any())
        inferred = pd.Series(found + [None] * gaps, dtype=object).map(_same)  # as map does
        answers = _objects(inferred)
        if not gaps:
            answers = np.append(answers, None)  # the last one is for code -1
        is_unknown = np.fromiter((v is _UNKNOWN for v in answers), dtype=bool, count=len(answers))
        mapped = answers[codes]
        unknown = is_unknown[codes]
        if is_unknown.any():
            mapped = np.where(unknown, values, mapped)  # unknown values go on as they came
        return pd.Series(mapped, dtype=object), unknown, "unknown_category"
    raw = series.astype(object).where(series.notna(), None)
    cache: dict[tuple[type, Any], Any] = {}

    def cached(value: Any) -> Any:
        key = (type(value), value)
        if key not in cache:
            cache[key] = canonical(value)
        return cache[key]

    mapped = raw.map(lambda v: None if v is None else cached(v))
    unknown = mapped.map(lambda v: v is _UNKNOWN).to_numpy(dtype=bool)
    values = mapped.where(~unknown, raw)  # unknown values go on as they came
    values = values.where(values.notna(), None)
    return pd.Series(_objects(values), dtype=object), unknown, "unknown_category"


def _same(value: Any) -> Any:
    return value


def _objects(values: pd.Series) -> np.ndarray:
    """Values as Python objects, None for every missing one (as ``_restore_dtype`` does)."""
    objects = values.astype(object)
    return objects.where(objects.notna(), None).to_numpy()


def _one_type(series: pd.Series) -> bool:
    """Every value present has one type: a NumPy number or flag column, or all text."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        return True
    return _all_text(series)


def _parse_dates(values: pd.Series) -> pd.Series:
    """Dates as UTC timestamps; unreadable → NaT (mixed formats read one by one)."""
    return pd.to_datetime(values, errors="coerce", utc=True, format="mixed")


def _typed_frame(values: Mapping[str, pd.Series], contract: Contract) -> pd.DataFrame:
    """Checked table columns → the frame the pipeline was trained on, dtypes restored.

    The restored columns are new Series, so the frame takes them as they are rather than
    copying them into one block per dtype (as fast to predict on, and no copy of the table).
    """
    columns = {
        c.name: _restore_dtype(c, values[c.name], objects=_has_categories(c))
        for c in contract.columns
    }
    return pd.DataFrame(columns, columns=list(contract.names), copy=False)


def _is_default_index(index: pd.Index) -> bool:
    """0, 1, 2, …: the index reset_index(drop=True) would give."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _has_categories(column: Column) -> bool:
    return column.type in ("categorical", "boolean") and column.allowed is not None


def _restore_dtype(column: Column, values: pd.Series, *, objects: bool = False) -> pd.Series:
    """The column with the training dtype; ``objects``: values are already Python objects
    with None for every missing value (as ``_read_categories`` gives them)."""
    if not _is_default_index(values.index):
        values = values.reset_index(drop=True)
    if column.type == "numeric":
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.dtype != np.float64:
            numbers = numbers.astype("float64")
        return _as_training_dtype(numbers, column.dtype)
    if column.type == "datetime":
        if not column.dtype.startswith("datetime64"):
            return values.astype(object).where(values.notna(), None)
        dtype = ptypes.pandas_dtype(column.dtype)
        parsed = _parse_dates(values)
        zone = getattr(dtype, "tz", None)
        parsed = parsed.dt.tz_convert(zone) if zone is not None else parsed.dt.tz_localize(None)
        return parsed.astype(dtype)
    if objects:
        return _as_training_dtype(values, column.dtype)
    return _as_training_dtype(values.astype(object).where(values.notna(), None), column.dtype)


def _as_training_dtype(values: pd.Series, dtype_text: str) -> pd.Series:
    """Cast to the training column's NumPy dtype where that loses nothing (ints, bools)."""
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        return values
    if dtype.kind == "f":
        return values.astype(dtype) if values.dtype != dtype else values
    if dtype.kind not in "iub" or values.isna().any():
        return values
    try:
        cast = values.astype(dtype)
    except (TypeError, ValueError, OverflowError):
        return values
    same = (cast.astype(object) == values.astype(object)).all()
    return cast if same else values


def range_warnings(frame: pd.DataFrame, contract: Contract, where: Any = _json_where) -> list[str]:
    """Numbers outside the training range: scored, but worth knowing about."""
    return _range_warnings(frame, contract, where)


def _range_warnings(columns: Any, contract: Contract, where: Any) -> list[str]:
    """``range_warnings`` of a frame, or of a mapping name → column (arrays or Series)."""
    warnings: list[str] = []
    for column in contract.columns:
        if column.type != "numeric" or column.minimum is None or column.maximum is None:
            continue
        values = columns[column.name]
        if isinstance(values, np.ndarray):
            numbers = values.astype(float)
        else:
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            outside = (numbers < float(column.minimum)) | (numbers > float(column.maximum))
        for position in np.flatnonzero(outside):
            if len(warnings) >= MAX_WARNINGS:
                return warnings
            warnings.append(
                MSG_OUT_OF_RANGE.format(
                    where=where(int(position), column.name),
                    value=_show(float(numbers[position])),
                    low=_show(column.minimum),
                    high=_show(column.maximum),
                )
            )
    return warnings


# --- predicting ----------------------------------------------------------------------------


def probability_column(label: str) -> str:
    """The column of class ``label``'s probability: ``probability_1``, ``probability_Yes``."""
    return PROBABILITY_PREFIX + str(label)


def score_frame(pipeline: Any, contract: Contract, frame: pd.DataFrame) -> pd.DataFrame:
    """``prediction`` plus ``probability_<positive>`` (binary: the positive class's
    probability) or one ``probability_<class>`` column per class (multiclass), aligned with
    ``frame``.

    The same rule as the workbench's scoring: binary is positive when its probability is
    >= the threshold (0.5 when the bundle has none); multiclass takes the most probable class.
    """
    names = list(contract.names)
    inputs = frame if list(frame.columns) == names else frame[names]
    if contract.task == "regression":
        predicted = np.asarray(pipeline.predict(inputs), dtype=float)
        return pd.DataFrame({"prediction": predicted}, index=frame.index)
    proba = np.asarray(pipeline.predict_proba(inputs), dtype=float)
    classes = [class_label(c) for c in pipeline.classes_]
    if contract.task == "binary":
        positive = str(contract.positive_class)
        negative = next(c for c in classes if c != positive)
        score = proba[:, classes.index(positive)]
        labels = np.where(score >= contract.decision_threshold, positive, negative).astype(object)
        column = probability_column(positive)
        return pd.DataFrame({"prediction": labels, column: score}, index=frame.index)
    labels = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    out = pd.DataFrame({"prediction": labels}, index=frame.index)
    for i, label in enumerate(classes):
        out[probability_column(label)] = proba[:, i]
    return out


def response_payload(scores: pd.DataFrame, contract: Contract) -> dict[str, Any]:
    """JSON-ready ``predictions`` and ``probabilities`` (None for regression); binary also
    names the class its probabilities are of in ``positive_class``."""
    if contract.task == "regression":
        return {"predictions": [float(v) for v in scores["prediction"]], "probabilities": None}
    predictions = [str(v) for v in scores["prediction"]]
    if contract.task == "binary":
        positive = str(contract.positive_class)
        column = scores[probability_column(positive)]
        return {
            "predictions": predictions,
            "probabilities": [float(v) for v in column],
            "positive_class": positive,
        }
    names = [c for c in scores.columns if c.startswith(PROBABILITY_PREFIX)]
    labels = [c[len(PROBABILITY_PREFIX) :] for c in names]
    matrix = scores[names].to_numpy(dtype=float)
    probabilities = [dict(zip(labels, map(float, row), strict=True)) for row in matrix]
    return {"predictions": predictions, "probabilities": probabilities}


# --- files ---------------------------------------------------------------------------------


def table_format(name: str) -> str:
    suffix = PurePosixPath(str(name)).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            [Problem(None, None, "bad_file", MSG_TABLE_SUFFIX.format(name=name, suffix=suffix))],
            status=400,
        )
    return TABLE_SUFFIXES[suffix]


def read_table(source: str | Path | IO[bytes], name: str | None = None) -> pd.DataFrame:
    """CSV as text (empty cells are missing; nothing else is guessed) or Parquet as typed."""
    kind = table_format(name or str(source))
    if kind == "csv":
        return pd.read_csv(
            source, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    return pd.read_parquet(source)


# --- spreadsheet-safe CSV (the workbench's `predict` and downloads use this same rule) ------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def is_formula(value: Any) -> bool:
    """Whether a spreadsheet would run ``value`` as a formula (CSV injection, as OWASP names it).

    Only text can: text starting with = + - @, a tab or a carriage return. A number is never
    one, nor is text that is a plain negative number (``-1``, ``-0.5``, ``-1e5``): a
    spreadsheet reads it as that number, so escaping it would only change the value.
    """
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and _NEGATIVE_NUMBER.fullmatch(value) is None
    )


def _escaped(value: Any) -> Any:
    return "'" + value if is_formula(value) else value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose formula cells and column names (:func:`is_formula`) start with an
    apostrophe, which a spreadsheet shows as text; every other cell is left as it is."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if not (ptypes.is_object_dtype(values) or ptypes.is_string_dtype(values)) and not (
            isinstance(values.dtype, pd.CategoricalDtype)
        ):
            continue
        risky = np.fromiter((is_formula(v) for v in values), dtype=bool, count=len(values))
        if risky.any():  # an escaped category is a new category: the column becomes objects
            objects = values.astype(object)
            safe[column] = objects.where(~risky, objects.map(_escaped))
    safe.columns = [_escaped(c) for c in safe.columns]
    return safe


def write_table(frame: pd.DataFrame, destination: str | Path) -> None:
    """CSV with formula cells escaped (:func:`spreadsheet_safe`), or Parquet as it is."""
    if table_format(str(destination)) == "csv":
        spreadsheet_safe(frame).to_csv(destination, index=False)
    else:
        frame.to_parquet(destination, index=False)


# --- golden rows ---------------------------------------------------------------------------


def check_golden(pipeline: Any, contract: Contract, golden: pd.DataFrame) -> list[str]:
    """Score golden.csv's inputs and compare with its ``expected_*`` columns."""
    expected = [c for c in golden.columns if str(c).startswith(EXPECTED_PREFIX)]
    absent = [n for n in contract.names if n not in golden.columns]
    if absent or not expected:
        return [MSG_GOLDEN_COLUMNS.format(names=absent or [EXPECTED_PREFIX + "prediction"])]
    try:
        frame, _ = table_to_frame(golden, contract, strict=True)
    except InputError as error:
        return [MSG_GOLDEN_INPUT.format(problem=error)]
    scores = score_frame(pipeline, contract, frame)
    problems: list[str] = []
    for column in expected:
        name = column[len(EXPECTED_PREFIX) :]
        if name not in scores.columns:
            problems.append(MSG_GOLDEN_COLUMNS.format(names=[name]))
            continue
        for row, (want, got) in enumerate(zip(golden[column], scores[name], strict=True)):
            problem = _golden_difference(row, name, want, got, contract)
            if problem:
                problems.append(problem)
    return problems


def _golden_difference(row: int, name: str, want: Any, got: Any, contract: Contract) -> str | None:
    if name == "prediction" and contract.task != "regression":
        if str(want) != str(got):
            return MSG_GOLDEN_LABEL.format(row=row + 1, actual=str(got), expected=str(want))
        return None
    expected, actual = float(want), float(got)
    if math.isnan(expected) and math.isnan(actual):
        return None
    if not abs(actual - expected) <= TOLERANCE * max(1.0, abs(expected)):
        return MSG_GOLDEN_NUMBER.format(
            row=row + 1, column=name, actual=actual, expected=expected, tolerance=TOLERANCE
        )
    return None


def self_test(root: Path = HERE) -> tuple[list[str], str]:
    """(problems, summary): every file matches manifest.json and golden.csv scores as expected."""
    root = Path(root)
    try:
        bundle = load_bundle(root)
    except BundleError as error:
        return list(error.problems), ""
    golden = read_table(root / GOLDEN_FILE)
    problems = check_golden(bundle.pipeline, bundle.contract, golden)
    files = len(bundle.manifest["files"])
    summary = (
        f"self-test passed: {len(golden)} golden rows scored as expected (±{TOLERANCE:g}); "
        f"{files} files match manifest.json; model {bundle.contract.model_version}"
    )
    return problems, summary
