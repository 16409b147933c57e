"""Tracked runs: the run record, the leaderboard, the champion, notes and scores.

A run is one trained model with everything needed to reproduce it; the leaderboard ranks
runs of one project by the goal's metric, and the champion is the run monitoring and export
use by default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select, update

from app.context import Workbench
from app.errors import NotFound, UserError
from app.jobs import INCOMPLETE_STATUSES
from app.services import data_config, datasets
from app.services.jsonable import finite
from app.services.projects import touch_project
from app.services.team.guard import guarded, project_of
from app.services.team.rights import Right
from core import persist, train
from core.data.schema import schema_from_dict
from core.metrics import better_first
from core.train import features, zoo
from storage.models import Job, Run


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


def run_info(row: Run, job_status: str | None = None) -> RunInfo:
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


#: Run.tags key of runs trained by a with/without-sensitive comparison: "included"/"excluded".
SENSITIVE_TAG = "sensitive_inputs"


COMPARISON_TAG = "sensitive_comparison"  # the job that trained the pair


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
        return [run_info(run, status) for run, status in session.execute(query)]


def get_run(wb: Workbench, run_id: int) -> RunInfo:
    with wb.db.read() as session:
        row = session.get(Run, run_id)
        if row is None:
            raise NotFound(
                f"There is no run {run_id}.", hint="List runs with `workbench runs PROJECT`."
            )
        return run_info(row, _job_status(session, row))


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
    return [same[i] for i in better_first(metric, [r.cv_mean for r in same])]


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


@guarded(
    Right.EDIT,
    "run.champion",
    project=project_of(Run, "run_id"),
    summary="Made run {run_id} the champion",
)
def set_champion(wb: Workbench, run_id: int) -> RunInfo:
    run = get_run(wb, run_id)
    with wb.db.write() as session:
        session.execute(
            update(Run).where(Run.project_id == run.project_id).values(is_champion=False)
        )
        session.execute(update(Run).where(Run.id == run_id).values(is_champion=True))
        touch_project(session, run.project_id)
    return get_run(wb, run_id)


@guarded(
    Right.EDIT,
    "run.scores",
    project=project_of(Run, "run_id"),
    summary="Updated the scores of run {run_id}",
)
def update_scores(wb: Workbench, run_id: int, scores: dict[str, float]) -> RunInfo:
    """Add scores measured after training (e.g. on the test rows) to a run."""
    with wb.db.write() as session:
        row = session.get(Run, run_id)
        if row is None:
            raise NotFound(f"There is no run {run_id}.")
        row.scores = {**row.scores, **{k: finite(v) for k, v in scores.items()}}
    return get_run(wb, run_id)


@guarded(
    Right.EDIT,
    "run.notes",
    project=project_of(Run, "run_id"),
    summary="Changed the notes of run {run_id}",
)
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
