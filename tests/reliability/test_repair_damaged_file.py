"""A damaged stored file is repaired by importing the same content again (issue 16, item 4).

``workbench verify`` names what the damaged file belongs to and how to repair it; after
``workbench data add`` of the same file it is whole again and verify is clean.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result

Invoke = Callable[..., Result]


def _dataset_file(home: Path) -> tuple[str, Path]:
    from app.context import open_workbench
    from app.services.datasets import list_versions
    from app.services.projects import resolve_project

    wb = open_workbench()
    version = list_versions(wb, resolve_project(wb, "Repair").id)[0]
    return version.sha256, wb.artifacts.path(version.sha256)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_reimport_repairs_a_damaged_dataset_file(
    cli: Invoke, home: Path, tmp_path: Path, damage: str
) -> None:
    csv = tmp_path / "table.csv"
    pd.DataFrame({"x": range(40), "y": [i % 2 for i in range(40)]}).to_csv(csv, index=False)
    assert cli("project", "create", "Repair").exit_code == 0
    assert cli("data", "add", "Repair", csv).exit_code == 0
    sha, path = _dataset_file(home)

    data = bytearray(path.read_bytes())
    if damage == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    else:
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    damaged = cli("verify", "--json")
    assert damaged.exit_code == 1
    problems = json.loads(damaged.output)["problems"]
    assert [p["sha256"] for p in problems] == [sha]
    (problem,) = problems
    assert any("Repair" in use and "dataset version 1" in use for use in problem["used_by"])
    assert "workbench data add" in problem["fix"]
    text = cli("verify")
    assert "project 'Repair'" in text.output and "dataset version 1" in text.output

    again = cli("data", "add", "Repair", csv)
    assert again.exit_code == 0, again.output

    assert cli("verify", "--json").exit_code == 0, "re-importing the same content repairs it"
    assert path.stat().st_size == len(data)
