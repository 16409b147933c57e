"""Plotly figures for the Explain stage: importance, beeswarm, dependence, waterfall, what-if.

Computing lives in ``core.explain`` (``result`` holds what is drawn); these builders only draw its results, so pages just place
them. Colours come from ``core.goal.figures`` and follow SHAP's habit: red pushes the
prediction up, blue pulls it down, feature values run blue (low) → grey → red (high). No
template or background is set, so the figures read in light and dark themes. Feature names
and values are user text and are HTML-escaped, because Plotly renders tags in labels.
"""

from __future__ import annotations

import html
import math
import numbers
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.api import types as ptypes

from core.coerce import class_label
from core.explain.result import By, Explanation, WhatIf
from core.goal.figures import (
    CHOSEN_COLOUR,
    CURVE_COLOUR,
    GAIN_COLOUR,
    LOSS_COLOUR,
    ZERO_LINE_COLOUR,
)

__all__ = [
    "beeswarm_figure",
    "dependence_figure",
    "importance_bar_figure",
    "permutation_figure",
    "waterfall_figure",
    "what_if_figure",
]

RAISES_COLOUR = LOSS_COLOUR  # red: the feature pushes the prediction up
LOWERS_COLOUR = GAIN_COLOUR  # blue: it pulls the prediction down
BAR_COLOUR = CURVE_COLOUR
TOTAL_COLOUR = CURVE_COLOUR
BEFORE_COLOUR = CURVE_COLOUR
AFTER_COLOUR = CHOSEN_COLOUR
NO_VALUE_COLOUR = ZERO_LINE_COLOUR  # points whose feature value is text or missing
VALUE_COLOURSCALE = [[0.0, GAIN_COLOUR], [0.5, ZERO_LINE_COLOUR], [1.0, LOSS_COLOUR]]
MAX_BEESWARM_POINTS = 2000
SWARM_BINS = 60  # bins along the SHAP axis in which points are stacked
SWARM_HEIGHT = 0.4  # half the height of a feature's band (bands are 1 apart)
MAX_LABEL = 40  # characters of a value shown in a label

BASE_NAME = "Base value"
PREDICTION_NAME = "Prediction"
OTHER_NAME = "{count} other features"
BEFORE_NAME = "Before"
AFTER_NAME = "After"


