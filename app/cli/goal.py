"""`workbench goal …`: set and show a project's business goal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.params import emit_json, json_option, pass_workbench, project_argument

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo


@click.group("goal")
def goal_group() -> None:
    """Set and show a project's business goal (KPI, payoff, ROI, risks)."""


@goal_group.command("set")
@project_argument
@click.argument("path", metavar="FILE.yaml", type=click.Path(path_type=Path))
@json_option
@pass_workbench
def goal_set(wb: Workbench, project: ProjectInfo, path: Path, as_json: bool) -> None:
    """Validate FILE.yaml and save it as the goal's next version."""
    from app.services.goals import read_goal_file, save_goal
    from core.goal import GoalValidationError, goal_missing_fields

    data = read_goal_file(path)
    try:
        saved = save_goal(wb, project.id, data, source=f"cli: {path.name}")
    except GoalValidationError as error:  # every problem, one a line, not just the first
        click.echo(
            f"error: {path} has {len(error.problems)} problem(s); nothing was saved:", err=True
        )
        for problem in error.problems:
            click.echo(f"  {problem.field or '(goal)'}: {problem.message}", err=True)
        raise click.exceptions.Exit(2) from None
    missing = list(goal_missing_fields(saved.goal))
    if as_json:
        emit_json({**saved.to_json(), "project_id": project.id, "missing": missing})
        return
    click.echo(f"Saved goal version {saved.version} for {project.name}: {saved.summary}")
    if missing:
        click.echo(f"Still missing before the Goal stage is done: {', '.join(missing)}")


@goal_group.command("show")
@project_argument
@json_option
@pass_workbench
def goal_show(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """Show the goal with its computed figures (value per month, ROI, payback)."""
    from app.services.goals import goal_report
    from core.goal import format_money

    report = goal_report(wb, project.id)
    if report is None:
        if as_json:
            emit_json(None)
            return
        click.echo(
            f"{project.name} has no goal yet. "
            f"Set one with `workbench goal set {project.id} goal.yaml`."
        )
        return
    if as_json:
        emit_json(report)
        return
    document = report["goal"]
    click.echo(f"{document.get('name')} — goal version {report['version']}")
    click.echo(f"  problem:  {document.get('problem')}")
    kpi = document.get("kpi")
    if kpi:
        click.echo(
            f"  KPI:      {kpi.get('name')} {kpi.get('baseline')} -> {kpi.get('target')} "
            f"{kpi.get('unit', '')}"
        )
    click.echo(f"  metric:   {document.get('metric')}")
    figures = report["figures"]
    if figures:
        currency = figures["currency"]
        value = format_money(figures["expected_value_per_month"], currency)
        click.echo(f"  value:    {value} per month ({figures['basis']})")
        net = format_money(figures["net_gain_per_month"], currency)
        click.echo(f"  net gain: {net} per month after running costs")
        payback = figures["payback_months"]
        click.echo(f"  payback:  {'never' if payback is None else f'{payback:.1f} months'}")
    if report["missing"]:
        click.echo(f"  missing:  {', '.join(report['missing'])}")


COMMANDS = [goal_group]
