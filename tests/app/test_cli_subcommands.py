"""`runs` and `registry` have real subcommands; the old `runs PROJECT` / `registry PROJECT` still list."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

Invoke = Callable[..., Result]


@pytest.mark.parametrize("group", ["runs", "registry"])
def test_a_project_named_show_or_promote_can_be_listed(cli: Invoke, group: str) -> None:
    for name in ("show", "champion", "promote"):
        assert cli("project", "create", name).exit_code == 0
        listed = cli(group, "list", name, "--json")
        assert listed.exit_code == 0, listed.output
        assert json.loads(listed.output) == []


@pytest.mark.parametrize("group", ["runs", "registry"])
def test_the_old_invocation_still_lists(cli: Invoke, group: str) -> None:
    assert cli("project", "create", "p").exit_code == 0
    for args in (("p", "--json"), ("--json", "p")):
        listed = cli(group, *args)
        assert listed.exit_code == 0, listed.output
        assert json.loads(listed.output) == []


def test_an_unknown_project_is_one_clear_line(cli: Invoke) -> None:
    result = cli("runs", "list", "nope")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: No project named or numbered 'nope'. Known projects: none yet. "
        "Create one with `workbench project create NAME`."
    ]


def test_runs_show_needs_a_run_number(cli: Invoke) -> None:
    result = cli("runs", "show", "twelve")
    assert result.exit_code == 2
    assert "twelve" in result.output
