"""Permutation importance: how much a score drops when one input column is shuffled.

The model-agnostic check next to SHAP, scikit-learn's ``permutation_importance`` on the
whole pipeline over a seeded sample of rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.explain.pipeline import (
    MSG_NO_ROWS,
    as_frame,
    check_count,
    inputs_of,
    sample_positions,
    split_pipeline,
)
from core.explain.result import ExplainError, suggest

__all__ = ["permutation_importance_table"]

MSG_UNKNOWN_SCORING = "scoring {value!r} is not a metric scikit-learn knows{suggestion}"
MSG_TARGET_LENGTH = "y has {got:,} values but the frame has {rows:,} rows"


def _scorer(scoring: str) -> Any:
    from sklearn.metrics import get_scorer, get_scorer_names

    try:
        return get_scorer(scoring)
    except (ValueError, TypeError):
        suggestion = suggest(str(scoring), list(get_scorer_names()))
        message = MSG_UNKNOWN_SCORING.format(value=scoring, suggestion=suggestion)
        raise ExplainError(message, field="scoring") from None


def permutation_importance_table(
    pipeline: Any,
    frame: pd.DataFrame,
    y: Any,
    *,
    scoring: str,
    repeats: int = 5,
    sample: int = 5000,
    seed: int = 0,
) -> pd.DataFrame:
    """How much ``scoring`` drops when one input column is shuffled: the model-agnostic check.

    Runs ``sklearn.inspection.permutation_importance`` on the whole pipeline over a seeded
    sample of at most ``sample`` rows (rows without a target are left out). Columns:
    ``input_column``, ``importance_mean``, ``importance_std``, largest first; ``attrs``
    holds ``scoring``, ``baseline_score``, ``rows`` and ``repeats``.
    """
    from sklearn.inspection import permutation_importance

    frame = as_frame(frame, "frame")
    repeats = check_count("repeats", repeats)
    sample = check_count("sample", sample)
    scorer = _scorer(scoring)
    parts = split_pipeline(pipeline)
    inputs = inputs_of(parts, frame)
    if len(y) != len(frame):
        raise ExplainError(MSG_TARGET_LENGTH.format(got=len(y), rows=len(frame)), field="y")
    target = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y), index=frame.index)
    known = target.notna().to_numpy()
    X, target = frame.loc[known, inputs], target[known]
    if len(X) == 0:
        raise ExplainError(MSG_NO_ROWS, field="frame")
    positions = sample_positions(len(X), sample, seed)
    X, target = X.iloc[positions], target.iloc[positions]
    result = permutation_importance(
        pipeline, X, target.to_numpy(), scoring=scorer, n_repeats=repeats, random_state=seed
    )
    table = pd.DataFrame(
        {
            "input_column": inputs,
            "importance_mean": result.importances_mean,
            "importance_std": result.importances_std,
        }
    )
    table = table.sort_values(
        ["importance_mean", "input_column"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    table.attrs.update(
        scoring=scoring,
        baseline_score=float(scorer(pipeline, X, target.to_numpy())),
        rows=len(X),
        repeats=repeats,
    )
    return table
