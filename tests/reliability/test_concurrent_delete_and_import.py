"""Deletes and imports at the same time, in threads and in another process: nothing is lost.

Issue 16, item 1: deleting a project used to collect garbage with no grace period, so
files of imports still in flight (stored, row not yet committed) vanished: 4 of 15 imports
failed, 2 stored dataset files were lost and `verify` found 5 files missing. Now a delete
only moves the project to the trash, and emptying the trash (here, right after each delete)
collects garbage with the real grace period.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from app.services import datasets
from app.services.projects import create_project, delete_project, empty_trash, list_trash

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = 5  # per importer
DELETES = 5  # per deleter


def _csv(tag: str, index: int) -> bytes:
    rows = "\n".join(f"{i},{tag}-{index}-{i},{(i * 7) % 3}" for i in range(150))
    return f"id,label,target\n{rows}\n".encode()


def _import(wb, project_id: int, content: bytes, filename: str) -> str:  # type: ignore[no-untyped-def]
    """Upload-style import run here; returns the job's status (or the exception's name)."""
    from app.jobs.runner import run_in_foreground

    try:
        job_id = datasets.submit_file_import(wb, project_id, content, filename=filename)
        return run_in_foreground(wb, job_id).status
    except Exception as error:  # counted as a failed import
        return f"{type(error).__name__}: {error}"


def _importer(wb, name: str, results: list[str]) -> None:  # type: ignore[no-untyped-def]
    project = create_project(wb, name)
    for index in range(IMPORTS):
        results.append(_import(wb, project.id, _csv(name, index), f"{name}-{index}.csv"))


def _deleter(wb, name: str, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    for index in range(DELETES):
        try:
            project = create_project(wb, f"{name} {index}")
            _import(wb, project.id, _csv(f"{name}-doomed", index), "doomed.csv")
            delete_project(wb, project.id, confirm_name=project.name)
            empty_trash(wb)  # deletes rows, then collects garbage while others import
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")


SUBPROCESS = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from app.context import open_workbench
    from tests.reliability import test_concurrent_delete_and_import as t
    wb = open_workbench()
    results, errors = [], []
    t._importer(wb, "Process keeper", results)
    t._deleter(wb, "Process throwaway", errors)
    print(json.dumps({"results": results, "errors": errors}))
    """
)


def test_concurrent_deletes_and_imports_lose_nothing(wb, home: Path) -> None:  # type: ignore[no-untyped-def]
    results: list[str] = []
    errors: list[str] = []
    process = subprocess.Popen(
        [sys.executable, "-c", SUBPROCESS, str(ROOT)],
        cwd=ROOT,
        env={**os.environ, "WORKBENCH_HOME": str(home), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    threads = [
        threading.Thread(target=_importer, args=(wb, "Keeper A", results)),
        threading.Thread(target=_importer, args=(wb, "Keeper B", results)),
        threading.Thread(target=_deleter, args=(wb, "Throwaway A", errors)),
        threading.Thread(target=_deleter, args=(wb, "Throwaway B", errors)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    out, _ = process.communicate(timeout=600)
    child = json.loads(out.strip().splitlines()[-1])
    results += child["results"]
    errors += child["errors"]

    failed_imports = [r for r in results if r != "succeeded"]
    lost = []
    for name in ("Keeper A", "Keeper B", "Process keeper"):
        project = next(p for p in _projects(wb) if p.name == name)
        for version in datasets.list_versions(wb, project.id):
            if not wb.artifacts.exists(version.sha256):
                lost.append(f"{name} v{version.version}")
    verify = CliRunner().invoke(main, ["verify", "--json"], catch_exceptions=False)
    problems = json.loads(verify.output)["problems"]
    print(f"failed imports {len(failed_imports)}, lost files {len(lost)}, damaged {len(problems)}")
    assert failed_imports == [] and errors == []
    assert lost == []
    assert problems == [] and verify.exit_code == 0
    assert list_trash(wb) == []  # every throwaway project was deleted for good
    assert sorted(p.name for p in _projects(wb)) == ["Keeper A", "Keeper B", "Process keeper"]


def _projects(wb):  # type: ignore[no-untyped-def]
    from app.services.projects import list_projects

    return list_projects(wb)
