"""Evaluate in a real browser: the slider moves value per month, Save keeps the threshold, SHAP runs as a job."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import workbench

pytestmark = pytest.mark.e2e
DEMO = "Customer churn (demo)"


def test_threshold_and_shap_on_the_champion(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, home = served_app
    workbench("train", DEMO, "--models", "logreg,xgboost", "--folds", "3", home=home)
    page = browser_page
    page.goto(f"{url}/evaluate")
    page.get_by_text("95% CI").first.wait_for(timeout=90_000)
    page.get_by_role("tab", name="Threshold & value").click()
    slider = page.get_by_role("slider")
    slider.first.wait_for(timeout=30_000)
    before = page.get_by_test_id("stMetricValue").filter(has_text="EUR").last.inner_text()
    slider.first.focus()
    for _ in range(40):  # 40 steps of 0.005 up: a visibly different threshold
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.includes('EUR') && e.innerText !== before)",
        arg=before,
        timeout=30_000,
    )
    page.get_by_role("button", name="Save this threshold").click()
    page.get_by_text("saved:").first.wait_for(timeout=30_000)
    page.get_by_role("tab", name="Explanations").click()
    page.get_by_role("button", name="Explain this run").click(timeout=30_000)
    page.get_by_text("Dependence plot for").first.wait_for(timeout=120_000)
    report = json.loads(workbench("analyze", DEMO, "--json", home=home).stdout)
    assert report["chosen_threshold"] is not None
    assert report["threshold_source"] == "chosen on the Evaluate page"
    assert report["shap"].startswith("SHAP on 1,400 test rows")  # the page's explanation, reused
