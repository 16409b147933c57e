"""The three SHAP explainers, run on the rows as the model step sees them.

``shap.TreeExplainer`` for tree models (for XGBoost the booster's own TreeSHAP, which
shap.TreeExplainer calls anyway), ``shap.LinearExplainer`` for linear models and shap's
model-agnostic ``PermutationExplainer`` (one contribution per input column, masked as a
whole) for everything else. shap is imported only when used: it is slow to import.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from core.explain.names import Item, feature_items
from core.explain.pipeline import PROBABILITY_TREES, Parts
from core.explain.result import OutputSpace

ProgressCallback = Callable[[float, str], None]

PERMUTATIONS = 2  # forward + backward passes each; additivity holds exactly for any count
PERMUTATION_CHUNK = 25  # rows per permutation call (each chunk reseeded: chunk-independent)
TREE_CHUNK = 2000  # rows per TreeExplainer call when progress is reported


# --- the explainer space: what the explainer sees ------------------------------------------


class _CodeBook:
    """Input columns as numeric codes and back, for models that read raw rows (a rule)."""

    def __init__(self, frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> None:
        joined = pd.concat([f[list(columns)] for f in frames], ignore_index=True)
        self.columns = list(columns)
        self.uniques = {c: pd.factorize(joined[c], use_na_sentinel=False)[1] for c in columns}

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        codes = [self.uniques[c].get_indexer_for(pd.Index(frame[c])) for c in self.columns]
        return np.column_stack(codes).astype(np.float64)

    def decode(self, matrix: np.ndarray) -> pd.DataFrame:
        codes = np.asarray(matrix).astype(np.int64)
        data = {c: self.uniques[c].take(codes[:, i]) for i, c in enumerate(self.columns)}
        return pd.DataFrame({c: np.asarray(v) if v.dtype == object else v for c, v in data.items()})


@dataclasses.dataclass
class Space:
    matrix: np.ndarray  # (rows, transformed features)
    items: list[Item]
    predict: Callable[[np.ndarray], np.ndarray] | None = None  # model output, agnostic only
    background: np.ndarray | None = None


def _model_output(predict_proba: Any, predict: Any, position: int | None) -> Callable:
    if position is None:
        return lambda matrix: np.asarray(predict(matrix), dtype=np.float64)
    return lambda matrix: np.asarray(predict_proba(matrix), dtype=np.float64)[:, position]


def explainer_space(
    parts: Parts,
    rows: pd.DataFrame,
    background: pd.DataFrame | None,
    inputs: list[str],
    position: int | None,
) -> Space:
    """Transform rows (and background) once; the agnostic model function works on the result."""
    if parts.prepare is None:
        book = _CodeBook([rows] if background is None else [rows, background], inputs)
        pipeline = parts.pipeline

        def proba(matrix: np.ndarray) -> np.ndarray:
            return pipeline.predict_proba(book.decode(matrix))

        def predict(matrix: np.ndarray) -> np.ndarray:
            return pipeline.predict(book.decode(matrix))

        return Space(
            book.encode(rows),
            [(c, c) for c in inputs],
            _model_output(proba, predict, position),
            None if background is None else book.encode(background),
        )
    matrix = np.asarray(parts.prepare.transform(rows[inputs]), dtype=np.float64)
    back = None
    if background is not None:
        back = np.asarray(parts.prepare.transform(background[inputs]), dtype=np.float64)
    items = feature_items(parts.prepare, inputs, matrix.shape[1])
    model = parts.model
    output = _model_output(getattr(model, "predict_proba", None), model.predict, position)
    return Space(matrix, items, output, back)


def output_space_of(parts: Parts) -> OutputSpace:
    if parts.classes is None:
        return "prediction"
    if parts.kind == "permutation" or type(parts.model).__name__ in PROBABILITY_TREES:
        return "probability"
    return "log-odds" if len(parts.classes) == 2 else "softmax-logit"


def _pick_class(
    raw: Any, expected: Any, position: int | None, count: int
) -> tuple[np.ndarray, float]:
    """Values and base value for the explained class from any shap output layout."""
    values = np.stack(raw, axis=-1) if isinstance(raw, list) else np.asarray(raw)
    base = np.atleast_1d(np.asarray(expected, dtype=np.float64)).ravel()
    if values.ndim == 3:
        index = position or 0
        return values[:, :, index], float(base[index] if len(base) > 1 else base[0])
    if position == 0 and count == 2:  # one margin for class 1; class 0 is its negative
        return -values, -float(base[0])
    return values, float(base[0])


def xgboost_booster(model: Any) -> Any:
    """The XGBoost booster behind the zoo's wrapper (or an XGBoost estimator), else None."""
    name = type(model).__name__
    if name == "XGBoostClassifier":
        return model.model_.get_booster()
    if name in ("XGBClassifier", "XGBRegressor"):
        return model.get_booster()
    return None


