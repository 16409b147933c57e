"""Goal documents: validated by core.goal, saved as versions, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from app.context import Workbench
from app.errors import NotFound, UserError
from app.services.projects import touch_project
from app.services.team.guard import guarded, note, unchanged
from app.services.team.rights import Right
from app.settings import load_settings
from core.goal import (
    FieldProblem,
    Goal,
    GoalValidationError,
    RoiEstimate,
    assumed_roi,
    goal_from_dict,
    goal_missing_fields,
    goal_to_dict,
    is_goal_complete,
    ml_needed_verdict,
    suggest_metric,
)
from core.safe_yaml import TOO_BIG, YamlLimitError, YamlLimits, load_yaml
from core.text_limits import document_text_problems
from storage.models import GoalVersion

MAX_SUMMARY_CHANGES = 4


@dataclass(frozen=True)
class GoalVersionInfo:
    project_id: int
    version: int
    document: dict[str, Any]
    source: str
    summary: str
    created_at: datetime
    #: Who saved it (an actor key: an e-mail in team mode); None before accounts existed.
    author: str | None = None

    @property
    def goal(self) -> Goal:
        return goal_from_dict(self.document, draft=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "source": self.source,
            "summary": self.summary,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
        }


def _info(row: GoalVersion) -> GoalVersionInfo:
    return GoalVersionInfo(
        row.project_id, row.version, dict(row.document), row.source, row.summary, row.created_at,
        row.author,
    )  # fmt: skip


def latest_goal(wb: Workbench, project_id: int) -> GoalVersionInfo | None:
    with wb.db.read() as session:
        row = session.scalar(
            select(GoalVersion)
            .where(GoalVersion.project_id == project_id)
            .order_by(GoalVersion.version.desc())
            .limit(1)
        )
        return None if row is None else _info(row)


def goal_history(wb: Workbench, project_id: int) -> list[GoalVersionInfo]:
    """All versions, newest first."""
    with wb.db.read() as session:
        rows = session.scalars(
            select(GoalVersion)
            .where(GoalVersion.project_id == project_id)
            .order_by(GoalVersion.version.desc())
        )
        return [_info(r) for r in rows]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def change_summary(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """A short human list of what changed, e.g. ``payoff.fp: -60 → -20``."""
    if before is None:
        return "First version."
    old, new = _flatten(before), _flatten(after)
    changes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes.append(f"{key}: {_short(old.get(key))} → {_short(new.get(key))}")
    if not changes:
        return "No change."
    more = len(changes) - MAX_SUMMARY_CHANGES
    text = "; ".join(changes[:MAX_SUMMARY_CHANGES])
    return text + (f"; and {more} more" if more > 0 else "")


def _short(value: Any) -> str:
    if value is None:
        return "—"
    text = str(value) if not isinstance(value, list) else f"{len(value)} item(s)"
    return text if len(text) <= 40 else text[:37] + "…"


@guarded(Right.EDIT, "goal.saved")
def save_goal(
    wb: Workbench, project_id: int, document: dict[str, Any], *, source: str, draft: bool = True
) -> GoalVersionInfo:
    """Validate and save ``document`` as the next version; an unchanged document adds nothing.

    Raises :class:`core.goal.GoalValidationError` listing every problem by field.
    ``draft=False`` also requires the fields the goal needs to be complete.
    """
    too_long = document_text_problems(document)
    if too_long:
        raise GoalValidationError([FieldProblem(f, m) for f, m in too_long])
    goal = goal_from_dict(document, draft=draft)
    normalised = goal_to_dict(goal)
    with wb.db.write() as session:
        latest = session.scalar(
            select(GoalVersion)
            .where(GoalVersion.project_id == project_id)
            .order_by(GoalVersion.version.desc())
            .limit(1)
        )
        if latest is not None and latest.document == normalised:
            unchanged()
            return _info(latest)
        next_version = (
            session.scalar(
                select(func.max(GoalVersion.version)).where(GoalVersion.project_id == project_id)
            )
            or 0
        ) + 1
        row = GoalVersion(
            project_id=project_id,
            version=next_version,
            document=normalised,
            source=source,
            summary=change_summary(latest.document if latest else None, normalised),
            author=wb.actor.key,
        )
        note(f"Goal v{next_version} ({source}): {row.summary}", version=next_version)
        session.add(row)
        touch_project(session, project_id)
        session.flush()
        return _info(row)


@guarded(Right.EDIT, "goal.restored", summary="Restored goal v{version} as the newest version")
def restore_goal_version(wb: Workbench, project_id: int, version: int) -> GoalVersionInfo:
    """Undo: save an older version's document again as the newest version."""
    with wb.db.read() as session:
        row = session.scalar(
            select(GoalVersion).where(
                GoalVersion.project_id == project_id, GoalVersion.version == version
            )
        )
        if row is None:
            raise NotFound(f"This project has no goal version {version}.")
        document = dict(row.document)
    return save_goal(wb, project_id, document, source=f"restore of v{version}")


