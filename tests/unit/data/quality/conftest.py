"""Shared inputs for the validate tests: a clean frame and a one-call findings helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.data.findings import Finding
from core.data.quality import quality_findings
from core.data.schema import infer_schema


def make_clean(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """No missing values, no IDs, balanced target and groups, an honest (noisy) signal."""
    rng = np.random.default_rng(seed)
    usage = rng.uniform(0, 100, rows)
    churned = np.where(usage + rng.uniform(0, 120, rows) > 110, "Yes", "No")
    return pd.DataFrame(
        {
            "usage": usage.round(1),
            "tenure": rng.integers(1, 60, rows),
            "plan": rng.choice(["basic", "plus", "pro"], rows),
            "paperless": rng.choice(["Yes", "No"], rows),
            "gender": np.repeat(["F", "M"], rows // 2),
            "churned": churned,
        }
    )


@pytest.fixture
def clean() -> pd.DataFrame:
    return make_clean()


FindingsOf = Callable[..., list[Finding]]


@pytest.fixture
def findings_of() -> FindingsOf:
    """``findings_of(df, target=..., roles=..., min_group_size=...)`` → the findings."""

    def run(df: pd.DataFrame, *, min_group_size: int = 30, **schema_args: Any) -> list[Finding]:
        return quality_findings(df, infer_schema(df, **schema_args), min_group_size=min_group_size)

    return run


@pytest.fixture
def only() -> Callable[[list[Finding], str], Finding]:
    """``only(findings, code)``: the single finding with that code (fails otherwise)."""

    def pick(findings: list[Finding], code: str) -> Finding:
        matching = [f for f in findings if f.code == code]
        assert len(matching) == 1, [f"{f.code}: {f.message}" for f in findings]
        return matching[0]

    return pick
