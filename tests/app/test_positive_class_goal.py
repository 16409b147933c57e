"""The goal's positive class and the one chosen on the Data page / CLI: the latter wins, the
reason says which, and a new target forgets a class chosen for the old one."""

from __future__ import annotations

import pytest

from app.context import open_workbench
from app.errors import UserError
from app.services import data_config, datasets
from app.services.demo import ensure_demo_project


@pytest.fixture
def demo(home):  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    version = datasets.list_versions(wb, project.id)[0]
    return wb, project.id, datasets.load_frame(wb, version)


def test_the_goal_class_applies_until_the_user_chooses(demo) -> None:  # type: ignore[no-untyped-def]
    wb, project_id, frame = demo
    schema = data_config.schema_for(wb, project_id, frame)
    assert (schema.positive_class, schema.positive_class_reason) == ("Yes", "from the goal")
    assert data_config.get_settings(wb, project_id).positive_class is None  # read live
    chosen = data_config.set_positive_class(wb, project_id, "No", frame)
    assert (chosen.positive_class, chosen.positive_class_reason) == (
        "No",
        "chosen by you (the goal says 'Yes')",
    )
    back = data_config.set_positive_class(wb, project_id, None, frame)
    assert (back.positive_class, back.positive_class_reason) == ("Yes", "from the goal")


def test_an_unknown_class_is_refused_and_nothing_saved(demo) -> None:  # type: ignore[no-untyped-def]
    wb, project_id, frame = demo
    expected = (
        r"'yes' is not a class of 'churned'; its classes are 'No', 'Yes'\. Did you mean 'Yes'\?"
    )
    with pytest.raises(UserError, match=expected):
        data_config.set_positive_class(wb, project_id, "yes", frame)
    assert data_config.get_settings(wb, project_id).positive_class is None


def test_a_new_target_forgets_the_chosen_class(demo) -> None:  # type: ignore[no-untyped-def]
    wb, project_id, frame = demo
    data_config.set_positive_class(wb, project_id, "No", frame)
    request = data_config.RoleRequest(target="paperless_billing")
    settings = data_config.apply_role_request(wb, project_id, request, frame)
    assert settings.positive_class is None


def test_a_regression_target_has_no_positive_class_to_choose(demo) -> None:  # type: ignore[no-untyped-def]
    wb, project_id, frame = demo
    data_config.apply_role_request(
        wb, project_id, data_config.RoleRequest(target="monthly_charges"), frame
    )
    with pytest.raises(UserError, match="applies to a binary target"):
        data_config.set_positive_class(wb, project_id, "1", frame)
