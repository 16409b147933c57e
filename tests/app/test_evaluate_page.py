"""Evaluate page (AppTest) on the trained demo: metrics, threshold, errors, SHAP, what-if."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import evaluation, explanations, projects, training
from core import evaluate
from core.goal import format_money

PAGE = "../pages/evaluate.py"


@pytest.fixture
def page(trained_demo: str, app: Callable[[], AppTest]) -> AppTest:
    at = app()
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def champion(page: AppTest, wb):  # type: ignore[no-untyped-def]
    project = projects.resolve_project(wb, "Customer churn (demo)")
    return training.champion(wb, project.id)


def _metric(at: AppTest, label: str, *, last: bool = False) -> str:
    values = [m.value for m in at.metric if m.label == label]
    return values[-1] if last else values[0]


def _button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_page_shows_champion_metrics_with_intervals(page: AppTest, champion) -> None:  # type: ignore[no-untyped-def]
    assert page.selectbox(key="wb.eval.run").value == champion.id
    labels = [m.label for m in page.metric]
    assert {"Value per month", "ROC AUC", "PR AUC (average precision)", "Recall"} <= set(labels)
    assert any("95% CI" in c.value for c in page.caption)
    assert len(page.get("plotly_chart")) >= 8  # confusion ×2, ROC, PR, calibration, gains, …


def test_slider_updates_value_at_once_and_save_stores_it(page: AppTest, champion, wb) -> None:  # type: ignore[no-untyped-def]
    rows = evaluation.evaluation_rows(wb, champion)
    result = evaluation.evaluate_rows(rows, evaluation.money(wb, champion.project_id), bootstrap=0)
    slider = page.slider(key=f"wb.eval.threshold.{champion.id}")
    slider.set_value(0.6).run()
    expected = evaluate.value_at_threshold(result.value_curve, 0.6)
    assert _metric(page, "Value per month", last=True) == f"{expected:,.0f} EUR"
    _button(page, "Save this threshold").click().run()
    assert not page.exception
    assert training.get_run(wb, champion.id).chosen_threshold == 0.6
    assert any("saved: **0.600**" in m.value for m in page.markdown)
    _button(page, "Clear the saved threshold").click().run()
    assert training.get_run(wb, champion.id).chosen_threshold is None


def test_explain_runs_as_a_job_then_shows_shap(page: AppTest, champion, wb) -> None:  # type: ignore[no-untyped-def]
    page.number_input(key="wb.eval.shap.sample").set_value(200)
    _button(page, "Explain this run").click().run()
    jobs = list_jobs(wb, project_id=champion.project_id, kind=explanations.EXPLAIN_KIND)
    assert len(jobs) == 1 and jobs[0].params == {"run_id": champion.id, "sample": 200, "seed": 0}
    run_in_foreground(wb, jobs[0].id)
    page.run()
    assert not page.exception
    dependence = page.selectbox(key="wb.eval.shap.dependence")
    assert (
        dependence.options[0]
        == explanations.latest_explanation(wb, champion.id).summary["top_features"][0]["name"]
    )
    assert any("Explained 200 of 1,400 test rows" in c.value for c in page.caption)
    dependence.set_value(dependence.options[1]).run()
    assert not page.exception


def test_what_if_shows_the_new_prediction(page: AppTest) -> None:
    page.number_input(key="wb.eval.whatif.0.tenure_months").set_value(72)
    _button(page, "See the new prediction").click().run()
    assert not page.exception
    labels = [m.label for m in page.metric]
    assert "Original prediction" in labels and "After your changes" in labels


def test_save_a_discovered_cohort(page: AppTest, champion, wb) -> None:  # type: ignore[no-untyped-def]
    page.text_input(key="wb.eval.found.name").set_value("risky newcomers")
    _button(page, "Save cohort").click().run()
    assert not page.exception
    saved = evaluation.list_cohorts(wb, champion.project_id)
    assert [c.name for c in saved] == ["risky newcomers"]
    tables = [d.value for d in page.dataframe if "cohort" in d.value.columns]
    assert list(tables[0]["cohort"]) == ["risky newcomers"]


def test_compare_tab_counts_disagreements(page: AppTest, champion, wb) -> None:  # type: ignore[no-untyped-def]
    other_id = page.selectbox(key="wb.eval.compare.other").value
    a = evaluation.evaluation_rows(wb, champion)
    b = evaluation.evaluation_rows(wb, training.get_run(wb, other_id))
    expected = int((a.prediction != b.prediction).sum())
    assert _metric(page, "Rows where they disagree") == f"{expected:,}"


def test_page_without_runs_says_what_to_do(home, app: Callable[[], AppTest]) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from app.cli import main

    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    at = app()
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert any("Train a model first" in i.value for i in at.info)


# -- the same figure on the page and in `workbench analyze --json` (issue 15, item 7) ---------


def _cli_json(*args: object) -> dict:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _metrics(at: AppTest, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label == label]


def _chart(at: AppTest, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key) or key in c.proto.id]
    assert charts, f"no chart {key}"
    return json.loads(charts[0].proto.spec)


def test_value_at_the_threshold_in_force_reads_the_same_on_both_tabs_and_the_cli(
    page: AppTest, champion, trained_demo: str
) -> None:  # type: ignore[no-untyped-def]
    report = _cli_json("analyze", trained_demo, "--json")
    expected = format_money(report["value_per_month"], report["currency"])
    performance, threshold_tab = _metrics(page, "Value per month")
    assert performance == expected
    assert threshold_tab == expected
    slider = page.slider(key=f"wb.eval.threshold.{champion.id}")
    assert abs(slider.value - report["threshold"]) <= 0.0025  # the slider's grid, not the figure


def _off_grid_threshold(wb, run) -> float:  # type: ignore[no-untyped-def]
    """A test-row score whose value differs from the value at the slider's rounded threshold."""
    rows = evaluation.evaluation_rows(wb, run)
    result = evaluation.evaluate_rows(rows, evaluation.money(wb, run.project_id), bootstrap=0)
    curve = result.value_curve
    for score in curve.thresholds[(curve.thresholds > 0.2) & (curve.thresholds < 0.8)]:
        shown = round(float(score), 3)
        if evaluate.value_at_threshold(curve, shown) != evaluate.value_at_threshold(curve, score):
            return float(score)
    raise AssertionError("every score sits on the slider's grid")


