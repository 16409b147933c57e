"""A project's data settings — roles, types, target, task, expectations, recipe — and what follows.

Settings are keyed by column name, so they carry over to new versions with the same columns.
Runs later snapshot them, so changing a role never rewrites history.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from app.context import Workbench
from app.errors import UserError
from app.services.goals import latest_goal
from app.services.team.guard import guarded, note, project_arg, unchanged
from app.services.team.rights import Right
from core.coerce import class_label
from core.data.expectations import (
    Expectation,
    check_expectations,
    expectation_from_dict,
    expectation_to_dict,
)
from core.data.recipe import Recipe, recipe_from_list, recipe_to_list
from core.data.schema import Schema, infer_schema, suggest_roles, suggest_sensitive
from storage.models import DataConfig, DatasetVersion, utcnow

#: ``--positive-class auto`` (any case) goes back to the automatic choice, unless a class is so named.
POSITIVE_AUTO = "auto"

#: Roles are suggested from a sample: an ID or a sensitive column shows on 50,000 rows too.
ROLE_SAMPLE_ROWS = 50_000

ROLE_LABELS = {
    "feature": "Feature",
    "target": "Target",
    "sensitive": "Sensitive attribute",
    "identifier": "Identifier",
    "ignore": "Ignore",
}


@dataclass(frozen=True)
class RoleRequest:
    """Roles asked for on the command line or at upload; unnamed columns keep theirs."""

    target: str | None = None
    sensitive: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataSettings:
    roles: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    task: str | None = None
    positive_class: str | None = None
    expectations: tuple[dict[str, Any], ...] = ()
    recipe: tuple[dict[str, Any], ...] = ()
    #: Columns whose sensitive-looking name the user said is not a sensitive attribute.
    dismissed_sensitive: tuple[str, ...] = ()
    #: Feed sensitive columns to the model too (default: analysed for fairness only).
    sensitive_as_input: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "roles": dict(self.roles),
            "types": dict(self.types),
            "target": self.target,
            "task": self.task,
            "positive_class": self.positive_class,
            "expectations": list(self.expectations),
            "recipe": list(self.recipe),
            "dismissed_sensitive": list(self.dismissed_sensitive),
            "sensitive_as_input": self.sensitive_as_input,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DataSettings:
        data = data or {}
        return cls(
            roles=dict(data.get("roles") or {}),
            types=dict(data.get("types") or {}),
            target=data.get("target"),
            task=data.get("task"),
            positive_class=data.get("positive_class"),
            expectations=tuple(data.get("expectations") or ()),
            recipe=tuple(data.get("recipe") or ()),
            dismissed_sensitive=tuple(data.get("dismissed_sensitive") or ()),
            sensitive_as_input=bool(data.get("sensitive_as_input", False)),
        )


def get_settings(wb: Workbench, project_id: int) -> DataSettings:
    with wb.db.read() as session:
        row = session.get(DataConfig, project_id)
        return DataSettings.from_json(row.settings if row else None)


def _store(session: Session, project_id: int, settings: DataSettings) -> None:
    row = session.get(DataConfig, project_id)
    if row is None:
        session.add(DataConfig(project_id=project_id, settings=settings.to_json()))
    else:
        row.settings = settings.to_json()
        row.updated_at = utcnow()


@guarded(Right.EDIT, "data.settings", summary="Changed the data settings")
def update_settings(wb: Workbench, project_id: int, **changes: Any) -> DataSettings:
    """Change some settings in one write transaction (read-then-write under the lock)."""
    with wb.db.write() as session:
        row = session.get(DataConfig, project_id)
        current = DataSettings.from_json(row.settings if row else None)
        if changes.get("target", current.target) != current.target:
            changes.setdefault("positive_class", None)  # a class of the old target means nothing
        updated = DataSettings(**{**current.__dict__, **changes})
        _store(session, project_id, updated)
    return updated


def _goal_hints(wb: Workbench, project_id: int) -> tuple[str | None, str | None]:
    latest = latest_goal(wb, project_id)
    if latest is None:
        return None, None
    doc = latest.document
    positive = doc.get("positive_class")
    return doc.get("target_column"), None if positive is None else str(positive)


@guarded(Right.EDIT, "data.roles", summary="First data: roles suggested")
def ensure_config(wb: Workbench, project_id: int, frame: pd.DataFrame) -> DataSettings:
    """First data in a project: suggest roles, take the target from the Goal if it names one.

    Sensitive-looking names are not marked here: see ``suggested_sensitive``."""
    with wb.db.read() as session:
        exists = session.get(DataConfig, project_id) is not None
    if exists:
        return get_settings(wb, project_id)
    goal_target, _goal_positive = _goal_hints(wb, project_id)  # the goal's class is read live
    sample = (
        frame if len(frame) <= ROLE_SAMPLE_ROWS else frame.sample(ROLE_SAMPLE_ROWS, random_state=0)
    )
    roles = suggest_roles(sample)
    target = goal_target if goal_target in frame.columns else None
    if target is not None:
        roles[target] = "target"
    note(f"First data: column roles suggested, target {target or 'not chosen yet'}")
    with wb.db.write() as session:
        if session.get(DataConfig, project_id) is None:
            _store(
                session,
                project_id,
                DataSettings(roles=dict(roles), target=target),
            )
    return get_settings(wb, project_id)


def _check_columns(frame: pd.DataFrame, names: tuple[str, ...] | list[str], what: str) -> None:
    missing = [n for n in names if n not in frame.columns]
    if not missing:
        return
    columns = [str(c) for c in frame.columns]
    close = difflib.get_close_matches(missing[0], columns, n=3)
    if close:
        hint = "Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    else:
        hint = (
            "Columns are: "
            + ", ".join(f"'{c}'" for c in columns[:15])
            + (" …" if len(columns) > 15 else "")
            + "."
        )
    raise UserError(
        f"{what}: no column named {', '.join(repr(m) for m in missing)} in the data.", hint=hint
    )


@guarded(Right.EDIT, "data.roles", summary="Changed column roles")
def apply_role_request(
    wb: Workbench, project_id: int, request: RoleRequest, frame: pd.DataFrame
) -> DataSettings:
    """Set the named roles (validated against the data); other columns keep their role."""
    current = get_settings(wb, project_id)
    roles = dict(current.roles)
    asked = {
        "sensitive": request.sensitive,
        "identifier": request.ids,
        "ignore": request.ignore,
        "feature": request.features,
    }
    for role, names in asked.items():
        _check_columns(frame, names, f"--{role}")
        roles.update(dict.fromkeys(names, role))
    # "--feature age" on a suggested column is the user's answer to the suggestion.
    dismissed = _dismissed_with(current, request.features)
    target = current.target
    if request.target is not None:
        _check_columns(frame, [request.target], "--target")
        if target and roles.get(target) == "target":
            roles[target] = "feature"
        target = request.target
        roles[target] = "target"
    # Raises SchemaError (a CoreError naming the column) for contradictions; nothing is saved then.
    infer_schema(
        frame, target=target, roles=_known(roles, frame), types=_known(current.types, frame)
    )
    said = [f"target {request.target}"] if request.target is not None else []
    said += [f"{role} {', '.join(names)}" for role, names in asked.items() if names]
    note("Column roles: " + ("; ".join(said) or "unchanged"))
    return update_settings(
        wb, project_id, roles=roles, target=target, dismissed_sensitive=dismissed
    )


def _dismissed_with(settings: DataSettings, names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (
        *settings.dismissed_sensitive,
        *(n for n in names if n not in settings.dismissed_sensitive),
    )


def suggested_sensitive(
    settings: DataSettings, frame: pd.DataFrame, *, target: str | None = None
) -> dict[str, str]:
    """Name-based guesses the user has neither accepted (role sensitive) nor dismissed: {column: why}.

    Only columns that are still plain features (or have no role yet) are suggested; the target,
    identifiers and ignored columns are not."""
    target = target or settings.target
    return {
        name: why
        for name, why in suggest_sensitive(frame).items()
        if name != target
        and settings.roles.get(name, "feature") == "feature"
        and name not in settings.dismissed_sensitive
    }


def suggestions_json(suggestions: dict[str, str]) -> list[dict[str, str]]:
    """The ``suggested_sensitive`` field of the CLI's --json output."""
    return [{"column": name, "why": why} for name, why in suggestions.items()]


