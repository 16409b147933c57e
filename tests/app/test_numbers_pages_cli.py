"""The same figure on a page and in the CLI's `--json` (issue 15, item 7), for the Goal, Data,
Fairness, Export and Monitor pages. Each figure is read off the rendered elements (what the
user sees) and compared at the page's own precision with the CLI's output on the same home.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.context import open_workbench
from app.services import projects
from core.goal import format_money
from tests.conftest import DEMO
from tests.helpers.homes import building_home


def _cli(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _json(*args: object) -> Any:
    return json.loads(_cli(*args, "--json"))


def _open(open_page: Callable[[int, str], AppTest], project: str, page: str) -> AppTest:
    return open_page(projects.resolve_project(open_workbench(), project).id, page)


def _metric(at: AppTest, label: str) -> Any:
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def _caption(at: AppTest, start: str) -> str:
    found = [c.value for c in at.caption if c.value.startswith(start)]
    assert found, [c.value for c in at.caption]
    return found[0]


# -- one shipped home per module: the trained demo, exported, with a simulated batch back ------


@pytest.fixture(scope="module")
def shipped_template(trained_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:

    folder = tmp_path_factory.mktemp("shipped")
    path = folder / "wbhome"
    shutil.copytree(trained_demo_template, path)
    with building_home(path) as run:
        exported = run("export", DEMO, "--out", folder / "bundle.zip", "--json")
        (folder / "export.json").write_text(exported)
        log, outcomes = folder / "log.jsonl", folder / "outcomes.csv"
        run("monitor", "simulate", DEMO, "--out", log, "--outcomes-out", outcomes)
        run("monitor", "import", DEMO, log, "--outcomes", outcomes, "--id", "customer_id")
    return path


@pytest.fixture
def shipped(home: Path, shipped_template: Path) -> str:
    shutil.copytree(shipped_template, home)
    return DEMO


# -- Goal page vs `goal show --json` ----------------------------------------------------------


def test_goal_roi_figures_equal_goal_show_json(
    trained_demo: str, open_page: Callable[[int, str], AppTest]
) -> None:
    shown = _json("goal", "show", trained_demo)
    figures = shown["figures"]
    money = lambda v: format_money(v, figures["currency"])  # noqa: E731
    at = _open(open_page, trained_demo, "../pages/goal.py")
    assert _metric(at, "Model value / month").value == money(figures["expected_value_per_month"])
    assert _metric(at, "Current way / month").value == money(figures["baseline_value_per_month"])
    assert _metric(at, "Net gain / month").value == money(figures["net_gain_per_month"])
    payback = _metric(at, "Payback")
    assert payback.value == f"{figures['payback_months']:,.1f} months"
    assert f"ROI over {figures['horizon_months']} months: {figures['roi']:,.1f}×" in (
        payback.proto.help
    )
    assert _caption(at, "Basis:") == f"Basis: {figures['basis']}."
    assert f"from precision {figures['break_even_precision']:.2f}" in _caption(at, "At recall")


def test_goal_page_never_prints_none(
    trained_demo: str, open_page: Callable[[int, str], AppTest]
) -> None:
    """The risk and verdict panels are called for their effect; their None is never shown."""
    at = _open(open_page, trained_demo, "../pages/goal.py")
    assert [m.value for m in at.markdown if m.value.strip("`") == "None"] == []


# -- Data page vs `data list/roles/split/check --json` ---------------------------------------

BINARY = "Zero-one"


@pytest.fixture
def zero_one(home: Path, tmp_path: Path) -> str:
    """A 0/1 target (positive class 1 by convention), 300 rows × 4 columns, split by the CLI."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"x": rng.normal(size=300).round(4), "g": rng.choice(["a", "b", "c"], 300)}
    )
    frame["z"] = np.where(rng.random(300) < 0.1, np.nan, rng.normal(size=300).round(3))
    frame["y"] = (frame["x"] + rng.normal(0, 1, 300) > 0.8).astype(int)
    path = tmp_path / "zero_one.csv"
    frame.to_csv(path, index=False)
    _cli("project", "create", BINARY)
    _cli("data", "add", BINARY, path, "--target", "y")
    return BINARY


