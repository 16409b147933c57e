"""True outcomes are joined by id as text; unmatched rows are counted, duplicate ids refused."""

from __future__ import annotations

import pandas as pd
import pytest

from core.monitor import MonitorError, join_outcomes
from core.monitor.common import MSG_COLUMN_MISSING
from core.monitor.performance import MSG_DUPLICATE_IDS


@pytest.fixture
def predictions() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [1, 2, 3, 4], "prediction": ["Yes", "No", "No", "Yes"]})


def test_outcomes_are_matched_by_id_and_counted(predictions) -> None:
    outcomes = pd.DataFrame({"customer_id": ["1", "3", "9"], "churned": ["Yes", "Yes", "No"]})
    joined = join_outcomes(predictions, outcomes, id_column="customer_id", target="churned")
    actual = joined.frame["actual"]
    assert actual[[0, 2]].tolist() == ["Yes", "Yes"]
    assert actual[[1, 3]].isna().all()
    assert (joined.matched, joined.unmatched_predictions, joined.unmatched_outcomes) == (2, 2, 1)
    assert "actual" not in predictions.columns  # the input is not changed


def test_a_log_is_joined_on_its_request_id(predictions) -> None:
    log = predictions.rename(columns={"customer_id": "request_id"})
    outcomes = pd.DataFrame({"customer_id": [2, 4], "churned": [False, True]})
    joined = join_outcomes(
        log, outcomes, id_column="customer_id", target="churned", prediction_id="request_id"
    )
    assert joined.frame["actual"].tolist()[1::2] == [False, True]
    assert joined.matched == 2


def test_outcomes_without_a_value_are_ignored(predictions) -> None:
    outcomes = pd.DataFrame({"customer_id": [1, 1, 2], "churned": [None, "Yes", "No"]})
    joined = join_outcomes(predictions, outcomes, id_column="customer_id", target="churned")
    assert joined.frame["actual"].tolist()[:2] == ["Yes", "No"]


def test_an_id_given_twice_is_an_error_naming_it(predictions) -> None:
    outcomes = pd.DataFrame({"customer_id": [1, 2, 2, 3], "churned": ["Yes", "No", "Yes", "No"]})
    with pytest.raises(MonitorError) as caught:
        join_outcomes(predictions, outcomes, id_column="customer_id", target="churned")
    assert caught.value.field == "customer_id"
    assert caught.value.message == MSG_DUPLICATE_IDS.format(
        count=1, column="customer_id", examples="'2'"
    )


def test_missing_columns_are_named(predictions) -> None:
    outcomes = pd.DataFrame({"customer_id": [1], "label": ["Yes"]})
    with pytest.raises(MonitorError) as caught:
        join_outcomes(predictions, outcomes, id_column="customer_id", target="churned")
    assert caught.value.message == MSG_COLUMN_MISSING.format(
        what="outcomes", column="churned", columns="customer_id, label"
    )
