"""`workbench data …`: import data, set column roles, check quality, clean, split, explore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli import quality
from app.cli.jobs import finish_job
from app.cli.params import (
    IN_FILE,
    OUT_FILE,
    emit_json,
    json_option,
    pass_workbench,
    project_argument,
    version_option,
)
from app.errors import UserError

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.data_config import RoleRequest
    from app.services.projects import ProjectInfo


def role_options(fn: Any) -> Any:
    """--target, --sensitive, --id and --ignore, as `data add` and `data roles` take them."""
    for option in reversed(
        [
            click.option("--target", default=None, help="The column to predict."),
            click.option("--sensitive", multiple=True, help="A sensitive attribute (repeatable)."),
            click.option("--id", "ids", multiple=True, help="An identifier column (repeatable)."),
            click.option("--ignore", multiple=True, help="A column to leave out (repeatable)."),
        ]
    ):
        fn = option(fn)
    return fn


def _role_request(
    target: str | None,
    sensitive: tuple[str, ...],
    ids: tuple[str, ...],
    ignore: tuple[str, ...] = (),
    features: tuple[str, ...] = (),
) -> RoleRequest | None:
    from app.services.data_config import RoleRequest

    if not any([target, sensitive, ids, ignore, features]):
        return None
    return RoleRequest(target, tuple(sensitive), tuple(ids), tuple(ignore), tuple(features))


def _echo_suggestions(suggestions: dict[str, str]) -> None:
    from app.services.data_config import suggestions_note

    note = suggestions_note(suggestions)
    if note:
        click.echo(f"note: {note}")


@click.group("data")
def data_group() -> None:
    """Import data, set column roles, check quality, define the evaluation split."""


@data_group.command("add")
@project_argument
@click.argument("path", metavar="PATH", required=False, type=IN_FILE)
@click.option(
    "--sql", "sql_url", default=None, help="SQLAlchemy URL of a database to query (read-only)."
)
@click.option("--query", default=None, help="A read-only SELECT for --sql.")
@role_options
@click.option("--sheet", default=None, help="Excel sheet name or 0-based index.")
@click.option("--delimiter", default=None, help="Override the detected delimiter, e.g. ';' or tab.")
@click.option("--encoding", default=None, help="Override the detected encoding, e.g. cp1252.")
@click.option("--decimal", type=click.Choice([".", ","]), default=None, help="Decimal separator.")
@click.option(
    "--header/--no-header", default=None, help="Whether the first row holds column names."
)
@json_option
@pass_workbench
def data_add(
    wb: Workbench, project: ProjectInfo, path: Path | None, sql_url: str | None,
    query: str | None, target: str | None, sensitive: tuple[str, ...], ids: tuple[str, ...],
    ignore: tuple[str, ...], sheet: str | None, delimiter: str | None, encoding: str | None,
    decimal: str | None, header: bool | None, as_json: bool,
) -> None:  # fmt: skip
    """Import PATH (CSV/TSV/JSON/Parquet/Excel) or a SQL query as a new dataset version."""
    from app.jobs.runner import execute
    from app.services import datasets
    from core.data import ingest

    roles = _role_request(target, sensitive, ids, ignore)
    if (path is None) == (sql_url is None):
        raise UserError("Give either a file PATH or --sql URL with --query, not both or neither.")
    if sql_url is not None:
        if not query:
            raise UserError('--sql needs --query "SELECT …".')
        job_id = datasets.submit_sql_import(wb, project.id, url=sql_url)
        roles_json = None if roles is None else roles.__dict__
        handler = lambda ctx: datasets.import_sql(ctx, url=sql_url, query=query, roles=roles_json)  # noqa: E731
        job = execute(wb, job_id, handler=handler)
        if job.status != "succeeded":
            raise UserError(job.error or job.message)
    else:
        assert path is not None
        sheet_value: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
        options = ingest.ReadOptions(
            encoding=encoding, delimiter=delimiter.replace("\\t", "\t") if delimiter else None,
            decimal=decimal, header=header, sheet=sheet_value,
            max_bytes=wb.settings.max_upload_mb * 1024 * 1024,
        )  # fmt: skip
        job_id = datasets.submit_file_import(
            wb, project.id, path, filename=path.name, options=options, roles=roles
        )
        job = finish_job(wb, job_id, quiet=as_json)
    result = job.result or {}
    if as_json:
        emit_json(result)
        return
    click.echo(job.message)
    click.echo(f"  version id {result['version_id']}, hash {result['hash'][:12]}…")
    for note in result.get("notes", []):
        click.echo(f"  note: {note}")
    for warning in result.get("warnings", []):
        click.echo(f"  warning: {warning}")
    _echo_suggestions({s["column"]: s["why"] for s in result.get("suggested_sensitive", [])})


@data_group.command("list")
@project_argument
@json_option
@pass_workbench
def data_list(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """List the project's dataset versions, newest first."""
    from app.services.datasets import list_versions

    versions = list_versions(wb, project.id)
    if as_json:
        emit_json([v.to_json() for v in versions])
        return
    if not versions:
        click.echo("No data yet. Add some with `workbench data add PROJECT FILE`.")
    for v in versions:
        click.echo(
            f"v{v.version:<3} {v.rows:>10,} rows {v.columns:>4} cols  {v.sha256[:12]}  "
            f"{v.created_at:%Y-%m-%d %H:%M}  {v.source}"
        )


