"""Every message, hint, note and limit of reading data, and ``IngestError``.

Messages are format strings that tests import; each names the file, the line or column where
known, and what to do. Option names follow ``OPTION_LABELS`` (the Data page) and
``OPTION_FLAGS`` (``workbench data add``).
"""

from __future__ import annotations

from typing import Literal, get_args

from core.exceptions import CoreError

Format = Literal["csv", "json", "jsonl", "parquet", "excel"]
FORMATS: tuple[str, ...] = get_args(Format)

DEFAULT_MAX_BYTES = 1024 * 1024**2
SAMPLE_BYTES = 64 * 1024
MAX_FIRST_LINE_BYTES = 8 * 1024**2
SNIFF_LINES = 50
HEADER_SNIFF_ROWS = 200
DELIMITERS = (",", ";", "\t", "|")
XLSX_MAX_UNCOMPRESSED_BYTES = 200 * 1024**2
XLSX_MAX_RATIO = 100
XLSX_RATIO_MIN_BYTES = 1024**2  # a smaller part cannot be a bomb, whatever its ratio
SQL_CONNECT_TIMEOUT_SECONDS = 10

EXTENSION_FORMATS: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".psv": "csv", ".dat": "csv",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel", ".xlsm": "excel",
}  # fmt: skip
FORMAT_LABELS: dict[str, str] = {
    "csv": "CSV text",
    "json": "JSON",
    "jsonl": "JSON lines",
    "parquet": "a Parquet file",
    "excel": "an Excel workbook",
}
FORMAT_NAMES: dict[str, str] = {
    "csv": "CSV",
    "json": "JSON",
    "jsonl": "JSON lines",
    "parquet": "Parquet",
    "excel": "Excel (.xlsx)",
}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")  # always a zip archive; anything else is the wrong file
ZIP_KINDS = frozenset({"excel", "xlsb", "ods", "zip"})
LEGACY_KINDS: dict[str, str] = {
    "xls": "a legacy Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "xlsb": "a binary Excel workbook (.xlsb)",
}
OTHER_KINDS: dict[str, str] = {
    "zip": "a zip archive",
    "gzip": "a gzip-compressed file",
    "pdf": "a PDF document",
    "image": "an image",
    "html": "an HTML page",
    "xml": "an XML document",
    "binary": "a binary file",
}
SQL_READ_KEYWORDS = ("SELECT", "WITH")
SQL_WRITE_KEYWORDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CREATE", "ATTACH", "DETACH", "PRAGMA",
    "TRUNCATE", "GRANT", "REVOKE", "VACUUM", "REINDEX", "MERGE", "UPSERT", "INTO", "COPY",
    "CALL", "EXEC", "EXECUTE", "LOCK", "COMMIT", "ROLLBACK",
})  # fmt: skip
SQL_READ_ONLY_DIALECTS = ("postgresql", "mysql", "mariadb")
SQL_DRIVER_HINTS = {"postgresql": "psycopg2-binary", "mysql": "pymysql", "mariadb": "pymysql"}
URL_SECRET_KEYS = frozenset({"password", "passwd", "pwd", "secret", "token", "access_token"})

# -- messages (format strings; tests import them) ------------------------------------

#: How each read option is named on the Data page and by ``workbench data add``: every message
#: that tells the user to change one uses these names (tests/app/test_ingest_message_labels.py).
OPTION_LABELS: dict[str, str] = {
    "encoding": "Encoding",
    "delimiter": "Delimiter",
    "decimal": "Decimal",
    "header": "First row is a header",
    "sheet": "Sheet",
}
OPTION_FLAGS: dict[str, str] = {
    "encoding": "--encoding",
    "delimiter": "--delimiter",
    "decimal": "--decimal",
    "header": "--header/--no-header",
    "sheet": "--sheet",
}
DELIMITER_LABELS: dict[str, str] = {",": "Comma ,", ";": "Semicolon ;", "\t": "Tab", "|": "Pipe |"}
DECIMAL_LABELS: dict[str, str] = {".": "Point 1.5", ",": "Comma 1,5"}

MSG_OPTION_FORMAT = "format must be one of {choices}, got {value!r}"
MSG_OPTION_ENCODING = "Encoding (--encoding) {value!r} is not a known text encoding"
HINT_OPTION_ENCODING = (
    "Set Encoding (--encoding) to utf-8, utf-8-sig, cp1252 or latin-1, "
    "or leave --encoding out to detect it."
)
MSG_OPTION_DELIMITER = (
    "Delimiter (--delimiter) must be one character such as , ; | or a tab, got {value!r}"
)
MSG_OPTION_DECIMAL = "Decimal (--decimal) must be '.' or ',', got {value!r}"
MSG_OPTION_SAME = "Delimiter and Decimal (--delimiter, --decimal) must differ, both are {value!r}"
MSG_OPTION_SHEET = "Sheet (--sheet) must be a sheet name or a 0-based position, got {value!r}"
MSG_OPTION_LIMIT = "{field} must be a whole number of at least 1, got {value!r}"

