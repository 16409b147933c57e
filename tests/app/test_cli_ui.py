"""`workbench ui --open` must not depend on a terminal: Streamlit always runs headless."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import app.cli.ui as cli_ui
from app.cli import main


@pytest.fixture(autouse=True)
def _restore_server_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """`workbench ui` sets WORKBENCH_SERVER_ADDRESS (and with --team WORKBENCH_MODE) in
    os.environ for its worker; undo it after each test, so no later test runs in team mode."""
    for name in ("WORKBENCH_SERVER_ADDRESS", "WORKBENCH_MODE"):
        monkeypatch.setenv(name, "")  # records the value before the test, restored after it
        monkeypatch.delenv(name)


class _FakeProcess:
    def __init__(self, command, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        self.command = command

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_open_flag_keeps_streamlit_headless(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    opened: list[str] = []

    def fake_popen(command, **kwargs):  # type: ignore[no-untyped-def]
        started.append(command)
        return _FakeProcess(command)

    monkeypatch.setattr(cli_ui.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(cli_ui, "_open_when_ready", opened.append)
    monkeypatch.setattr("app.jobs.worker.worker_running", lambda wb: True)
    result = CliRunner().invoke(main, ["ui", "--port", "8599", "--open"])
    assert result.exit_code == 0, result.output
    streamlit = next(c for c in started if "streamlit" in c)
    assert streamlit[streamlit.index("--server.headless") + 1] == "true"
    assert opened == ["http://localhost:8599"]


# -- issue 16 item 14: no accounts yet, so listening beyond localhost is an explicit choice ------


def _fake_servers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict]]:
    started: list[tuple[list[str], dict]] = []

    def fake_popen(command, **kwargs):  # type: ignore[no-untyped-def]
        started.append((command, kwargs))
        return _FakeProcess(command)

    monkeypatch.setattr(cli_ui.subprocess, "Popen", fake_popen)
    monkeypatch.setattr("app.jobs.worker.worker_running", lambda wb: True)
    return started


@pytest.mark.parametrize(
    ("host", "refused"),
    [("0.0.0.0", True), ("192.168.1.20", True), ("::", True), ("example.org", True),
     ("localhost", False), ("127.0.0.1", False), ("::1", False)],
)  # fmt: skip
def test_binding_beyond_localhost_is_refused_without_allow_anyone(
    home: Path, monkeypatch: pytest.MonkeyPatch, host: str, refused: bool
) -> None:
    started = _fake_servers(monkeypatch)
    result = CliRunner().invoke(main, ["ui", "--host", host, "--port", "8599"])
    if refused:
        assert result.exit_code == 2, result.output
        assert "--allow-anyone" in result.output and "no accounts" in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert started == []  # neither the app nor a worker was started
    else:
        assert result.exit_code == 0, result.output
        assert "WARNING" not in result.output
        kwargs = next(k for c, k in started if "streamlit" in c)
        assert kwargs["env"]["WORKBENCH_SERVER_ADDRESS"] == host


def test_allow_anyone_starts_with_a_loud_warning(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _fake_servers(monkeypatch)
    result = CliRunner().invoke(
        main, ["ui", "--host", "0.0.0.0", "--port", "8599", "--allow-anyone"]
    )
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.output and "anyone" in result.output
    assert "WORKBENCH_DATA_DIRS" in result.output
    command, kwargs = next((c, k) for c, k in started if "streamlit" in c)
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    assert kwargs["env"]["WORKBENCH_SERVER_ADDRESS"] == "0.0.0.0"
    assert cli_ui.os.environ["WORKBENCH_SERVER_ADDRESS"] == "0.0.0.0"  # the worker inherits it


def test_every_page_shows_the_banner_when_the_app_listens_beyond_localhost(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    main_py = str(Path(cli_ui.REPO_ROOT) / "app" / "main.py")
    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "0.0.0.0")
    at = AppTest.from_file(main_py, default_timeout=30).run()
    assert not at.exception
    assert any("no accounts" in w.value and "anyone" in w.value for w in at.warning)

    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "localhost")
    at = AppTest.from_file(main_py, default_timeout=30).run()
    assert not at.exception
    assert not any("no accounts" in w.value for w in at.warning)


# -- issue 18: team mode signs everyone in, so it may listen beyond localhost -----------------

#: Team mode refuses SQLite before anything is opened; the refusals below stop before the
#: database is reached, so an address where nothing listens is enough for them.
NOWHERE_POSTGRES = "postgresql+psycopg://nobody@127.0.0.1:9/none"


def _auth_file(path: Path, *, drop: tuple[str, ...] = (), **values: str) -> Path:
    from app.auth_secrets import AUTH_KEYS

    table = {key: f"value-of-{key}" for key in AUTH_KEYS}
    table["redirect_uri"] = "http://127.0.0.1:8599/oauth2callback"
    table.update(values)
    lines = [f'{key} = "{value}"' for key, value in table.items() if key not in drop]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[auth]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def no_usual_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Streamlit's usual secrets.toml places, both empty: a fake home and a fake app folder."""
    user_home, app_folder = tmp_path / "user", tmp_path / "app"
    user_home.mkdir()
    app_folder.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.setattr(cli_ui, "REPO_ROOT", app_folder)
    monkeypatch.delenv("WORKBENCH_MODE", raising=False)
    return user_home / ".streamlit" / "secrets.toml", app_folder / ".streamlit" / "secrets.toml"


