"""The trail records what the issue lists, once each, with who did it and a readable summary.

A demo-like flow through the services in team mode, by three people: goal versions, a data
import, role changes, a recipe edit, training started / finished / cancelled, the champion
and the threshold, a fairness mitigation, an export, a promotion, a deletion and a restore.

Team mode runs on the test's SQLite home through ``tests.helpers.team.team_settings``
(PostgreSQL is what a real team server uses; here only who-did-what is under test).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.context import Workbench, close_all
from app.jobs.runner import run_in_foreground
from app.services import (
    data_config,
    datasets,
    evaluation,
    export,
    fairness,
    goals,
    jobs,
    projects,
    splits,
    training,
)
from app.services.data_config import RoleRequest
from app.services.team import activity, members, promotions
from core.data.recipe import Recipe, Step
from core.data.split import SplitSpec
from tests.helpers import team_project
from tests.helpers.team import as_person, team_workbench

OWNER, EDITOR, APPROVER = team_project.OWNER, team_project.EDITOR, team_project.APPROVER


@pytest.fixture
def wb(home: Path) -> Iterator[Workbench]:
    yield team_workbench()
    close_all()


def _ok(wb: Workbench, job_id: int) -> dict:
    info = run_in_foreground(wb, job_id)
    assert info.status == "succeeded", info.error
    return info.result or {}


def test_the_trail_lists_each_change_with_its_person_in_order(wb: Workbench) -> None:
    owner, editor = as_person(wb, OWNER), as_person(wb, EDITOR)
    approver = as_person(wb, APPROVER)
    pid = projects.create_project(owner, "Churn for the team").id
    members.invite(owner, pid, EDITOR.key, "viewer")
    members.change_member(owner, pid, EDITOR.key, role="editor")
    members.invite(owner, pid, APPROVER.key, "viewer", can_approve=True)

    document = goals.read_goal_file(team_project.GOAL)
    goals.save_goal(editor, pid, document, source="upload: goal.yaml", draft=False)
    goals.save_goal(editor, pid, {**document, "name": "Churn, next quarter"}, source="form")

    csv = team_project.churn_frame().to_csv(index=False).encode()
    roles = RoleRequest(target="churned", sensitive=("gender",), ids=("customer_id",))
    _ok(editor, datasets.submit_file_import(editor, pid, csv, filename="churn.csv", roles=roles))
    frame = datasets.load_frame(editor, datasets.list_versions(editor, pid)[-1])
    data_config.apply_role_request(editor, pid, RoleRequest(ignore=("contract",)), frame)
    data_config.save_recipe(editor, pid, Recipe((Step("parse_dates", "signup_date"),)))
    version = datasets.list_versions(editor, pid)[-1]
    splits.define_split(editor, version, SplitSpec(method="random", test_size=0.25, seed=0))

    plan = training.TrainPlan(models=("dummy", "logreg"), folds=2)
    _ok(editor, training.submit_training(editor, pid, plan))
    cancelled = training.submit_training(editor, pid, training.TrainPlan(models=("rf",), folds=2))
    jobs.cancel_job(owner, cancelled)

    best = training.champion(editor, pid)
    assert best is not None
    training.set_champion(editor, best.id)
    evaluation.save_threshold(editor, best.id, 0.35)
    _ok(editor, fairness.submit_mitigation(
        editor, best.id, sensitive=["gender"], method="threshold", constraint="demographic_parity"
    ))  # fmt: skip
    entry = _ok(editor, export.submit_export(editor, best.id))
    asked = promotions.request_promotion(editor, pid, entry["registry_version"], "beats the rule")
    promotions.decide(approver, asked.id, approve=True, comment="card read")
    projects.delete_project(owner, pid, confirm_name="Churn for the team")
    projects.restore_project(owner, pid)

    o, e, a = OWNER.key, EDITOR.key, APPROVER.key
    expected = [
        (o, "project.created", r"Created project 'Churn for the team'"),
        (o, "member.invited", r"Invited editor@example\.com as viewer"),
        (o, "member.changed", r"editor@example\.com: role viewer → editor"),
        (o, "member.invited", r"Invited approver@example\.com as viewer with the approver right"),
        (e, "goal.saved", r"Goal v1 \(upload: goal\.yaml\): First version\."),
        (e, "goal.saved", r"Goal v2 \(form\): name: .+ → Churn, next quarter"),
        (e, "data.import_started", r"Started importing churn\.csv"),
        (e, "data.imported", r"Imported upload: churn\.csv as version 1: 240 rows × 7 columns"),
        (e, "data.roles", r"First data: column roles suggested, target churned"),
        (
            e,
            "data.roles",
            r"Column roles: target churned; sensitive gender; identifier customer_id",
        ),
        (e, "data.import.finished", r"Import churn\.csv: succeeded — Imported version 1: 240 rows"),
        (e, "data.roles", r"Column roles: ignore contract"),
        (e, "recipe.changed", r"Recipe saved \(1 step\(s\)\)"),
        (
            e,
            "data.split",
            r"Evaluation split of version 1: Random 25 % hold-out, stratified on churned",
        ),
        (e, "training.started", r"Started training dummy, .*logreg \(2 folds\) on data version 1"),
        (e, "training.finished", r"succeeded — Trained \d model\(s\) on \d+ rows\. Best: "),
        (e, "training.started", r"Started training .*rf \(2 folds\)"),
        (o, "training.cancelled", rf"Asked to cancel “Train \(quick\)” \(job {cancelled}\)"),
        (e, "training.finished", r"cancelled — Cancelled before it started\."),
        (e, "run.champion", rf"Made run {best.id} the champion"),
        (e, "run.threshold", rf"Threshold of run {best.id} set to 0\.35"),
        (e, "fairness.mitigation", rf"Started mitigation \(threshold\) of run {best.id}"),
        (e, "run.threshold", r"Threshold of run \d+ set to"),  # the mitigated run's own
        (e, "fairness.mitigate.finished", r"succeeded — Run \d+: demographic parity difference"),
        (e, "export.started", rf"Started exporting run {best.id}"),
        (e, "export.bundle.finished", r"succeeded — Bundle v1 .* is ready"),
        (e, "promotion.requested", r"Requested v1 for production: beats the rule"),
        (a, "promotion.decided", r"Approved v1 for production \(request #\d+\): card read"),
        (o, "project.deleted", r"Moved 'Churn for the team' to the trash"),
        (o, "project.restored", r"Restored 'Churn for the team' from the trash"),
    ]
    # What a mitigation job saves on the way (its fairness checks, the new run's scores)
    # is in the trail too; the list above is what the issue asks the trail to show.
    on_the_way = {"run.scores", "fairness.analysed"}
    trail = [
        (x.actor, x.action, x.summary)
        for x in reversed(activity.list_activity(wb, pid))
        if x.action not in on_the_way
    ]
    assert [t[:2] for t in trail] == [t[:2] for t in expected]
    for (actor, action, summary), (_, _, pattern) in zip(trail, expected, strict=True):
        assert re.search(pattern, summary), f"{actor} {action}: {summary!r} !~ {pattern!r}"


def test_a_job_ending_is_recorded_once_for_its_submitter(wb: Workbench) -> None:
    """Interrupted (its worker died) and failed endings are in the trail too, once each."""
    from app.jobs import queue, reap_stale_jobs, submit

    owner = as_person(wb, OWNER)
    pid = projects.create_project(owner, "Jobs").id
    running = submit(owner, "test.count", {}, project_id=pid, claimed=True)
    assert reap_stale_jobs(owner, stale_seconds=1e-9) == [running]
    failing = submit(owner, "test.fail", {}, project_id=pid)
    run_in_foreground(owner, failing)
    reap_stale_jobs(owner, stale_seconds=1e-9)  # nothing more to reap: no second entry
    ends = [
        (x.actor, x.details["job_id"], x.details["status"])
        for x in reversed(activity.list_activity(wb, pid))
        if x.action.endswith(".finished")
    ]
    assert ends == [(OWNER.key, running, "interrupted"), (OWNER.key, failing, "failed")]
    assert queue.job_action("train.models", "finished") == "training.finished"
