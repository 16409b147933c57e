"""Team-mode workbenches for tests: the same home acting for different people.

Team mode refuses SQLite (``Settings.check``). Tests that are about who may do what, not
about the database, run team mode on the test's SQLite home through :func:`team_settings`,
which says so; the PostgreSQL suite runs the real thing.
"""

from __future__ import annotations

from dataclasses import replace

from app.actors import Actor, cli_actor, user_actor
from app.context import Workbench, open_workbench
from app.services.team import members
from app.settings import Settings, load_settings

ADMIN = cli_actor("cli:test-admin")
ANA = user_actor("ana@example.com", "Ana Lima")
BEN = user_actor("ben@example.com", "Ben Okafor")
CARA = user_actor("cara@example.com", "Cara Diaz")


def team_settings(**changes: object) -> Settings:
    """Team-mode settings on the test home; ``check`` is skipped (SQLite stands in here)."""
    settings = replace(load_settings(), mode="team", require_approval=True, **changes)  # type: ignore[arg-type]
    object.__setattr__(settings, "check", lambda: None)  # the frozen dataclass's one escape
    return settings


def team_workbench(**changes: object) -> Workbench:
    return open_workbench(team_settings(**changes))


def as_person(wb: Workbench, actor: Actor) -> Workbench:
    """``wb`` acting for ``actor``, who has signed in (as the page does on first view)."""
    if actor.kind == "user":
        members.signed_in(wb, actor)
    return wb.acting_as(actor)
