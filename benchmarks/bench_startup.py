"""Cold start: `workbench project list` and the time until the app answers its health endpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Comparison, median_seconds
from tests.e2e.conftest import free_port, wait_for_health

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)


def cli_cold_start(home: Path) -> Comparison:
    env = {**os.environ, "WORKBENCH_HOME": str(home)}
    _run([sys.executable, "-m", "app.cli", "demo"], env)
    ours = median_seconds(
        lambda: _run([sys.executable, "-m", "app.cli", "project", "list", "--json"], env)
    )
    bare = median_seconds(lambda: _run([sys.executable, "-c", "import click, sqlalchemy"], env))
    return Comparison(
        "cold start: workbench project list",
        ours,
        "python -c 'import click, sqlalchemy'",
        bare,
        goal="under 1 s",
    )


def _time_to_health(command: list[str], env: dict[str, str], port: int) -> float:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return wait_for_health(f"http://127.0.0.1:{port}")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def app_time_to_health(home: Path) -> Comparison:
    env = {**os.environ, "WORKBENCH_HOME": str(home)}
    ours_port = free_port()
    ours = _time_to_health(
        [sys.executable, "-m", "app.cli", "ui", "--port", str(ours_port), "--host", "127.0.0.1"],
        env,
        ours_port,
    )
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "hello.py"
        script.write_text("import streamlit as st\nst.write('hello')\n")
        port = free_port()
        bare = _time_to_health(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            env, port,
        )  # fmt: skip
    return Comparison("app answers /_stcore/health", ours, "bare `streamlit run hello.py`", bare)


def run() -> list[Comparison]:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        return [cli_cold_start(home), app_time_to_health(home)]
