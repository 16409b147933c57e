"""Every write service, called by every kind of person: allowed as the rights matrix says,
refused with ``PermissionDenied`` and no change otherwise.

The table is ``CALLS``: one real call per service in ``WRITE_SERVICES`` (every module of
``app.services`` is imported first so every ``@guarded`` ran). A service without an entry,
or an entry for a service that is gone, fails ``test_every_write_service_has_a_call``.

Team mode needs PostgreSQL (``Settings.check``): these run team-mode settings on SQLite
through ``tests.helpers.team.team_settings`` (the check is skipped on that settings object
only); ``test_the_table_on_postgresql`` runs the same table on the session's throwaway
PostgreSQL cluster (tests/helpers/postgres.py).
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

import app.services
from app.actors import Actor
from app.context import Workbench
from app.errors import PermissionDenied, UserError
from app.jobs import list_jobs
from app.services.team.guard import WRITE_SERVICES
from app.services.team.rights import APPROVER_RIGHTS, ROLE_RIGHTS, Right, Role
from core.exceptions import CoreError
from tests.helpers import team_project as team

for _module in pkgutil.walk_packages(app.services.__path__, "app.services."):
    importlib.import_module(_module.name)


@dataclass
class Ctx:
    """What a call needs: the acting workbench and the template project's real objects."""

    wb: Workbench
    label: str
    project_id: int
    objects: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _calls() -> dict[str, Callable[[Ctx], object]]:
    from app.services import (
        data_config,
        datasets,
        evaluation,
        explanations,
        explore,
        export,
        fairness,
        goals,
        jobs,
        projects,
        recipes,
        splits,
        training,
    )
    from app.services.data_config import RoleRequest
    from app.services.monitoring import alerts, intake, retrain, store
    from app.services.team import comments, members, promotions
    from core.data.expectations import Expectation
    from core.data.ingest.source import DatasetInfo
    from core.data.recipe import Recipe, Step
    from core.data.split import SplitSpec
    from core.explore.report import ProfileSettings

    s = "app.services."
    return {
        s + "data_config.accept_sensitive": lambda c: data_config.accept_sensitive(
            c.wb, c.project_id, ["contract"]
        ),
        s + "data_config.apply_role_request": lambda c: data_config.apply_role_request(
            c.wb, c.project_id, RoleRequest(ignore=("contract",)), c.frame
        ),
        s + "data_config.dismiss_sensitive": lambda c: data_config.dismiss_sensitive(
            c.wb, c.project_id, ["gender"]
        ),
        s + "data_config.ensure_config": lambda c: data_config.ensure_config(
            c.wb, c.project_id, c.frame
        ),
        s + "data_config.record_expectation_results": lambda c: (
            data_config.record_expectation_results(c.wb, c.version, c.frame)
        ),
        s + "data_config.save_expectations": lambda c: data_config.save_expectations(
            c.wb, c.project_id, [Expectation(kind="not_null", column="tenure_months")]
        ),
        s + "data_config.save_recipe": lambda c: data_config.save_recipe(
            c.wb, c.project_id, Recipe((Step("drop_column", "contract"),))
        ),
        s + "data_config.set_positive_class": lambda c: data_config.set_positive_class(
            c.wb, c.project_id, "No", c.frame
        ),
        s + "data_config.update_settings": lambda c: data_config.update_settings(
            c.wb, c.project_id, sensitive_as_input=True
        ),
        s + "datasets.save_version": lambda c: datasets.save_version(
            c.wb,
            c.project_id,
            c.frame.head(200),
            DatasetInfo(
                source="authz.csv", format="csv", rows=200, columns=7, detected=None, notes=()
            ),
        ),
        s + "datasets.submit_file_import": lambda c: datasets.submit_file_import(
            c.wb, c.project_id, c.csv_bytes, filename=f"{c.label}.csv"
        ),
        s + "datasets.submit_sql_import": lambda c: datasets.submit_sql_import(
            c.wb, c.project_id, url="sqlite:///:memory:"
        ),
        s + "evaluation.delete_cohort": lambda c: evaluation.delete_cohort(c.wb, c.cohort_id),
        s + "evaluation.save_cohort": lambda c: evaluation.save_cohort(
            c.wb, c.project_id, f"cohort of {c.label}", c.cohort, run_id=c.run.id
        ),
        s + "evaluation.save_threshold": lambda c: evaluation.save_threshold(c.wb, c.run.id, 0.4),
        s + "explanations.submit_explanation": lambda c: explanations.submit_explanation(
            c.wb, c.run.id, sample=50
        ),
        s + "explore.save_note": lambda c: explore.save_note(
            c.wb, c.version.id, f"note by {c.label}"
        ),
        s + "explore.submit_profile": lambda c: explore.submit_profile(
            c.wb, c.version, ProfileSettings(minimal=True)
        ),
        s + "export.set_stage": lambda c: export.set_stage(
            c.wb, c.project_id, c.registry_version, "staging", why="shadow test"
        ),
        s + "export.submit_export": lambda c: export.submit_export(c.wb, c.run.id),
        s + "fairness.analyse": lambda c: fairness.analyse(c.wb, c.run, ["gender"]),
        s + "fairness.submit_mitigation": lambda c: fairness.submit_mitigation(
            c.wb,
            c.run.id,
            sensitive=["gender"],
            method="threshold",
            constraint="demographic_parity",
        ),
        s + "goals.restore_goal_version": lambda c: goals.restore_goal_version(
            c.wb, c.project_id, 1
        ),
        s + "goals.save_goal": lambda c: goals.save_goal(
            c.wb, c.project_id, {**c.goal, "name": f"Goal of {c.label}"}, source="test"
        ),
        s + "jobs.cancel_job": lambda c: jobs.cancel_job(c.wb, c.job_id),
        s + "monitoring.alerts.raise_alerts": lambda c: alerts.raise_alerts(
            c.wb, c.project_id, batch_id=c.batch_id
        ),
        s + "monitoring.intake.attach_outcomes": lambda c: intake.attach_outcomes(
            c.wb, c.batch_id, c.outcomes, c.id_column
        ),
        s + "monitoring.intake.import_new_lines": lambda c: intake.import_new_lines(
            c.wb, c.project_id
        ),
        s + "monitoring.intake.import_predictions": lambda c: intake.import_predictions(
            c.wb, c.project_id, c.log_bytes, filename=f"{c.label}.jsonl"
        ),
        s + "monitoring.retrain.simulate_production": lambda c: retrain.simulate_production(
            c.wb, c.project_id
        ),
        s + "monitoring.retrain.submit_retrain": lambda c: retrain.submit_retrain(
            c.wb, c.project_id, include_simulated=True
        ),
        s + "monitoring.store.update_settings": lambda c: store.update_settings(
            c.wb, c.project_id, webhook_url=""
        ),
        s + "projects.create_project": lambda c: projects.create_project(
            c.wb, f"Project of {c.label}"
        ),
        s + "projects.delete_project": lambda c: projects.delete_project(
            c.wb, c.project_id, confirm_name=team.PROJECT
        ),
        s + "projects.empty_trash": lambda c: projects.empty_trash(c.wb),
        s + "projects.rename_project": lambda c: projects.rename_project(
            c.wb, c.project_id, f"Renamed by {c.label}"
        ),
        s + "projects.restore_project": lambda c: projects.restore_project(c.wb, c.project_id),
        s + "recipes.add_fix": lambda c: recipes.add_fix(c.wb, c.version, c.fix, confirmed=True),
        s + "recipes.add_step": lambda c: recipes.add_step(
            c.wb, c.version, Step("drop_column", "contract")
        ),
        s + "recipes.apply_fix": lambda c: recipes.apply_fix(
            c.wb, c.version, c.fix.ref, confirmed=True
        ),
        s + "recipes.move_step": lambda c: recipes.move_step(c.wb, c.version, 2, -1),
        s + "recipes.remove_step": lambda c: recipes.remove_step(c.wb, c.version, 1),
        s + "splits.define_split": lambda c: splits.define_split(
            c.wb, c.version, SplitSpec(method="random", test_size=0.25, seed=1), replace=True
        ),
        s + "team.comments.add_comment": lambda c: comments.add_comment(
            c.wb, c.project_id, "goal", f"Looks right to {c.label}"
        ),
        s + "team.members.change_member": lambda c: members.change_member(
            c.wb, c.project_id, team.SPARE, role="viewer"
        ),
        s + "team.members.invite": lambda c: members.invite(
            c.wb, c.project_id, f"new-{c.label}@example.com".replace("+", "-"), "viewer"
        ),
        s + "team.members.remove_member": lambda c: members.remove_member(
            c.wb, c.project_id, team.SPARE
        ),
        s + "team.promotions.decide": lambda c: promotions.decide(
            c.wb, c.request_id, approve=True, comment="checked the card"
        ),
        s + "team.promotions.request_promotion": lambda c: promotions.request_promotion(
            c.wb, c.project_id, c.registry_version, "beats production"
        ),
        s + "team.promotions.withdraw": lambda c: promotions.withdraw(c.wb, c.request_id),
        s + "training.jobs.submit_rerun": lambda c: training.submit_rerun(c.wb, c.run.id),
        s + "training.jobs.submit_training": lambda c: training.submit_training(
            c.wb, c.project_id, training.TrainPlan(models=("logreg",), folds=2)
        ),
        s + "training.runs.set_champion": lambda c: training.set_champion(c.wb, c.run.id),
        s + "training.runs.update_run_notes": lambda c: training.update_run_notes(
            c.wb, c.run.id, notes=f"seen by {c.label}"
        ),
        s + "training.runs.update_scores": lambda c: training.update_scores(
            c.wb, c.run.id, {"authz_score": 0.5}
        ),
    }


