"""No write without a check: the database refuses a write session nobody authorised.

A guarded service (``app.services.team.guard.guarded``) checks the actor's right and then
holds a *permit* while it runs; the workbench's own bookkeeping (the job queue, garbage
collection, purging the trash) takes a system permit saying why. ``storage.db.Database``
calls :func:`require_permit` before every write session, so a write path that skipped the
check fails loudly in tests instead of silently letting a viewer change a project.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from storage.db import wrote_something
from storage.models import ActivityEntry

_permit: ContextVar[str | None] = ContextVar("workbench_write_permit", default=None)


class UnguardedWrite(RuntimeError):
    """A write session was opened outside any guarded service or system permit (a bug)."""


@contextmanager
def permit(label: str) -> Iterator[None]:
    """Allow writes for the duration (``label`` names the service or the system task)."""
    token = _permit.set(label)
    try:
        yield
    finally:
        _permit.reset(token)


def system_write(reason: str) -> AbstractContextManager[None]:
    """The workbench's own bookkeeping, not a person's change (``reason`` says which)."""
    return permit(f"system: {reason}")


def current_permit() -> str | None:
    return _permit.get()


def require_permit() -> None:
    """Called before every write session: raise unless a guarded service or system task runs."""
    if _permit.get() is None:
        raise UnguardedWrite(
            "A write was attempted outside a guarded service: wrap the service in "
            "app.services.team.guard.guarded(...) (or app.permits.system_write for bookkeeping)."
        )


# -- the trail entry a guarded service carries -------------------------------------------------


@dataclass
class TrailEntry:
    """What the running guarded service will record: written with its first committed write."""

    project_id: int | None
    actor: str
    action: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    written: bool = False


_entry: ContextVar[TrailEntry | None] = ContextVar("workbench_trail_entry", default=None)


@contextmanager
def carrying(entry: TrailEntry) -> Iterator[TrailEntry]:
    token = _entry.set(entry)
    try:
        yield entry
    finally:
        _entry.reset(token)


def current_entry() -> TrailEntry | None:
    return _entry.get()


def add_entry_to(session: Session) -> None:
    """``Database.before_commit``: the change and its trail entry commit together."""
    entry = _entry.get()
    if entry is None or entry.written or not wrote_something(session):
        return  # a session that changed nothing (a page rerun saving the same) records nothing
    session.add(
        ActivityEntry(
            project_id=entry.project_id,
            actor=entry.actor,
            action=entry.action,
            summary=entry.summary,
            details=entry.details,
        )
    )
    entry.written = True
