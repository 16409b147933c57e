"""`workbench export` and `workbench registry list | promote | request | approve | reject |
requests`: bundles, their stages and four-eyes promotion."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.jobs import finish_job
from app.cli.params import (
    OUT_FILE,
    ListingGroup,
    emit_json,
    json_option,
    pass_workbench,
    project_argument,
    run_for,
    run_option,
)
from app.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.context import Workbench
    from app.services.export import RegistryEntry
    from app.services.projects import ProjectInfo


@click.command("export")
@project_argument
@run_option
@click.option("--out", "out_path", type=OUT_FILE, required=True, help="The zip to write.")
@click.option(
    "--golden-real-rows",
    is_flag=True,
    help="Ship ~20 real training rows as golden.csv (default: synthetic rows from the schema).",
)
@json_option
@pass_workbench
def export_command(
    wb: Workbench, project: ProjectInfo, run_id: int | None, out_path: Path,
    golden_real_rows: bool, as_json: bool,
) -> None:  # fmt: skip
    """Export a run as a self-contained, verified bundle zip (and a registry version)."""
    from app.services import export

    run = run_for(wb, project.id, run_id)
    if golden_real_rows:
        click.echo(f"Warning: {export.GOLDEN_REAL_ROWS_WARNING}", err=True)
    job_id = export.submit_export(wb, run.id, claimed=True, golden_real_rows=golden_real_rows)
    info = finish_job(wb, job_id, quiet=as_json)
    entry = export.get_version(wb, project.id, int((info.result or {})["registry_version"]))
    out_path.write_bytes(export.bundle_bytes(wb, entry))
    if as_json:
        emit_json({**entry.to_json(), "out": str(out_path)})
        return
    click.echo(
        f"Wrote {out_path} ({entry.size_bytes / 1e6:.1f} MB): registry v{entry.version} "
        f"({entry.stage}), sha256 {entry.bundle_sha256}."
    )
    click.echo(
        "Unzip it and follow README.md: `python predict.py --self-test`, then score or serve."
    )


@click.group("registry", cls=ListingGroup)
def registry_group() -> None:
    """A project's exported versions: `registry list PROJECT` (also `registry PROJECT`),
    `registry promote PROJECT VERSION --stage S --why TEXT`; four-eyes promotion with
    `registry request`, `registry approve|reject` and `registry requests`."""


@registry_group.command("list")
@project_argument
@json_option
@pass_workbench
def registry_list(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """List PROJECT's registry: every exported version with its stage and last change."""
    from app.services import export

    _print_entries(export.registry(wb, project.id), as_json=as_json)


@registry_group.command("promote")
@project_argument
@click.argument("version_ref", metavar="VERSION")
@click.option(
    "--stage",
    type=click.Choice(["candidate", "staging", "production", "archived"]),
    default="production",
    show_default=True,
    help="The new stage.",
)
@click.option("--why", default="", help="The reason, kept in the history.")
@click.option("--who", default=None, help="Who decides (default: the OS user).")
@click.option("--yes", is_flag=True, help="With --stage production: do not ask to confirm.")
@json_option
@pass_workbench
def registry_promote(
    wb: Workbench, project: ProjectInfo, version_ref: str, stage: str, why: str, who: str | None,
    yes: bool, as_json: bool,
) -> None:  # fmt: skip
    """Move registry VERSION (e.g. 3 or v3) of PROJECT to a stage; prints the registry."""
    from app.services import export

    version = _version_number(version_ref)
    if stage == "production" and not yes and not as_json:
        click.confirm(
            f"Promote v{version} to production? The current production version is archived.",
            abort=True,
        )
    entries = export.set_stage(
        wb, project.id, version, stage, who=who or getpass.getuser(), why=why
    )
    _print_entries(entries, as_json=as_json)