CALLS = _calls()

#: A service whose state the call needs, made first (as the admin) in the fresh home.
PREPARE: dict[str, Callable[[Ctx], object]] = {
    "app.services.projects.restore_project": lambda c: _delete(c),
    "app.services.projects.empty_trash": lambda c: _delete(c),
    "app.services.recipes.move_step": lambda c: _two_steps(c),
    "app.services.recipes.remove_step": lambda c: _two_steps(c),
    "app.services.team.promotions.request_promotion": lambda c: _withdraw(c),
}
#: Services whose first allowed call may still end in a ``UserError`` here, and why.
USER_ERROR_EXPECTED: dict[str, str] = {
    "app.services.monitoring.intake.import_new_lines": "no service log is configured",
    "app.services.datasets.submit_sql_import": "an in-memory database holds no table",
}


def _delete(c: Ctx) -> None:
    from app.services import projects

    projects.delete_project(c.wb, c.project_id, confirm_name=team.PROJECT)


def _withdraw(c: Ctx) -> None:
    from app.services.team import promotions

    promotions.withdraw(c.wb, c.request_id)


def _two_steps(c: Ctx) -> None:
    from app.services import data_config
    from core.data.recipe import Recipe, Step

    recipe = Recipe((Step("drop_column", "contract"), Step("drop_column", "monthly_charges")))
    data_config.save_recipe(c.wb, c.project_id, recipe)


