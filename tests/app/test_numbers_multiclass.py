"""A multiclass run on scikit-learn's bundled wine data: four metric cards, CLI and page agree."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sklearn.datasets import load_wine
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.ui.evaluate.views import HEADLINE

NAME = "Wine"


def _invoke(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def wine(home: Path, tmp_path: Path) -> str:
    frame = load_wine(as_frame=True).frame
    frame["target"] = frame["target"].map({0: "barolo", 1: "grignolino", 2: "barbera"})
    path = tmp_path / "wine.csv"
    frame.to_csv(path, index=False)
    for args in (
        ("project", "create", NAME),
        ("data", "add", NAME, path, "--target", "target"),
        ("data", "split", NAME),
        ("train", NAME, "--models", "logreg", "--folds", "3"),
    ):
        _invoke(*args)
    return NAME


def test_multiclass_run_shows_four_metric_cards_equal_to_the_cli(
    wine: str, app: Callable[[], AppTest]
) -> None:
    from app.context import open_workbench
    from app.services import projects
    from app.ui.state import PROJECT_KEY

    report = json.loads(_invoke("analyze", wine, "--json").output)
    at = app()
    at.session_state[PROJECT_KEY] = projects.resolve_project(open_workbench(), wine).id
    at.run()
    at.switch_page("../pages/evaluate.py").run()
    assert not at.exception, at.exception
    cards = {m.label: m.value for m in at.tabs[0].metric}  # the Performance tab
    assert len(cards) == len(HEADLINE["multiclass"]) == 4
    for name in HEADLINE["multiclass"]:
        assert name in report["metrics"], name
    assert cards["F1"] == f"{report['metrics']['f1']['value']:,.3f}"
    assert cards["Accuracy"] == f"{report['metrics']['accuracy']['value']:,.3f}"
