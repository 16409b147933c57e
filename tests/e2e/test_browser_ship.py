"""Export and Monitor in a real browser: one click for the bundle, then production comes back."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import workbench

pytestmark = pytest.mark.e2e
DEMO = "Customer churn (demo)"


def test_export_then_monitor_the_demo(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, home = served_app
    workbench("train", DEMO, "--models", "logreg", "--folds", "3", home=home)
    page = browser_page
    page.goto(f"{url}/export")
    page.get_by_role("button", name="Build the bundle").click(timeout=90_000)
    page.get_by_role("button", name="Download customer-churn-demo-run").wait_for(timeout=120_000)
    page.get_by_text("sha256 of the zip").first.wait_for()
    page.goto(f"{url}/monitor")
    page.get_by_role("button", name="Import three simulated months").click(timeout=90_000)
    page.get_by_text("Imported batch").first.wait_for(timeout=120_000)
    page.get_by_role("tab", name="Alerts").click()
    page.get_by_text("Drift in monthly_charges").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Retrain").click()
    # simulated rows only on request; two notes on the page also mention the checkbox
    page.get_by_text("Include simulated batches", exact=True).click()
    page.get_by_role("button", name="Retrain a challenger").click()
    page.get_by_text("on the newest").first.wait_for(timeout=180_000)