MSG_FILE_MISSING = "{name} does not exist"
MSG_TOO_BIG = "{name} is {size}, over the limit of {limit}"
HINT_TOO_BIG = (
    "Upload a smaller extract (fewer rows or columns), or raise the limit with the "
    "WORKBENCH_MAX_UPLOAD_MB setting."
)
MSG_EMPTY = "{name} is empty"
HINT_EMPTY = "Check that you picked the right file and that it was saved completely."
MSG_HEADER_ONLY = "{name} has column names but no rows"
HINT_HEADER_ONLY = (
    "Add data rows under the column names. If the first line is data, not names, "
    "untick First row is a header (--no-header)."
)
MSG_NO_COLUMNS = "{name} has {rows:,} rows but no columns"
MSG_FORMAT_MISMATCH = "{name} looks like {actual}, not {expected}"
HINT_FORMAT_MISMATCH = (
    "Read it without a format option (it is then read as {actual_format}), "
    "or export it as {expected_format}."
)
MSG_LEGACY = "{name} is {what}, which is not supported"
HINT_LEGACY = "Open it in your spreadsheet program and save it as .xlsx or CSV."
MSG_NOT_TABLE_FILE = "{name} is {what}, not a table file"
HINT_FORMATS = "Upload delimited text (CSV, TSV), JSON, JSON lines, Parquet or Excel (.xlsx)."
HINT_UNPACK = "Unpack it first and upload the table file inside."
MSG_NOT_EXCEL = "{name} is not an Excel workbook (its content looks like {actual})"
HINT_NOT_EXCEL = (
    "An .xlsx workbook is a zip archive and this file is not one. Upload the real workbook, "
    "or save the data as CSV and upload that (a text file must not be named .xlsx)."
)
MSG_ZIP_DAMAGED = "{name} is a damaged or incomplete zip archive (an .xlsx workbook is one)"
MSG_FIRST_LINE_TOO_LONG = "{name}: the first line is longer than {limit}, so it is not a header"
MSG_ENCODING = "{name} is not valid {encoding} text: byte {byte} cannot be decoded"
HINT_ENCODING = (
    "Choose another Encoding (--encoding): cp1252 or latin-1 for Western European text, "
    "utf-16 for Excel 'Unicode text'."
)
MSG_RAGGED = "{name}: line {line} has {found} fields, the {reference} has {expected}"
HINT_RAGGED = (
    "Check Delimiter (--delimiter), now {delimiter}, and the quoting: a value that contains "
    "the delimiter must be in double quotes."
)
MSG_UNCLOSED_QUOTE = "{name}: a quoted value that starts on line {line} is never closed"
HINT_UNCLOSED_QUOTE = 'Close the quote, or write a quote inside a quoted value as two quotes ("").'
MSG_CSV_UNREADABLE = "{name} could not be read as delimited text: {reason}"
HINT_CSV = "Check Delimiter, Decimal and Encoding (--delimiter, --decimal, --encoding)."
MSG_JSON_INVALID = "{name} is not valid JSON: {reason} at line {line}, column {column}"
HINT_JSON_INVALID = "Fix the JSON there: a missing comma, quote or bracket is the usual cause."
MSG_JSONL_INVALID = "{name}: line {line} is not valid JSON: {reason}"
MSG_JSONL_NOT_OBJECT = "{name}: line {line} holds {what}, not a JSON object"
HINT_JSONL = 'Write one object per line, like {"a": 1, "b": "x"}.'
MSG_JSON_NOT_TABLE = "{name} is JSON but not a table: it holds {what}"
HINT_JSON_NOT_TABLE = (
    'Save it as an array of records, [{"a": 1, "b": "x"}, …], or as JSON lines '
    "(one object per line)."
)
HINT_JSON_RECORDS_UNDER = (
    "The records seem to be under the key {key!r}: save that array on its own."
)
MSG_JSON_NO_RECORDS = "{name} holds an empty JSON array: there are no rows"
MSG_ZIP_TOO_BIG = "{name} unpacks to {size}, over the limit of {limit} for Excel workbooks"
MSG_ZIP_RATIO = (
    "{name}: the part {member!r} unpacks to {ratio:,.0f} times its stored size "
    "(limit {limit}), the mark of a zip bomb"
)
HINT_ZIP = "Save the data as CSV or Parquet instead, or split the workbook."
MSG_EXCEL_UNSAFE = "{name} contains XML entity or DTD declarations, the mark of an XML bomb"
MSG_EXCEL_UNREADABLE = "{name} could not be read as an Excel workbook: {reason}"
HINT_EXCEL = "Open it in Excel and save it again as .xlsx, or export the sheet as CSV."
MSG_SHEET_UNKNOWN = "{name} has no sheet {sheet!r}; its sheets are: {sheets}"
HINT_SHEET = (
    "Set Sheet (--sheet) to one of the listed sheets: by name, or by position (0 is the first)."
)
MSG_SHEET_EMPTY = "Sheet {sheet!r} of {name} is empty"
HINT_SHEET_EMPTY = "Set Sheet (--sheet) to the sheet that holds the table."
MSG_PARQUET_UNREADABLE = "{name} could not be read as Parquet: {reason}"
HINT_PARQUET = "The file may be damaged or cut short: export it again."

