"""Training: plans, the training job, tracked runs, the leaderboard, champion, re-run, scoring.

The job trains baselines first, then the zoo lighter models first; every finished model is
saved as a run at once, so Cancel keeps what is done.
"""

from __future__ import annotations

import dataclasses
import io
import platform
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import joblib
import numpy as np
import pandas as pd
from sqlalchemy import select, update

from app.context import Workbench
from app.errors import NotFound, UserError
from app.jobs import INCOMPLETE_STATUSES, JobCancelled, JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services import data_config, datasets, goals, splits
from app.services.jsonable import finite, plain
from app.services.projects import touch_project
from core import business, features, metrics, persist, prepare, train, zoo
from core.metrics import UNPRICED_METRIC, stored_name
from core.schema import Schema, schema_from_dict, schema_to_dict
from storage.models import Job, Run

TRAIN_KIND = "train.models"
RERUN_KIND = "train.rerun"
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


@dataclass(frozen=True)
class RunInfo:
    id: int
    project_id: int
    dataset_version_id: int
    model_key: str
    kind: str
    metric: str
    cv_mean: float | None
    cv_std: float | None
    scores: dict[str, Any]
    folds: dict[str, Any]
    params: dict[str, Any]
    settings: dict[str, Any]
    snapshot: dict[str, Any]
    fit_seconds: float
    predict_ms_per_1k: float
    size_bytes: int
    best_threshold: float | None
    chosen_threshold: float | None
    pipeline_sha256: str | None
    flags: dict[str, Any]
    tags: dict[str, Any]
    notes: str
    is_champion: bool
    rerun_of: int | None
    created_at: datetime
    #: The status of the job that saved this run when it did not finish (cancelled,
    #: interrupted, failed); None for a finished job or a run saved outside a job.
    from_incomplete_job: str | None = None

    @property
    def model_name(self) -> str:
        if self.model_key == train.RULE_KEY:
            return "Rule from the Goal page"
        spec = zoo.ZOO.get(self.model_key)
        name = spec.name if spec else self.model_key
        mitigation = self.settings.get("mitigation")
        if mitigation:
            how = "group thresholds" if mitigation.get("method") == "threshold" else "retrained"
            name += f" ({how}, {str(mitigation.get('constraint', '')).replace('_', ' ')})"
        return name

    @property
    def input_columns(self) -> list[str]:
        """The columns the fitted model reads: the schema's features (+ sensitive ones it needs)."""
        schema = schema_from_dict(self.snapshot["schema"])
        columns = features.feature_columns(
            schema, include_sensitive=bool(self.settings.get("include_sensitive"))
        )
        extra = [c for c in self.settings.get("sensitive_inputs", []) if c not in columns]
        return [*columns, *extra]

    @property
    def excluded_inputs(self) -> list[features.ExcludedInput]:
        """The columns (other than the target) this run's model does not see, and why."""
        schema = schema_from_dict(self.snapshot["schema"])
        used = set(self.input_columns)
        include = bool(self.settings.get("include_sensitive"))
        return [
            e for e in features.excluded_inputs(schema, include_sensitive=include)
            if e.column not in used
        ]  # fmt: skip

    @property
    def threshold(self) -> float | None:
        """The decision threshold in force: the one chosen on Evaluate, else the value-optimal one."""
        return self.chosen_threshold if self.chosen_threshold is not None else self.best_threshold

    def leaderboard_row(self) -> dict[str, Any]:
        return {
            "run_id": self.id,
            "model": self.model_key,
            "metric": self.metric,
            "cv_mean": self.cv_mean,
            "cv_std": self.cv_std,
            "scores": self.scores,
            "fit_seconds": self.fit_seconds,
            "predict_ms_per_1k": self.predict_ms_per_1k,
            "size_bytes": self.size_bytes,
            "from_incomplete_job": self.from_incomplete_job,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.leaderboard_row(),
            "model_name": self.model_name,
            "kind": self.kind,
            "dataset_version_id": self.dataset_version_id,
            "params": self.params,
            "settings": self.settings,
            "folds": self.folds,
            "best_threshold": self.best_threshold,
            "chosen_threshold": self.chosen_threshold,
            "pipeline_sha256": self.pipeline_sha256,
            "flags": self.flags,
            "tags": self.tags,
            "notes": self.notes,
            "is_champion": self.is_champion,
            "rerun_of": self.rerun_of,
            "snapshot": self.snapshot,
            "created_at": self.created_at.isoformat(),
        }


