"""The ``backends`` marker really runs a test on each database, with the fixtures it names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.permits import system_write
from storage.models import Project

pytestmark = pytest.mark.backends


def test_the_workbench_opens_the_tests_backend(wb: Any, backend: str) -> None:
    assert wb.db.engine.dialect.name == backend
    assert wb.settings.is_sqlite == (backend == "sqlite")


def test_each_test_gets_an_empty_database(wb: Any) -> None:
    with system_write("test setup"), wb.db.write() as session:
        session.add(Project(name="only here"))
    with wb.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 1


def test_a_second_test_sees_none_of_the_first_ones_rows(wb: Any) -> None:
    with wb.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_the_trained_demo_is_on_the_tests_backend(trained_demo: str, backend: str) -> None:
    from app.context import open_workbench
    from app.services.projects import list_projects

    wb = open_workbench()
    assert wb.db.engine.dialect.name == backend
    assert [p.name for p in list_projects(wb)] == [trained_demo]
