"""Evaluate stage: how good a trained model is on held-out rows, and where it goes wrong.

- ``classification`` / ``regression``: test-set evaluations (metrics with bootstrap intervals
  from ``metrics``, curves from ``curves``, money from the goal's payoff or error cost).
- ``compare``: two models' predictions on the same rows.
- ``cohorts``, ``by_feature``, ``cohort_search``, ``per_row``: error analysis, the slices of
  rows a model gets wrong, as rules that can be saved and re-applied.
- ``figures`` / ``error_figures``: plotly figures of the above (import them as submodules;
  this package does not load plotly).

Pure Python: no Streamlit, no storage.

    from core.evaluate import evaluate_classification, discover_cohorts, prediction_errors
"""

from __future__ import annotations

from core.evaluate.by_feature import error_by_feature, error_heatmap
from core.evaluate.classification import (
    DEFAULT_THRESHOLD,
    ClassificationEvaluation,
    evaluate_classification,
)
from core.evaluate.cohort_search import discover_cohorts
from core.evaluate.cohorts import (
    Cohort,
    ErrorAnalysisError,
    Measure,
    apply_cohort,
    cohort_from_dict,
    cohort_to_dict,
    cohorts_table,
)
from core.evaluate.compare import RunComparison, compare_predictions
from core.evaluate.curves import (
    CALIBRATION_BINS,
    MAX_CURVE_POINTS,
    counts_at_threshold,
    value_at_threshold,
)
from core.evaluate.inputs import EvaluateError
from core.evaluate.metrics import BOOTSTRAP_MAX_ROWS, MetricWithCI
from core.evaluate.per_row import prediction_errors, worst_predictions
from core.evaluate.regression import MAX_PLOT_ROWS, RegressionEvaluation, evaluate_regression

__all__ = [
    "BOOTSTRAP_MAX_ROWS",
    "CALIBRATION_BINS",
    "DEFAULT_THRESHOLD",
    "MAX_CURVE_POINTS",
    "MAX_PLOT_ROWS",
    "ClassificationEvaluation",
    "Cohort",
    "ErrorAnalysisError",
    "EvaluateError",
    "Measure",
    "MetricWithCI",
    "RegressionEvaluation",
    "RunComparison",
    "apply_cohort",
    "cohort_from_dict",
    "cohort_to_dict",
    "cohorts_table",
    "compare_predictions",
    "counts_at_threshold",
    "discover_cohorts",
    "error_by_feature",
    "error_heatmap",
    "evaluate_classification",
    "evaluate_regression",
    "prediction_errors",
    "value_at_threshold",
    "worst_predictions",
]