def expected_rights(role: str | None, approver: bool, *, admin: bool, signed_in: bool) -> set:
    """The matrix, written from ROLE_RIGHTS + APPROVER_RIGHTS (not from ``rights_of``)."""
    if admin:
        return set(Right)
    rights: set[Right] = {Right.CREATE} if signed_in else set()
    if role is not None:
        rights |= ROLE_RIGHTS[Role(role)]
    if approver:
        rights |= APPROVER_RIGHTS
    return rights


def allowed(service: str, label: str) -> bool:
    _label, actor, role, approver = next(p for p in team.PEOPLE if p[0] == label)
    rights = expected_rights(
        role, approver, admin=actor == team.ADMIN, signed_in=actor.kind == "user"
    )
    return WRITE_SERVICES[service].right in rights


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The trained project, its team, a cohort, a monitoring batch and a pending request."""
    path = tmp_path_factory.mktemp("authz") / "wbhome"
    team.build_trained_home(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_HOME", str(path))
        patch.delenv("WORKBENCH_DATABASE_URL", raising=False)
        patch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
        with team.team_home() as tp:
            _add_objects(tp)
    yield path


def _add_objects(tp: team.TeamProject) -> None:
    from app.services import evaluation, monitoring, training
    from app.services.team import promotions
    from core import evaluate
    from core.conditions import Condition

    admin = tp.as_(team.ADMIN)
    run = training.champion(admin, tp.project_id)
    assert run is not None
    cohort = evaluate.Cohort(
        rule="tenure_months < 12", rows=30, error_rate=0.2, lift=1.5,
        conditions=(Condition("tenure_months", "<", 12),),
    )  # fmt: skip
    evaluation.save_cohort(admin, tp.project_id, "short tenure", cohort, run_id=run.id)
    simulation = monitoring.simulate_production(admin, tp.project_id)
    monitoring.import_predictions(
        admin, tp.project_id, simulation.log_text.encode(), filename="month.jsonl"
    )
    home = admin.settings.home  # kept in the home, which each test copies
    (home / "simulated.jsonl").write_text(simulation.log_text, encoding="utf-8")
    simulation.outcomes.to_csv(home / "outcomes.csv", index=False)
    (home / "id_column.txt").write_text(simulation.id_column, encoding="utf-8")
    promotions.request_promotion(tp.as_(team.EDITOR), tp.project_id, 1, "ready for production")
    plan = training.TrainPlan(models=("logreg",), folds=2)
    training.submit_training(tp.as_(team.EDITOR), tp.project_id, plan)  # queued, to cancel


@pytest.fixture
def team_project(template: Path, home: Path) -> Iterator[team.TeamProject]:
    shutil.copytree(template, home)
    with team.team_home() as tp:
        yield tp


def _objects(tp: team.TeamProject) -> dict[str, Any]:
    from app.services import datasets, evaluation, goals, monitoring, quality, recipes, training

    admin = tp.as_(team.ADMIN)
    version = datasets.list_versions(admin, tp.project_id)[-1]
    frame = datasets.load_frame(admin, version)
    run = training.champion(admin, tp.project_id)
    goal = goals.latest_goal(admin, tp.project_id)
    assert run is not None and goal is not None
    cohort = evaluation.list_cohorts(admin, tp.project_id)[0]
    batch = monitoring.list_batches(admin, tp.project_id)[0]
    home = admin.settings.home
    report = quality.check_version(admin, version)
    fixes = [o for o in recipes.fix_options(admin, version, report.findings) if o.step]
    from app.services.team import promotions

    request = promotions.list_requests(admin, tp.project_id, status="pending")[0]
    queued = [j for j in list_jobs(admin, project_id=tp.project_id) if j.status == "queued"]
    return {
        "version": version,
        "frame": frame,
        "csv_bytes": team.churn_frame(40, seed=3).to_csv(index=False).encode(),
        "run": run,
        "goal": goal.document,
        "cohort": cohort.cohort,
        "cohort_id": cohort.id,
        "batch_id": batch.id,
        "log_bytes": (home / "simulated.jsonl").read_bytes(),
        "outcomes": pd.read_csv(home / "outcomes.csv"),
        "id_column": (home / "id_column.txt").read_text(encoding="utf-8"),
        "fix": fixes[0] if fixes else None,
        "registry_version": 1,
        "request_id": request.id,
        "job_id": queued[0].id,
    }


def snapshot(wb: Workbench) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, and every stored file: what a refused call must not change."""
    from storage.models import Base

    with wb.db.read() as session:
        tables = {
            t.name: sorted(map(repr, session.execute(select(t)).all()))
            for t in Base.metadata.sorted_tables
        }
    files = sorted(str(p) for p in wb.artifacts.root.rglob("*") if p.is_file())
    return {**tables, "artifacts": files}  # type: ignore[dict-item]


