"""Preprocessing is fitted inside each fold: the leaky way gives measurably other scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import log_loss, roc_auc_score

from core.data.schema import infer_schema
from core.train import TrainSettings, cross_validate_model, cv_folds
from core.train.features import feature_columns
from core.train.zoo import make_pipeline


def _outlier_frame() -> pd.DataFrame:
    """One informative column plus three huge values: the scaler's statistics depend
    heavily on whether the outliers are among the rows it is fitted on."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=80)
    y = np.where(x + rng.normal(scale=0.3, size=80) > 0, "Yes", "No")
    x[[5, 17, 33]] = [1e6, 2e6, 3e6]
    return pd.DataFrame({"x": x, "y": y}, index=np.arange(500, 580))


def _fold_scores(frame, schema, folds, *, leaky: bool) -> list[float]:
    X, y = frame[feature_columns(schema)], frame[schema.target].to_numpy()
    losses = []
    for train, val in folds:
        pipeline = make_pipeline(schema, "logreg", seed=0)
        if leaky:  # the mistake: preprocessing sees the validation rows too
            prepare = clone(pipeline.named_steps["prepare"]).fit(X, y)
            model = pipeline.named_steps["model"].fit(
                prepare.transform(X.loc[train]), y[frame.index.isin(train)]
            )
            proba = model.predict_proba(prepare.transform(X.loc[val]))
        else:
            pipeline.fit(X.loc[train], y[frame.index.isin(train)])
            proba = pipeline.predict_proba(X.loc[val])
        losses.append(log_loss(y[frame.index.isin(val)], proba, labels=["No", "Yes"]))
    return losses


def test_train_scaler_is_fitted_on_training_rows_only() -> None:
    frame = _outlier_frame()
    schema = infer_schema(frame, target="y", positive_class="Yes")
    settings = TrainSettings(models=("logreg",), folds=2, n_jobs=1, metric="log_loss")
    result = cross_validate_model(frame, schema, "logreg", settings)
    folds = cv_folds(frame, schema, settings)
    honest = _fold_scores(frame, schema, folds, leaky=False)
    leaky = _fold_scores(frame, schema, folds, leaky=True)
    assert [f.scores["log_loss"] for f in result.folds] == pytest.approx(honest, abs=1e-12)
    assert max(abs(a - b) for a, b in zip(honest, leaky, strict=True)) > 0.05


def test_train_target_encoding_does_not_see_validation_labels() -> None:
    """A category with many levels and a label unrelated to it: fitted on all rows, target
    encoding would read each validation row's own label and look predictive."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "shop": [f"s{i}" for i in rng.integers(0, 80, 240)],
            "y": rng.choice(["No", "Yes"], 240),
        }
    )
    schema = infer_schema(frame, target="y", positive_class="Yes")
    settings = TrainSettings(models=("logreg",), folds=3, n_jobs=1, metric="roc_auc")
    honest = cross_validate_model(frame, schema, "logreg", settings).cv_mean
    X, y = frame[["shop"]], frame["y"].to_numpy()
    leaky_scores = []
    for train, val in cv_folds(frame, schema, settings):
        pipeline = make_pipeline(schema, "logreg")
        encoder = pipeline.named_steps["prepare"].fit(X, y)
        model = pipeline.named_steps["model"].fit(encoder.transform(X.loc[train]), y[train])
        score = model.predict_proba(encoder.transform(X.loc[val]))[:, 1]
        leaky_scores.append(roc_auc_score(y[val] == "Yes", score))
    assert honest < 0.6
    assert np.mean(leaky_scores) > honest + 0.15