def test_data_page_figures_equal_the_data_cli_json(
    zero_one: str, open_page: Callable[[int, str], AppTest]
) -> None:
    split = _json("data", "split", zero_one, "--test-size", "0.25")
    assert split["rows"]["test"] == 75
    (version,) = _json("data", "list", zero_one)
    roles = _json("data", "roles", zero_one)
    check = _json("data", "check", zero_one)
    at = _open(open_page, zero_one, "../pages/data.py")

    versions = at.dataframe[0].value
    assert versions.iloc[0]["version"] == f"v{version['version']}"
    assert int(versions.iloc[0]["rows"]) == version["rows"] == 300
    assert int(versions.iloc[0]["columns"]) == version["columns"] == 4

    picked = [t.value for t in at.text if t.value.startswith("Positive class:")]
    assert picked == [
        f"Positive class: {roles['positive_class']} ({roles['positive_class_reason']})"
    ]
    assert roles["positive_class"] == "1"
    schema = next(d.value for d in at.dataframe if "why" in d.value.columns).set_index("column")
    assert list(schema.index) == [c["name"] for c in roles["columns"]]
    for column in roles["columns"]:
        shown = schema.loc[column["name"]]
        assert (shown["type"], shown["role"]) == (column["type"], column["role"])
        assert (int(shown["missing"]), int(shown["distinct"])) == (
            column["missing"],
            column["distinct"],
        )

    share = f"share of {split['positive_class']} (positive)"
    frozen = next(d.value for d in at.dataframe if share in d.value.columns).set_index("side")
    for side in ("train", "test"):
        assert int(frozen.loc[side, "rows"]) == split["rows"][side]
        assert frozen.loc[side, share] == f"{split['positive_rate'][side]:.1%}"

    counts = {s: 0 for s in ("error", "warning", "info")}
    for finding in check["findings"]:
        counts[finding["severity"]] += 1
    assert sum(counts.values()) > 0
    tallies = [
        m.value
        for m in at.markdown
        if "** error" in m.value or "** warning" in m.value or "** info" in m.value
    ]
    for severity, count in counts.items():
        noun = severity if count == 1 else f"{severity}s"
        assert any(t.endswith(f"**{count}** {noun}") for t in tallies), (severity, tallies)
    listed = [m.value for m in at.markdown if "` · column **" in m.value]
    assert len(listed) == len(check["findings"])


# -- Fairness page vs `analyze --fairness gender --json` ---------------------------------------


def _parity_headline(at: AppTest) -> str:
    """The Groups tab's demographic parity sentence (an error, info or success box)."""
    boxes = [*at.error, *at.info, *at.success, *at.warning]
    found = [e.value for e in boxes if e.value.startswith("**Demographic parity difference:")]
    assert found, [e.value for e in boxes]
    return found[0]


def test_fairness_groups_and_parity_equal_analyze_json(
    trained_demo: str, open_page: Callable[[int, str], AppTest]
) -> None:
    full = _json("analyze", trained_demo, "--fairness", "gender")
    report = full["fairness"]
    at = _open(open_page, trained_demo, "../pages/fairness.py")
    assert at.multiselect(key="wb.fair.attributes").value == ["gender"]
    decisions = _caption(at, "Decisions of run")
    assert decisions.startswith(f"Decisions of run {full['run_id']} on {full['rows']:,} ")
    assert f"at threshold {full['threshold']:.3f};" in decisions
    groups = at.dataframe[0].value.set_index("group")
    assert set(groups.index) == set(report["by_group"])
    for name, row in report["by_group"].items():
        assert int(groups.loc[name, "count"]) == row["count"]
        assert groups.loc[name, "selection_rate"] == pytest.approx(row["selection_rate"], abs=1e-12)
    dpd = report["demographic_parity_difference"]
    assert _parity_headline(at).startswith(f"**Demographic parity difference: {dpd:.3f}**")
    tradeoff = next(d.value for d in at.dataframe if "disparity" in d.value.columns)
    original = tradeoff[tradeoff["kind"] == "original"].iloc[0]
    assert original["disparity"] == pytest.approx(dpd, abs=1e-12)
    overall = report["overall"]["value_per_month"]
    assert original["value"] == format_money(overall, full["currency"])
    assert overall == full["value_per_month"]