def _escape(text: Any, limit: int = MAX_LABEL) -> str:
    shown = str(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return html.escape(shown, quote=False)


def _show_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    return _escape(value)


def _output_words(explanation: Explanation) -> str:
    label = explanation.class_label
    shown = f" of {html.escape(repr(class_label(label)), quote=False)}" if label is not None else ""
    words = {
        "log-odds": f"log-odds{shown}",
        "softmax-logit": f"raw score{shown}",
        "probability": f"probability{shown}",
        "prediction": "prediction",
    }
    return words[explanation.output_space]


def _axis_title(explanation: Explanation) -> str:
    return f"Contribution to the {_output_words(explanation)}"


def _bar_layout(fig: go.Figure, title: str, x_title: str, rows: int) -> go.Figure:
    fig.update_layout(
        title={"text": title},
        xaxis={"title": {"text": x_title}, "zeroline": True, "zerolinecolor": ZERO_LINE_COLOUR},
        yaxis={"autorange": "reversed", "automargin": True},
        height=max(320, 90 + 26 * rows),
        margin={"t": 60},
        showlegend=False,
    )
    return fig


# --- importance ----------------------------------------------------------------------------


def importance_bar_figure(
    explanation: Explanation, *, by: By = "input", top: int = 20
) -> go.Figure:
    """Mean |contribution| per input column (or transformed feature), largest on top."""
    table = explanation.global_importance(by=by)
    shown = table.head(top)
    fig = go.Figure(
        go.Bar(
            x=shown["mean_abs_shap"],
            y=[_escape(n) for n in shown["name"]],
            orientation="h",
            marker={"color": BAR_COLOUR},
            customdata=np.asarray(shown["share"]) * 100,
            hovertemplate="%{y}<br>mean |contribution| %{x:.4g}<br>"
            "%{customdata:.1f} % of the total<extra></extra>",
            name="Mean |contribution|",
        )
    )
    what = "input column" if by == "input" else "feature"
    more = f" (top {len(shown)} of {len(table)})" if len(table) > len(shown) else ""
    title = f"What drives the predictions: mean |contribution| per {what}{more}"
    x_title = f"Mean |contribution| ({_output_words(explanation)})"
    return _bar_layout(fig, title, x_title, len(shown))


def permutation_figure(table: pd.DataFrame, *, top: int = 20) -> go.Figure:
    """Drop in score when each input column is shuffled (mean ± std over repeats)."""
    shown = table.head(top)
    scoring = table.attrs.get("scoring", "score")
    fig = go.Figure(
        go.Bar(
            x=shown["importance_mean"],
            y=[_escape(n) for n in shown["input_column"]],
            orientation="h",
            marker={"color": BAR_COLOUR},
            error_x={
                "type": "data",
                "array": shown["importance_std"],
                "color": ZERO_LINE_COLOUR,
            },
            hovertemplate=f"%{{y}}<br>{html.escape(str(scoring))} drops by %{{x:.4g}}<extra></extra>",
            name="Importance",
        )
    )
    repeats = table.attrs.get("repeats")
    detail = f" (mean ± std over {repeats} shuffles)" if repeats else ""
    title = f"Permutation importance: drop in {html.escape(str(scoring))} when a column is shuffled"
    return _bar_layout(fig, title, f"Drop in {html.escape(str(scoring))}{detail}", len(shown))


# --- beeswarm ------------------------------------------------------------------------------


def _swarm_offsets(values: np.ndarray) -> np.ndarray:
    """Vertical offsets that stack points sharing a SHAP bin: 0, +1, −1, +2, … (scaled)."""
    if len(values) == 0:
        return np.zeros(0)
    low, high = float(values.min()), float(values.max())
    span = high - low or 1.0
    bins = np.floor((values - low) / span * (SWARM_BINS - 1)).astype(int)
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values))
    rank[order] = pd.Series(bins[order]).groupby(bins[order]).cumcount().to_numpy()
    steps = np.ceil(rank / 2) * np.where(rank % 2 == 1, 1.0, -1.0)
    crowd = max(math.ceil(np.bincount(bins).max() / 2), 1)
    return steps * (SWARM_HEIGHT / crowd)


def _value_ranks(column: pd.Series) -> np.ndarray:
    """Each value's rank within its feature, 0..1; NaN for text or missing values."""
    if not ptypes.is_numeric_dtype(column.dtype) or ptypes.is_bool_dtype(column.dtype):
        if not ptypes.is_bool_dtype(column.dtype):
            return np.full(len(column), np.nan)
        column = column.astype(float)
    return column.rank(pct=True).to_numpy(dtype=float, na_value=np.nan)


def _point_positions(count: int, limit: int) -> np.ndarray:
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(int))


