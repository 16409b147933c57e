"""Team mode on every stage page: a viewer sees everything and changes nothing; comments.

The demo project (trained) is shared by the CLI admin: Ben is invited as a viewer, Cara as an
editor; Ana is the workspace admin. Each page is opened as one of them (``AppTest.user``, as
``st.login`` would set it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.actors import Actor, user_actor
from app.context import Workbench, open_workbench
from app.services import fairness, monitoring, projects, training
from app.services.team import comments, members
from tests.helpers.team import ADMIN, ANA, BEN, CARA

VIEWER, EDITOR, WORKSPACE_ADMIN = BEN, CARA, ANA
STRANGER = user_actor("zoe@example.com", "Zoe")  # signed in, member of nothing
NOTICE = "You can look at everything here; changes are disabled"

#: Per stage page, controls that change the project: a button's key, ("label", text) for a
#: form's submit button (those have no key of their own), or ("checkbox", key).
WRITE_CONTROLS: dict[str, list[str | tuple[str, str]]] = {
    "data.py": [
        "wb.data.schema.save",
        "wb.data.recipe.remove.0",
        ("label", "Add step"),
        ("label", "Add expectation"),
        ("checkbox", "wb.data.split.confirm"),  # replacing the frozen split starts here
        ("label", "Run query and import"),
    ],
    "explore.py": ["wb.explore.report.start", ("label", "Save notes")],
    "train.py": [
        "wb.train.start",
        "wb.train.compare_sensitive",
        "wb.train.rerun",
        ("label", "Save"),
    ],
    "evaluate.py": [
        "wb.eval.save_threshold",
        ("label", "Explain this run"),
        ("label", "Save cohort"),
    ],
    "fairness.py": [("label", "Mitigate")],
    "monitor.py": ["wb.mon.simulate", "wb.mon.path.save", ("label", "Import")],
}
#: Reading controls that stay usable for a viewer (what-if is a read).
READ_CONTROLS: dict[str, list[str | tuple[str, str]]] = {
    "evaluate.py": [("label", "See the new prediction"), "wb.eval.use_cv"],
    "train.py": [],
}


@pytest.fixture
def team(trained_demo: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Team mode on the trained demo; returns the project's id.

    Team mode refuses SQLite (``Settings.check``). Until the PostgreSQL fixture
    (tests/helpers/postgres.py) is on main, this module lifts that refusal so the pages can be
    driven on the trained demo's SQLite home; it is to be switched to PostgreSQL.
    """
    monkeypatch.setattr("app.settings.Settings.check", lambda self: None)
    monkeypatch.setenv("WORKBENCH_MODE", "team")
    monkeypatch.setenv("WORKBENCH_ADMINS", WORKSPACE_ADMIN.key)
    admin = _cli_admin()
    project = projects.resolve_project(admin, trained_demo)
    members.invite(admin, project.id, VIEWER.key, "viewer")
    members.invite(admin, project.id, EDITOR.key, "editor")
    return project.id


def _cli_admin() -> Workbench:
    return open_workbench().acting_as(ADMIN)


def _as(app: Callable[[], AppTest], person: Actor, page: str | None = None) -> AppTest:
    at = app()
    at.user = {"is_logged_in": True, "email": person.key, "name": person.name}
    at.run()
    if page is not None:
        at.switch_page(f"../pages/{page}").run()
    assert not at.exception, at.exception
    return at


def _control(at: AppTest, ref: str | tuple[str, str]):  # type: ignore[no-untyped-def]
    if isinstance(ref, str):
        return at.button(key=ref)
    if ref[0] == "checkbox":
        return at.checkbox(key=ref[1])
    found = [b for b in at.button if b.label == ref[1]]
    assert found, f"no button labelled {ref[1]!r}"
    return found[0]


def _notice_shown(at: AppTest) -> bool:
    return any(NOTICE in info.value for info in at.info)


@pytest.mark.parametrize("page", list(WRITE_CONTROLS))
def test_viewer_sees_the_page_with_every_write_control_disabled(
    team: int, app: Callable[[], AppTest], page: str
) -> None:
    at = _as(app, VIEWER, page)
    assert _notice_shown(at)
    assert sum(NOTICE in info.value for info in at.info) == 1  # once, at the top
    for ref in WRITE_CONTROLS[page]:
        assert _control(at, ref).disabled, ref
    for ref in READ_CONTROLS.get(page, []):
        assert not _control(at, ref).disabled, ref
    posts = [b for b in at.button if b.label == "Post"]
    assert posts and all(b.disabled for b in posts)  # a viewer may not comment either


@pytest.mark.parametrize("page", list(WRITE_CONTROLS))
def test_editor_gets_the_same_controls_enabled(
    team: int, app: Callable[[], AppTest], page: str
) -> None:
    at = _as(app, EDITOR, page)
    assert not _notice_shown(at)
    for ref in WRITE_CONTROLS[page]:
        assert not _control(at, ref).disabled, ref
    assert [b for b in at.button if b.label == "Post" and not b.disabled]


def test_viewer_toggle_for_sensitive_inputs_is_disabled(
    team: int, app: Callable[[], AppTest]
) -> None:
    """It saves on change (no button): the widget itself is the write control."""
    assert _as(app, VIEWER, "train.py").toggle(key="wb.train.sensitive").disabled
    assert not _as(app, EDITOR, "train.py").toggle(key="wb.train.sensitive").disabled


