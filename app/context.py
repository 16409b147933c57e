"""The handles every service needs (settings, database, artifact store), opened once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from app.settings import Settings, load_settings
from storage.artifacts import ArtifactStore
from storage.db import Database, create_db_engine
from storage.migrate import upgrade


@dataclass(frozen=True)
class Workbench:
    settings: Settings
    db: Database
    artifacts: ArtifactStore


_lock = threading.Lock()
_open: dict[tuple[str, str], Workbench] = {}


def open_workbench(settings: Settings | None = None) -> Workbench:
    """Open (or reuse) the workbench for ``settings``; migrates the schema on first open."""
    settings = settings or load_settings()
    key = (str(settings.home), settings.database_url)
    with _lock:
        if key not in _open:
            settings.home.mkdir(parents=True, exist_ok=True)
            settings.logs_dir.mkdir(parents=True, exist_ok=True)
            engine = create_db_engine(settings.database_url)
            upgrade(engine)
            _open[key] = Workbench(
                settings, Database(engine), ArtifactStore(settings.artifacts_dir)
            )
        return _open[key]


def close_all() -> None:
    """Dispose every engine (tests, and before forking a worker)."""
    with _lock:
        for wb in _open.values():
            wb.db.dispose()
        _open.clear()
