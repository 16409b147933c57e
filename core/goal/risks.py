"""The risk register on a 5x5 likelihood x impact grid."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from core.goal.model import RiskItem


@dataclasses.dataclass(frozen=True)
class RiskMatrix:
    """A 5x5 likelihood x impact grid: ``counts[l-1][i-1]`` and ``names[l-1][i-1]``."""

    counts: tuple[tuple[int, ...], ...]
    names: tuple[tuple[tuple[str, ...], ...], ...]

    def cell(self, likelihood: int, impact: int) -> tuple[str, ...]:
        """Names of the risks at this likelihood and impact (1..5 each)."""
        return self.names[likelihood - 1][impact - 1]


def risk_matrix(risks: Iterable[RiskItem]) -> RiskMatrix:
    """Place risks on the 5x5 grid (rows: likelihood 1..5, columns: impact 1..5)."""
    names: list[list[list[str]]] = [[[] for _ in range(5)] for _ in range(5)]
    for risk in risks:  # RiskItem holds likelihood and impact from 1 to 5 (core.goal.model)
        names[risk.likelihood - 1][risk.impact - 1].append(risk.name)
    return RiskMatrix(
        counts=tuple(tuple(len(cell) for cell in row) for row in names),
        names=tuple(tuple(tuple(cell) for cell in row) for row in names),
    )