def beeswarm_figure(
    explanation: Explanation, *, top: int = 15, max_points: int = MAX_BEESWARM_POINTS
) -> go.Figure:
    """Every row's contribution per feature (x), features by importance (y), coloured by the
    feature value's rank: red = high values, blue = low, grey = text or missing."""
    importance = explanation.global_importance(by="feature").head(top)
    index = {name: j for j, name in enumerate(explanation.feature_names)}
    keep = _point_positions(len(explanation.values), max_points)
    xs, ys, colours, hover = [], [], [], []
    for band, name in enumerate(importance["name"]):
        j = index[name]
        shap_values = np.asarray(explanation.values[keep, j])
        column = explanation.data.iloc[keep, j]
        xs.append(shap_values)
        ys.append(band + _swarm_offsets(shap_values))
        colours.append(_value_ranks(column))
        shown = [_show_value(v) for v in column]
        hover += [f"{_escape(name)} = {v}" for v in shown]
    x, y, colour = (np.concatenate(a) if a else np.zeros(0) for a in (xs, ys, colours))
    text = np.asarray(hover, dtype=object)
    ranked = ~np.isnan(colour)
    fig = go.Figure()
    fig.add_trace(
        go.Scattergl(
            x=x[~ranked],
            y=y[~ranked],
            mode="markers",
            marker={"color": NO_VALUE_COLOUR, "size": 5, "opacity": 0.7},
            text=text[~ranked],
            hovertemplate="%{text}<br>contribution %{x:.4g}<extra></extra>",
            name="Text or missing value",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scattergl(
            x=x[ranked],
            y=y[ranked],
            mode="markers",
            marker={
                "color": colour[ranked],
                "colorscale": VALUE_COLOURSCALE,
                "cmin": 0.0,
                "cmax": 1.0,
                "size": 5,
                "opacity": 0.8,
                "colorbar": {
                    "title": {"text": "Feature value"},
                    "tickvals": [0, 1],
                    "ticktext": ["low", "high"],
                    "thickness": 12,
                },
            },
            text=text[ranked],
            hovertemplate="%{text}<br>contribution %{x:.4g}<extra></extra>",
            name="Contribution",
            showlegend=False,
        )
    )
    names = [_escape(n) for n in importance["name"]]
    fig.update_layout(
        title={"text": f"Contribution of each feature, one dot per row ({len(keep):,} rows)"},
        xaxis={
            "title": {"text": _axis_title(explanation)},
            "zeroline": True,
            "zerolinecolor": ZERO_LINE_COLOUR,
        },
        yaxis={
            "tickvals": list(range(len(names))),
            "ticktext": names,
            "autorange": "reversed",
            "automargin": True,
            "showgrid": False,
        },
        height=max(360, 110 + 34 * len(names)),
        margin={"t": 60},
    )
    return fig


# --- dependence ----------------------------------------------------------------------------


def dependence_figure(explanation: Explanation, feature: str) -> go.Figure:
    """A feature's contribution against its value: scatter for numbers, boxes for categories."""
    table = explanation.dependence(feature)
    x, contribution = table["value"], table["shap"].to_numpy()
    numeric = ptypes.is_numeric_dtype(x.dtype) and not ptypes.is_bool_dtype(x.dtype)
    name = _escape(feature)
    fig = go.Figure()
    if numeric:
        fig.add_trace(
            go.Scattergl(
                x=x.to_numpy(dtype=float, na_value=np.nan),
                y=contribution,
                mode="markers",
                marker={"color": BAR_COLOUR, "size": 6, "opacity": 0.6},
                hovertemplate=f"{name} = %{{x:.4g}}<br>contribution %{{y:.4g}}<extra></extra>",
                name=name,
            )
        )
    else:
        labels = [_show_value(v) for v in x]
        fig.add_trace(
            go.Box(
                x=labels,
                y=contribution,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"color": BAR_COLOUR, "size": 5, "opacity": 0.6},
                line={"color": BAR_COLOUR},
                fillcolor="rgba(0,0,0,0)",
                hovertemplate=f"{name} = %{{x}}<br>contribution %{{y:.4g}}<extra></extra>",
                name=name,
            )
        )
    fig.add_hline(y=0, line={"color": ZERO_LINE_COLOUR, "width": 1, "dash": "dot"})
    fig.update_layout(
        title={"text": f"How {name} moves the prediction"},
        xaxis={"title": {"text": name}},
        yaxis={"title": {"text": _axis_title(explanation)}},
        showlegend=False,
        margin={"t": 60},
    )
    return fig


# --- waterfall -----------------------------------------------------------------------------


def _prediction_text(explanation: Explanation, value: float) -> str:
    text = f"{_output_words(explanation)} {value:.4g}"
    if explanation.output_space == "log-odds":
        text += f" (probability {1 / (1 + math.exp(-value)):.3f})"
    return text


