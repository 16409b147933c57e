"""JSON columns store what JSON holds, the same on every backend."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from storage.db import Database, create_db_engine
from storage.migrate import upgrade
from storage.models import Job

pytestmark = pytest.mark.backends


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(create_db_engine(db_url))
    upgrade(database.engine)
    yield database
    database.dispose()


def test_nan_and_infinity_are_stored_as_null(db: Database) -> None:
    """A fold's metric sklearn cannot compute is NaN; PostgreSQL's json refuses the token."""
    params = {"auc": math.nan, "folds": [math.inf, 0.5, -math.inf], "nested": {"x": math.nan}}
    with db.write() as session:
        session.add(Job(kind="k", title="t", params=params))
    with db.read() as session:
        stored = session.scalar(select(Job.params))
    assert stored == {"auc": None, "folds": [None, 0.5, None], "nested": {"x": None}}


def test_plain_values_round_trip(db: Database) -> None:
    params = {"text": "é ✓", "n": 3, "f": 0.25, "flag": True, "none": None, "list": [1, "a"]}
    with db.write() as session:
        session.add(Job(kind="k", title="t", params=params))
    with db.read() as session:
        assert session.scalar(select(Job.params)) == params
