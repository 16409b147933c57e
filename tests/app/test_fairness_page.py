"""Fairness page (AppTest) on the trained demo: groups, plain sentences, mitigation job, trade-off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import fairness, projects, training

PAGE = "../pages/fairness.py"


@pytest.fixture
def page(trained_demo: str, app: Callable[[], AppTest]) -> AppTest:
    at = app()
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def test_groups_and_disparities_in_plain_words(page: AppTest) -> None:
    assert page.multiselect(key="wb.fair.attributes").value == ["gender"]
    passed = [s.value for s in page.success] + [e.value for e in page.error]
    assert any("Demographic parity difference" in text and "(limit 0.1)" in text for text in passed)
    assert any("percentage points" in text for text in passed)
    assert any("only 18 rows" in w.value for w in page.warning)


def test_intersection_and_binned_numbers(page: AppTest) -> None:
    page.multiselect(key="wb.fair.attributes").set_value(["gender", "age"]).run()
    assert not page.exception
    assert page.number_input(key="wb.fair.bins.age").value == fairness.DEFAULT_BINS
    assert any("Mitigation needs the group at prediction time" in i.value for i in page.info)


def test_mitigate_runs_a_job_and_the_tradeoff_shows_it(page: AppTest, wb) -> None:  # type: ignore[no-untyped-def]
    project = projects.resolve_project(wb, "Customer churn (demo)")
    next(b for b in page.button if b.label == "Mitigate").click().run()
    jobs = list_jobs(wb, project_id=project.id, kind=fairness.MITIGATE_KIND)
    assert len(jobs) == 1
    run_in_foreground(wb, jobs[0].id)
    page.run()
    assert not page.exception
    kinds = next(d.value for d in page.dataframe if "kind" in d.value.columns)["kind"]
    assert "mitigated" in set(kinds)
    mitigated = next(r for r in training.list_runs(wb, project.id) if r.kind == "mitigated")
    page.selectbox(key="wb.fair.candidate").set_value(mitigated.id).run()
    next(b for b in page.button if b.label == "Make champion").click().run()
    assert training.get_run(wb, mitigated.id).is_champion
