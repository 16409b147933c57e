"""The main journey's first step in a real browser: the app opens on the demo project."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.jobs.worker import worker_running
from app.settings import load_settings

pytestmark = pytest.mark.e2e


def test_app_opens_on_the_demo_project(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, home = served_app
    page = browser_page
    page.goto(url)
    page.get_by_text("Customer churn (demo)").first.wait_for(timeout=60_000)
    page.get_by_text("1. Goal").first.wait_for()
    page.get_by_text("Storage maintenance").first.wait_for(
        timeout=30_000
    )  # the body renders after the sidebar
    assert page.get_by_text("Storage maintenance").count() == 1
    shots = Path(__file__).parent / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "home.png"))
    from app.context import open_workbench

    assert worker_running(open_workbench(load_settings({"WORKBENCH_HOME": str(home)})))


def test_create_a_project_in_the_browser(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, _home = served_app
    page = browser_page
    page.goto(url)
    page.get_by_label("Name").first.wait_for(timeout=60_000)
    page.get_by_label("Name").first.fill("Browser project")
    page.get_by_role("button", name="Create project").click()
    page.get_by_text("Browser project").first.wait_for(timeout=30_000)