# -- Export page vs `export --json` / `registry --json` ----------------------------------------


def test_export_bundle_registry_and_card_equal_the_cli(
    shipped: str, shipped_template: Path, open_page: Callable[[int, str], AppTest]
) -> None:
    exported = json.loads((shipped_template.parent / "export.json").read_text())
    (entry,) = _json("registry", shipped)
    report = _json("analyze", shipped)
    at = _open(open_page, shipped, "../pages/export.py")
    assert f"`{exported['bundle_sha256']}`" in _caption(at, "sha256 of the zip:")
    assert entry["bundle_sha256"] == exported["bundle_sha256"]
    table = at.dataframe[0].value.iloc[0]
    assert int(table["version"]) == entry["version"] == exported["version"]
    assert table["stage"] == entry["stage"]
    assert int(table["run"]) == entry["run_id"]
    assert table["model version"] == entry["model_version"]
    assert exported["bundle_sha256"].startswith(table["sha256"])
    assert table["MB"] == round(entry["size_bytes"] / 1e6, 2)

    card = next(m.value for m in at.markdown if m.value.startswith("# Model card"))
    threshold = f"- **Decision threshold:** {report['threshold']:.3f} "
    value = f"- **Expected value:** {format_money(report['value_per_month'], report['currency'])} per month"
    assert threshold in card
    assert _caption(at, "Decision threshold").startswith(
        f"Decision threshold {report['threshold']:.3f}: the cross-validation optimum."
    )
    assert value in card
    with zipfile.ZipFile(shipped_template.parent / "bundle.zip") as bundle:
        shipped_card = bundle.read("model_card.md").decode("utf-8")
    assert threshold in shipped_card and value in shipped_card


# -- Monitor page vs `monitor report --json` ---------------------------------------------------


def test_monitor_drift_value_and_alerts_equal_monitor_report_json(
    shipped: str, open_page: Callable[[int, str], AppTest]
) -> None:
    report = _json("monitor", "report", shipped)
    at = _open(open_page, shipped, "../pages/monitor.py")

    drift = next(d.value for d in at.dataframe if "psi" in d.value.columns)
    top = report["drift"][0]
    assert drift.iloc[0]["column"] == top["column"] == report["drifted"][0]
    assert drift.iloc[0]["psi"] == pytest.approx(top["psi"], abs=1e-12)
    assert len(drift) == len(report["drift"])

    kpi = report["kpi"]
    value = next(m for m in at.metric if m.label.startswith("Realised value per month"))
    assert value.value == format_money(kpi["realised_value_per_month"], kpi["currency"])
    gap = kpi["realised_value_per_month"] - kpi["promised_value_per_month"]
    assert value.proto.delta.startswith(format_money(gap, kpi["currency"]))

    alerts = report["alerts"]
    assert alerts
    log = next(d.value for d in at.dataframe if "severity" in d.value.columns)
    assert len(log) == len(alerts)
    assert sorted(log["message"]) == sorted(a["message"] for a in alerts)
    health = report["health"]
    assert _metric(at, "Requests").value == f"{health['requests']:,}"
    assert _metric(at, "Error rate").value == f"{health['error_rate']:.1%}"


def test_fairness_on_a_number_reads_the_same_groups_on_the_page_and_the_cli(
    trained_demo: str, open_page: Callable[[int, str], AppTest]
) -> None:
    """`age` has 68 values: the page bins it into quantile groups, so must the CLI by default."""
    report = _json("analyze", trained_demo, "--fairness", "age")["fairness"]
    at = _open(open_page, trained_demo, "../pages/fairness.py")
    at.multiselect(key="wb.fair.attributes").set_value(["age"]).run()
    assert not at.exception, at.exception
    groups = at.dataframe[0].value.set_index("group")
    assert sorted(report["by_group"]) == sorted(groups.index)
    for name, row in report["by_group"].items():
        assert int(groups.loc[name, "count"]) == row["count"]
    dpd = report["demographic_parity_difference"]
    assert _parity_headline(at).startswith(f"**Demographic parity difference: {dpd:.3f}**")