def test_viewer_sees_fairness_without_storing_an_analysis(
    team: int, app: Callable[[], AppTest]
) -> None:
    admin = _cli_admin()
    champion = training.champion(admin, team)
    assert champion is not None and fairness.latest_analysis(admin, champion.id) is None
    at = _as(app, VIEWER, "fairness.py")
    cards = [m.value for m in [*at.error, *at.success, *at.info]]
    assert any("Demographic parity difference" in c for c in cards)  # the viewer sees the report
    assert not any("may not" in c for c in cards), cards  # no refusal: the page only read
    assert fairness.latest_analysis(admin, champion.id) is None  # ... and nothing was written
    _as(app, EDITOR, "fairness.py")
    assert fairness.latest_analysis(admin, champion.id) is not None


def test_viewer_monitor_with_production_data(team: int, app: Callable[[], AppTest]) -> None:
    """With batches the Alerts and Retrain tabs draw their writes too: disabled for a viewer."""
    admin = _cli_admin()
    simulation = monitoring.simulate_production(admin, team)
    monitoring.import_predictions(
        admin, team, simulation.log_text.encode(), filename="production.jsonl",
        outcomes=simulation.outcomes, id_column=simulation.id_column, simulated=True,
    )  # fmt: skip
    writes = ["wb.mon.retrain", ("checkbox", "wb.mon.retrain.simulated"), ("label", "Save webhook")]
    viewer = _as(app, VIEWER, "monitor.py")
    assert all(_control(viewer, ref).disabled for ref in writes)
    assert not viewer.multiselect(key="wb.mon.drift.cols").disabled  # reading stays usable
    editor = _as(app, EDITOR, "monitor.py")
    assert not any(_control(editor, ref).disabled for ref in writes)


def test_viewer_cannot_cancel_a_running_job(team: int, app: Callable[[], AppTest]) -> None:
    """The live job panel's Cancel changes the project too (no worker here: it stays queued)."""
    job_id = training.submit_training(_cli_admin(), team, training.TrainPlan(preset="quick"))
    cancel = f"wb.job.cancel.{job_id}"
    assert _as(app, VIEWER, "train.py").button(key=cancel).disabled
    assert not _as(app, EDITOR, "train.py").button(key=cancel).disabled


def test_projects_page_rights(team: int, app: Callable[[], AppTest]) -> None:
    """Rename, delete need the owner; storage maintenance the workspace admin."""
    maintenance = ["wb.home.maintenance.verify_artifacts", "wb.home.maintenance.collect_garbage"]
    for person in (VIEWER, EDITOR):
        at = _as(app, person)
        assert not at.button(key=f"wb.home.open.{team}").disabled  # opening is reading
        assert _control(at, ("label", "Rename")).disabled
        assert _control(at, ("label", "Move to trash")).disabled
        assert all(at.button(key=key).disabled for key in maintenance)
    at = _as(app, WORKSPACE_ADMIN)
    assert not _control(at, ("label", "Rename")).disabled
    assert not _control(at, ("label", "Move to trash")).disabled
    assert not any(at.button(key=key).disabled for key in maintenance)


def test_restore_in_the_trash_needs_the_owner(team: int, app: Callable[[], AppTest]) -> None:
    admin = _cli_admin()
    name = projects.get_project(admin, team).name
    projects.delete_project(admin, team, confirm_name=name)
    assert _as(app, EDITOR).button(key=f"wb.home.restore.{team}").disabled
    assert not _as(app, WORKSPACE_ADMIN).button(key=f"wb.home.restore.{team}").disabled


def test_signed_in_non_member_sees_no_projects(team: int, app: Callable[[], AppTest]) -> None:
    at = _as(app, STRANGER)
    assert not [b for b in at.button if (b.key or "").startswith("wb.home.open.")]
    assert any("No projects yet" in info.value for info in at.info)


def test_editor_comment_is_shown_as_text_not_markdown(
    team: int, app: Callable[[], AppTest]
) -> None:
    text = "**bold** <b>x</b>"
    at = _as(app, EDITOR, "data.py")
    at.text_area(key="wb.comments.data.stage.text").input(text)
    next(b for b in at.button if b.label == "Post").click().run()
    assert not at.exception, at.exception
    assert text in [t.value for t in at.text]  # verbatim: no bold, no HTML
    assert not any("<b>x</b>" in m.value for m in at.markdown)
    stored = comments.list_comments(_cli_admin(), team, "data")
    assert [(c.text, c.author) for c in stored] == [(text, EDITOR.key)]
    viewer = _as(app, VIEWER, "data.py")  # the viewer reads it too
    assert text in [t.value for t in viewer.text]


def test_run_comment_on_evaluate_names_the_run(team: int, app: Callable[[], AppTest]) -> None:
    """A reviewer's note on a run: shown beside that run on Evaluate, even to a viewer."""
    champion = training.champion(_cli_admin(), team)
    assert champion is not None
    editor = open_workbench().acting_as(EDITOR)
    comments.add_comment(
        editor, team, "evaluate", "threshold looks high", subject=f"run:{champion.id}"
    )
    at = _as(app, VIEWER, "evaluate.py")
    assert "threshold looks high" in [t.value for t in at.text]
    key = f"wb.comments.evaluate.run:{champion.id}.text"
    assert at.text_area(key=key).disabled


def test_local_mode_has_no_notice_and_everything_enabled(
    trained_demo: str, app: Callable[[], AppTest], home: Path
) -> None:
    at = app()
    at.run()
    at.switch_page("../pages/train.py").run()
    assert not at.exception, at.exception
    assert not _notice_shown(at)
    assert not at.button(key="wb.train.start").disabled