def waterfall_figure(
    explanation: Explanation, row_index: int = 0, *, top: int = 12, by: By = "input"
) -> go.Figure:
    """One row: base value → the largest contributions → "other features" → prediction."""
    table = explanation.contributions(row_index, by=by)
    shown, rest = table.head(top), table.iloc[top:]
    labels = [BASE_NAME]
    labels += [
        f"{_escape(n)} = {_show_value(v)}"
        for n, v in zip(shown["name"], shown["value"], strict=True)
    ]
    amounts = [explanation.base_value, *shown["shap"].tolist()]
    measures = ["absolute"] + ["relative"] * len(shown)
    if len(rest):
        labels.append(OTHER_NAME.format(count=len(rest)))
        amounts.append(float(rest["shap"].sum()))
        measures.append("relative")
    prediction = explanation.base_value + float(table["shap"].sum())
    labels.append(PREDICTION_NAME)
    amounts.append(0.0)
    measures.append("total")
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=labels,
            x=amounts,
            measure=measures,
            increasing={"marker": {"color": RAISES_COLOUR}},
            decreasing={"marker": {"color": LOWERS_COLOUR}},
            totals={"marker": {"color": TOTAL_COLOUR}},
            connector={"line": {"color": ZERO_LINE_COLOUR, "width": 1}},
            hovertemplate="%{y}<br>%{x:.4g}<extra></extra>",
            name="Contribution",
        )
    )
    title = f"Why this row: {_prediction_text(explanation, prediction)}"
    fig = _bar_layout(fig, title, _axis_title(explanation), len(labels))
    fig.update_xaxes(zeroline=False)
    return fig


# --- what-if -------------------------------------------------------------------------------


def _outcome_text(what_if: WhatIf) -> str:
    if what_if.original_proba is not None and what_if.new_proba is not None:
        label = html.escape(repr(class_label(what_if.positive)), quote=False)
        return f"Probability of {label}: {what_if.original_proba:.3f} → {what_if.new_proba:.3f}"
    before, after = what_if.original_prediction, what_if.new_prediction
    return f"Prediction: {_show_value(before)} → {_show_value(after)}"


def _what_if_contributions(
    original: Explanation, new: Explanation, changed: tuple[str, ...], top: int
) -> pd.DataFrame:
    before = original.input_values().iloc[0]
    after = new.input_values().iloc[0]
    table = pd.DataFrame({"before": before, "after": after})
    table["size"] = table[["before", "after"]].abs().max(axis=1)
    table["changed"] = [name in changed for name in table.index]
    table = table.sort_values(["changed", "size"], ascending=[False, False], kind="stable")
    return table.head(max(top, int(table["changed"].sum())))


def what_if_figure(what_if: WhatIf, *, top: int = 12) -> go.Figure:
    """Contributions per input column before and after the change, side by side."""
    fig = go.Figure()
    if what_if.original_explanation is None or what_if.new_explanation is None:
        before, after = what_if.original_proba, what_if.new_proba
        if before is None or after is None:
            before, after = what_if.original_prediction, what_if.new_prediction
        fig.add_trace(
            go.Bar(
                x=[BEFORE_NAME, AFTER_NAME],
                y=[float(before), float(after)],
                marker={"color": [BEFORE_COLOUR, AFTER_COLOUR]},
                name="Outcome",
            )
        )
        fig.update_layout(title={"text": _outcome_text(what_if)}, showlegend=False)
        return fig
    table = _what_if_contributions(
        what_if.original_explanation, what_if.new_explanation, what_if.changed, top
    )
    names = [
        f"<b>{_escape(n)}</b> (changed)" if changed else _escape(n)
        for n, changed in zip(table.index, table["changed"], strict=True)
    ]
    for column, label, colour in (
        ("before", BEFORE_NAME, BEFORE_COLOUR),
        ("after", AFTER_NAME, AFTER_COLOUR),
    ):
        fig.add_trace(
            go.Bar(
                x=table[column],
                y=names,
                orientation="h",
                marker={"color": colour},
                name=label,
                hovertemplate=f"%{{y}}<br>{label}: %{{x:.4g}}<extra></extra>",
            )
        )
    fig = _bar_layout(
        fig, _outcome_text(what_if), _axis_title(what_if.new_explanation), len(names) * 2
    )
    fig.update_layout(
        barmode="group",
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )
    return fig
