"""The positive class of a 0/1 target, end to end: roles, split, train, predict (issue 15.1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import Result

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

Invoke = Callable[..., Result]


def _json(result: Result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def zero_one_frame(rows: int = 600, seed: int = 3) -> pd.DataFrame:
    """y in {0, 1} with more ones than zeros (about 59 %), rising with x."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    z = rng.normal(size=rows)
    age = rng.integers(18, 80, size=rows)
    y = (x + 0.3 * z + 0.25 + rng.normal(scale=0.6, size=rows) > 0).astype(int)
    return pd.DataFrame({"x": x, "z": z, "age": age, "y": y})


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "d.csv"
    zero_one_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def trained(cli: Invoke, data_file: Path) -> str:
    assert cli("project", "create", "p").exit_code == 0
    _json(cli("data", "add", "p", data_file, "--target", "y", "--json"))
    _json(cli("data", "split", "p", "--json"))
    return "p"


def _predict(cli: Invoke, data_file: Path, tmp_path: Path) -> tuple[pd.DataFrame, float]:
    _json(cli("train", "p", "--models", "logreg", "--folds", "2", "--json"))
    out = tmp_path / "o.csv"
    payload = _json(cli("predict", "p", data_file, "--out", out, "--json"))
    threshold = payload["threshold"]
    return pd.read_csv(out), 0.5 if threshold is None else threshold


def test_zero_one_target_defaults_to_1_with_a_reason(cli: Invoke, trained: str) -> None:
    roles = _json(cli("data", "roles", trained, "--json"))
    assert roles["positive_class"] == "1"
    assert roles["positive_class_reason"] == "1 is the usual positive of a 0/1 target"
    shown = cli("data", "roles", trained)
    assert "positive class: 1 (1 is the usual positive of a 0/1 target)" in shown.output


def test_split_positive_rate_is_the_share_of_ones(
    cli: Invoke, data_file: Path, trained: str
) -> None:
    summary = _json(cli("data", "split", trained, "--replace", "--json"))
    y = pd.read_csv(data_file)["y"]
    assert y.mean() > 0.5  # more ones than zeros: the minority rule would pick 0
    assert summary["positive_class"] == "1"
    rates = summary["positive_rate"]
    rows = summary["rows"]
    overall = (rates["train"] * rows["train"] + rates["test"] * rows["test"]) / len(y)
    assert overall == pytest.approx(y.mean(), abs=1e-4)


def test_predict_probability_is_of_class_1(
    cli: Invoke, data_file: Path, trained: str, tmp_path: Path
) -> None:
    scored, threshold = _predict(cli, data_file, tmp_path)
    assert "probability_1" in scored.columns and "probability" not in scored.columns
    y = pd.read_csv(data_file)["y"]
    corr = float(np.corrcoef(scored["probability_1"], y)[0, 1])
    assert corr > 0.5, corr
    flagged = scored["probability_1"] >= threshold
    assert flagged.any() and not flagged.all()
    assert (scored["prediction"].astype(str) == np.where(flagged, "1", "0")).all()


def test_positive_class_option_flips_the_probability(
    cli: Invoke, data_file: Path, trained: str, tmp_path: Path
) -> None:
    roles = _json(cli("data", "roles", trained, "--positive-class", "0", "--json"))
    assert (roles["positive_class"], roles["positive_class_reason"]) == ("0", "chosen by you")
    scored, threshold = _predict(cli, data_file, tmp_path)
    assert "probability_0" in scored.columns and "probability_1" not in scored.columns
    y = pd.read_csv(data_file)["y"]
    assert float(np.corrcoef(scored["probability_0"], y)[0, 1]) < -0.5
    flagged = scored["probability_0"] >= threshold
    assert (scored["prediction"].astype(str) == np.where(flagged, "0", "1")).all()


def test_unknown_positive_class_exits_2_and_lists_the_classes(cli: Invoke, trained: str) -> None:
    result = cli("data", "roles", trained, "--positive-class", "yes")
    assert result.exit_code == 2
    assert "'yes'" in result.output and "'0', '1'" in result.output
    assert "Traceback" not in result.output
    assert _json(cli("data", "roles", trained, "--json"))["positive_class"] == "1"


def test_positive_class_auto_goes_back_to_the_default(cli: Invoke, trained: str) -> None:
    _json(cli("data", "roles", trained, "--positive-class", "0", "--json"))
    roles = _json(cli("data", "roles", trained, "--positive-class", "auto", "--json"))
    assert (roles["positive_class"], roles["positive_class_reason"]) == (
        "1",
        "1 is the usual positive of a 0/1 target",
    )
