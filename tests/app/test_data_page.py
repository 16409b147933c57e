"""Data page: findings with one-click fixes, recipe preview, expectations, split, versions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from app.context import open_workbench
from app.jobs.runner import run_in_foreground
from app.services import data_config, datasets, splits
from app.services.data_config import RoleRequest
from app.services.demo import ensure_demo_project
from app.services.projects import create_project
from tests.helpers.markdown import as_shown

DATA_PAGE = "../pages/data.py"
DEMO_CSV = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"


def _import(
    project_id: int, content: bytes | Path, name: str = "churn.csv", target: str | None = "churned"
) -> datasets.VersionInfo:
    wb = open_workbench()
    roles = RoleRequest(target=target) if target else None
    job = run_in_foreground(
        wb, datasets.submit_file_import(wb, project_id, content, filename=name, roles=roles)
    )
    assert job.status == "succeeded", job.error
    return datasets.get_version(wb, job.result["version_id"])


def _open(app, project_id: int):  # type: ignore[no-untyped-def]
    at = app()
    at.session_state["wb.project_id"] = project_id
    at.run()
    at.switch_page(DATA_PAGE).run()
    assert not at.exception, at.exception
    return at


def test_empty_project_invites_an_upload(app) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Empty")
    at = _open(app, project.id)
    assert any("Import a file first" in i.value for i in at.info)


def test_fix_a_finding_with_one_click_and_see_the_recipe_preview(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open(app, project.id)
    texts = [t.value for t in at.text]
    assert any("signup_date holds dates stored as text" in t for t in texts)
    # the demo already parses signup_date (seeded), so that finding says so
    assert any("Already in the cleaning recipe" in c.value for c in at.caption)
    fix = next(
        b
        for b in at.button
        if as_shown(b.label).startswith("Add to recipe: Cap support_tickets_90d")
    )
    fix.click().run()
    assert not at.exception
    recipe = data_config.recipe(open_workbench(), project.id)
    assert [s.kind for s in recipe.steps] == ["parse_dates", "cap_outliers"]
    assert any("Before (sample rows)" in c.value for c in at.caption)  # the preview
    assert len(at.dataframe) >= 3


def test_expectations_are_added_and_checked(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open(app, project.id)
    at.selectbox(key="wb.data.exp.kind").select("allowed_values").run()
    at.selectbox(key="wb.data.exp.column").select("churned")
    at.text_input(key="wb.data.exp.values").input("No, Yes")
    next(b for b in at.button if b.label == "Add expectation").click().run()
    at.selectbox(key="wb.data.exp.kind").select("range").run()
    at.selectbox(key="wb.data.exp.column").select("tenure_months")
    at.number_input(key="wb.data.exp.min").set_value(0)
    at.number_input(key="wb.data.exp.max").set_value(12)
    next(b for b in at.button if b.label == "Add expectation").click().run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "expectation" in df.value.columns)
    assert table["result"].tolist() == ["pass", "FAIL"]
    assert len(data_config.expectations(open_workbench(), project.id)) == 2


def test_bad_expectation_regex_is_refused_with_a_message(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open(app, project.id)
    at.selectbox(key="wb.data.exp.kind").select("regex").run()
    at.text_input(key="wb.data.exp.pattern").input("([a-z")
    next(b for b in at.button if b.label == "Add expectation").click().run()
    assert not at.exception
    assert at.error and data_config.expectations(open_workbench(), project.id) == []


def test_freeze_the_split(app) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Churn")
    version = _import(project.id, DEMO_CSV)
    at = _open(app, project.id)
    at.slider(key="wb.data.split.size").set_value(0.3)
    next(b for b in at.button if b.label == "Freeze the split").click().run()
    assert not at.exception
    stored = splits.get_split(open_workbench(), version)
    assert stored is not None
    assert len(stored.split.test_index) == 2100
    assert any("Frozen" in s.value for s in at.success)


def test_compare_two_versions(app) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Churn")
    _import(project.id, DEMO_CSV)
    changed = pd.read_csv(DEMO_CSV, keep_default_na=False, na_values=[""]).head(6000)
    changed = changed.drop(columns=["streaming_tv"])
    _import(project.id, changed.to_csv(index=False).encode(), name="churn_v2.csv")
    at = _open(app, project.id)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows removed"] == "1,000"
    assert metrics["Columns added / removed"] == "0 / 1"


def test_split_table_shows_one_row_per_side_in_percent() -> None:
    """The frozen split reads as a table a person reads, not as Python dicts."""
    from app.ui.data.recipe import split_table

    summary = {
        "rows": {"train": 80, "test": 20, "excluded": 3},
        "positive_class": "1",
        "positive_rate": {"train": 0.6124, "test": 0.6},
    }
    table = split_table(summary)
    assert table["side"].tolist() == ["train", "test", "excluded"]
    assert table["rows"].tolist() == [80, 20, 3]
    assert table["share of 1 (positive)"].tolist() == ["61.2%", "60.0%", ""]
    multiclass = split_table(
        {
            "rows": {"train": 4, "test": 2},
            "class_share": {"train": {"a": 0.75, "b": 0.25}, "test": {"a": 0.5, "b": 0.5}},
        }
    )
    assert multiclass.columns.tolist() == ["side", "rows", "share of a", "share of b"]
    assert multiclass["share of b"].tolist() == ["25.0%", "50.0%"]
