"""A configured database that cannot be used is one clear line (CLI exit 2, an error on the page).

The password of the URL never appears in it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.context import open_workbench
from app.errors import DatabaseUnavailable
from tests.helpers.postgres import _free_port

SECRET = "s3cret-pw"


def _unreachable_url() -> str:
    return f"postgresql+psycopg://alice:{SECRET}@127.0.0.1:{_free_port()}/teamdb"


def test_missing_driver_names_the_package(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", _unreachable_url())
    with pytest.raises(DatabaseUnavailable) as caught:
        open_workbench()
    assert str(caught.value) == (
        "WORKBENCH_DATABASE_URL names postgresql+psycopg but the driver 'psycopg' is not "
        "installed: pip install 'psycopg[binary]'"
    )


def test_unreachable_server_names_where_without_the_password(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _unreachable_url()
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    with pytest.raises(DatabaseUnavailable) as caught:
        open_workbench()
    message = str(caught.value)
    port = url.rsplit(":", 1)[1].split("/")[0]
    assert message.startswith(f"cannot connect to PostgreSQL at 127.0.0.1:{port}/teamdb: ")
    assert "refused" in message.lower()
    assert SECRET not in message
    assert "\n" not in message


def test_unknown_database_kind_is_named(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", "nosuchdb://x/y")
    with pytest.raises(DatabaseUnavailable, match="unknown database kind 'nosuchdb'"):
        open_workbench()


@pytest.mark.parametrize("broken", ["driver", "server"])
def test_cli_shows_one_line_and_exits_2(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    if broken == "driver":
        monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", _unreachable_url())
    result = cli("project", "list")
    assert result.exit_code == 2, result.output
    expected = {
        "driver": "error: WORKBENCH_DATABASE_URL names postgresql+psycopg but the driver",
        "server": "error: cannot connect to PostgreSQL at 127.0.0.1:",
    }[broken]
    assert result.output.startswith(expected)
    assert result.output.count("\n") == 1
    assert SECRET not in result.output and "Traceback" not in result.output


def test_page_shows_the_error(app: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", _unreachable_url())
    at = app().run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert "cannot connect to PostgreSQL at 127.0.0.1:" in at.error[0].value
    assert SECRET not in at.error[0].value
