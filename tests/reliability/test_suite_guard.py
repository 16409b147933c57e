"""The session guard in tests/conftest.py notices leftover processes and changed homes (item 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _snapshot, _started_by_the_suite


def test_guard_finds_a_process_a_test_left_running(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        found = _started_by_the_suite(tmp_path_factory.getbasetemp())
        assert sleeper.pid in [p.pid for p in found]
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sleeper.pid not in [p.pid for p in _started_by_the_suite(tmp_path_factory.getbasetemp())]


def test_guard_sees_a_home_created_or_changed(tmp_path: Path) -> None:
    folder = tmp_path / ".workbench"
    assert _snapshot(folder) is None
    (folder / "artifacts").mkdir(parents=True)
    (folder / "workbench.db").write_bytes(b"x")
    before = _snapshot(folder)
    (folder / "artifacts" / "new").write_bytes(b"data")
    assert _snapshot(folder) != before
