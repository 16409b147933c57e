"""Team mode: the CLI on the server machine is a named local admin, recorded by that name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main


@pytest.mark.parametrize(
    ("cli_user", "recorded"), [("ops", "cli:ops"), ("cli:ops", "cli:ops")]
)  # fmt: skip
def test_the_cli_writes_in_team_mode_as_its_named_admin(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    postgres_home_url: str,
    cli_user: str,
    recorded: str,
) -> None:
    from app.actors import SYSTEM, actor_from_key
    from app.context import open_workbench
    from app.services.projects import resolve_project
    from app.services.team import activity

    monkeypatch.setenv("WORKBENCH_MODE", "team")
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", postgres_home_url)
    monkeypatch.setenv("WORKBENCH_CLI_USER", cli_user)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output  # a handle acting for no one is refused writes
    wb = open_workbench().acting_as(SYSTEM)
    project = resolve_project(wb, "Customer churn (demo)")
    actors = {entry.actor for entry in activity.list_activity(wb, project.id)}
    assert actors == {recorded}
    # A job the CLI submits is run for the same admin (the worker rebuilds it from the key).
    assert actor_from_key(recorded).kind == "cli"
