"""Every file a command writes is checked at parse time: a missing folder is refused first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

Invoke = Callable[..., Result]


@pytest.mark.parametrize(
    "args",
    [
        ("predict", "p", "in.csv", "--out", "{missing}"),
        ("export", "p", "--out", "{missing}"),
        ("data", "profile", "p", "--out", "{missing}"),
        ("monitor", "simulate", "p", "--out", "{ok}", "--outcomes-out", "{missing}"),
        ("monitor", "simulate", "p", "--out", "{missing}", "--outcomes-out", "{ok}"),
    ],
)
def test_a_missing_out_folder_is_one_clear_line(
    cli: Invoke, tmp_path: Path, args: tuple[str, ...]
) -> None:
    assert cli("project", "create", "p").exit_code == 0
    paths = {"missing": tmp_path / "no-such-folder" / "f.out", "ok": tmp_path / "ok.out"}
    result = cli(*(a.format(**paths) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"error: Cannot write {paths['missing']}: the folder {paths['missing'].parent} does not "
        "exist. Create it first or choose another --out."
    ]
    assert not paths["ok"].exists()
