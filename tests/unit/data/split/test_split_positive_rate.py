"""The split summary's positive rate is the share of the schema's positive class, whatever the
target's dtype (issue 15.1: text "0" against int labels gave 0.0)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.data.split import SplitSpec, make_split

ONES = np.array([1] * 62 + [0] * 38)  # more ones: the minority rule would pick 0


@pytest.mark.parametrize(
    "values",
    [
        ONES,
        ONES.astype(float),
        ONES.astype(bool),
        ONES.astype(str),
        pd.array(ONES, dtype="Int64"),
    ],
    ids=["int", "float", "bool", "text", "nullable-int"],
)
def test_positive_rate_is_the_share_of_the_schema_class(values: object) -> None:
    frame = pd.DataFrame({"x": np.arange(len(ONES)), "y": values})
    schema = infer_schema(frame, target="y")
    split = make_split(frame, SplitSpec(), target="y", task="binary")
    summary = split.summary(frame["y"], positive=schema.positive_class)
    assert summary["positive_class"] == schema.positive_class in ("1", "True")
    rates, rows = summary["positive_rate"], summary["rows"]
    overall = (rates["train"] * rows["train"] + rates["test"] * rows["test"]) / len(frame)
    assert overall == pytest.approx(0.62)
    assert rates["test"] == pytest.approx(0.6, abs=0.05)  # stratified


def test_without_a_class_the_summary_uses_the_schema_rule() -> None:
    frame = pd.DataFrame({"x": np.arange(len(ONES)), "y": ONES})
    split = make_split(frame, SplitSpec(), target="y", task="binary")
    summary = split.summary(frame["y"])
    assert summary["positive_class"] == "1"
    assert summary["positive_rate"]["train"] == pytest.approx(0.625, abs=0.01)


def test_class_share_keys_are_the_schema_classes() -> None:
    frame = pd.DataFrame({"x": np.arange(len(ONES)), "y": ONES.astype(float)})
    split = make_split(frame, SplitSpec(), target="y", task="binary")
    assert set(split.summary(frame["y"])["class_share"]["test"]) == {"0", "1"}
