"""Small groups are flagged and warned about; rates a group cannot define are warned about."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.fairness import fairness_report
from core.fairness.assess import WARN_NO_NEGATIVES, WARN_NO_POSITIVES, WARN_SMALL_GROUP


def test_a_group_under_min_group_size_is_flagged_and_warned_about() -> None:
    group = pd.Series(["x"] * 12 + ["y"] * 40, name="site")
    y = np.tile([1, 0], 26)
    report = fairness_report(y, y[::-1], group, task="binary", positive=1, bootstrap=0)
    assert report.by_group.set_index("group")["small"].to_dict() == {"x": True, "y": False}
    assert report.warnings == ("Group 'x' has only 12 rows (under 30): its numbers are unreliable",)
    assert report.warnings[0] == WARN_SMALL_GROUP.format(group="x", count=12, limit=30)
    json_group = report.to_json()["by_group"]["x"]
    assert json_group["small"] is True and json_group["count"] == 12


def test_min_group_size_is_the_teams_choice() -> None:
    group = ["x"] * 12 + ["y"] * 40
    y = np.tile([1, 0], 26)
    report = fairness_report(y, y, group, task="binary", positive=1, bootstrap=0, min_group_size=10)
    assert not report.by_group["small"].any()
    assert report.warnings == ()


def test_a_group_without_real_positives_or_negatives_is_warned_about() -> None:
    report = fairness_report(
        ["Yes", "Yes", "No", "No", "Yes", "No"],
        ["Yes", "No", "No", "Yes", "Yes", "No"],
        ["all yes", "all yes", "all no", "all no", "mixed", "mixed"],
        task="binary",
        positive="Yes",
        bootstrap=0,
        min_group_size=1,
    )
    assert report.warnings == (
        WARN_NO_POSITIVES.format(group="all no", positive="Yes"),
        WARN_NO_NEGATIVES.format(group="all yes", positive="Yes"),
    )
