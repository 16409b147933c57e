"""The bundled demo project, created idempotently so `workbench demo` can run any number of times."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.context import Workbench
from app.errors import UserError
from app.jobs.runner import run_in_foreground
from app.permits import system_write
from app.services import data_config, datasets, goals, splits
from app.services.data_config import RoleRequest
from app.services.projects import ProjectInfo, create_project, get_project, touch_project
from core.data.recipe import Recipe, Step
from core.data.split import SplitSpec
from storage.models import Project

DEMO_DIR = Path(__file__).resolve().parents[2] / "assets" / "demo"
DEMO_NAME = "Customer churn (demo)"
DEMO_DESCRIPTION = (
    "Which customers will cancel next month, so the retention team can call the right ones? "
    "A worked example of the whole lifecycle on 7,000 synthetic telecom customers."
)


def find_demo_project(wb: Workbench) -> ProjectInfo | None:
    with wb.db.read() as session:
        project_id = session.scalar(
            select(Project.id)
            .where(Project.is_demo.is_(True), Project.deleted_at.is_(None))
            .order_by(Project.id)
            .limit(1)
        )
    return None if project_id is None else get_project(wb, project_id)


def ensure_demo_project(wb: Workbench) -> tuple[ProjectInfo, bool]:
    """Return the demo project, creating it first if missing. The bool says whether it was created."""
    project = find_demo_project(wb)
    created = project is None
    if project is None:
        try:
            project = create_project(wb, DEMO_NAME, DEMO_DESCRIPTION, is_demo=True)
        except UserError:
            # Created concurrently by another process, or the name is taken by a user's project.
            project = find_demo_project(wb)
            if project is None:
                raise
            created = False
    _seed_stages(wb, project.id)
    with system_write("the demo opens first"), wb.db.write() as session:
        touch_project(session, project.id)  # the app opens on the most recently active project
    return project, created


def _seed_stages(wb: Workbench, project_id: int) -> None:
    """Fill each built stage the demo has content for, once (re-running adds nothing)."""
    if goals.latest_goal(wb, project_id) is None:
        document = goals.read_goal_file(DEMO_DIR / "goal.yaml")
        goals.save_goal(wb, project_id, document, source="demo", draft=False)
    _seed_data(wb, project_id)


def _seed_data(wb: Workbench, project_id: int) -> None:
    if not datasets.list_versions(wb, project_id):
        # Marked explicitly (a sensitive-looking name is only a suggestion): the demo's
        # fairness check compares gender and age groups; none of the three is a model input.
        roles = RoleRequest(
            target="churned", sensitive=("gender", "age", "age_band"), ids=("customer_id",)
        )
        job_id = datasets.submit_file_import(
            wb, project_id, DEMO_DIR / "churn.csv", filename="churn.csv", roles=roles,
            claimed=True, source="demo: assets/demo/churn.csv",
        )  # fmt: skip
        job = run_in_foreground(wb, job_id)
        if job.status != "succeeded":
            raise UserError(f"Could not import the demo data: {job.error or job.message}")
        # The data page would suggest this fix; doing it here lets models use the signup date.
        parse = Step("parse_dates", "signup_date")
        data_config.save_recipe(wb, project_id, Recipe((parse,)))
    version = datasets.list_versions(wb, project_id)[-1]
    if not splits.has_split(wb, version.id):
        splits.define_split(wb, version, SplitSpec(method="random", test_size=0.2, seed=0))
