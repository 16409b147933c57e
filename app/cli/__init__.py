"""`workbench` — the scriptable twin of the UI. Read commands take ``--json``.

Errors print one line on stderr and exit with status 2 (user error) or 1 (unexpected).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from app.errors import describe_error

REPO_ROOT = Path(__file__).resolve().parents[2]
#: How often `workbench ui` checks that its worker is alive.
SUPERVISE_SECONDS = 1.0


def _workbench():  # type: ignore[no-untyped-def]
    from app.context import open_workbench

    wb = open_workbench()
    _log_to_file(wb.settings.home / "logs" / "cli.log")
    return wb


def _log_to_file(path: Path) -> None:
    """Diagnostics (a failed job's traceback) go to a file; the terminal gets one clear line."""
    import logging

    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # a read-only home still gets clean output
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


#: What to do about a missing or damaged stored file (ArtifactError).
ARTIFACT_HINT = (
    "Run `workbench verify` to see what it belongs to; re-import the data or retrain the run "
    "to store it again."
)


def _check_out_folder(kwargs: dict[str, Any]) -> None:
    """``--out`` into a folder that does not exist is refused before any work is done."""
    from app.errors import UserError

    for name in ("out_path", "out"):
        out = kwargs.get(name)
        if isinstance(out, Path) and not out.expanduser().resolve().parent.is_dir():
            raise UserError(
                f"Cannot write {out}: the folder {out.parent} does not exist.",
                hint="Create it first or choose another --out.",
            )


def _file_error_message(error: OSError) -> str | None:
    """One line for a file that is missing or cannot be written, or None for other OS errors."""
    if not isinstance(error, FileNotFoundError | NotADirectoryError | PermissionError):
        return None
    what = "does not exist" if isinstance(error, FileNotFoundError) else error.strerror
    where = error.filename or "a file"
    return f"{where} {what}. Check the path (and that its folder exists and is writable)."


def _log_unexpected(error: BaseException) -> Path:
    """Log the traceback at ERROR in cli.log, where a person finds it; returns the log's path."""
    from app.settings import load_settings

    path = load_settings().logs_dir / "cli.log"
    _log_to_file(path)
    command = " ".join(sys.argv[1:]) or "workbench"
    logging.getLogger("workbench.cli").error(
        "unexpected error in `workbench %s`", command, exc_info=error
    )
    return path


def friendly_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn user errors into one clear line and exit status 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from app.errors import UserError
        from core.exceptions import CoreError
        from storage.artifacts import ArtifactError

        try:
            _check_out_folder(kwargs)
            return fn(*args, **kwargs)
        except (UserError, CoreError) as error:
            click.echo(f"error: {describe_error(error)}", err=True)
            sys.exit(2)
        except ArtifactError as error:
            click.echo(f"error: a stored file cannot be used: {error}. {ARTIFACT_HINT}", err=True)
            sys.exit(2)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except OSError as error:
            message = _file_error_message(error)
            if message is None:
                _exit_unexpected(error)
            click.echo(f"error: {message}", err=True)
            sys.exit(2)
        except Exception as error:  # last resort: one line, the traceback in the log
            _exit_unexpected(error)

    return wrapper


def _exit_unexpected(error: BaseException) -> None:
    log = _log_unexpected(error)
    click.echo(f"error: {describe_error(error)} (traceback in {log})", err=True)
    sys.exit(1)


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lifecycle-workbench")
def main() -> None:
    """Lifecycle Workbench: goal, data, training, evaluation, fairness, export and monitoring."""


# -- projects -----------------------------------------------------------------------


def _project_json(wb, project) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services.stages import stage_statuses

    payload = project.to_json()
    payload["stages"] = {s.key: s.state for s in stage_statuses(wb, project.id)}
    return payload


@main.group()
def project() -> None:
    """Create, list, show, rename and delete projects; restore them from the trash."""


@project.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the project is for.")
@json_option
@friendly_errors
def project_create(name: str, description: str, as_json: bool) -> None:
    """Create a project called NAME."""
    from app.services.projects import create_project

    wb = _workbench()
    info = create_project(wb, name, description)
    if as_json:
        _emit_json(_project_json(wb, info))
    else:
        click.echo(f"Created project {info.id}: {info.name}")


@project.command("list")
@json_option
@friendly_errors
def project_list(as_json: bool) -> None:
    """List projects, most recently active first."""
    from app.services.projects import list_projects

    wb = _workbench()
    projects = list_projects(wb)
    if as_json:
        _emit_json([_project_json(wb, p) for p in projects])
        return
    if not projects:
        click.echo(
            "No projects yet. Create one with `workbench project create NAME` or run `workbench demo`."
        )
        return
    click.echo(f"{'ID':>4}  {'NAME':<40}  LAST ACTIVITY")
    for p in projects:
        click.echo(f"{p.id:>4}  {p.name:<40}  {p.updated_at:%Y-%m-%d %H:%M} UTC")


@project.command("show")
@click.argument("project_ref", metavar="PROJECT")
@json_option
@friendly_errors
def project_show(project_ref: str, as_json: bool) -> None:
    """Show one project (by name or id) with its stage statuses."""
    from app.services.projects import resolve_project
    from app.services.stages import stage_statuses

    wb = _workbench()
    info = resolve_project(wb, project_ref)
    if as_json:
        _emit_json(_project_json(wb, info))
        return
    click.echo(f"{info.name} (id {info.id})")
    if info.description:
        click.echo(f"  {info.description}")
    click.echo(
        f"  created {info.created_at:%Y-%m-%d %H:%M} UTC, last activity {info.updated_at:%Y-%m-%d %H:%M} UTC"
    )
    for status in stage_statuses(wb, info.id):
        click.echo(f"  {status.title:<9} {status.state.replace('_', ' '):<12} {status.detail}")


@project.command("rename")
@click.argument("project_ref", metavar="PROJECT")
@click.argument("new_name")
@friendly_errors
def project_rename(project_ref: str, new_name: str) -> None:
    """Rename PROJECT to NEW_NAME."""
    from app.services.projects import rename_project, resolve_project

    wb = _workbench()
    info = rename_project(wb, resolve_project(wb, project_ref).id, new_name)
    click.echo(f"Renamed project {info.id} to {info.name}")


@project.command("delete")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--yes", is_flag=True, help="Confirm: move the project to the trash.")
@friendly_errors
def project_delete(project_ref: str, yes: bool) -> None:
    """Move PROJECT to the trash (asks for --yes); `project restore` brings it back."""
    from app.services.projects import delete_project, purge_after, resolve_project

    wb = _workbench()
    info = resolve_project(wb, project_ref)
    if not yes:
        raise click.UsageError(
            f"Deleting '{info.name}' moves it with all its data and models to the trash. "
            "Add --yes to confirm."
        )
    info = delete_project(wb, info.id, confirm_name=info.name)
    click.echo(
        f"Moved project {info.id}: {info.name} to the trash. Restore it with "
        f"`workbench project restore {info.id}` until {purge_after(wb, info):%Y-%m-%d %H:%M} UTC."
    )


@project.command("restore")
@click.argument("project_ref", metavar="PROJECT")
@json_option
@friendly_errors
def project_restore(project_ref: str, as_json: bool) -> None:
    """Bring PROJECT (name or id) back from the trash."""
    from app.services.projects import restore_project

    wb = _workbench()
    info = restore_project(wb, project_ref)
    if as_json:
        _emit_json(_project_json(wb, info))
    else:
        click.echo(f"Restored project {info.id}: {info.name}")


@project.command("trash")
@json_option
@friendly_errors
def project_trash(as_json: bool) -> None:
    """List deleted projects, which can be restored until they are purged."""
    from app.services.projects import list_trash, purge_after

    wb = _workbench()
    trashed = list_trash(wb)
    if as_json:
        _emit_json(
            [{**p.to_json(), "purge_after": purge_after(wb, p).isoformat()} for p in trashed]  # type: ignore[union-attr]
        )
        return
    if not trashed:
        click.echo("The trash is empty.")
        return
    click.echo(f"{'ID':>4}  {'NAME':<40}  {'DELETED':<20}  PURGED AFTER")
    for p in trashed:
        click.echo(
            f"{p.id:>4}  {p.name:<40}  {p.deleted_at:%Y-%m-%d %H:%M} UTC  "
            f"{purge_after(wb, p):%Y-%m-%d %H:%M} UTC"
        )


@project.command("empty-trash")
@click.option("--yes", is_flag=True, help="Confirm: delete the projects in the trash for good.")
@json_option
@friendly_errors
def project_empty_trash(yes: bool, as_json: bool) -> None:
    """Delete every project in the trash for good and free its files (asks for --yes)."""
    from app.services.projects import empty_trash, list_trash

    wb = _workbench()
    if not yes:
        count = len(list_trash(wb))
        raise click.UsageError(
            f"Emptying the trash deletes {count} project(s) for good. Add --yes to confirm."
        )
    report = empty_trash(wb)
    if as_json:
        _emit_json(
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


# -- goal ---------------------------------------------------------------------------


@main.group()
def goal() -> None:
    """Set and show a project's business goal (KPI, payoff, ROI, risks)."""


@goal.command("set")
@click.argument("project_ref", metavar="PROJECT")
@click.argument("path", metavar="FILE.yaml", type=click.Path(path_type=Path))
@json_option
@friendly_errors
def goal_set(project_ref: str, path: Path, as_json: bool) -> None:
    """Validate FILE.yaml and save it as the goal's next version."""
    from app.services.goals import read_goal_file, save_goal
    from app.services.projects import resolve_project
    from core.business import GoalValidationError, goal_missing_fields

    wb = _workbench()
    info = resolve_project(wb, project_ref)
    data = read_goal_file(path)
    try:
        saved = save_goal(wb, info.id, data, source=f"cli: {path.name}")
    except GoalValidationError as error:
        click.echo(
            f"error: {path} has {len(error.problems)} problem(s); nothing was saved:", err=True
        )
        for problem in error.problems:
            click.echo(f"  {problem.field or '(goal)'}: {problem.message}", err=True)
        sys.exit(2)
    missing = list(goal_missing_fields(saved.goal))
    if as_json:
        _emit_json({**saved.to_json(), "project_id": info.id, "missing": missing})
        return
    click.echo(f"Saved goal version {saved.version} for {info.name}: {saved.summary}")
    if missing:
        click.echo(f"Still missing before the Goal stage is done: {', '.join(missing)}")


@goal.command("show")
@click.argument("project_ref", metavar="PROJECT")
@json_option
@friendly_errors
def goal_show(project_ref: str, as_json: bool) -> None:
    """Show the goal with its computed figures (value per month, ROI, payback)."""
    from app.services.goals import goal_report
    from app.services.projects import resolve_project
    from core.business import format_money

    wb = _workbench()
    info = resolve_project(wb, project_ref)
    report = goal_report(wb, info.id)
    if report is None:
        if as_json:
            _emit_json(None)
            return
        click.echo(
            f"{info.name} has no goal yet. Set one with `workbench goal set {info.id} goal.yaml`."
        )
        return
    if as_json:
        _emit_json(report)
        return
    document = report["goal"]
    click.echo(f"{document.get('name')} — goal version {report['version']}")
    click.echo(f"  problem:  {document.get('problem')}")
    kpi = document.get("kpi")
    if kpi:
        click.echo(
            f"  KPI:      {kpi.get('name')} {kpi.get('baseline')} -> {kpi.get('target')} {kpi.get('unit', '')}"
        )
    click.echo(f"  metric:   {document.get('metric')}")
    figures = report["figures"]
    if figures:
        money = lambda v: format_money(v, figures["currency"])  # noqa: E731
        click.echo(
            f"  value:    {money(figures['expected_value_per_month'])} per month ({figures['basis']})"
        )
        click.echo(
            f"  net gain: {money(figures['net_gain_per_month'])} per month after running costs"
        )
        payback = figures["payback_months"]
        click.echo(f"  payback:  {'never' if payback is None else f'{payback:.1f} months'}")
    if report["missing"]:
        click.echo(f"  missing:  {', '.join(report['missing'])}")


# -- data ---------------------------------------------------------------------------


@main.group()
def data() -> None:
    """Import data, set column roles, check quality, define the evaluation split."""


def _role_request(target, sensitive, ids, ignore=(), features=()):  # type: ignore[no-untyped-def]
    from app.services.data_config import RoleRequest

    if not any([target, sensitive, ids, ignore, features]):
        return None
    return RoleRequest(target, tuple(sensitive), tuple(ids), tuple(ignore), tuple(features))


def _finish_job(wb, job_id: int, *, quiet: bool):  # type: ignore[no-untyped-def]
    info = run_job_with_progress(wb, job_id, quiet=quiet)
    if info.status != "succeeded":
        from app.errors import UserError

        raise UserError(info.error or info.message)
    return info


@data.command("add")
@click.argument("project_ref", metavar="PROJECT")
@click.argument("path", metavar="PATH", required=False, type=click.Path(path_type=Path))
@click.option(
    "--sql", "sql_url", default=None, help="SQLAlchemy URL of a database to query (read-only)."
)
@click.option("--query", default=None, help="A read-only SELECT for --sql.")
@click.option("--target", default=None, help="The column to predict.")
@click.option("--sensitive", multiple=True, help="A sensitive attribute (repeatable).")
@click.option("--id", "ids", multiple=True, help="An identifier column (repeatable).")
@click.option("--ignore", multiple=True, help="A column to leave out (repeatable).")
@click.option("--sheet", default=None, help="Excel sheet name or 0-based index.")
@click.option("--delimiter", default=None, help="Override the detected delimiter, e.g. ';' or tab.")
@click.option("--encoding", default=None, help="Override the detected encoding, e.g. cp1252.")
@click.option("--decimal", type=click.Choice([".", ","]), default=None, help="Decimal separator.")
@click.option(
    "--header/--no-header", default=None, help="Whether the first row holds column names."
)
@json_option
@friendly_errors
def data_add(
    project_ref: str, path: Path | None, sql_url: str | None, query: str | None, target: str | None,
    sensitive: tuple[str, ...], ids: tuple[str, ...], ignore: tuple[str, ...], sheet: str | None,
    delimiter: str | None, encoding: str | None, decimal: str | None, header: bool | None, as_json: bool,
) -> None:  # fmt: skip
    """Import PATH (CSV/TSV/JSON/Parquet/Excel) or a SQL query as a new dataset version."""
    from app.errors import UserError
    from app.services import datasets
    from app.services.projects import resolve_project
    from core import ingest

    wb = _workbench()
    info = resolve_project(wb, project_ref)
    roles = _role_request(target, sensitive, ids, ignore)
    if (path is None) == (sql_url is None):
        raise UserError("Give either a file PATH or --sql URL with --query, not both or neither.")
    if sql_url is not None:
        if not query:
            raise UserError('--sql needs --query "SELECT …".')
        job_id = datasets.submit_sql_import(wb, info.id, url=sql_url)
        from app.jobs.runner import execute

        roles_json = None if roles is None else roles.__dict__
        handler = lambda ctx: datasets.import_sql(ctx, url=sql_url, query=query, roles=roles_json)  # noqa: E731
        job = execute(wb, job_id, handler=handler)
        if job.status != "succeeded":
            raise UserError(job.error or job.message)
    else:
        if not path.is_file():
            raise UserError(f"{path} does not exist or is not a file.")
        sheet_value: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
        options = ingest.ReadOptions(
            encoding=encoding, delimiter=delimiter.replace("\\t", "\t") if delimiter else None,
            decimal=decimal, header=header, sheet=sheet_value,
            max_bytes=wb.settings.max_upload_mb * 1024 * 1024,
        )  # fmt: skip
        job_id = datasets.submit_file_import(
            wb, info.id, path, filename=path.name, options=options, roles=roles
        )
        job = _finish_job(wb, job_id, quiet=as_json)
    result = job.result or {}
    if as_json:
        _emit_json(result)
        return
    click.echo(job.message)
    click.echo(f"  version id {result['version_id']}, hash {result['hash'][:12]}…")
    for note in result.get("notes", []):
        click.echo(f"  note: {note}")
    for warning in result.get("warnings", []):
        click.echo(f"  warning: {warning}")
    _echo_suggestions({s["column"]: s["why"] for s in result.get("suggested_sensitive", [])})


def _echo_suggestions(suggestions: dict[str, str]) -> None:
    from app.services.data_config import suggestions_note

    note = suggestions_note(suggestions)
    if note:
        click.echo(f"note: {note}")


@data.command("list")
@click.argument("project_ref", metavar="PROJECT")
@json_option
@friendly_errors
def data_list(project_ref: str, as_json: bool) -> None:
    """List the project's dataset versions, newest first."""
    from app.services.datasets import list_versions
    from app.services.projects import resolve_project

    wb = _workbench()
    versions = list_versions(wb, resolve_project(wb, project_ref).id)
    if as_json:
        _emit_json([v.to_json() for v in versions])
        return
    if not versions:
        click.echo("No data yet. Add some with `workbench data add PROJECT FILE`.")
    for v in versions:
        click.echo(
            f"v{v.version:<3} {v.rows:>10,} rows {v.columns:>4} cols  {v.sha256[:12]}  {v.created_at:%Y-%m-%d %H:%M}  {v.source}"
        )


@data.command("check")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--version", "version_ref", default=None, help="Version number (default: newest).")
@json_option
@friendly_errors
def data_check(project_ref: str, version_ref: str | None, as_json: bool) -> None:
    """Quality findings and expectation results for a dataset version."""
    from app.services import recipes
    from app.services.datasets import resolve_version
    from app.services.projects import resolve_project
    from app.services.quality import check_version

    wb = _workbench()
    version = resolve_version(wb, resolve_project(wb, project_ref).id, version_ref)
    if as_json:
        _emit_json(recipes.check_json(wb, version))
        return
    report = check_version(wb, version)
    click.echo(
        f"Dataset v{version.version}: {len(report.findings)} finding(s), {report.failed_expectations} failed expectation(s)"
    )
    for f, option in zip(
        report.findings, recipes.fix_options(wb, version, report.findings), strict=True
    ):
        click.echo(f"  {f.severity:<7} {option.ref}: {f.message}")
        if f.fix:
            click.echo(f"          fix: {f.fix}")
        if option.in_recipe is not None:
            click.echo(f"          in the recipe (step {option.in_recipe})")
        elif option.impact is not None:
            ask = " — asks for --yes" if option.impact.needs_confirmation else ""
            click.echo(f"          data fix {option.ref}: {option.impact.describe()}{ask}")
    for r in report.expectations:
        click.echo(f"  {'pass' if r.passed else 'FAIL':<7} {r.expectation.describe()}: {r.message}")


@data.command("recipe")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--version", "version_ref", default=None, help="Version number (default: newest).")
@click.option(
    "--add",
    "add_json",
    default=None,
    metavar="STEP_JSON",
    help='Append a step, e.g. \'{"kind": "cap_outliers", "column": "income", "params": {"upper": 250000}}\'.',
)
@click.option(
    "--remove",
    "remove_number",
    type=int,
    default=None,
    metavar="N",
    help="Remove step N (the number shown in the listing).",
)
@json_option
@friendly_errors
def data_recipe(
    project_ref: str, version_ref: str | None, add_json: str | None, remove_number: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """List the cleaning recipe with what each step changes on a version; add or remove a step.

    A step is checked on the version before it is saved; one that cannot run there is refused.
    """
    from app.services import recipes
    from app.services.datasets import resolve_version
    from app.services.projects import resolve_project

    if add_json is not None and remove_number is not None:
        raise click.UsageError("use --add or --remove, not both")
    wb = _workbench()
    version = resolve_version(wb, resolve_project(wb, project_ref).id, version_ref)
    if add_json is not None:
        view = recipes.add_step(wb, version, recipes.parse_step(add_json))
    elif remove_number is not None:
        view = recipes.remove_step(wb, version, remove_number)
    else:
        view = recipes.recipe_view(wb, version)
    if as_json:
        _emit_json(view.to_json())
        return
    _print_recipe(view.to_json())


def _print_recipe(view: dict[str, Any]) -> None:
    steps = view["steps"]
    click.echo(
        f"Cleaning recipe: {len(steps)} step(s), on v{view['version']} ({view['rows']:,} rows)"
    )
    if not steps:
        click.echo(
            "  empty: the data is used as imported. Add a step with --add or `workbench data fix`."
        )
    for item in steps:
        click.echo(f"  {item['number']}. {item['what']}")
        if "rows_after" in item:
            click.echo(
                f"     {item['rows_before']:,} → {item['rows_after']:,} rows, "
                f"{item['cells_changed']:,} cells changed. {item['note']}"
            )
    if view["problem"]:
        click.echo(f"  fails: {view['problem']}")


@data.command("fix")
@click.argument("project_ref", metavar="PROJECT")
@click.argument("finding_ref", metavar="FINDING")
@click.option("--version", "version_ref", default=None, help="Version number (default: newest).")
@click.option("--yes", is_flag=True, help="Confirm a fix that changes more than 5 % of the rows.")
@json_option
@friendly_errors
def data_fix(
    project_ref: str, finding_ref: str, version_ref: str | None, yes: bool, as_json: bool
) -> None:
    """Add a quality finding's suggested fix to the cleaning recipe, as the Data page does.

    FINDING is the finding's ref as `data check` shows it (field `ref` in `data check --json`):
    CODE:COLUMN, e.g. outliers:income, or CODE alone for a whole-table finding, e.g.
    duplicate_rows. A fix that changes more than 5 % of the rows needs --yes.
    """
    from app.errors import UserError
    from app.services import recipes
    from app.services.datasets import resolve_version
    from app.services.projects import resolve_project

    wb = _workbench()
    version = resolve_version(wb, resolve_project(wb, project_ref).id, version_ref)
    try:
        option = recipes.apply_fix(wb, version, finding_ref, confirmed=yes)
    except recipes.NeedsConfirmation as error:
        raise UserError(f"{error.message}; pass --yes to add it anyway") from None
    view = recipes.recipe_view(wb, version)
    if as_json:
        _emit_json({"fixed": option.ref, **option.to_json(), "recipe": view.to_json()})
        return
    assert option.step is not None
    change = f" ({option.impact.describe()})" if option.impact is not None else ""
    click.echo(
        f"Added to the cleaning recipe as step {len(view.recipe)}: {option.step.describe()}{change}"
    )


@data.command("roles")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--target", default=None, help="The column to predict.")
@click.option("--sensitive", multiple=True, help="A sensitive attribute (repeatable).")
@click.option("--id", "ids", multiple=True, help="An identifier column (repeatable).")
@click.option("--ignore", multiple=True, help="A column to leave out (repeatable).")
@click.option("--feature", "features", multiple=True, help="Make a column a plain feature again.")
@click.option("--task", type=click.Choice(["binary", "multiclass", "regression"]), default=None)
@click.option(
    "--positive-class", "positive_class", default=None, metavar="LABEL",
    help="The class the probability is about (binary); 'auto' goes back to the automatic choice.",
)  # fmt: skip
@json_option
@friendly_errors
def data_roles(
    project_ref: str, target: str | None, sensitive: tuple[str, ...], ids: tuple[str, ...],
    ignore: tuple[str, ...], features: tuple[str, ...], task: str | None,
    positive_class: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Change column roles (and the task type) for the project's data; prints the schema."""
    from app.services import data_config
    from app.services.datasets import load_frame, resolve_version
    from app.services.projects import resolve_project
    from core.schema import schema_to_dict

    wb = _workbench()
    project_id = resolve_project(wb, project_ref).id
    frame = load_frame(wb, resolve_version(wb, project_id, None))
    request = _role_request(target, sensitive, ids, ignore, features)
    if request is not None:
        data_config.apply_role_request(wb, project_id, request, frame)
    if task is not None:
        data_config.update_settings(wb, project_id, task=task)
    if positive_class is not None:
        automatic = positive_class.strip().lower() == data_config.POSITIVE_AUTO
        known = data_config.schema_for(wb, project_id, frame).classes
        label = None if automatic and positive_class not in known else positive_class
        data_config.set_positive_class(wb, project_id, label, frame)
    resolved = data_config.schema_for(wb, project_id, frame)
    suggested = data_config.suggested_sensitive(
        data_config.get_settings(wb, project_id), frame, target=resolved.target
    )
    if as_json:
        _emit_json(
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


@data.command("split")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--version", "version_ref", default=None, help="Version number (default: newest).")
@click.option(
    "--method", type=click.Choice(["random", "time", "group"]), default="random", show_default=True
)
@click.option("--test-size", type=float, default=0.2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--time-column", default=None)
@click.option("--group-column", default=None)
@click.option("--replace", is_flag=True, help="Replace an existing frozen split.")
@json_option
@friendly_errors
def data_split(
    project_ref: str, version_ref: str | None, method: str, test_size: float, seed: int,
    time_column: str | None, group_column: str | None, replace: bool, as_json: bool,
) -> None:  # fmt: skip
    """Define (freeze) the evaluation split of a dataset version."""
    from app.services.datasets import resolve_version
    from app.services.projects import resolve_project
    from app.services.splits import define_split
    from core.split import split_spec_from_dict

    wb = _workbench()
    version = resolve_version(wb, resolve_project(wb, project_ref).id, version_ref)
    spec = split_spec_from_dict(
        {"method": method, "test_size": test_size, "seed": seed,
         "time_column": time_column, "group_column": group_column}
    )  # fmt: skip
    stored = define_split(wb, version, spec, replace=replace)
    if as_json:
        _emit_json({"version": version.version, **stored.summary})
        return
    click.echo(f"Froze the split of v{version.version}: {stored.summary.get('description')}")
    for key, value in stored.summary.items():
        if key not in ("description", "notes"):
            click.echo(f"  {key}: {value}")


@data.command("overview")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--version", "version_ref", default=None, help="Version number (default: newest).")
@click.option("--raw", is_flag=True, help="Ignore the cleaning recipe.")
@json_option
@friendly_errors
def data_overview(project_ref: str, version_ref: str | None, raw: bool, as_json: bool) -> None:
    """Column overview of a dataset version: types, missing, distinct, statistics."""
    from app.services.datasets import resolve_version
    from app.services.explore import explore_frame
    from app.services.projects import resolve_project
    from core.profile import overview

    wb = _workbench()
    version = resolve_version(wb, resolve_project(wb, project_ref).id, version_ref)
    data = explore_frame(wb, version, apply_recipe=not raw)
    facts = overview(data.frame, data.schema)
    if as_json:
        _emit_json(
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


@data.command("profile")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--version", "version_ref", default=None, help="Version number (default: newest).")
@click.option(
    "--sample",
    type=int,
    default=100_000,
    show_default=True,
    help="Rows to profile (seeded sample).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--minimal", is_flag=True, help="ydata-profiling's minimal mode (about 7× faster).")
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Where to write the HTML report."
)
@json_option
@friendly_errors
def data_profile(
    project_ref: str,
    version_ref: str | None,
    sample: int,
    seed: int,
    minimal: bool,
    out: Path,
    as_json: bool,
) -> None:
    """Write the full ydata-profiling report of a dataset version (cached per version and settings)."""
    from app.services import explore
    from app.services.datasets import resolve_version
    from app.services.projects import resolve_project
    from core.profile import ProfileSettings

    wb = _workbench()
    version = resolve_version(wb, resolve_project(wb, project_ref).id, version_ref)
    settings = ProfileSettings(
        sample_rows=sample, seed=seed, minimal=minimal, title=f"Dataset v{version.version}"
    )
    report = explore.find_report(wb, version.id, settings)
    if report is None:
        job_id = explore.submit_profile(wb, version, settings, claimed=True)
        _finish_job(wb, job_id, quiet=as_json)
        report = explore.find_report(wb, version.id, settings)
    assert report is not None
    out.write_bytes(explore.report_html(wb, report))
    payload = {
        "version": version.version, "out": str(out), "rows_profiled": report.rows_profiled,
        "seconds": round(report.seconds, 2), "sampled": report.rows_profiled < version.rows,
    }  # fmt: skip
    if as_json:
        _emit_json(payload)
    else:
        click.echo(
            f"Wrote {out} ({report.rows_profiled:,} rows profiled in {report.seconds:,.1f} s)"
        )


# -- train, runs, predict -------------------------------------------------------------


@main.command("train")
@click.argument("project_ref", metavar="PROJECT")
@click.option(
    "--models", default=None, help="Comma-separated model keys, e.g. dummy,logreg,rf,hgb,xgboost."
)
@click.option(
    "--preset", type=click.Choice(["quick", "thorough"]), default="quick", show_default=True
)
@click.option("--folds", type=int, default=5, show_default=True)
@click.option("--tune", "tune_trials", type=int, default=None, help="Optuna trials per model.")
@click.option(
    "--budget", "tune_seconds", type=float, default=None, help="Tuning seconds per model."
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--balanced", is_flag=True, help="Class weights against imbalance.")
@click.option(
    "--ensemble/--no-ensemble",
    default=None,
    help="Add a soft-voting ensemble of the best 3 (thorough: on).",
)
@click.option(
    "--include-sensitive/--exclude-sensitive",
    default=None,
    help="Feed the columns marked sensitive to the model, or not (default: the project's "
    "setting, which is not).",
)
@click.option(
    "--compare-sensitive",
    is_flag=True,
    help="Train every model with and without the sensitive columns and show what excluding "
    "them costs.",
)
@json_option
@friendly_errors
def train_command(
    project_ref: str, models: str | None, preset: str, folds: int, tune_trials: int | None,
    tune_seconds: float | None, seed: int, balanced: bool, ensemble: bool | None,
    include_sensitive: bool | None, compare_sensitive: bool, as_json: bool,
) -> None:  # fmt: skip
    """Train baselines and models on the training rows; prints the leaderboard."""
    from app.errors import UserError
    from app.services import training
    from app.services.projects import resolve_project

    if tune_trials is not None and tune_seconds is not None:
        raise UserError("Give --tune TRIALS or --budget SECONDS, not both.")
    wb = _workbench()
    project_id = resolve_project(wb, project_ref).id
    keys = tuple(k.strip() for k in models.split(",") if k.strip()) if models is not None else ()
    if models is not None and not keys:
        raise UserError("--models is empty: name at least one model, e.g. --models logreg,hgb.")
    plan = training.TrainPlan(
        preset="custom" if keys else preset, models=keys, folds=folds, seed=seed,
        tune_trials=tune_trials, tune_seconds=tune_seconds, class_weight="balanced" if balanced else None,
        ensemble=ensemble, include_sensitive=include_sensitive, compare_sensitive=compare_sensitive,
    )  # fmt: skip
    job_id = training.submit_training(wb, project_id, plan, claimed=True)
    if not as_json and not compare_sensitive:
        ctx = training.training_context(wb, project_id, plan.version_id)
        _echo_excluded(training.excluded_inputs(ctx, plan))
    job = run_job_with_progress(wb, job_id, quiet=as_json)
    if job.status == "failed":
        raise UserError(job.error or job.message)
    trained = set((job.result or {}).get("run_ids", []))
    board = [r for r in training.leaderboard(wb, project_id) if not trained or r.id in trained]
    costs = training.sensitive_cost(board) if compare_sensitive else []
    rows = [
        {**r.leaderboard_row(), "excluded_inputs": [_excluded_json(e) for e in r.excluded_inputs]}
        for r in board
    ]
    if as_json:
        if not compare_sensitive:
            _emit_json(rows)
            return
        tags = [r.tags.get(training.SENSITIVE_TAG) for r in board]
        runs = [{**row, "sensitive_inputs": tag} for row, tag in zip(rows, tags, strict=True)]
        _emit_json({"runs": runs, "sensitive_cost": [c.to_json() for c in costs]})
        return
    click.echo(job.message)
    _print_board(board)
    if compare_sensitive:
        _print_sensitive_cost(costs)


#: How to use a sensitive column after all, named after this command's own option.
EXCLUDED_HINT = {"sensitive": "--include-sensitive to use {it}"}


def _excluded_why(item, *, many: bool = False) -> str:  # type: ignore[no-untyped-def]
    hint = EXCLUDED_HINT.get(item.reason)
    return f"{item.why} ({hint.format(it='them' if many else 'it')})" if hint else item.why


def _excluded_json(item) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"column": item.column, "why": _excluded_why(item)}


def _echo_excluded(items) -> None:  # type: ignore[no-untyped-def]
    if items:
        from core.features import group_excluded

        listed = "; ".join(
            f"{', '.join(columns)} — {_excluded_why(first, many=len(columns) > 1)}"
            for first, columns in group_excluded(items)
        )
        click.echo(f"Not model inputs: {listed}")
    else:
        click.echo("The model sees every column but the target.")


def _print_sensitive_cost(costs) -> None:  # type: ignore[no-untyped-def]
    if not costs:
        click.echo("No model finished both ways: nothing to compare.")
        return
    metric = costs[0].metric
    digits = 0 if metric == "expected_value" else 4
    click.echo(f"\nWhat excluding the sensitive columns costs ({metric}, cv mean):")
    click.echo(f"  {'model':<28} {'with':>14} {'without':>14} {'cost':>14}")
    for c in costs:
        click.echo(
            f"  {c.model_name[:28]:<28} {c.with_sensitive:>14,.{digits}f} "
            f"{c.without_sensitive:>14,.{digits}f} {c.cost_of_excluding:>14,.{digits}f}"
        )


def _print_board(board) -> None:  # type: ignore[no-untyped-def]
    if not board:
        return
    click.echo(
        f"{'run':>5}  {'model':<28} {board[0].metric + ' (cv)':>22} {'± std':>10} {'fit s':>7} {'ms/1k':>7}"
    )
    digits = 0 if board[0].metric == "expected_value" else 4
    for r in board:
        flag = "  ⚠ " + "; ".join(r.flags.values()) if r.flags else ""
        if r.from_incomplete_job:
            flag += f"  (from a {r.from_incomplete_job} job)"
        star = " ★" if r.is_champion else ""
        click.echo(
            f"{r.id:>5}  {(r.model_name + star)[:28]:<28} {r.cv_mean:>22,.{digits}f} "
            f"{r.cv_std or 0:>10,.{digits}f} {r.fit_seconds:>7.2f} {r.predict_ms_per_1k:>7.1f}{flag}"
        )


@main.command("runs", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, metavar="PROJECT | show RUN | champion RUN")
@json_option
@friendly_errors
def runs_command(args: tuple[str, ...], as_json: bool) -> None:
    """List a project's runs, show one run (`runs show RUN`), or mark a champion (`runs champion RUN`)."""
    from app.errors import UserError
    from app.services import training
    from app.services.projects import resolve_project

    wb = _workbench()
    if args[0] in ("show", "champion"):
        if len(args) != 2 or not args[1].isdigit():
            raise UserError(f"Usage: workbench runs {args[0]} RUN (a run id, e.g. 12).")
        run = training.get_run(wb, int(args[1]))
        if args[0] == "champion":
            run = training.set_champion(wb, run.id)
            click.echo(f"Run {run.id} ({run.model_name}) is now the champion.")
            return
        if as_json:
            _emit_json(run.to_json())
            return
        for key, value in run.to_json().items():
            if key not in ("snapshot", "folds"):
                click.echo(f"{key:>18}: {value}")
        return
    if len(args) != 1:
        raise UserError(
            "Usage: workbench runs PROJECT | workbench runs show RUN | workbench runs champion RUN"
        )
    runs = training.list_runs(wb, resolve_project(wb, args[0]).id)
    if as_json:
        _emit_json([r.to_json() for r in runs])
        return
    if not runs:
        click.echo("No runs yet. Train with `workbench train PROJECT`.")
    _print_board([r for r in runs if r.cv_mean is not None])


@main.command("predict")
@click.argument("project_ref", metavar="PROJECT")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--run", "run_id", type=int, default=None, help="Run id (default: the champion).")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV or Parquet to write.",
)
@json_option
@friendly_errors
def predict_command(
    project_ref: str, input_path: Path, run_id: int | None, out_path: Path, as_json: bool
) -> None:
    """Score INPUT with a run: its rows plus `prediction` and probabilities."""
    from app.errors import UserError
    from app.services import scoring
    from app.services.projects import resolve_project
    from core.report import spreadsheet_safe

    wb = _workbench()
    run = _run_for(wb, resolve_project(wb, project_ref).id, run_id)
    if not input_path.is_file():
        raise UserError(f"{input_path} does not exist or is not a file.")
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
        _emit_json(payload)
        return
    click.echo(f"{result.summary} Wrote {out_path}.")
    for problem in result.problems[:20]:
        click.echo(f"  {problem}")


def _run_for(wb, project_id: int, run_id: int | None):  # type: ignore[no-untyped-def]
    """The asked run of this project, or its champion; clear errors otherwise."""
    from app.errors import UserError
    from app.services import training

    run = training.get_run(wb, run_id) if run_id else training.champion(wb, project_id)
    if run is None:
        reason = training.no_champion_reason(wb, project_id)
        if reason:
            raise UserError(reason, hint="Or pick a run with --run RUN.")
        raise UserError(
            "This project has no trained run yet.", hint="Train with `workbench train PROJECT`."
        )
    if run.project_id != project_id:
        raise UserError(f"Run {run.id} belongs to another project.")
    return run


@main.command("analyze")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--run", "run_id", type=int, default=None, help="Run id (default: the champion).")
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
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
@friendly_errors
def analyze_command(
    project_ref: str,
    run_id: int | None,
    data_path: Path | None,
    fairness_columns: tuple[str, ...],
    bins: int | None,
    as_json: bool,
) -> None:
    """Evaluate a run: metrics with intervals, threshold, value, error cohorts, top SHAP features."""
    from app.errors import UserError
    from app.services import analysis
    from app.services.projects import resolve_project
    from core import ingest

    wb = _workbench()
    run = _run_for(wb, resolve_project(wb, project_ref).id, run_id)
    data = None
    if data_path is not None:
        if not data_path.is_file():
            raise UserError(f"{data_path} does not exist or is not a file.")
        data, _info = ingest.read_table(data_path, filename=data_path.name)
    report = analysis.analysis_report(
        wb, run, data=data, source=data_path.name if data_path else None,
        run_job=lambda job_id: run_job_with_progress(wb, job_id, quiet=as_json),
    )  # fmt: skip
    if fairness_columns:
        from app.services import fairness

        columns = list(fairness_columns)
        result = fairness.analyse(
            wb, run, columns, bins=dict.fromkeys(columns, bins) if bins else None,
            data=data, source=data_path.name if data_path else None,
        )  # fmt: skip
        report["fairness"] = result.to_json()
    if as_json:
        _emit_json(report)
        return
    _print_analysis(report)
    if "fairness" in report:
        _print_fairness(report["fairness"])


def _print_fairness(result: dict) -> None:  # type: ignore[type-arg]
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


@main.command("mitigate")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--run", "run_id", type=int, default=None, help="Run id (default: the champion).")
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
@friendly_errors
def mitigate_command(
    project_ref: str,
    run_id: int | None,
    sensitive: tuple[str, ...],
    method: str,
    constraint: str,
    as_json: bool,
) -> None:
    """Reduce a disparity: a new tracked run with per-group thresholds or retrained under a constraint."""
    from app.services import fairness, training
    from app.services.projects import resolve_project

    wb = _workbench()
    run = _run_for(wb, resolve_project(wb, project_ref).id, run_id)
    job_id = fairness.submit_mitigation(
        wb, run.id, sensitive=list(sensitive), method=method, constraint=constraint, claimed=True
    )
    info = _finish_job(wb, job_id, quiet=as_json)
    new = training.get_run(wb, int(info.result["run_id"]))
    before = fairness.latest_analysis(wb, run.id)
    after = fairness.latest_analysis(wb, new.id)
    payload = {
        **new.to_json(),
        "mitigation": new.settings.get("mitigation"),
        "fairness_before": before.report if before else None,
        "fairness_after": after.report if after else None,
    }
    if as_json:
        _emit_json(payload)
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


def _print_analysis(report: dict) -> None:  # type: ignore[type-arg]
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


@main.command("export")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--run", "run_id", type=int, default=None, help="Run id (default: the champion).")
@click.option(
    "--out", "out_path", type=click.Path(path_type=Path), required=True, help="The zip to write."
)
@click.option(
    "--golden-real-rows",
    is_flag=True,
    help="Ship ~20 real training rows as golden.csv (default: synthetic rows from the schema).",
)
@json_option
@friendly_errors
def export_command(
    project_ref: str, run_id: int | None, out_path: Path, golden_real_rows: bool, as_json: bool
) -> None:
    """Export a run as a self-contained, verified bundle zip (and a registry version)."""
    from app.services import export
    from app.services.projects import resolve_project

    wb = _workbench()
    project = resolve_project(wb, project_ref)
    run = _run_for(wb, project.id, run_id)
    if golden_real_rows:
        click.echo(f"Warning: {export.GOLDEN_REAL_ROWS_WARNING}", err=True)
    job_id = export.submit_export(wb, run.id, claimed=True, golden_real_rows=golden_real_rows)
    info = _finish_job(wb, job_id, quiet=as_json)
    entry = export.get_version(wb, project.id, int(info.result["registry_version"]))
    out_path.write_bytes(export.bundle_bytes(wb, entry))
    if as_json:
        _emit_json({**entry.to_json(), "out": str(out_path)})
        return
    click.echo(
        f"Wrote {out_path} ({entry.size_bytes / 1e6:.1f} MB): registry v{entry.version} "
        f"({entry.stage}), sha256 {entry.bundle_sha256}."
    )
    click.echo(
        "Unzip it and follow README.md: `python predict.py --self-test`, then score or serve."
    )


@main.command("registry", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, metavar="PROJECT | promote PROJECT VERSION")
@click.option(
    "--stage",
    type=click.Choice(["candidate", "staging", "production", "archived"]),
    default="production",
    show_default=True,
    help="With promote: the new stage.",
)
@click.option("--why", default="", help="With promote: the reason, kept in the history.")
@click.option("--who", default=None, help="With promote: who decides (default: the OS user).")
@click.option("--yes", is_flag=True, help="With promote to production: do not ask to confirm.")
@json_option
@friendly_errors
def registry_command(
    args: tuple[str, ...], stage: str, why: str, who: str | None, yes: bool, as_json: bool
) -> None:
    """List a project's registry, or `registry promote PROJECT VERSION --stage S --why TEXT`."""
    import getpass

    from app.errors import UserError
    from app.services import export
    from app.services.projects import resolve_project

    wb = _workbench()
    if args[0] == "promote":
        if len(args) != 3 or not args[2].lstrip("v").isdigit():
            raise UserError(
                "Usage: workbench registry promote PROJECT VERSION --stage STAGE --why TEXT"
            )
        project = resolve_project(wb, args[1])
        version = int(args[2].lstrip("v"))
        if stage == "production" and not yes and not as_json:
            click.confirm(
                f"Promote v{version} to production? The current production version is archived.",
                abort=True,
            )
        entries = export.set_stage(
            wb, project.id, version, stage, who=who or getpass.getuser(), why=why
        )
    else:
        if len(args) != 1:
            raise UserError(
                "Usage: workbench registry PROJECT | workbench registry promote PROJECT VERSION"
            )
        entries = export.registry(wb, resolve_project(wb, args[0]).id)
    if as_json:
        _emit_json([e.to_json() for e in entries])
        return
    if not entries:
        click.echo(
            "No exported versions yet. Export with `workbench export PROJECT --out bundle.zip`."
        )
    for e in entries:
        last = e.history[-1] if e.history else {}
        click.echo(
            f"  v{e.version:<3} {e.stage:<10} run {e.run_id:<4} {e.size_bytes / 1e6:6.1f} MB  "
            f"{e.bundle_sha256[:12]}  {last.get('when', '')} {last.get('who', '')}: {last.get('why', '')}"
        )


@main.group()
def monitor() -> None:
    """Production predictions back in: import, report (drift, live metrics, KPI, alerts)."""


@monitor.command("import")
@click.argument("project_ref", metavar="PROJECT")
@click.argument("source", metavar="LOG_OR_FILE", type=click.Path(path_type=Path))
@click.option("--outcomes", "outcomes_path", type=click.Path(path_type=Path), default=None,
              help="True outcomes (CSV/Parquet…) with an ID column and the target.")  # fmt: skip
@click.option("--id", "id_column", default=None, help="The ID column linking outcomes to rows.")
@click.option("--simulated", is_flag=True, default=None,
              help="Flag the batch as simulated (read from a simulator's log by itself).")  # fmt: skip
@json_option
@friendly_errors
def monitor_import(
    project_ref: str, source: Path, outcomes_path: Path | None, id_column: str | None,
    simulated: bool | None, as_json: bool,
) -> None:  # fmt: skip
    """Import a service log (JSON lines) or a batch-scored file as a monitoring batch."""
    from app.errors import UserError
    from app.services import monitoring
    from app.services.projects import resolve_project

    wb = _workbench()
    project = resolve_project(wb, project_ref)
    for path in (source, outcomes_path):
        if path is not None and not path.is_file():
            raise UserError(f"{path} does not exist or is not a file.")
    outcomes = None
    if outcomes_path is not None:
        outcomes = monitoring.read_outcomes(outcomes_path, outcomes_path.name)
    batch = monitoring.import_predictions(
        wb, project.id, source.read_bytes(), filename=source.name, outcomes=outcomes,
        id_column=id_column, simulated=simulated or None,
    )  # fmt: skip
    if as_json:
        _emit_json(batch.to_json())
        return
    click.echo(
        f"Batch {batch.id}{' (SIMULATED)' if batch.simulated else ''}: {batch.rows:,} rows from "
        f"{batch.source} ({batch.start_text()}); outcomes matched: {batch.outcomes_matched:,}."
    )
    for line in batch.bad_lines:
        click.echo(f"  skipped {line}")


@monitor.command("report")
@click.argument("project_ref", metavar="PROJECT")
@json_option
@friendly_errors
def monitor_report_command(project_ref: str, as_json: bool) -> None:
    """Drift per column (inputs and not), live metrics, the KPI against its target, and alerts."""
    from app.services import monitoring
    from app.services.projects import resolve_project

    wb = _workbench()
    report = monitoring.monitor_report(wb, resolve_project(wb, project_ref).id)
    payload = monitoring.report_json(report)
    if as_json:
        _emit_json(payload)
        return
    simulated = sum(1 for b in payload["batches"] if b["simulated"])
    click.echo(
        f"Run {payload['run_id']}: {payload['rows']:,} production rows in {len(payload['batches'])} batch(es)"
        + (f", {simulated} of them SIMULATED." if simulated else ".")
    )
    click.echo("Drift (latest batch vs the run's test rows), highest PSI first:")
    for row in payload["drift"][:10]:
        psi = row.get("psi")
        marker = (
            ""
            if row.get("model_input") or row.get("role") == "prediction"
            else "  (not a model input)"
        )
        click.echo(
            f"  {row['column']:>28}: PSI {psi if psi is None else round(psi, 3)}  {row.get('status')}{marker}"
        )
    if payload["performance"]:
        click.echo("Live metrics per period:")
        for row in payload["performance"][-6:]:
            value = row.get("value_per_month")
            shown = f", value {value:,.0f}/month" if value is not None else ""
            click.echo(
                f"  {str(row.get('period'))[:10]}: {row.get('rows')} rows, accuracy {row.get('accuracy') or float('nan'):.3f}{shown}"
            )
    for alert in payload["alerts"]:
        click.echo(f"ALERT ({alert['severity']}): {alert['message']}")
    for item in payload["unchecked"]:
        click.echo(f"Rule could not be checked: {item['rule']} — {item['why']}.")
    for note in payload["notes"]:
        click.echo(f"note: {note}")


@monitor.command("simulate")
@click.argument("project_ref", metavar="PROJECT")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    required=True,
    help="The JSON-lines log to write.",
)
@click.option(
    "--outcomes-out",
    "outcomes_path",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV of the true outcomes.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@friendly_errors
def monitor_simulate(project_ref: str, out_path: Path, outcomes_path: Path, seed: int) -> None:
    """Write three simulated months of service log (drift from month two) and their outcomes."""
    from app.services import monitoring
    from app.services.projects import resolve_project

    wb = _workbench()
    simulation = monitoring.simulate_production(wb, resolve_project(wb, project_ref).id, seed=seed)
    out_path.write_text(simulation.log_text, encoding="utf-8")
    simulation.outcomes.to_csv(outcomes_path, index=False)
    click.echo(
        f"Wrote {out_path} ({len(simulation.log_text.splitlines()):,} requests) and {outcomes_path}. "
        f"Import with: workbench monitor import PROJECT {out_path} --outcomes {outcomes_path} --id {simulation.id_column}"
    )


@monitor.command("pull")
@click.argument("project_ref", metavar="PROJECT")
@click.option(
    "--path",
    "log_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Set (or change) the service log to read.",
)
@json_option
@friendly_errors
def monitor_pull(project_ref: str, log_path: Path | None, as_json: bool) -> None:
    """Import the lines the service logged since the last pull (cron-friendly)."""
    from app.services import monitoring
    from app.services.projects import resolve_project

    wb = _workbench()
    project = resolve_project(wb, project_ref)
    if log_path is not None:
        monitoring.update_settings(wb, project.id, log_path=str(log_path.resolve()))
    batch = monitoring.import_new_lines(wb, project.id)
    if as_json:
        _emit_json(batch.to_json() if batch else None)
    else:
        click.echo(
            "Nothing new." if batch is None else f"Batch {batch.id}: {batch.rows:,} new rows."
        )


@main.command("retrain")
@click.argument("project_ref", metavar="PROJECT")
@click.option("--include-simulated", is_flag=True, default=False,
              help="Also learn from simulated batches (left out by default: they are not production).")  # fmt: skip
@json_option
@friendly_errors
def retrain_command(project_ref: str, include_simulated: bool, as_json: bool) -> None:
    """Retrain the champion's recipe on training + labelled production rows; compare on recent rows."""
    from app.services import monitoring
    from app.services.projects import resolve_project

    wb = _workbench()
    project = resolve_project(wb, project_ref)
    job_id = monitoring.submit_retrain(
        wb, project.id, claimed=True, include_simulated=include_simulated
    )
    info = _finish_job(wb, job_id, quiet=as_json)
    result = {k: v for k, v in info.result.items() if not k.startswith("_")}
    if as_json:
        _emit_json(result)
        return
    click.echo(info.message)
    for row in result["metrics"]:
        click.echo(
            f"  {row['metric']:>18}: champion {row['a']:.4f}  challenger {row['b']:.4f}  ({row['better']})"
        )
    if result.get("champion_value_per_month") is not None:
        click.echo(
            f"  value per month: champion {result['champion_value_per_month']:,.0f}, "
            f"challenger {result['challenger_value_per_month']:,.0f}"
        )
    click.echo(
        "Promote it in the registry after exporting: workbench export PROJECT --run RUN --out b.zip"
    )


# -- demo, ui, worker ----------------------------------------------------------------


@main.command()
@json_option
@friendly_errors
def demo(as_json: bool) -> None:
    """Create the demo project if it is missing (safe to run again)."""
    from app.services.demo import ensure_demo_project

    wb = _workbench()
    info, created = ensure_demo_project(wb)
    if as_json:
        _emit_json({**_project_json(wb, info), "created": created})
    else:
        verb = "Created" if created else "Found"
        click.echo(f"{verb} demo project {info.id}: {info.name}")


@main.command()
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--host", default="localhost", show_default=True, help="Address to listen on.")
@click.option("--open/--no-open", "open_browser", default=False, help="Open a browser tab.")
@click.option(
    "--allow-anyone",
    is_flag=True,
    help="Listen beyond localhost although the app has no accounts: anyone who can reach "
    "the address can see and change every project.",
)
@friendly_errors
def ui(port: int, host: str, open_browser: bool, allow_anyone: bool) -> None:
    """Serve the browser app and its job worker until Ctrl+C; both stop together.

    The worker is supervised: if it dies (even by kill -9) it is reaped, the job it was
    running is marked interrupted, and a new worker starts within about a second.
    """
    from app.errors import UserError
    from app.jobs.worker import WorkerSupervisor
    from app.settings import is_loopback

    beyond = not is_loopback(host)
    if beyond and not allow_anyone:
        raise UserError(
            f"Refusing to listen on {host!r}: the app has no accounts, so anyone who can reach "
            "it could see and change every project; use --host localhost, or add "
            "--allow-anyone to accept that."
        )
    # The app, and the worker this process starts, judge server-side paths by it.
    os.environ["WORKBENCH_SERVER_ADDRESS"] = host
    wb = _workbench()
    if beyond:
        click.secho(
            f"WARNING: listening on {host} with no accounts: anyone who can reach "
            f"port {port} can see, change and delete every project. Server-side files are "
            f"read only under WORKBENCH_DATA_DIRS (now: {os.environ.get('WORKBENCH_DATA_DIRS') or 'none'}).",
            fg="red",
            bold=True,
            err=True,
        )
    env = {
        **os.environ,
        "WORKBENCH_HOME": str(wb.settings.home),
        "WORKBENCH_DATABASE_URL": wb.settings.database_url,
        # This process supervises the worker; the app must not start detached ones of its own.
        "WORKBENCH_AUTOSTART_WORKER": "0",
    }
    supervisor = WorkerSupervisor(wb)
    supervisor.check(wait_seconds=15)
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app" / "main.py"),
        "--server.port", str(port),
        "--server.address", host,
        # Always headless: a non-headless Streamlit asks for an e-mail on first start and
        # fails without a terminal; the browser tab is opened here instead.
        "--server.headless", "true",
        "--server.maxUploadSize", str(wb.settings.max_upload_mb),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    click.echo(f"Lifecycle Workbench on http://{host}:{port}  (data in {wb.settings.home})")
    server = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    if open_browser:
        _open_when_ready(f"http://{host}:{port}")

    def on_sigterm(*_args: object) -> None:
        # Unwind the loop below; stopping inside the handler would wait on a locked Popen.
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    code = 0
    try:
        while (status := server.poll()) is None:
            try:
                supervisor.check()
            except Exception:  # supervising must never take the app down; retry next tick
                logging.getLogger("workbench.cli").exception("worker supervision failed")
            time.sleep(SUPERVISE_SECONDS)
        code = status
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
        supervisor.stop()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    sys.exit(code)


def _open_when_ready(url: str, timeout: float = 60.0) -> None:
    """Open a browser tab once the app answers (no-op where there is no browser)."""
    import threading
    import urllib.request
    import webbrowser

    def wait_and_open() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    webbrowser.open(url)
                    return
            except OSError:
                time.sleep(0.3)

    threading.Thread(target=wait_and_open, daemon=True).start()


@main.command(hidden=True)
def worker() -> None:
    """Run the job worker in the foreground (started automatically by `workbench ui`)."""
    from app.jobs.worker import main as worker_main

    worker_main()


# -- jobs ---------------------------------------------------------------------------


@main.group()
def jobs() -> None:
    """List, follow and cancel background jobs."""


@jobs.command("list")
@click.option("--project", "project_ref", default=None, help="Only this project's jobs.")
@json_option
@friendly_errors
def jobs_list(project_ref: str | None, as_json: bool) -> None:
    """Recent jobs, newest first."""
    from app.jobs import list_jobs
    from app.services.projects import resolve_project

    wb = _workbench()
    project_id = resolve_project(wb, project_ref).id if project_ref else None
    rows = list_jobs(wb, project_id=project_id)
    if as_json:
        _emit_json([j.to_json() for j in rows])
        return
    for j in rows:
        click.echo(f"{j.id:>5}  {j.status:<11} {j.progress:>4.0%}  {j.title:<30} {j.message}")


@jobs.command("cancel")
@click.argument("job_id", type=int)
@friendly_errors
def jobs_cancel(job_id: int) -> None:
    """Ask job JOB_ID to stop."""
    from app.jobs import request_cancel

    info = request_cancel(_workbench(), job_id)
    click.echo(f"Job {info.id}: {info.status} — {info.message}")


def run_job_with_progress(wb, job_id: int, *, quiet: bool = False):  # type: ignore[no-untyped-def]
    """Run a queued job here in the foreground with a progress bar (the CLI's way)."""
    from app.jobs.runner import run_in_foreground

    def on_wait(message: str) -> None:
        click.echo(message, err=True)

    if quiet:
        return run_in_foreground(wb, job_id, on_wait=on_wait)
    with click.progressbar(length=1000, label="Working", show_percent=True, file=sys.stderr) as bar:
        state = {"done": 0}

        def on_progress(fraction: float, message: str) -> None:
            target = int(fraction * 1000)
            if target > state["done"]:
                bar.update(target - state["done"])
                state["done"] = target
            if message:
                bar.label = message[:60]

        info = run_in_foreground(wb, job_id, on_progress=on_progress, on_wait=on_wait)
    return info


@main.command()
@json_option
@friendly_errors
def verify(as_json: bool) -> None:
    """Re-hash every stored file and report damaged or missing ones."""
    from app.jobs import submit

    wb = _workbench()
    job_id = submit(wb, "maintenance.verify_artifacts", title="Verify stored files")
    started = time.monotonic()
    info = run_job_with_progress(wb, job_id, quiet=as_json)
    if as_json:
        _emit_json(
            {
                **(info.result or {}),
                "status": info.status,
                "seconds": round(time.monotonic() - started, 3),
            }
        )
    else:
        click.echo(info.message)
    if info.status != "succeeded" or (info.result or {}).get("problems"):
        sys.exit(1)


if __name__ == "__main__":
    main()
