"""Data page, "Schema & roles": the picked positive class, why, and one control to change it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.context import open_workbench
from app.services import data_config
from app.services.projects import create_project
from tests.app.test_data_page import _import, _open


def _zero_one_project() -> int:
    project = create_project(open_workbench(), "Zero-one")
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x": x, "z": rng.normal(size=200), "y": (x > -0.4).astype(int)})
    _import(project.id, frame.to_csv(index=False).encode(), name="d.csv", target="y")
    return project.id


def _positive_text(at) -> str:  # type: ignore[no-untyped-def]
    return next(t.value for t in at.text if t.value.startswith("Positive class:"))


def test_the_page_shows_the_picked_class_and_lets_the_user_change_it_and_back(app) -> None:  # type: ignore[no-untyped-def]
    project_id = _zero_one_project()
    at = _open(app, project_id)
    assert _positive_text(at) == "Positive class: 1 (1 is the usual positive of a 0/1 target)"
    control = at.selectbox(key="wb.data.positive")
    assert control.options == ["Automatic", "0", "1"] and control.value == "__automatic__"

    control.select("0").run()
    assert not at.exception
    assert data_config.get_settings(open_workbench(), project_id).positive_class == "0"
    assert _positive_text(at) == "Positive class: 0 (chosen by you)"

    at.selectbox(key="wb.data.positive").select("__automatic__").run()
    assert not at.exception
    assert data_config.get_settings(open_workbench(), project_id).positive_class is None
    assert _positive_text(at).startswith("Positive class: 1 (1 is the usual")
