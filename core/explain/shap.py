"""SHAP values of a fitted pipeline: a seeded sample of rows (``explain``) or one row.

``explain`` runs the preprocessing once on a seeded sample of rows, then the explainer that
suits the model step (``core.explain.explainers``). Contributions are reported per
transformed feature under a readable name ("plan = pro", ``core.explain.names``) and,
because SHAP values add up, per input column too. Deep forests and model-agnostic
explainers explain fewer rows, within a fixed budget of work, stated in the notes.

    explanation = explain(pipeline, frame, sample=2000, seed=0)
    explanation.global_importance()        # mean |SHAP| per input column, largest first
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.coerce import class_label
from core.explain.explainers import (
    PERMUTATIONS,
    ProgressCallback,
    explainer_space,
    linear_values,
    output_space_of,
    permutation_values,
    tree_values,
    xgboost_booster,
)
from core.explain.pipeline import (
    MSG_NO_ROWS,
    Parts,
    as_frame,
    check_count,
    class_position,
    inputs_of,
    one_row,
    sample_positions,
    split_pipeline,
)
from core.explain.result import ExplainError, Explanation, OutputSpace

__all__ = ["explain", "explain_row"]

DEFAULT_SAMPLE = 2000  # rows explained by default (a seeded sample of the frame)
AGNOSTIC_MAX_ROWS = 200  # the permutation explainer costs ~2 model calls a row
AGNOSTIC_EVALUATIONS = 2_000_000  # rows the model may predict for one permutation explanation
MIN_AGNOSTIC_ROWS = 10  # explained even when the budget allows fewer
NEIGHBOUR_COST_ROWS = 1000  # a k-NN prediction costs ~ its training rows / this (vs. a tree)
BACKGROUND_ROWS = 50  # background rows the permutation explainer masks with
LINEAR_BACKGROUND_ROWS = 1000  # rows whose mean the linear explainer compares with
TREE_WORK_BUDGET = 4e10  # leaves x depth² x rows: about 20 s of TreeSHAP on a deep forest
MIN_TREE_ROWS = 20  # explained even when a deep forest exceeds the budget

# --- messages and notes (tests import these) ---------------------------------------------

MSG_NEEDS_BACKGROUND = (
    "a {kind} explanation compares the row with typical rows, so it needs background rows; "
    "pass background= (for example a sample of the training rows)"
)

NOTE_ALL_ROWS = "Explained all {rows:,} rows."
NOTE_SAMPLE = "Explained a random sample of {rows:,} of {total:,} rows (seed {seed})."
NOTE_AGNOSTIC_CAP = "Model-agnostic explanations are slow, so at most {limit:,} rows are explained."
NOTE_TREE_CAP = (
    "This forest is large (deep trees), so at most {limit:,} rows are explained to keep it quick."
)
NOTE_TREE = "Exact tree SHAP (shap.TreeExplainer, path-dependent: no background rows needed)."
NOTE_TREE_XGBOOST = (
    "Exact tree SHAP computed by XGBoost itself (pred_contribs, which shap.TreeExplainer "
    "calls for XGBoost models; path-dependent: no background rows needed)."
)
NOTE_LINEAR = (
    "Linear SHAP (shap.LinearExplainer) against the mean of {background:,} background rows; "
    "features are treated as independent."
)
NOTE_LINEAR_ZERO = (
    "No background rows given: contributions are coefficient × transformed value, relative "
    "to the intercept (scaled features are centred on their training mean)."
)
NOTE_PERMUTATION = (
    "Estimated with shap.PermutationExplainer ({permutations} permutations, {background:,} "
    "background rows, seed {seed}), one contribution per input column: the model is neither "
    "a tree nor a linear model."
)
OUTPUT_NOTES: dict[str, str] = {
    "log-odds": (
        "Values are in log-odds of {cls}: base value + contributions = the model's log-odds; "
        "probability = 1 / (1 + e^(−log-odds))."
    ),
    "softmax-logit": (
        "Values are in the raw score of {cls} (softmax logit): base value + contributions = "
        "that score; the class probabilities are the softmax of all classes' scores."
    ),
    "probability": "Values are in probability of {cls}: base value + contributions = the probability.",
    "prediction": "Values are in the units of the prediction: base value + contributions = the prediction.",
}


def _tree_row_limit(model: Any) -> int | None:
    """Rows TreeSHAP explains within ``TREE_WORK_BUDGET`` (deep sklearn forests only)."""
    trees = getattr(model, "estimators_", None)
    trees = [model] if trees is None and hasattr(model, "tree_") else trees
    if not trees or not all(hasattr(t, "tree_") for t in np.ravel(trees)):
        return None
    work = sum(int(t.tree_.n_leaves) * max(int(t.tree_.max_depth), 1) ** 2 for t in np.ravel(trees))
    return max(MIN_TREE_ROWS, int(TREE_WORK_BUDGET // max(work, 1)))


def _output_note(space: OutputSpace, label: Any) -> str:
    return OUTPUT_NOTES[space].format(cls=repr(class_label(label)) if label is not None else "")


def run_explainer(
    parts: Parts,
    rows: pd.DataFrame,
    background: pd.DataFrame | None,
    *,
    position: int | None,
    seed: int,
    notes: list[str],
    total: int,
    report: ProgressCallback | None,
) -> Explanation:
    """Transform once, run the chosen explainer, wrap the values in an ``Explanation``."""
    inputs = inputs_of(parts, rows)
    if background is not None:
        inputs_of(parts, background)
    space = explainer_space(parts, rows, background, inputs, position)
    if report is not None:
        report(0.1, "Prepared the rows")
    if parts.kind == "tree":
        values, base = tree_values(parts, space, position, report)
        notes.append(NOTE_TREE_XGBOOST if xgboost_booster(parts.model) is not None else NOTE_TREE)
    elif parts.kind == "linear":
        values, base = linear_values(parts, space, position)
        bg = 0 if space.background is None else len(space.background)
        notes.append(NOTE_LINEAR.format(background=bg) if bg else NOTE_LINEAR_ZERO)
    else:
        if space.background is None:
            message = MSG_NEEDS_BACKGROUND.format(kind="model-agnostic")
            raise ExplainError(message, field="background")
        values, base, columns = permutation_values(space, space.background, inputs, seed, report)
        notes.append(
            NOTE_PERMUTATION.format(
                permutations=PERMUTATIONS, background=len(space.background), seed=seed
            )
        )
        space.items = [(c, c) for c in columns]
        data = rows[columns]
    if parts.kind != "permutation":
        labels = [label for label, _ in space.items]
        data = pd.DataFrame(space.matrix, columns=labels, index=rows.index)
    label = parts.classes[position] if parts.classes is not None else None
    space_name = output_space_of(parts)
    notes.append(_output_note(space_name, label))
    return Explanation(
        feature_names=tuple(label for label, _ in space.items),
        original_columns=tuple(origin for _, origin in space.items),
        values=np.ascontiguousarray(values, dtype=np.float64),
        base_value=float(base),
        data=data,
        rows=rows,
        explainer=parts.kind,
        output_space=space_name,
        sample_rows=len(rows),
        notes=tuple(notes),
        class_label=label,
        total_rows=total,
    )


def _agnostic_row_limit(parts: Parts, columns: int, background: int) -> int:
    """Rows the permutation explainer explains within ``AGNOSTIC_EVALUATIONS`` predictions.

    Each row costs up to PERMUTATIONS x (2 x columns + 1) x background predictions; a k-NN
    prediction costs more the more training rows it searches. Depends on the model only,
    so the same pipeline always explains the same rows.
    """
    per_row = PERMUTATIONS * (2 * columns + 1) * max(background, 1)
    fitted_rows = getattr(parts.model, "n_samples_fit_", None)
    weight = max(1.0, fitted_rows / NEIGHBOUR_COST_ROWS) if fitted_rows else 1.0
    affordable = int(AGNOSTIC_EVALUATIONS // (per_row * weight))
    return min(AGNOSTIC_MAX_ROWS, max(MIN_AGNOSTIC_ROWS, affordable))


def _row_limit(parts: Parts, frame: pd.DataFrame) -> tuple[int | None, str | None]:
    if parts.kind == "permutation":
        columns = len(inputs_of(parts, frame))
        limit = _agnostic_row_limit(parts, columns, min(BACKGROUND_ROWS, len(frame)))
        return limit, NOTE_AGNOSTIC_CAP.format(limit=limit)
    if parts.kind == "tree":
        cap = _tree_row_limit(parts.model)
        if cap is not None:
            return cap, NOTE_TREE_CAP.format(limit=cap)
    return None, None


def explain(
    pipeline: Any,
    frame: pd.DataFrame,
    *,
    sample: int = DEFAULT_SAMPLE,
    seed: int = 0,
    class_index: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> Explanation:
    """SHAP values for a seeded sample of ``frame``'s rows, with the right explainer.

    ``sample``: rows explained at most (fewer for model-agnostic explainers and very deep
    forests, stated in ``notes``). ``class_index``: the class explained, a position in
    ``pipeline.classes_`` (default: the second class of two — sklearn's positive — or the
    first of several; see ``class_index_of``). ``on_progress(fraction, message)`` is called
    as the work goes on. Same pipeline, rows and seed give identical values.
    """
    report = on_progress
    frame = as_frame(frame, "frame")
    sample = check_count("sample", sample)
    parts = split_pipeline(pipeline)
    inputs_of(parts, frame)
    if len(frame) == 0:
        raise ExplainError(MSG_NO_ROWS, field="frame")
    position = class_position(parts.classes, class_index)
    if report is not None:
        report(0.0, "Choosing rows to explain")
    limit, cap_note = _row_limit(parts, frame)
    size = sample if limit is None else min(sample, limit)
    rows = frame.iloc[sample_positions(len(frame), size, seed)]
    notes = [
        NOTE_ALL_ROWS.format(rows=len(rows))
        if len(rows) == len(frame)
        else NOTE_SAMPLE.format(rows=len(rows), total=len(frame), seed=seed)
    ]
    if cap_note and size < sample and len(frame) > size:
        notes.append(cap_note)
    background = None
    if parts.kind != "tree":
        rows_wanted = BACKGROUND_ROWS if parts.kind == "permutation" else LINEAR_BACKGROUND_ROWS
        background = frame.iloc[sample_positions(len(frame), rows_wanted, (seed, 1))]
    explanation = run_explainer(
        parts,
        rows,
        background,
        position=position,
        seed=seed,
        notes=notes,
        total=len(frame),
        report=report,
    )
    if report is not None:
        report(1.0, "Done")
    return explanation


def background_sample(parts: Parts, background: Any) -> pd.DataFrame | None:
    if background is None or parts.kind == "tree":
        return None
    background = as_frame(background, "background")
    if len(background) == 0:
        return None
    rows_wanted = BACKGROUND_ROWS if parts.kind == "permutation" else LINEAR_BACKGROUND_ROWS
    return background.iloc[sample_positions(len(background), rows_wanted, (0, 1))]


def explain_row(
    pipeline: Any,
    row: pd.DataFrame,
    *,
    background: pd.DataFrame | None = None,
    class_index: int | None = None,
) -> Explanation:
    """SHAP values of one row; fast for trees (~ms), which need no ``background``.

    Linear models compare with the mean of ``background`` (or, without it, with an all-zero
    transformed row); model-agnostic explainers need ``background`` (a seeded sample of at
    most ``BACKGROUND_ROWS`` of it is used).
    """
    row = one_row(row, "explain_row")
    parts = split_pipeline(pipeline)
    position = class_position(parts.classes, class_index)
    return run_explainer(
        parts,
        row,
        background_sample(parts, background),
        position=position,
        seed=0,
        notes=[NOTE_ALL_ROWS.format(rows=1)],
        total=1,
        report=None,
    )
