"""Fairness in a real browser: the disparity in words, a mitigation job, the trade-off chart."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import workbench

pytestmark = pytest.mark.e2e
DEMO = "Customer churn (demo)"


def test_disparity_then_mitigation_on_the_demo(served_app, browser_page) -> None:  # type: ignore[no-untyped-def]
    url, home = served_app
    workbench("train", DEMO, "--models", "logreg", "--folds", "3", home=home)
    page = browser_page
    page.goto(f"{url}/fairness")
    page.get_by_text("percentage points").first.wait_for(timeout=90_000)
    page.get_by_text("only 18 rows").first.wait_for(timeout=30_000)
    page.get_by_role("tab", name="Mitigate").click()
    page.get_by_role("button", name="Mitigate").click(timeout=30_000)
    page.get_by_text(re.compile(r"demographic parity difference [0-9.]+ → [0-9.]+")).first.wait_for(
        timeout=120_000
    )
    page.get_by_role("tab", name="Trade-off").click()
    page.get_by_text("Mitigated model").first.wait_for(timeout=60_000)  # the chart legend
