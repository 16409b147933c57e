"""Train page: which columns the model does not see and why; the sensitive-as-input choice;
training with and without the sensitive columns to show what excluding them costs."""

from __future__ import annotations

from app.context import open_workbench
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import data_config, training
from app.services.demo import ensure_demo_project

TRAIN_PAGE = "../pages/train.py"
HINT = "turn on “Use sensitive attributes as inputs” to use them"


def _statement(at) -> str:  # type: ignore[no-untyped-def]
    return next(t.value for t in at.text if t.value.startswith("The model "))


def _custom_tree(at) -> None:  # type: ignore[no-untyped-def]
    at.radio(key="wb.train.preset").set_value("custom").run()
    at.multiselect(key="wb.train.models").set_value(["tree"])
    at.number_input(key="wb.train.folds").set_value(3)


def _run_last_job(project_id: int) -> None:
    wb = open_workbench()
    job = list_jobs(wb, project_id=project_id, kind=training.TRAIN_KIND)[0]
    finished = run_in_foreground(wb, job.id)
    assert finished.status == "succeeded", finished.error


def test_page_states_what_the_model_does_not_see(open_page) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = open_page(project.id, TRAIN_PAGE)
    statement = _statement(at)
    assert statement.startswith("The model does not see: customer_id — identifier")
    assert f"gender, age, age_band — sensitive attribute ({HINT})" in statement
    assert "tenure_months" not in statement

    at.toggle(key="wb.train.sensitive").set_value(True).run()
    assert not at.exception, at.exception
    assert "gender" not in _statement(at)
    assert data_config.get_settings(open_workbench(), project.id).sensitive_as_input is True

    _custom_tree(at)
    at.button(key="wb.train.start").click().run()
    _run_last_job(project.id)
    run = next(r for r in training.list_runs(open_workbench(), project.id) if r.model_key == "tree")
    assert run.settings["include_sensitive"] is True
    assert {"gender", "age", "age_band"} <= set(run.input_columns)
    at.run()
    at.selectbox(key="wb.train.selected").select(run.id).run()
    line = next(t.value for t in at.text if t.value.startswith(f"Run {run.id} "))
    assert "gender" not in line and "customer_id — identifier" in line


def test_compare_trains_both_ways_and_shows_the_cost(open_page) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = open_page(project.id, TRAIN_PAGE)
    _custom_tree(at)
    at.button(key="wb.train.compare_sensitive").click().run()
    assert not at.exception, at.exception
    _run_last_job(project.id)
    at.run()
    runs = [r for r in training.list_runs(open_workbench(), project.id) if r.model_key == "tree"]
    by_tag = {r.tags[training.SENSITIVE_TAG]: r for r in runs}
    assert set(by_tag) == {"included", "excluded"}
    assert "gender" in by_tag["included"].input_columns
    assert "gender" not in by_tag["excluded"].input_columns
    board = next(df.value for df in at.dataframe if "rank" in df.value.columns)
    assert set(board["sensitive inputs"]) == {"included", "excluded"}
    cost = next(df.value for df in at.dataframe if "runs (with / without)" in df.value)
    tree = cost[cost["model"] == "Decision tree"].iloc[0]
    money = next(c for c in cost.columns if c.startswith("cost of excluding"))
    assert "per month" in money
    expected = by_tag["included"].cv_mean - by_tag["excluded"].cv_mean
    assert float(tree[money].replace(",", "")) == round(expected)
