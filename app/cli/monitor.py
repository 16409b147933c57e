"""`workbench monitor import | report | simulate | pull` and `workbench retrain`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.jobs import finish_job
from app.cli.params import (
    IN_FILE,
    OUT_FILE,
    emit_json,
    json_option,
    pass_workbench,
    project_argument,
)

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo


@click.group("monitor")
def monitor_group() -> None:
    """Production predictions back in: import, report (drift, live metrics, KPI, alerts)."""


@monitor_group.command("import")
@project_argument
@click.argument("source", metavar="LOG_OR_FILE", type=IN_FILE)
@click.option("--outcomes", "outcomes_path", type=IN_FILE, default=None,
              help="True outcomes (CSV/Parquet…) with an ID column and the target.")  # fmt: skip
@click.option("--id", "id_column", default=None, help="The ID column linking outcomes to rows.")
@click.option("--simulated", is_flag=True, default=None,
              help="Flag the batch as simulated (read from a simulator's log by itself).")  # fmt: skip
@json_option
@pass_workbench
def monitor_import(
    wb: Workbench, project: ProjectInfo, source: Path, outcomes_path: Path | None,
    id_column: str | None, simulated: bool | None, as_json: bool,
) -> None:  # fmt: skip
    """Import a service log (JSON lines) or a batch-scored file as a monitoring batch."""
    from app.services import monitoring

    outcomes = None
    if outcomes_path is not None:
        outcomes = monitoring.read_outcomes(outcomes_path, outcomes_path.name)
    batch = monitoring.import_predictions(
        wb, project.id, source.read_bytes(), filename=source.name, outcomes=outcomes,
        id_column=id_column, simulated=simulated or None,
    )  # fmt: skip
    if as_json:
        emit_json(batch.to_json())
        return
    click.echo(
        f"Batch {batch.id}{' (SIMULATED)' if batch.simulated else ''}: {batch.rows:,} rows from "
        f"{batch.source} ({batch.start_text()}); outcomes matched: {batch.outcomes_matched:,}."
    )
    for line in batch.bad_lines:
        click.echo(f"  skipped {line}")


@monitor_group.command("report")
@project_argument
@json_option
@pass_workbench
def monitor_report_command(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """Drift per column (inputs and not), live metrics, the KPI against its target, and alerts."""
    from app.services import monitoring

    payload = monitoring.report_json(monitoring.monitor_report(wb, project.id))
    if as_json:
        emit_json(payload)
        return
    simulated = sum(1 for b in payload["batches"] if b["simulated"])
    click.echo(
        f"Run {payload['run_id']}: {payload['rows']:,} production rows in "
        f"{len(payload['batches'])} batch(es)"
        + (f", {simulated} of them SIMULATED." if simulated else ".")
    )
    click.echo("Drift (latest batch vs the run's test rows), highest PSI first:")
    for row in payload["drift"][:10]:
        psi = row.get("psi")
        is_input = row.get("model_input") or row.get("role") == "prediction"
        marker = "" if is_input else "  (not a model input)"
        click.echo(
            f"  {row['column']:>28}: PSI {psi if psi is None else round(psi, 3)}  "
            f"{row.get('status')}{marker}"
        )
    if payload["performance"]:
        click.echo("Live metrics per period:")
        for row in payload["performance"][-6:]:
            value = row.get("value_per_month")
            shown = f", value {value:,.0f}/month" if value is not None else ""
            click.echo(
                f"  {str(row.get('period'))[:10]}: {row.get('rows')} rows, "
                f"accuracy {row.get('accuracy') or float('nan'):.3f}{shown}"
            )
    for alert in payload["alerts"]:
        click.echo(f"ALERT ({alert['severity']}): {alert['message']}")
    for item in payload["unchecked"]:
        click.echo(f"Rule could not be checked: {item['rule']} — {item['why']}.")
    for note in payload["notes"]:
        click.echo(f"note: {note}")


@monitor_group.command("simulate")
@project_argument
@click.option(
    "--out", "out_path", type=OUT_FILE, required=True, help="The JSON-lines log to write."
)
@click.option(
    "--outcomes-out",
    "outcomes_path",
    type=OUT_FILE,
    required=True,
    help="CSV of the true outcomes.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@pass_workbench
def monitor_simulate(
    wb: Workbench, project: ProjectInfo, out_path: Path, outcomes_path: Path, seed: int
) -> None:
    """Write three simulated months of service log (drift from month two) and their outcomes."""
    from app.services import monitoring

    simulation = monitoring.simulate_production(wb, project.id, seed=seed)
    out_path.write_text(simulation.log_text, encoding="utf-8")
    simulation.outcomes.to_csv(outcomes_path, index=False)
    click.echo(
        f"Wrote {out_path} ({len(simulation.log_text.splitlines()):,} requests) and "
        f"{outcomes_path}. Import with: workbench monitor import PROJECT {out_path} "
        f"--outcomes {outcomes_path} --id {simulation.id_column}"
    )


@monitor_group.command("pull")
@project_argument
@click.option(
    "--path",
    "log_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Set (or change) the service log to read.",
)
@json_option
@pass_workbench
def monitor_pull(wb: Workbench, project: ProjectInfo, log_path: Path | None, as_json: bool) -> None:
    """Import the lines the service logged since the last pull (cron-friendly)."""
    from app.services import monitoring

    if log_path is not None:
        monitoring.update_settings(wb, project.id, log_path=str(log_path.resolve()))
    batch = monitoring.import_new_lines(wb, project.id)
    if as_json:
        emit_json(batch.to_json() if batch else None)
    else:
        click.echo(
            "Nothing new." if batch is None else f"Batch {batch.id}: {batch.rows:,} new rows."
        )


@click.command("retrain")
@project_argument
@click.option("--include-simulated", is_flag=True, default=False,
              help="Also learn from simulated batches (left out by default: they are not production).")  # fmt: skip
@json_option
@pass_workbench
def retrain_command(
    wb: Workbench, project: ProjectInfo, include_simulated: bool, as_json: bool
) -> None:
    """Retrain the champion's recipe on training + labelled production rows; compare on recent rows."""
    from app.services import monitoring

    job_id = monitoring.submit_retrain(
        wb, project.id, claimed=True, include_simulated=include_simulated
    )
    info = finish_job(wb, job_id, quiet=as_json)
    result = {k: v for k, v in (info.result or {}).items() if not k.startswith("_")}
    if as_json:
        emit_json(result)
        return
    click.echo(info.message)
    for row in result["metrics"]:
        click.echo(
            f"  {row['metric']:>18}: champion {row['a']:.4f}  challenger {row['b']:.4f}  "
            f"({row['better']})"
        )
    if result.get("champion_value_per_month") is not None:
        click.echo(
            f"  value per month: champion {result['champion_value_per_month']:,.0f}, "
            f"challenger {result['challenger_value_per_month']:,.0f}"
        )
    click.echo(
        "Promote it in the registry after exporting: workbench export PROJECT --run RUN --out b.zip"
    )


COMMANDS = [monitor_group, retrain_command]
