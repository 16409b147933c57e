"""YAML bombs are refused with one line naming the limit: CLI `goal set` exits 2, the Goal page's import shows it.

Before: a billion-laughs file ran past a 20 s timeout at 1.06 GB RSS (5.6 GB in 60 s), 5,000-deep
nesting exited 1 with "Unexpected error (RecursionError)".
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import UserError
from app.services.goals import parse_goal_yaml
from core.safe_yaml import MAX_YAML_ALIASES, MAX_YAML_BYTES, MAX_YAML_DEPTH

REPO = Path(__file__).resolve().parents[2]


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\nname: *a9\n"


BOMBS = {
    "aliases": (_billion_laughs(), f"more than {MAX_YAML_ALIASES} YAML aliases"),
    "depth": (
        "name: x\nrisks: " + "[" * 5000 + "]" * 5000 + "\n",
        f"deeper than {MAX_YAML_DEPTH} levels",
    ),
    "size": ("name: " + "x" * (MAX_YAML_BYTES + 10) + "\n", f"limited to {MAX_YAML_BYTES:,} bytes"),
}


def _limit_memory() -> None:  # the unfixed loader would otherwise eat the shared machine
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))


def _workbench(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKBENCH_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=_limit_memory,
    )


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_cli_goal_set_refuses_the_bomb_with_exit_2(home: Path, tmp_path: Path, kind: str) -> None:
    text, expected = BOMBS[kind]
    bomb = tmp_path / f"{kind}.yaml"
    bomb.write_text(text, encoding="utf-8")
    assert _workbench(home, "project", "create", "victim").returncode == 0
    result = _workbench(home, "goal", "set", "victim", str(bomb))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Unexpected" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(bomb) in result.stderr


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_goal_page_import_refuses_the_bomb(kind: str) -> None:
    """The Goal page's "Import a goal YAML file" calls this same parser on the uploaded bytes."""
    text, expected = BOMBS[kind]
    with pytest.raises(UserError, match=expected):
        parse_goal_yaml(text.encode("utf-8"), source="upload.yaml")


def test_goal_page_uses_the_bounded_parser() -> None:
    source = (REPO / "app" / "ui" / "goal" / "panels.py").read_text(encoding="utf-8")
    assert "goal_service.parse_goal_yaml(" in source and "yaml.safe_load" not in source
