"""Explain stage: why a fitted pipeline predicts what it does — SHAP values and what-if.

``shap`` explains rows with the explainer that suits the model step (``explainers``: tree,
linear or model-agnostic permutation), naming each transformed feature after scikit-learn's
own feature names (``names``); ``whatif`` re-predicts a row with changed inputs;
``importance`` is scikit-learn's permutation importance; ``figures`` draws the results.
Results are frozen dataclasses (``result``). Pure Python: no Streamlit, no storage.

    explanation = explain(pipeline, frame, sample=2000, seed=0)
    explanation.global_importance()        # mean |SHAP| per input column, largest first
    what_if(pipeline, frame.iloc[[0]], {"plan": "pro"}).new_proba
"""

from __future__ import annotations

from core.explain.importance import permutation_importance_table
from core.explain.pipeline import class_index_of, explainer_kind
from core.explain.result import By, ExplainerKind, ExplainError, Explanation, OutputSpace, WhatIf
from core.explain.shap import DEFAULT_SAMPLE, explain, explain_row
from core.explain.whatif import what_if

__all__ = [
    "DEFAULT_SAMPLE",
    "By",
    "ExplainError",
    "ExplainerKind",
    "Explanation",
    "OutputSpace",
    "WhatIf",
    "class_index_of",
    "explain",
    "explain_row",
    "explainer_kind",
    "permutation_importance_table",
    "what_if",
]
