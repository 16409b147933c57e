"""``guarded``: the decorator every write service wears.

It finds the project the call changes, checks the acting person's right there (raising
``PermissionDenied``), holds the write permit the database asks for, and carries the
call's trail entry, which commits with the service's first write that changes a row (a call
that changes nothing — a page rerun saving the same — records nothing). Nested guarded calls
(a restore that saves) check again but record once, as the outer action.

Every guarded service is listed in :data:`WRITE_SERVICES`; the authorization tests walk
that list, and a test fails when a service writes without being in it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import DeclarativeBase

from app.context import Workbench
from app.errors import NotFound
from app.permits import TrailEntry, carrying, current_entry, permit
from app.services.team.rights import Right, require

P = ParamSpec("P")
R = TypeVar("R")
#: Finds the project a call changes from its bound arguments (None: workspace level).
ProjectOf = Callable[[Workbench, Mapping[str, Any]], int | None]
Summary = str | Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class WriteService:
    name: str
    right: Right
    action: str
    func: Callable[..., Any]


#: Every guarded service by qualified name (``app.services.goals.save_goal``).
WRITE_SERVICES: dict[str, WriteService] = {}


def project_arg(name: str = "project_id") -> ProjectOf:
    """The project is an argument (an id), or an argument's ``project_id`` (a VersionInfo)."""

    def find(_wb: Workbench, arguments: Mapping[str, Any]) -> int | None:
        value = arguments[name]
        return int(getattr(value, "project_id", value))

    return find


def project_of(model: type[DeclarativeBase], name: str) -> ProjectOf:
    """The project of the row ``model`` whose id is argument ``name`` (or an object with one)."""

    def find(wb: Workbench, arguments: Mapping[str, Any]) -> int | None:
        value = arguments[name]
        if hasattr(value, "project_id"):
            return int(value.project_id)
        with wb.db.read() as session:
            row = session.get(model, value)
            if row is None:
                raise NotFound(f"There is no {model.__tablename__[:-1]} with id {value}.")
            return int(row.project_id)  # type: ignore[attr-defined]

    return find


def workspace(_wb: Workbench, _arguments: Mapping[str, Any]) -> int | None:
    """A workspace-level change (create a project, a user's admin flag)."""
    return None


def guarded(
    right: Right,
    action: str,
    *,
    project: ProjectOf | None = None,
    summary: Summary = "",
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Check ``right`` in the call's project, then run it with a write permit and a trail entry.

    ``action`` names the trail entry ("goal.saved"); ``summary`` is its text (a format
    string over the arguments, or a function of them); the service can refine both with
    :func:`note` before it writes, or call :func:`unchanged` when it changed nothing.
    """
    find_project = project or project_arg()

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(func)
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = bound.arguments
            wb: Workbench = arguments["wb"]
            project_id = find_project(wb, arguments)
            require(wb, project_id, right)
            if current_entry() is not None:  # inside another guarded service: it records
                with permit(name):
                    return func(*args, **kwargs)
            entry = TrailEntry(project_id, wb.actor.key, action, _text(summary, arguments))
            with permit(name), carrying(entry):
                return func(*args, **kwargs)

        WRITE_SERVICES[name] = WriteService(name, right, action, wrapper)
        return wrapper

    return decorate


def note(
    summary: str | None = None,
    *,
    action: str | None = None,
    project_id: int | None = None,
    **details: Any,
) -> None:
    """Refine the running service's trail entry (call before the write that records it)."""
    entry = current_entry()
    if entry is None:
        return
    if summary is not None:
        entry.summary = summary
    if action is not None:
        entry.action = action
    if project_id is not None:
        entry.project_id = project_id
    entry.details.update(details)


def unchanged() -> None:
    """The running service changed nothing (an identical save): record no entry."""
    entry = current_entry()
    if entry is not None:
        entry.written = True


def _text(summary: Summary, arguments: Mapping[str, Any]) -> str:
    if callable(summary):
        return summary(arguments)
    try:
        return summary.format(**arguments)
    except (KeyError, IndexError, AttributeError, ValueError):
        return summary