MSG_ONLY_INCOMPLETE = (
    "Every run of this project comes from a training job that did not finish ({statuses}), "
    "so none is the champion by default: train again, or mark one champion explicitly "
    '(Train page, "Mark as champion"; `workbench runs champion RUN`).'
)


def _info(row: Run, job_status: str | None = None) -> RunInfo:
    stored = {
        f.name: getattr(row, f.name)
        for f in dataclasses.fields(RunInfo)
        if f.name != "from_incomplete_job"
    }
    incomplete = job_status if job_status in INCOMPLETE_STATUSES else None
    return RunInfo(**stored, from_incomplete_job=incomplete)


def _job_status(session: Any, row: Run) -> str | None:
    job = session.get(Job, row.job_id) if row.job_id is not None else None
    return None if job is None else job.status


# -- context: everything a training job needs, gathered once --------------------------


@dataclass(frozen=True)
class TrainingContext:
    version: datasets.VersionInfo
    frame: pd.DataFrame  # training rows only (the frozen split's train side, after the recipe)
    schema: Schema
    goal: business.Goal | None
    goal_version: int | None
    recipe: prepare.Recipe
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
    frame = prepare.apply_recipe(frame, recipe).frame if recipe.steps else frame
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
    from storage.models import DatasetSplit

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
    if valid is None or task not in valid.tasks:
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


def _value_inputs(ctx: TrainingContext) -> dict[str, Any]:
    goal = ctx.goal
    if goal is None:
        return {}
    return {
        "payoff": goal.payoff,
        "error_cost": goal.error_cost,
        "volume_per_month": goal.volume_per_month,
    }


