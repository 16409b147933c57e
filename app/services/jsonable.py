"""Values as JSON keeps them: what database JSON columns and `--json` output may hold."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np


def finite(value: Any) -> float | None:
    """A number, or None where there is none (missing, NaN, infinite)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def plain(value: Any) -> Any:
    """Nested dicts/lists of Python scalars: numpy scalars unwrapped, NaN as None, times as ISO."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
