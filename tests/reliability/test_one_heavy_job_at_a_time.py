"""Heavy work is one at a time per home, whether the CLI or the worker starts it (issue 16, item 5).

Before: two `workbench train` processes ran at once (six at once each took 3–6× longer).
Now the second waits for the first, says "waiting for job N (…) to finish…", and their
running intervals in the jobs table do not overlap.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from app.cli import main
from app.jobs import get_job, list_jobs, request_cancel, submit
from app.jobs.registry import load_job_kinds
from app.jobs.runner import run_in_foreground

ROOT = Path(__file__).resolve().parents[2]


def _intervals_overlap(jobs) -> bool:  # type: ignore[no-untyped-def]
    spans = sorted((j.started_at, j.finished_at) for j in jobs)
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans))


@pytest.mark.e2e  # two CLI processes training: ~20 s
def test_two_cli_trainings_run_one_after_the_other(wb, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(3000, 6)), columns=[f"x{i}" for i in range(6)])
    frame["y"] = (frame["x0"] + rng.normal(size=len(frame)) > 0).astype(int)
    csv = tmp_path / "table.csv"
    frame.to_csv(csv, index=False)
    runner = CliRunner()
    for name in ("A", "B"):
        assert runner.invoke(main, ["project", "create", name]).exit_code == 0
        added = runner.invoke(main, ["data", "add", name, str(csv), "--target", "y"])
        assert added.exit_code == 0, added.output
        assert runner.invoke(main, ["data", "split", name]).exit_code == 0

    env = {**os.environ, "WORKBENCH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "app.cli", "train"]
    options = ["--models", "logreg", "--folds", "3", "--json"]
    procs = [
        subprocess.Popen(
            [*command, name, *options],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("A", "B")
    ]
    outputs = [proc.communicate(timeout=240) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err

    trainings = [j for j in list_jobs(wb) if j.kind == "train.models"]
    assert len(trainings) == 2 and all(j.status == "succeeded" for j in trainings)
    spans = sorted((j.started_at, j.finished_at) for j in trainings)
    overlap = (spans[0][1] - spans[1][0]).total_seconds()
    assert not _intervals_overlap(trainings), f"the two trainings overlapped by {overlap:.2f} s"
    waited = [err for _out, err in outputs if "waiting for job" in err.lower()]
    assert len(waited) == 1, [err[-500:] for _out, err in outputs]
    first = min(trainings, key=lambda j: j.started_at)
    assert f"waiting for job {first.id} (" in waited[0].lower()


def _heavy_job_running_in_a_thread(wb, steps: int = 20):  # type: ignore[no-untyped-def]
    """A heavy job run as the worker runs it, on a thread; returns once it holds the slot."""
    job_id = submit(wb, "test.heavy", {"steps": steps, "pause": 0.02})
    thread = threading.Thread(target=run_in_foreground, args=(wb, job_id))
    thread.start()
    while get_job(wb, job_id).progress == 0:
        time.sleep(0.01)
    return job_id, thread


def test_a_cli_job_waits_for_the_workers_heavy_job_and_vice_versa(wb) -> None:  # type: ignore[no-untyped-def]
    """The worker and the CLI both run jobs through runner.execute: one heavy slot for both."""
    first, worker = _heavy_job_running_in_a_thread(wb)
    second = submit(wb, "test.heavy", {"steps": 2, "pause": 0.01}, claimed=True)
    waits: list[str] = []
    run_in_foreground(wb, second, on_wait=waits.append)  # the "CLI" waits for the "worker"
    worker.join()
    jobs = [get_job(wb, first), get_job(wb, second)]
    assert [j.status for j in jobs] == ["succeeded", "succeeded"]
    assert not _intervals_overlap(jobs)
    assert waits and waits[0].startswith(f"Waiting for job {first} (")


def test_a_light_job_does_not_wait(wb) -> None:  # type: ignore[no-untyped-def]
    first, worker = _heavy_job_running_in_a_thread(wb)
    light = submit(wb, "test.count", {"steps": 2, "pause": 0.01}, claimed=True)
    waits: list[str] = []
    run_in_foreground(wb, light, on_wait=waits.append)
    assert get_job(wb, first).status == "running", "the light job ran alongside"
    worker.join()
    assert waits == []


@pytest.mark.e2e  # a real worker process
def test_the_worker_process_and_the_cli_share_the_slot(wb, home: Path) -> None:  # type: ignore[no-untyped-def]
    """A real worker process: the CLI's heavy job waits for the worker's, and the worker's
    next heavy job waits for the CLI's (its message says so)."""
    env = {**os.environ, "WORKBENCH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    load_job_kinds(wb.settings.job_plugins)  # imported now, not while the worker's job runs
    by_worker = submit(wb, "test.heavy", {"steps": 100, "pause": 0.03})
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.jobs.worker"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while get_job(wb, by_worker).progress == 0:
            time.sleep(0.05)
        by_cli = submit(wb, "test.heavy", {"steps": 40, "pause": 0.02}, claimed=True)
        waits: list[str] = []
        cli = threading.Thread(
            target=run_in_foreground, args=(wb, by_cli), kwargs={"on_wait": waits.append}
        )
        cli.start()
        while get_job(wb, by_cli).progress == 0:  # the worker's job ended; the CLI's runs
            time.sleep(0.02)
        next_for_worker = submit(wb, "test.heavy", {"steps": 2, "pause": 0.01})
        seen = set()
        while get_job(wb, next_for_worker).status != "succeeded":
            seen.add(get_job(wb, next_for_worker).message)
            time.sleep(0.02)
        cli.join()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    jobs = [get_job(wb, j) for j in (by_worker, by_cli, next_for_worker)]
    assert [j.status for j in jobs] == ["succeeded"] * 3
    assert not _intervals_overlap(jobs)
    assert waits and waits[0].startswith(f"Waiting for job {by_worker} (")
    assert f"Waiting for job {by_cli} (test.heavy) to finish…" in seen


def test_cancel_stops_a_job_that_is_waiting_for_the_slot(wb) -> None:  # type: ignore[no-untyped-def]
    first, worker = _heavy_job_running_in_a_thread(wb, steps=150)  # 3 s
    waiting = submit(wb, "test.heavy", {"steps": 2, "pause": 0.01}, claimed=True)
    # Cancel as soon as it says it waits (the Cancel button of the page, `workbench jobs cancel`).
    info = run_in_foreground(wb, waiting, on_wait=lambda _m: request_cancel(wb, waiting))
    assert info.status == "cancelled"
    assert get_job(wb, first).status == "running", "cancelled while the other job still ran"
    worker.join()
