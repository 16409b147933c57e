"""Export: a run as a verified, deterministic bundle, its model card, and the model registry.

Exporting the same run twice gives the same zip (the date inside is the run's, not today's),
so the registry keeps one version per distinct bundle and its hash means something.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from app.context import Workbench
from app.errors import NotFound, UserError
from app.jobs import JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services import datasets, evaluation, fairness, goals, scoring, training
from app.services.projects import get_project, touch_project
from app.services.team.guard import guarded, project_arg, project_of
from app.services.team.rights import Right
from app.services.training import RunInfo
from core import export
from core.data.schema import probability_column
from core.exceptions import CoreError
from core.goal import format_money
from core.report import code_span, escape_markdown
from storage.models import ModelVersion, Run

EXPORT_KIND = "export.bundle"
Stage = Literal["candidate", "staging", "production", "archived"]
STAGES: dict[str, str] = {
    "candidate": "Candidate — exported, not yet reviewed",
    "staging": "Staging — under test next to production (shadow or a small share of traffic)",
    "production": "Production — the version that answers real requests",
    "archived": "Archived — kept for audit, not served",
}


@dataclass(frozen=True)
class RegistryEntry:
    id: int
    project_id: int
    run_id: int
    version: int
    stage: str
    model_version: str
    bundle_sha256: str
    size_bytes: int
    files: tuple[str, ...]
    history: tuple[dict[str, Any], ...]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "stage": self.stage, "run_id": self.run_id,
            "model_version": self.model_version, "bundle_sha256": self.bundle_sha256,
            "size_bytes": self.size_bytes, "files": list(self.files), "history": list(self.history),
            "created_at": self.created_at.isoformat(),
        }  # fmt: skip


def _entry(row: ModelVersion) -> RegistryEntry:
    return RegistryEntry(
        row.id, row.project_id, row.run_id, row.version, row.stage, row.model_version,
        row.bundle_sha256, row.size_bytes, tuple(row.files), tuple(row.history), row.created_at,
    )  # fmt: skip


def model_version_name(project_name: str, run: RunInfo) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", project_name.lower()).strip("-")[:60] or "model"
    return f"{slug}-run{run.id}"


# -- the model card ---------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        return escape_markdown(value)  # group names and metric labels: text, not Markdown

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


def _number(value: Any, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.{digits}g}"


def model_card(wb: Workbench, run: RunInfo) -> str:
    """Markdown filled from the goal, the data, the run, its evaluation and fairness analysis."""
    project = get_project(wb, run.project_id)
    latest = goals.latest_goal(wb, run.project_id)
    goal = latest.goal if latest else None
    worth = evaluation.money(wb, run.project_id)
    rows = evaluation.evaluation_rows(wb, run)
    result = evaluation.evaluate_rows(rows, worth, bootstrap=200)
    e = escape_markdown
    lines = [f"# Model card — {e(project.name)}, run {run.id} ({run.model_name})", ""]
    lines += _goal_section(goal, worth)
    lines += _data_section(run)
    lines += _model_section(run)
    lines += _metrics_section(run, result, rows, worth)
    lines += _fairness_section(wb, run)
    lines += _cohort_section(rows)
    versions = run.snapshot.get("library_versions", {})
    lines += ["## Software", ""] + [f"- {k} {v}" for k, v in sorted(versions.items())] + [""]
    lines += [
        f"Model version {code_span(model_version_name(project.name, run))}, trained {run.created_at:%Y-%m-%d}.",
        "",
    ]
    return "\n".join(lines)


def _goal_section(goal: Any, worth: evaluation.Money) -> list[str]:
    if goal is None:
        return ["## Goal", "", "No goal was written for this project.", ""]
    e = escape_markdown
    lines = ["## Goal and intended use", "", e(goal.problem or ""), ""]
    if goal.decision:
        lines.append(
            f"- **Decision it supports:** {e(goal.decision)}"
            + (f" (by {e(goal.actor)})" if goal.actor else "")
        )
    if goal.kpi is not None:
        k = goal.kpi
        lines.append(
            f"- **KPI:** {e(k.name)}: {k.baseline:g} → {k.target:g} {e(k.unit)} ({k.direction})"
        )
    if goal.payoff is not None:
        p = goal.payoff
        lines.append(
            f"- **Payoff per prediction ({worth.currency or 'money'}):** true positive {p.tp:g}, "
            f"false positive {p.fp:g}, false negative {p.fn:g}, true negative {p.tn:g}"
        )
    if goal.volume_per_month:
        lines.append(f"- **Volume:** {goal.volume_per_month:,.0f} predictions per month")
    lines += [
        "- **Limits:** use only on rows like the training data (same columns, ranges and "
        "categories, see schema.json); decisions stay with people for the error cohorts below.",
        "",
    ]
    return lines


def _data_section(run: RunInfo) -> list[str]:
    snap = run.snapshot
    features = run.input_columns
    return [
        "## Training data", "",
        f"- Dataset version {snap.get('dataset_version')} (sha256 `{str(snap.get('dataset_hash', ''))[:16]}…`), "
        f"{snap.get('training_rows', 0):,} training rows; {snap.get('split', '')}",
        f"- Recipe: {len(snap.get('recipe', []))} cleaning step(s)",
        f"- {len(features)} input columns: " + ", ".join(code_span(c) for c in features), "",
    ]  # fmt: skip


def _model_section(run: RunInfo) -> list[str]:
    params = ", ".join(f"{k}={v}" for k, v in sorted(run.params.items())) or "defaults"
    lines = [
        "## Model",
        "",
        f"- {run.model_name} (`{run.model_key}`), seed {run.settings.get('seed', 0)}",
        f"- Parameters: {params}",
    ]
    if run.settings.get("mitigation"):
        m = run.settings["mitigation"]
        lines.append(
            f"- Fairness mitigation: {m.get('method')} for {m.get('constraint')} on {', '.join(map(escape_markdown, m.get('sensitive', [])))} (of run {m.get('of_run')})"
        )
    return [*lines, ""]


def _metrics_section(run: RunInfo, result: Any, rows: Any, worth: evaluation.Money) -> list[str]:
    lines = ["## Performance", ""]
    if run.cv_mean is not None:
        lines.append(
            f"- Cross-validation ({run.metric}): {_number(run.cv_mean)} ± {_number(run.cv_std)} (std over folds)"
        )
    lines += ["", f"On {rows.source} (95 % bootstrap intervals):", ""]
    lines += _table(
        ["metric", "value", "95 % interval"],
        [
            [m.label, _number(m.value), f"{_number(m.low)} – {_number(m.high)}"]
            for m in result.metrics
        ],
    )
    decision = []
    if rows.positive is not None:
        why = evaluation.run_schema(run).positive_class_reason
        decision.append(
            f"- **Positive class:** {code_span(rows.positive)}"
            + (f" ({escape_markdown(why)})" if why else "")
            + f"; the output column {code_span(probability_column(rows.positive))} is its probability"
        )  # fmt: skip
    if rows.threshold is not None:
        decision.append(
            f"- **Decision threshold:** {rows.threshold:.3f} (flag when the score is at least this)"
        )
    if decision:
        lines += ["", *decision]
    if result.value_per_month is not None:
        lines.append(
            f"- **Expected value:** {format_money(result.value_per_month, worth.currency)} per month on the test rows"
        )
    return [*lines, ""]


def _fairness_section(wb: Workbench, run: RunInfo) -> list[str]:
    stored = fairness.latest_analysis(wb, run.id)
    if stored is None:
        return [
            "## Fairness",
            "",
            "Not analysed: compare groups on the Fairness page before shipping.",
            "",
        ]
    report = stored.report
    lines = ["## Fairness", "", f"By {escape_markdown(report['attribute'])}:", ""]
    rows = [
        [
            g,
            n["count"],
            _number(n.get("selection_rate")),
            _number(n.get("tpr")),
            _number(n.get("fpr")),
            "yes" if n["small"] else "",
        ]
        for g, n in report["by_group"].items()
    ]
    lines += _table(["group", "rows", "selection rate", "TPR", "FPR", "small"], rows)
    lines.append("")
    lines += [f"- {escape_markdown(d['sentence'])}" for d in report.get("disparities", [])]
    lines += [f"- Warning: {escape_markdown(w)}" for w in report.get("warnings", [])]
    return [*lines, ""]


def _cohort_section(rows: Any) -> list[str]:
    try:
        cohorts = evaluation.discovered_cohorts(rows, top=3)
    except CoreError:
        cohorts = []
    if not cohorts:
        return []
    return [
        "## Known error cohorts",
        "",
        *[f"- {escape_markdown(c.describe())}" for c in cohorts],
        "",
    ]


# -- building a bundle (a job) -------------------------------------------------------------------


GOLDEN_REAL_ROWS_WARNING = (
    "golden.csv will hold about 20 real training rows: they leave with every copy of the "
    "bundle; do not send it where that data may not go."
)


@guarded(
    Right.EDIT,
    "export.started",
    project=project_of(Run, "run_id"),
    summary="Started exporting run {run_id}",
)
def submit_export(
    wb: Workbench, run_id: int, *, claimed: bool = False, golden_real_rows: bool = False
) -> int:
    """Queue an export. ``golden_real_rows``: ship real training rows as golden.csv
    (default: synthetic rows drawn from the schema; see GOLDEN_REAL_ROWS_WARNING)."""
    run = training.get_run(wb, run_id)
    if run.pipeline_sha256 is None:
        raise UserError(f"Run {run_id} has no saved model to export.")
    params: dict[str, Any] = {"run_id": run_id}
    if golden_real_rows:
        params["golden_real_rows"] = True
    return submit(
        wb, EXPORT_KIND, params, project_id=run.project_id,
        title=f"Export run {run_id} ({run.model_name})", claimed=claimed,
    )  # fmt: skip


@job_kind(EXPORT_KIND, title="Export a bundle")
def export_job(jctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    wb = jctx.workbench
    run = training.get_run(wb, int(params["run_id"]))
    jctx.progress(0.05, "Writing the model card…")
    card = model_card(wb, run)
    jctx.progress(0.35, "Reading the training rows for the input contract…")
    ctx = training.training_context(wb, run.project_id, run.dataset_version_id)
    frame = ctx.frame[run.input_columns]
    project = get_project(wb, run.project_id)
    jctx.progress(0.55, "Building and checking the bundle…")
    try:
        bundle = export.build_bundle(
            wb.artifacts.read_bytes(run.pipeline_sha256 or ""),
            schema=ctx.schema, training_frame=frame, model_card=card,
            model_version=model_version_name(project.name, run),
            created=run.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            threshold=run.threshold, golden_real_rows=bool(params.get("golden_real_rows")),
        )  # fmt: skip
    except CoreError as error:
        raise UserError(f"Cannot export run {run.id}: {error}") from error
    problems = export.verify_bundle(bundle.zip_bytes)
    if problems:
        raise UserError(f"The bundle failed its own check: {problems[0]}")
    jctx.progress(0.8, "Checking the bundle scores raw rows like the workbench…")
    check_agreement(wb, run, bundle.zip_bytes)
    jctx.progress(0.9, "Registering the version…")
    entry = _register(wb, run, bundle)
    return {
        "registry_version": entry.version,
        "bundle_sha256": entry.bundle_sha256,
        "_message": f"Bundle v{entry.version} ({entry.size_bytes / 1e6:.1f} MB, sha256 {entry.bundle_sha256[:12]}…) is ready.",
    }


AGREEMENT_ROWS = 200
AGREEMENT_TOLERANCE = 1e-9


def check_agreement(wb: Workbench, run: RunInfo, zip_bytes: bytes) -> int:
    """Score raw rows of the run's data with the unpacked bundle's own code and with
    `workbench predict`; refuse the bundle if any answer differs. Returns the rows checked.

    The raw rows go through the run's cleaning recipe in the workbench but not in the bundle,
    so this is what catches a recipe step the bundle cannot repeat.
    """
    import importlib.util
    import io
    import sys
    import tempfile
    import zipfile

    raw = datasets.load_frame(wb, datasets.get_version(wb, run.dataset_version_id))
    raw = raw.iloc[:: max(1, len(raw) // AGREEMENT_ROWS)].head(AGREEMENT_ROWS)
    ours = scoring.score_frame(wb, run, raw).frame
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        zipfile.ZipFile(io.BytesIO(zip_bytes)).extractall(root)
        name = f"_bundle_runtime_check_{run.id}"
        spec = importlib.util.spec_from_file_location(name, root / "bundle_runtime.py")
        assert spec is not None and spec.loader is not None
        runtime = importlib.util.module_from_spec(spec)
        sys.modules[name] = runtime
        try:
            spec.loader.exec_module(runtime)
            loaded = runtime.load_bundle(root)
            frame, _problems = runtime.table_to_frame(raw, loaded.contract, strict=False)
            theirs = runtime.score_frame(loaded.pipeline, loaded.contract, frame)
        except Exception as error:  # the bundle itself cannot read its own training rows
            raise UserError(
                f"The bundle cannot score the training data's own rows: {error}",
                hint="Recipe steps that rename or rebuild columns are not repeated inside the bundle.",
            ) from error
        finally:
            sys.modules.pop(name, None)
    _compare_answers(ours, theirs)
    return len(raw)


def _compare_answers(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    labels = (
        ours["prediction"].astype(str).to_numpy() != theirs["prediction"].astype(str).to_numpy()
    )
    named = [c for c in theirs.columns if c.startswith("probability")]
    unmatched = [c for c in named if c not in ours.columns]
    if unmatched:  # e.g. probability_1 against probability_1.0: nothing would be compared
        raise UserError(
            f"The bundle writes {', '.join(unmatched)}, which `workbench predict` does not."
        )
    gaps = [
        float(np.nanmax(np.abs(ours[c].to_numpy(dtype=float) - theirs[c].to_numpy(dtype=float))))
        for c in named
    ]
    if ours["prediction"].dtype.kind == "f":  # regression: compare the numbers
        gap = float(
            np.nanmax(
                np.abs(ours["prediction"].to_numpy(float) - theirs["prediction"].to_numpy(float))
            )
        )
        labels, gaps = np.zeros(0, dtype=bool), [*gaps, gap]
    worst = max(gaps, default=0.0)
    if labels.any() or worst > AGREEMENT_TOLERANCE:
        raise UserError(
            f"The bundle would answer differently from `workbench predict` on "
            f"{int(labels.sum())} of {len(ours)} training rows (largest probability gap {worst:.2g}).",
            hint="A cleaning-recipe step (fill, cap, rename) is applied by the workbench but not by "
            "the bundle; move it into the data before import, then retrain and export.",
        )


def _register(wb: Workbench, run: RunInfo, bundle: export.Bundle) -> RegistryEntry:
    stored = wb.artifacts.put_bytes(bundle.zip_bytes)
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/zip")
        existing = session.scalar(
            select(ModelVersion).where(
                ModelVersion.project_id == run.project_id,
                ModelVersion.bundle_sha256 == stored.sha256,
            )
        )
        if existing is not None:  # the same run exported again: the same bytes, one version
            return _entry(existing)
        number = (
            session.scalar(
                select(func.max(ModelVersion.version)).where(
                    ModelVersion.project_id == run.project_id
                )
            )
            or 0
        ) + 1
        row = ModelVersion(
            project_id=run.project_id, run_id=run.id, version=number, stage="candidate",
            model_version=bundle.manifest.get("model_version", ""), bundle_sha256=stored.sha256,
            size_bytes=bundle.size_bytes, files=list(bundle.files),
            history=[history_event("candidate", wb.actor.label, f"exported from run {run.id}")],
        )  # fmt: skip
        session.add(row)
        touch_project(session, run.project_id)
        session.flush()
        return _entry(row)


def history_event(stage: str, who: str, why: str) -> dict[str, Any]:
    """One line of a version's registry history."""
    return {
        "stage": stage,
        "who": who,
        "why": why,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# -- the registry -----------------------------------------------------------------------------


def registry(wb: Workbench, project_id: int) -> list[RegistryEntry]:
    with wb.db.read() as session:
        rows = session.scalars(
            select(ModelVersion)
            .where(ModelVersion.project_id == project_id)
            .order_by(ModelVersion.version.desc())
        )
        return [_entry(r) for r in rows]


def get_version(wb: Workbench, project_id: int, version: int) -> RegistryEntry:
    for entry in registry(wb, project_id):
        if entry.version == version:
            return entry
    raise NotFound(
        f"There is no registry version {version} in this project.",
        hint="List them with `workbench registry PROJECT`.",
    )


def bundle_bytes(wb: Workbench, entry: RegistryEntry) -> bytes:
    return wb.artifacts.read_bytes(entry.bundle_sha256)


@guarded(
    Right.EDIT,
    "registry.stage",
    project=project_arg(),
    summary="Registry v{version} → {stage}: {why}",
)
def set_stage(
    wb: Workbench,
    project_id: int,
    version: int,
    stage: str,
    *,
    why: str,
    who: str | None = None,
) -> list[RegistryEntry]:
    """Move a version to ``stage``; a new production version archives the previous one.

    When promotions need approval (team mode's default) production is reached only through
    ``app.services.team.promotions``: request, then someone else approves. ``who`` is kept
    for the local user's own wording; otherwise the history names the acting person.
    """
    if stage == "production" and wb.settings.require_approval:
        raise UserError(
            "Promotion to production needs a second person's approval in this workspace.",
            hint="Request it (Export page → Registry, or `workbench registry request`); "
            "someone with the approver right approves it.",
        )
    return move_stage(wb, project_id, version, stage, why=why, who=who)


def move_stage(
    wb: Workbench,
    project_id: int,
    version: int,
    stage: str,
    *,
    why: str,
    who: str | None = None,
) -> list[RegistryEntry]:
    """The move itself, for a guarded caller (``set_stage``, an approved promotion)."""
    if stage not in STAGES:
        raise UserError(f"Unknown stage {stage!r}; choose one of {', '.join(STAGES)}.")
    who = _who(wb, who)
    if not why.strip():
        raise UserError("Say why: the registry keeps who made the change and why.")
    target = get_version(wb, project_id, version)
    with wb.db.write() as session:
        if stage == "production":
            for row in session.scalars(
                select(ModelVersion).where(
                    ModelVersion.project_id == project_id,
                    ModelVersion.stage == "production",
                    ModelVersion.id != target.id,
                )
            ):
                row.stage = "archived"
                row.history = [
                    *row.history,
                    history_event("archived", who, f"replaced by v{version} in production"),
                ]
        promoted = session.get(ModelVersion, target.id)
        assert promoted is not None
        promoted.stage = stage
        promoted.history = [*promoted.history, history_event(stage, who, why)]
        touch_project(session, project_id)
    return registry(wb, project_id)


def _who(wb: Workbench, who: str | None) -> str:
    """The person the history names: the signed-in user, or the local user's own words."""
    if wb.actor.kind in ("local", "cli") and who and who.strip():
        return who.strip() if wb.actor.kind == "local" else f"{who.strip()} (via {wb.actor.key})"
    return wb.actor.label
