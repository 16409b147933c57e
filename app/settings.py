"""Process-wide settings, read once from the environment.

Why one place: every entry point (CLI, Streamlit, worker, tests) must agree on
where the database and artifacts live, and tests isolate themselves by setting
``WORKBENCH_HOME`` before anything is read.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError
from core.safe_yaml import MAX_YAML_ALIASES, MAX_YAML_BYTES, MAX_YAML_DEPTH, YamlLimits

#: Default port of the browser app.
DEFAULT_PORT = 8501


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    #: Largest upload accepted, in megabytes (also written to Streamlit's config).
    max_upload_mb: int = 1024
    #: A running job whose heartbeat is older than this is considered dead.
    stale_job_seconds: float = 30.0
    #: How often a running job writes its heartbeat.
    heartbeat_seconds: float = 2.0
    #: Extra modules whose import registers job kinds (comma-separated), for plugins and tests.
    job_plugins: tuple[str, ...] = ()
    #: Start a background worker from the app when none runs (off in page tests).
    autostart_worker: bool = True
    #: A deleted project stays in the trash (restorable) this many days, then is purged.
    trash_days: float = 7.0
    #: Garbage collection never removes a stored file younger than this: the row naming
    #: it may not be committed yet.
    gc_grace_seconds: float = 3600.0
    #: Folders whose files may be read by path on the server (a monitor log file, a SQLite
    #: source); ``None`` when ``WORKBENCH_DATA_DIRS`` is not set (see ``app.services.data_dirs``).
    data_dirs: tuple[Path, ...] | None = None
    #: The address the browser app listens on; ``workbench ui`` sets it for its processes.
    server_address: str = "localhost"
    #: Bounds of every YAML document read (goal files): size, aliases, nesting depth.
    max_yaml_bytes: int = MAX_YAML_BYTES
    max_yaml_aliases: int = MAX_YAML_ALIASES
    max_yaml_depth: int = MAX_YAML_DEPTH
    #: "local" (one implicit user, no sign-in) or "team" (OpenID Connect sign-in, roles).
    mode: str = "local"
    #: E-mails that are workspace admins in team mode (besides the first user to sign in).
    admins: tuple[str, ...] = ()
    #: A production promotion needs a second person's approval (team mode default: yes).
    require_approval: bool = False
    #: The name the CLI acts under on the server machine (always a workspace admin).
    cli_user: str = "cli"
    #: Where the settings file was read from, if any (shown in messages).
    config_file: Path | None = None

    @property
    def team_mode(self) -> bool:
        return self.mode == "team"

    @property
    def yaml_limits(self) -> YamlLimits:
        return YamlLimits(
            max_bytes=self.max_yaml_bytes,
            max_aliases=self.max_yaml_aliases,
            max_depth=self.max_yaml_depth,
        )

    #: A SQL source query is refused when it returns more rows than this.
    sql_max_rows: int = 5_000_000
    #: A SQL source query running longer than this many seconds is stopped.
    sql_timeout_seconds: float = 120.0
    #: A SQL source result larger than this (approximate, in megabytes) is refused.
    sql_max_mb: float = 1024.0
    #: A single value (text or blob) in a SQL source result larger than this is refused.
    sql_max_value_mb: float = 16.0

    @property
    def artifacts_dir(self) -> Path:
        return self.home / "artifacts"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def beyond_localhost(self) -> bool:
        """True when others on the network can reach the app."""
        return not is_loopback(self.server_address)

    def check(self) -> None:
        """Refuse settings no server should start with (raises :class:`SettingsError`)."""
        if self.mode not in MODES:
            raise SettingsError(
                f"WORKBENCH_MODE is {self.mode!r}; use one of {', '.join(MODES)}."
                + _from_file(self)
            )
        if self.team_mode and self.is_sqlite:
            raise SettingsError(
                "Team mode needs PostgreSQL: SQLite is for one machine and one person. "
                "Set WORKBENCH_DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB "
                "(README: Team mode)." + _from_file(self)
            )


MODES = ("local", "team")


class SettingsError(UserError):
    """The environment or the settings file asks for something that cannot work."""


def _from_file(settings: Settings) -> str:
    return f" (settings file: {settings.config_file})" if settings.config_file else ""


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (``localhost``, 127.x, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost, or "" (every interface)
        return False


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from environment variables (``os.environ`` by default).

    A settings file (``WORKBENCH_CONFIG``, else ``WORKBENCH_HOME/workbench.toml`` when it
    exists) gives the team settings; an environment variable wins over the file.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get("WORKBENCH_HOME") or Path.home() / ".workbench").expanduser().resolve()
    config_file, file_values = _read_config(env, home)
    team = file_values.get("team", {})
    database_url = (
        env.get("WORKBENCH_DATABASE_URL")
        or file_values.get("database", {}).get("url")
        or f"sqlite:///{home / 'workbench.db'}"
    )
    mode = str(env.get("WORKBENCH_MODE") or team.get("mode") or "local").strip().lower()
    admins = env.get("WORKBENCH_ADMINS")
    admin_list = admins.split(",") if admins is not None else list(team.get("admins", []))
    approval = env.get("WORKBENCH_REQUIRE_APPROVAL")
    require_approval = (
        _truthy(approval)
        if approval is not None
        else bool(team.get("require_approval", mode == "team"))
    )
    max_upload_mb = int(env.get("WORKBENCH_MAX_UPLOAD_MB", "1024"))
    plugins = tuple(p.strip() for p in env.get("WORKBENCH_JOB_PLUGINS", "").split(",") if p.strip())
    return Settings(
        home=home,
        database_url=database_url,
        max_upload_mb=max_upload_mb,
        stale_job_seconds=float(env.get("WORKBENCH_STALE_JOB_SECONDS", "30")),
        heartbeat_seconds=float(env.get("WORKBENCH_HEARTBEAT_SECONDS", "2")),
        job_plugins=plugins,
        autostart_worker=env.get("WORKBENCH_AUTOSTART_WORKER", "1") not in ("0", "false", "no"),
        trash_days=float(env.get("WORKBENCH_TRASH_DAYS", "7")),
        gc_grace_seconds=float(env.get("WORKBENCH_GC_GRACE_SECONDS", "3600")),
        data_dirs=_data_dirs(env.get("WORKBENCH_DATA_DIRS")),
        server_address=env.get("WORKBENCH_SERVER_ADDRESS", "localhost"),
        max_yaml_bytes=int(env.get("WORKBENCH_MAX_YAML_BYTES", MAX_YAML_BYTES)),
        max_yaml_aliases=int(env.get("WORKBENCH_MAX_YAML_ALIASES", MAX_YAML_ALIASES)),
        max_yaml_depth=int(env.get("WORKBENCH_MAX_YAML_DEPTH", MAX_YAML_DEPTH)),
        sql_max_rows=int(env.get("WORKBENCH_SQL_MAX_ROWS", "5000000")),
        sql_timeout_seconds=float(env.get("WORKBENCH_SQL_TIMEOUT_SECONDS", "120")),
        sql_max_mb=float(env.get("WORKBENCH_SQL_MAX_MB") or max_upload_mb),
        sql_max_value_mb=float(env.get("WORKBENCH_SQL_MAX_VALUE_MB", "16")),
        mode=mode,
        admins=tuple(sorted({a.strip().lower() for a in admin_list if str(a).strip()})),
        require_approval=require_approval,
        cli_user=env.get("WORKBENCH_CLI_USER") or f"cli:{getpass.getuser()}",
        config_file=config_file,
    )


def _truthy(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off", "")


def _read_config(env: Mapping[str, str], home: Path) -> tuple[Path | None, dict[str, Any]]:
    """The settings file's tables, or nothing when there is no file."""
    named = env.get("WORKBENCH_CONFIG")
    path = Path(named).expanduser() if named else home / "workbench.toml"
    if not named and not path.exists():
        return None, {}
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except FileNotFoundError as error:
        raise SettingsError(f"WORKBENCH_CONFIG names {path}, which does not exist.") from error
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"The settings file {path} cannot be read: {error}") from error
    return path, values


def _data_dirs(value: str | None) -> tuple[Path, ...] | None:
    if value is None or not value.strip():
        return None
    parts = (p.strip() for p in value.split(os.pathsep))
    return tuple(Path(p).expanduser().resolve() for p in parts if p)
