"""discover_cohorts finds an injected high-error slice and reads it as a plain rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.conditions import Condition
from core.evaluate import apply_cohort, discover_cohorts


def test_finds_the_injected_cohort_with_a_readable_rule(injected) -> None:
    frame, errors = injected
    cohorts = discover_cohorts(frame, errors)
    worst = cohorts[0]
    assert set(worst.conditions) == {Condition("c", "==", "x"), Condition("a", "<", 3.0)}
    assert worst.rule in ("c = x and a < 3", "a < 3 and c = x")
    assert worst.error_rate > 0.5 and worst.lift > 3
    assert worst.describe().startswith(f"{worst.rule}: {worst.error_rate:.0%} errors, ")
    truth = (frame["a"] < 3) & (frame["c"] == "x")
    assert worst.rows == int(truth.sum())


def test_cohorts_are_sorted_big_enough_and_at_most_top(injected) -> None:
    frame, errors = injected
    cohorts = discover_cohorts(frame, errors, min_rows=100, top=3)
    assert len(cohorts) <= 3
    assert all(c.rows >= 100 for c in cohorts)
    rates = [c.error_rate for c in cohorts]
    assert rates == sorted(rates, reverse=True)


def test_rows_and_rates_are_those_of_the_rule(injected) -> None:
    frame, errors = injected
    for cohort in discover_cohorts(frame, errors):
        mask = apply_cohort(frame, cohort)
        assert mask.sum() == cohort.rows
        assert errors[mask].mean() == pytest.approx(cohort.error_rate)


def test_no_redundant_bounds(injected) -> None:
    frame, errors = injected
    for cohort in discover_cohorts(frame, errors, max_depth=5, min_rows=20, top=50):
        for column in {c.column for c in cohort.conditions}:
            ops = [c.op for c in cohort.conditions if c.column == column]
            assert ops.count("<") <= 1 and ops.count(">=") <= 1, cohort.rule
            assert not ("==" in ops and len(ops) > 1), cohort.rule


def test_deterministic_for_a_seed(injected) -> None:
    frame, errors = injected
    assert discover_cohorts(frame, errors, seed=3) == discover_cohorts(frame, errors, seed=3)


def test_missing_numbers_read_as_is_missing() -> None:
    rng = np.random.default_rng(1)
    rows = 2_000
    income = rng.normal(3_000, 500, rows)
    gone = rng.random(rows) < 0.2
    income[gone] = np.nan
    errors = rng.random(rows) < np.where(gone, 0.7, 0.05)
    cohorts = discover_cohorts(pd.DataFrame({"income": income}), errors, max_depth=1)
    assert cohorts[0].rule == "income is missing"
    assert cohorts[0].rows == int(gone.sum())
    assert cohorts[1].rule == "income is not missing"


def test_regression_errors_use_mean_absolute_error(injected) -> None:
    frame, wrong = injected
    absolute = np.where(wrong, 10.0, 1.0) + np.random.default_rng(2).random(len(frame))
    cohorts = discover_cohorts(frame, absolute)
    assert cohorts[0].measure == "mean absolute error"
    assert {c.column for c in cohorts[0].conditions} == {"a", "c"}
    assert "mean absolute error" in cohorts[0].describe()


def test_nothing_to_find_gives_no_cohorts(injected) -> None:
    frame, _ = injected
    assert discover_cohorts(frame, np.zeros(len(frame))) == []


def test_readable_cut_on_decimals() -> None:
    rng = np.random.default_rng(4)
    score = rng.uniform(0, 1, 3_000)
    errors = rng.random(3_000) < np.where(score < 0.3, 0.5, 0.05)
    cohort = discover_cohorts(pd.DataFrame({"score": score}), errors, max_depth=1)[0]
    (condition,) = cohort.conditions
    assert condition.op == "<"
    assert len(str(condition.value)) <= 5  # e.g. 0.3 or 0.301, not 0.30012345
