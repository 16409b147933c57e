"""Free-text fields have length limits named in the refusal (before: a 5 MB description was stored)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.errors import UserError
from core.exceptions import CoreError
from core.goal import GoalValidationError
from core.text_limits import TEXT_LIMITS

HUGE = "x" * 5_000_000


@pytest.fixture
def project(wb):  # type: ignore[no-untyped-def]
    from app.services.projects import create_project

    return create_project(wb, "Limits")


def test_cli_refuses_a_5_mb_project_name_with_exit_2(home: Path) -> None:
    from app.context import close_all

    result = CliRunner().invoke(main, ["project", "create", HUGE])
    close_all()
    assert result.exit_code == 2
    assert f"the limit is {TEXT_LIMITS['project name']}" in result.stderr


def test_project_description_is_limited(wb) -> None:  # type: ignore[no-untyped-def]
    from app.services.projects import create_project

    with pytest.raises(CoreError, match="project description is 5,000,000 characters long"):
        create_project(wb, "Described", HUGE)


def test_goal_text_fields_are_limited_naming_the_field(wb, project) -> None:  # type: ignore[no-untyped-def]
    from app.services.goals import save_goal

    with pytest.raises(GoalValidationError) as caught:
        save_goal(wb, project.id, {"name": "Churn", "problem": HUGE}, source="test")
    [problem] = caught.value.problems
    assert problem.field == "problem"
    assert f"the limit is {TEXT_LIMITS['goal text']:,}" in problem.message


def test_dataset_note_is_limited(wb, project) -> None:  # type: ignore[no-untyped-def]
    from app.jobs.runner import run_in_foreground
    from app.services.datasets import list_versions, submit_file_import
    from app.services.explore import save_note

    job = submit_file_import(wb, project.id, b"a,b\n1,2\n3,4\n", filename="t.csv", claimed=True)
    assert run_in_foreground(wb, job).status == "succeeded"
    version = list_versions(wb, project.id)[0]
    with pytest.raises(
        CoreError,
        match=f"dataset note is 5,000,000 characters long; the limit is {TEXT_LIMITS['dataset note']:,}",
    ):
        save_note(wb, version.id, HUGE)


def test_cohort_name_is_limited(wb, project) -> None:  # type: ignore[no-untyped-def]
    from app.services.evaluation import save_cohort

    with pytest.raises((CoreError, UserError), match="cohort name is 5,000,000 characters long"):
        save_cohort(wb, project.id, HUGE, None, run_id=None)  # type: ignore[arg-type]
