"""The cleaning recipe and the quality fixes, for the Data page and the CLI alike.

A step is checked on the dataset version before it is saved (a step that cannot run there
is refused with the step's own message); every listing carries what each step does to the
version. A finding's fix is named by ``ref`` — ``code:column`` (``outliers:income``), or the
code alone for a whole-table finding (``duplicate_rows``) — and says the share of rows it
would change on the data as the recipe leaves it; above ``validate.FIX_CONFIRM_SHARE`` it
is applied only when confirmed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.context import Workbench
from app.errors import UserError
from app.services import data_config, datasets, quality
from app.services.team.guard import guarded, project_arg
from app.services.team.rights import Right
from core.data.cleaning import RecipeResult, StepReport, apply_recipe
from core.data.findings import Finding, FixImpact, fix_impact
from core.data.recipe import Recipe, RecipeError, Step, step_from_dict, step_to_dict

MSG_BAD_JSON = "STEP_JSON is not valid JSON ({problem}); e.g. {example}"
MSG_NO_FIX = "finding {ref!r} has no fix that can go into the recipe"
MSG_UNKNOWN_FINDING = "there is no finding {ref!r} on v{version}; findings with a fix: {refs}"
MSG_IN_RECIPE = "the fix for {ref!r} is already in the cleaning recipe (step {number})"
MSG_CONFIRM = "the fix for {ref!r} {warning}"
EXAMPLE_STEP = '{"kind": "cap_outliers", "column": "income", "params": {"upper": 250000}}'


class NeedsConfirmation(UserError):
    """The fix changes more rows than one click should; ``message`` says why it may be wrong."""


def finding_ref(finding: Finding) -> str:
    """How the CLI names a finding: ``code:column``, or ``code`` for a whole-table finding."""
    return f"{finding.code}:{finding.column}" if finding.column is not None else finding.code


@dataclass(frozen=True)
class RecipeView:
    """The project's recipe and what each step does on one dataset version."""

    version: datasets.VersionInfo
    recipe: Recipe
    reports: tuple[StepReport, ...]
    rows: int
    problem: str | None = None  # the recipe fails on this version: the step's message

    def to_json(self) -> dict[str, Any]:
        by_index = {r.index: r for r in self.reports}
        steps = []
        for index, step in enumerate(self.recipe.steps):
            item: dict[str, Any] = {
                "number": index + 1,
                "what": step.describe(),
                "step": step_to_dict(step),
            }
            report = by_index.get(index)
            if report is not None:
                item.update(
                    rows_before=report.rows_before,
                    rows_after=report.rows_after,
                    rows_removed=report.rows_removed,
                    cells_changed=report.changed_cells,
                    note=report.note,
                )
            steps.append(item)
        return {
            "version": self.version.version,
            "rows": self.rows,
            "steps": steps,
            "problem": self.problem,
        }


def _run(frame: pd.DataFrame, recipe: Recipe) -> tuple[RecipeResult | None, str | None]:
    try:
        return apply_recipe(frame, recipe), None
    except RecipeError as error:
        return None, str(error)


def recipe_view(wb: Workbench, version: datasets.VersionInfo) -> RecipeView:
    recipe = data_config.recipe(wb, version.project_id)
    frame = datasets.load_frame(wb, version)
    result, problem = _run(frame, recipe)
    reports = result.reports if result is not None else _reports_until_failure(frame, recipe)
    return RecipeView(version, recipe, reports, len(frame), problem)


def _reports_until_failure(frame: pd.DataFrame, recipe: Recipe) -> tuple[StepReport, ...]:
    """The reports of the steps before the failing one, so a listing still shows them."""
    for count in range(len(recipe.steps) - 1, 0, -1):
        result, _ = _run(frame, Recipe(recipe.steps[:count]))
        if result is not None:
            return result.reports
    return ()


def parse_step(text: str) -> Step:
    """A step from JSON text (the CLI's STEP_JSON); bad JSON or a bad step says what to fix."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(MSG_BAD_JSON.format(problem=error.msg, example=EXAMPLE_STEP)) from None
    return step_from_dict(data)


@guarded(
    Right.EDIT,
    "recipe.changed",
    project=project_arg("version"),
    summary=lambda a: f"Recipe: added {a['step'].kind} step",
)
def add_step(wb: Workbench, version: datasets.VersionInfo, step: Step) -> RecipeView:
    """Append ``step`` if it runs on ``version``; a step that cannot run there is refused.

    A recipe already broken at an earlier step does not block the addition (its own error
    stays listed in ``problem``).
    """
    recipe = data_config.recipe(wb, version.project_id).add(step)
    frame = datasets.load_frame(wb, version)
    try:
        apply_recipe(frame, recipe)
    except RecipeError as error:
        if error.step_number == len(recipe.steps):
            raise
    data_config.save_recipe(wb, version.project_id, recipe)
    return recipe_view(wb, version)


@guarded(
    Right.EDIT,
    "recipe.changed",
    project=project_arg("version"),
    summary="Recipe: removed step {number}",
)
def remove_step(wb: Workbench, version: datasets.VersionInfo, number: int) -> RecipeView:
    """Remove step ``number`` (1-based, as listed); a later step that needed it is reported."""
    recipe = data_config.recipe(wb, version.project_id).remove(number - 1)
    data_config.save_recipe(wb, version.project_id, recipe)
    return recipe_view(wb, version)


@guarded(
    Right.EDIT,
    "recipe.changed",
    project=project_arg("version"),
    summary="Recipe: moved step {number}",
)
def move_step(wb: Workbench, version: datasets.VersionInfo, number: int, delta: int) -> RecipeView:
    recipe = data_config.recipe(wb, version.project_id).move(number - 1, delta)
    data_config.save_recipe(wb, version.project_id, recipe)
    return recipe_view(wb, version)


# -- quality fixes ----------------------------------------------------------------------


@dataclass(frozen=True)
class FixOption:
    """One finding's fix: its step, what it would change, and whether it is in the recipe."""

    ref: str
    finding: Finding
    step: Step | None
    impact: FixImpact | None
    in_recipe: int | None  # the step number when the recipe already holds it
    problem: str | None = None  # the step cannot run on the data (e.g. a column renamed)

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "fix_impact": self.impact.to_json() if self.impact is not None else None,
            "fix_in_recipe": self.in_recipe,
            "fix_problem": self.problem,
        }


