"""Each built stage's status for a project: database queries only, so it is cheap.

The stepper and every `project list/show` call these; importing the ML services here would
cost a second of start-up for a list of names (pandas, scikit-learn, XGBoost).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.context import Workbench
from app.jobs.queue import INCOMPLETE_STATUSES
from app.services.stages import StageState, status_provider
from core.goal import GoalValidationError, goal_from_dict, goal_missing_fields
from core.metrics import better_first, find_metric
from storage.models import (
    DataConfig,
    DatasetNote,
    DatasetSplit,
    DatasetVersion,
    FairnessAnalysis,
    GoalVersion,
    Job,
    ModelVersion,
    MonitorAlert,
    MonitoringBatch,
    ProfileReport,
    Run,
    RunExplanation,
)


def goal_missing(document: dict[str, Any]) -> list[str]:
    """Fields a stored goal still needs to be complete: ``core.goal.goal_missing_fields``, the
    one rule; a document that no longer reads names its problem fields instead."""
    try:
        return list(goal_missing_fields(goal_from_dict(document, draft=True)))
    except GoalValidationError as error:
        return [problem.field or "goal" for problem in error.problems]


@status_provider("goal")
def goal_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    with wb.db.read() as session:
        row = session.scalar(
            select(GoalVersion)
            .where(GoalVersion.project_id == project_id)
            .order_by(GoalVersion.version.desc())
            .limit(1)
        )
        if row is None:
            return "not_started", "No goal yet: describe the problem, KPI and payoff."
        missing = goal_missing(dict(row.document))
        version = row.version
    if missing:
        return "attention", "Still missing: " + ", ".join(missing) + "."
    return "done", f"Goal v{version}: problem, KPI, metric and payoff are set."


def _latest_version(session: Any, project_id: int) -> DatasetVersion | None:
    return session.scalar(
        select(DatasetVersion)
        .where(DatasetVersion.project_id == project_id)
        .order_by(DatasetVersion.version.desc())
        .limit(1)
    )


@status_provider("data")
def data_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    with wb.db.read() as session:
        latest = _latest_version(session, project_id)
        if latest is None:
            return "not_started", "No data yet: upload a file or connect a SQL source."
        config = session.get(DataConfig, project_id)
        target = (config.settings or {}).get("target") if config else None
        failed = [e for e in (latest.details or {}).get("expectations", []) if not e.get("passed")]
        has_split = session.get(DatasetSplit, latest.id) is not None
        number = latest.version
    if not target:
        return "attention", f"v{number} imported; choose the target column."
    if failed:
        return "attention", f"v{number}: {len(failed)} expectation(s) fail."
    if not has_split:
        return "attention", f"v{number}: define the evaluation split."
    return "done", f"v{number}: target '{target}', split frozen."


@status_provider("explore")
def explore_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    with wb.db.read() as session:
        latest = _latest_version(session, project_id)
        if latest is None:
            return "not_started", "Import data first."
        note = session.get(DatasetNote, latest.id)
        has_note = bool(note and note.text.strip())
        has_report = bool(
            session.scalar(
                select(func.count()).where(ProfileReport.dataset_version_id == latest.id)
            )
        )
        number = latest.version
    if has_note or has_report:
        parts = [p for p, ok in (("notes written", has_note), ("full report", has_report)) if ok]
        return "done", f"v{number}: " + " and ".join(parts) + "."
    return "not_started", f"v{number}: look at the charts and write down what you find."


@status_provider("train")
def train_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    with wb.db.read() as session:
        latest = _latest_version(session, project_id)
        found = (
            session.execute(
                select(Run, Job.status)
                .outerjoin(Job, Job.id == Run.job_id)
                .where(Run.dataset_version_id == latest.id, Run.cv_mean.is_not(None))
            ).all()
            if latest is not None
            else []
        )
        # runs of a job that did not finish are never champion candidates (as training.champion)
        runs = [run for run, status in found if status not in INCOMPLETE_STATUSES]
        incomplete = len(found) - len(runs)
        champion = session.scalar(
            select(func.count()).where(Run.project_id == project_id, Run.is_champion.is_(True))
        )
        if not runs and incomplete:
            return "attention", (
                f"{incomplete} run(s) from a training job that did not finish; "
                "train again or mark a champion on the leaderboard."
            )
        if not runs:
            return "not_started", "No models trained on the newest data yet."
        metric = runs[0].metric
        same = [r for r in runs if r.metric == metric]
        order = (
            better_first(metric, [r.cv_mean for r in same])
            if find_metric(metric)
            else range(len(same))
        )
        ranked = [same[i] for i in order]
        best_kind, count = ranked[0].kind, len(ranked)
    if best_kind == "baseline":
        return "attention", "No model beats the baselines yet."
    if not champion:
        return "attention", f"{count} run(s); mark a champion on the leaderboard."
    return "done", f"{count} run(s); champion chosen."


def _champion(session: Any, project_id: int) -> Run | None:
    """The run marked champion on the Train page (later stages follow it)."""
    return session.scalar(
        select(Run).where(Run.project_id == project_id, Run.is_champion.is_(True)).limit(1)
    )


@status_provider("evaluate")
def evaluate_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    """Done once the champion has a chosen threshold (classifiers) and an explanation."""
    with wb.db.read() as session:
        champion = _champion(session, project_id)
        if champion is None:
            return "not_started", "Mark a champion on the Train page, then evaluate it here."
        explained = session.scalar(select(func.count()).where(RunExplanation.run_id == champion.id))
        binary = (champion.snapshot or {}).get("schema", {}).get("task") == "binary"
        threshold, run_id = champion.chosen_threshold, champion.id
    missing = []
    if binary and threshold is None:
        missing.append("choose its decision threshold")
    if not explained:
        missing.append("explain it (SHAP)")
    if missing:
        return "attention", f"Champion run {run_id}: " + " and ".join(missing) + "."
    shown = f", threshold {threshold:.2f}" if threshold is not None else ""
    return "done", f"Champion run {run_id} evaluated{shown} and explained."


@status_provider("fairness")
def fairness_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    """Done once the champion's groups were compared and no limit from the Goal page fails."""
    with wb.db.read() as session:
        champion = _champion(session, project_id)
        if champion is None:
            return "not_started", "Mark a champion on the Train page, then compare groups here."
        latest = session.scalar(
            select(FairnessAnalysis)
            .where(FairnessAnalysis.run_id == champion.id)
            .order_by(FairnessAnalysis.id.desc())
            .limit(1)
        )
        if latest is None:
            return "not_started", f"Champion run {champion.id}: groups not compared yet."
        report, run_id = dict(latest.report), champion.id
    failing = [d["name"] for d in report.get("disparities", []) if d.get("passes") is False]
    if failing:
        return (
            "attention",
            f"Run {run_id}: {failing[0].replace('_', ' ')} is over the Goal's limit.",
        )
    return "done", f"Run {run_id} compared by {report.get('attribute')}; within the limits set."


