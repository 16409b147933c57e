"""What a training job needs, gathered once: the plan, the training rows, the settings."""

from __future__ import annotations

import dataclasses
import platform
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from app.context import Workbench
from app.errors import UserError
from app.services import data_config, datasets, goals, splits
from core import train
from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, recipe_to_list
from core.data.schema import Schema, schema_to_dict
from core.goal import Goal
from core.metrics import UNPRICED_METRIC, stored_name
from core.train import features, zoo
from storage.models import DatasetSplit

QUICK_SAMPLE_ROWS = 50_000


Preset = Literal["quick", "thorough", "custom"]


@dataclass(frozen=True)
class TrainPlan:
    """What the user asked for: a preset or explicit models, folds, tuning budget, seed."""

    preset: Preset = "quick"
    models: tuple[str, ...] = ()
    folds: int = 5
    seed: int = 0
    tune_trials: int | None = None
    tune_seconds: float | None = None
    sample_rows: int | None = None
    class_weight: Literal["balanced"] | None = None
    #: Feed sensitive columns to the model; None = the project's data setting.
    include_sensitive: bool | None = None
    #: Train every model twice, with and without the sensitive inputs (runs tagged).
    compare_sensitive: bool = False
    #: Add a soft-voting ensemble of the best few models (Thorough does by default).
    ensemble: bool | None = None
    version_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# -- context: everything a training job needs, gathered once --------------------------


@dataclass(frozen=True)
class TrainingContext:
    version: datasets.VersionInfo
    frame: pd.DataFrame  # training rows only (the frozen split's train side, after the recipe)
    schema: Schema
    goal: Goal | None
    goal_version: int | None
    recipe: Recipe
    split_description: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: The project's data setting: sensitive columns are model inputs too (default: not).
    sensitive_as_input: bool = False


def training_context(
    wb: Workbench, project_id: int, version_id: int | None = None
) -> TrainingContext:
    """Training rows of a version with the project's recipe and schema; clear errors if not ready."""
    version = (
        datasets.get_version(wb, version_id)
        if version_id
        else datasets.resolve_version(wb, project_id, None)
    )
    stored = splits.get_split(wb, version)
    if stored is None:
        raise UserError(
            f"Dataset v{version.version} has no evaluation split yet.",
            hint="Define it on the Data page (Split tab) or with `workbench data split PROJECT`.",
        )
    frame = datasets.load_frame(wb, version)
    data_settings = data_config.get_settings(wb, project_id)
    recipe = data_config.recipe(wb, project_id)
    frame = apply_recipe(frame, recipe).frame if recipe.steps else frame
    schema = data_config.schema_for(wb, project_id, frame)
    if schema.target is None:
        raise UserError(
            "No target column is set.",
            hint="Choose it on the Data page or with `workbench data roles PROJECT --target COL`.",
        )
    train_rows, _test = stored.split.partition(frame)
    train_rows = train_rows[train_rows[schema.target].notna()]
    latest_goal = goals.latest_goal(wb, project_id)
    return TrainingContext(
        version=version,
        frame=train_rows,
        schema=schema,
        goal=latest_goal.goal if latest_goal else None,
        goal_version=latest_goal.version if latest_goal else None,
        recipe=recipe,
        split_description=str(stored.summary.get("description", "")),
        sensitive_as_input=data_settings.sensitive_as_input,
    )


def context_key(wb: Workbench, project_id: int) -> str | None:
    """What the training context depends on — data, settings, split, goal — as one key.

    Cheap (no data is read), so a page can cache the context and rebuild it only when one
    of these changed. None when the project has no data yet.
    """

    versions = datasets.list_versions(wb, project_id)
    if not versions:
        return None
    with wb.db.read() as session:
        split = session.get(DatasetSplit, versions[0].id)
        split_sha = split.artifact_sha256 if split else None
    latest_goal = goals.latest_goal(wb, project_id)
    settings = data_config.get_settings(wb, project_id).to_json()
    return repr(
        (
            versions[0].sha256,
            split_sha,
            latest_goal.version if latest_goal else None,
            sorted(settings.items()),
        )
    )


def _goal_metric(ctx: TrainingContext) -> str:
    metric = stored_name(ctx.goal.metric) if ctx.goal and ctx.goal.metric else None
    task = ctx.schema.task or "binary"
    valid = train.METRICS.get(metric) if metric else None
    if metric is None or valid is None or task not in valid.tasks:
        return "expected_value" if _has_value(ctx) else UNPRICED_METRIC.get(task, "roc_auc")
    if metric == "expected_value" and not _has_value(ctx):
        return UNPRICED_METRIC.get(task, "roc_auc")
    return metric