# -- the tests -------------------------------------------------------------------------------


def test_every_write_service_has_a_call() -> None:
    missing = sorted(set(WRITE_SERVICES) - set(CALLS))
    stale = sorted(set(CALLS) - set(WRITE_SERVICES))
    assert not missing, f"write services with no entry in CALLS (add one): {missing}"
    assert not stale, f"CALLS names services that no longer exist: {stale}"
    assert set(PREPARE) <= set(CALLS) and set(USER_ERROR_EXPECTED) <= set(CALLS)


def test_the_matrix_is_what_the_roles_say() -> None:
    """The expectations themselves: a viewer edits nothing, an owner approves nothing."""
    assert allowed("app.services.goals.save_goal", "editor")
    assert not allowed("app.services.goals.save_goal", "viewer+approver")
    assert allowed("app.services.team.promotions.decide", "viewer+approver")
    assert not allowed("app.services.team.promotions.decide", "owner")
    assert allowed("app.services.projects.create_project", "non-member")
    assert not allowed("app.services.projects.create_project", "nobody")
    assert not allowed("app.services.projects.empty_trash", "owner")
    assert allowed("app.services.projects.empty_trash", "admin")


@pytest.mark.parametrize("service", sorted(CALLS))
def test_each_person_is_allowed_or_refused_as_the_matrix_says(
    service: str, team_project: team.TeamProject
) -> None:
    check_service(service, team_project)


