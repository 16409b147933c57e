"""One throwaway PostgreSQL cluster per test session, and a fresh database per test.

Why our own and not a system service: the suite must run on a fresh CI machine and on a
laptop without touching any server that is already there. The cluster lives in a temporary
folder, listens on 127.0.0.1 at a free port (its socket in that folder too), runs with
``fsync=off`` (nothing in it needs to survive a crash) and is stopped at the end of the
session. ``initdb`` refuses to run as root, so as root the cluster runs as an unprivileged
user (``postgres`` when it exists, else ``nobody``) owning the folder.

When the binaries are missing a test needing the cluster is skipped, unless ``CI=1`` or
``WORKBENCH_REQUIRE_POSTGRES=1``: then it fails, so CI cannot pass by silently skipping.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: The superuser of the throwaway cluster (trust authentication on 127.0.0.1 only).
SUPERUSER = "workbench"
_START_TIMEOUT_SECONDS = 60


def postgres_required() -> bool:
    """CI (or a developer who asks) must run the PostgreSQL tests, never skip them."""
    return any(
        os.environ.get(name, "") not in ("", "0") for name in ("CI", "WORKBENCH_REQUIRE_POSTGRES")
    )


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's versioned folders."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unprivileged_user() -> str | None:
    """The user the cluster runs as when we are root (``None``: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


@dataclass
class Cluster:
    """A running throwaway cluster; ``url(db)`` names one of its databases."""

    bin_dir: Path
    folder: Path
    port: int
    run_as: str | None
    _names: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(
            command, cwd=self.folder, capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({result.returncode}): {result.stderr or result.stdout}"
            )

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data_dir),
            "-w",
            "-t",
            str(_START_TIMEOUT_SECONDS),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
        )

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def create_database(self, *, template: str = "template0") -> str:
        """A new empty database (from ``template0``, or a copy of ``template``); returns its name."""
        name = f"wb_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name`` even if a connection (a leaked pool, a worker) is still open."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_cluster() -> Cluster:
    """Start a cluster, or skip (fail under CI) when PostgreSQL is not installed."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) not found: make postgresql installs them"
        if postgres_required():
            pytest.fail(f"{message} (required: CI or WORKBENCH_REQUIRE_POSTGRES is set)")
        pytest.skip(message)
    run_as = _unprivileged_user()
    folder = Path(tempfile.mkdtemp(prefix="wb-postgres-"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bin_dir=bin_dir, folder=folder, port=_free_port(), run_as=run_as)
    try:
        cluster.start()
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    try:
        cluster.stop()
    finally:
        shutil.rmtree(cluster.folder, ignore_errors=True)
