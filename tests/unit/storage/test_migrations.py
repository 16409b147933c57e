from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from storage.db import create_db_engine
from storage.migrate import alembic_config, current_revision, downgrade, upgrade
from storage.migrations import HEAD
from storage.models import Base

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database of this test's backend."""
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


def test_head_constant_matches_alembic_head() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_upgrade_from_empty_creates_every_table(engine: Engine) -> None:
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_is_a_no_op(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == HEAD


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    upgrade(engine)
    downgrade(engine, "base")
    assert "projects" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == HEAD


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'wb.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_every_migration_upgrades_a_populated_database(engine: Engine) -> None:
    """Data saved under an older schema survives each later migration."""
    from sqlalchemy import text

    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    upgrade(engine, revisions[0])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO projects (name, description, is_demo, created_at, updated_at) "
                "VALUES ('kept', '', :no, :at, :at)"
            ),
            {"no": False, "at": datetime(2026, 1, 1)},
        )
    for revision in revisions[1:]:
        upgrade(engine, revision)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM projects")).scalar() == "kept"
    assert current_revision(engine) == HEAD