def _cleaned(wb: Workbench, version: datasets.VersionInfo) -> tuple[Recipe, pd.DataFrame]:
    """The recipe and the data it leaves (the raw data when the recipe fails on it)."""
    recipe = data_config.recipe(wb, version.project_id)
    frame = datasets.load_frame(wb, version)
    result, _ = _run(frame, recipe)
    return recipe, result.frame if result is not None else frame


def _option(finding: Finding, recipe: Recipe, frame: pd.DataFrame) -> FixOption:
    ref = finding_ref(finding)
    if finding.fix_step is None:
        return FixOption(ref, finding, None, None, None)
    try:
        step = step_from_dict(dict(finding.fix_step))
    except RecipeError as error:
        return FixOption(ref, finding, None, None, None, str(error))
    numbers = [i + 1 for i, s in enumerate(recipe.steps) if s == step]
    try:
        impact = fix_impact(frame, finding)
    except RecipeError as error:
        return FixOption(ref, finding, step, None, numbers[0] if numbers else None, str(error))
    return FixOption(ref, finding, step, impact, numbers[0] if numbers else None)


def fix_options(
    wb: Workbench, version: datasets.VersionInfo, findings: tuple[Finding, ...]
) -> list[FixOption]:
    """One option per finding, in order, measured on the data as the recipe leaves it."""
    recipe, frame = _cleaned(wb, version)
    return [_option(f, recipe, frame) for f in findings]


def check_json(wb: Workbench, version: datasets.VersionInfo) -> dict[str, Any]:
    """``data check --json``: the findings with their ``ref`` and fix impact, and expectations."""
    report = quality.check_version(wb, version)
    payload = report.to_json()
    options = fix_options(wb, version, report.findings)
    payload["findings"] = [
        {**item, **option.to_json()}
        for item, option in zip(payload["findings"], options, strict=True)
    ]
    return {"version": version.version, "version_id": version.id, **payload}


@guarded(
    Right.EDIT,
    "recipe.changed",
    project=project_arg("version"),
    summary="Recipe: applied a suggested fix",
)
def apply_fix(
    wb: Workbench, version: datasets.VersionInfo, ref: str, *, confirmed: bool = False
) -> FixOption:
    """Add finding ``ref``'s fix to the recipe (the CLI's ``data fix``); see ``add_fix``."""
    report = quality.check_version(wb, version)
    options = fix_options(wb, version, report.findings)
    chosen = next((o for o in options if o.ref == ref.strip()), None)
    if chosen is None:
        refs = ", ".join(o.ref for o in options if o.step is not None) or "none"
        raise UserError(MSG_UNKNOWN_FINDING.format(ref=ref, version=version.version, refs=refs))
    return add_fix(wb, version, chosen, confirmed=confirmed)


@guarded(
    Right.EDIT,
    "recipe.changed",
    project=project_arg("version"),
    summary="Recipe: added a suggested fix",
)
def add_fix(
    wb: Workbench, version: datasets.VersionInfo, option: FixOption, *, confirmed: bool = False
) -> FixOption:
    """Append the option's step; a fix above the confirmation share needs ``confirmed``."""
    if option.step is None:
        raise UserError(MSG_NO_FIX.format(ref=option.ref))
    if option.in_recipe is not None:
        raise UserError(MSG_IN_RECIPE.format(ref=option.ref, number=option.in_recipe))
    if option.problem is not None:
        raise UserError(option.problem)
    if option.impact is not None and option.impact.needs_confirmation and not confirmed:
        raise NeedsConfirmation(MSG_CONFIRM.format(ref=option.ref, warning=option.impact.warning))
    recipe = data_config.recipe(wb, version.project_id)
    if option.step in recipe.steps:  # added meanwhile (another tab, the CLI)
        number = recipe.steps.index(option.step) + 1
        raise UserError(MSG_IN_RECIPE.format(ref=option.ref, number=number))
    data_config.save_recipe(wb, version.project_id, recipe.add(option.step))
    return option
