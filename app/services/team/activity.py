"""The activity trail: every change with who, when and what, newest first, and as CSV.

Entries are written by ``guard.guarded`` in the change's own transaction; this module only
reads them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.services.team.members import display_names, name_of
from core.report import spreadsheet_safe
from storage.models import ActivityEntry

#: The first part of an action ("goal" of "goal.saved") names its area, for the filters.
AREAS: dict[str, str] = {
    "project": "Project",
    "member": "Members",
    "goal": "Goal",
    "data": "Data",
    "recipe": "Recipe",
    "explore": "Explore",
    "training": "Training",
    "run": "Runs",
    "evaluate": "Evaluate",
    "fairness": "Fairness",
    "export": "Export",
    "registry": "Registry",
    "promotion": "Promotions",
    "monitor": "Monitor",
    "comment": "Comments",
}
MAX_ROWS = 10_000


def area_label(area: str) -> str:
    return AREAS.get(area, area)


@dataclass(frozen=True)
class ActivityInfo:
    id: int
    project_id: int | None
    at: datetime
    actor: str
    actor_name: str
    action: str
    summary: str
    details: dict[str, Any]

    @property
    def area(self) -> str:
        return area_label(self.action.split(".", 1)[0])

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "project_id": self.project_id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "actor_name": self.actor_name,
            "action": self.action,
            "area": self.area,
            "summary": self.summary,
            "details": self.details,
        }


def list_activity(
    wb: Workbench,
    project_id: int | None,
    *,
    areas: list[str] | None = None,
    actors: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = MAX_ROWS,
) -> list[ActivityInfo]:
    """Newest first; ``areas`` are keys of :data:`AREAS`, ``actors`` actor keys."""
    query = select(ActivityEntry).order_by(ActivityEntry.at.desc(), ActivityEntry.id.desc())
    if project_id is not None:
        query = query.where(ActivityEntry.project_id == project_id)
    if actors:
        query = query.where(ActivityEntry.actor.in_(actors))
    if since is not None:
        query = query.where(ActivityEntry.at >= since)
    if until is not None:
        query = query.where(ActivityEntry.at <= until)
    with wb.db.read() as session:
        rows = list(session.scalars(query.limit(min(limit, MAX_ROWS))))
    names = display_names(wb)
    entries = [
        ActivityInfo(
            r.id,
            r.project_id,
            r.at,
            r.actor,
            name_of(r.actor, names),
            r.action,
            r.summary,
            dict(r.details or {}),
        )
        for r in rows
    ]
    if areas:
        wanted = set(areas)
        entries = [e for e in entries if e.action.split(".", 1)[0] in wanted]
    return entries


def activity_frame(entries: list[ActivityInfo]) -> pd.DataFrame:
    """The table the Activity tab shows and the CSV holds (one source for both)."""
    return pd.DataFrame(
        {
            "when (UTC)": [e.at.strftime("%Y-%m-%d %H:%M:%S") for e in entries],
            "who": [e.actor_name for e in entries],
            "account": [e.actor for e in entries],
            "area": [e.area for e in entries],
            "action": [e.action for e in entries],
            "what": [e.summary for e in entries],
        }
    )


def activity_csv(entries: list[ActivityInfo]) -> bytes:
    """CSV safe to open in a spreadsheet (user text cannot run as a formula)."""
    buffer = io.StringIO()
    spreadsheet_safe(activity_frame(entries)).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")
