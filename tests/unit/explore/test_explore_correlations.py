"""correlations: matrices agree with pandas, Cramér's V behaves, strong pairs are listed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.data.schema import infer_schema
from core.explore import ProfileError, correlations, cramers_v_corrected
from core.explore.correlations import MSG_METHOD
from core.explore.figures import correlation_figure


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = 5000
    base = rng.normal(size=rows)
    colour = rng.choice(["red", "green", "blue"], size=rows)
    frame = pd.DataFrame(
        {
            "a": base,
            "a_twice": 2 * base + rng.normal(scale=0.05, size=rows),
            "noise": rng.normal(size=rows),
            "colour": colour,
            "colour_copy": pd.Series(colour).map({"red": "R", "green": "G", "blue": "B"}),
            "shape": rng.choice(["circle", "square"], size=rows),
        }
    )
    frame.loc[rng.random(rows) < 0.1, "noise"] = np.nan
    return frame


def test_pearson_matrix_matches_pandas_with_missing_values(frame) -> None:
    found = correlations(frame, infer_schema(frame), method="pearson")
    expected = frame[["a", "a_twice", "noise"]].corr()
    pd.testing.assert_frame_equal(found.matrix, expected, atol=1e-10)


def test_spearman_matrix_matches_pandas_without_missing_values(frame) -> None:
    complete = frame.dropna()
    found = correlations(complete, infer_schema(complete), method="spearman")
    expected = complete[["a", "a_twice", "noise"]].corr(method="spearman")
    pd.testing.assert_frame_equal(found.matrix, expected, atol=1e-10)


def test_cramers_v_of_identical_columns_is_one_and_of_independent_ones_near_zero(frame):
    found = correlations(frame, infer_schema(frame))
    v = found.cramers_v
    assert v.loc["colour", "colour_copy"] == pytest.approx(1.0)
    assert v.loc["colour", "shape"] < 0.05
    assert v.loc["shape", "colour"] == v.loc["colour", "shape"]


def test_cramers_v_corrected_on_small_tables() -> None:
    assert cramers_v_corrected(np.array([[50, 0], [0, 50]])) == pytest.approx(1.0)
    assert cramers_v_corrected(np.array([[25, 25], [25, 25]])) == 0.0
    assert np.isnan(cramers_v_corrected(np.array([[10, 5]])))


def test_collinear_pairs_are_listed_strongest_first(frame) -> None:
    pairs = correlations(frame, infer_schema(frame)).collinear_pairs
    names = [(a, b) for a, b, _ in pairs]
    assert ("colour", "colour_copy") in names and ("a", "a_twice") in names
    assert all(abs(v) >= 0.8 for _, _, v in pairs)
    assert [abs(v) for *_, v in pairs] == sorted((abs(v) for *_, v in pairs), reverse=True)
    assert not any("noise" in pair or "shape" in pair for pair in names)


def test_target_stays_in_the_matrix_but_not_in_the_pairs(frame) -> None:
    schema = infer_schema(frame, target="a_twice")
    found = correlations(frame, schema)
    assert "a_twice" in found.matrix.columns
    assert not any("a_twice" in pair[:2] for pair in found.collinear_pairs)


def test_max_columns_keeps_the_target_and_names_the_rest(frame) -> None:
    schema = infer_schema(frame, target="noise")
    found = correlations(frame, schema, max_columns=2)
    assert list(found.matrix.columns) == ["a", "noise"]
    assert "a_twice" in found.omitted and "shape" in found.omitted


def test_correlations_reject_an_unknown_method(frame) -> None:
    with pytest.raises(ProfileError) as error:
        correlations(frame, infer_schema(frame), method="kendall")
    assert str(error.value) == MSG_METHOD.format(choices="pearson, spearman", value="kendall")


def test_correlation_figure_is_a_heatmap_with_the_right_scale(frame) -> None:
    found = correlations(frame, infer_schema(frame))
    signed = correlation_figure(found.matrix, "Pearson")
    assert isinstance(signed.data[0], go.Heatmap) and signed.data[0].zmin == -1
    assert correlation_figure(found.cramers_v, "V").data[0].zmin == 0
