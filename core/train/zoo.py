"""Train stage: the model catalogue — what can be trained, how it is built, what is tuned.

Every model is one ``ModelSpec``: an estimator factory with fixed seeds and explicit thread
counts, default parameters and an Optuna search space. ``make_pipeline`` joins a model with
the schema's preprocessor (``core.train.features.build_preprocessor``) into the one
``Pipeline([("prepare", ...), ("model", ...)])`` that is cross-validated, fitted and exported.
Classifiers keep the original class labels: ``pipeline.classes_`` is ``np.unique(y)``, so
XGBoost is wrapped in ``core.estimators.xgboost.XGBoostClassifier``, which encodes them.
Pure Python: no Streamlit, no storage; Optuna and XGBoost are imported only when used.

    pipeline = make_pipeline(schema, "hgb", seed=0)
    pipeline.fit(frame[feature_columns(schema)], frame[schema.target])
"""

from __future__ import annotations

import dataclasses
import difflib
import types
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.validation import check_is_fitted

from core.data.schema import Schema
from core.estimators.xgboost import XGBoostClassifier
from core.exceptions import CoreError
from core.train.features import build_preprocessor

if TYPE_CHECKING:
    import optuna

__all__ = [
    "ZOO",
    "Family",
    "ModelSpec",
    "Preset",
    "ZooError",
    "get_spec",
    "make_ensemble",
    "make_pipeline",
    "models_for",
]

Family = Literal["baseline", "linear", "tree", "ensemble", "boosting", "neighbors"]
Preset = Literal["quick", "thorough"]
TaskName = str

CLASSIFICATION = frozenset({"binary", "multiclass"})
REGRESSION = frozenset({"regression"})
ALL_TASKS = CLASSIFICATION | REGRESSION

# --- messages (tests import these) -------------------------------------------------------

MSG_UNKNOWN_MODEL = "there is no model {key!r}{suggestion}; known models: {known}"
MSG_MODEL_TASK = "model {key!r} ({name}) is not for {task} tasks; it handles {tasks}"
MSG_UNKNOWN_TASK = "task must be one of binary, multiclass, regression, got {task!r}"
MSG_NO_TASK = "the schema has no task yet: choose a target column on the Data page first"
MSG_BAD_PARAM = "model {key!r}: {problem}"
MSG_PRESET = "preset must be 'quick', 'thorough' or None, got {value!r}"
MSG_ENSEMBLE_SIZE = "an ensemble needs at least two members, got {count}"
MSG_ENSEMBLE_MEMBER = "model {key!r} cannot be an ensemble member; use one of {known}"


class ZooError(CoreError):
    """An unknown model, a model that does not fit the task, or parameters it does not take."""


def _suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(value), list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- the catalogue -------------------------------------------------------------------------

Weight = Literal["balanced"] | None
Builder = Callable[[str, dict[str, Any], int, Weight, int], BaseEstimator]
Space = Callable[["optuna.Trial", str], dict[str, Any]]


def _no_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {}


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """One model of the zoo: how to build it for a task, its defaults and search space."""

    key: str
    name: str
    family: Family
    tasks: frozenset[str]
    needs_scaling: bool
    light: bool  # part of the "quick" preset
    max_rows: int | None  # offered by default only up to this many rows
    supports_sample_weight: bool
    supports_class_weight: bool
    builder: Builder = dataclasses.field(repr=False, compare=False)
    space: Space = dataclasses.field(default=_no_space, repr=False, compare=False)
    defaults: Mapping[str, Any] = dataclasses.field(
        default_factory=lambda: types.MappingProxyType({})
    )
    description: str = ""

    def estimator(
        self,
        task: str,
        *,
        params: Mapping[str, Any] | None = None,
        seed: int = 0,
        class_weight: Literal["balanced"] | None = None,
        n_jobs: int = 1,
    ) -> BaseEstimator:
        """An unfitted estimator: defaults overridden by ``params``, seeded with ``seed``."""
        if task not in ALL_TASKS:
            raise ZooError(MSG_UNKNOWN_TASK.format(task=task), field="task")
        if task not in self.tasks:
            raise ZooError(
                MSG_MODEL_TASK.format(
                    key=self.key, name=self.name, task=task, tasks=", ".join(sorted(self.tasks))
                ),
                field="models",
            )
        merged = {**self.defaults, **(params or {})}
        weight = class_weight if self.supports_class_weight and task != "regression" else None
        try:
            return self.builder(task, merged, seed, weight, n_jobs)
        except ZooError:
            raise
        except (TypeError, ValueError) as error:
            problem = MSG_BAD_PARAM.format(key=self.key, problem=error)
            raise ZooError(problem, field="params") from None

    def search_space(self, trial: optuna.Trial, task: str) -> dict[str, Any]:
        """Parameters suggested by an Optuna trial (empty when there is nothing to tune)."""
        return self.space(trial, task)

    @property
    def tunable(self) -> bool:
        return self.space is not _no_space


