"""StepReport.values_lost: the values a cast or date parse could not read (now missing)."""

from __future__ import annotations

import pandas as pd

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, Step


def test_cast_counts_the_values_it_could_not_read() -> None:
    frame = pd.DataFrame(
        {
            "x": ["1", "2", "n/a", None, "x"],
            "d": ["2024-01-01", "soon", None, "2024-02-01", "2024-03-01"],
        }
    )
    recipe = Recipe((Step("cast", "x", {"to": "numeric"}), Step("parse_dates", "d")))
    cast, dates = apply_recipe(frame, recipe).reports
    assert cast.values_lost == 2  # "n/a" and "x"; the missing value was missing already
    assert dates.values_lost == 1
    capped = apply_recipe(
        frame.assign(n=[1, 50, 3, 4, 5]), Recipe((Step("cap_outliers", "n", {"upper": 10}),))
    )
    assert capped.reports[0].values_lost == 0 and capped.reports[0].changed_cells == 1
