"""target_relation: rates, shares and means per bin match a pandas groupby."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.data.schema import infer_schema
from core.explore import ProfileError, target_relation
from core.explore.columns import MISSING_LABEL, MSG_NO_TARGET
from core.explore.figures import target_relation_figure


def test_binary_rates_by_category_match_a_groupby(churn, churn_schema) -> None:
    rel = target_relation(churn, churn_schema, "contract")
    expected = churn.groupby("contract")["churned"].apply(lambda s: (s == "Yes").mean())
    found = rel.table.set_index("bin")["rate"]
    pd.testing.assert_series_equal(found.sort_index(), expected.sort_index(), check_names=False)
    assert rel.table["rows"].sum() == len(churn)
    assert rel.overall == pytest.approx((churn["churned"] == "Yes").mean())


def test_binary_rates_by_value_keep_missing_as_a_bin(churn, churn_schema) -> None:
    rel = target_relation(churn, churn_schema, "satisfaction_score")
    table = rel.table.set_index("bin")
    positive = churn["churned"] == "Yes"
    missing = churn["satisfaction_score"].isna()
    assert table.loc[MISSING_LABEL, "rate"] == pytest.approx(positive[missing].mean())
    assert table.loc["3", "rate"] == pytest.approx(
        positive[churn["satisfaction_score"] == 3].mean()
    )


def test_numeric_bins_are_quantiles_with_rates_per_bin(churn, churn_schema) -> None:
    rel = target_relation(churn, churn_schema, "tenure_months", bins=4)
    assert rel.kind == "numeric" and len(rel.table) == 4
    edges = np.quantile(churn["tenure_months"], [0, 0.25, 0.5, 0.75, 1])
    first = churn["tenure_months"] < edges[1]
    assert rel.table["rows"].iloc[0] == first.sum()
    assert rel.table["rate"].iloc[0] == pytest.approx((churn["churned"][first] == "Yes").mean())


def test_multiclass_shares_sum_to_one_per_bin() -> None:
    frame = pd.DataFrame({"x": ["a", "a", "b", "b", "b"], "y": ["p", "q", "r", "r", "p"]})
    rel = target_relation(frame, infer_schema(frame, target="y"), "x")
    assert rel.shares is not None
    assert rel.shares.loc["b", "r"] == pytest.approx(2 / 3)
    assert np.allclose(rel.shares.sum(axis=1), 1.0)


def test_regression_means_and_trend() -> None:
    x = np.arange(1000.0)
    frame = pd.DataFrame({"x": x, "y": 3 * x + 7})
    rel = target_relation(frame, infer_schema(frame, target="y"), "x", bins=5)
    means = rel.table["mean"].to_numpy()
    assert means[0] == pytest.approx((3 * x[:200] + 7).mean())
    slope, intercept = rel.trend
    assert slope == pytest.approx(3) and intercept == pytest.approx(7)
    fig = target_relation_figure(rel)
    assert {type(t) for t in fig.data} == {go.Scattergl, go.Scatter}


def test_binary_figure_has_bars_and_a_rate_line_on_a_second_axis(churn, churn_schema) -> None:
    fig = target_relation_figure(target_relation(churn, churn_schema, "region"))
    assert isinstance(fig.data[0], go.Bar) and isinstance(fig.data[1], go.Scatter)
    assert fig.data[1].yaxis == "y2"


def test_target_relation_needs_a_target(churn) -> None:
    with pytest.raises(ProfileError) as error:
        target_relation(churn, infer_schema(churn), "age")
    assert str(error.value) == MSG_NO_TARGET.format(what="the target view")
