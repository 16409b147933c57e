"""The training and re-run jobs: baselines first, then the zoo, lighter models first.

Every finished model is saved as a run at once, so Cancel keeps what is done.
"""

from __future__ import annotations

import io
from typing import Any

import joblib

from app.context import Workbench
from app.errors import UserError
from app.jobs import JobCancelled, JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services.jsonable import finite, plain
from app.services.projects import touch_project
from app.services.team.guard import guarded, note, project_of
from app.services.team.rights import Right
from app.services.training.context import (
    TrainingContext,
    TrainPlan,
    requirement_flags,
    run_snapshot,
    train_settings,
    training_context,
    value_inputs,
)
from app.services.training.runs import (
    COMPARISON_TAG,
    SENSITIVE_TAG,
    RunInfo,
    get_run,
    leaderboard,
    run_info,
)
from core import metrics, train
from core.metrics import better_first
from core.train import zoo
from storage.models import Run

TRAIN_KIND = "train.models"


RERUN_KIND = "train.rerun"


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
            settings=plain(settings_override or settings.stored()),
            snapshot=run_snapshot(ctx),
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
        return run_info(row)


# -- the training job ------------------------------------------------------------------


@guarded(Right.EDIT, "training.started", summary="Started training")
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
    train.validate_settings(ctx.frame, ctx.schema, settings, **value_inputs(ctx))
    note(
        f"Started training {', '.join(settings.models)} ({settings.folds} folds) "
        f"on data version {ctx.version.version}"
    )
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
    fields: dict[str, Any] = {k: tuple(v) if k == "models" else v for k, v in params.items()}
    plan = TrainPlan(**fields)
    ctx = training_context(wb, jctx.project_id, plan.version_id)
    settings = train_settings(ctx, plan)
    order = _baselines(ctx, settings.models)
    done: list[RunInfo] = []
    with_ensemble = plan.ensemble if plan.ensemble is not None else plan.preset == "thorough"
    variants: list[tuple[train.TrainSettings, dict[str, Any]]] = [(settings, {})]
    if plan.compare_sensitive:  # the same models with and without the sensitive inputs
        variants = [
            (settings.model_copy(update={"include_sensitive": used}), _comparison_tags(used, jctx))
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
    models = [models[i] for i in better_first(models[0].metric, [r.cv_mean for r in models])]
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

    value = value_inputs(ctx)
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
        extra: dict[str, Any] = {"on_trial": on_trial} if tune else {"on_fold": on_fold}
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


# -- re-run ---------------------------------------------------------------------------------


@guarded(
    Right.EDIT,
    "training.rerun_started",
    project=project_of(Run, "run_id"),
    summary="Started a re-run of run {run_id}",
)
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
    settings = train.TrainSettings.from_stored(
        original.settings, models=(original.model_key,), tune_trials=None, tune_seconds=None
    )
    value = value_inputs(ctx)
    jctx.progress(0.1, f"Re-running {original.model_name}…")
    if original.model_key == "rule":
        result = train.rule_baseline(
            ctx.frame,
            ctx.schema,
            original.params.get("rule") or (ctx.goal.rule if ctx.goal else None) or "",
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
