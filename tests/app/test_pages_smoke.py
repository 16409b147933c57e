"""Every page renders without an exception: with the demo project, and with no project at all."""

from __future__ import annotations

import pytest

from app.context import open_workbench
from app.services.demo import ensure_demo_project
from app.services.stages import built_stages

PAGES = ["home.py", "team.py"] + [stage.page for stage in built_stages()]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("with_demo", [True, False])
def test_page_renders(app, page: str, with_demo: bool) -> None:  # type: ignore[no-untyped-def]
    if with_demo:
        ensure_demo_project(open_workbench())
    at = app().run()
    at.switch_page(f"../pages/{page}").run()
    assert not at.exception, at.exception