def _snapshot(ctx: TrainingContext) -> dict[str, Any]:
    import sklearn
    import xgboost

    return {
        "dataset_version": ctx.version.version,
        "dataset_hash": ctx.version.sha256,
        "schema": schema_to_dict(ctx.schema),
        "recipe": prepare.recipe_to_list(ctx.recipe),
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


def requirement_flags(
    result: train.ModelResult, goal: business.Goal | None, metric: str
) -> dict[str, str]:
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


# -- saving runs -------------------------------------------------------------------------


def _dump(pipeline: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


def save_run(
    wb: Workbench,
    ctx: TrainingContext,
    result: train.ModelResult,
    settings: train.TrainSettings,
    pipeline: Any,
    *,
    kind: str,
    job_id: int | None,
    rerun_of: int | None = None,
    settings_override: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
) -> RunInfo:
    """Store a fitted pipeline as a run; ``settings_override`` replaces the recorded settings."""
    payload = _dump(pipeline)
    stored = wb.artifacts.put_bytes(payload)
    folds = {
        "folds": [
            {
                "fold": f.fold,
                "scores": dict(f.scores),
                "fit_seconds": f.fit_seconds,
                "predict_seconds": f.predict_seconds,
            }
            for f in result.folds
        ],
        "trials": result.trials,
        "notes": list(result.notes),
    }
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/x-joblib")
        row = Run(
            project_id=ctx.version.project_id,
            dataset_version_id=ctx.version.id,
            job_id=job_id,
            model_key=result.model,
            kind=kind,
            metric=settings.metric,
            cv_mean=finite(result.cv_mean),
            cv_std=finite(result.cv_std),
            scores={k: finite(v) for k, v in result.scores.items()},
            folds=folds,
            params=plain(dict(result.params)),
            settings=plain(settings_override or dataclasses.asdict(settings)),
            snapshot=_snapshot(ctx),
            fit_seconds=result.fit_seconds,
            predict_ms_per_1k=result.predict_ms_per_1k,
            size_bytes=result.size_bytes or len(payload),
            best_threshold=result.best_threshold,
            pipeline_sha256=stored.sha256,
            flags=requirement_flags(result, ctx.goal, settings.metric),
            tags=dict(tags or {}),
            rerun_of=rerun_of,
        )
        session.add(row)
        touch_project(session, ctx.version.project_id)
        session.flush()
        return _info(row)


# -- the training job ------------------------------------------------------------------


def submit_training(
    wb: Workbench, project_id: int, plan: TrainPlan, *, claimed: bool = False
) -> int:
    ctx = training_context(wb, project_id, plan.version_id)  # fail fast, before queueing
    settings = train_settings(ctx, plan)
    if plan.compare_sensitive and not ctx.schema.by_role("sensitive"):
        raise UserError(
            "No column is marked sensitive, so there is nothing to compare.",
            hint="Mark one on the Data page (Schema & roles) or with "
            "`workbench data roles PROJECT --sensitive COL`.",
        )
    train.validate_settings(ctx.frame, ctx.schema, settings, **_value_inputs(ctx))
    return submit(
        wb,
        TRAIN_KIND,
        {**plan.to_json(), "version_id": ctx.version.id},
        project_id=project_id,
        title=f"Train ({plan.preset})",
        claimed=claimed,
    )


def _baselines(ctx: TrainingContext, models: tuple[str, ...]) -> list[str]:
    task = ctx.schema.task or "binary"
    linear = "logreg" if task != "regression" else "ridge"
    ordered = ["dummy"]
    if ctx.goal and ctx.goal.rule and task == "binary":
        ordered.append("rule")
    ordered.append(linear)
    rest = [m for m in models if m not in ordered]
    return ordered + rest


@job_kind(TRAIN_KIND, title="Train models", heavy=True)
def training_job(jctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    wb = jctx.workbench
    assert jctx.project_id is not None
    plan = TrainPlan(**{k: tuple(v) if k == "models" else v for k, v in params.items()})
    ctx = training_context(wb, jctx.project_id, plan.version_id)
    settings = train_settings(ctx, plan)
    order = _baselines(ctx, settings.models)
    done: list[RunInfo] = []
    with_ensemble = plan.ensemble if plan.ensemble is not None else plan.preset == "thorough"
    variants: list[tuple[train.TrainSettings, dict[str, Any]]] = [(settings, {})]
    if plan.compare_sensitive:  # the same models with and without the sensitive inputs
        variants = [
            (dataclasses.replace(settings, include_sensitive=used), _comparison_tags(used, jctx))
            for used in (True, False)
        ]
    steps = (len(order) + (1 if with_ensemble else 0)) * len(variants)
    try:
        for variant, tags in variants:
            trained: list[RunInfo] = []
            for model_key in order:
                share = (len(done) / steps, (len(done) + 1) / steps)
                trained.append(_train_one(jctx, ctx, variant, model_key, share, tags=tags))
                done.append(trained[-1])
            members = _ensemble_members(trained)
            if with_ensemble and len(members) >= 2:
                share = (len(done) / steps, (len(done) + 1) / steps)
                done.append(
                    _train_one(
                        jctx,
                        ctx,
                        variant,
                        "ensemble",
                        share,
                        params={"members": members},
                        tags=tags,
                    )
                )
    except (JobCancelled, train.TrainCancelled):
        jctx.progress(jctx._fraction, f"Cancelled after {len(done)} model(s); they are saved.")
        raise JobCancelled() from None
    best = leaderboard(wb, jctx.project_id, version_id=ctx.version.id)
    top = best[0] if best else None
    message = f"Trained {len(done)} model(s) on {len(ctx.frame):,} rows."
    if top is not None:
        message += f" Best: {top.model_name} ({top.metric} {metrics.format_score(top.metric, top.cv_mean)})."
    return {"run_ids": [r.id for r in done], "_message": message}


ENSEMBLE_SIZE = 3
#: Run.tags key of runs trained by a with/without-sensitive comparison: "included"/"excluded".
SENSITIVE_TAG = "sensitive_inputs"
COMPARISON_TAG = "sensitive_comparison"  # the job that trained the pair


def _comparison_tags(used: bool, jctx: JobContext) -> dict[str, Any]:
    return {SENSITIVE_TAG: "included" if used else "excluded", COMPARISON_TAG: jctx.job_id}


def _ensemble_members(done: list[RunInfo]) -> dict[str, dict[str, Any]]:
    """The best few trained models (not baselines), with their (tuned) parameters."""
    models = [
        r for r in done
        if r.kind == "model" and r.cv_mean is not None and r.model_key not in zoo.NOT_MEMBERS
    ]  # fmt: skip
    if not models:
        return {}
    better = train.METRICS[models[0].metric].greater_is_better
    models.sort(key=lambda r: r.cv_mean if better else -r.cv_mean, reverse=True)  # type: ignore[operator]
    return {r.model_key: dict(r.params) for r in models[:ENSEMBLE_SIZE]}


def _train_one(
    jctx: JobContext,
    ctx: TrainingContext,
    settings: train.TrainSettings,
    model_key: str,
    share: tuple[float, float],
    *,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
) -> RunInfo:
    start, end = share
    label = "the Goal page's rule" if model_key == "rule" else zoo.ZOO[model_key].name
    jctx.progress(start, f"Training {label}…")

    def on_fold(_model: str, fold: int, total: int, _score: Any) -> None:
        jctx.progress(
            start + (end - start) * fold / max(total, 1), f"{label}: fold {fold} of {total}"
        )

    def on_trial(_model: str, number: int, value: float) -> None:
        jctx.progress(start + (end - start) * 0.5, f"{label}: trial {number} ({value:,.4g})")

    value = _value_inputs(ctx)
    if model_key == "rule":
        assert ctx.goal is not None and ctx.goal.rule
        result = train.rule_baseline(
            ctx.frame,
            ctx.schema,
            ctx.goal.rule,
            settings,
            payoff=value.get("payoff"),
            volume_per_month=value.get("volume_per_month"),
        )
        pipeline = train.fit_final(ctx.frame, ctx.schema, "rule", {"rule": ctx.goal.rule}, settings)
        kind = "baseline"
    else:
        tune = (settings.tune_trials or settings.tune_seconds) and model_key not in ("dummy",)
        runner = train.tune_model if tune else train.cross_validate_model
        extra = {"on_trial": on_trial} if tune else {"on_fold": on_fold}
        if params is not None:  # a fixed configuration (the ensemble): no tuning
            runner, extra = train.cross_validate_model, {"on_fold": on_fold, "params": params}
        result = runner(
            ctx.frame, ctx.schema, model_key, settings, **value,
            should_stop=lambda: _cancel_requested(jctx), **extra,
        )  # fmt: skip
        pipeline = train.fit_final(ctx.frame, ctx.schema, model_key, dict(result.params), settings)
        kind = (
            "baseline"
            if model_key == "dummy"
            else "ensemble"
            if model_key == "ensemble"
            else "model"
        )
    return save_run(
        jctx.workbench, ctx, result, settings, pipeline, kind=kind, job_id=jctx.job_id, tags=tags
    )


def _cancel_requested(jctx: JobContext) -> bool:
    try:
        jctx.check_cancelled()
    except JobCancelled:
        return True
    return False


# -- reading runs --------------------------------------------------------------------------


def list_runs(wb: Workbench, project_id: int, *, version_id: int | None = None) -> list[RunInfo]:
    query = (
        select(Run, Job.status)
        .outerjoin(Job, Job.id == Run.job_id)
        .where(Run.project_id == project_id)
        .order_by(Run.id.desc())
    )
    if version_id is not None:
        query = query.where(Run.dataset_version_id == version_id)
    with wb.db.read() as session:
        return [_info(run, status) for run, status in session.execute(query)]


def get_run(wb: Workbench, run_id: int) -> RunInfo:
    with wb.db.read() as session:
        row = session.get(Run, run_id)
        if row is None:
            raise NotFound(
                f"There is no run {run_id}.", hint="List runs with `workbench runs PROJECT`."
            )
        return _info(row, _job_status(session, row))


def leaderboard(wb: Workbench, project_id: int, *, version_id: int | None = None) -> list[RunInfo]:
    """Runs on the newest dataset version (or the given one), best first by the run's metric."""
    if version_id is None:
        versions = datasets.list_versions(wb, project_id)
        if not versions:
            return []
        version_id = versions[0].id
    runs = [r for r in list_runs(wb, project_id, version_id=version_id) if r.cv_mean is not None]
    if not runs:
        return []
    metric = runs[0].metric
    same = [r for r in runs if r.metric == metric]
    better = train.METRICS[metric].greater_is_better if metric in train.METRICS else True
    return sorted(same, key=lambda r: r.cv_mean if better else -r.cv_mean, reverse=True)  # type: ignore[operator]


@dataclass(frozen=True)
class SensitiveCost:
    """One model trained with and without the sensitive inputs, on the run's ranking metric."""

    model: str
    model_name: str
    metric: str
    with_run: int
    without_run: int
    with_sensitive: float
    without_sensitive: float

    @property
    def cost_of_excluding(self) -> float:
        """What leaving the sensitive columns out costs (> 0: the model is worse without them)."""
        gap = self.with_sensitive - self.without_sensitive
        info = train.METRICS.get(self.metric)
        return gap if info is None or info.greater_is_better else -gap

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_name": self.model_name,
            "metric": self.metric,
            "with_run": self.with_run,
            "without_run": self.without_run,
            "with_sensitive": self.with_sensitive,
            "without_sensitive": self.without_sensitive,
            "cost_of_excluding": self.cost_of_excluding,
        }


def sensitive_cost(board: list[RunInfo]) -> list[SensitiveCost]:
    """Pairs of the newest with/without-sensitive comparison on a leaderboard, in board order.

    Values are the leaderboard's own (cross-validated ``cv_mean`` of the ranking metric: value
    per month when the goal has a payoff), so the difference is in the goal's money."""
    tagged = [r for r in board if r.tags.get(SENSITIVE_TAG) and r.tags.get(COMPARISON_TAG)]
    if not tagged:
        return []
    newest = max(r.tags[COMPARISON_TAG] for r in tagged)
    pairs: dict[str, dict[str, RunInfo]] = {}
    for run in tagged:
        if run.tags[COMPARISON_TAG] == newest:
            pairs.setdefault(run.model_key, {}).setdefault(run.tags[SENSITIVE_TAG], run)
    out = []
    for key, pair in pairs.items():
        with_run, without_run = pair.get("included"), pair.get("excluded")
        if with_run is None or without_run is None or with_run.kind == "baseline":
            continue  # a cancelled comparison; or the dummy / rule, which read no inputs
        assert with_run.cv_mean is not None and without_run.cv_mean is not None
        out.append(
            SensitiveCost(
                key, with_run.model_name, with_run.metric, with_run.id, without_run.id,
                with_run.cv_mean, without_run.cv_mean,
            )
        )  # fmt: skip
    return out


def champion(wb: Workbench, project_id: int) -> RunInfo | None:
    """The run marked champion, else the best of the leaderboard from a job that finished.

    Runs of a cancelled, interrupted or failed job are never the champion by default (the
    user may still mark one); ``no_champion_reason`` says why there is none.
    """
    runs = list_runs(wb, project_id)
    marked = [r for r in runs if r.is_champion]
    if marked:
        return marked[0]
    finished = [r for r in leaderboard(wb, project_id) if r.from_incomplete_job is None]
    board = _outside_comparison(wb, project_id, finished)
    return board[0] if board else None


def no_champion_reason(wb: Workbench, project_id: int) -> str | None:
    """Why ``champion`` is None although runs exist (only runs of unfinished jobs), else None."""
    board = leaderboard(wb, project_id)
    statuses = sorted({r.from_incomplete_job for r in board if r.from_incomplete_job})
    if not board or len(statuses) == 0 or any(r.from_incomplete_job is None for r in board):
        return None
    return MSG_ONLY_INCOMPLETE.format(statuses=", ".join(statuses))


def _outside_comparison(wb: Workbench, project_id: int, board: list[RunInfo]) -> list[RunInfo]:
    """Leave out the side of a with/without-sensitive comparison the project did not choose:
    it was trained to measure a cost, and becomes the champion only when the user marks it."""
    chosen = (
        "included" if data_config.get_settings(wb, project_id).sensitive_as_input else "excluded"
    )
    return [r for r in board if r.tags.get(SENSITIVE_TAG, chosen) == chosen]


def set_champion(wb: Workbench, run_id: int) -> RunInfo:
    run = get_run(wb, run_id)
    with wb.db.write() as session:
        session.execute(
            update(Run).where(Run.project_id == run.project_id).values(is_champion=False)
        )
        session.execute(update(Run).where(Run.id == run_id).values(is_champion=True))
        touch_project(session, run.project_id)
    return get_run(wb, run_id)


def update_scores(wb: Workbench, run_id: int, scores: dict[str, float]) -> RunInfo:
    """Add scores measured after training (e.g. on the test rows) to a run."""
    with wb.db.write() as session:
        row = session.get(Run, run_id)
        if row is None:
            raise NotFound(f"There is no run {run_id}.")
        row.scores = {**row.scores, **{k: finite(v) for k, v in scores.items()}}
    return get_run(wb, run_id)


def update_run_notes(
    wb: Workbench, run_id: int, *, notes: str | None = None, tags: dict[str, Any] | None = None
) -> RunInfo:
    with wb.db.write() as session:
        row = session.get(Run, run_id)
        if row is None:
            raise NotFound(f"There is no run {run_id}.")
        if notes is not None:
            row.notes = notes
        if tags is not None:  # merged: keys set by the workbench (e.g. sensitive_inputs) stay
            row.tags = {**(row.tags or {}), **tags}
    return get_run(wb, run_id)


def load_pipeline(wb: Workbench, run: RunInfo) -> Any:
    """The fitted pipeline, loaded only from our own store after its hash is verified."""
    if run.pipeline_sha256 is None:
        raise UserError(f"Run {run.id} has no saved model.")
    return persist.load_joblib(wb.artifacts.read_bytes(run.pipeline_sha256))


def compare_runs(a: RunInfo, b: RunInfo) -> pd.DataFrame:
    """Parameters and metrics side by side, with a 'differs' flag."""
    rows = []
    for section, left, right in (("metric", a.scores, b.scores), ("param", a.params, b.params)):
        for key in sorted(set(left) | set(right)):
            lv, rv = left.get(key), right.get(key)
            rows.append(
                {
                    "kind": section,
                    "name": key,
                    f"run {a.id}": lv,
                    f"run {b.id}": rv,
                    "differs": lv != rv,
                }
            )
    return pd.DataFrame(rows)


# -- re-run ---------------------------------------------------------------------------------


def submit_rerun(wb: Workbench, run_id: int, *, claimed: bool = False) -> int:
    run = get_run(wb, run_id)
    return submit(
        wb, RERUN_KIND, {"run_id": run_id}, project_id=run.project_id,
        title=f"Re-run run {run_id} ({run.model_key})", claimed=claimed,
    )  # fmt: skip


@job_kind(RERUN_KIND, title="Re-run a training run", heavy=True)
def rerun_job(jctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Same data version, recipe, schema, model, parameters and seed: the scores must match."""
    wb = jctx.workbench
    original = get_run(wb, int(params["run_id"]))
    ctx = training_context(wb, original.project_id, original.dataset_version_id)
    stored = dict(original.settings)
    settings = train.TrainSettings(
        **{**stored, "models": (original.model_key,), "tune_trials": None, "tune_seconds": None}
    )
    value = _value_inputs(ctx)
    jctx.progress(0.1, f"Re-running {original.model_name}…")
    if original.model_key == "rule":
        result = train.rule_baseline(
            ctx.frame,
            ctx.schema,
            original.params.get("rule") or (ctx.goal.rule if ctx.goal else ""),
            settings,
            payoff=value.get("payoff"),
            volume_per_month=value.get("volume_per_month"),
        )
    else:
        result = train.cross_validate_model(
            ctx.frame,
            ctx.schema,
            original.model_key,
            settings,
            params=dict(original.params),
            **value,
        )
    pipeline = train.fit_final(
        ctx.frame, ctx.schema, original.model_key, dict(result.params), settings
    )
    new = save_run(
        wb,
        ctx,
        result,
        settings,
        pipeline,
        kind=original.kind,
        job_id=jctx.job_id,
        rerun_of=original.id,
    )
    same = new.cv_mean == original.cv_mean and new.scores == original.scores
    verdict = "identical scores" if same else "DIFFERENT scores"
    return {
        "run_id": new.id,
        "identical": same,
        "_message": f"Re-ran run {original.id} as run {new.id}: {verdict}.",
    }
