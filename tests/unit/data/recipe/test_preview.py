"""preview_recipe shows the same sample rows before and after, matched by row id."""

from __future__ import annotations

import pandas as pd

from core.data.cleaning import apply_recipe, preview_recipe
from core.data.recipe import Recipe, Step

RECIPE = Recipe(
    (
        Step("filter_rows", "x", {"op": ">=", "value": 10}),
        Step("cast", "x", {"to": "string"}),
    )
)


def raw() -> pd.DataFrame:
    return pd.DataFrame({"x": range(50)}, index=range(1000, 1050))


def test_preview_matches_rows_by_index() -> None:
    preview = preview_recipe(raw(), RECIPE, rows=12, seed=3)
    assert len(preview.before) == 12
    assert preview.total_rows == 50
    kept = preview.before.index[preview.before["x"] >= 10]
    assert list(preview.after.index) == list(kept)
    assert list(preview.removed_index) == list(preview.before.index[preview.before["x"] < 10])
    for row_id in preview.after.index:
        assert preview.after.loc[row_id, "x"] == str(preview.before.loc[row_id, "x"])


def test_preview_sample_is_stable_per_seed() -> None:
    a = preview_recipe(raw(), RECIPE, rows=5, seed=1)
    b = preview_recipe(raw(), RECIPE, rows=5, seed=1)
    c = preview_recipe(raw(), RECIPE, rows=5, seed=2)
    pd.testing.assert_frame_equal(a.before, b.before)
    assert list(a.before.index) != list(c.before.index)
    assert a.before.index.is_monotonic_increasing


def test_preview_reports_come_from_the_full_apply() -> None:
    preview = preview_recipe(raw(), RECIPE, rows=5)
    assert preview.reports == apply_recipe(raw(), RECIPE).reports
    assert preview.reports[0].rows_after == 40


def test_preview_of_a_small_or_empty_frame() -> None:
    assert len(preview_recipe(raw().head(3), RECIPE, rows=20).before) == 3
    assert preview_recipe(raw().head(0), RECIPE).after.empty
