"""Explore stage: the quick overview, the charts' numbers and their figures, the full report.

Everything works on aggregated data, so a million-row frame stays fast: computing modules
return frozen dataclasses or tables, and ``figures`` turns them into plotly figures that
send binned counts or a seeded sample of at most ``MAX_POINTS`` points. Pure Python: no
Streamlit, no storage.

>>> facts = overview(df, schema)
>>> figures.pair_figure(pair_view(df, "age", "income"))
"""

from core.explore import figures
from core.explore.columns import MAX_POINTS, ProfileError
from core.explore.correlations import Correlations, correlations, cramers_v_corrected
from core.explore.distributions import (
    BoxSummary,
    DistributionStats,
    Histogram,
    Quartiles,
    TopValues,
    box_summary,
    distribution,
    distribution_stats,
)
from core.explore.missing import MissingCounts, missing_counts, missing_patterns
from core.explore.overview import ColumnOverview, Overview, overview
from core.explore.relations import (
    PairBoxes,
    PairCounts,
    PairDensity,
    PairScatter,
    PairView,
    TargetRelation,
    pair_view,
    target_associations,
    target_relation,
)
from core.explore.report import (
    ProfileReportResult,
    ProfileSettings,
    profile_report,
    profile_report_html,
    profile_sample,
)
from core.explore.split_view import SplitDistribution, split_comparison, split_distribution
from core.explore.time_view import time_view

__all__ = [
    "MAX_POINTS",
    "BoxSummary",
    "ColumnOverview",
    "Correlations",
    "DistributionStats",
    "Histogram",
    "MissingCounts",
    "Overview",
    "PairBoxes",
    "PairCounts",
    "PairDensity",
    "PairScatter",
    "PairView",
    "ProfileError",
    "ProfileReportResult",
    "ProfileSettings",
    "Quartiles",
    "SplitDistribution",
    "TargetRelation",
    "TopValues",
    "box_summary",
    "correlations",
    "cramers_v_corrected",
    "distribution",
    "distribution_stats",
    "figures",
    "missing_counts",
    "missing_patterns",
    "overview",
    "pair_view",
    "profile_report",
    "profile_report_html",
    "profile_sample",
    "split_comparison",
    "split_distribution",
    "target_associations",
    "target_relation",
    "time_view",
]
