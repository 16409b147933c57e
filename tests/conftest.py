"""Every test gets its own WORKBENCH_HOME; nothing touches the user's home."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "wbhome"
    monkeypatch.setenv("WORKBENCH_HOME", str(path))
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
    monkeypatch.setenv("WORKBENCH_JOB_PLUGINS", "tests.helpers.jobs_plugin")
    monkeypatch.setenv("WORKBENCH_HEARTBEAT_SECONDS", "0.2")
    return path


@pytest.fixture
def wb(home: Path) -> Iterator[object]:
    from app.context import close_all, open_workbench

    workbench = open_workbench()
    yield workbench
    close_all()