def suggestions_note(suggestions: dict[str, str]) -> str | None:
    """One line for the CLI: which columns look sensitive and how to mark them."""
    if not suggestions:
        return None
    names = ", ".join(suggestions)
    verb = (
        "looks like a sensitive attribute"
        if len(suggestions) == 1
        else "look like sensitive attributes"
    )
    it = "it" if len(suggestions) == 1 else "them"
    return f"{names} {verb}; mark {it} with --sensitive to analyse fairness"


@guarded(Right.EDIT, "data.roles", summary=lambda a: "Marked sensitive: " + ", ".join(a["names"]))
def accept_sensitive(wb: Workbench, project_id: int, names: list[str]) -> DataSettings:
    """The user accepts suggestions: these columns get the role sensitive."""
    roles = {**get_settings(wb, project_id).roles, **dict.fromkeys(names, "sensitive")}
    return update_settings(wb, project_id, roles=roles)


@guarded(
    Right.EDIT,
    "data.roles",
    summary=lambda a: "Dismissed sensitive suggestions: " + ", ".join(a["names"]),
)
def dismiss_sensitive(wb: Workbench, project_id: int, names: list[str]) -> DataSettings:
    """The user dismisses suggestions: they do not come back for this project."""
    settings = get_settings(wb, project_id)
    return update_settings(wb, project_id, dismissed_sensitive=_dismissed_with(settings, names))