def _configured(estimator: BaseEstimator, params: dict[str, Any]) -> BaseEstimator:
    """``set_params`` with a clear error naming the parameters the estimator does take."""
    known = set(estimator.get_params(deep=False))
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(sorted(known))}"
        )
    return estimator.set_params(**params)


def _dummy(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    if task == "regression":
        return _configured(DummyRegressor(), params)
    return _configured(DummyClassifier(random_state=seed), params)


def _logreg(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    return _configured(LogisticRegression(class_weight=cw, random_state=seed), params)


def _ridge(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    return _configured(Ridge(random_state=seed), params)


def _elasticnet(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    if task == "regression":
        params = {k: v for k, v in params.items() if k != "C"}
        return _configured(ElasticNet(random_state=seed, max_iter=5000), params)
    params = {k: v for k, v in params.items() if k != "alpha"}
    model = LogisticRegression(solver="saga", class_weight=cw, random_state=seed)
    return _configured(model, params)


def _tree(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    if task == "regression":
        return _configured(DecisionTreeRegressor(random_state=seed), params)
    return _configured(DecisionTreeClassifier(class_weight=cw, random_state=seed), params)


def _forest(classifier: type, regressor: type) -> Builder:
    def build(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
        if task == "regression":
            return _configured(regressor(random_state=seed, n_jobs=n_jobs), params)
        model = classifier(class_weight=cw, random_state=seed, n_jobs=n_jobs)
        return _configured(model, params)

    return build


def _hgb(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    if task == "regression":
        return _configured(HistGradientBoostingRegressor(random_state=seed), params)
    model = HistGradientBoostingClassifier(class_weight=cw, random_state=seed)
    return _configured(model, params)


def _xgboost(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    if task == "regression":
        from xgboost import XGBRegressor  # heavy: imported only when an XGBoost model is built

        model = XGBRegressor(tree_method="hist", n_jobs=n_jobs, random_state=seed)
        known = set(XGBoostClassifier().get_params()) - {"class_weight"}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(map(repr, unknown))}")
        return model.set_params(**params)
    return _configured(XGBoostClassifier(class_weight=cw, n_jobs=n_jobs, random_state=seed), params)


def _knn(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    if task == "regression":
        return _configured(KNeighborsRegressor(n_jobs=n_jobs), params)
    return _configured(KNeighborsClassifier(n_jobs=n_jobs), params)


NOT_MEMBERS = ("dummy", "ensemble")
ENSEMBLE_MEMBERS: dict[str, tuple[str, ...]] = {
    "binary": ("logreg", "hgb", "xgboost"),
    "multiclass": ("logreg", "hgb", "xgboost"),
    "regression": ("ridge", "hgb", "xgboost"),
}


def _ensemble(task: str, params: dict, seed: int, cw: Weight, n_jobs: int) -> BaseEstimator:
    """Soft voting over member models that share one (scaled) preprocessor.

    ``params["members"]``: model keys, or a mapping of model key → that model's params.
    """
    members = params.get("members") or ENSEMBLE_MEMBERS[task]
    unknown = sorted(set(params) - {"members", "weights"})
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; it takes members, weights"
        )
    chosen = dict(members) if isinstance(members, Mapping) else {key: {} for key in members}
    if len(chosen) < 2:
        raise ValueError(MSG_ENSEMBLE_SIZE.format(count=len(chosen)))
    estimators = []
    for key, member_params in chosen.items():
        if key not in ZOO or key in NOT_MEMBERS:
            known = ", ".join(k for k in ZOO if k not in NOT_MEMBERS)
            raise ValueError(MSG_ENSEMBLE_MEMBER.format(key=key, known=known))
        spec = ZOO[key]
        estimators.append(
            (
                key,
                spec.estimator(
                    task, params=member_params, seed=seed, class_weight=cw, n_jobs=n_jobs
                ),
            )
        )
    weights = params.get("weights")
    if task == "regression":
        return VotingRegressor(estimators, weights=weights)
    return VotingClassifier(estimators, voting="soft", weights=weights)


# --- search spaces -------------------------------------------------------------------------


def _logreg_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}


def _ridge_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}


def _elasticnet_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    l1_ratio = trial.suggest_float("l1_ratio", 0.0, 1.0)
    if task == "regression":
        return {"alpha": trial.suggest_float("alpha", 1e-4, 10.0, log=True), "l1_ratio": l1_ratio}
    return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True), "l1_ratio": l1_ratio}


def _tree_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {
        "max_depth": trial.suggest_int("max_depth", 2, 16),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 100, log=True),
    }


def _forest_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 300, step=50),
        "max_depth": trial.suggest_categorical("max_depth", [None, 4, 8, 16, 32]),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 50, log=True),
        "max_features": trial.suggest_categorical("max_features", ["sqrt", 0.3, 0.6, 1.0]),
    }


