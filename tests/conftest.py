"""Every test gets its own WORKBENCH_HOME; nothing touches the user's home.

A session-level guard asserts it: the user's ``~/.workbench`` is unchanged at the end,
no test used the workbench without the ``home`` fixture (such a test lands in a
sentinel folder instead of the real home), and no process a test started is still alive.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


#: The database backends a module marked ``pytest.mark.backends`` runs on.
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backends: run each test on SQLite and on a throwaway PostgreSQL (the `backend` fixture)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``backends`` that uses a database (``home``, ``db_url``) runs on each one."""
    if metafunc.definition.get_closest_marker("backends") and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test: SQLite unless the test is marked ``backends``."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the session (skipped, or failed under CI, if absent)."""
    from tests.helpers.postgres import start_cluster, stop_cluster

    cluster = start_cluster()
    yield cluster
    stop_cluster(cluster)


@pytest.fixture
def postgres_url(postgres_cluster: Any) -> Iterator[str]:
    """A fresh, empty database of the session's cluster, dropped after the test."""
    from app.context import close_all

    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    close_all()  # the test's engines hold connections to it
    postgres_cluster.drop_database(name)


@pytest.fixture(scope="session")
def postgres_migrated_template(postgres_cluster: Any) -> str:
    """A database at the newest schema, for tests that copy it (``create_database(template=)``)
    instead of migrating (the browser tests' servers)."""
    from storage.db import create_db_engine
    from storage.migrate import upgrade

    name = postgres_cluster.create_database()
    engine = create_db_engine(postgres_cluster.url(name))
    upgrade(engine)
    engine.dispose()  # a template must have no connections
    return str(name)


@pytest.fixture
def postgres_home_url(postgres_url: str) -> str:
    """A fresh database for a test that points its home at PostgreSQL itself (team mode);
    the workbench migrates it on first open."""
    return postgres_url


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of this test's backend, as a SQLAlchemy URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'wb.db'}"


@pytest.fixture
def home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest
) -> Path:
    path = tmp_path / "wbhome"
    monkeypatch.setenv("WORKBENCH_HOME", str(path))
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")  # empty: the workbench migrates it
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", str(url))
    monkeypatch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
    monkeypatch.setenv("WORKBENCH_JOB_PLUGINS", "tests.helpers.jobs_plugin")
    monkeypatch.setenv("WORKBENCH_HEARTBEAT_SECONDS", "0.2")
    return path


@pytest.fixture
def wb(home: Path) -> Iterator[object]:
    from app.context import close_all, open_workbench

    workbench = open_workbench()
    yield workbench
    close_all()


# -- the session guard ---------------------------------------------------------------

#: Helper processes of the Python runtime that end with the test process itself.
_RUNTIME_HELPERS = (
    "multiprocessing.resource_tracker",
    "multiprocessing.forkserver",
    "loky.backend.resource_tracker",
)


def _stop_worker_pools() -> None:
    """joblib keeps its process pool alive between calls (training with n_jobs): stop it."""
    module = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(module, "_executor", None) if module else None
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


def _snapshot(folder: Path) -> dict[str, int] | None:
    """The user's data as names and sizes (None when the folder does not exist)."""
    if not folder.exists():
        return None
    files = [folder / "workbench.db", *(folder / "artifacts").rglob("*")]
    return {str(f): f.stat().st_size for f in files if f.is_file()}


def _started_by_the_suite(basetemp: Path) -> list[psutil.Process]:
    """Descendants of this process, and any process whose WORKBENCH_HOME is a test home."""
    me = psutil.Process()
    found = {p.pid: p for p in me.children(recursive=True)}
    prefix = str(basetemp) + os.sep
    for process in psutil.process_iter():
        if process.pid in found or process.pid == me.pid:
            continue
        try:
            if process.environ().get("WORKBENCH_HOME", "").startswith(prefix):
                found[process.pid] = process
        except (psutil.Error, OSError):
            continue
    alive = []
    for process in found.values():
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if any(h in " ".join(process.cmdline()) for h in _RUNTIME_HELPERS):
                continue
            alive.append(process)
        except psutil.Error:
            continue
    return alive


@pytest.fixture(scope="session", autouse=True)
def _suite_stays_in_its_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    real_home = Path.home() / ".workbench"
    before = _snapshot(real_home)
    basetemp = tmp_path_factory.getbasetemp()
    sentinel = basetemp / "used-without-the-home-fixture"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_HOME", str(sentinel))
        patch.delenv("WORKBENCH_DATABASE_URL", raising=False)
        yield
    problems = []
    _stop_worker_pools()
    leftovers = _started_by_the_suite(basetemp)
    _gone, leftovers = psutil.wait_procs(leftovers, timeout=10)  # let stopping ones finish
    for process in leftovers:
        problems.append(f"process {process.pid} outlived its test: {' '.join(process.cmdline())}")
        process.kill()
    if sentinel.exists():
        problems.append(
            f"a test used the workbench without the `home` fixture (its files are in {sentinel})"
        )
    if _snapshot(real_home) != before:
        problems.append(f"the suite changed the user's {real_home}")
    assert not problems, "; ".join(problems)


@pytest.fixture(autouse=True)
def _keep_the_main_module() -> Iterator[None]:
    """AppTest installs the app script as ``__main__`` and leaves it there; a later test's
    multiprocessing "spawn" child then re-runs the whole app, which starts a worker for
    whatever home the environment names. Put the real ``__main__`` back after each test.
    """
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module


DEMO = "Customer churn (demo)"


def _train_demo(path: Path, database_url: str | None = None) -> None:
    from tests.helpers.homes import building_home

    with building_home(path, database_url=database_url) as run:
        run("demo")
        run("train", DEMO, "--models", "logreg,xgboost", "--folds", "3")


@pytest.fixture(scope="session")
def trained_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the demo project and three trained runs, built once per session."""
    path = tmp_path_factory.mktemp("trained") / "wbhome"
    _train_demo(path)
    return path


@pytest.fixture(scope="session")
def trained_demo_postgres_template(
    tmp_path_factory: pytest.TempPathFactory, postgres_cluster: Any
) -> tuple[Path, str]:
    """The trained demo on PostgreSQL, built once: its home (artifacts) and template database."""
    from app.context import close_all

    path = tmp_path_factory.mktemp("trained-pg") / "wbhome"
    database = postgres_cluster.create_database()
    _train_demo(path, postgres_cluster.url(database))
    close_all()  # CREATE DATABASE … TEMPLATE needs the template without connections
    return path, database


@pytest.fixture
def trained_demo(home: Path, backend: str, request: pytest.FixtureRequest) -> str:
    """This test's home holds a copy of the trained demo project; returns the project's name.

    On PostgreSQL the test's (empty) database is replaced by a copy of the template database.
    """
    if backend != "postgresql":
        shutil.copytree(request.getfixturevalue("trained_demo_template"), home)
        return DEMO
    template_home, template_db = request.getfixturevalue("trained_demo_postgres_template")
    cluster = request.getfixturevalue("postgres_cluster")
    shutil.copytree(template_home, home)
    database = cluster.create_database(template=template_db)
    request.addfinalizer(lambda: cluster.drop_database(database))
    request.getfixturevalue("monkeypatch").setenv("WORKBENCH_DATABASE_URL", cluster.url(database))
    return DEMO


@pytest.fixture
def cli(home: Path) -> Iterator[Callable[..., Any]]:
    """``cli("data", "add", ...)``: the workbench CLI in-process; exceptions are not swallowed."""
    from click.testing import CliRunner

    from app.cli import main
    from app.context import close_all

    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    close_all()