def test_value_at_an_off_grid_threshold_in_force_is_one_number(
    trained_demo: str, app: Callable[[], AppTest], wb
) -> None:  # type: ignore[no-untyped-def]
    run = training.champion(wb, projects.resolve_project(wb, trained_demo).id)
    evaluation.save_threshold(wb, run.id, _off_grid_threshold(wb, run))
    report = _cli_json("analyze", trained_demo, "--json")
    at = app()
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    expected = format_money(report["value_per_month"], report["currency"])
    assert _metrics(at, "Value per month") == [expected, expected]


def test_roc_auc_card_and_threshold_equal_the_cli(page: AppTest, trained_demo: str) -> None:
    report = _cli_json("analyze", trained_demo, "--json")
    assert _metrics(page, "ROC AUC")[0] == f"{report['metrics']['roc_auc']['value']:,.3f}"
    errors_caption = next(c.value for c in page.caption if c.value.startswith("Errors of run"))
    assert f"at threshold {report['threshold']:.3f}" in errors_caption


def test_top_cohort_reads_the_same_in_chart_list_and_cli(page: AppTest, trained_demo: str) -> None:
    report = _cli_json("analyze", trained_demo, "--json")
    top = report["top_error_cohorts"][0]
    spec = _chart(page, "wb.eval.found")
    bar = spec["data"][0]
    assert html.unescape(bar["y"][0]) == top["rule"].rsplit(": ", 1)[0]
    assert bar["text"][0] == f"{top['error']:.0%} · {top['rows']:,} rows"
    listed = page.selectbox(key="wb.eval.found.pick")
    assert listed.options[0] == top["rule"]
    # the tab's first chart is that list, not one column's quantile bins (other cuts)
    first = page.tabs[2].get("plotly_chart")[0]
    assert "wb.eval.found" in first.proto.id


def test_saved_cohort_keeps_the_numbers_it_was_listed_with(page: AppTest, champion, wb) -> None:  # type: ignore[no-untyped-def]
    listed = page.selectbox(key="wb.eval.found.pick").options[0]
    page.text_input(key="wb.eval.found.name").set_value("top")
    next(b for b in page.button if b.label == "Save cohort").click().run()
    assert not page.exception
    saved = evaluation.list_cohorts(wb, champion.project_id)
    assert saved[0].cohort.describe() == listed
