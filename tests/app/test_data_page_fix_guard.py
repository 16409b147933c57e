"""Data page: a fix shows the share of rows it changes; above 5 % it asks first and says why."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from app.context import open_workbench
from app.jobs.runner import run_in_foreground
from app.services import data_config, datasets
from app.services.data_config import RoleRequest
from app.services.projects import create_project
from tests.helpers.markdown import as_shown

DATA_PAGE = "../pages/data.py"
CAP_WARNING = "caps 6.1 % of rows: at that share these are probably real values, not errors"


def _project_with_skewed_income() -> int:
    rng = np.random.default_rng(0)  # the same table as tests/app/test_cli_data_recipe.py
    rows = 10_000
    income = rng.lognormal(0.0, 1.5, rows).round(3)
    hours = rng.normal(40, 5, rows).round(1)
    hours[:20] = 400.0
    plan = rng.choice(["basic", "pro"], rows)
    frame = pd.DataFrame(
        {"income": income, "hours": hours, "plan": plan, "y": rng.choice([0, 1], rows)}
    )
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    wb = open_workbench()
    project = create_project(wb, "Skewed")
    job = run_in_foreground(
        wb,
        datasets.submit_file_import(
            wb, project.id, buffer.getvalue().encode(), filename="t.csv",
            roles=RoleRequest(target="y"),
        ),
    )  # fmt: skip
    assert job.status == "succeeded", job.error
    return project.id


def _button(at, start: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if as_shown(b.label).startswith(start))


def test_a_fix_above_five_percent_asks_for_confirmation(app) -> None:  # type: ignore[no-untyped-def]
    project_id = _project_with_skewed_income()
    at = app()
    at.session_state["wb.project_id"] = project_id
    at.run()
    at.switch_page(DATA_PAGE).run()
    assert not at.exception, at.exception
    captions = [as_shown(c.value) for c in at.caption]
    assert "This fix changes 6.1 % of rows (612 of 10,000)." in captions
    assert "This fix changes 0.2 % of rows (20 of 10,000)." in captions
    warnings = [as_shown(w.value) for w in at.warning]
    assert f"Not a one-click fix: it {CAP_WARNING}." in warnings
    assert _button(at, "Add to recipe: Cap income").disabled
    assert not _button(at, "Add to recipe: Cap hours").disabled  # 0.2 %: one click

    assert data_config.recipe(open_workbench(), project_id).steps == ()

    confirm = next(c for c in at.checkbox if c.label.startswith("I checked: these are errors"))
    confirm.check().run()
    assert not _button(at, "Add to recipe: Cap income").disabled
    _button(at, "Add to recipe: Cap income").click().run()
    assert not at.exception, at.exception
    recipe = data_config.recipe(open_workbench(), project_id)
    assert [(s.kind, s.column) for s in recipe.steps] == [("cap_outliers", "income")]
    assert any("Already in the cleaning recipe" in c.value for c in at.caption)