MSG_SQL_URL = "The connection URL is not a database URL"
HINT_SQL_URL = (
    "Use a form like sqlite:///path/to/file.db or postgresql://user:password@host:5432/db."
)
MSG_SQL_DIALECT = "SQL sources of type {dialect!r} are not supported"
HINT_SQL_DIALECT = "Use SQLite, PostgreSQL or MySQL, or export the table as CSV or Parquet."
MSG_SQL_DRIVER = "The Python driver for {dialect} is not installed"
HINT_SQL_DRIVER = "Install it, e.g. pip install {package}."
MSG_SQL_NO_FILE = "A SQLite URL must name a database file, got {database!r}"
HINT_SQL_NO_FILE = "Use sqlite:///relative/path.db or sqlite:////absolute/path.db."
MSG_SQL_FILE_MISSING = "There is no SQLite database file at {path}"
HINT_SQL_FILE_MISSING = "Check the path: a missing database is never created."
MSG_SQL_EMPTY_QUERY = "The query is empty"
MSG_SQL_NOT_SELECT = (
    "The query starts with {keyword}; only a read-only SELECT (or WITH … SELECT) is allowed"
)
MSG_SQL_WRITE = (
    "The query contains {keyword}, which changes the database; only read-only queries are allowed"
)
MSG_SQL_CHAINED = "The query holds {count} statements separated by ';'; only one is allowed"
MSG_SQL_UNTERMINATED = "The query has an unterminated {what}"
HINT_SQL_QUERY = (
    "Write one SELECT statement, e.g. SELECT * FROM customers WHERE signup >= '2024-01-01'."
)
MSG_SQL_CONNECT = "Could not connect to {source}: {reason}"
HINT_SQL_CONNECT = "Check the host, port, user name and password, and that the database is running."
MSG_SQL_FAILED = "The query failed on {source}: {reason}"
HINT_SQL_FAILED = "Check the table and column names; try the query in your database tool first."
MSG_SQL_NO_ROWS = "The query returned no rows"
HINT_SQL_NO_ROWS = "Check the WHERE clause and the table name."
MSG_SQL_MAX_ROWS = (
    "The query returned more than {limit:,} rows (the SQL row limit) and was stopped; "
    "add a WHERE or LIMIT clause, or raise WORKBENCH_SQL_MAX_ROWS"
)
MSG_SQL_TIMEOUT = (
    "The query ran longer than {limit:g} s (the SQL time limit) and was stopped; "
    "narrow it, or raise WORKBENCH_SQL_TIMEOUT_SECONDS"
)
MSG_SQL_MAX_BYTES = (
    "The query result is larger than {limit:g} MB (the SQL result-size limit) and was stopped; "
    "select fewer rows or columns, or raise WORKBENCH_SQL_MAX_MB"
)
MSG_SQL_MAX_VALUE = (
    "A value in the query result is larger than {limit:g} MB (the SQL value-size limit) and "
    "was refused; leave that column out, or raise WORKBENCH_SQL_MAX_VALUE_MB"
)

NOTE_FORMAT_FROM_CONTENT = (
    "{name} is {actual}, not {expected} as its extension says: read it as {actual_format}"
)
NOTE_ENCODING_FALLBACK = (
    "The text is not valid {encoding} further into the file: read it as {fallback}"
)
NOTE_THOUSANDS = "Read '.' as the thousands separator (values like 1.234,5)"
NOTE_NO_HEADER = (
    "The first row holds data, not names: named the columns column_1 … column_{count} "
    "(tick First row is a header (--header) if it holds names)"
)
NOTE_TRUNCATED = "Read only the first {rows:,} rows (max_rows); the source has more"
NOTE_FLATTENED = "Flattened nested JSON objects into the columns {examples}"
NOTE_DUPLICATE = "Renamed duplicate column {old!r} to {new!r}"
NOTE_BLANK = "Named blank column {position} {new!r}"
NOTE_INDEX = "Kept the index {names} as columns"
NOTE_MIXED = "Column {column!r} mixed numbers and text: kept as text"
NOTE_MIXED_TYPES = "Column {column!r} mixed {types}: kept as text"
NOTE_JSON_TEXT = "Column {column!r} held lists or objects: stored as JSON text"
NOTE_UNSTORABLE = "Column {column!r} could not be stored as {kind} values: kept as text"

WARN_SINGLE_COLUMN = (
    "{name} was read as a single column with Delimiter {used}, but its detected delimiter "
    "{detected} gives {columns} columns. Set Delimiter (--delimiter) to {detected} unless one "
    "column is really what you want."
)


class IngestError(CoreError):
    """Bad input while reading data; ``line`` is the 1-based line of the file where known."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        hint: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message, field=field, hint=hint)
        self.line = line

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        stop = "" if self.message.endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{stop} {self.hint}"