def _known(mapping: dict[str, str], frame: pd.DataFrame) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k in frame.columns}


def schema_for(wb: Workbench, project_id: int, frame: pd.DataFrame) -> Schema:
    """The schema of ``frame`` under the project's settings (settings for absent columns ignored)."""
    settings = get_settings(wb, project_id)
    target = settings.target if settings.target in frame.columns else None
    roles = _known(settings.roles, frame)
    if target is None:
        roles = {k: v for k, v in roles.items() if v != "target"}
    return infer_schema(
        frame,
        target=target,
        roles=roles,
        types=_known(settings.types, frame),
        task=settings.task,  # type: ignore[arg-type]
        positive_class=settings.positive_class,  # chosen on the Data page or with the CLI: wins
        goal_positive_class=_goal_hints(wb, project_id)[1],
    )


@guarded(
    Right.EDIT,
    "data.positive_class",
    summary=lambda a: (
        f"Positive class set to {a['label']!r}"
        if a["label"] is not None
        else "Positive class back to the automatic choice"
    ),
)
def set_positive_class(
    wb: Workbench, project_id: int, label: str | None, frame: pd.DataFrame
) -> Schema:
    """Choose the positive class of a binary target (``None``: back to the automatic choice).

    Checked against ``frame`` before saving: a missing or non-binary target, or a label that
    is not one of the target's classes, is a ``UserError`` (the classes listed)."""
    current = schema_for(wb, project_id, frame)
    if label is not None:
        if current.target is None:
            raise UserError(
                "There is no target yet, so no positive class to choose.",
                hint="Choose the target first (--target COLUMN).",
            )
        if current.task != "binary":
            raise UserError(
                f"The positive class applies to a binary target; {current.target!r} is "
                f"{current.task}."
            )
        label = class_label(label)
        if label not in current.classes:
            close = difflib.get_close_matches(label, current.classes, n=1, cutoff=0.5)
            raise UserError(
                f"{label!r} is not a class of {current.target!r}; its classes are "
                + ", ".join(repr(c) for c in current.classes)
                + ".",
                hint=f"Did you mean {close[0]!r}?" if close else None,
            )
    update_settings(wb, project_id, positive_class=label)
    return schema_for(wb, project_id, frame)


def expectations(wb: Workbench, project_id: int) -> list[Expectation]:
    return [expectation_from_dict(e) for e in get_settings(wb, project_id).expectations]


@guarded(
    Right.EDIT, "data.expectations", summary=lambda a: f"Saved {len(a['items'])} expectation(s)"
)
def save_expectations(wb: Workbench, project_id: int, items: list[Expectation]) -> DataSettings:
    return update_settings(
        wb, project_id, expectations=tuple(expectation_to_dict(e) for e in items)
    )


def recipe(wb: Workbench, project_id: int) -> Recipe:
    return recipe_from_list(list(get_settings(wb, project_id).recipe))


@guarded(
    Right.EDIT,
    "recipe.changed",
    summary=lambda a: f"Recipe saved ({len(a['new_recipe'].steps)} step(s))",
)
def save_recipe(wb: Workbench, project_id: int, new_recipe: Recipe) -> DataSettings:
    return update_settings(wb, project_id, recipe=tuple(recipe_to_list(new_recipe)))


@guarded(
    Right.EDIT,
    "data.checked",
    project=project_arg("version"),
    summary="Checked the expectations on a version",
)
def record_expectation_results(
    wb: Workbench, version: Any, frame: pd.DataFrame
) -> list[dict[str, Any]]:
    """Check the project's expectations on a version and keep the results with it."""
    results = [
        {
            "expectation": e.expectation.describe(),
            "passed": e.passed,
            "failing_rows": e.failing_rows,
            "message": e.message,
        }
        for e in check_expectations(frame, expectations(wb, version.project_id))
    ]
    if results:
        failed = sum(1 for r in results if not r["passed"])
        note(f"Checked {len(results)} expectation(s) on version {version.version}: {failed} failed")
    else:
        unchanged()  # nothing to check: not a change worth a trail entry
    with wb.db.write() as session:
        row = session.get(DatasetVersion, version.id)
        if row is not None:
            row.details = {**(row.details or {}), "expectations": results}
    return results