def _has_value(ctx: TrainingContext) -> bool:
    goal, task = ctx.goal, ctx.schema.task
    if goal is None or not goal.volume_per_month:
        return False
    if task == "binary":
        return goal.payoff is not None
    return task == "regression" and goal.error_cost is not None


def train_settings(ctx: TrainingContext, plan: TrainPlan) -> train.TrainSettings:
    task = ctx.schema.task or "binary"
    rows = len(ctx.frame)
    if plan.preset == "custom" or plan.models:
        models = plan.models
    else:
        models = tuple(zoo.models_for(task, rows=rows, preset=plan.preset))
    if not models:
        raise UserError("Choose at least one model to train.")
    sample = plan.sample_rows
    if plan.preset == "quick" and sample is None and rows > QUICK_SAMPLE_ROWS:
        sample = QUICK_SAMPLE_ROWS
    tune_seconds = plan.tune_seconds
    if plan.preset == "thorough" and plan.tune_trials is None and tune_seconds is None:
        tune_seconds = 60.0
    return train.TrainSettings(
        models=models,
        folds=plan.folds,
        seed=plan.seed,
        tune_trials=plan.tune_trials,
        tune_seconds=tune_seconds,
        metric=_goal_metric(ctx),
        sample_rows=sample,
        class_weight=plan.class_weight,
        include_sensitive=include_sensitive(ctx, plan),
    )


def include_sensitive(ctx: TrainingContext, plan: TrainPlan) -> bool:
    """Whether this training feeds the sensitive columns to the model: the plan, else the project."""
    return ctx.sensitive_as_input if plan.include_sensitive is None else plan.include_sensitive


def excluded_inputs(ctx: TrainingContext, plan: TrainPlan) -> list[features.ExcludedInput]:
    """What the models of this plan will not see, and why (stated before training starts)."""
    return features.excluded_inputs(ctx.schema, include_sensitive=include_sensitive(ctx, plan))


def value_inputs(ctx: TrainingContext) -> dict[str, Any]:
    goal = ctx.goal
    if goal is None:
        return {}
    return {
        "payoff": goal.payoff,
        "error_cost": goal.error_cost,
        "volume_per_month": goal.volume_per_month,
    }


def run_snapshot(ctx: TrainingContext) -> dict[str, Any]:
    import sklearn
    import xgboost

    return {
        "dataset_version": ctx.version.version,
        "dataset_hash": ctx.version.sha256,
        "schema": schema_to_dict(ctx.schema),
        "recipe": recipe_to_list(ctx.recipe),
        "split": ctx.split_description,
        "training_rows": len(ctx.frame),
        "goal_version": ctx.goal_version,
        "library_versions": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "xgboost": xgboost.__version__,
        },
    }


# -- requirement flags -----------------------------------------------------------------


def requirement_flags(result: train.ModelResult, goal: Goal | None, metric: str) -> dict[str, str]:
    """Why this model may not ship, per the Goal page's requirements (empty = nothing against it)."""
    if goal is None:
        return {}
    req = goal.requirements
    flags: dict[str, str] = {}
    per_row_ms = result.predict_ms_per_1k / 1000
    if req.max_latency_ms is not None and per_row_ms > req.max_latency_ms:
        flags["latency"] = (
            f"{per_row_ms:.2f} ms per prediction, over the {req.max_latency_ms:g} ms limit"
        )
    size_mb = result.size_bytes / 1e6
    if req.max_model_size_mb is not None and size_mb > req.max_model_size_mb:
        flags["size"] = f"{size_mb:,.1f} MB, over the {req.max_model_size_mb:g} MB limit"
    if req.min_metric_to_ship is not None and result.cv_mean is not None:
        better = train.METRICS[metric].greater_is_better
        if (
            (result.cv_mean < req.min_metric_to_ship)
            if better
            else (result.cv_mean > req.min_metric_to_ship)
        ):
            flags["metric"] = (
                f"{metric} {result.cv_mean:,.4g} misses the minimum to ship ({req.min_metric_to_ship:g})"
            )
    if req.explainability == "per-prediction" and result.model in ("knn", "ensemble"):
        flags["explainability"] = "per-prediction explanations need a slow model-agnostic explainer"
    return flags
