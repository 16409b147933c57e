"""What a fairness check reports: per-group metrics, disparities and their plain words.

``FairnessReport`` (built by ``core.fairness.assess.fairness_report``) holds one row per
group with 95 % intervals, the overall values and each ``Disparity`` against the team's
limit. The names, labels and explanations of every metric and disparity live here.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from core.estimators.fairness_inputs import ATTRIBUTE_SEPARATOR
from core.metrics import Task, get_metric

METRICS: dict[str, tuple[str, ...]] = {
    "binary": (
        "selection_rate",
        "base_rate",
        "tpr",
        "fpr",
        "precision",
        "accuracy",
        "value_per_month",
        "mean_score",
    ),
    "multiclass": ("accuracy", "macro_recall"),
    "regression": ("mean_prediction", "mae", "rmse", "bias"),
}
#: Group rates that are not registry metrics (selection rate, TPR, FPR, …) keep their labels
#: here; the metrics that are the same concept as a registry metric take its label.
_GROUP_LABELS: dict[str, str] = {
    "count": "Rows",
    "selection_rate": "Selection rate",
    "base_rate": "Actual positive rate",
    "tpr": "True positive rate",
    "fpr": "False positive rate",
    "mean_score": "Mean score",
    "macro_recall": "Macro recall",
    "mean_prediction": "Mean prediction",
}
METRIC_LABELS: dict[str, str] = {
    name: _GROUP_LABELS[name] if name in _GROUP_LABELS else get_metric(name).label
    for name in ("count", *dict.fromkeys(n for names in METRICS.values() for n in names))
}
SHARE_METRICS = frozenset(
    {"selection_rate", "base_rate", "tpr", "fpr", "precision", "accuracy", "mean_score"}
    | {"macro_recall"}
)
DISPARITIES: dict[str, tuple[str, ...]] = {
    "binary": (
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equal_opportunity_difference",
    ),
    "multiclass": ("accuracy_difference",),
    "regression": ("mae_difference", "mae_ratio"),
}
RATIO_DISPARITIES = frozenset({"demographic_parity_ratio", "mae_ratio"})
DISPARITY_EXPLANATIONS: dict[str, str] = {
    "demographic_parity_difference": (
        "The gap between the most and least often selected groups; the right check when "
        "every group should get the positive decision equally often, whatever the truth."
    ),
    "demographic_parity_ratio": (
        "The least selected group's rate divided by the most selected group's (1 = equal); "
        "the form the four-fifths rule of hiring law uses (0.8 or more)."
    ),
    "equalized_odds_difference": (
        "The larger gap between groups in catching real positives or in false alarms; the "
        "right check when mistakes in either direction must hit every group alike."
    ),
    "equal_opportunity_difference": (
        "The gap between groups in the share of real positives the model catches; the right "
        "check when the positive decision is a benefit that deserving people must not miss."
    ),
    "accuracy_difference": (
        "The gap between the groups the model is most and least often right for; a first "
        "check that no group gets clearly worse predictions."
    ),
    "mae_difference": (
        "The gap between the groups with the largest and smallest average error, in the "
        "target's unit; the right check when every group deserves equally precise numbers."
    ),
    "mae_ratio": (
        "The smallest group average error divided by the largest (1 = equal); the same "
        "check as the MAE difference, independent of the target's unit."
    ),
}
DISPARITY_LABELS: dict[str, str] = {
    "demographic_parity_difference": "Demographic parity difference",
    "demographic_parity_ratio": "Demographic parity ratio",
    "equalized_odds_difference": "Equalized odds difference",
    "equal_opportunity_difference": "Equal opportunity difference",
    "accuracy_difference": "Accuracy difference",
    "mae_difference": "MAE difference",
    "mae_ratio": "MAE ratio",
}
_JSON_DISPARITIES = DISPARITIES["binary"]  # always present in to_json, None when not computed


@dataclasses.dataclass(frozen=True)
class Disparity:
    """One fairness measure across groups, checked against the team's limit.

    ``passes`` is None without a limit (or when the value is undefined); differences pass
    when value <= limit, ratios when value >= limit.
    """

    name: str
    value: float
    limit: float | None
    passes: bool | None
    sentence: str
    explanation: str

    @property
    def label(self) -> str:
        return DISPARITY_LABELS.get(self.name, self.name)

    @property
    def is_ratio(self) -> bool:
        return self.name in RATIO_DISPARITIES


@dataclasses.dataclass(frozen=True, eq=False)
class FairnessReport:
    """Per-group metrics with 95 % intervals, disparities and warnings for one attribute.

    ``by_group``: one row per group (group, count, small, then each metric with
    ``<metric>_low`` / ``<metric>_high``); ``overall``: the same metrics on all rows.
    """

    task: Task
    attributes: tuple[str, ...]
    by_group: pd.DataFrame
    overall: dict[str, float]
    disparities: tuple[Disparity, ...]
    warnings: tuple[str, ...]
    positive: str | None = None

    @property
    def attribute(self) -> str:
        """The column name, or "a × b" for an intersection."""
        return ATTRIBUTE_SEPARATOR.join(self.attributes)

    @property
    def metrics(self) -> tuple[str, ...]:
        """The per-group metrics with a value (no value_per_month without a payoff)."""
        table = self.by_group
        return tuple(m for m in METRICS[self.task] if m in table and table[m].notna().any())

    def disparity(self, name: str) -> Disparity:
        """The disparity called ``name`` (KeyError when it was not computed)."""
        for disparity in self.disparities:
            if disparity.name == name:
                return disparity
        known = ", ".join(d.name for d in self.disparities)
        raise KeyError(f"no disparity {name!r}; computed: {known}")

    def to_json(self) -> dict[str, Any]:
        """Plain dicts, lists, numbers and text (NaN as None), ready for json.dumps."""
        by_group = {}
        for row in self.by_group.to_dict(orient="records"):
            group = row.pop("group")
            by_group[group] = {
                "count": int(row.pop("count")),
                "small": bool(row.pop("small")),
                **{k: _json_number(v) for k, v in row.items()},
            }
        out: dict[str, Any] = {
            "task": self.task,
            "attribute": self.attribute,
            "attributes": list(self.attributes),
            "positive": self.positive,
            "by_group": by_group,
            "overall": {k: _json_number(v) for k, v in self.overall.items()},
        }
        out.update(dict.fromkeys(_JSON_DISPARITIES))
        out.update({d.name: _json_number(d.value) for d in self.disparities})
        out["disparities"] = [
            {**dataclasses.asdict(d), "value": _json_number(d.value)} for d in self.disparities
        ]
        out["warnings"] = list(self.warnings)
        return out


def _json_number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    number = float(value)
    return number if math.isfinite(number) else None
