"""``Finding``: one data-quality problem said plainly, with its fix in words and as a recipe
step; ``fix_impact`` says how many rows accepting that fix would change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, step_from_dict

if TYPE_CHECKING:
    pass


Severity = Literal["info", "warning", "error"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
FIX_CONFIRM_SHARE = 0.05  # a fix that changes more rows than this is not one click
SAMPLED = " (checked on a sample of {rows:,} rows)"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One data-quality problem, said plainly, with the fix in words and as a recipe step."""

    severity: Severity
    code: str
    column: str | None
    message: str
    fix: str | None = None
    fix_step: Mapping[str, Any] | None = None  # a recipe step as data, see ``_step``

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "column": self.column,
            "message": self.message,
            "fix": self.fix,
            "fix_step": dict(self.fix_step) if self.fix_step is not None else None,
        }


# --- what a fix changes ----------------------------------------------------------------------

WHY_CAP = "caps {share} of rows: at that share these are probably real values, not errors"
WHY_FILL = (
    "fills {share} of rows with one constant: at that share the gaps are a pattern of their "
    "own; check why the values are missing before treating them as one value"
)
WHY_CAST = (
    "turns {share} of rows' values into missing: at that share they are probably real "
    "categories or codes, not typos"
)
WHY_DUPLICATES = (
    "removes {share} of rows: at that share the copies may be real repeat records "
    "(the same purchase twice), not errors"
)
WHY_FILTER = (
    "removes {share} of rows: at that share the data left may no longer look like the rows "
    "the model will score"
)
_WHY = {
    "cap_outliers": WHY_CAP,
    "fill_missing": WHY_FILL,
    "cast": WHY_CAST,
    "parse_dates": WHY_CAST,
    "drop_duplicates": WHY_DUPLICATES,
    "filter_rows": WHY_FILTER,
}


@dataclasses.dataclass(frozen=True)
class FixImpact:
    """What applying a finding's fix step changes: rows rewritten or removed, out of ``rows``.

    Values rewritten (capped, filled, unreadable after a cast) and rows removed count; a
    dropped column rewrites no row. Above ``FIX_CONFIRM_SHARE`` the fix is not one click:
    ``warning`` says why it may be wrong.
    """

    kind: str
    rows: int
    rows_changed: int

    @property
    def share(self) -> float:
        return self.rows_changed / self.rows if self.rows else 0.0

    @property
    def needs_confirmation(self) -> bool:
        return self.share > FIX_CONFIRM_SHARE

    @property
    def warning(self) -> str | None:
        if not self.needs_confirmation:
            return None
        return _WHY.get(self.kind, "changes {share} of rows").format(share=_pct(self.share))

    def describe(self) -> str:
        """ "changes 13.6 % of rows (1,360 of 10,000)"."""
        if self.kind == "drop_column":
            return "drops the column; no row's values change"
        return f"changes {_pct(self.share)} of rows ({self.rows_changed:,} of {self.rows:,})"

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rows_changed": self.rows_changed,
            "share": self.share,
            "needs_confirmation": self.needs_confirmation,
            "warning": self.warning,
            "description": self.describe(),
        }


def fix_impact(frame: pd.DataFrame, fix: Finding | Mapping[str, Any]) -> FixImpact:
    """Apply a finding's fix step (or a step as data) to ``frame`` and count what it changes.

    The step runs through ``core.data.cleaning.apply_recipe``, as it will in the recipe, on only
    the columns it reads. Raises ``RecipeError`` when the step cannot run on this frame.
    """
    data = fix.fix_step if isinstance(fix, Finding) else fix
    if data is None:
        raise RecipeError("this finding has no fix step to apply")
    step = step_from_dict(dict(data))
    columns = list(step.params.get("subset", ())) if step.kind == "drop_duplicates" else []
    if step.column is not None and step.column in frame.columns:
        columns = [step.column]
    report = apply_recipe(frame[columns] if columns else frame, Recipe((step,)))
    done = report.reports[0]
    changed = {"cast": done.values_lost, "parse_dates": done.values_lost}.get(
        step.kind, done.changed_cells
    )
    if step.kind == "drop_column":
        changed = 0
    return FixImpact(kind=step.kind, rows=len(frame), rows_changed=changed + done.rows_removed)


# --- formatting ----------------------------------------------------------------------------


def _pct(share: float) -> str:
    if 0 < share < 0.001:
        return "< 0.1 %"
    if 0.999 < share < 1:
        return "> 99.9 %"
    return f"{share * 100:.1f} %".replace(".0 %", " %")


def _num(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def _examples(values: Sequence[Any], limit: int = 3) -> str:
    return ", ".join(repr(str(v)) for v in list(values)[:limit])


def _count(count: int, noun: str) -> str:
    """ "1 row", "2 rows", "1 class", "1,000 classes"."""
    plural = noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")
    return f"{count:,} {noun if count == 1 else plural}"


def _sampled(sampled_rows: int | None) -> str:
    return SAMPLED.format(rows=sampled_rows) if sampled_rows else ""


def _step(kind: str, column: str | None = None, **params: Any) -> dict[str, Any]:
    """A cleaning-recipe step as data, in the shape ``core.data.recipe.step_from_dict`` reads:
    ``{"kind": "cast", "column": "x", "params": {"to": "numeric"}}``."""
    return {
        "kind": kind,
        "column": column,
        "params": {k: v for k, v in params.items() if v is not None},
    }


def _drop(column: str) -> dict[str, Any]:
    return _step("drop_column", column)