def test_the_table_on_postgresql(
    postgres_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same table on PostgreSQL: one template database, a copy of it per service."""
    from app.context import close_all

    template_db = postgres_cluster.create_database()
    template_home = tmp_path / "template" / "wbhome"
    template_home.parent.mkdir()
    team.build_trained_home(template_home, postgres_cluster.url(template_db))
    monkeypatch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
    monkeypatch.setenv("WORKBENCH_HOME", str(template_home))
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", postgres_cluster.url(template_db))
    with team.team_home() as tp:
        _add_objects(tp)
    close_all()  # a template database must have no connections
    for number, service in enumerate(sorted(CALLS)):
        database = postgres_cluster.create_database(template=template_db)
        home = tmp_path / f"service{number}" / "wbhome"
        shutil.copytree(template_home, home)
        monkeypatch.setenv("WORKBENCH_HOME", str(home))
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", postgres_cluster.url(database))
        with team.team_home() as tp:
            assert tp.wb.settings.database_url.startswith("postgresql")
            check_service(service, tp)
        postgres_cluster.drop_database(database)
    postgres_cluster.drop_database(template_db)


def check_service(service: str, tp: team.TeamProject) -> None:
    """Refused people first (nothing may change), then the allowed ones (real arguments)."""
    objects = _objects(tp)

    def ctx(label: str, actor: Actor) -> Ctx:
        return Ctx(tp.as_(actor), label.replace("+", "-"), tp.project_id, objects)

    if service in PREPARE:
        PREPARE[service](ctx("admin", team.ADMIN))
    people = [(label, actor) for label, actor, *_ in team.PEOPLE]
    refused = [(lab, a) for lab, a in people if not allowed(service, lab)]
    permitted = [(lab, a) for lab, a in people if allowed(service, lab)]
    assert permitted, "the admin at least may call every service"

    for label, actor in refused:  # first, while the state is the template's
        before = snapshot(tp.wb)
        with pytest.raises(PermissionDenied):
            CALLS[service](ctx(label, actor))
        assert snapshot(tp.wb) == before, f"{label}: refused, yet something changed"

    for position, (label, actor) in enumerate(permitted):
        try:
            CALLS[service](ctx(label, actor))
        except PermissionDenied as error:
            pytest.fail(f"{label} may call {service} but was refused: {error}")
        except (UserError, CoreError) as error:
            # A later caller may find the work done (decided, deleted, name taken); the
            # first one uses real arguments and must succeed unless listed.
            if position == 0 and service not in USER_ERROR_EXPECTED:
                pytest.fail(f"{label}: {service} refused its arguments: {error}")
