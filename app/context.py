"""The handles every service needs (settings, database, artifact store), opened once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from app.actors import LOCAL, NOBODY, Actor
from app.permits import add_entry_to, require_permit
from app.settings import Settings, load_settings
from storage.artifacts import ArtifactStore
from storage.db import Database, create_db_engine
from storage.migrate import upgrade


@dataclass(frozen=True)
class Workbench:
    settings: Settings
    db: Database
    artifacts: ArtifactStore
    #: Who is acting through this handle; services check and record it on every write.
    actor: Actor = LOCAL

    def acting_as(self, actor: Actor) -> Workbench:
        """The same workbench (same database, same store) acting for ``actor``."""
        return self if actor == self.actor else replace(self, actor=actor)


_lock = threading.Lock()
_open: dict[Settings, Workbench] = {}


def open_workbench(settings: Settings | None = None) -> Workbench:
    """Open (or reuse) the workbench for ``settings``; migrates the schema on first open.

    The handle acts for the local user in local mode and for no one in team mode: a page
    binds the signed-in user (``acting_as``), the CLI its named admin.
    Raises ``app.settings.SettingsError`` for settings that cannot work (team mode on SQLite).
    """
    settings = settings or load_settings()
    settings.check()
    key = settings  # equal settings share one engine; another mode is another handle
    with _lock:
        if key not in _open:
            settings.home.mkdir(parents=True, exist_ok=True)
            settings.logs_dir.mkdir(parents=True, exist_ok=True)
            engine = create_db_engine(settings.database_url)
            upgrade(engine)
            _open[key] = Workbench(
                settings,
                Database(engine, write_guard=require_permit, before_commit=add_entry_to),
                ArtifactStore(settings.artifacts_dir),
                NOBODY if settings.team_mode else LOCAL,
            )
        return _open[key]


def close_all() -> None:
    """Dispose every engine (tests, and before forking a worker)."""
    with _lock:
        for wb in _open.values():
            wb.db.dispose()
        _open.clear()
