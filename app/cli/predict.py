"""`workbench predict`, `analyze` and `mitigate`: score, evaluate and de-bias a run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli.jobs import finish_job, run_job_with_progress
from app.cli.params import (
    IN_FILE,
    OUT_FILE,
    emit_json,
    json_option,
    pass_workbench,
    project_argument,
    run_for,
    run_option,
)

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo


@click.command("predict")
@project_argument
@click.argument("input_path", metavar="INPUT", type=IN_FILE)
@run_option
@click.option("--out", "out_path", type=OUT_FILE, required=True, help="CSV or Parquet to write.")
@json_option
@pass_workbench
def predict_command(
    wb: Workbench, project: ProjectInfo, input_path: Path, run_id: int | None, out_path: Path,
    as_json: bool,
) -> None:  # fmt: skip
    """Score INPUT with a run: its rows plus `prediction` and probabilities."""
    from app.services import scoring
    from core.report import spreadsheet_safe

    run = run_for(wb, project.id, run_id)
    result = scoring.score_content(wb, run, input_path, filename=input_path.name)
    if out_path.suffix.lower() == ".parquet":
        result.frame.to_parquet(out_path, index=False)
    else:
        spreadsheet_safe(result.frame).to_csv(out_path, index=False)
    payload = {"run_id": run.id, "rows": len(result.frame), "out": str(out_path),
               "threshold": result.threshold, "problems": list(result.problems),
               "probability_column": result.probability_column,
               "probability_columns": list(result.probability_columns)}  # fmt: skip
    if as_json:
        emit_json(payload)
        return
    click.echo(f"{result.summary} Wrote {out_path}.")
    for problem in result.problems[:20]:
        click.echo(f"  {problem}")


@click.command("analyze")
@project_argument
@run_option
@click.option(
    "--data",
    "data_path",
    type=IN_FILE,
    default=None,
    help="A labelled file with the training columns; default: the frozen test rows.",
)
@click.option(
    "--fairness",
    "fairness_columns",
    multiple=True,
    help="A sensitive column to compare groups on; give two for their intersection.",
)
@click.option(
    "--bins",
    type=int,
    default=None,
    help="Bin numeric sensitive columns into this many quantile groups (default: a number "
    "with many values in quantile groups, as on the Fairness page).",
)
@json_option
@pass_workbench
def analyze_command(
    wb: Workbench, project: ProjectInfo, run_id: int | None, data_path: Path | None,
    fairness_columns: tuple[str, ...], bins: int | None, as_json: bool,
) -> None:  # fmt: skip
    """Evaluate a run: metrics with intervals, threshold, value, error cohorts, top SHAP features."""
    from app.services import analysis
    from core.data import ingest

    run = run_for(wb, project.id, run_id)
    data = None
    if data_path is not None:
        data, _info = ingest.read_table(data_path, filename=data_path.name)
    source = data_path.name if data_path else None
    report = analysis.analysis_report(
        wb, run, data=data, source=source,
        run_job=lambda job_id: run_job_with_progress(wb, job_id, quiet=as_json),
    )  # fmt: skip
    if fairness_columns:
        from app.services import fairness  # fairlearn loads only when asked for

        columns = list(fairness_columns)
        result = fairness.analyse(
            wb, run, columns, bins=dict.fromkeys(columns, bins) if bins else None,
            data=data, source=source,
        )  # fmt: skip
        report["fairness"] = result.to_json()
    if as_json:
        emit_json(report)
        return
    _print_analysis(report)
    if "fairness" in report:
        _print_fairness(report["fairness"])


def _print_analysis(report: dict[str, Any]) -> None:
    click.echo(f"Run {report['run_id']} ({report['model_name']}) on {report['evaluated_on']}.")
    for name, m in report["metrics"].items():
        if m["value"] is None:
            continue
        interval = f"  (95% CI {m['low']:,.4g} – {m['high']:,.4g})" if m["low"] is not None else ""
        click.echo(f"  {name:>18}: {m['value']:,.4g}{interval}")
    if report.get("threshold") is not None:
        click.echo(f"  threshold {report['threshold']:.3f} ({report['threshold_source']})")
    if report.get("optimal_threshold") is not None:
        click.echo(f"  value-optimal threshold on these rows: {report['optimal_threshold']:.3f}")
    if report.get("value_per_month") is not None:
        currency = report.get("currency") or ""
        click.echo(f"  value per month: {report['value_per_month']:,.0f} {currency}".rstrip())
    click.echo("Highest-error cohorts:")
    for cohort in report["top_error_cohorts"] or [{"rule": "(none found)"}]:
        click.echo(f"  {cohort['rule']}")
    click.echo(f"Top features by mean |SHAP| ({report['shap']}):")
    for feature in report["top_features"][:10]:
        click.echo(f"  {feature['name']:>28}: {feature['mean_abs_shap']:.4g}")
    for note in report["notes"]:
        click.echo(f"  note: {note}")


def _print_fairness(result: dict[str, Any]) -> None:
    click.echo(f"Fairness by {result['attribute']}:")
    for group, numbers in result["by_group"].items():
        rate = numbers.get("selection_rate")
        shown = f"selected {rate:.0%}" if rate is not None else ""
        flag = "  (small group)" if numbers["small"] else ""
        click.echo(f"  {group:>24}: {numbers['count']:>6,} rows  {shown}{flag}")
    for disparity in result["disparities"]:
        verdict = {True: "within limit", False: "OVER LIMIT", None: ""}[disparity["passes"]]
        value = disparity["value"]
        shown = f"{value:.3f}" if value is not None else "n/a"
        click.echo(f"  {disparity['name']}: {shown} {verdict}".rstrip())
        click.echo(f"    {disparity['sentence']}")
    for warning in result["warnings"]:
        click.echo(f"  warning: {warning}")


@click.command("mitigate")
@project_argument
@run_option
@click.option("--sensitive", "sensitive", multiple=True, required=True, help="Sensitive column.")
@click.option(
    "--method", type=click.Choice(["threshold", "expgrad"]), default="threshold", show_default=True
)
@click.option(
    "--constraint",
    type=click.Choice(["demographic_parity", "equalized_odds", "true_positive_rate_parity"]),
    default="demographic_parity",
    show_default=True,
)
@json_option
@pass_workbench
def mitigate_command(
    wb: Workbench, project: ProjectInfo, run_id: int | None, sensitive: tuple[str, ...],
    method: str, constraint: str, as_json: bool,
) -> None:  # fmt: skip
    """Reduce a disparity: a new tracked run with per-group thresholds or retrained under a constraint."""
    from app.services import fairness, training

    run = run_for(wb, project.id, run_id)
    job_id = fairness.submit_mitigation(
        wb, run.id, sensitive=list(sensitive), method=method, constraint=constraint, claimed=True
    )
    info = finish_job(wb, job_id, quiet=as_json)
    new = training.get_run(wb, int((info.result or {})["run_id"]))
    before = fairness.latest_analysis(wb, run.id)
    after = fairness.latest_analysis(wb, new.id)
    payload = {
        **new.to_json(),
        "mitigation": new.settings.get("mitigation"),
        "fairness_before": before.report if before else None,
        "fairness_after": after.report if after else None,
    }
    if as_json:
        emit_json(payload)
        return
    click.echo(info.message)
    for label, stored in (("before", before), ("after", after)):
        if stored is not None:
            value = stored.report["overall"].get("value_per_month")
            shown = f", value {value:,.0f}/month" if value is not None else ""
            click.echo(
                f"  {label}: demographic parity difference "
                f"{stored.report['demographic_parity_difference']:.3f}{shown}"
            )


COMMANDS = [predict_command, analyze_command, mitigate_command]
