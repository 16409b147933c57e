"""Two projects in one browser session: the upload lands in the one just created, re-detected.

Before: with a project selected, "Create project" did not switch (the sidebar picker re-selected
the old project on the next run), so the upload landed in the old project; and a second file
kept the first file's cp1252 / ';' / decimal comma, importing a comma file as one column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import workbench

pytestmark = pytest.mark.e2e


def _write_files(folder: Path) -> tuple[Path, Path]:
    german = folder / "preise.csv"
    german.write_text(
        "Größe;Preis;Stadt\n" + "".join(f"{i},5;{i}0,25;Köln\n" for i in range(40)),
        encoding="cp1252",
    )
    penguins = folder / "penguins.csv"
    penguins.write_text("species,island,bill_length_mm\n" + "Adelie,Torgersen,39.1\n" * 344)
    return german, penguins


def _create(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Name").first.fill(name)
    page.get_by_role("button", name="Create project").click()
    page.get_by_role("heading", name=name).first.wait_for(timeout=30_000)  # its card


def _chosen(page, label: str) -> str:  # type: ignore[no-untyped-def]
    """What a selectbox shows (its combobox input's value)."""
    return page.get_by_role("combobox", name=label).first.input_value()


def _versions(home: Path, project: str) -> list[dict]:
    return json.loads(workbench("data", "list", project, "--json", home=home).stdout)


def test_upload_lands_in_the_second_project_with_fresh_options(
    served_app, browser_page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url, home = served_app
    page = browser_page
    german, penguins = _write_files(tmp_path)
    page.goto(url)  # the demo project is selected
    page.get_by_label("Name").first.wait_for(timeout=60_000)
    _create(page, "Alpha")
    _create(page, "Beta")
    page.get_by_role("link", name="2. Data").click()  # same session: no reload
    page.get_by_text("Beta — which data").first.wait_for(timeout=60_000)
    assert _chosen(page, "Project") == "Beta"

    uploader = page.locator('input[type="file"]')
    uploader.set_input_files(str(german))
    page.get_by_text("Detected: csv, encoding cp1252").first.wait_for(timeout=30_000)
    assert _chosen(page, "Delimiter") == "Semicolon ;"
    uploader.set_input_files(str(penguins))  # the second file: its own detection
    page.get_by_text("Detected: csv, encoding utf-8").first.wait_for(timeout=30_000)
    options = [_chosen(page, label) for label in ("Encoding", "Delimiter", "Decimal")]
    assert options == ["utf-8", "Comma ,", "Point 1.5"]
    assert page.get_by_text("was read as a single column").count() == 0

    page.get_by_role("button", name="Import as a new version").click()
    page.get_by_text("Imported version 1").first.wait_for(timeout=60_000)
    beta = _versions(home, "Beta")
    assert [(v["rows"], v["columns"]) for v in beta] == [(344, 3)]
    assert _versions(home, "Alpha") == []
    assert all(v["rows"] != 344 for v in _versions(home, "Customer churn (demo)"))
