"""The handles every service needs (settings, database, artifact store), opened once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from app.actors import LOCAL, NOBODY, Actor
from app.errors import DatabaseUnavailable
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
            engine = _open_database(settings.database_url)
            _open[key] = Workbench(
                settings,
                Database(engine, write_guard=require_permit, before_commit=add_entry_to),
                ArtifactStore(settings.artifacts_dir),
                NOBODY if settings.team_mode else LOCAL,
            )
        return _open[key]


#: What to ``pip install`` for a driver module whose name is not its package's.
_DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "MySQLdb": "mysqlclient",
}


def _open_database(url: str) -> Engine:
    """The migrated engine for ``url``; a missing driver or an unreachable server is one clear
    :class:`DatabaseUnavailable` (the URL shown without its password), not a traceback."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseUnavailable(
            f"WORKBENCH_DATABASE_URL is not a database URL ({error}).",
            hint="Use e.g. postgresql+psycopg://user:password@host:5432/workbench.",
        ) from None
    try:
        engine = create_db_engine(url)
    except ModuleNotFoundError as error:
        module = error.name or str(error)
        package = _DRIVER_PACKAGES.get(module, module)
        raise DatabaseUnavailable(
            f"WORKBENCH_DATABASE_URL names {parsed.drivername} but the driver '{module}' "
            f"is not installed: pip install '{package}'"
        ) from None
    except NoSuchModuleError:
        raise DatabaseUnavailable(
            f"WORKBENCH_DATABASE_URL names an unknown database kind '{parsed.drivername}'.",
            hint="Use sqlite:///PATH or postgresql+psycopg://…",
        ) from None
    try:
        upgrade(engine)
    except OperationalError as error:
        engine.dispose()
        raise DatabaseUnavailable(_cannot_connect(parsed, error)) from None
    return engine


def _cannot_connect(url: URL, error: OperationalError) -> str:
    """ "cannot connect to PostgreSQL at host:port/db: reason", the password never in it."""
    kind = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        url.get_backend_name(), url.get_backend_name()
    )
    where = (
        url.database or ""
        if kind == "SQLite"
        else f"{url.host or 'localhost'}:{url.port or 'default port'}/{url.database or ''}"
    )
    lines = str(error.orig or error).strip().splitlines()
    reason = lines[0] if lines else type(error).__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    return f"cannot connect to {kind} at {where}: {reason}"


def close_all() -> None:
    """Dispose every engine (tests, and before forking a worker)."""
    with _lock:
        for wb in _open.values():
            wb.db.dispose()
        _open.clear()
