"""distribution_figure and distribution_stats: histogram or bars, shape in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from scipy import stats

from core.explore import ProfileError, distribution, distribution_stats
from core.explore.columns import MSG_BINS
from core.explore.figures import distribution_figure


def test_distribution_figure_histogram_has_the_asked_bins() -> None:
    series = pd.Series(np.arange(1000, dtype=float), name="amount")
    fig = distribution_figure(distribution(series, bins=25))
    assert [type(t) for t in fig.data] == [go.Bar]
    assert len(fig.data[0].x) == 25 and sum(fig.data[0].y) == 1000
    assert "amount" in fig.layout.title.text


def test_distribution_figure_bars_for_text_show_the_top_20() -> None:
    series = pd.Series([f"v{i % 30}" for i in range(3000)] + ["v0"], name="code")
    fig = distribution_figure(distribution(series))
    assert len(fig.data[0].x) == 20 and fig.data[0].x[0] == "v0"
    assert "top 20 of 30" in fig.layout.title.text


def test_distribution_figure_escapes_html_in_names() -> None:
    fig = distribution_figure(distribution(pd.Series(["<b>x</b>", "y"], name="<i>n</i>")))
    assert "<i>" not in fig.layout.title.text and "&lt;b&gt;x&lt;/b&gt;" in fig.data[0].x


@pytest.mark.parametrize("bins", [0, 501, 2.5, True])
def test_distribution_rejects_bad_bins(bins) -> None:
    with pytest.raises(ProfileError) as error:
        distribution(pd.Series([1.0, 2.0]), bins=bins)
    assert str(error.value) == MSG_BINS.format(value=bins)


def test_distribution_stats_match_scipy_and_count_iqr_outliers() -> None:
    values = np.r_[np.linspace(0, 10, 101), [100.0, -50.0]]
    found = distribution_stats(pd.Series(values))
    q1, q3 = np.quantile(values, [0.25, 0.75])
    assert found.lower_fence == pytest.approx(q1 - 1.5 * (q3 - q1))
    assert found.outliers_iqr == 2
    assert found.skewness == pytest.approx(stats.skew(values, bias=False))
    assert found.kurtosis == pytest.approx(stats.kurtosis(values, bias=False))


def test_distribution_stats_describe_shapes_in_words() -> None:
    rng = np.random.default_rng(0)
    assert distribution_stats(pd.Series(rng.normal(size=3000))).normality == "close to normal"
    right = distribution_stats(pd.Series(rng.exponential(size=3000))).normality
    assert right.startswith("skewed right")
    left = distribution_stats(pd.Series(-rng.exponential(size=3000))).normality
    assert left.startswith("skewed left")
    assert distribution_stats(pd.Series([3.0] * 50)).normality.startswith("constant")


def test_distribution_stats_needs_numbers() -> None:
    with pytest.raises(ProfileError, match="needs numbers"):
        distribution_stats(pd.Series(["a", "b"], name="word"))
