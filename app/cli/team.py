"""`workbench members …` and `workbench activity`: a project's people and its trail.

The CLI acts as its named admin in team mode (``app.cli.params.acting_for_cli``), so what it
changes here is in the trail under ``cli:<user>``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.params import OUT_FILE, emit_json, json_option, pass_workbench, project_argument
from app.errors import UserError

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo
    from app.services.team.members import MemberInfo

ROLES = click.Choice(["owner", "editor", "viewer"], case_sensitive=False)


@click.group("members")
def members_group() -> None:
    """A project's members and roles: list, invite, change, remove."""


@members_group.command("list")
@project_argument
@json_option
@pass_workbench
def members_list(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """PROJECT's members: owners, then editors, then viewers."""
    from app.services.team import members

    rows = members.list_members(wb, project.id)
    if as_json:
        emit_json([m.to_json() for m in rows])
        return
    if not rows:
        click.echo("No members yet. Invite with `workbench members invite PROJECT EMAIL`.")
    for m in rows:
        click.echo(_member_line(m))


@members_group.command("invite")
@project_argument
@click.argument("email")
@click.option("--role", type=ROLES, default="viewer", show_default=True)
@click.option("--approver", is_flag=True, help="Also give the right to approve promotions.")
@json_option
@pass_workbench
def members_invite(
    wb: Workbench, project: ProjectInfo, email: str, role: str, approver: bool, as_json: bool
) -> None:
    """Give EMAIL a role in PROJECT (it applies when that person signs in)."""
    from app.services.team import members

    member = members.invite(wb, project.id, email, role, can_approve=approver)
    _echo_member(member, as_json, f"Invited to {project.name}:")


@members_group.command("change")
@project_argument
@click.argument("email")
@click.option("--role", type=ROLES, default=None, help="The new role.")
@click.option("--approver/--no-approver", default=None, help="Give or take the approver right.")
@json_option
@pass_workbench
def members_change(
    wb: Workbench, project: ProjectInfo, email: str, role: str | None, approver: bool | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Change EMAIL's role and/or approver right in PROJECT."""
    from app.services.team import members

    if role is None and approver is None:
        raise UserError("Say what to change: --role ROLE and/or --approver / --no-approver.")
    member = members.change_member(wb, project.id, email, role=role, can_approve=approver)
    _echo_member(member, as_json, "Now:")


@members_group.command("remove")
@project_argument
@click.argument("email")
@pass_workbench
def members_remove(wb: Workbench, project: ProjectInfo, email: str) -> None:
    """Take EMAIL out of PROJECT (a project keeps at least one owner)."""
    from app.services.team import members

    members.remove_member(wb, project.id, email)
    click.echo(f"Removed {email.strip().lower()} from {project.name}.")


def _member_line(m: MemberInfo) -> str:
    approver = " +approver" if m.can_approve else ""
    invited = "" if m.has_signed_in else "  (invited, not signed in yet)"
    return f"  {m.role:<7}{approver:<10} {m.email}  {m.name if m.name != m.email else ''}{invited}"


def _echo_member(member: MemberInfo, as_json: bool, heading: str) -> None:
    if as_json:
        emit_json(member.to_json())
    else:
        click.echo(heading)
        click.echo(_member_line(member))


@click.command("activity")
@project_argument
@click.option("--area", "areas", multiple=True, help="Only this area (repeatable): goal, data, …")
@click.option("--who", "actors", multiple=True, help="Only this person's e-mail (repeatable).")
@click.option("--since", default=None, help="Only entries on or after this date (YYYY-MM-DD).")
@click.option("--csv", "csv_path", type=OUT_FILE, default=None, help="Also write them as CSV.")
@json_option
@pass_workbench
def activity_command(
    wb: Workbench, project: ProjectInfo, areas: tuple[str, ...], actors: tuple[str, ...],
    since: str | None, csv_path: Path | None, as_json: bool,
) -> None:  # fmt: skip
    """PROJECT's trail, newest first: who changed what, and when (UTC)."""
    from app.services.team import activity

    unknown = sorted({a.strip().lower() for a in areas} - set(activity.AREAS))
    if unknown:
        raise UserError(
            f"--area {', '.join(unknown)} is not an area; choose from {', '.join(activity.AREAS)}."
        )
    entries = activity.list_activity(
        wb, project.id, areas=[a.strip().lower() for a in areas] or None,
        actors=[a.strip().lower() for a in actors] or None, since=_date(since),
    )  # fmt: skip
    if csv_path is not None:
        csv_path.write_bytes(activity.activity_csv(entries))
    if as_json:
        emit_json([e.to_json() for e in entries])
        return
    if not entries:
        click.echo("No activity matches.")
    for e in entries:
        click.echo(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor_name:<24} {e.action:<24} {e.summary}")
    if csv_path is not None:
        click.echo(f"Wrote {len(entries)} entries to {csv_path}.")


def _date(text: str | None) -> datetime | None:
    """``--since 2026-12-01`` (or a full ISO time; without a zone it is UTC, as the trail)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--since {text!r} is not a date; write it as 2026-12-01.") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


COMMANDS = [members_group, activity_command]
