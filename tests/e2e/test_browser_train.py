"""Train in a real browser: Quick training runs as a job and fills the leaderboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_quick_training_fills_the_leaderboard(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, _home = served_app
    page = browser_page
    page.goto(f"{url}/train")
    page.get_by_role("button", name="Start training").click(timeout=60_000)
    page.get_by_text("model(s) on 5,600 rows").first.wait_for(timeout=180_000)
    page.get_by_role("tab", name="Leaderboard").click()
    page.get_by_text("Ranked by").first.wait_for(timeout=30_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)  # the fold-score box plot