def _hgb_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "max_iter": trial.suggest_int("max_iter", 50, 500, step=50),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 8, 128, log=True),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 5, 200, log=True),
        "l2_regularization": trial.suggest_float("l2_regularization", 1e-6, 10.0, log=True),
    }


def _xgboost_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {
        "n_estimators": trial.suggest_int("n_estimators", 50, 500, step=50),
        "max_depth": trial.suggest_int("max_depth", 2, 10),
        "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.5, 1.0),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 20.0, log=True),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
    }


def _knn_space(trial: optuna.Trial, task: str) -> dict[str, Any]:
    return {
        "n_neighbors": trial.suggest_int("n_neighbors", 3, 75, log=True),
        "weights": trial.suggest_categorical("weights", ["uniform", "distance"]),
    }


def _frozen(**params: Any) -> Mapping[str, Any]:
    return types.MappingProxyType(params)


#: The zoo, lighter models first (``models_for`` keeps this order).
ZOO: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        ModelSpec(
            "dummy", "Baseline (class shares / mean)", "baseline", ALL_TASKS,
            needs_scaling=False, light=True, max_rows=None, supports_sample_weight=True,
            supports_class_weight=False, builder=_dummy,
            defaults=_frozen(),
            description="Predicts the class shares (or the mean): what any model must beat.",
        ),
        ModelSpec(
            "logreg", "Logistic regression", "linear", CLASSIFICATION,
            needs_scaling=True, light=True, max_rows=None, supports_sample_weight=True,
            supports_class_weight=True, builder=_logreg, space=_logreg_space,
            defaults=_frozen(C=1.0, max_iter=1000),
            description="A weighted sum of the features; fast, stable, easy to explain.",
        ),
        ModelSpec(
            "ridge", "Ridge regression", "linear", REGRESSION,
            needs_scaling=True, light=True, max_rows=None, supports_sample_weight=True,
            supports_class_weight=False, builder=_ridge, space=_ridge_space,
            defaults=_frozen(alpha=1.0),
            description="A weighted sum of the features with shrinkage; the linear baseline.",
        ),
        ModelSpec(
            "elasticnet", "Elastic net", "linear", ALL_TASKS,
            needs_scaling=True, light=False, max_rows=None, supports_sample_weight=True,
            supports_class_weight=True, builder=_elasticnet, space=_elasticnet_space,
            defaults=_frozen(l1_ratio=0.5, alpha=0.01, C=1.0, max_iter=2000),
            description="A linear model that can drop useless features (L1 + L2 penalty).",
        ),
        ModelSpec(
            "tree", "Decision tree", "tree", ALL_TASKS,
            needs_scaling=False, light=True, max_rows=None, supports_sample_weight=True,
            supports_class_weight=True, builder=_tree, space=_tree_space,
            defaults=_frozen(max_depth=6, min_samples_leaf=5),
            description="A few yes/no questions; readable, rarely the most accurate.",
        ),
        ModelSpec(
            "knn", "k nearest neighbours", "neighbors", ALL_TASKS,
            needs_scaling=True, light=False, max_rows=50_000, supports_sample_weight=False,
            supports_class_weight=False, builder=_knn, space=_knn_space,
            defaults=_frozen(n_neighbors=15, weights="distance"),
            description="Answers like the most similar past cases; slow to predict on big data.",
        ),
        ModelSpec(
            "hgb", "Histogram gradient boosting", "boosting", ALL_TASKS,
            needs_scaling=False, light=True, max_rows=None, supports_sample_weight=True,
            supports_class_weight=True, builder=_hgb, space=_hgb_space,
            # Regularised defaults: on the demo (5,600 rows) they beat sklearn's by ~4 % in
            # value and, unlike those, beat logistic regression on every split we tried.
            defaults=_frozen(learning_rate=0.05, max_iter=200, max_leaf_nodes=15,
                             min_samples_leaf=40, l2_regularization=1e-6),
            description="Many small trees, each fixing the last one's errors; strong and fast.",
        ),
        ModelSpec(
            "xgboost", "XGBoost", "boosting", ALL_TASKS,
            needs_scaling=False, light=True, max_rows=None, supports_sample_weight=True,
            supports_class_weight=True, builder=_xgboost, space=_xgboost_space,
            defaults=_frozen(n_estimators=300, max_depth=4, learning_rate=0.05, subsample=0.8,
                             colsample_bytree=0.8, min_child_weight=5.0, reg_lambda=1.0),
            description="Gradient-boosted trees (XGBoost, hist); strong on tabular data.",
        ),
        ModelSpec(
            "extra_trees", "Extra trees", "ensemble", ALL_TASKS,
            needs_scaling=False, light=False, max_rows=200_000, supports_sample_weight=True,
            supports_class_weight=True, builder=_forest(ExtraTreesClassifier, ExtraTreesRegressor),
            space=_forest_space,
            defaults=_frozen(
                n_estimators=100, max_depth=None, min_samples_leaf=2, max_features="sqrt"
            ),
            description="Many randomised trees voting; robust, large on disk.",
        ),
        ModelSpec(
            "rf", "Random forest", "ensemble", ALL_TASKS,
            needs_scaling=False, light=False, max_rows=200_000, supports_sample_weight=True,
            supports_class_weight=True,
            builder=_forest(RandomForestClassifier, RandomForestRegressor),
            space=_forest_space,
            defaults=_frozen(
                n_estimators=100, max_depth=None, min_samples_leaf=1, max_features="sqrt"
            ),
            description="Many trees on resampled data voting; robust, slow and large on big data.",
        ),
        ModelSpec(
            "ensemble", "Soft-voting ensemble", "ensemble", ALL_TASKS,
            needs_scaling=True, light=False, max_rows=None, supports_sample_weight=False,
            supports_class_weight=True, builder=_ensemble,
            defaults=_frozen(members=None, weights=None),
            description="Averages the probabilities of the best few models (params['members']).",
        ),
    )
}  # fmt: skip


