"""Team settings: from the environment or a settings file; impossible ones refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import SettingsError, load_settings


def test_local_mode_is_the_default_and_asks_for_no_approval(tmp_path: Path) -> None:
    settings = load_settings({"WORKBENCH_HOME": str(tmp_path)})
    assert (settings.mode, settings.require_approval, settings.admins) == ("local", False, ())
    settings.check()


def test_a_settings_file_gives_the_team_settings_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "workbench.toml").write_text(
        '[team]\nmode = "team"\nadmins = ["Ana@Example.com"]\n'
        '[database]\nurl = "postgresql+psycopg://wb@127.0.0.1/wb"\n'
    )
    settings = load_settings({"WORKBENCH_HOME": str(tmp_path)})
    assert settings.team_mode and settings.require_approval  # team mode: four-eyes by default
    assert settings.admins == ("ana@example.com",)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.config_file == tmp_path / "workbench.toml"
    settings.check()
    env = load_settings(
        {
            "WORKBENCH_HOME": str(tmp_path),
            "WORKBENCH_REQUIRE_APPROVAL": "no",
            "WORKBENCH_ADMINS": "",
        }
    )
    assert not env.require_approval and env.admins == ()


def test_team_mode_on_sqlite_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "workbench.toml").write_text('[team]\nmode = "team"\n')
    with pytest.raises(SettingsError, match=r"Team mode needs PostgreSQL.*workbench\.toml"):
        load_settings({"WORKBENCH_HOME": str(tmp_path)}).check()


def test_a_named_settings_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings({"WORKBENCH_HOME": str(tmp_path), "WORKBENCH_CONFIG": str(tmp_path / "x")})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WORKBENCH_MODE": "team"}, "Team mode needs PostgreSQL"),
        ({"WORKBENCH_MODE": "teams"}, "WORKBENCH_MODE is 'teams'; use one of local, team."),
    ],
)
def test_the_cli_refuses_in_one_line_with_exit_2(
    home: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["project", "list"])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
