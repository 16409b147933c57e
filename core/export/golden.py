"""Golden rows (``golden.csv``): sample inputs with the outputs the workbench computed for them.

Synthetic rows drawn from the contract by default (no training row leaves), training rows
only when the caller asks. Either way the bundle's own code scores them before the zip is
returned, and must answer as the workbench does (positive when p >= threshold).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from core.coerce import class_label
from core.data.schema import probability_column
from core.export.contract import BundleSchema, InputColumn
from core.export.layout import ExportError, bundle_runtime
from core.metrics import label_at_threshold

GOLDEN_ROWS = 20  # rows in golden.csv, plus one with a gap per column that has gaps
GOLDEN_SEED = 0  # synthetic golden rows: the same schema gives the same rows
EXPECTED_PREFIX = "expected_"

MSG_GOLDEN_MISMATCH = (
    "the bundle's scoring code does not reproduce the workbench's predictions on the golden "
    "rows: {problems}"
)


def _golden_positions(frame: pd.DataFrame, count: int = GOLDEN_ROWS) -> list[int]:
    """Evenly spaced rows, plus the first row with a gap for each column whose picks have none."""
    rows = len(frame)
    picked = {int(p) for p in np.linspace(0, rows - 1, num=min(count, rows)).round()}
    for name in frame.columns:
        gaps = np.flatnonzero(frame[name].isna().to_numpy())
        if gaps.size and not picked.intersection(gaps.tolist()):
            picked.add(int(gaps[0]))
    return sorted(picked)


def _expected_outputs(model: Any, inputs: pd.DataFrame, schema: BundleSchema) -> pd.DataFrame:
    """What the workbench's scoring answers for these rows (positive when p >= threshold)."""
    if schema.task == "regression":
        predicted = np.asarray(model.predict(inputs), dtype=float)
        return pd.DataFrame({"prediction": predicted}, index=inputs.index)
    proba = np.asarray(model.predict_proba(inputs), dtype=float)
    classes = [class_label(c) for c in model.classes_]
    if schema.task == "binary":
        positive = str(schema.positive_class)
        negative = next(c for c in classes if c != positive)
        score = proba[:, classes.index(positive)]
        threshold = 0.5 if schema.threshold is None else schema.threshold
        labels = label_at_threshold(score, threshold, positive=positive, negative=negative)
        return pd.DataFrame(
            {"prediction": labels, probability_column(positive): score}, index=inputs.index
        )
    out = pd.DataFrame(
        {"prediction": np.asarray(classes, dtype=object)[proba.argmax(axis=1)]}, index=inputs.index
    )
    for i, label in enumerate(classes):
        out[probability_column(label)] = proba[:, i]
    return out


def _synthetic_inputs(schema: BundleSchema, count: int = GOLDEN_ROWS) -> pd.DataFrame:
    """Rows drawn from the schema alone, as text and typed values: numbers within the training
    range, allowed categories, dates between the first and last; one gap per nullable column.
    Deterministic (``GOLDEN_SEED``); no training row is read."""
    rng = np.random.default_rng(GOLDEN_SEED)
    nullable = [c.name for c in schema.columns if c.nullable]
    rows = max(count, len(nullable))
    data: dict[str, list[Any]] = {}
    for column in schema.columns:
        data[column.name] = _synthetic_values(column, rng, rows)
    for i, name in enumerate(nullable):
        data[name][i] = None
    return pd.DataFrame(data, columns=list(schema.feature_order), dtype=object)


def _synthetic_values(column: InputColumn, rng: np.random.Generator, rows: int) -> list[Any]:
    if column.allowed:
        picks = rng.integers(0, len(column.allowed), rows)
        return [column.allowed[int(i)] for i in picks]
    if column.type == "numeric":
        low = 0.0 if column.minimum is None else float(column.minimum)
        high = low if column.maximum is None else float(column.maximum)
        if _is_whole_dtype(column.dtype):
            return [int(v) for v in rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, rows)]
        return [float(np.clip(round(float(v), 4), low, high)) for v in rng.uniform(low, high, rows)]
    if column.type == "datetime":
        first = pd.Timestamp(column.minimum or "2020-01-01").normalize()
        last = pd.Timestamp(column.maximum or first).normalize()
        days = max(0, (last - first).days)
        return [
            (first + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d")
            for d in rng.integers(0, days + 1, rows)
        ]
    if column.type == "boolean":
        return [bool(v) for v in rng.integers(0, 2, rows)]
    return [f"synthetic {column.name} {i + 1}" for i in range(rows)]


def _is_whole_dtype(text: str) -> bool:
    try:
        return np.dtype(text).kind in "iu"
    except TypeError:
        return False


def _golden(
    model: Any, frame: pd.DataFrame, schema: BundleSchema, *, real_rows: bool
) -> tuple[bytes, pd.DataFrame]:
    """(golden.csv bytes, the rows' inputs and expected outputs): training rows when
    ``real_rows``, else synthetic rows read by the bundle's own code, as a caller's CSV is."""
    if real_rows:
        inputs = frame.iloc[_golden_positions(frame)][list(schema.feature_order)]
    else:
        runtime = bundle_runtime()
        text = _synthetic_inputs(schema).to_csv(index=False, lineterminator="\n", na_rep="")
        table = runtime.read_table(io.BytesIO(text.encode("utf-8")), "golden.csv")
        try:
            inputs, _ = runtime.table_to_frame(
                table, runtime.Contract(schema.to_dict()), strict=True
            )
        except runtime.InputError as error:
            raise ExportError(
                MSG_GOLDEN_MISMATCH.format(problems=error), field="pipeline"
            ) from None
        expected = _expected_outputs(model, inputs, schema)
        for column in expected.columns:
            table[EXPECTED_PREFIX + column] = expected[column].to_numpy()
        text = table.to_csv(index=False, lineterminator="\n", na_rep="")
        return text.encode("utf-8"), table
    expected = _expected_outputs(model, inputs, schema)
    table = inputs.copy()
    for column in expected.columns:
        table[EXPECTED_PREFIX + column] = expected[column].to_numpy()
    text = table.to_csv(index=False, lineterminator="\n", na_rep="")
    return text.encode("utf-8"), table


def _check_golden(model: Any, schema: BundleSchema, golden: bytes) -> None:
    """Score golden.csv with the bundle's own code: it must give the workbench's outputs."""
    runtime = bundle_runtime()
    contract = runtime.Contract(schema.to_dict())
    table = runtime.read_table(io.BytesIO(golden), "golden.csv")
    problems = runtime.check_golden(model, contract, table)
    if problems:
        shown = "; ".join(problems[:5])
        raise ExportError(MSG_GOLDEN_MISMATCH.format(problems=shown), field="pipeline")
