"""Evaluate a run on rows it never saw: metrics, the decision threshold, errors, explanations.

The rows are the frozen split's test side of the run's own dataset version, prepared with
the run's own recipe, so every page and the CLI measure the same thing. A labelled file can
stand in for them (``workbench analyze --data``).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.errors import NotFound, UserError
from app.services import datasets, goals, splits
from app.services.projects import touch_project
from app.services.scoring import coerce_numbers
from app.services.team.guard import guarded, project_of
from app.services.team.rights import Right
from app.services.training import RunInfo, get_run, load_pipeline
from core import evaluate
from core.coerce import class_label
from core.data.cleaning import apply_recipe
from core.data.recipe import recipe_from_list
from core.data.schema import Schema, model_positive_class, schema_from_dict
from core.exceptions import CoreError
from core.goal import ErrorCost, PayoffMatrix, assumed_roi
from core.metrics import flag_at_threshold
from core.text_limits import check_text
from storage.models import Run, SavedCohort

Task = Literal["binary", "multiclass", "regression"]


@dataclass(frozen=True, eq=False)
class EvaluationRows:
    """A run's predictions on labelled rows: what every Evaluate view is computed from."""

    run_id: int
    task: Task
    frame: pd.DataFrame  # the rows with every column (after the recipe), target known
    features: tuple[str, ...]
    y: pd.Series
    proba: np.ndarray | None  # (n, k) in ``classes`` order; None for regression
    prediction: np.ndarray  # numbers (regression) or class labels as text
    classes: tuple[str, ...]
    positive: str | None
    threshold: float | None  # binary only: the threshold in force
    source: str
    notes: tuple[str, ...] = ()

    @property
    def score(self) -> np.ndarray | None:
        """Binary: the positive class's probability per row."""
        if self.proba is None or self.positive is None:
            return None
        return self.proba[:, self.classes.index(self.positive)]

    def for_errors(self) -> np.ndarray:
        """What core.evaluate.prediction_errors takes: positive score, probability matrix or value."""
        if self.task == "binary":
            return self.score  # type: ignore[return-value]
        if self.task == "multiclass":
            return self.proba  # type: ignore[return-value]
        return self.prediction

    def errors(self, threshold: float | None = None) -> np.ndarray:
        """1/0 wrong/right per row (absolute error for regression) at ``threshold``."""
        return evaluate.prediction_errors(
            self.y.to_numpy(),
            self.for_errors(),
            task=self.task,
            classes=self.classes,
            positive=self.positive,
            threshold=self._threshold(threshold),
        )

    def _threshold(self, threshold: float | None) -> float:
        chosen = threshold if threshold is not None else self.threshold
        return evaluate.DEFAULT_THRESHOLD if chosen is None else float(chosen)

    def worst(self, top: int = 50, threshold: float | None = None) -> pd.DataFrame:
        return evaluate.worst_predictions(
            self.frame[list(self.features)],
            self.y.to_numpy(),
            self.for_errors(),
            task=self.task,
            top=top,
            classes=self.classes,
            positive=self.positive,
            threshold=self._threshold(threshold),
        )


def run_schema(run: RunInfo) -> Schema:
    return schema_from_dict(run.snapshot["schema"])


def positive_class(schema: Schema, classes: tuple[str, ...]) -> str | None:
    """The binary positive class as the scorer reads it (``core.data.schema.model_positive_class``)."""
    return model_positive_class(schema, classes)


def held_out_rows(wb: Workbench, run: RunInfo) -> pd.DataFrame:
    """The held-out rows of the run's dataset version, prepared with the run's recipe."""
    version = datasets.get_version(wb, run.dataset_version_id)
    stored = splits.get_split(wb, version)
    if stored is None:
        raise UserError(f"Dataset v{version.version} has no evaluation split.")
    frame = datasets.load_frame(wb, version)
    recipe = recipe_from_list(list(run.snapshot.get("recipe", [])))
    if recipe.steps:
        frame = apply_recipe(frame, recipe).frame
    return stored.split.partition(frame)[1]