def read_goal_file(path: Path, *, limits: YamlLimits | None = None) -> dict[str, Any]:
    """Load a goal YAML file with errors that name the file and line."""
    path = Path(path)
    try:
        size = path.stat().st_size
        limits = limits or load_settings().yaml_limits
        if size > limits.max_bytes:  # refuse before reading a huge file into memory
            raise UserError(
                TOO_BIG.format(source=f"Goal file {path}", size=size, limit=limits.max_bytes)
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(
            f"Goal file {path} does not exist.", hint="Check the path (relative to where you run)."
        ) from None
    except IsADirectoryError:
        raise UserError(f"Goal file {path} is a folder, not a YAML file.") from None
    return parse_goal_yaml(raw, source=f"Goal file {path}", limits=limits)


def parse_goal_yaml(
    raw: bytes | str, *, source: str, limits: YamlLimits | None = None
) -> dict[str, Any]:
    """The one way a goal document is read from YAML (CLI `goal set`, the Goal page's import).

    Uses the bounded safe loader: a billion-laughs file, a huge or 5,000-deep document is a
    ``UserError`` naming the limit, never a hung server or a ``RecursionError``.
    """
    limits = limits or load_settings().yaml_limits
    try:
        data = load_yaml(raw, source=source, limits=limits)
    except YamlLimitError as error:
        raise UserError(error.message, field=error.field) from None
    except UnicodeDecodeError:
        raise UserError(f"{source} is not UTF-8 text.", hint="Save it as UTF-8.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise UserError(f"{source} is not valid YAML{where}: {problem}.") from None
    if not isinstance(data, dict):
        raise UserError(
            f"{source} must be a YAML mapping (name: …, problem: …), got {type(data).__name__}.",
            hint="See assets/demo/goal.yaml for an example.",
        )
    return data


def goal_report(wb: Workbench, project_id: int) -> dict[str, Any] | None:
    """The goal plus what follows from it (ROI, payback, suggestion, verdict) as plain data."""
    latest = latest_goal(wb, project_id)
    if latest is None:
        return None
    goal = latest.goal
    roi = assumed_roi(goal)
    money = goal.error_cost if goal.task == "regression" else goal.payoff
    suggestion = suggest_metric(goal.task, money)
    verdict = ml_needed_verdict(goal.ml_check) if goal.ml_check else None
    return {
        "version": latest.version,
        "saved_at": latest.created_at.isoformat(),
        "complete": is_goal_complete(goal),
        "missing": list(goal_missing_fields(goal)),
        "goal": latest.document,
        "figures": None if roi is None else _roi_json(roi, source="roi_assumptions"),
        "metric_suggestion": {
            "metric": suggestion.metric,
            "explanation": suggestion.explanation,
            "secondary": suggestion.secondary,
        },
        "ml_verdict": None
        if verdict is None
        else {"verdict": verdict.verdict, "reasons": list(verdict.reasons)},
    }


def _roi_json(roi: RoiEstimate, *, source: str) -> dict[str, Any]:
    return {
        "source": source,
        "basis": roi.basis,
        "currency": roi.currency,
        "expected_value_per_month": roi.model_value_per_month,
        "baseline_value_per_month": roi.baseline_value_per_month,
        "gain_per_month": roi.gain_per_month,
        "run_cost_per_month": roi.run_cost_per_month,
        "net_gain_per_month": roi.net_gain_per_month,
        "build_cost": roi.build_cost,
        "horizon_months": roi.horizon_months,
        "roi": roi.roi,
        "payback_months": roi.payback_months,
        "break_even_precision": roi.break_even_precision,
        "break_even_mae": roi.break_even_mae,
    }
