"""Explore in a real browser: the overview and a chart render on the demo data."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_explore_shows_overview_and_a_chart(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, _home = served_app
    page = browser_page
    page.goto(f"{url}/explore")
    page.get_by_text("Duplicate rows").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    page.get_by_role("tab", name="Target").click()
    page.get_by_text("Columns ranked by association").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 1
