"""Multiclass metrics equal scikit-learn's (macro averages, one-vs-rest AUC)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from core.evaluate import evaluate_classification


def test_multiclass_metrics_equal_sklearn(multiclass_scores) -> None:
    classes = ("bronze", "gold", "silver")
    y, proba = multiclass_scores(1_500, classes, seed=1)
    ev = evaluate_classification(y, proba, classes, bootstrap=0)
    pred = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    macro = {"labels": list(classes), "average": "macro", "zero_division": 0}
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, **macro),
        "recall": skm.recall_score(y, pred, **macro),
        "f1": skm.f1_score(y, pred, **macro),
        "roc_auc": skm.roc_auc_score(y, proba, multi_class="ovr", labels=list(classes)),
        "pr_auc": skm.average_precision_score(label_binarize(y, classes=list(classes)), proba),
        "log_loss": skm.log_loss(y, proba, labels=list(classes)),
    }
    for name, value in expected.items():
        assert ev.metric(name).value == pytest.approx(value, rel=1e-12), name
    assert ev.task == "multiclass" and ev.positive is None and ev.threshold is None
    assert "brier" not in {m.name for m in ev.metrics}


def test_column_order_not_alphabetical(multiclass_scores) -> None:
    """Classes 2, 10, 1 (numeric order of a model's classes_) are not sorted as text."""
    y, proba = multiclass_scores(800, ("2", "10", "1"), seed=2)
    numbers = y.astype(int)
    ev = evaluate_classification(numbers, proba, [2, 10, 1], bootstrap=0)
    assert ev.classes == ("2", "10", "1")
    pred = np.array([2, 10, 1])[proba.argmax(axis=1)]
    assert ev.metric("accuracy").value == pytest.approx(skm.accuracy_score(numbers, pred))
    assert ev.metric("log_loss").value == pytest.approx(
        skm.log_loss(numbers, proba[:, [2, 0, 1]], labels=[1, 2, 10])
    )
    assert ev.metric("roc_auc").value == pytest.approx(
        skm.roc_auc_score(numbers, proba[:, [2, 0, 1]], multi_class="ovr", labels=[1, 2, 10])
    )
    np.testing.assert_array_equal(
        ev.confusion.to_numpy(), skm.confusion_matrix(numbers, pred, labels=[2, 10, 1])
    )


def test_multiclass_curves_are_one_vs_rest_per_class(multiclass_scores) -> None:
    classes = ("a", "b", "c", "d")
    y, proba = multiclass_scores(3_000, classes, seed=3)
    ev = evaluate_classification(y, proba, classes, bootstrap=0)
    assert set(ev.roc["class"]) == set(classes)
    assert set(ev.pr["class"]) == set(classes)
    assert len(ev.roc) <= 500 and len(ev.pr) <= 500
    assert ev.calibration is None and ev.gains is None and ev.value_curve is None