def _xgboost_values(model: Any, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TreeSHAP computed by XGBoost itself, as ``shap.TreeExplainer`` does for XGBoost
    models — the same numbers without shap parsing the whole model on every call (~20 ms
    for 300 trees, which is most of the time for one row)."""
    import xgboost

    booster = xgboost_booster(model)
    threads = getattr(model, "n_jobs", None)
    threads = threads if isinstance(threads, int) and threads > 0 else None
    best = getattr(booster, "best_iteration", None)
    contributions = booster.predict(
        xgboost.DMatrix(matrix, nthread=threads),
        pred_contribs=True,
        iteration_range=(0, best + 1) if best is not None else (0, 0),
        validate_features=False,
    )
    if contributions.ndim == 3:  # (rows, classes, features + bias)
        return np.moveaxis(contributions[:, :, :-1], 1, 2), contributions[0, :, -1]
    return contributions[:, :-1], contributions[0, -1]


def chunks(count: int, size: int) -> list[slice]:
    return [slice(start, min(start + size, count)) for start in range(0, count, size)] or [
        slice(0, 0)
    ]


def tree_values(
    parts: Parts, space: Space, position: int | None, report: ProgressCallback | None
) -> tuple[np.ndarray, float]:
    count = len(parts.classes) if parts.classes is not None else 0
    if xgboost_booster(parts.model) is not None:

        def shap_values(matrix: np.ndarray) -> tuple[np.ndarray, Any]:
            return _xgboost_values(parts.model, matrix)
    else:
        import shap

        explainer = shap.TreeExplainer(parts.model)

        def shap_values(matrix: np.ndarray) -> tuple[np.ndarray, Any]:
            raw = explainer.shap_values(matrix, check_additivity=False)
            return raw, explainer.expected_value  # read after the call: shap may set it then

    if report is None:
        return _pick_class(*shap_values(space.matrix), position, count)
    pieces, base = [], 0.0
    parts_of_work = chunks(len(space.matrix), TREE_CHUNK)
    for done, piece in enumerate(parts_of_work, start=1):
        values, base = _pick_class(*shap_values(space.matrix[piece]), position, count)
        pieces.append(values)
        report(0.1 + 0.85 * done / len(parts_of_work), "Computing tree SHAP values")
    return np.concatenate(pieces), base


def linear_values(parts: Parts, space: Space, position: int | None) -> tuple[np.ndarray, float]:
    import shap

    width = space.matrix.shape[1]
    if space.background is None:
        masker: Any = (np.zeros(width), np.eye(width))
    else:
        masker = shap.maskers.Independent(space.background, max_samples=len(space.background))
    explainer = shap.LinearExplainer(parts.model, masker)
    raw = explainer.shap_values(space.matrix)
    count = len(parts.classes) if parts.classes is not None else 0
    return _pick_class(raw, explainer.expected_value, position, count)


class _GroupMasker:
    """A shap masker that hides whole input columns (all their transformed features) at once."""

    def __init__(self, background: np.ndarray, groups: list[list[int]]) -> None:
        self.data = background
        self.groups = groups
        self.members = np.zeros((len(groups), background.shape[1]), dtype=bool)
        for g, features in enumerate(groups):
            self.members[g, features] = True
        self.shape = (background.shape[0], len(groups))

    def __call__(self, mask: np.ndarray, x: np.ndarray) -> tuple[np.ndarray]:
        shown = self.members[np.asarray(mask, dtype=bool)].any(axis=0)
        return (np.where(shown, x, self.data),)

    def mask_shapes(self, x: np.ndarray) -> list[tuple[int]]:
        return [(len(self.groups),)]

    def invariants(self, x: np.ndarray) -> np.ndarray:
        same = self.data == x
        return np.stack([same[:, g].all(axis=1) for g in self.groups], axis=1)


_NUMPY_RANDOM = threading.Lock()  # shap's permutation explainer shuffles with np.random


def permutation_values(
    space: Space,
    background: np.ndarray,
    order: Sequence[str],
    seed: int,
    report: ProgressCallback | None,
) -> tuple[np.ndarray, float, list[str]]:
    """Per input column values (in ``order``); each chunk is seeded alone, so chunking
    never changes them."""
    import shap

    origins = list(dict.fromkeys(origin for _, origin in space.items))
    inputs = [c for c in order if c in origins] + [c for c in origins if c not in order]
    groups = [[j for j, (_, o) in enumerate(space.items) if o == name] for name in inputs]
    masker = _GroupMasker(background, groups)
    evaluations = PERMUTATIONS * (2 * len(groups) + 1)
    pieces, base = [], 0.0
    work = chunks(len(space.matrix), PERMUTATION_CHUNK)
    with _NUMPY_RANDOM, threadpool_limits(limits=1):  # small batches: threads only cost
        state = np.random.get_state()
        try:
            explainer = shap.PermutationExplainer(space.predict, masker, seed=seed)
            for done, piece in enumerate(work, start=1):
                np.random.seed([seed, piece.start])
                result = explainer(space.matrix[piece], max_evals=evaluations, silent=True)
                pieces.append(np.asarray(result.values, dtype=np.float64))
                base = float(np.ravel(result.base_values)[0])
                if report is not None:
                    report(0.1 + 0.85 * done / len(work), "Estimating contributions")
        finally:
            np.random.set_state(state)
    return np.concatenate(pieces), base, inputs
