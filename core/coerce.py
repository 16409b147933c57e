"""Reading numbers typed by people (forms, YAML, recipe parameters) and writing class values
as text the same way everywhere. Light (numpy and pandas only): exported bundles copy it."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1"})  # how people write true and false
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0"})


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


def class_label(value: Any) -> str:
    """A target value as the text used for classes: ``True`` → "True", ``1.0`` → "1"."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def class_labels(series: pd.Series) -> pd.Series:
    """``class_label`` for a whole column, mapping each distinct value once; missing stays NaN."""
    uniq = pd.unique(series.dropna())
    return series.map({value: class_label(value) for value in uniq})
