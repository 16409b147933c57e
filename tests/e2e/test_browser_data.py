"""Data page in a real browser: upload your own CSV, see findings, fix one, preview the recipe."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _write_csv(path: Path) -> None:
    rows = ["id;amount;city;bought"]
    for i in range(60):
        rows.append(
            f"{i};{i * 1.5:.1f}".replace(".", ",")
            + f";{['Oslo', 'Rome', 'Lima'][i % 3]};{'yes' if i % 4 == 0 else 'no'}"
        )
    rows += rows[1:4]  # three duplicate rows
    path.write_text("\n".join(rows) + "\n", encoding="cp1252")


def test_upload_check_fix_and_preview(served_app, browser_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, _home = served_app
    page = browser_page
    csv = tmp_path / "shop.csv"
    _write_csv(csv)
    page.goto(url)  # a new project of its own: the demo's recipe is for the demo's columns
    page.get_by_label("Name").first.wait_for(timeout=60_000)
    page.get_by_label("Name").first.fill("Shop")
    page.get_by_role("button", name="Create project").click()
    page.get_by_text("Shop").first.wait_for(timeout=30_000)
    page.goto(f"{url}/data")
    page.get_by_text("Drop a file here").first.wait_for(timeout=60_000)
    page.locator('input[type="file"]').set_input_files(str(csv))
    page.get_by_text("Detected: csv").first.wait_for(timeout=30_000)
    assert page.get_by_text("Semicolon ;").count() >= 1
    page.get_by_role("button", name="Import as a new version").click()
    page.get_by_text("Imported version 1").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Quality").click()
    fix = page.get_by_role("button", name="Add to recipe: Drop duplicate rows")
    fix.wait_for(timeout=30_000)
    fix.click()
    page.get_by_role("tab", name="Recipe").click()
    page.get_by_text("Before (sample rows)").first.wait_for(timeout=30_000)
    assert page.get_by_text("Drop duplicate rows").count() >= 1
