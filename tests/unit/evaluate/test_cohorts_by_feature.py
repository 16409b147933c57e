"""error_by_feature / error_heatmap: cohort tables with readable edges, every row counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.evaluate import ErrorAnalysisError, error_by_feature, error_heatmap
from core.evaluate.by_feature import MSG_BINS


def test_numeric_quantile_bins_with_readable_edges(injected) -> None:
    frame, errors = injected
    table = error_by_feature(frame, errors, "b", bins=5)
    assert len(table) == 5
    assert table["rows"].sum() == len(frame)
    assert table["cohort"].iloc[0].startswith("< ")
    assert table["cohort"].iloc[-1].startswith("≥ ")
    for label in table["cohort"]:
        numbers = [w for w in label.replace("<", " ").replace("≥", " ").split() if w != "to"]
        assert all(len(n.split(".")[-1]) <= 2 for n in numbers if "." in n), label
    assert table["share_of_errors"].sum() == pytest.approx(1.0)
    assert table.attrs["measure"] == "error rate"
    assert table.attrs["overall"] == pytest.approx(errors.mean())


def test_few_values_get_one_cohort_each_and_missing_its_own(injected) -> None:
    frame, errors = injected
    table = error_by_feature(frame, errors, "a")
    assert list(table["cohort"]) == [f"= {v}" for v in range(10)] + ["missing"]
    assert table["rows"].sum() == len(frame)
    low = table.set_index("cohort").loc["= 0", "error_rate"]
    assert low == pytest.approx(errors[frame["a"].to_numpy() == 0].mean())


def test_categories_top_twenty_then_other() -> None:
    rng = np.random.default_rng(0)
    values = [f"v{i:02d}" for i in range(30)]
    frame = pd.DataFrame({"k": rng.choice(values, 3_000, p=np.linspace(2, 1, 30) / 45)})
    table = error_by_feature(frame, rng.random(3_000) < 0.1, "k")
    assert len(table) == 21
    assert table["cohort"].iloc[-1] == "other (10 values)"
    assert table["rows"].sum() == 3_000


def test_regression_errors_report_mean_absolute_error(injected) -> None:
    frame, _ = injected
    absolute = np.abs(np.random.default_rng(1).normal(0, 3, len(frame)))
    table = error_by_feature(frame, absolute, "c")
    assert table.attrs["measure"] == "mean absolute error"
    x = table.set_index("cohort").loc["x", "error_rate"]
    assert x == pytest.approx(absolute[frame["c"].to_numpy() == "x"].mean())


def test_heatmap_covers_every_row(injected) -> None:
    frame, errors = injected
    table = error_heatmap(frame, errors, "a", "c", bins=4)
    assert table["rows"].sum() == len(frame)
    counts = frame["c"].value_counts()
    assert list(table["y"].cat.categories) == list(counts.index)  # most common first
    assert list(table["x"].cat.categories) == ["< 2", "2 to < 5", "5 to < 7", "≥ 7", "missing"]
    hot = table[(table["x"] == "< 2") & (table["y"] == "x")]
    assert hot["error_rate"].iloc[0] > 0.5
    assert (table.attrs["x"], table.attrs["y"]) == ("a", "c")


def test_bins_must_be_at_least_two(injected) -> None:
    frame, errors = injected
    with pytest.raises(ErrorAnalysisError, match=MSG_BINS.format(value=1)):
        error_by_feature(frame, errors, "b", bins=1)
