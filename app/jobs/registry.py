"""Job kinds and the context a handler runs with (progress, cancel, heartbeat)."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.context import Workbench

Handler = Callable[["JobContext", dict[str, Any]], dict[str, Any] | None]

#: Modules whose import registers the built-in job kinds.
BUILTIN_JOB_MODULES = (
    "app.jobs.maintenance",
    "app.services.datasets",
    "app.services.explore",
    "app.services.training",
    "app.services.explanations",
    "app.services.fairness",
    "app.services.export",
    "app.services.monitoring",
)


class JobCancelled(Exception):
    """Raised inside a handler when the user pressed Cancel; finished results stay saved."""


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    title: str
    #: Uses the machine's cores for long (training, explaining, profiling): one at a time
    #: per home, whether the worker, the CLI or a page runs it (app/jobs/heavy.py).
    heavy: bool = False


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, title: str, heavy: bool = False) -> Callable[[Handler], Handler]:
    """Register ``handler`` for jobs of kind ``name``; ``heavy`` ones run one at a time."""

    def decorate(handler: Handler) -> Handler:
        _KINDS[name] = JobKind(name, handler, title, heavy)
        return handler

    return decorate


def load_job_kinds(extra_modules: tuple[str, ...] = ()) -> dict[str, JobKind]:
    for module in (*BUILTIN_JOB_MODULES, *extra_modules):
        importlib.import_module(module)
    return dict(_KINDS)


def get_kind(name: str, extra_modules: tuple[str, ...] = ()) -> JobKind:
    kinds = load_job_kinds(extra_modules)
    if name not in kinds:
        raise KeyError(f"unknown job kind {name!r}; known: {', '.join(sorted(kinds))}")
    return kinds[name]


@dataclass
class JobContext:
    """What a handler gets: its workbench, job id and project, and progress/cancel hooks."""

    workbench: Workbench
    job_id: int
    project_id: int | None
    _report: Callable[[float, str], bool] = field(repr=False)
    _min_interval: float = 0.2
    _last_write: float = field(default=0.0, repr=False)
    _fraction: float = 0.0

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress (0..1) and raise :class:`JobCancelled` if the user asked to stop.

        Writes are throttled, so calling this in a tight loop is cheap.
        """
        self._fraction = min(max(float(fraction), 0.0), 1.0)
        now = time.monotonic()
        if now - self._last_write < self._min_interval and self._fraction < 1.0:
            return
        self._last_write = now
        if self._report(self._fraction, message):
            raise JobCancelled()

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelled` when cancel was requested (between folds, trials, …)."""
        if self._report(self._fraction, ""):
            raise JobCancelled()
