"""Explore: the frame an analyst looks at, notes per version, and the cached full profiling report."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.jobs import JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services import data_config, datasets
from app.services.projects import touch_project
from app.services.team.guard import guarded, project_arg, project_of
from app.services.team.rights import Right
from core.data import cleaning
from core.data.schema import Schema
from core.explore import ProfileSettings, profile_report
from core.text_limits import check_text
from storage.models import DatasetNote, DatasetVersion, ProfileReport, utcnow

PROFILE_KIND = "explore.profile"


@dataclass(frozen=True)
class ExploreFrame:
    frame: pd.DataFrame
    schema: Schema
    recipe_applied: bool
    notes: tuple[str, ...] = ()
    rows_imported: int = -1  # the version's rows before the recipe (-1: same as the frame)

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def rows_left_out(self) -> int:
        """Imported rows the cleaning recipe removed (duplicates, filters, missing targets…)."""
        return max(self.rows_imported - self.rows, 0) if self.rows_imported >= 0 else 0

    def rows_sentence(self) -> str:
        """ "388 rows" or "388 rows (the cleaning recipe left out 12 of the 400 imported rows)"."""
        text = f"{self.rows:,} rows"
        if self.rows_left_out:
            text += (
                f" (the cleaning recipe left out {self.rows_left_out:,} of the "
                f"{self.rows_imported:,} imported rows)"
            )
        return text


def explore_frame(
    wb: Workbench, version: datasets.VersionInfo, *, apply_recipe: bool = True
) -> ExploreFrame:
    """The version's rows, cleaned by the project's recipe unless asked not to."""
    frame = datasets.load_frame(wb, version)
    imported = len(frame)
    recipe = data_config.recipe(wb, version.project_id)
    notes: list[str] = []
    if apply_recipe and recipe.steps:
        frame = cleaning.apply_recipe(frame, recipe).frame
        notes.append(f"Cleaning recipe applied ({len(recipe.steps)} step(s)).")
    schema = data_config.schema_for(wb, version.project_id, frame)
    applied = apply_recipe and bool(recipe.steps)
    return ExploreFrame(frame, schema, applied, tuple(notes), rows_imported=imported)


# -- notes ---------------------------------------------------------------------------


def get_note(wb: Workbench, version_id: int) -> str:
    with wb.db.read() as session:
        row = session.get(DatasetNote, version_id)
        return "" if row is None else row.text


@guarded(
    Right.EDIT,
    "explore.note",
    project=project_of(DatasetVersion, "version_id"),
    summary="Saved the note of a dataset version",
)
def save_note(wb: Workbench, version_id: int, text: str) -> None:
    check_text("dataset note", text)
    with wb.db.write() as session:
        row = session.get(DatasetNote, version_id)
        if row is None:
            session.add(DatasetNote(dataset_version_id=version_id, text=text))
        else:
            row.text, row.updated_at = text, utcnow()
        version = session.get(DatasetVersion, version_id)
        if version is not None:
            touch_project(session, version.project_id)


# -- full profiling report -------------------------------------------------------------


@dataclass(frozen=True)
class ReportInfo:
    id: int
    version_id: int
    settings: dict[str, Any]
    html_sha256: str
    summary_sha256: str
    rows_profiled: int
    seconds: float
    created_at: datetime


def settings_key(settings: ProfileSettings) -> str:
    return json.dumps(dataclasses.asdict(settings), sort_keys=True)


def find_report(wb: Workbench, version_id: int, settings: ProfileSettings) -> ReportInfo | None:
    with wb.db.read() as session:
        row = session.scalar(
            select(ProfileReport).where(
                ProfileReport.dataset_version_id == version_id,
                ProfileReport.settings_key == settings_key(settings),
            )
        )
        if row is None:
            return None
        return ReportInfo(
            row.id, row.dataset_version_id, dict(row.settings), row.html_sha256,
            row.summary_sha256, row.rows_profiled, row.seconds, row.created_at,
        )  # fmt: skip


def latest_report(wb: Workbench, version_id: int) -> ReportInfo | None:
    with wb.db.read() as session:
        row = session.scalar(
            select(ProfileReport)
            .where(ProfileReport.dataset_version_id == version_id)
            .order_by(ProfileReport.id.desc())
            .limit(1)
        )
    return None if row is None else find_report(wb, version_id, ProfileSettings(**row.settings))


@guarded(
    Right.EDIT,
    "explore.profile_started",
    project=project_arg("version"),
    summary="Started a full profile",
)
def submit_profile(
    wb: Workbench,
    version: datasets.VersionInfo,
    settings: ProfileSettings,
    *,
    claimed: bool = False,
) -> int:
    """Queue a profiling job (one per version and settings: a second click returns the first)."""
    return submit(
        wb,
        PROFILE_KIND,
        {"version_id": version.id, "settings": dataclasses.asdict(settings)},
        project_id=version.project_id,
        title=f"Profile v{version.version}",
        idempotency_key=f"profile:{version.id}:{settings_key(settings)}",
        claimed=claimed,
    )


def report_summary(wb: Workbench, report: ReportInfo) -> dict[str, Any]:
    return json.loads(wb.artifacts.read_bytes(report.summary_sha256))


def report_html(wb: Workbench, report: ReportInfo) -> bytes:
    return wb.artifacts.read_bytes(report.html_sha256)


@job_kind(PROFILE_KIND, title="Profile the data", heavy=True)
def profile_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    wb = ctx.workbench
    version = datasets.get_version(wb, int(params["version_id"]))
    settings = ProfileSettings(**params["settings"])
    cached = find_report(wb, version.id, settings)
    if cached is not None:
        return {"report_id": cached.id, "_message": "This report already exists (cached)."}
    ctx.progress(0.02, "Loading the data…")
    data = explore_frame(wb, version)
    started = datetime.now()
    result = profile_report(
        data.frame,
        settings,
        schema=data.schema,
        on_progress=lambda f, m: ctx.progress(0.05 + 0.9 * f, m),
    )
    seconds = (datetime.now() - started).total_seconds()
    ctx.progress(0.97, "Saving the report…")
    html = wb.artifacts.put_bytes(result.html.encode("utf-8"))
    summary = wb.artifacts.put_bytes(json.dumps(result.summary, default=str).encode("utf-8"))
    with wb.db.write() as session:
        artifact_service.register(session, html, "text/html")
        artifact_service.register(session, summary, "application/json")
        row = ProfileReport(
            dataset_version_id=version.id,
            settings_key=settings_key(settings),
            settings=dataclasses.asdict(settings),
            html_sha256=html.sha256,
            summary_sha256=summary.sha256,
            rows_profiled=result.rows_profiled,
            seconds=seconds,
        )
        session.add(row)
        session.flush()
        report_id = row.id
    what = (
        f"a {result.rows_profiled:,}-row sample of {data.rows_sentence()}"
        if result.sampled
        else data.rows_sentence()
    )
    return {
        "report_id": report_id,
        "_message": f"Profiled {what} in {seconds:,.0f} s.",
    }
