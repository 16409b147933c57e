"""numbers_as_text, mixed_types and dates_as_text, each with a recipe step."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from core.data.findings import Finding

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def test_numbers_stored_as_text(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean["income"] = [str(1000 + 10 * i) for i in range(len(clean))]
    clean["income"] = clean["income"].where(clean.index % 2 == 0, "1500")  # not an ID
    finding = only(findings_of(clean, target="churned"), "numbers_as_text")
    assert finding.message.startswith("income holds numbers stored as text, e.g. '1500'")
    assert finding.fix_step == {"kind": "cast", "column": "income", "params": {"to": "numeric"}}


def test_mostly_numbers_with_junk_are_mixed(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["income"] = [str(i % 40) for i in range(len(clean))]
    clean.loc[:5, "income"] = "N/A"
    clean.loc[6:7, "income"] = "unknown"
    finding = only(findings_of(clean, target="churned"), "mixed_types")
    assert finding.message == (
        "income mixes numbers and text: 96 % of values are numbers, the rest text like "
        "'N/A', 'unknown'."
    )
    assert finding.fix == "Cast it to numbers; the text values ('N/A', 'unknown') become missing."
    assert finding.fix_step == {"kind": "cast", "column": "income", "params": {"to": "numeric"}}


def test_half_numbers_half_words_ask_for_a_decision(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["size"] = ["1", "2", "small", "large"] * 50
    finding = only(findings_of(clean, target="churned"), "mixed_types")
    assert "50 % of values are numbers" in finding.message
    assert finding.fix_step is None
    assert "set its type" in (finding.fix or "")


def test_dates_stored_as_text(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean["signup"] = [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(len(clean))]
    finding = only(findings_of(clean, target="churned"), "dates_as_text")
    assert finding.severity == "warning"
    assert finding.message.startswith("signup holds dates stored as text, e.g. '2024-")
    assert finding.fix_step == {"kind": "parse_dates", "column": "signup", "params": {}}


def test_zero_padded_codes_are_left_alone(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    clean["zip"] = ["02134", "10001", "00501", "94105"] * 50
    codes = {f.code for f in findings_of(clean, target="churned")}
    assert not codes & {"numbers_as_text", "mixed_types", "dates_as_text"}


def test_words_with_digits_are_plain_categories(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    clean["tier"] = ["Tier 1", "Tier 2", "30-44", "60+"] * 50
    codes = {f.code for f in findings_of(clean, target="churned")}
    assert not codes & {"numbers_as_text", "mixed_types", "dates_as_text"}


def test_text_checks_on_many_rows_say_they_sampled(findings_of: FindingsOf, only: Only) -> None:
    df = pd.DataFrame({"amount": [str(i % 500) for i in range(120_000)]})
    finding = only(findings_of(df), "numbers_as_text")
    assert finding.message.endswith("(checked on a sample of 100,000 rows).")
