"""Class labels of any type score the same: text, whole numbers, floats, and numbers held as
Python objects (what a Parquet or an object column gives). scikit-learn refuses object arrays
of numbers ("a mix of multiclass and unknown targets"), so scoring must not depend on them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from core.data.schema import infer_schema
from core.train import TrainSettings, cross_validate_model

MULTICLASS = {  # bronze < gold < silver: every encoding keeps that order
    "text": {"bronze": "bronze", "gold": "gold", "silver": "silver"},
    "int": {"bronze": 0, "gold": 1, "silver": 2},
    "float": {"bronze": 0.0, "gold": 1.0, "silver": 2.0},
    "object-int": {"bronze": 0, "gold": 1, "silver": 2},
}
BINARY = {
    "text": {"No": "No", "Yes": "Yes"},
    "int-0/1": {"No": 0, "Yes": 1},
    "int--1/1": {"No": -1, "Yes": 1},
    "object-int": {"No": 0, "Yes": 1},
}


def _encoded(tiny, task: str, name: str, mapping: dict):  # type: ignore[no-untyped-def]
    frame, _ = tiny(task, rows=90)
    target = "tier" if task == "multiclass" else "churned"
    values = frame[target].map(mapping)
    frame[target] = values.astype(object) if name.startswith("object") else values
    schema = infer_schema(
        frame,
        target=target,
        types={"signup": "datetime"},
        roles={"gender": "sensitive"},
        task=task,
        positive_class=str(mapping["Yes"]) if task == "binary" else None,
    )
    return frame, schema, target


def _cv(frame: pd.DataFrame, schema):  # type: ignore[no-untyped-def]
    settings = TrainSettings(models=("logreg",), folds=3, n_jobs=1, metric="accuracy")
    return cross_validate_model(frame, schema, "logreg", settings)


@pytest.mark.parametrize("name", list(MULTICLASS))
def test_multiclass_labels_of_any_type_score_like_scikit_learn(tiny, name: str) -> None:
    frame, schema, target = _encoded(tiny, "multiclass", name, MULTICLASS[name])
    result = _cv(frame, schema)
    y = frame.loc[result.oof_index, target].to_numpy()
    codes = np.asarray([result.classes.index(v) for v in y])
    predicted = np.argmax(result.oof, axis=1)
    assert result.classes == tuple(sorted(MULTICLASS[name].values()))
    assert result.scores["accuracy"] == pytest.approx(accuracy_score(codes, predicted), abs=0.05)
    assert result.scores["f1"] == pytest.approx(
        f1_score(codes, predicted, average="macro"), abs=0.05
    )
    assert math.isfinite(result.scores["roc_auc"]) and math.isfinite(result.scores["log_loss"])
    assert result.scores["roc_auc"] == pytest.approx(
        roc_auc_score(codes, result.oof, multi_class="ovr"), abs=0.05
    )


def test_multiclass_scores_do_not_depend_on_the_label_encoding(tiny) -> None:
    scores = {}
    for name, mapping in MULTICLASS.items():
        frame, schema, _ = _encoded(tiny, "multiclass", name, mapping)
        scores[name] = _cv(frame, schema).scores
    for name in MULTICLASS:
        assert scores[name] == pytest.approx(scores["text"]), name


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_labels_of_any_type_give_finite_scores(tiny, name: str) -> None:
    frame, schema, _ = _encoded(tiny, "binary", name, BINARY[name])
    result = _cv(frame, schema)
    for metric in ("roc_auc", "pr_auc", "log_loss", "accuracy", "f1"):
        assert math.isfinite(result.scores[metric]), metric
