"""`workbench project …`: create, list, show, rename and delete projects; the trash."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from app.cli.params import emit_json, json_option, pass_workbench, project_argument

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo


def project_json(wb: Workbench, project: ProjectInfo) -> dict[str, Any]:
    from app.services.stages import stage_statuses

    payload = project.to_json()
    payload["stages"] = {s.key: s.state for s in stage_statuses(wb, project.id)}
    return payload


@click.group("project")
def project_group() -> None:
    """Create, list, show, rename and delete projects; restore them from the trash."""


@project_group.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the project is for.")
@json_option
@pass_workbench
def project_create(wb: Workbench, name: str, description: str, as_json: bool) -> None:
    """Create a project called NAME."""
    from app.services.projects import create_project

    info = create_project(wb, name, description)
    if as_json:
        emit_json(project_json(wb, info))
    else:
        click.echo(f"Created project {info.id}: {info.name}")


@project_group.command("list")
@json_option
@pass_workbench
def project_list(wb: Workbench, as_json: bool) -> None:
    """List projects, most recently active first."""
    from app.services.projects import list_projects

    projects = list_projects(wb)
    if as_json:
        emit_json([project_json(wb, p) for p in projects])
        return
    if not projects:
        click.echo(
            "No projects yet. Create one with `workbench project create NAME` or run `workbench demo`."
        )
        return
    click.echo(f"{'ID':>4}  {'NAME':<40}  LAST ACTIVITY")
    for p in projects:
        click.echo(f"{p.id:>4}  {p.name:<40}  {p.updated_at:%Y-%m-%d %H:%M} UTC")


@project_group.command("show")
@project_argument
@json_option
@pass_workbench
def project_show(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """Show one project (by name or id) with its stage statuses."""
    from app.services.stages import stage_statuses

    if as_json:
        emit_json(project_json(wb, project))
        return
    click.echo(f"{project.name} (id {project.id})")
    if project.description:
        click.echo(f"  {project.description}")
    click.echo(
        f"  created {project.created_at:%Y-%m-%d %H:%M} UTC, "
        f"last activity {project.updated_at:%Y-%m-%d %H:%M} UTC"
    )
    for status in stage_statuses(wb, project.id):
        click.echo(f"  {status.title:<9} {status.state.replace('_', ' '):<12} {status.detail}")


@project_group.command("rename")
@project_argument
@click.argument("new_name")
@pass_workbench
def project_rename(wb: Workbench, project: ProjectInfo, new_name: str) -> None:
    """Rename PROJECT to NEW_NAME."""
    from app.services.projects import rename_project

    info = rename_project(wb, project.id, new_name)
    click.echo(f"Renamed project {info.id} to {info.name}")


@project_group.command("delete")
@project_argument
@click.option("--yes", is_flag=True, help="Confirm: move the project to the trash.")
@pass_workbench
def project_delete(wb: Workbench, project: ProjectInfo, yes: bool) -> None:
    """Move PROJECT to the trash (asks for --yes); `project restore` brings it back."""
    from app.services.projects import delete_project, purge_after

    if not yes:
        raise click.UsageError(
            f"Deleting '{project.name}' moves it with all its data and models to the trash. "
            "Add --yes to confirm."
        )
    info = delete_project(wb, project.id, confirm_name=project.name)
    click.echo(
        f"Moved project {info.id}: {info.name} to the trash. Restore it with "
        f"`workbench project restore {info.id}` until {purge_after(wb, info):%Y-%m-%d %H:%M} UTC."
    )


@project_group.command("restore")
@click.argument("project_ref", metavar="PROJECT")
@json_option
@pass_workbench
def project_restore(wb: Workbench, project_ref: str, as_json: bool) -> None:
    """Bring PROJECT (name or id) back from the trash."""
    from app.services.projects import restore_project

    info = restore_project(wb, project_ref)
    if as_json:
        emit_json(project_json(wb, info))
    else:
        click.echo(f"Restored project {info.id}: {info.name}")


def _purged_after(wb: Workbench, project: ProjectInfo) -> datetime:
    from app.services.projects import purge_after

    when = purge_after(wb, project)
    assert when is not None  # the project is in the trash
    return when


@project_group.command("trash")
@json_option
@pass_workbench
def project_trash(wb: Workbench, as_json: bool) -> None:
    """List deleted projects, which can be restored until they are purged."""
    from app.services.projects import list_trash

    trashed = list_trash(wb)
    if as_json:
        emit_json(
            [{**p.to_json(), "purge_after": _purged_after(wb, p).isoformat()} for p in trashed]
        )
        return
    if not trashed:
        click.echo("The trash is empty.")
        return
    click.echo(f"{'ID':>4}  {'NAME':<40}  {'DELETED':<20}  PURGED AFTER")
    for p in trashed:
        click.echo(
            f"{p.id:>4}  {p.name:<40}  {p.deleted_at:%Y-%m-%d %H:%M} UTC  "
            f"{_purged_after(wb, p):%Y-%m-%d %H:%M} UTC"
        )


@project_group.command("empty-trash")
@click.option("--yes", is_flag=True, help="Confirm: delete the projects in the trash for good.")
@json_option
@pass_workbench
def project_empty_trash(wb: Workbench, yes: bool, as_json: bool) -> None:
    """Delete every project in the trash for good and free its files (asks for --yes)."""
    from app.services.projects import empty_trash, list_trash

    if not yes:
        count = len(list_trash(wb))
        raise click.UsageError(
            f"Emptying the trash deletes {count} project(s) for good. Add --yes to confirm."
        )
    report = empty_trash(wb)
    if as_json:
        emit_json(
            {
                "purged": list(report.purged),
                "waiting": list(report.waiting),
                "freed_bytes": report.freed_bytes,
            }
        )
        return
    click.echo(
        f"Deleted {len(report.purged)} project(s) for good ({report.freed_bytes / 1e6:,.1f} MB freed; "
        "files younger than the grace period are freed later)."
    )
    if report.waiting:
        click.echo(f"Kept for now (a job is still stopping): {', '.join(report.waiting)}")


COMMANDS = [project_group]
