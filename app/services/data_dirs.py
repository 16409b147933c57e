"""Which files on the server may be read by path: a monitor log file, a SQLite source.

Anyone who can reach the app can type a path, so a path is read only when, after resolving
symlinks and ``..``, it lies under one of the folders in ``WORKBENCH_DATA_DIRS``
(``os.pathsep``-separated). Unset, the default depends on who can reach the app: when it
listens only on localhost, the user's home and the temporary folder; when it listens beyond
localhost, nothing. The workbench's own files (its home: database, stored files, logs; and
a SQLite database named by ``WORKBENCH_DATABASE_URL``) are never readable this way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.settings import Settings, load_settings

SETTING = "WORKBENCH_DATA_DIRS"


def readable_dirs(settings: Settings) -> tuple[Path, ...]:
    """The folders whose files may be read by path (resolved)."""
    if settings.data_dirs is not None:
        return settings.data_dirs
    if settings.beyond_localhost:
        return ()
    return (Path.home().resolve(), Path(tempfile.gettempdir()).resolve())


def _is_own(real: Path, settings: Settings) -> bool:
    """The workbench's home, or its SQLite database file (with its -wal/-shm/-journal)."""
    if real.is_relative_to(settings.home):
        return True
    if not settings.is_sqlite:
        return False
    from sqlalchemy.engine import make_url

    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        return False
    own = Path(database).expanduser().resolve()
    return real.parent == own.parent and (
        real.name == own.name or real.name.startswith(f"{own.name}-")
    )


def refusal(path: str | Path, settings: Settings | None = None) -> str | None:
    """Why ``path`` may not be read on this server (one line naming the setting), or None."""
    settings = settings or load_settings()
    shown = str(path)
    try:
        real = Path(path).expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return f"{shown} cannot be resolved (a symlink loop?); give the file's real path."
    if _is_own(real, settings):
        return f"{shown} is the workbench's own data and cannot be read as a source."
    dirs = readable_dirs(settings)
    if any(real.is_relative_to(folder) for folder in dirs):
        return None
    if not dirs:
        return (
            f"Reading {shown} is refused: the app is reachable beyond localhost and {SETTING} "
            "is not set; set it to the folders the workbench may read."
        )
    listed = ", ".join(str(d) for d in dirs)
    return (
        f"{shown} is outside the folders the workbench may read ({listed}); "
        f"add its folder to {SETTING}."
    )
