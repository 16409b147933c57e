"""Binary metrics equal scikit-learn's own functions on the same rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from core.evaluate import evaluate_classification


@pytest.mark.parametrize("threshold", [0.5, 0.35, 0.62])
def test_binary_metrics_equal_sklearn(threshold: float, binary_scores) -> None:
    y, score = binary_scores(2_000, seed=1)
    ev = evaluate_classification(
        y, score, ("No", "Yes"), positive="Yes", threshold=threshold, bootstrap=0
    )
    is_pos = (y == "Yes").astype(int)
    pred = np.where(score >= threshold, "Yes", "No")
    expected = {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, pos_label="Yes"),
        "recall": skm.recall_score(y, pred, pos_label="Yes"),
        "f1": skm.f1_score(y, pred, pos_label="Yes"),
        "roc_auc": skm.roc_auc_score(is_pos, score),
        "pr_auc": skm.average_precision_score(is_pos, score),
        "log_loss": skm.log_loss(is_pos, np.c_[1 - score, score]),
        "brier": skm.brier_score_loss(is_pos, score),
    }
    for name, value in expected.items():
        assert ev.metric(name).value == pytest.approx(value, rel=1e-12, abs=1e-12), name
    np.testing.assert_array_equal(
        ev.confusion.to_numpy(), skm.confusion_matrix(y, pred, labels=["No", "Yes"])
    )


def test_positive_class_first_in_classes_order(binary_scores) -> None:
    """The positive class need not be classes[1]: "Yes" first, scores still for "Yes"."""
    y, score = binary_scores(500, seed=2)
    ev = evaluate_classification(y, score, ("Yes", "No"), positive="Yes", bootstrap=0)
    assert ev.positive == "Yes"
    assert ev.metric("roc_auc").value == pytest.approx(skm.roc_auc_score(y == "Yes", score))
    assert ev.metric("recall").value == pytest.approx(
        skm.recall_score(y, np.where(score >= 0.5, "Yes", "No"), pos_label="Yes")
    )
    assert list(ev.confusion.index) == ["Yes", "No"]


def test_two_column_proba_matches_one_column_scores(binary_scores) -> None:
    y, score = binary_scores(300, seed=3)
    one = evaluate_classification(y, score, ("No", "Yes"), positive="Yes", bootstrap=0)
    two = evaluate_classification(
        y, np.c_[1 - score, score], ("No", "Yes"), positive="Yes", bootstrap=0
    )
    for a, b in zip(one.metrics, two.metrics, strict=True):
        assert a.value == pytest.approx(b.value)


def test_labels_are_compared_as_text(binary_scores) -> None:
    """Booleans in y_true match classes given as text, the way the schema writes classes."""
    y, score = binary_scores(200, seed=4)
    as_bool = y == "Yes"
    ev = evaluate_classification(as_bool, score, ("False", "True"), positive=True, bootstrap=0)
    assert ev.positive == "True"
    assert ev.metric("roc_auc").value == pytest.approx(skm.roc_auc_score(as_bool, score))


def test_default_threshold_is_half_and_default_positive_is_second_class(binary_scores) -> None:
    y, score = binary_scores(200, seed=5)
    ev = evaluate_classification(y, score, ("No", "Yes"), bootstrap=0)
    assert ev.threshold == 0.5
    assert ev.positive == "Yes"
    assert ev.task == "binary"