def get_spec(key: str) -> ModelSpec:
    """The zoo entry for ``key``; a clear error listing the known keys otherwise."""
    spec = ZOO.get(key)
    if spec is None:
        raise ZooError(
            MSG_UNKNOWN_MODEL.format(
                key=key, suggestion=_suggest(key, list(ZOO)), known=", ".join(ZOO)
            ),
            field="models",
        )
    return spec


def models_for(task: str, *, rows: int, preset: Preset | None = None) -> list[str]:
    """Model keys that suit the task and data size, lighter first.

    ``quick`` keeps the light models; ``thorough`` (and None) every model whose ``max_rows``
    allows ``rows``. The ensemble is never listed: build it from the best few.
    """
    if task not in ALL_TASKS:
        raise ZooError(MSG_UNKNOWN_TASK.format(task=task), field="task")
    if preset not in ("quick", "thorough", None):
        raise ZooError(MSG_PRESET.format(value=preset), field="preset")
    return [
        key
        for key, spec in ZOO.items()
        if task in spec.tasks
        and spec.key != "ensemble"
        and (spec.max_rows is None or rows <= spec.max_rows)
        and (preset != "quick" or spec.light)
    ]


def make_pipeline(
    schema: Schema,
    model_key: str,
    *,
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    class_weight: Literal["balanced"] | None = None,
    include_sensitive: bool = False,
    n_jobs: int = 1,
) -> Pipeline:
    """``Pipeline([("prepare", preprocessor), ("model", estimator)])``, unfitted.

    Fit it on the schema's feature columns (``core.train.features.feature_columns``) and the target.
    """
    if schema.task is None:
        raise ZooError(MSG_NO_TASK, field="task")
    spec = get_spec(model_key)
    model = spec.estimator(
        schema.task, params=params, seed=seed, class_weight=class_weight, n_jobs=n_jobs
    )
    prepare = build_preprocessor(
        schema, scale=spec.needs_scaling, include_sensitive=include_sensitive, seed=seed
    )
    return Pipeline([("prepare", prepare), ("model", model)])


def _is_fitted(estimator: BaseEstimator) -> bool:
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def make_ensemble(
    pipelines: Mapping[str, Pipeline] | Sequence[tuple[str, Pipeline]],
    task: str,
    *,
    weights: Sequence[float] | None = None,
) -> VotingClassifier | VotingRegressor:
    """Soft voting over whole pipelines (each with its own preprocessing).

    Fitted pipelines are frozen (``sklearn.frozen.FrozenEstimator``): ``ensemble.fit(X, y)``
    then only records the classes and does not refit them. Their training rows overlap any
    later validation rows, so score such an ensemble on held-out data only; to
    cross-validate an ensemble, use the model key ``"ensemble"`` with
    ``params={"members": [...]}``, which refits the members inside every fold.
    """
    if task not in ALL_TASKS:
        raise ZooError(MSG_UNKNOWN_TASK.format(task=task), field="task")
    members = list(pipelines.items()) if isinstance(pipelines, Mapping) else list(pipelines)
    if len(members) < 2:
        raise ZooError(MSG_ENSEMBLE_SIZE.format(count=len(members)), field="models")
    estimators = [
        (name, FrozenEstimator(pipe) if _is_fitted(pipe) else pipe) for name, pipe in members
    ]
    if task == "regression":
        return VotingRegressor(estimators, weights=weights)
    return VotingClassifier(estimators, voting="soft", weights=weights)
