"""Every suggested fix_step is a valid cleaning-recipe step, and findings are JSON-safe."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd

from core.data.findings import Finding
from core.data.recipe import STEP_KINDS, step_from_dict

FindingsOf = Callable[..., list[Finding]]


def messy(clean: pd.DataFrame) -> pd.DataFrame:
    df = clean.copy()
    df.loc[:4, "plan"] = None
    df.loc[:4, "churned"] = None
    df["empty"] = None
    df["constant"] = 1
    df["account"] = [f"A{i}" for i in range(len(df))]
    df["income"] = [str(i % 40) for i in range(len(df))]
    df["signup"] = "2024-01-02"
    df.loc[:50, "signup"] = "2023-05-06"
    df["bill"] = np.tile(np.arange(1.0, 21.0), 10)
    df.loc[5:6, "bill"] = [np.inf, 900.0]
    df["leak"] = (df["churned"] == "Yes").astype(float)
    return pd.concat([df, df.iloc[10:13]], ignore_index=True)


def test_every_fix_step_is_a_recipe_step(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    findings = findings_of(messy(clean), target="churned", roles={"account": "feature"})
    with_steps = [f for f in findings if f.fix_step is not None]
    kinds = {f.fix_step["kind"] for f in with_steps}  # type: ignore[index]
    assert kinds == set(STEP_KINDS) - {"rename"}
    for finding in with_steps:
        step = step_from_dict(dict(finding.fix_step))  # type: ignore[arg-type]
        assert step.kind == finding.fix_step["kind"]  # type: ignore[index]


def test_every_finding_has_a_message_and_a_fix(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    for finding in findings_of(messy(clean), target="churned"):
        assert finding.message and finding.fix, finding.code


def test_findings_are_json_safe(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    data = [f.to_json() for f in findings_of(messy(clean), target="churned")]
    again = json.loads(json.dumps(data))
    assert again == data
    assert set(again[0]) == {"severity", "code", "column", "message", "fix", "fix_step"}
