from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

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