@registry_group.command("request")
@project_argument
@click.argument("version_ref", metavar="VERSION")
@click.option("--why", required=True, help="Why this version should go to production.")
@json_option
@pass_workbench
def registry_request(
    wb: Workbench, project: ProjectInfo, version_ref: str, why: str, as_json: bool
) -> None:
    """Ask for registry VERSION of PROJECT to go to production (someone else approves)."""
    from app.services.team import promotions

    request = promotions.request_promotion(wb, project.id, _version_number(version_ref), why)
    if as_json:
        emit_json(request.to_json())
        return
    click.echo(
        f"Request #{request.id}: v{request.version} for production, waiting for approval. "
        f"An approver runs `workbench registry approve {project.id} {request.id}`."
    )


@registry_group.command("approve")
@project_argument
@click.argument("request_id", metavar="REQUEST_ID", type=int)
@click.option("--note", default="", help="A note kept with the decision.")
@json_option
@pass_workbench
def registry_approve(
    wb: Workbench, project: ProjectInfo, request_id: int, note: str, as_json: bool
) -> None:
    """Approve promotion request REQUEST_ID: its version goes to production."""
    _decide(wb, project, request_id, approve=True, note=note, as_json=as_json)


@registry_group.command("reject")
@project_argument
@click.argument("request_id", metavar="REQUEST_ID", type=int)
@click.option("--note", default="", help="Why not (kept with the decision).")
@json_option
@pass_workbench
def registry_reject(
    wb: Workbench, project: ProjectInfo, request_id: int, note: str, as_json: bool
) -> None:
    """Reject promotion request REQUEST_ID: the version keeps its stage."""
    _decide(wb, project, request_id, approve=False, note=note, as_json=as_json)


@registry_group.command("requests")
@project_argument
@json_option
@pass_workbench
def registry_requests(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """PROJECT's promotion requests, newest first, with their decisions."""
    from app.services.team import promotions

    requests = promotions.list_requests(wb, project.id)
    if as_json:
        emit_json([r.to_json() for r in requests])
        return
    if not requests:
        click.echo("No promotion requests. Ask with `workbench registry request PROJECT VERSION`.")
    for r in requests:
        decided = f" by {r.decided_by_name}" if r.decided_by_name else ""
        note = f": {r.decision_note}" if r.decision_note else ""
        click.echo(
            f"  #{r.id:<4} v{r.version:<3} {r.status:<9} asked by {r.requested_by_name} "
            f"({r.reason}){decided}{note}"
        )


def _decide(
    wb: Workbench, project: ProjectInfo, request_id: int, *, approve: bool, note: str,
    as_json: bool,
) -> None:  # fmt: skip
    from app.services.team import promotions

    if promotions.get_request(wb, request_id).project_id != project.id:
        raise UserError(f"Request #{request_id} belongs to another project than {project.name}.")
    decided = promotions.decide(wb, request_id, approve=approve, comment=note)
    if as_json:
        emit_json(decided.to_json())
        return
    click.echo(f"Request #{decided.id}: v{decided.version} {decided.status}.")


def _version_number(version_ref: str) -> int:
    """``3`` or ``v3``; anything else is a clear error (exit 2)."""
    if not version_ref.lstrip("v").isdigit():
        raise UserError(
            f"VERSION is a registry version number like 3 or v3, not {version_ref!r}.",
            hint="List them with `workbench registry list PROJECT`.",
        )
    return int(version_ref.lstrip("v"))


def _print_entries(entries: Sequence[RegistryEntry], *, as_json: bool) -> None:
    if as_json:
        emit_json([e.to_json() for e in entries])
        return
    if not entries:
        click.echo(
            "No exported versions yet. Export with `workbench export PROJECT --out bundle.zip`."
        )
    for e in entries:
        last = e.history[-1] if e.history else {}
        click.echo(
            f"  v{e.version:<3} {e.stage:<10} run {e.run_id:<4} {e.size_bytes / 1e6:6.1f} MB  "
            f"{e.bundle_sha256[:12]}  {last.get('when', '')} {last.get('who', '')}: "
            f"{last.get('why', '')}"
        )


COMMANDS = [export_command, registry_group]
