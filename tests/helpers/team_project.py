"""A small trained project and the people of a team, for the authorization tests.

Team mode needs PostgreSQL (``Settings.check``); these tests run it on the test's SQLite home
through ``tests.helpers.team.team_settings``, which skips the check on that one settings
object only. The template is built once per module in local mode through the CLI, then the
team is added in team mode: the admin signs in first and invites everyone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.actors import NOBODY, Actor, user_actor
from app.context import Workbench, close_all, open_workbench
from tests.helpers.homes import building_home
from tests.helpers.team import team_settings

PROJECT = "Authz churn"
GOAL = Path(__file__).resolve().parents[2] / "assets" / "demo" / "goal.yaml"

ADMIN = user_actor("admin@example.com", "Ada Admin")
OWNER = user_actor("owner@example.com", "Olga Owner")
EDITOR = user_actor("editor@example.com", "Ed Editor")
VIEWER = user_actor("viewer@example.com", "Vi Viewer")
APPROVER = user_actor("approver@example.com", "Al Approver")
STRANGER = user_actor("stranger@example.com", "Sam Stranger")
#: A member nobody acts as: the target of role changes and removals.
SPARE = "spare@example.com"

#: Who is who in the table: (label, actor, role in the project or None, approver right).
PEOPLE: tuple[tuple[str, Actor, str | None, bool], ...] = (
    ("owner", OWNER, "owner", False),
    ("editor", EDITOR, "editor", False),
    ("viewer", VIEWER, "viewer", False),
    ("viewer+approver", APPROVER, "viewer", True),
    ("non-member", STRANGER, None, False),
    ("nobody", NOBODY, None, False),
    ("admin", ADMIN, None, False),
)


def churn_frame(rows: int = 240, seed: int = 0) -> pd.DataFrame:
    """Churn-like rows with a learnable target, a sensitive column and an id."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, rows)
    charges = np.round(rng.uniform(20, 120, rows), 2)
    score = -0.04 * tenure + 0.02 * charges + rng.normal(scale=0.7, size=rows)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(rows)],
            "tenure_months": tenure,
            "monthly_charges": charges,
            "signup_date": pd.date_range("2024-01-01", periods=rows, freq="D").strftime("%Y-%m-%d"),
            "contract": rng.choice(["monthly", "yearly", "two-year"], rows),
            "gender": rng.choice(["Female", "Male"], rows),
            "churned": np.where(score > np.median(score), "Yes", "No"),
        }
    )


@dataclass(frozen=True)
class TeamProject:
    wb: Workbench  # acting for no one; use ``as_(actor)``
    project_id: int

    def as_(self, actor: Actor) -> Workbench:
        return self.wb.acting_as(actor)


def build_trained_home(path: Path, database_url: str | None = None) -> None:
    """Local mode, through the CLI: goal, data, split, one trained run, one export
    (in ``path``'s SQLite database, or the ``database_url`` given)."""
    data = path.parent / "churn.csv"
    churn_frame().to_csv(data, index=False)
    with building_home(path) as run, pytest.MonkeyPatch.context() as patch:
        if database_url is not None:
            patch.setenv("WORKBENCH_DATABASE_URL", database_url)
        run("project", "create", PROJECT)
        run("goal", "set", PROJECT, GOAL)
        run("data", "add", PROJECT, data, "--target", "churned", "--sensitive", "gender",
            "--id", "customer_id")  # fmt: skip
        run("data", "split", PROJECT)
        run("train", PROJECT, "--models", "logreg", "--folds", "2")
        run("export", PROJECT, "--out", path.parent / "bundle.zip")


@contextmanager
def team_home() -> Iterator[TeamProject]:
    """Open the environment's home in team mode (on SQLite, see the top) with the people signed in and invited by the admin; closes the database after."""
    from app.services import projects
    from app.services.team import members

    wb = open_workbench(team_settings())
    try:
        admin = wb.acting_as(ADMIN)
        members.signed_in(admin, ADMIN)  # the first to sign in is the workspace admin
        project_id = projects.resolve_project(admin, PROJECT).id
        for _label, actor, role, approver in PEOPLE:
            if actor.kind == "user":
                members.signed_in(wb, actor)
            if role is not None and not _is_member(admin, project_id, actor.key):
                members.invite(admin, project_id, actor.key, role, can_approve=approver)
        if not _is_member(admin, project_id, SPARE):
            members.invite(admin, project_id, SPARE, "editor")
        yield TeamProject(wb, project_id)
    finally:
        close_all()


def _is_member(wb: Workbench, project_id: int, email: str) -> bool:
    from app.services.team import members

    return any(m.email == email for m in members.list_members(wb, project_id))
