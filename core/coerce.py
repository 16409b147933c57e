"""Reading numbers typed by people (forms, YAML, recipe parameters) the same way everywhere."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def to_number(value: Any) -> float | None:
    """A finite real number from a number or numeric text; None for anything else (bools too)."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
