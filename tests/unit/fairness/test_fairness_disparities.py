"""Disparities are fairlearn's values, checked against limits and told in one plain sentence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
)
from sklearn.metrics import accuracy_score, mean_absolute_error

from core.fairness import DISPARITY_EXPLANATIONS, fairness_report, group_labels


def names(report) -> list[str]:
    return [d.name for d in report.disparities]


def test_binary_disparities_equal_fairlearns_functions(scored) -> None:
    y_true, y_pred, region = scored(seed=2)
    age = pd.Series(np.where(np.arange(len(region)) % 3 == 0, "young", "old"), name="age")
    sensitive = pd.concat([region, age], axis=1)
    report = fairness_report(y_true, y_pred, sensitive, task="binary", positive="Yes", bootstrap=0)
    t, p = (y_true == "Yes").astype(int), (y_pred == "Yes").astype(int)
    combined = group_labels(sensitive).to_numpy()
    expected = {
        "demographic_parity_difference": demographic_parity_difference,
        "demographic_parity_ratio": demographic_parity_ratio,
        "equalized_odds_difference": equalized_odds_difference,
        "equal_opportunity_difference": equal_opportunity_difference,
    }
    assert names(report) == list(expected)
    for name, function in expected.items():
        value = function(t, p, sensitive_features=combined)
        assert report.disparity(name).value == pytest.approx(value), name


def test_sentence_names_the_groups_and_the_percentage_points(hiring) -> None:
    y_true, y_pred, gender = hiring
    report = fairness_report(y_true, y_pred, gender, task="binary", positive="Yes", bootstrap=0)
    assert report.disparity("demographic_parity_difference").sentence == (
        "Group 'female' is selected 12 percentage points less often than group 'male' (18% vs 30%)."
    )
    assert report.disparity("demographic_parity_ratio").sentence == (
        "Group 'female' is selected at 0.60 times the rate of group 'male' (18% vs 30%)."
    )


def test_opportunity_sentence_compares_real_positives(hiring) -> None:
    """Women: 9 of 10 real positives flagged (90 %); men: 15 of 20 (75 %); no false alarms."""
    y_true, y_pred, gender = hiring
    report = fairness_report(y_true, y_pred, gender, task="binary", positive="Yes", bootstrap=0)
    expected = (
        "Of the rows that really are 'Yes', the model flags 75% in group 'male' but 90% in "
        "group 'female' (15 percentage points apart)."
    )
    assert report.disparity("equal_opportunity_difference").sentence == expected
    assert report.disparity("equalized_odds_difference").sentence == expected
    assert report.disparity("equalized_odds_difference").value == pytest.approx(0.15)


def test_equalized_odds_sentence_follows_the_wider_gap() -> None:
    """Same true positive rate (100 %); false alarms: a 1 of 4 (25 %), b 3 of 4 (75 %)."""
    y_true = ["Yes", "No", "No", "No", "No"] * 2
    y_pred = ["Yes", "Yes", "No", "No", "No", "Yes", "Yes", "Yes", "Yes", "No"]
    group = ["a"] * 5 + ["b"] * 5
    report = fairness_report(y_true, y_pred, group, task="binary", positive="Yes", bootstrap=0)
    disparity = report.disparity("equalized_odds_difference")
    assert disparity.value == pytest.approx(0.5)
    assert disparity.sentence == (
        "Of the rows that really are not 'Yes', the model wrongly flags 75% in group 'b' but "
        "25% in group 'a' (50 percentage points apart)."
    )


def test_equal_groups_get_a_sentence_saying_so() -> None:
    report = fairness_report(
        [1, 0, 1, 0], [1, 0, 1, 0], ["a", "a", "b", "b"], task="binary", positive=1, bootstrap=0
    )
    assert report.disparity("demographic_parity_difference").sentence == (
        "Every group has the same selection rate (50%)."
    )


def test_limits_pass_and_fail_in_the_right_direction(hiring) -> None:
    y_true, y_pred, gender = hiring
    limits = {
        "demographic_parity_difference": 0.1,
        "demographic_parity_ratio": 0.5,
        "equal_opportunity_difference": 0.2,
    }
    report = fairness_report(
        y_true, y_pred, gender, task="binary", positive="Yes", bootstrap=0, limits=limits
    )
    assert report.disparity("demographic_parity_difference").passes is False  # 0.12 > 0.1
    assert report.disparity("demographic_parity_ratio").passes is True  # 0.6 >= 0.5
    assert report.disparity("equal_opportunity_difference").passes is True  # 0.15 <= 0.2
    unchecked = report.disparity("equalized_odds_difference")
    assert unchecked.limit is None and unchecked.passes is None
    assert report.disparity("demographic_parity_ratio").limit == 0.5


def test_each_disparity_explains_itself(hiring) -> None:
    y_true, y_pred, gender = hiring
    report = fairness_report(y_true, y_pred, gender, task="binary", positive="Yes", bootstrap=0)
    for disparity in report.disparities:
        assert disparity.explanation == DISPARITY_EXPLANATIONS[disparity.name]
    with pytest.raises(KeyError, match="mae_ratio"):
        report.disparity("mae_ratio")


def test_regression_compares_mean_absolute_errors() -> None:
    """a is off by 1 everywhere, b by 3."""
    y_true = np.array([10.0, 20.0, 30.0, 40.0])
    y_pred = np.array([11.0, 19.0, 33.0, 37.0])
    group = np.array(["a", "a", "b", "b"])
    report = fairness_report(
        y_true,
        y_pred,
        group,
        task="regression",
        bootstrap=0,
        limits={"mae_difference": 1.5, "mae_ratio": 0.3},
    )
    frame = MetricFrame(
        metrics=mean_absolute_error, y_true=y_true, y_pred=y_pred, sensitive_features=group
    )
    difference, ratio = report.disparity("mae_difference"), report.disparity("mae_ratio")
    assert difference.value == pytest.approx(frame.difference()) == pytest.approx(2.0)
    assert ratio.value == pytest.approx(frame.ratio()) == pytest.approx(1 / 3)
    assert (difference.passes, ratio.passes) == (False, True)
    assert difference.sentence == (
        "Predictions for group 'b' are off by 3 on average, against 1 for group 'a' "
        "(a difference of 2)."
    )
    assert (
        ratio.sentence
        == "The average error for group 'a' is 0.33 times that of group 'b' (1 vs 3)."
    )


def test_multiclass_compares_accuracy() -> None:
    y_true = ["x", "y", "z", "x", "y", "z", "x", "y"]
    y_pred = ["x", "y", "z", "x", "x", "x", "x", "y"]
    group = ["a"] * 4 + ["b"] * 4
    report = fairness_report(y_true, y_pred, group, task="multiclass", bootstrap=0)
    frame = MetricFrame(
        metrics=accuracy_score, y_true=y_true, y_pred=y_pred, sensitive_features=group
    )
    assert names(report) == ["accuracy_difference"]
    assert report.disparity("accuracy_difference").value == pytest.approx(frame.difference())
    assert report.disparity("accuracy_difference").sentence == (
        "The model is right for 50% of group 'b' but 100% of group 'a' "
        "(50 percentage points apart)."
    )


def test_an_undefined_ratio_says_so() -> None:
    """Nobody is selected: the ratio 0 / 0 has no value and no verdict."""
    report = fairness_report(
        [1, 0, 1, 0],
        [0, 0, 0, 0],
        ["a", "a", "b", "b"],
        task="binary",
        positive=1,
        bootstrap=0,
        limits={"demographic_parity_ratio": 0.8},
    )
    ratio = report.disparity("demographic_parity_ratio")
    assert math.isnan(ratio.value) and ratio.passes is None
    assert ratio.sentence == "The demographic parity ratio could not be computed for these groups."
