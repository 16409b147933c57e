"""Explore page vs `data overview --json` (row counts) and Train page vs `runs --json` (CV mean)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.context import open_workbench
from app.services import data_config, projects
from core.data.recipe import Recipe, Step

NAME = "Duplicated"
DUPLICATES = 12


def _cli(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _open(app: Callable[[], AppTest], project: str, page: str) -> AppTest:
    at = app()
    at.session_state["wb.project_id"] = projects.resolve_project(open_workbench(), project).id
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def duplicated(home: Path, tmp_path: Path) -> str:
    """400 rows of which 12 repeat an earlier row; the recipe drops duplicates."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=400).round(6), "g": rng.choice(["a", "b"], 400)})
    frame["y"] = np.where(frame["x"] + rng.normal(0, 0.5, 400) > 0, "yes", "no")
    frame.iloc[-DUPLICATES:] = frame.iloc[:DUPLICATES].to_numpy()
    path = tmp_path / "dup.csv"
    frame.to_csv(path, index=False)
    _cli("project", "create", NAME)
    _cli("data", "add", NAME, path, "--target", "y")
    wb = open_workbench()
    project_id = projects.resolve_project(wb, NAME).id
    data_config.save_recipe(wb, project_id, Recipe((Step("drop_duplicates"),)))
    return NAME


def test_explore_rows_equal_the_cli_and_the_report_caption_names_what_was_left_out(
    duplicated: str, app: Callable[[], AppTest]
) -> None:
    overview = json.loads(_cli("data", "overview", duplicated, "--json"))
    at = _open(app, duplicated, "../pages/explore.py")
    cards = {m.label: m.value for m in at.metric}
    assert cards["Rows"] == f"{overview['rows']:,}" == f"{400 - DUPLICATES:,}"
    profiled = [c.value for c in at.caption if c.value.startswith("Profiled on")]
    assert profiled, [c.value for c in at.caption]
    assert f"{400 - DUPLICATES:,}" in profiled[0]
    assert "400" not in profiled[0].split("(")[0]  # never "all 400 rows" next to 388 profiled
    assert f"{DUPLICATES} of the 400 imported rows" in profiled[0]
    assert overview["rows_imported"] == 400


def test_train_leaderboard_cv_mean_equals_runs_json(
    trained_demo: str, app: Callable[[], AppTest]
) -> None:
    runs = {r["run_id"]: r for r in json.loads(_cli("runs", trained_demo, "--json"))}
    at = _open(app, trained_demo, "../pages/train.py")
    board = at.dataframe[0].value
    metric = next(iter(runs.values()))["metric"]
    assert len(board) == len(runs)
    for _, row in board.iterrows():
        expected = runs[int(row["run"])]["cv_mean"]
        shown = f"{expected:,.0f}" if abs(expected) >= 1000 else f"{expected:,.4f}"
        assert row[metric] == shown
