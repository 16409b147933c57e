"""Feature names come from scikit-learn's own names (``get_feature_names_out``,
``ColumnTransformer.output_indices_``) and read exactly as the hand-written tracer they
replaced read them, on the preprocessing of every model in the zoo, for every task.

``EXPECTED`` was produced by that tracer (core/explain.py before issue 17) on this data.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from core.explain.names import feature_items
from core.train.features import feature_columns
from core.train.zoo import make_pipeline, models_for

from .conftest import SMALL, TARGETS, make_frame, make_schema

_DATES = [f"signup ({part})" for part in ("year", "month", "dayofweek", "dayofyear", "age_days")]
_COMMON = [
    ("strong", "strong"),
    ("noise", "noise"),
    ("visits", "visits"),
    ("noise is missing", "noise"),
    ("paperless", "paperless"),
    ("paperless is missing", "paperless"),
    *[(label, "signup") for label in _DATES],
    *[(f"{label} is missing", "signup") for label in _DATES],
    ("plan = basic", "plan"),
    ("plan = plus", "plan"),
    ("plan = pro", "plan"),
    ("plan = other (rare levels)", "plan"),
]
EXPECTED = {
    "binary": [*_COMMON, ("city", "city")],
    "multiclass": [*_COMMON, *[(f"city ({c} rate)", "city") for c in ("bronze", "gold", "silver")]],
    "regression": [*_COMMON, ("city", "city")],
}
CASES = [(task, key) for task in TARGETS for key in [*models_for(task, rows=240), "ensemble"]]


def names_frame(task: str) -> pd.DataFrame:
    """The explain data with a rare level, a flag with gaps and dates with gaps."""
    frame = make_frame(task)
    frame.loc[frame.index[:3], "plan"] = "legacy"  # fewer rows than RARE_LEVEL_ROWS
    frame.loc[frame.index[::7], "paperless"] = None
    frame.loc[frame.index[::11], "signup"] = None
    return frame


@pytest.mark.parametrize(("task", "key"), CASES)
def test_names_match_the_old_tracer_on_every_zoo_pipeline(task: str, key: str) -> None:
    frame = names_frame(task)
    schema = make_schema(frame, task)
    X, y = frame[feature_columns(schema)], frame[schema.target]
    params = SMALL.get(key)
    if key == "ensemble" and task == "regression":
        params = {"members": {"ridge": {}, "hgb": {"max_iter": 30}}}
    prepare = make_pipeline(schema, key, params=params, seed=0)[:-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        width = prepare.fit(X, y).transform(X).shape[1]
    assert feature_items(prepare, list(X.columns), width) == EXPECTED[task]


def test_a_dropped_first_level_keeps_readable_names() -> None:
    frame = pd.DataFrame({"plan": ["a", "b", "c", "a"], "x": [1.0, 2.0, 3.0, 4.0]})
    prepare = Pipeline(
        [
            (
                "columns",
                ColumnTransformer(
                    [
                        ("scaled", StandardScaler(), ["x"]),
                        ("hot", OneHotEncoder(drop="first"), ["plan"]),
                    ],
                    remainder="drop",
                ),
            )
        ]
    ).fit(frame)
    assert feature_items(prepare, ["plan", "x"], 3) == [
        ("x", "x"),
        ("plan = b", "plan"),
        ("plan = c", "plan"),
    ]


def test_steps_without_names_fall_back_to_numbered_features() -> None:
    class Opaque(StandardScaler):
        get_feature_names_out = None  # type: ignore[assignment]  # a step that names nothing

    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    prepare = Pipeline([("opaque", Opaque())]).fit(frame)
    assert feature_items(prepare, ["x"], 1) == [("feature 0", "feature 0")]
