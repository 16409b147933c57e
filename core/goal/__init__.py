"""Goal stage: the business case every later stage is measured against.

A product manager's payoff matrix is not decoration: it picks the default metric, prices a
model (ROI, payback, break-even precision) and sets the value-optimal threshold.

- ``model``      the goal document (pydantic models) + ``goal_from_dict`` / ``goal_to_dict``
- ``fields``     lenient readers of what users write ("yes", "per prediction", "€")
- ``money``      expected value, ROI, ROI surface, ``format_money``
- ``threshold``  value curve and the value-optimal threshold
- ``advice``     metric suggestion and the "is ML needed?" verdict
- ``risks``      the 5x5 risk matrix
- ``casefile``   the business case and the goal's field reference as Markdown
- ``figures``    plotly figures (import ``core.goal.figures`` itself; not loaded here)

Pure Python: no Streamlit, no storage.
"""

from core.goal.advice import (
    METRIC_EXPLANATIONS,
    MetricSuggestion,
    MlVerdict,
    ml_needed_verdict,
    suggest_metric,
)
from core.goal.casefile import GOAL_SCHEMA_DOC, business_case_markdown
from core.goal.model import (
    CLASSIFICATION_METRICS,
    KNOWN_METRICS,
    KPI,
    REGRESSION_METRICS,
    Cadence,
    Costs,
    ErrorCost,
    FieldProblem,
    Goal,
    GoalError,
    GoalValidationError,
    Milestone,
    MilestoneStatus,
    MlNeedAnswers,
    PayoffMatrix,
    Requirements,
    RiskCategory,
    RiskItem,
    RoiAssumptions,
    Task,
    goal_from_dict,
    goal_metrics,
    goal_missing_fields,
    goal_to_dict,
    is_goal_complete,
)
from core.goal.money import (
    BusinessError,
    ConfusionCounts,
    RoiEstimate,
    RoiSurface,
    assumed_roi,
    baseline_value_per_month,
    break_even_precision,
    counts_at_rates,
    expected_value,
    format_money,
    regression_roi_estimate,
    regression_value_per_month,
    roi_estimate,
    roi_surface,
    value_per_month,
)
from core.goal.risks import RiskMatrix, risk_matrix
from core.goal.threshold import ThresholdChoice, ValueCurve, value_curve, value_optimal_threshold

__all__ = [
    "CLASSIFICATION_METRICS",
    "GOAL_SCHEMA_DOC",
    "KNOWN_METRICS",
    "KPI",
    "METRIC_EXPLANATIONS",
    "REGRESSION_METRICS",
    "BusinessError",
    "Cadence",
    "ConfusionCounts",
    "Costs",
    "ErrorCost",
    "FieldProblem",
    "Goal",
    "GoalError",
    "GoalValidationError",
    "MetricSuggestion",
    "Milestone",
    "MilestoneStatus",
    "MlNeedAnswers",
    "MlVerdict",
    "PayoffMatrix",
    "Requirements",
    "RiskCategory",
    "RiskItem",
    "RiskMatrix",
    "RoiAssumptions",
    "RoiEstimate",
    "RoiSurface",
    "Task",
    "ThresholdChoice",
    "ValueCurve",
    "assumed_roi",
    "baseline_value_per_month",
    "break_even_precision",
    "business_case_markdown",
    "counts_at_rates",
    "expected_value",
    "format_money",
    "goal_from_dict",
    "goal_metrics",
    "goal_missing_fields",
    "goal_to_dict",
    "is_goal_complete",
    "ml_needed_verdict",
    "regression_roi_estimate",
    "regression_value_per_month",
    "risk_matrix",
    "roi_estimate",
    "roi_surface",
    "suggest_metric",
    "value_curve",
    "value_optimal_threshold",
    "value_per_month",
]
