"""Quality findings and expectation results for a dataset version, and the Data stage's status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.context import Workbench
from app.services import data_config, datasets
from core.data.expectations import ExpectationResult, check_expectations
from core.data.findings import Finding
from core.data.quality import quality_findings


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    expectations: tuple[ExpectationResult, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def failed_expectations(self) -> int:
        return sum(1 for r in self.expectations if not r.passed)

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "expectations": [
                {
                    "expectation": r.expectation.describe(),
                    "passed": r.passed,
                    "failing_rows": r.failing_rows,
                    "message": r.message,
                    "examples": list(r.examples),
                }
                for r in self.expectations
            ],
        }


def check_frame(wb: Workbench, project_id: int, frame: pd.DataFrame) -> CheckReport:
    schema = data_config.schema_for(wb, project_id, frame)
    findings = quality_findings(frame, schema)
    results = check_expectations(frame, data_config.expectations(wb, project_id))
    return CheckReport(tuple(findings), tuple(results))


def check_version(wb: Workbench, version: datasets.VersionInfo) -> CheckReport:
    return check_frame(wb, version.project_id, datasets.load_frame(wb, version))
