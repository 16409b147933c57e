"""Fairness stage: does the model treat groups of people alike, and what does a fix cost?

``assess`` measures (fairlearn's ``MetricFrame`` per group, disparities, bootstrap
intervals), ``mitigate`` fixes (fairlearn's ``ThresholdOptimizer`` and
``ExponentiatedGradient``, whose models live in ``core.estimators.fairness`` because saved
pipelines reference them), ``figures`` draws. Pure Python: no Streamlit, no storage.

    from core.fairness import assess, mitigate
    report = assess.fairness_report(y_true, y_pred, x[["gender"]], task="binary", positive="Yes")
"""

from __future__ import annotations

from core.estimators.fairness import GroupThresholdModel, ReductionModel
from core.estimators.fairness_inputs import (
    MISSING_GROUP,
    Constraint,
    FairnessError,
    ThresholdObjective,
)
from core.fairness import assess, mitigate
from core.fairness.assess import fairness_report
from core.fairness.inputs import group_labels
from core.fairness.mitigate import expgrad_mitigation, threshold_mitigation
from core.fairness.report import (
    DISPARITIES,
    DISPARITY_EXPLANATIONS,
    METRIC_LABELS,
    METRICS,
    Disparity,
    FairnessReport,
)

__all__ = [
    "DISPARITIES",
    "DISPARITY_EXPLANATIONS",
    "METRICS",
    "METRIC_LABELS",
    "MISSING_GROUP",
    "Constraint",
    "Disparity",
    "FairnessError",
    "FairnessReport",
    "GroupThresholdModel",
    "ReductionModel",
    "ThresholdObjective",
    "assess",
    "expgrad_mitigation",
    "fairness_report",
    "group_labels",
    "mitigate",
    "threshold_mitigation",
]