@data_group.command("roles")
@project_argument
@role_options
@click.option("--feature", "features", multiple=True, help="Make a column a plain feature again.")
@click.option("--task", type=click.Choice(["binary", "multiclass", "regression"]), default=None)
@click.option(
    "--positive-class", "positive_class", default=None, metavar="LABEL",
    help="The class the probability is about (binary); 'auto' goes back to the automatic choice.",
)  # fmt: skip
@json_option
@pass_workbench
def data_roles(
    wb: Workbench, project: ProjectInfo, target: str | None, sensitive: tuple[str, ...],
    ids: tuple[str, ...], ignore: tuple[str, ...], features: tuple[str, ...], task: str | None,
    positive_class: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Change column roles (and the task type) for the project's data; prints the schema."""
    from app.services import data_config
    from app.services.datasets import load_frame, resolve_version
    from core.data.schema import schema_to_dict

    frame = load_frame(wb, resolve_version(wb, project.id, None))
    request = _role_request(target, sensitive, ids, ignore, features)
    if request is not None:
        data_config.apply_role_request(wb, project.id, request, frame)
    if task is not None:
        data_config.update_settings(wb, project.id, task=task)
    if positive_class is not None:
        automatic = positive_class.strip().lower() == data_config.POSITIVE_AUTO
        known = data_config.schema_for(wb, project.id, frame).classes
        label = None if automatic and positive_class not in known else positive_class
        data_config.set_positive_class(wb, project.id, label, frame)
    resolved = data_config.schema_for(wb, project.id, frame)
    suggested = data_config.suggested_sensitive(
        data_config.get_settings(wb, project.id), frame, target=resolved.target
    )
    if as_json:
        emit_json(
            {
                **schema_to_dict(resolved),
                "suggested_sensitive": data_config.suggestions_json(suggested),
            }
        )
        return
    click.echo(
        f"target: {resolved.target or '—'}  task: {resolved.task or '—'} ({resolved.task_reason})"
    )
    if resolved.positive_class is not None:
        click.echo(f"positive class: {resolved.positive_class} ({resolved.positive_class_reason})")
    for column in resolved.columns:
        click.echo(f"  {column.name:<28} {column.type:<12} {column.role}")
    _echo_suggestions(suggested)


@data_group.command("split")
@project_argument
@version_option
@click.option(
    "--method", type=click.Choice(["random", "time", "group"]), default="random", show_default=True
)
@click.option("--test-size", type=float, default=0.2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--time-column", default=None)
@click.option("--group-column", default=None)
@click.option("--replace", is_flag=True, help="Replace an existing frozen split.")
@json_option
@pass_workbench
def data_split(
    wb: Workbench, project: ProjectInfo, version_ref: str | None, method: str, test_size: float,
    seed: int, time_column: str | None, group_column: str | None, replace: bool, as_json: bool,
) -> None:  # fmt: skip
    """Define (freeze) the evaluation split of a dataset version."""
    from app.services.datasets import resolve_version
    from app.services.splits import define_split
    from core.data.split import split_spec_from_dict

    version = resolve_version(wb, project.id, version_ref)
    spec = split_spec_from_dict(
        {"method": method, "test_size": test_size, "seed": seed,
         "time_column": time_column, "group_column": group_column}
    )  # fmt: skip
    stored = define_split(wb, version, spec, replace=replace)
    if as_json:
        emit_json({"version": version.version, **stored.summary})
        return
    click.echo(f"Froze the split of v{version.version}: {stored.summary.get('description')}")
    for key, value in stored.summary.items():
        if key not in ("description", "notes"):
            click.echo(f"  {key}: {value}")


@data_group.command("overview")
@project_argument
@version_option
@click.option("--raw", is_flag=True, help="Ignore the cleaning recipe.")
@json_option
@pass_workbench
def data_overview(
    wb: Workbench, project: ProjectInfo, version_ref: str | None, raw: bool, as_json: bool
) -> None:
    """Column overview of a dataset version: types, missing, distinct, statistics."""
    from app.services.datasets import resolve_version
    from app.services.explore import explore_frame
    from core.explore import overview

    version = resolve_version(wb, project.id, version_ref)
    data = explore_frame(wb, version, apply_recipe=not raw)
    facts = overview(data.frame, data.schema)
    if as_json:
        emit_json(
            {
                "version": version.version,
                "recipe_applied": data.recipe_applied,
                **facts.to_json(),
                "rows_imported": data.rows_imported,
                "rows_left_out_by_recipe": data.rows_left_out,
            }
        )
        return
    click.echo(
        f"Dataset v{version.version}: {data.rows_sentence()} × {facts.columns} columns, "
        f"{facts.duplicate_rows:,} duplicate rows, {facts.memory_bytes / 1e6:,.1f} MB"
    )
    table = facts.table().drop(columns=["distribution"], errors="ignore")
    click.echo(table.to_string(index=False, max_colwidth=30))


@data_group.command("profile")
@project_argument
@version_option
@click.option(
    "--sample",
    type=int,
    default=100_000,
    show_default=True,
    help="Rows to profile (seeded sample).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--minimal",
    is_flag=True,
    help="ydata-profiling's minimal mode (faster: no correlations or interactions).",
)
@click.option("--out", type=OUT_FILE, required=True, help="Where to write the HTML report.")
@json_option
@pass_workbench
def data_profile(
    wb: Workbench, project: ProjectInfo, version_ref: str | None, sample: int, seed: int,
    minimal: bool, out: Path, as_json: bool,
) -> None:  # fmt: skip
    """Write the full ydata-profiling report of a dataset version (cached per version and settings)."""
    from app.services import explore
    from app.services.datasets import resolve_version
    from core.explore import ProfileSettings

    version = resolve_version(wb, project.id, version_ref)
    settings = ProfileSettings(
        sample_rows=sample, seed=seed, minimal=minimal, title=f"Dataset v{version.version}"
    )
    report = explore.find_report(wb, version.id, settings)
    if report is None:
        job_id = explore.submit_profile(wb, version, settings, claimed=True)
        finish_job(wb, job_id, quiet=as_json)
        report = explore.find_report(wb, version.id, settings)
    assert report is not None
    out.write_bytes(explore.report_html(wb, report))
    payload = {
        "version": version.version, "out": str(out), "rows_profiled": report.rows_profiled,
        "seconds": round(report.seconds, 2), "sampled": report.rows_profiled < version.rows,
    }  # fmt: skip
    if as_json:
        emit_json(payload)
    else:
        click.echo(
            f"Wrote {out} ({report.rows_profiled:,} rows profiled in {report.seconds:,.1f} s)"
        )


for _command in quality.COMMANDS:
    data_group.add_command(_command)

COMMANDS = [data_group]
