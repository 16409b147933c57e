"""`workbench ui --open` must not depend on a terminal: Streamlit always runs headless."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import app.cli as cli


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

    monkeypatch.setattr(cli.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(cli, "_open_when_ready", opened.append)
    monkeypatch.setattr("app.jobs.worker.worker_running", lambda wb: True)
    result = CliRunner().invoke(cli.main, ["ui", "--port", "8599", "--open"])
    assert result.exit_code == 0, result.output
    streamlit = next(c for c in started if "streamlit" in c)
    assert streamlit[streamlit.index("--server.headless") + 1] == "true"
    assert opened == ["http://localhost:8599"]
