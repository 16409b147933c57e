"""Picklable ``format_func`` for select widgets (session state must stay serialisable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Labels:
    """option -> label, falling back to ``str(option)``; unlike a lambda it can be pickled."""

    pairs: tuple[tuple[Any, str], ...] = ()

    def __call__(self, option: Any) -> str:
        return dict(self.pairs).get(option, str(option))

    @classmethod
    def of(cls, mapping: dict[Any, str]) -> Labels:
        return cls(tuple(mapping.items()))
