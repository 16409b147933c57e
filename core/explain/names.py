"""Readable names for the columns a fitted preprocessing step outputs, each with its input.

scikit-learn names every output column (``get_feature_names_out``) after the input it comes
from, and ``ColumnTransformer.output_indices_`` says which transformer wrote which columns.
This module follows those names step by step and only words them for people: "plan = pro"
(one-hot), "noise is missing" (an imputer's indicator), "city (gold rate)" (a multiclass
target encoding), "signup (year)" (any other step that turns one column into several).

    feature_items(pipeline[:-1], inputs, width)  # [("plan = pro", "plan"), …]
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

Item = tuple[str, str]  # (readable label, input column)
Named = tuple[str, str, str]  # (scikit-learn's name, readable label, input column)

MISSING_PREFIX = "missingindicator_"  # SimpleImputer(add_indicator=True)'s flag columns
INFREQUENT = "infrequent_sklearn"  # OneHotEncoder's column for the merged rare levels


class _Unmapped(Exception):
    """An output column whose name does not tell which input it comes from."""


def _worded(step: Any, label: str, suffix: str) -> str:
    """The readable label of output ``<input>_<suffix>`` of ``step``."""
    if isinstance(step, OneHotEncoder):
        rare = suffix == INFREQUENT and getattr(step, "infrequent_categories_", None)
        return f"{label} = other (rare levels)" if rare else f"{label} = {suffix}"
    if isinstance(step, TargetEncoder):
        return f"{label} ({suffix} rate)"
    return f"{label} ({suffix})"


def _traced(step: Any, name: str, named: Sequence[Named]) -> Named:
    """One output column of ``step``, traced to the longest input name it is made from."""
    longest_first = sorted(named, key=lambda item: len(item[0]), reverse=True)
    for source, label, origin in longest_first:
        if name == source:
            return name, label, origin
    if name.startswith(MISSING_PREFIX):
        flagged = name.removeprefix(MISSING_PREFIX)
        for source, label, origin in longest_first:
            if flagged == source:
                return name, f"{label} is missing", origin
    for source, label, origin in longest_first:
        if name.startswith(f"{source}_"):
            return name, _worded(step, label, name[len(source) + 1 :]), origin
    raise _Unmapped


def _column_transformer(step: ColumnTransformer, named: Sequence[Named]) -> list[Named]:
    """Each transformer's outputs, checked to sit where ``output_indices_`` says they go."""
    upstream = {source: (label, origin) for source, label, origin in named}
    columns_in = getattr(step, "feature_names_in_", [n for n, _, _ in named])
    out: list[Named] = []
    for name, transformer, columns in step.transformers_:
        where = step.output_indices_[name]
        if where.stop == where.start:  # dropped, or no columns
            continue
        picked = [
            str(columns_in[c]) if isinstance(c, numbers.Integral) else str(c)
            for c in np.atleast_1d(columns)
        ]
        inner = _derived(transformer, [(c, *upstream.get(c, (c, c))) for c in picked])
        if (where.start, where.stop) != (len(out), len(out) + len(inner)):
            raise _Unmapped
        out += inner
    full = [str(n) for n in step.get_feature_names_out()]
    if len(full) != len(out):
        raise _Unmapped
    return [(name, label, origin) for name, (_, label, origin) in zip(full, out, strict=True)]


def _derived(step: Any, named: Sequence[Named]) -> list[Named]:
    """(scikit-learn name, label, input column) per output column of a fitted ``step``."""
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return list(named)
    if isinstance(step, Pipeline):
        for _, inner in step.steps:
            named = _derived(inner, named)
        return list(named)
    if isinstance(step, ColumnTransformer):
        return _column_transformer(step, named)
    if not hasattr(step, "get_feature_names_out"):
        raise _Unmapped
    out_names = [str(n) for n in step.get_feature_names_out([n for n, _, _ in named])]
    return [_traced(step, name, named) for name in out_names]


def _fallback_items(prepare: Any, inputs: Sequence[str], width: int) -> list[Item]:
    """Names from ``get_feature_names_out``, each traced to the longest input it starts with."""
    try:
        raw = [str(n) for n in prepare.get_feature_names_out()]
    except (AttributeError, TypeError, ValueError, NotFittedError):
        raw = [f"feature {j}" for j in range(width)]
    if len(raw) != width:
        raw = [f"feature {j}" for j in range(width)]
    items = []
    by_length = sorted(inputs, key=len, reverse=True)
    for name in raw:
        bare = name.split("__", 1)[-1]
        core = bare.removeprefix(MISSING_PREFIX)
        origin = next((c for c in by_length if core == c or core.startswith(f"{c}_")), bare)
        items.append((bare, origin))
    return items


def _unique(labels: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        count = seen.get(label, 0)
        seen[label] = count + 1
        out.append(label if count == 0 else f"{label} ({count + 1})")
    return out


def feature_items(prepare: Any, inputs: Sequence[str], width: int) -> list[Item]:
    """Readable names for the ``width`` transformed columns, each with its input column.

    When a step's names do not lead back to the inputs, scikit-learn's own names are used
    as they are (``"feature j"`` when the steps have none).
    """
    try:
        named = _derived(prepare, [(c, c, c) for c in inputs])
        items = [(label, origin) for _, label, origin in named]
    except (_Unmapped, AttributeError, TypeError, ValueError, NotFittedError):
        items = []
    if len(items) != width:
        items = _fallback_items(prepare, inputs, width)
    labels = _unique([label for label, _ in items])
    return list(zip(labels, [origin for _, origin in items], strict=True))
