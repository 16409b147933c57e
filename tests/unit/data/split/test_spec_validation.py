"""SplitSpec is validated on construction and on the way in from stored data."""

from __future__ import annotations

import pytest

from core.data.split import (
    MSG_SEED,
    MSG_TEST_SIZE,
    SplitError,
    SplitSpec,
    split_spec_from_dict,
    split_spec_to_dict,
)
from core.exceptions import CoreError


@pytest.mark.parametrize("size", [0, -0.1, 0.95, 1, 20, "big", True])
def test_spec_test_size_must_be_a_share_up_to_090(size: object) -> None:
    with pytest.raises(SplitError) as caught:
        SplitSpec(test_size=size)  # type: ignore[arg-type]
    assert caught.value.message == MSG_TEST_SIZE.format(value=size)
    assert caught.value.field == "test_size"


def test_spec_test_size_090_is_allowed() -> None:
    assert SplitSpec(test_size=0.9).test_size == 0.9


@pytest.mark.parametrize("seed", [-1, 1.5, 2**32, "x"])
def test_spec_seed_must_be_a_whole_number(seed: object) -> None:
    with pytest.raises(SplitError) as caught:
        SplitSpec(seed=seed)  # type: ignore[arg-type]
    assert caught.value.message == MSG_SEED.format(value=seed)


def test_spec_method_must_be_known() -> None:
    with pytest.raises(SplitError, match="method must be one of random, time, group"):
        SplitSpec(method="kfold")  # type: ignore[arg-type]


def test_spec_time_and_group_need_their_column() -> None:
    with pytest.raises(SplitError, match="a time split needs time_column") as caught:
        SplitSpec(method="time")
    assert caught.value.field == "time_column"
    with pytest.raises(SplitError, match="a group split needs group_column"):
        SplitSpec(method="group", group_column=" ")


def test_spec_unused_column_is_dropped() -> None:
    spec = SplitSpec(method="random", time_column="signup")
    assert spec.time_column is None
    assert spec == SplitSpec()


def test_spec_describe() -> None:
    assert SplitSpec().describe("churned") == "Random 20 % hold-out, stratified on churned, seed 0"
    assert SplitSpec(stratify=False, seed=4).describe() == "Random 20 % hold-out, seed 4"
    time = SplitSpec(method="time", test_size=0.25, time_column="signup")
    assert time.describe() == "Time-ordered 25 % hold-out: the latest rows by signup"
    group = SplitSpec(method="group", group_column="household")
    assert group.describe() == "Group 20 % hold-out: whole household groups, seed 0"


def test_spec_round_trip_and_coercion_from_a_form() -> None:
    spec = SplitSpec(method="group", test_size=0.3, seed=5, group_column="household")
    assert split_spec_from_dict(split_spec_to_dict(spec)) == spec
    form = {
        "method": " Time ",
        "test_size": "0.25",
        "seed": "3",
        "stratify": "false",
        "time_column": "signup",
    }
    assert split_spec_from_dict(form) == SplitSpec("time", 0.25, 3, False, "signup")
    assert split_spec_from_dict({}) == SplitSpec()


def test_spec_from_dict_unknown_key_suggests() -> None:
    with pytest.raises(
        SplitError, match="test_sise is not a known field; did you mean 'test_size'"
    ):
        split_spec_from_dict({"test_sise": 0.2})


def test_spec_from_dict_checks_columns_exist() -> None:
    data = {"method": "time", "time_column": "signupp"}
    with pytest.raises(
        SplitError,
        match="time_column 'signupp' is not a column of this dataset; did you mean 'signup'",
    ):
        split_spec_from_dict(data, columns=["signup", "churned"])


def test_spec_from_dict_stratify_must_be_boolean() -> None:
    with pytest.raises(SplitError, match="stratify must be true or false"):
        split_spec_from_dict({"stratify": "perhaps"})


def test_split_error_is_a_core_error() -> None:
    assert issubclass(SplitError, CoreError)
