"""The target column has one owner, the Data settings: choosing it there writes no goal version,
and the Goal page shows the Data page's choice next to the goal's own note of it."""

from __future__ import annotations

import pytest

from app.context import open_workbench
from app.services import data_config, datasets, goals
from app.services.demo import ensure_demo_project


@pytest.fixture
def demo(home):  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    version = datasets.list_versions(wb, project.id)[0]
    return wb, project.id, datasets.load_frame(wb, version)


def test_choosing_the_target_on_the_data_page_writes_no_goal_version(demo) -> None:  # type: ignore[no-untyped-def]
    wb, project_id, frame = demo
    before = goals.latest_goal(wb, project_id)
    request = data_config.RoleRequest(target="paperless_billing")
    data_config.apply_role_request(wb, project_id, request, frame)
    after = goals.latest_goal(wb, project_id)
    assert (after.version, after.document) == (before.version, before.document)
    assert data_config.get_settings(wb, project_id).target == "paperless_billing"


def test_the_goal_page_names_the_target_the_data_page_uses(demo, open_page) -> None:  # type: ignore[no-untyped-def]
    wb, project_id, frame = demo
    data_config.apply_role_request(
        wb, project_id, data_config.RoleRequest(target="paperless_billing"), frame
    )
    at = open_page(project_id, "../pages/goal.py")
    shown = " ".join(c.value for c in at.caption)
    assert "The Data page uses `paperless_billing` as the target" in shown