@status_provider("export")
def export_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    """Done once the champion is exported; production is named when one is promoted."""
    with wb.db.read() as session:
        versions = list(
            session.scalars(select(ModelVersion).where(ModelVersion.project_id == project_id))
        )
        marked = _champion(session, project_id)
        champion = marked.id if marked is not None else None
    if not versions:
        return "not_started", "No bundle exported yet."
    production = [v.version for v in versions if v.stage == "production"]
    if champion is not None and not any(v.run_id == champion for v in versions):
        return "attention", f"The champion (run {champion}) is not exported yet."
    if production:
        return "done", f"{len(versions)} version(s); v{production[0]} in production."
    return "done", f"{len(versions)} exported version(s); none promoted to production yet."


@status_provider("monitor")
def monitor_status(wb: Workbench, project_id: int) -> tuple[StageState, str]:
    """Alerts from the latest import put the stage in "needs attention"."""
    with wb.db.read() as session:
        latest = session.scalar(
            select(MonitoringBatch)
            .where(MonitoringBatch.project_id == project_id)
            .order_by(MonitoringBatch.id.desc())
            .limit(1)
        )
        if latest is None:
            return "not_started", "No production data imported yet."
        kinds = list(
            session.scalars(select(MonitorAlert.kind).where(MonitorAlert.batch_id == latest.id))
        )
        batch_id = latest.id
    unchecked = kinds.count("unchecked")  # a rule that could not be checked is not an alert
    alerts = len(kinds) - unchecked
    also = f"; {unchecked} rule(s) could not be checked" if unchecked else ""
    if alerts:
        return "attention", f"{alerts} alert(s) on batch {batch_id}{also}: see the Alerts tab."
    return "done", f"Batch {batch_id} imported; no alerts{also}."
