"""The bundle's ``README.md``: what it predicts, its files, its columns, an example request."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from core.data.schema import probability_column
from core.export.contract import BundleSchema, InputColumn, _plain
from core.export.golden import EXPECTED_PREFIX
from core.export.layout import TEMPLATES, WORKBENCH_CORE, _render, _template

FILE_NOTES = {
    ".dockerignore": "keeps logs and caches out of the Docker image",
    "Dockerfile": "container image: install, self-test, serve",
    "README.md": "this file",
    "bundle_runtime.py": "checks inputs and scores; shared by serve.py and predict.py",
    "golden.csv": "synthetic rows drawn from schema.json (no training row) with the outputs "
    "the workbench computed for them",
    "manifest.json": "sha256 and size of every other file",
    "model/pipeline.joblib": "the fitted scikit-learn pipeline (preprocessing + model)",
    "model_card.md": "what the model is for, how well it did, its limits",
    "predict.py": "batch scoring of CSV/Parquet files, and --self-test",
    "requirements.txt": "exact package versions",
    "schema.json": "input columns, types, allowed values, ranges; classes and threshold",
    "serve.py": "REST service: /predict, /health, /schema, /metrics, /docs",
}
GOLDEN_REAL_NOTE = (
    "real training rows (exported with golden_real_rows: they leave with every copy of the "
    "bundle) with the outputs the workbench computed for them"
)


def _md_code(text: Any) -> str:
    """Text as a Markdown code span that survives a table cell (pipes, backticks, newlines)."""
    value = " ".join(str(text).split()).replace("|", "\\|")
    if "`" in value:
        return f"`` {value} ``"
    return f"`{value}`"


def _allowed_cell(column: InputColumn) -> str:
    if column.allowed is not None:
        shown = ", ".join(_md_code(_plain(v)) for v in column.allowed[:20])
        more = len(column.allowed) - 20
        return shown + (
            f", … ({len(column.allowed):,} values; see schema.json)" if more > 0 else ""
        )
    if column.minimum is not None:
        return f"{_md_code(column.minimum)} to {_md_code(column.maximum)}"
    return "any text" if column.type == "text" else ""


def _json_row(row: pd.Series) -> dict[str, Any]:
    return {str(k): (None if _is_missing(v) else _plain(v)) for k, v in row.items()}


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _readme(
    schema: BundleSchema,
    golden: pd.DataFrame,
    files: Sequence[str],
    copied: Sequence[str],
    created: str,
    *,
    real_golden: bool = False,
) -> bytes:
    target = _md_code(schema.target or "the target")
    threshold = 0.5 if schema.threshold is None else schema.threshold
    if schema.task == "binary":
        negative = next(c for c in schema.classes if c != schema.positive_class)
        sentence = (
            f"It predicts {target} (binary): {_md_code(schema.positive_class)} when the "
            f"probability of {_md_code(schema.positive_class)} is at least {threshold:g}, "
            f"otherwise {_md_code(negative)}."
        )
        column = probability_column(str(schema.positive_class))
        outputs = f"`prediction` and {_md_code(column)} (the probability of {_md_code(schema.positive_class)})"
    elif schema.task == "multiclass":
        classes = ", ".join(_md_code(c) for c in schema.classes)
        sentence = f"It predicts {target}, one of {classes}: the most probable class."
        outputs = "`prediction` and one `probability_<class>` column per class"
    else:
        sentence = f"It predicts {target}, a number."
        outputs = "`prediction`"
    columns = "\n".join(
        f"| {_md_code(c.name)} | {c.type} | {'yes' if c.nullable else 'no'} | {_allowed_cell(c)} |"
        for c in schema.columns
    )
    notes = {**FILE_NOTES, **({"golden.csv": GOLDEN_REAL_NOTE} if real_golden else {})}
    files_table = "\n".join(
        f"| {_md_code(name)} | {notes.get(name, _file_note(name))} |" for name in files
    )
    first = golden.iloc[0]
    body = {"rows": [_json_row(first[list(schema.feature_order)])]}
    answer = _example_answer(first, schema)
    curl_body = json.dumps(body, ensure_ascii=False).replace("'", "'\\''")
    core_note = ""
    if copied:
        listed = ", ".join(_md_code(name) for name in copied)
        core_note = (
            "\n## Workbench code inside\n\n"
            f"`core/` holds verbatim copies of the workbench modules the pipeline's own steps "
            f"are defined in ({listed}). They need only the packages in `requirements.txt`; "
            "the pickled pipeline refers to them by name, so keep `core/` next to `model/`.\n"
        )
    values = {
        "MODEL_VERSION": schema.model_version,
        "MODEL_SLUG": re.sub(r"[^a-z0-9.-]+", "-", schema.model_version.lower()).strip("-.")
        or "model",
        "CREATED": created,
        "TASK_SENTENCE": sentence,
        "PYTHON_VERSION": f"{sys.version_info.major}.{sys.version_info.minor}",
        "FILES_TABLE": files_table,
        "OUTPUT_COLUMNS": outputs,
        "COLUMNS_TABLE": columns,
        "CURL_BODY": curl_body,
        "EXAMPLE_RESPONSE": json.dumps(answer, indent=2, ensure_ascii=False),
        "MAX_ROWS": "1,000",
        "CORE_NOTE": core_note,
    }
    return _render(_template(TEMPLATES["README.md"]), values)


def _file_note(name: str) -> str:
    if name.startswith(f"{WORKBENCH_CORE}/"):
        return "verbatim copy of a workbench module the pipeline's steps come from"
    return "added by the exporter"


def _example_answer(row: pd.Series, schema: BundleSchema) -> dict[str, Any]:
    prediction = row[EXPECTED_PREFIX + "prediction"]
    predictions: list[Any]
    probabilities: list[Any] | None
    if schema.task == "regression":
        predictions, probabilities = [float(prediction)], None
    elif schema.task == "binary":
        predictions = [str(prediction)]
        column = probability_column(str(schema.positive_class))
        probabilities = [float(row[EXPECTED_PREFIX + column])]
    else:
        predictions = [str(prediction)]
        probabilities = [
            {c: float(row[EXPECTED_PREFIX + probability_column(c)]) for c in schema.classes}
        ]
    positive = {"positive_class": schema.positive_class} if schema.task == "binary" else {}
    return {
        "predictions": predictions,
        "probabilities": probabilities,
        **positive,
        "model_version": schema.model_version,
        "request_id": "3f2b…",
        "warnings": [],
    }
