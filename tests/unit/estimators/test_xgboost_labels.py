"""XGBoostClassifier keeps the original labels and handles class imbalance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.estimators.xgboost import XGBoostClassifier


def _data(labels: list) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    y = np.asarray([labels[i % len(labels)] for i in range(40)], dtype=object)
    return X, y


@pytest.mark.parametrize(
    "labels", [["No", "Yes"], [False, True], [0, 1], [3, 1, 2], ["b", "c", "a"]]
)
def test_zoo_xgboost_predicts_original_labels(labels: list) -> None:
    X, y = _data(labels)
    if all(isinstance(v, bool | int) for v in labels):
        y = y.astype(type(labels[0]))
    model = XGBoostClassifier(n_estimators=5).fit(X, y)
    assert list(model.classes_) == sorted(labels)
    assert set(model.predict(X)) <= set(labels)
    assert model.predict_proba(X).shape == (40, len(labels))


def test_zoo_xgboost_balanced_sets_scale_pos_weight() -> None:
    X, _ = _data(["x"])
    y = np.array(["Yes"] * 10 + ["No"] * 30)
    model = XGBoostClassifier(n_estimators=5, class_weight="balanced").fit(X, y)
    assert model.model_.get_params()["scale_pos_weight"] == pytest.approx(3.0)


def test_zoo_xgboost_is_deterministic() -> None:
    X, y = _data(["No", "Yes"])
    first = XGBoostClassifier(n_estimators=20, subsample=0.7, random_state=3).fit(X, y)
    second = XGBoostClassifier(n_estimators=20, subsample=0.7, random_state=3).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_zoo_xgboost_needs_two_classes() -> None:
    X, _ = _data(["x"])
    with pytest.raises(ValueError, match="at least two classes"):
        XGBoostClassifier(n_estimators=5).fit(X, np.array(["Yes"] * 40))


def test_xgboost_unfitted_predict_says_not_fitted() -> None:
    """predict before fit named a missing ``classes_`` (AttributeError), not the fix."""
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        XGBoostClassifier().predict(np.zeros((2, 1)))
