"""Bring a database to the newest schema; called by every entry point on start.

The upgrade runs in one write transaction (``BEGIN IMMEDIATE`` on SQLite, the write and
migration advisory locks on PostgreSQL), so two processes starting together serialise
instead of both creating tables (tests/unit/storage/test_concurrency.py, both backends).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from storage.db import write_engine
from storage.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config() -> Config:
    from alembic.config import Config  # alembic loads only when an upgrade is due (start-up cost)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision``; a no-op costing one query when already at head."""
    if revision == "head" and current_revision(engine) == HEAD:
        return
    from alembic import command  # only when an upgrade is due (start-up cost)

    config = alembic_config()
    with write_engine(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7248150)"))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command  # only when an upgrade is due (start-up cost)

    config = alembic_config()
    with write_engine(engine).begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
