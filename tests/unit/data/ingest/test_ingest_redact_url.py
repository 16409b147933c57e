"""redact_url hides passwords: connection URLs are secrets."""

from __future__ import annotations

import pytest

from core.data.ingest import redact_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://ann:s3cr%40t@db.example.com:5432/sales",
            "postgresql://ann:***@db.example.com:5432/sales",
        ),
        ("postgresql+psycopg2://ann:p@ss/w@rd@db/sales", "postgresql+psycopg2://ann:***@db/sales"),
        ("mysql://ann@db/sales", "mysql://ann@db/sales"),
        ("sqlite:////data/x.db", "sqlite:////data/x.db"),
        (
            "postgresql://db/sales?user=ann&password=pw&sslmode=require",
            "postgresql://db/sales?user=ann&password=***&sslmode=require",
        ),
        ("mssql://ann:pw@host/db?PWD=pw2", "mssql://ann:***@host/db?PWD=***"),
    ],
)
def test_password_is_hidden(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_redacted_url_never_contains_the_secret() -> None:
    secret = "Tr0ub4dor&3"
    assert secret not in redact_url(f"postgresql://ann:{secret}@db/sales")


@pytest.mark.parametrize("password", ["pa?ss", "p@ss", "pa/ss", "p:w", "p%40ss", "p@ss/w@rd"])
def test_odd_passwords_never_leak(password: str) -> None:
    redacted = redact_url(f"postgresql://ann:{password}@db.example.com/sales?sslmode=require")
    assert redacted == "postgresql://ann:***@db.example.com/sales?sslmode=require"


def test_text_that_is_not_a_url_is_hidden_when_it_may_hold_a_secret() -> None:
    assert redact_url("ann:pw@host") == "***"
    assert redact_url("warehouse") == "warehouse"
