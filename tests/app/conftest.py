from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


@pytest.fixture
def app(home: Path) -> Iterator[Callable[[], AppTest]]:
    """Factory for a fresh AppTest of the whole app (router + sidebar + page)."""
    from app.context import close_all

    def make() -> AppTest:
        return AppTest.from_file(MAIN, default_timeout=30)

    yield make
    close_all()


@pytest.fixture
def open_page(app: Callable[[], AppTest]) -> Callable[[int, str], AppTest]:
    """``open_page(project_id, "../pages/data.py")``: the app with that project selected, on that page."""

    def _open(project_id: int, page: str) -> AppTest:
        at = app()
        at.session_state["wb.project_id"] = project_id
        at.run()
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return _open


DEMO = "Customer churn (demo)"


@pytest.fixture(scope="session")
def trained_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the demo project and three trained runs, built once per session."""
    from click.testing import CliRunner

    from app.cli import main
    from app.context import close_all

    path = tmp_path_factory.mktemp("trained") / "wbhome"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_HOME", str(path))
        patch.delenv("WORKBENCH_DATABASE_URL", raising=False)
        patch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
        runner = CliRunner()
        for args in (["demo"], ["train", DEMO, "--models", "logreg,xgboost", "--folds", "3"]):
            result = runner.invoke(main, args, catch_exceptions=False)
            assert result.exit_code == 0, result.output
        close_all()
    return path


@pytest.fixture
def trained_demo(home: Path, trained_demo_template: Path) -> str:
    """This test's home holds a copy of the trained demo project; returns the project's name."""
    shutil.copytree(trained_demo_template, home)
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
