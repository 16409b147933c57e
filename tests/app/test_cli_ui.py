"""`workbench ui --open` must not depend on a terminal: Streamlit always runs headless."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import app.cli.ui as cli_ui
from app.cli import main


@pytest.fixture(autouse=True)
def _restore_server_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """`workbench ui` sets WORKBENCH_SERVER_ADDRESS for its worker; undo it after each test."""
    monkeypatch.delenv("WORKBENCH_SERVER_ADDRESS", raising=False)


class _FakeProcess:
    def __init__(self, command, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        self.command = command

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_open_flag_keeps_streamlit_headless(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    opened: list[str] = []

    def fake_popen(command, **kwargs):  # type: ignore[no-untyped-def]
        started.append(command)
        return _FakeProcess(command)

    monkeypatch.setattr(cli_ui.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(cli_ui, "_open_when_ready", opened.append)
    monkeypatch.setattr("app.jobs.worker.worker_running", lambda wb: True)
    result = CliRunner().invoke(main, ["ui", "--port", "8599", "--open"])
    assert result.exit_code == 0, result.output
    streamlit = next(c for c in started if "streamlit" in c)
    assert streamlit[streamlit.index("--server.headless") + 1] == "true"
    assert opened == ["http://localhost:8599"]


# -- issue 16 item 14: no accounts yet, so listening beyond localhost is an explicit choice ------


def _fake_servers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict]]:
    started: list[tuple[list[str], dict]] = []

    def fake_popen(command, **kwargs):  # type: ignore[no-untyped-def]
        started.append((command, kwargs))
        return _FakeProcess(command)

    monkeypatch.setattr(cli_ui.subprocess, "Popen", fake_popen)
    monkeypatch.setattr("app.jobs.worker.worker_running", lambda wb: True)
    return started


@pytest.mark.parametrize(
    ("host", "refused"),
    [("0.0.0.0", True), ("192.168.1.20", True), ("::", True), ("example.org", True),
     ("localhost", False), ("127.0.0.1", False), ("::1", False)],
)  # fmt: skip
def test_binding_beyond_localhost_is_refused_without_allow_anyone(
    home: Path, monkeypatch: pytest.MonkeyPatch, host: str, refused: bool
) -> None:
    started = _fake_servers(monkeypatch)
    result = CliRunner().invoke(main, ["ui", "--host", host, "--port", "8599"])
    if refused:
        assert result.exit_code == 2, result.output
        assert "--allow-anyone" in result.output and "no accounts" in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert started == []  # neither the app nor a worker was started
    else:
        assert result.exit_code == 0, result.output
        assert "WARNING" not in result.output
        kwargs = next(k for c, k in started if "streamlit" in c)
        assert kwargs["env"]["WORKBENCH_SERVER_ADDRESS"] == host


def test_allow_anyone_starts_with_a_loud_warning(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _fake_servers(monkeypatch)
    result = CliRunner().invoke(
        main, ["ui", "--host", "0.0.0.0", "--port", "8599", "--allow-anyone"]
    )
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.output and "anyone" in result.output
    assert "WORKBENCH_DATA_DIRS" in result.output
    command, kwargs = next((c, k) for c, k in started if "streamlit" in c)
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    assert kwargs["env"]["WORKBENCH_SERVER_ADDRESS"] == "0.0.0.0"
    assert cli_ui.os.environ["WORKBENCH_SERVER_ADDRESS"] == "0.0.0.0"  # the worker inherits it


def test_every_page_shows_the_banner_when_the_app_listens_beyond_localhost(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    main_py = str(Path(cli_ui.REPO_ROOT) / "app" / "main.py")
    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "0.0.0.0")
    at = AppTest.from_file(main_py, default_timeout=30).run()
    assert not at.exception
    assert any("no accounts" in w.value and "anyone" in w.value for w in at.warning)

    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "localhost")
    at = AppTest.from_file(main_py, default_timeout=30).run()
    assert not at.exception
    assert not any("no accounts" in w.value for w in at.warning)
