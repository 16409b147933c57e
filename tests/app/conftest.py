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