def _refused(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, (word, result.output)


def test_team_mode_on_sqlite_is_refused(
    home: Path, no_usual_secrets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _fake_servers(monkeypatch)
    _auth_file(no_usual_secrets[1])
    result = CliRunner().invoke(main, ["ui", "--team", "--port", "8599"])
    _refused(result, "Team mode needs PostgreSQL", "WORKBENCH_DATABASE_URL")
    assert started == []


def test_team_mode_without_an_auth_section_is_refused_naming_the_keys_and_places(
    home: Path, no_usual_secrets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.auth_secrets import AUTH_KEYS

    started = _fake_servers(monkeypatch)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", NOWHERE_POSTGRES)
    user_file, app_file = no_usual_secrets
    app_file.parent.mkdir()
    app_file.write_text('[other]\nkey = "x"\n', encoding="utf-8")  # a secrets file, no [auth]
    result = CliRunner().invoke(main, ["ui", "--team", "--host", "0.0.0.0", "--port", "8599"])
    _refused(result, "[auth]", "--secrets FILE", str(user_file), str(app_file), *AUTH_KEYS)
    assert started == []


@pytest.mark.parametrize(
    ("drop", "values", "words"),
    [
        (("client_secret", "server_metadata_url"), {}, ("lacks client_secret, server_metadata_url",)),
        ((), {"cookie_secret": "  "}, ("lacks cookie_secret",)),
        ((), {"redirect_uri": "http://127.0.0.1:8599/"}, ("redirect_uri", "/oauth2callback")),
    ],
)  # fmt: skip
def test_an_incomplete_auth_section_is_refused(
    home: Path,
    tmp_path: Path,
    no_usual_secrets: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    drop: tuple[str, ...],
    values: dict[str, str],
    words: tuple[str, ...],
) -> None:
    started = _fake_servers(monkeypatch)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", NOWHERE_POSTGRES)
    secrets = _auth_file(tmp_path / "elsewhere" / "secrets.toml", drop=drop, **values)
    result = CliRunner().invoke(main, ["ui", "--team", "--secrets", str(secrets)])
    _refused(result, str(secrets), *words)
    assert started == []


def test_a_missing_secrets_file_is_refused(
    home: Path, tmp_path: Path, no_usual_secrets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _fake_servers(monkeypatch)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", NOWHERE_POSTGRES)
    missing = tmp_path / "typo" / "secrets.toml"
    result = CliRunner().invoke(main, ["ui", "--team", "--secrets", str(missing)])
    _refused(result, str(missing), "not a file")
    assert started == []


def test_secrets_without_team_mode_is_refused(
    home: Path, tmp_path: Path, no_usual_secrets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _fake_servers(monkeypatch)
    secrets = _auth_file(tmp_path / "secrets.toml")
    result = CliRunner().invoke(main, ["ui", "--secrets", str(secrets)])
    _refused(result, "--team")
    assert started == []


def test_team_mode_listens_beyond_localhost_without_allow_anyone(
    home: Path,
    tmp_path: Path,
    no_usual_secrets: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    postgres_home_url: str,
) -> None:
    started = _fake_servers(monkeypatch)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", postgres_home_url)
    secrets = _auth_file(tmp_path / "elsewhere" / "secrets.toml")
    result = CliRunner().invoke(
        main, ["ui", "--team", "--host", "0.0.0.0", "--port", "8599", "--secrets", str(secrets)]
    )
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output and "team mode" in result.output
    command, kwargs = next((c, k) for c, k in started if "streamlit" in c)
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    assert command[command.index("--secrets.files") + 1] == str(secrets)
    assert kwargs["env"]["WORKBENCH_MODE"] == "team"  # the app and the worker run team mode
    assert kwargs["env"]["WORKBENCH_DATABASE_URL"] == postgres_home_url


def test_team_mode_uses_the_auth_section_where_streamlit_looks(
    home: Path,
    no_usual_secrets: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    postgres_home_url: str,
) -> None:
    """Settings from the file (not --team): the later of Streamlit's usual places wins."""
    started = _fake_servers(monkeypatch)
    config = home.parent / "workbench.toml"
    config.write_text(f'[team]\nmode = "team"\n[database]\nurl = "{postgres_home_url}"\n')
    monkeypatch.setenv("WORKBENCH_CONFIG", str(config))
    user_file, app_file = no_usual_secrets
    _auth_file(user_file, drop=("client_secret",))  # incomplete, but overridden by the next
    _auth_file(app_file)
    result = CliRunner().invoke(main, ["ui", "--port", "8599"])
    assert result.exit_code == 0, result.output
    command = next(c for c, _k in started if "streamlit" in c)
    assert command[command.index("--secrets.files") + 1] == str(app_file)


def test_local_mode_passes_no_secrets_to_streamlit(
    home: Path, no_usual_secrets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _fake_servers(monkeypatch)
    result = CliRunner().invoke(main, ["ui", "--port", "8599"])
    assert result.exit_code == 0, result.output
    assert "local mode" in result.output
    command = next(c for c, _k in started if "streamlit" in c)
    assert "--secrets.files" not in command


def test_the_open_server_banner_is_not_shown_in_team_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from app.ui.sidebar import open_server_banner

        open_server_banner()

    monkeypatch.setenv("WORKBENCH_SERVER_ADDRESS", "0.0.0.0")
    monkeypatch.setenv("WORKBENCH_MODE", "local")
    assert len(AppTest.from_function(page).run().warning) == 1
    monkeypatch.setenv("WORKBENCH_MODE", "team")
    at = AppTest.from_function(page).run()
    assert not at.exception and len(at.warning) == 0
