"""Two processes writing at once must wait for each other, never fail with 'database is locked'."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import select

from storage.db import Database, create_db_engine
from storage.migrate import current_revision, upgrade
from storage.migrations import HEAD
from storage.models import Project

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

WRITES_PER_PROCESS = 60


def _increment_many(url: str, errors: multiprocessing.Queue[str]) -> None:
    db = Database(create_db_engine(url))
    try:
        for _ in range(WRITES_PER_PROCESS):
            # read-then-write: the pattern that fails at once under a deferred transaction
            with db.write() as session:
                row = session.scalar(select(Project).where(Project.name == "counter"))
                assert row is not None
                row.description = str(int(row.description) + 1)
    except Exception as error:  # reported to the parent
        errors.put(repr(error))


def test_two_processes_write_without_database_is_locked(db_url: str) -> None:
    url = db_url
    db = Database(create_db_engine(url))
    upgrade(db.engine)
    with db.write() as session:
        session.add(Project(name="counter", description="0"))
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    workers = [context.Process(target=_increment_many, args=(url, errors)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    with db.read() as session:
        counter = session.scalar(select(Project).where(Project.name == "counter"))
        assert counter is not None
        assert int(counter.description) == 2 * WRITES_PER_PROCESS


def _upgrade(url: str, errors: multiprocessing.Queue[str]) -> None:
    engine = create_db_engine(url)
    try:
        upgrade(engine)
    except Exception as error:  # reported to the parent
        errors.put(repr(error))
    finally:
        engine.dispose()


def test_two_processes_migrating_an_empty_database_serialise(db_url: str) -> None:
    """Two entry points starting together on a new database: one migrates, the other waits."""
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    starters = [context.Process(target=_upgrade, args=(db_url, errors)) for _ in range(3)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join(timeout=120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [s.exitcode for s in starters] == [0, 0, 0]
    engine = create_db_engine(db_url)
    assert current_revision(engine) == HEAD
    engine.dispose()
