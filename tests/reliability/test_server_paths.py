"""Issue 16 item 13: server-side paths are read only under the configured data folders.

The Monitor page's "Log file path on this machine" and SQLite sources (``sqlite:///path``)
open a file on the server. Before the fix they read any file the server could read: a
symlink to a system file, or another home's ``workbench.db``.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from app.errors import UserError
from app.settings import load_settings
from core.data.ingest import IngestError


def _settings(home: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings({"WORKBENCH_HOME": str(home), **env})


def _sqlite_file(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
    return path


# -- the rule ------------------------------------------------------------------------------


def test_beyond_localhost_reads_nothing_until_folders_are_configured(tmp_path: Path) -> None:
    from app.services.data_dirs import refusal

    log = tmp_path / "service.log"
    log.write_text("{}\n")
    settings = _settings(tmp_path / "wb", WORKBENCH_SERVER_ADDRESS="0.0.0.0")
    message = refusal(log, settings)
    assert message is not None and "WORKBENCH_DATA_DIRS" in message and "\n" not in message

    allowed = _settings(
        tmp_path / "wb", WORKBENCH_SERVER_ADDRESS="0.0.0.0", WORKBENCH_DATA_DIRS=str(tmp_path)
    )
    assert refusal(log, allowed) is None


def test_a_symlink_is_judged_by_where_it_leads(tmp_path: Path) -> None:
    from app.services.data_dirs import refusal

    data = tmp_path / "data"
    outside = tmp_path / "secret"
    data.mkdir()
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0\n")
    link = data / "service.log"
    link.symlink_to(outside / "passwd")
    settings = _settings(tmp_path / "wb", WORKBENCH_DATA_DIRS=str(data))
    message = refusal(link, settings)
    assert message is not None and "WORKBENCH_DATA_DIRS" in message
    # a folder symlinked into the data folder does not widen it either
    (data / "alias").symlink_to(outside)
    assert refusal(data / "alias" / "passwd", settings) is not None
    # and ".." does not climb out
    assert refusal(data / ".." / "secret" / "passwd", settings) is not None


def test_several_folders_are_separated_by_pathsep(tmp_path: Path) -> None:
    from app.services.data_dirs import refusal

    first, second, third = (tmp_path / n for n in ("a", "b", "c"))
    for folder in (first, second, third):
        folder.mkdir()
        (folder / "x.log").write_text("{}\n")
    settings = _settings(tmp_path / "wb", WORKBENCH_DATA_DIRS=f"{first}{os.pathsep}{second}")
    assert refusal(first / "x.log", settings) is None
    assert refusal(second / "x.log", settings) is None
    assert refusal(third / "x.log", settings) is not None


def test_the_workbench_own_files_are_never_a_source(tmp_path: Path) -> None:
    from app.services.data_dirs import refusal

    home = tmp_path / "wb"
    home.mkdir()
    own_db = _sqlite_file(home / "workbench.db")
    settings = _settings(home, WORKBENCH_DATA_DIRS=str(tmp_path))
    message = refusal(own_db, settings)
    assert message is not None and "workbench" in message
    (tmp_path / "innocent.db").symlink_to(own_db)
    assert refusal(tmp_path / "innocent.db", settings) is not None


def test_localhost_default_is_home_and_temp(tmp_path: Path) -> None:
    from app.services.data_dirs import readable_dirs

    settings = _settings(tmp_path / "wb")
    assert not settings.beyond_localhost
    dirs = readable_dirs(settings)
    assert Path.home().resolve() in dirs and tmp_path.resolve().is_relative_to(dirs[1])
    assert readable_dirs(_settings(tmp_path / "wb", WORKBENCH_SERVER_ADDRESS="0.0.0.0")) == ()


@pytest.mark.parametrize(
    ("address", "beyond"),
    [("localhost", False), ("127.0.0.1", False), ("::1", False), ("0.0.0.0", True),
     ("", True), ("::", True), ("192.168.1.5", True), ("example.org", True)],
)  # fmt: skip
def test_what_counts_as_beyond_localhost(tmp_path: Path, address: str, beyond: bool) -> None:
    settings = _settings(tmp_path / "wb", WORKBENCH_SERVER_ADDRESS=address)
    assert settings.beyond_localhost is beyond


# -- where the rule applies ------------------------------------------------------------------


def test_sqlite_source_refuses_a_file_outside_the_data_folders(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import sql_source

    data = tmp_path / "data"
    data.mkdir()
    other_home = tmp_path / "other-home"
    other_home.mkdir()
    other_db = _sqlite_file(other_home / "workbench.db")
    (data / "shop.db").symlink_to(other_db)
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(data))
    with pytest.raises(IngestError, match="WORKBENCH_DATA_DIRS"):
        sql_source.read_sql(f"sqlite:///{data / 'shop.db'}", "SELECT * FROM t")
    with pytest.raises(IngestError, match="WORKBENCH_DATA_DIRS"):
        sql_source.read_sql(f"sqlite:///{other_db}", "SELECT * FROM t")
    good = _sqlite_file(data / "good.db")
    frame, _info = sql_source.read_sql(f"sqlite:///{good}", "SELECT * FROM t")
    assert len(frame) == 1


def test_sqlite_source_never_reads_the_workbench_database(wb) -> None:  # type: ignore[no-untyped-def]
    from app.services import sql_source

    own = wb.settings.home / "workbench.db"
    assert own.is_file()
    with pytest.raises(IngestError, match="workbench's own"):
        sql_source.read_sql(f"sqlite:///{own}", "SELECT * FROM projects")


def test_monitor_log_path_outside_the_data_folders_is_refused(
    wb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from app.services import monitoring
    from app.services.projects import create_project

    project = create_project(wb, "logs")
    data = tmp_path / "data"
    data.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text('{"a": 1}\n')
    (data / "service.log").symlink_to(secret)
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(data))
    with pytest.raises(UserError, match="WORKBENCH_DATA_DIRS"):
        monitoring.update_settings(wb, project.id, log_path=str(data / "service.log"))
    assert monitoring.settings_for(wb, project.id).log_path is None

    # a path saved while it was allowed is checked again when it is read
    monkeypatch.delenv("WORKBENCH_DATA_DIRS")
    monitoring.update_settings(wb, project.id, log_path=str(secret))
    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "0.0.0.0")
    with pytest.raises(UserError, match="WORKBENCH_DATA_DIRS"):
        monitoring.import_new_lines(wb, project.id)
    assert monitoring.settings_for(wb, project.id).log_offset == 0


# -- workbench.db is private ---------------------------------------------------------------------


def test_workbench_db_is_created_owner_only(wb) -> None:  # type: ignore[no-untyped-def]
    mode = stat.S_IMODE((wb.settings.home / "workbench.db").stat().st_mode)
    assert mode == 0o600, oct(mode)


def test_an_existing_readable_workbench_db_is_made_owner_only(tmp_path: Path) -> None:
    from storage.db import create_db_engine

    path = _sqlite_file(tmp_path / "workbench.db")
    path.chmod(0o644)
    create_db_engine(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_cli_refusals_are_one_line_and_exit_2(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import app.cli as cli

    runner = CliRunner()
    assert runner.invoke(cli.main, ["project", "create", "p"]).exit_code == 0
    own_db = home / "workbench.db"
    pulled = runner.invoke(cli.main, ["monitor", "pull", "p", "--path", str(own_db)])
    assert pulled.exit_code == 2, pulled.output
    assert "workbench's own data" in pulled.output
    assert len(pulled.output.strip().splitlines()) == 1

    shop = _sqlite_file(tmp_path / "shop.db")
    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "0.0.0.0")
    added = runner.invoke(
        cli.main, ["data", "add", "p", "--sql", f"sqlite:///{shop}", "--query", "SELECT * FROM t"]
    )
    assert added.exit_code == 2, added.output
    assert "WORKBENCH_DATA_DIRS" in added.output
    assert len(added.output.strip().splitlines()) == 1