def file_rows(run: RunInfo, frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """A labelled file prepared like the training data (the whole recipe, rows steps too)."""
    recipe = recipe_from_list(list(run.snapshot.get("recipe", [])))
    if not recipe.steps:
        return frame
    try:
        return apply_recipe(frame, recipe).frame
    except CoreError as error:
        raise UserError(
            f"{label} does not fit run {run.id}'s cleaning recipe: {error}",
            hint="Evaluate on a labelled file with the training data's columns, target included.",
        ) from error


def evaluation_rows(
    wb: Workbench,
    run: RunInfo,
    *,
    data: pd.DataFrame | None = None,
    source: str | None = None,
    pipeline: Any = None,
) -> EvaluationRows:
    """Predict the run's test rows (or ``data``, a labelled file) once, for every view."""
    schema = run_schema(run)
    target = schema.target
    if target is None:
        raise UserError(f"Run {run.id} was trained without a target column.")
    if data is None:
        frame = held_out_rows(wb, run)
        label = f"held-out test rows of dataset v{run.snapshot.get('dataset_version', '?')}"
    else:
        label = source or "the given file"
        frame = file_rows(run, data, label)
    features = run.input_columns
    _check_columns(frame, [*features, target], label)
    frame = frame[frame[target].notna()]
    if frame.empty:
        raise UserError(f"The {label} have no rows with a known {target!r}.")
    inputs = frame[features].copy()
    notes = tuple(coerce_numbers(inputs, schema))
    frame = frame.copy()
    frame[features] = inputs  # error analysis sees the values the model saw
    pipeline = pipeline if pipeline is not None else load_pipeline(wb, run)
    task: Task = schema.task or "binary"
    count = f"{len(frame):,} {label}"
    if task == "regression":
        prediction = np.asarray(pipeline.predict(inputs), dtype=float)
        return EvaluationRows(
            run.id, task, frame, tuple(features), frame[target], None, prediction, (), None,
            None, count, notes,
        )  # fmt: skip
    proba = np.asarray(pipeline.predict_proba(inputs), dtype=float)
    classes = tuple(class_label(c) for c in pipeline.classes_)
    positive = positive_class(schema, classes)
    threshold = run.threshold if task == "binary" else None
    rows = EvaluationRows(
        run.id, task, frame, tuple(features), frame[target], proba, np.empty(0), classes,
        positive, threshold, count, notes,
    )  # fmt: skip
    return with_threshold(rows, threshold)


def with_threshold(rows: EvaluationRows, threshold: float | None) -> EvaluationRows:
    """The same rows labelled at another threshold (no new predictions)."""
    if rows.proba is None:
        return rows
    if rows.task == "binary":
        assert rows.positive is not None  # a binary task always has its positive class
        negative = next(c for c in rows.classes if c != rows.positive)
        flagged = flag_at_threshold(rows.score, rows._threshold(threshold))
        labels = np.where(flagged, rows.positive, negative)  # keeps the classes' dtype
    else:
        labels = np.asarray(rows.classes, dtype=object)[rows.proba.argmax(axis=1)]
    return dataclasses.replace(rows, prediction=labels, threshold=threshold)


def _check_columns(frame: pd.DataFrame, needed: list[str], label: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise UserError(
            f"The {label} lack {len(missing)} column(s) the run needs: {shown}.",
            hint="Evaluate on a labelled file with the training data's columns, target included.",
        )


# -- metrics and the value of a threshold ---------------------------------------------------


@dataclass(frozen=True)
class Money:
    """What the Goal page says a prediction is worth, for the run's task."""

    payoff: PayoffMatrix | None
    error_cost: ErrorCost | None
    volume_per_month: float | None
    currency: str | None
    business_case_value: float | None  # value per month the goal's ROI assumptions promise
    goal_version: int | None


def money(wb: Workbench, project_id: int) -> Money:
    latest = goals.latest_goal(wb, project_id)
    if latest is None:
        return Money(None, None, None, None, None, None)
    goal = latest.goal
    roi = assumed_roi(goal)
    return Money(
        goal.payoff,
        goal.error_cost,
        goal.volume_per_month,
        goal.currency,
        roi.model_value_per_month if roi is not None else None,
        latest.version,
    )


Evaluation = evaluate.ClassificationEvaluation | evaluate.RegressionEvaluation


def evaluate_rows(
    rows: EvaluationRows, worth: Money, *, bootstrap: int = 200, seed: int = 0
) -> Evaluation:
    """Metrics with bootstrap intervals, curves and the value curve, at the run's threshold."""
    try:
        if rows.task == "regression":
            return evaluate.evaluate_regression(
                rows.y.to_numpy(), rows.prediction, error_cost=worth.error_cost,
                volume_per_month=worth.volume_per_month, bootstrap=bootstrap, seed=seed,
            )  # fmt: skip
        assert rows.proba is not None  # classifiers always give probabilities here
        return evaluate.evaluate_classification(
            rows.y.to_numpy(), rows.proba, rows.classes, positive=rows.positive,
            threshold=rows.threshold, payoff=worth.payoff if rows.task == "binary" else None,
            volume_per_month=worth.volume_per_month, bootstrap=bootstrap, seed=seed,
        )  # fmt: skip
    except CoreError as error:
        raise UserError(f"Cannot evaluate run {rows.run_id}: {error}") from error


@guarded(
    Right.EDIT,
    "run.threshold",
    project=project_of(Run, "run_id"),
    summary=lambda a: (
        f"Threshold of run {a['run_id']} set to {a['threshold']}"
        if a["threshold"] is not None
        else f"Threshold of run {a['run_id']} back to the value-optimal one"
    ),
)
def save_threshold(wb: Workbench, run_id: int, threshold: float | None) -> RunInfo:
    """Store the decision threshold predict, export and monitoring use; None = back to optimal."""
    run = get_run(wb, run_id)
    if run_schema(run).task != "binary":
        raise UserError("Only binary classifiers have a decision threshold.")
    if threshold is not None and not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise UserError(f"A threshold must be between 0 and 1, got {threshold!r}.")
    with wb.db.write() as session:
        row = session.get(Run, run_id)
        assert row is not None
        row.chosen_threshold = None if threshold is None else round(float(threshold), 6)
        touch_project(session, run.project_id)
    return get_run(wb, run_id)


# -- error analysis and saved cohorts ------------------------------------------------------


@dataclass(frozen=True)
class CohortInfo:
    id: int
    name: str
    cohort: evaluate.Cohort
    run_id: int | None


def discovered_cohorts(
    rows: EvaluationRows, *, threshold: float | None = None, top: int = 8, min_rows: int = 30
) -> list[evaluate.Cohort]:
    frame = rows.frame[list(rows.features)]
    min_rows = max(5, min(min_rows, len(frame) // 20))
    return evaluate.discover_cohorts(
        frame, rows.errors(threshold), top=top, min_rows=min_rows, seed=0
    )


@guarded(Right.EDIT, "evaluate.cohort_saved", summary="Saved cohort '{name}'")
def save_cohort(
    wb: Workbench, project_id: int, name: str, cohort: evaluate.Cohort, *, run_id: int | None
) -> CohortInfo:
    name = name.strip()
    if not name:
        raise UserError("Give the cohort a name.")
    check_text("cohort name", name)
    with wb.db.write() as session:
        clash = session.scalar(
            select(SavedCohort).where(
                SavedCohort.project_id == project_id, SavedCohort.name == name
            )
        )
        if clash is not None:
            raise UserError(f"A cohort called {name!r} exists already; choose another name.")
        row = SavedCohort(
            project_id=project_id,
            name=name,
            definition=evaluate.cohort_to_dict(cohort),
            run_id=run_id,
        )
        session.add(row)
        session.flush()
        return CohortInfo(row.id, row.name, cohort, run_id)


def list_cohorts(wb: Workbench, project_id: int) -> list[CohortInfo]:
    with wb.db.read() as session:
        rows = session.scalars(
            select(SavedCohort).where(SavedCohort.project_id == project_id).order_by(SavedCohort.id)
        )
        return [
            CohortInfo(r.id, r.name, evaluate.cohort_from_dict(r.definition), r.run_id)
            for r in rows
        ]


@guarded(
    Right.EDIT,
    "evaluate.cohort_deleted",
    project=project_of(SavedCohort, "cohort_id"),
    summary="Deleted cohort {cohort_id}",
)
def delete_cohort(wb: Workbench, cohort_id: int) -> None:
    with wb.db.write() as session:
        row = session.get(SavedCohort, cohort_id)
        if row is None:
            raise NotFound(f"There is no saved cohort {cohort_id}.")
        session.delete(row)


def cohort_errors(
    rows_by_run: dict[int, EvaluationRows], cohorts: list[CohortInfo]
) -> pd.DataFrame:
    """Each saved cohort's error on each run's rows: the cohort as it is, compared across runs."""
    records = []
    for run_id, rows in rows_by_run.items():
        row_errors = rows.errors()
        overall = float(np.nanmean(row_errors)) if len(row_errors) else math.nan
        for info in cohorts:
            try:
                mask = evaluate.apply_cohort(rows.frame, info.cohort)
            except CoreError as error:
                records.append(_cohort_record(info, run_id, 0, math.nan, overall, str(error)))
                continue
            inside = row_errors[mask]
            value = float(np.nanmean(inside)) if inside.size else math.nan
            records.append(_cohort_record(info, run_id, int(mask.sum()), value, overall, ""))
    return pd.DataFrame(records)


def _cohort_record(
    info: CohortInfo, run_id: int, count: int, value: float, overall: float, problem: str
) -> dict[str, Any]:
    return {
        "cohort": info.name,
        "rule": info.cohort.describe(),
        "run_id": run_id,
        "rows": count,
        "error": value,
        "overall_error": overall,
        "ratio_to_overall": value / overall if overall else math.nan,
        "problem": problem,
    }


# -- comparing two runs -------------------------------------------------------------------


def compare(a: EvaluationRows, b: EvaluationRows) -> tuple[evaluate.RunComparison, pd.DataFrame]:
    """Metric deltas on the same rows, and the rows where the two runs disagree."""
    if a.task != b.task or len(a.frame) != len(b.frame) or not a.frame.index.equals(b.frame.index):
        raise UserError(
            f"Runs {a.run_id} and {b.run_id} were not evaluated on the same rows.",
            hint="Compare runs trained on the same dataset version and split.",
        )
    both_proba = a.proba is not None and b.proba is not None and a.classes == b.classes
    comparison = evaluate.compare_predictions(
        a.y.to_numpy(), a.prediction, b.prediction,
        proba_a=a.proba if both_proba else None, proba_b=b.proba if both_proba else None,
        classes=a.classes or None, positive=a.positive, task=a.task,
    )  # fmt: skip
    disagree = a.frame.loc[comparison.disagreement, list(a.features)]
    table = pd.DataFrame(
        {
            "actual": a.y[comparison.disagreement].to_numpy(),
            f"run {a.run_id}": a.prediction[comparison.disagreement],
            f"run {b.run_id}": b.prediction[comparison.disagreement],
        },
        index=disagree.index,
    )
    return comparison, pd.concat([table, disagree], axis=1)
