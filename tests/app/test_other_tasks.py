"""Regression and multiclass projects through Evaluate, Fairness, Export and Monitor (CLI + pages)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from app.cli import main

PAGES = ("evaluate", "fairness", "export", "monitor")


def _invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _frames(rows: int = 600) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    area = rng.normal(120, 30, rows).round(1)
    city = rng.choice(["north", "south", "east"], rows)
    houses = pd.DataFrame(
        {"id": [f"H{i}" for i in range(rows)], "area": area, "rooms": rng.integers(1, 7, rows),
         "city": city, "owner_gender": rng.choice(["f", "m"], rows)}
    )  # fmt: skip
    houses["price"] = (
        area * 2000 + np.where(city == "north", 50000, 0) + rng.normal(0, 20000, rows)
    ).round()
    petal, sepal = rng.normal(3, 1, rows), rng.normal(5, 1, rows)
    flowers = pd.DataFrame({"sepal": sepal, "petal": petal, "sex": rng.choice(["x", "y"], rows)})
    flowers["species"] = np.where(
        petal > 3.5, "virginica", np.where(sepal > 5, "versicolor", "setosa")
    )
    return {"Houses": houses, "Flowers": flowers}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.context import close_all

    base = tmp_path_factory.mktemp("tasks")
    home = base / "wbhome"
    frames = _frames()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_HOME", str(home))
        patch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
        for name, frame in frames.items():
            path = base / f"{name}.csv"
            frame.to_csv(path, index=False)
            target, sensitive = (
                ("price", "owner_gender") if name == "Houses" else ("species", "sex")
            )
            for args in (
                ("project", "create", name),
                ("data", "add", name, path, "--target", target, "--sensitive", sensitive),
                ("data", "split", name),
                (
                    "train",
                    name,
                    "--models",
                    "logreg,xgboost" if name == "Flowers" else "ridge,xgboost",
                    "--folds",
                    "3",
                ),
            ):
                result = _invoke(*args)
                assert result.exit_code == 0, result.output
        close_all()
    return base


@pytest.fixture
def homes(template: Path, home: Path) -> Path:
    shutil.copytree(template / "wbhome", home)
    return template


@pytest.mark.parametrize("name", ["Houses", "Flowers"])
def test_analyze_export_and_monitor_from_the_cli(homes: Path, name: str, tmp_path: Path) -> None:
    fair = "owner_gender" if name == "Houses" else "sex"
    report = json.loads(_invoke("analyze", name, "--fairness", fair, "--json").output)
    assert report["task"] == ("regression" if name == "Houses" else "multiclass")
    assert report["top_features"] and report["fairness"]["attribute"] == fair
    assert report["threshold"] is None
    out = tmp_path / "bundle.zip"
    assert _invoke("export", name, "--out", out).exit_code == 0
    schema = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("schema.json"))
    assert schema["task"] == report["task"]
    scored = tmp_path / "scored.csv"
    assert _invoke("predict", name, homes / f"{name}.csv", "--out", scored).exit_code == 0
    imported = _invoke("monitor", "import", name, scored, "--json")
    assert imported.exit_code == 0, imported.output
    monitor = json.loads(_invoke("monitor", "report", name, "--json").output)
    assert monitor["drift"] and not monitor["drifted"]  # the training data itself does not drift
    refused = _invoke("mitigate", name, "--sensitive", fair)
    assert refused.exit_code == 2 and "binary classification" in refused.output


@pytest.mark.parametrize("name", ["Houses", "Flowers"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_other_tasks(
    homes: Path, app: Callable[[], AppTest], name: str, page: str
) -> None:
    from app.context import open_workbench
    from app.services import projects
    from app.ui.state import PROJECT_KEY

    project = projects.resolve_project(open_workbench(), name)
    at = app()
    at.session_state[PROJECT_KEY] = project.id
    at.run()
    at.switch_page(f"../pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
