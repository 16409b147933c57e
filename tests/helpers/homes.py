"""Homes built once per module or session (templates), outside any test's own ``home``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def building_home(path: Path, *, database_url: str | None = None) -> Iterator[Callable[..., str]]:
    """Point the workbench at ``path`` and yield ``run(*args)``: the CLI in-process, asserting
    exit 0 and returning its output. The environment and open databases are restored after.

    ``database_url``: the home's database (default: SQLite in ``path``)."""
    from click.testing import CliRunner

    from app.cli import main
    from app.context import close_all

    runner = CliRunner()

    def run(*args: object) -> str:
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_HOME", str(path))
        patch.delenv("WORKBENCH_DATABASE_URL", raising=False)
        if database_url:
            patch.setenv("WORKBENCH_DATABASE_URL", database_url)
        patch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
        try:
            yield run
        finally:
            close_all()
