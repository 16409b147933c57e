"""The eight lifecycle stages and each one's status for a project (the sidebar stepper)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from app.context import Workbench

StageState = Literal["done", "attention", "not_started", "coming"]


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    icon: str
    question: str
    #: Page script under ``pages/``; None while the stage is not built yet.
    page: str | None = None


@dataclass(frozen=True)
class StageStatus:
    key: str
    title: str
    icon: str
    state: StageState
    detail: str


STAGES: tuple[Stage, ...] = (
    Stage(
        "goal",
        "Goal",
        ":material/flag:",
        "What decision does the model change, and what is it worth?",
        page="goal.py",
    ),
    Stage(
        "data",
        "Data",
        ":material/database:",
        "Which data, which target, and is it fit for use?",
        page="data.py",
    ),
    Stage(
        "explore",
        "Explore",
        ":material/query_stats:",
        "What does the data say before any model?",
        page="explore.py",
    ),
    Stage(
        "train",
        "Train",
        ":material/model_training:",
        "Which model earns the most, beyond the baselines?",
        page="train.py",
    ),
    Stage(
        "evaluate",
        "Evaluate",
        ":material/rule:",
        "How good is it on unseen rows, and at which threshold?",
        page="evaluate.py",
    ),
    Stage(
        "fairness",
        "Fairness",
        ":material/balance:",
        "Does it treat groups of people fairly?",
        page="fairness.py",
    ),
    Stage(
        "export",
        "Export",
        ":material/deployed_code:",
        "Ship a verified, self-contained bundle.",
        page="export.py",
    ),
    Stage(
        "monitor",
        "Monitor",
        ":material/monitor_heart:",
        "Is it still right, and still worth it, in production?",
        page="monitor.py",
    ),
)

StatusProvider = Callable[[Workbench, int], tuple[StageState, str]]
_PROVIDERS: dict[str, StatusProvider] = {}
#: Services whose import registers a stage's status provider (imported on first use).
PROVIDER_MODULES = ("app.services.status",)


def status_provider(stage_key: str) -> Callable[[StatusProvider], StatusProvider]:
    """Register how a built stage computes its status for a project."""

    def decorate(fn: StatusProvider) -> StatusProvider:
        _PROVIDERS[stage_key] = fn
        return fn

    return decorate


def built_stages() -> tuple[Stage, ...]:
    return tuple(s for s in STAGES if s.page is not None)


def stage_statuses(wb: Workbench, project_id: int) -> list[StageStatus]:
    for module in PROVIDER_MODULES:
        importlib.import_module(module)
    statuses = []
    state: StageState
    for stage in STAGES:
        provider = _PROVIDERS.get(stage.key)
        if stage.page is None or provider is None:
            state, detail = "coming", "This stage is not built yet."
        else:
            state, detail = provider(wb, project_id)
        statuses.append(StageStatus(stage.key, stage.title, stage.icon, state, detail))
    return statuses
