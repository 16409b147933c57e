"""Per-group metrics equal an independent fairlearn / scikit-learn computation."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn import metrics as skm

from core.fairness import MISSING_GROUP, fairness_report, group_labels
from core.fairness.assess import WARN_DROPPED
from core.goal import PayoffMatrix


def test_binary_metrics_equal_fairlearn_and_sklearn(scored) -> None:
    y_true, y_pred, region = scored()
    report = fairness_report(y_true, y_pred, region, task="binary", positive="Yes", bootstrap=0)
    t, p = (y_true == "Yes").astype(int), (y_pred == "Yes").astype(int)
    frame = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "accuracy": skm.accuracy_score,
        },
        y_true=t,
        y_pred=p,
        sensitive_features=region.to_numpy(),
    )
    table = report.by_group.set_index("group")
    for group in ("a", "b", "c"):
        mask = (region == group).to_numpy()
        assert table.at[group, "count"] == mask.sum()
        for metric in ("selection_rate", "tpr", "fpr", "accuracy"):
            assert table.at[group, metric] == pytest.approx(frame.by_group.at[group, metric])
        assert table.at[group, "precision"] == pytest.approx(skm.precision_score(t[mask], p[mask]))
        assert table.at[group, "base_rate"] == pytest.approx(t[mask].mean())
    assert report.overall["selection_rate"] == pytest.approx(p.mean())
    assert report.overall["count"] == len(t)


def test_labels_are_compared_as_text() -> None:
    y_true = [True, False, True, False] * 3
    y_pred = [True, True, False, False] * 3
    groups = pd.Series(["a", "b"] * 6)
    as_bool = fairness_report(y_true, y_pred, groups, task="binary", positive=True, bootstrap=0)
    as_text = fairness_report(y_true, y_pred, groups, task="binary", positive="True", bootstrap=0)
    pd.testing.assert_frame_equal(as_bool.by_group, as_text.by_group)
    assert as_bool.positive == "True"


def test_zero_one_labels_need_no_positive() -> None:
    report = fairness_report([0, 1, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"], task="binary")
    assert report.positive == "1"
    assert report.by_group["selection_rate"].tolist() == [1.0, 0.0]


def test_multiclass_accuracy_and_macro_recall_equal_sklearn() -> None:
    rng = np.random.default_rng(3)
    y_true = rng.choice(["gold", "silver", "bronze"], 300)
    y_pred = np.where(rng.random(300) < 0.6, y_true, "bronze")
    region = pd.Series(rng.choice(["north", "south"], 300), name="region")
    report = fairness_report(y_true, y_pred, region, task="multiclass", bootstrap=0)
    table = report.by_group.set_index("group")
    for group in ("north", "south"):
        mask = (region == group).to_numpy()
        t, p = y_true[mask], y_pred[mask]
        recall = skm.recall_score(t, p, labels=np.unique(t), average="macro")
        assert table.at[group, "macro_recall"] == pytest.approx(recall)
        assert table.at[group, "accuracy"] == pytest.approx(skm.accuracy_score(t, p))
    assert report.metrics == ("accuracy", "macro_recall")


def test_regression_metrics_equal_sklearn() -> None:
    rng = np.random.default_rng(4)
    y_true = rng.normal(100, 20, 200)
    group = pd.Series(rng.choice(["x", "y"], 200), name="segment")
    y_pred = y_true + np.where(group == "x", 5.0, -2.0) + rng.normal(0, 3, 200)
    report = fairness_report(y_true, y_pred, group, task="regression", bootstrap=0)
    table = report.by_group.set_index("group")
    for name in ("x", "y"):
        mask = (group == name).to_numpy()
        t, p = y_true[mask], y_pred[mask]
        assert table.at[name, "mae"] == pytest.approx(skm.mean_absolute_error(t, p))
        assert table.at[name, "rmse"] == pytest.approx(skm.root_mean_squared_error(t, p))
        assert table.at[name, "mean_prediction"] == pytest.approx(p.mean())
        assert table.at[name, "bias"] == pytest.approx((p - t).mean())
    assert table.at["x", "bias"] > 0 > table.at["y", "bias"]


def test_two_columns_are_read_as_their_intersection() -> None:
    people = pd.DataFrame(
        {"gender": ["female", "female", "male", "male"] * 3, "age": ["18-25", "26+"] * 6}
    )
    report = fairness_report(
        [1, 0] * 6, [1, 1, 0, 0] * 3, people, task="binary", positive=1, bootstrap=0
    )
    assert report.attributes == ("gender", "age")
    assert report.attribute == "gender × age"
    assert report.by_group["group"].tolist() == [
        "female · 18-25",
        "female · 26+",
        "male · 18-25",
        "male · 26+",
    ]
    assert report.by_group["count"].tolist() == [3, 3, 3, 3]


def test_missing_sensitive_values_form_their_own_group_listed_last() -> None:
    sensitive = pd.Series(["b", None, "a", np.nan, "b", "a"], name="region")
    report = fairness_report(
        [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0], sensitive, task="binary", positive=1, bootstrap=0
    )
    assert report.by_group["group"].tolist() == ["a", "b", MISSING_GROUP]
    assert report.by_group["count"].tolist() == [2, 2, 2]
    labels = group_labels(sensitive)
    assert labels.name == "region"
    assert labels.tolist() == ["b", MISSING_GROUP, "a", MISSING_GROUP, "b", "a"]


def test_value_per_month_per_group_adds_up_to_the_overall_value() -> None:
    """a: one TP and one FP; b: one FN and one TN; 4 rows, 1,000 predictions a month."""
    payoff = PayoffMatrix(tp=100, fp=-10, fn=-50, tn=0)
    report = fairness_report(
        ["Yes", "No", "Yes", "No"],
        ["Yes", "Yes", "No", "No"],
        ["a", "a", "b", "b"],
        task="binary",
        positive="Yes",
        payoff=payoff,
        volume_per_month=1000,
        bootstrap=0,
    )
    values = report.by_group.set_index("group")["value_per_month"]
    assert values["a"] == pytest.approx((100 - 10) / 4 * 1000)
    assert values["b"] == pytest.approx((-50 + 0) / 4 * 1000)
    assert report.overall["value_per_month"] == pytest.approx(values.sum())


def test_value_per_month_is_none_without_payoff_or_volume(hiring) -> None:
    y_true, y_pred, gender = hiring
    report = fairness_report(
        y_true,
        y_pred,
        gender,
        task="binary",
        positive="Yes",
        bootstrap=0,
        payoff=PayoffMatrix(tp=1, fp=0, fn=0, tn=0),
    )
    assert report.by_group["value_per_month"].isna().all()
    assert report.to_json()["by_group"]["female"]["value_per_month"] is None


def test_mean_score_is_the_groups_average_probability() -> None:
    proba = np.array([0.9, 0.7, 0.2, 0.4])
    report = fairness_report(
        [1, 0, 1, 0],
        [1, 1, 0, 0],
        ["a", "a", "b", "b"],
        task="binary",
        positive=1,
        proba=proba,
        bootstrap=0,
    )
    assert report.by_group["mean_score"].tolist() == pytest.approx([0.8, 0.3])


def test_rows_without_truth_or_prediction_are_left_out_with_a_warning() -> None:
    report = fairness_report(
        ["Yes", None, "No", "Yes", "No"],
        ["Yes", "No", np.nan, "No", "No"],
        ["a", "a", "b", "b", "a"],
        task="binary",
        positive="Yes",
        bootstrap=0,
    )
    assert report.overall["count"] == 3
    assert WARN_DROPPED.format(count=2) in report.warnings


def test_to_json_has_the_documented_shape_and_is_strict_json(hiring) -> None:
    y_true, y_pred, gender = hiring
    report = fairness_report(y_true, y_pred, gender, task="binary", positive="Yes", bootstrap=20)
    data = json.loads(json.dumps(report.to_json(), allow_nan=False))
    assert data["attribute"] == "gender"
    assert set(data["by_group"]) == {"female", "male"}
    female = data["by_group"]["female"]
    for key in ("count", "selection_rate", "tpr", "fpr", "precision", "accuracy"):
        assert key in female
    assert female["count"] == 50
    assert female["selection_rate"] == pytest.approx(0.18)
    for key in (
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equal_opportunity_difference",
        "warnings",
    ):
        assert key in data
    assert data["demographic_parity_difference"] == pytest.approx(0.12)


def test_to_json_of_a_regression_report_has_no_classification_disparities() -> None:
    report = fairness_report(
        [1.0, 2.0, 3.0, 4.0],
        [1.5, 2.0, 2.0, 5.0],
        ["a", "a", "b", "b"],
        task="regression",
        bootstrap=0,
    )
    data = report.to_json()
    assert data["demographic_parity_difference"] is None
    assert data["mae_difference"] == pytest.approx(1.0 - 0.25)
    assert not math.isnan(data["by_group"]["a"]["mae"])
