"""`workbench data check | recipe | fix`: quality findings and the cleaning recipe."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from app.cli.params import (
    emit_json,
    json_option,
    pass_workbench,
    project_argument,
    version_option,
)
from app.errors import UserError

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo


@click.command("check")
@project_argument
@version_option
@json_option
@pass_workbench
def data_check(wb: Workbench, project: ProjectInfo, version_ref: str | None, as_json: bool) -> None:
    """Quality findings and expectation results for a dataset version."""
    from app.services import recipes
    from app.services.datasets import resolve_version
    from app.services.quality import check_version

    version = resolve_version(wb, project.id, version_ref)
    if as_json:
        emit_json(recipes.check_json(wb, version))
        return
    report = check_version(wb, version)
    click.echo(
        f"Dataset v{version.version}: {len(report.findings)} finding(s), "
        f"{report.failed_expectations} failed expectation(s)"
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


@click.command("recipe")
@project_argument
@version_option
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
@pass_workbench
def data_recipe(
    wb: Workbench, project: ProjectInfo, version_ref: str | None, add_json: str | None,
    remove_number: int | None, as_json: bool,
) -> None:  # fmt: skip
    """List the cleaning recipe with what each step changes on a version; add or remove a step.

    A step is checked on the version before it is saved; one that cannot run there is refused.
    """
    from app.services import recipes
    from app.services.datasets import resolve_version

    if add_json is not None and remove_number is not None:
        raise click.UsageError("use --add or --remove, not both")
    version = resolve_version(wb, project.id, version_ref)
    if add_json is not None:
        view = recipes.add_step(wb, version, recipes.parse_step(add_json))
    elif remove_number is not None:
        view = recipes.remove_step(wb, version, remove_number)
    else:
        view = recipes.recipe_view(wb, version)
    if as_json:
        emit_json(view.to_json())
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


@click.command("fix")
@project_argument
@click.argument("finding_ref", metavar="FINDING")
@version_option
@click.option("--yes", is_flag=True, help="Confirm a fix that changes more than 5 % of the rows.")
@json_option
@pass_workbench
def data_fix(
    wb: Workbench, project: ProjectInfo, finding_ref: str, version_ref: str | None, yes: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Add a quality finding's suggested fix to the cleaning recipe, as the Data page does.

    FINDING is the finding's ref as `data check` shows it (field `ref` in `data check --json`):
    CODE:COLUMN, e.g. outliers:income, or CODE alone for a whole-table finding, e.g.
    duplicate_rows. A fix that changes more than 5 % of the rows needs --yes.
    """
    from app.services import recipes
    from app.services.datasets import resolve_version

    version = resolve_version(wb, project.id, version_ref)
    try:
        option = recipes.apply_fix(wb, version, finding_ref, confirmed=yes)
    except recipes.NeedsConfirmation as error:
        raise UserError(f"{error.message}; pass --yes to add it anyway") from None
    view = recipes.recipe_view(wb, version)
    if as_json:
        emit_json({"fixed": option.ref, **option.to_json(), "recipe": view.to_json()})
        return
    assert option.step is not None
    change = f" ({option.impact.describe()})" if option.impact is not None else ""
    click.echo(
        f"Added to the cleaning recipe as step {len(view.recipe)}: {option.step.describe()}{change}"
    )


COMMANDS = [data_check, data_recipe, data_fix]
