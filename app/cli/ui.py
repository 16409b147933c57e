"""`workbench demo`, `workbench ui` (the browser app and its supervised worker), `workbench worker`."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.params import emit_json, json_option, pass_workbench, workbench
from app.cli.projects import project_json
from app.errors import UserError

if TYPE_CHECKING:
    from app.context import Workbench
    from app.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
#: How often `workbench ui` checks that its worker is alive.
SUPERVISE_SECONDS = 1.0


@click.command()
@json_option
@pass_workbench
def demo(wb: Workbench, as_json: bool) -> None:
    """Create the demo project if it is missing (safe to run again)."""
    from app.services.demo import ensure_demo_project

    info, created = ensure_demo_project(wb)
    if as_json:
        emit_json({**project_json(wb, info), "created": created})
    else:
        verb = "Created" if created else "Found"
        click.echo(f"{verb} demo project {info.id}: {info.name}")


@click.command()
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--host", default="localhost", show_default=True, help="Address to listen on.")
@click.option("--open/--no-open", "open_browser", default=False, help="Open a browser tab.")
@click.option(
    "--allow-anyone",
    is_flag=True,
    help="Listen beyond localhost although the app has no accounts: anyone who can reach "
    "the address can see and change every project (local mode only).",
)
@click.option(
    "--team",
    is_flag=True,
    help="Team mode (like WORKBENCH_MODE=team): people sign in with OpenID Connect and hold "
    "roles per project. Needs PostgreSQL and an [auth] section in a secrets.toml.",
)
@click.option(
    "--secrets",
    "secrets_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Team mode: the secrets.toml holding Streamlit's [auth] section "
    "(default: ~/.streamlit/secrets.toml, then .streamlit/secrets.toml in the app's folder).",
)
def ui(
    port: int,
    host: str,
    open_browser: bool,
    allow_anyone: bool,
    team: bool,
    secrets_file: Path | None,
) -> None:
    """Serve the browser app and its job worker until Ctrl+C; both stop together.

    The worker is supervised: if it dies (even by kill -9) it is reaped, the job it was
    running is marked interrupted, and a new worker starts within about a second.
    In team mode every visitor signs in, so the app may listen beyond localhost.
    """
    from app.jobs.worker import WorkerSupervisor
    from app.settings import is_loopback

    if team:
        os.environ["WORKBENCH_MODE"] = "team"  # the app and the worker read the same mode
    settings = _checked_settings()
    if secrets_file is not None and not settings.team_mode:
        raise UserError(
            "--secrets holds team mode's sign-in settings; add --team (or WORKBENCH_MODE=team)."
        )
    auth_file = _team_auth_file(secrets_file) if settings.team_mode else None
    beyond = not is_loopback(host)
    if beyond and not allow_anyone and not settings.team_mode:
        raise UserError(
            f"Refusing to listen on {host!r}: the app has no accounts, so anyone who can reach "
            "it could see and change every project; use --host localhost, add --team "
            "(sign-in, README: Team mode), or add --allow-anyone to accept that."
        )
    # The app, and the worker this process starts, judge server-side paths by it.
    os.environ["WORKBENCH_SERVER_ADDRESS"] = host
    wb = workbench()  # opened after the address is set
    if beyond and not settings.team_mode:
        click.secho(
            f"WARNING: listening on {host} with no accounts: anyone who can reach "
            f"port {port} can see, change and delete every project. Server-side files are "
            f"read only under WORKBENCH_DATA_DIRS (now: {os.environ.get('WORKBENCH_DATA_DIRS') or 'none'}).",
            fg="red",
            bold=True,
            err=True,
        )
    env = {
        **os.environ,
        "WORKBENCH_HOME": str(wb.settings.home),
        "WORKBENCH_DATABASE_URL": wb.settings.database_url,
        # This process supervises the worker; the app must not start detached ones of its own.
        "WORKBENCH_AUTOSTART_WORKER": "0",
    }
    supervisor = WorkerSupervisor(wb)
    supervisor.check(wait_seconds=15)
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app" / "main.py"),
        "--server.port", str(port),
        "--server.address", host,
        # Always headless: a non-headless Streamlit asks for an e-mail on first start and
        # fails without a terminal; the browser tab is opened here instead.
        "--server.headless", "true",
        "--server.maxUploadSize", str(wb.settings.max_upload_mb),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    if auth_file is not None:  # exactly the file checked above, wherever Streamlit would look
        command += ["--secrets.files", str(auth_file)]
    mode = f"team mode, sign-in settings from {auth_file}" if auth_file else "local mode"
    click.echo(f"Lifecycle Workbench on http://{host}:{port}  ({mode}; data in {wb.settings.home})")
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    if open_browser:
        _open_when_ready(f"http://{host}:{port}")

    def on_sigterm(*_args: object) -> None:
        # Unwind the loop below; stopping inside the handler would wait on a locked Popen.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    code = 0
    try:
        while (status := server.poll()) is None:
            try:
                supervisor.check()
            except Exception:  # supervising must never take the app down; retry next tick
                logging.getLogger("workbench.cli").exception("worker supervision failed")
            time.sleep(SUPERVISE_SECONDS)
        code = status
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
        supervisor.stop()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    sys.exit(code)


def _checked_settings() -> Settings:
    """The settings this server would start with (a ``SettingsError`` is one line, exit 2)."""
    from app.settings import load_settings

    settings = load_settings()
    settings.check()  # team mode on SQLite, an unknown mode
    return settings


def _team_auth_file(explicit: Path | None) -> Path:
    """The secrets.toml with a complete [auth] section: team mode cannot sign anyone in without."""
    from app.auth_secrets import find_auth_secrets, usual_secrets_files

    return find_auth_secrets(explicit, usual_secrets_files(REPO_ROOT))


def _open_when_ready(url: str, timeout: float = 60.0) -> None:
    """Open a browser tab once the app answers (no-op where there is no browser)."""
    import urllib.request  # only `ui --open` needs them; they would slow every command's start
    import webbrowser

    def wait_and_open() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    webbrowser.open(url)
                    return
            except OSError:
                time.sleep(0.3)

    threading.Thread(target=wait_and_open, daemon=True).start()


@click.command(hidden=True)
def worker() -> None:
    """Run the job worker in the foreground (started automatically by `workbench ui`)."""
    from app.jobs.worker import main as worker_main

    worker_main()


COMMANDS = [demo, ui, worker]
