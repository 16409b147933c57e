"""Monitor on a generated census-like project: every column watched, both sides in the same form.

A random sample of the project's own raw rows, scored and imported as a batch, is the
production a model should meet on day one: it must never raise a drift alarm, with or
without cleaning-recipe steps. A shift in a column the model does not read (sensitive or
ignored) is still drift worth reporting, and the report says it is not a model input.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from app.cli import main
from app.services import data_config, monitoring, projects, training
from core.data.recipe import Recipe, Step
from tests.helpers.homes import building_home

RECIPES: dict[str, list[Step]] = {
    "no recipe": [],
    "fill workclass": [Step("fill_missing", "workclass", {"value": "missing"})],
    "fill hours": [Step("fill_missing", "hours", {"value": 40})],
    "cap capital": [Step("cap_outliers", "capital", {"lower": 0, "upper": 5000})],
    "every step": [
        Step("fill_missing", "workclass", {"value": "missing"}),
        Step("fill_missing", "hours", {"value": 40}),
        Step("cap_outliers", "capital", {"lower": 0, "upper": 5000}),
        Step("filter_rows", "age", {"op": ">", "value": 85, "action": "drop"}),
    ],
}


def _census(rows: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Income-like data: missing work classes and hours, a sensitive age, an ignored region."""
    rng = np.random.default_rng(seed)
    age = np.clip(rng.normal(40, 12, rows).round(), 18, 90)
    hours = rng.normal(40, 10, rows).round()
    workclass = rng.choice(["Private", "Self-emp", "Gov"], rows, p=[0.7, 0.18, 0.12]).astype(object)
    workclass[rng.random(rows) < 0.08] = None
    hours_missing = rng.random(rows) < 0.06
    capital = np.where(rng.random(rows) < 0.1, rng.lognormal(8, 1, rows), 0.0).round()
    logit = 0.08 * (hours - 40) + 0.04 * (age - 40) + np.where(workclass == "Self-emp", 0.8, 0.0)
    income = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "high", "low")
    return pd.DataFrame(
        {
            "person_id": [f"P{i:05d}" for i in range(rows)],
            "age": age,
            "workclass": workclass,
            "hours": np.where(hours_missing, np.nan, hours),
            "capital": capital,
            "region": rng.choice(["north", "south", "east"], rows),
            "income": income,
        }
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One home with a trained project per recipe, built once for this module."""
    folder = tmp_path_factory.mktemp("same-form")
    csv = folder / "census.csv"
    _census().to_csv(csv, index=False)
    home = folder / "wbhome"
    with building_home(home) as run:
        from app.context import open_workbench

        for name, steps in RECIPES.items():
            for args in (
                ["project", "create", name],
                ["data", "add", name, csv, "--target", "income", "--sensitive", "age",
                 "--id", "person_id", "--ignore", "region"],
                ["data", "split", name],
            ):  # fmt: skip
                run(*args)
            wb = open_workbench()
            project = projects.resolve_project(wb, name)
            data_config.save_recipe(wb, project.id, Recipe(tuple(steps)))
            run("train", name, "--models", "logreg", "--folds", "3")
    return home


@pytest.fixture
def census_home(home: Path, template: Path) -> Path:
    shutil.copytree(template, home)
    return home


def _scored_sample(name: str, folder: Path, *, seed: int = 1, age_shift: float = 0.0) -> Path:
    """A random 1,500 of the project's own raw rows, without the target, scored by the champion."""
    sample = _census().sample(1500, random_state=seed).drop(columns=["income"])
    sample["age"] = sample["age"] + age_shift
    raw, scored = folder / f"sample-{seed}.csv", folder / f"scored-{seed}.csv"
    sample.to_csv(raw, index=False)
    result = CliRunner().invoke(main, ["predict", name, str(raw), "--out", str(scored)])
    assert result.exit_code == 0, result.output
    return scored


def _import(wb, name: str, scored: Path) -> int:  # type: ignore[no-untyped-def]
    project = projects.resolve_project(wb, name)
    monitoring.import_predictions(wb, project.id, scored.read_bytes(), filename=scored.name)
    return project.id


@pytest.mark.parametrize("name", list(RECIPES))
def test_a_random_sample_of_the_same_data_raises_no_drift_alarm(
    name: str, census_home: Path, wb, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    project_id = _import(wb, name, _scored_sample(name, tmp_path))
    report = monitoring.monitor_report(wb, project_id)
    table = report.drift.table.set_index("column")
    worst = table["psi"].max()
    assert report.drift.drifted == [], table[["psi", "status"]].to_string()
    assert worst < 0.1, f"largest PSI {worst:.3f} in {table['psi'].idxmax()}"
    assert not [a for a in report.alerts if a.kind == "drift"]


def test_every_column_the_batch_carries_is_monitored_and_marked(
    census_home: Path, wb, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    name = "no recipe"
    project_id = _import(wb, name, _scored_sample(name, tmp_path, age_shift=15.0))
    run = training.champion(wb, project_id)
    report = monitoring.report_json(monitoring.monitor_report(wb, project_id))
    rows = {r["column"]: r for r in report["drift"]}
    assert {"age", "region", "workclass", "hours", "capital"} <= set(rows)
    assert not {"income", "person_id", "actual"} & set(rows)  # target and identifier: never
    age = rows["age"]
    assert age["status"] == "drift" and age["psi"] > 0.2 and age["statistic"] > 0.3
    assert age["model_input"] == ("age" in run.input_columns)
    assert rows["region"]["model_input"] is False and rows["hours"]["model_input"] is True
    assert "age" in report["drifted"]
    assert any(a["kind"] == "drift" and "age" in a["message"] for a in report["alerts"])


def test_rules_that_cannot_be_checked_are_reported_in_json_and_the_alert_log(
    census_home: Path, wb, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    name = "no recipe"
    project_id = _import(wb, name, _scored_sample(name, tmp_path))
    result = CliRunner().invoke(main, ["monitor", "report", name, "--json"])
    assert result.exit_code == 0, result.output
    unchecked = json.loads(result.output)["unchecked"]
    why = {u["kind"]: u["why"] for u in unchecked}
    assert "outcome" in why["metric"]  # a scored file without outcomes: no live ROC AUC
    assert "ROC AUC" in next(u["rule"] for u in unchecked if u["kind"] == "metric")
    assert "drift" not in why  # evaluated on the batch: not listed
    log = monitoring.alert_log(wb, project_id)
    assert (log["kind"] == "unchecked").sum() == len(unchecked)
    text = CliRunner().invoke(main, ["monitor", "report", name]).output
    assert "could not be checked" in text


def test_the_monitor_page_marks_non_inputs_and_warns_of_unchecked_rules(
    census_home: Path, wb, tmp_path: Path, app
) -> None:  # type: ignore[no-untyped-def]
    name = "no recipe"
    project_id = _import(wb, name, _scored_sample(name, tmp_path, age_shift=15.0))
    at = app()
    at.session_state["wb.project_id"] = project_id
    at.run()
    at.switch_page("../pages/monitor.py")
    at.run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "model input" in d.value.columns]
    table = table.set_index("column")
    assert table.loc["region", "model input"] == "no — watched only"
    assert table.loc["hours", "model input"] == "yes"
    assert any(w.value.startswith("Rule not checked — live ROC AUC") for w in at.warning)
