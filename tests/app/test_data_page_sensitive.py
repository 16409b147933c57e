"""Data page, Schema & roles: sensitive-looking names are suggestions with Accept / Dismiss."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.context import open_workbench
from app.jobs.runner import run_in_foreground
from app.services import data_config, datasets
from app.services.data_config import RoleRequest
from app.services.projects import create_project

DATA_PAGE = "../pages/data.py"


def _project_with_data() -> int:
    wb = open_workbench()
    project = create_project(wb, "Census-like")
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "age": rng.integers(18, 80, n),
            "marital_status": rng.choice(["married", "single"], n),
            "usage": rng.normal(size=n),
            "y": rng.choice(["yes", "no"], n),
        }
    )
    content = frame.to_csv(index=False).encode()
    job = run_in_foreground(
        wb,
        datasets.submit_file_import(
            wb, project.id, content, filename="d.csv", roles=RoleRequest(target="y")
        ),
    )
    assert job.status == "succeeded", job.error
    return project.id


def _roles(project_id: int) -> dict[str, str]:
    return data_config.get_settings(open_workbench(), project_id).roles


def test_suggestions_are_shown_and_not_applied(open_page) -> None:  # type: ignore[no-untyped-def]
    project_id = _project_with_data()
    at = open_page(project_id, DATA_PAGE)
    texts = [t.value for t in at.text]
    assert "age — name contains 'age'" in texts
    assert "marital_status — name contains 'marital'" in texts
    assert not any(t.startswith("usage") for t in texts)
    assert _roles(project_id).get("age") == "feature"


def test_accept_marks_the_column_sensitive(open_page) -> None:  # type: ignore[no-untyped-def]
    project_id = _project_with_data()
    at = open_page(project_id, DATA_PAGE)
    at.button(key="wb.data.sensitive.accept.age").click().run()
    assert not at.exception, at.exception
    assert _roles(project_id)["age"] == "sensitive"
    assert _roles(project_id)["marital_status"] == "feature"
    texts = [t.value for t in at.text]
    assert not any(t.startswith("age —") for t in texts)  # accepted: no longer a suggestion
    assert "marital_status — name contains 'marital'" in texts


def test_dismissed_suggestions_do_not_come_back(open_page) -> None:  # type: ignore[no-untyped-def]
    project_id = _project_with_data()
    at = open_page(project_id, DATA_PAGE)
    at.button(key="wb.data.sensitive.dismiss.marital_status").click().run()
    assert not at.exception, at.exception
    assert _roles(project_id)["marital_status"] == "feature"
    again = open_page(
        project_id, DATA_PAGE
    )  # a new session: the dismissal is stored with the project
    texts = [t.value for t in again.text]
    assert not any(t.startswith("marital_status —") for t in texts)
    assert "age — name contains 'age'" in texts
