"""Train stage: cross-validation, tuning and a leaderboard ranked by business value.

Every model is scored the same way: folds are made once from the settings' seed, a fresh
pipeline (preprocessing + model) is fitted inside each fold, and each fold is priced with the
goal's payoff matrix (binary) or error cost (regression). Same data + settings + seed ⇒ the
same scores, exactly, in any row order. Pure Python: no Streamlit, no storage.

    settings        TrainSettings (a pydantic document, stored with each run), TrainError
    rows            the rows, labels and folds every model is scored on (cv_folds)
    cv              cross_validate_model, rule_baseline, validate_settings
    scoring         every metric of a fold, the ranking metric, leaderboard
    tuning          tune_model (Optuna)
    fit             fit_final: the chosen model on all training rows, ready to export
    rules           the rule language of the rule baseline (parse_rule)
    zoo             the model catalogue (ZOO, make_pipeline, models_for)
    features        the ColumnTransformer builder (feature_plan, build_preprocessor, …)

The pipeline steps a saved model references live in ``core.estimators``.
"""

from __future__ import annotations

from core.estimators.rules import RuleClassifier, RuleExpression
from core.train import features, zoo
from core.train.cv import cross_validate_model, rule_baseline, validate_settings
from core.train.fit import fit_final
from core.train.results import RULE_KEY, FoldScore, ModelResult, TrainCancelled
from core.train.rows import cv_folds
from core.train.rules import parse_rule
from core.train.scoring import leaderboard
from core.train.settings import METRICS, CvMethod, MetricInfo, TrainError, TrainSettings
from core.train.tuning import tune_model

__all__ = [
    "METRICS",
    "RULE_KEY",
    "CvMethod",
    "FoldScore",
    "MetricInfo",
    "ModelResult",
    "RuleClassifier",
    "RuleExpression",
    "TrainCancelled",
    "TrainError",
    "TrainSettings",
    "cross_validate_model",
    "cv_folds",
    "features",
    "fit_final",
    "leaderboard",
    "parse_rule",
    "rule_baseline",
    "tune_model",
    "validate_settings",
    "zoo",
]
