"""Goal page in a real browser: editing a payoff cell changes the ROI and survives a reload."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def _metric_text(page, label: str) -> str:  # type: ignore[no-untyped-def]
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_payoff_edit_updates_roi_and_survives_reload(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, _home = served_app
    page = browser_page
    page.goto(f"{url}/goal")
    page.get_by_text("Payoff & ROI", exact=True).click()
    page.get_by_text("Model value / month").first.wait_for(timeout=60_000)
    assert _metric_text(page, "Model value / month") == "77,000 EUR"
    field = page.get_by_label("False positive (false alarm)")
    field.fill("-20")
    field.press("Enter")
    page.get_by_text("109,667 EUR").first.wait_for(timeout=30_000)
    page.get_by_text("Saved as version 2").first.wait_for(timeout=30_000)
    page.reload()
    page.get_by_text("Payoff & ROI", exact=True).click()
    page.get_by_text("109,667 EUR").first.wait_for(timeout=60_000)
    assert page.get_by_label("False positive (false alarm)").input_value() == "-20.00"
