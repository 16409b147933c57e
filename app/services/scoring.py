"""Score new rows with a trained run: same recipe and schema as at training time, every row answered.

Rows are never dropped silently: a value that cannot be read is scored as missing and
reported; a row the model cannot score at all is kept with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.context import Workbench
from app.errors import UserError
from app.services.training import RunInfo, load_pipeline
from core.coerce import class_label
from core.data import ingest
from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, recipe_from_list
from core.data.schema import model_positive_class, probability_column, schema_from_dict
from core.metrics import label_at_threshold

ROW_STEPS_SKIPPED = ("filter_rows", "drop_duplicates")
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class ScoreResult:
    frame: pd.DataFrame
    problems: tuple[str, ...]
    summary: str
    threshold: float | None
    #: The columns holding class probabilities, in class order; binary: the positive class's only.
    probability_columns: tuple[str, ...] = ()

    @property
    def probability_column(self) -> str | None:
        """The positive class's probability column of a binary run; None otherwise."""
        return self.probability_columns[0] if len(self.probability_columns) == 1 else None


def score_content(
    wb: Workbench, run: RunInfo, content: bytes | Path, *, filename: str
) -> ScoreResult:
    frame, _info = ingest.read_table(content, filename=filename)
    return score_frame(wb, run, frame)


def _column_recipe(run: RunInfo) -> tuple[Recipe, list[str]]:
    recipe = recipe_from_list(list(run.snapshot.get("recipe", [])))
    kept = [s for s in recipe.steps if s.kind not in ROW_STEPS_SKIPPED]
    skipped = [s.describe() for s in recipe.steps if s.kind in ROW_STEPS_SKIPPED]
    return Recipe(tuple(kept)), skipped


def score_frame(wb: Workbench, run: RunInfo, frame: pd.DataFrame) -> ScoreResult:
    schema = schema_from_dict(run.snapshot["schema"])
    recipe, skipped = _column_recipe(run)
    prepared = apply_recipe(frame, recipe).frame if recipe.steps else frame
    features = run.input_columns
    missing = [c for c in features if c not in prepared.columns]
    if missing:
        raise UserError(
            f"The file lacks {len(missing)} column(s) the model needs: {', '.join(missing[:10])}"
            + (" …" if len(missing) > 10 else "")
            + ".",
            hint="Score a file with the same columns as the training data.",
        )
    problems: list[str] = [
        f"Recipe step skipped when scoring (every row gets an answer): {s}" for s in skipped
    ]
    inputs = prepared[features].copy()
    problems += coerce_numbers(inputs, schema)
    pipeline = load_pipeline(wb, run)
    scored, failed = _predict(pipeline, inputs, schema, run)
    problems += failed
    result = frame.copy()
    for column in scored.columns:
        result[column] = scored[column].to_numpy()
    ok = int(result["prediction"].notna().sum())
    summary = f"Scored {ok:,} of {len(result):,} rows with run {run.id} ({run.model_name})"
    if run.threshold is not None and schema.task == "binary":
        summary += f", threshold {run.threshold:.3f}"
    return ScoreResult(
        result,
        tuple(problems[:MAX_PROBLEMS]),
        summary + ".",
        run.threshold,
        _probability_columns(pipeline, schema),
    )


def _positive(schema: Any, classes: list[str]) -> str:
    """A binary model's positive class (``model_positive_class`` gives one for every binary)."""
    positive = model_positive_class(schema, classes)
    assert positive is not None
    return positive


def _probability_columns(pipeline: Any, schema: Any) -> tuple[str, ...]:
    """The probability columns _predict_block writes (also when every row failed)."""
    if schema.task == "regression":
        return ()
    classes = [class_label(c) for c in pipeline.classes_]
    if schema.task == "binary":
        return (probability_column(_positive(schema, classes)),)
    return tuple(probability_column(label) for label in classes)


def coerce_numbers(inputs: pd.DataFrame, schema: Any) -> list[str]:
    """Numbers that arrive as text are parsed; values that are not numbers become missing (reported)."""
    problems = []
    for column in schema.columns:
        if column.name not in inputs or column.type != "numeric":
            continue
        values = inputs[column.name]
        if pd.api.types.is_numeric_dtype(values):
            continue
        parsed = pd.to_numeric(values, errors="coerce")
        bad = parsed.isna() & values.notna() & (values.astype(str).str.strip() != "")
        for position in np.flatnonzero(bad.to_numpy())[:20]:
            problems.append(
                f"Row {position + 1}: {column.name} = {values.iloc[position]!r} is not a number; scored as missing."
            )
        inputs[column.name] = parsed
    return problems


def _predict(
    pipeline: Any, inputs: pd.DataFrame, schema: Any, run: RunInfo
) -> tuple[pd.DataFrame, list[str]]:
    try:
        return _predict_block(pipeline, inputs, schema, run), []
    except Exception:  # find the rows that fail, answer the rest
        pass
    pieces, problems = [], []
    for position in range(len(inputs)):
        row = inputs.iloc[[position]]
        try:
            pieces.append(_predict_block(pipeline, row, schema, run))
        except Exception as error:  # the reason is reported with the row
            problems.append(f"Row {position + 1} could not be scored: {error}")
            pieces.append(pd.DataFrame({"prediction": [None]}, index=row.index))
    return pd.concat(pieces), problems


def _predict_block(pipeline: Any, inputs: pd.DataFrame, schema: Any, run: RunInfo) -> pd.DataFrame:
    if schema.task == "regression":
        return pd.DataFrame({"prediction": pipeline.predict(inputs)}, index=inputs.index)
    proba = pipeline.predict_proba(inputs)
    classes = [class_label(c) for c in pipeline.classes_]
    if schema.task == "binary":
        positive = _positive(schema, classes)
        negative = next(c for c in classes if c != positive)
        p = proba[:, classes.index(positive)]
        threshold = run.threshold if run.threshold is not None else 0.5
        labels = label_at_threshold(p, threshold, positive=positive, negative=negative)
        return pd.DataFrame(
            {"prediction": labels, probability_column(positive): p}, index=inputs.index
        )
    out = pd.DataFrame(
        {"prediction": np.asarray(classes, dtype=object)[proba.argmax(axis=1)]}, index=inputs.index
    )
    for index, label in enumerate(classes):
        out[probability_column(label)] = proba[:, index]
    return out
