"""Plotly figures for the Evaluate stage: confusion, ROC, precision-recall, calibration, gains
and money by threshold. Residuals, score distributions and error cohorts are drawn by
``core.evaluate.error_figures``.

Computing lives in the other ``core.evaluate`` modules; these builders only draw their
(aggregated or sampled) results, so no figure carries more than MAX_FIGURE_POINTS markers.
Backgrounds are transparent and grid lines mid-grey, so the figures read in light and dark
themes; text inside cells sits on light fills in dark ink. User text (class labels, column
names, currency) is HTML-escaped because Plotly renders tags in labels.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.evaluate.classification import ClassificationEvaluation
from core.evaluate.inputs import EvaluateError
from core.figure_style import style_figure
from core.goal import ValueCurve, format_money
from core.goal.figures import (
    CHOSEN_COLOUR,
    CURVE_COLOUR,
    GAIN_COLOUR,
    NEUTRAL_COLOUR,
    OPTIMAL_COLOUR,
    RISK_TEXT_COLOUR,
    ZERO_LINE_COLOUR,
    value_curve_figure,
)

__all__ = [
    "MAX_FIGURE_POINTS",
    "calibration_figure",
    "confusion_figure",
    "gains_figure",
    "pr_figure",
    "profit_curve_figure",
    "roc_figure",
]


MAX_FIGURE_POINTS = 5_000
SCATTER_POINTS_PER_PANEL = 2_400  # two panels plus summary lines stay under MAX_FIGURE_POINTS
LIGHT_LOSS_COLOUR = "#f4a582"  # light tints of LOSS/GAIN_COLOUR: dark text stays readable
LIGHT_GAIN_COLOUR = "#92c5de"
DEFAULT_COLOUR = ZERO_LINE_COLOUR
CLASS_COLOURS = (
    CURVE_COLOUR,
    CHOSEN_COLOUR,
    OPTIMAL_COLOUR,
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)
CHANCE_NAME = "Random guess"
CURRENT_NAME = "At the chosen threshold"

MSG_NO_MONEY = (
    "the money view of the confusion matrix needs the goal's payoff matrix and volume per "
    "month (binary tasks only)"
)
MSG_NO_CURVE = "this evaluation has no {what}: {why}"


def escape(text: object) -> str:
    return html.escape(str(text))


def style(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    return style_figure(fig, title, x_title, y_title, legend="bottom")


def colour(i: int) -> str:
    return CLASS_COLOURS[i % len(CLASS_COLOURS)]


def spread_rows(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most ``limit`` evenly spaced rows (the rows are already a seeded sample)."""
    if len(frame) <= limit:
        return frame
    return frame.iloc[np.linspace(0, len(frame) - 1, limit).round().astype(int)]


def reference_line(
    x: list[float], y: list[float], name: str, *, colour: str = ZERO_LINE_COLOUR, dash: str = "dash"
) -> go.Scatter:
    """A thin line to read the model against (chance, perfect, diagonal); no hover."""
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        line={"color": colour, "dash": dash, "width": 1},
        name=name,
        hoverinfo="skip",
    )


def require(frame: pd.DataFrame | None, what: str, why: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        raise EvaluateError(MSG_NO_CURVE.format(what=what, why=why), field=what)
    return frame


# --- confusion -----------------------------------------------------------------------------


def confusion_figure(
    evaluation: ClassificationEvaluation, *, money: bool = False, currency: str | None = None
) -> go.Figure:
    """Counts (with the share of each actual class) or money per month in every cell."""
    counts = evaluation.confusion
    labels = [escape(c) for c in counts.columns]
    actual = [escape(c) for c in counts.index]
    values = counts.to_numpy(dtype=float)
    row_share = values / np.maximum(values.sum(axis=1, keepdims=True), 1)
    if money:
        if evaluation.confusion_value is None:
            raise EvaluateError(MSG_NO_MONEY, field="money")
        z = evaluation.confusion_value.to_numpy(dtype=float)
        text = [
            [
                f"{escape(format_money(z[i, j], currency))}<br>{int(values[i, j]):,} rows"
                for j in range(z.shape[1])
            ]
            for i in range(z.shape[0])
        ]
        reach = float(np.max(np.abs(z))) or 1.0
        scale = [[0.0, LIGHT_LOSS_COLOUR], [0.5, NEUTRAL_COLOUR], [1.0, LIGHT_GAIN_COLOUR]]
        extra = {"zmin": -reach, "zmax": reach}
        title = "Money per month by outcome"
    else:
        z = values
        text = [
            [f"{int(values[i, j]):,}<br>{row_share[i, j]:.0%} of actual" for j in range(z.shape[1])]
            for i in range(z.shape[0])
        ]
        scale = [[0.0, NEUTRAL_COLOUR], [1.0, LIGHT_GAIN_COLOUR]]
        extra = {"zmin": 0.0}
        title = "Confusion matrix"
    if evaluation.threshold is not None:
        title += f" (positive when score ≥ {evaluation.threshold:.3g})"
    fig = go.Figure(
        go.Heatmap(
            x=labels,
            y=actual,
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"color": RISK_TEXT_COLOUR},
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="Actual %{y}, predicted %{x}<br>%{text}<extra></extra>",
            name="Confusion",
            **extra,
        )
    )
    style(fig, title, "Predicted", "Actual")
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(type="category", side="bottom", showgrid=False)
    return fig


# --- ROC, PR, calibration, gains --------------------------------------------------------------


def _rates_at_threshold(evaluation: ClassificationEvaluation) -> dict[str, float] | None:
    if evaluation.positive is None:
        return None
    m = evaluation.confusion.to_numpy(dtype=float)
    p = evaluation.classes.index(evaluation.positive)
    n = 1 - p
    tp, fn, fp, tn = m[p, p], m[p, n], m[n, p], m[n, n]
    return {
        "fpr": fp / (fp + tn) if fp + tn else math.nan,
        "tpr": tp / (tp + fn) if tp + fn else math.nan,
        "precision": tp / (tp + fp) if tp + fp else math.nan,
    }


def _current_point(fig: go.Figure, x: float, y: float, threshold: float | None) -> None:
    if not (math.isfinite(x) and math.isfinite(y)):
        return
    fig.add_trace(
        go.Scatter(
            x=[x],
            y=[y],
            mode="markers",
            marker={"color": CHOSEN_COLOUR, "size": 12, "line": {"color": "#000000", "width": 1}},
            name=CURRENT_NAME if threshold is None else f"{CURRENT_NAME} {threshold:.3g}",
            hovertemplate="%{x:.3f}, %{y:.3f}<extra></extra>",
        )
    )


def _metric_value(evaluation: ClassificationEvaluation, name: str) -> float:
    try:
        return evaluation.metric(name).value
    except KeyError:
        return math.nan


def _class_curves(
    fig: go.Figure,
    curves: pd.DataFrame,
    evaluation: ClassificationEvaluation,
    axes: tuple[str, str],
    area: tuple[str, str],
    hover: str,
    shape: str | None = None,
) -> None:
    """One line per class; a binary curve is named by its area (``area`` = label, metric)."""
    for i, (label, curve) in enumerate(curves.groupby("class", sort=False)):
        name = escape(label)
        if evaluation.task == "binary":
            name = f"{area[0]} {_metric_value(evaluation, area[1]):.3f}"
        line: dict[str, object] = {"color": colour(i), "width": 2}
        if shape is not None:
            line["shape"] = shape
        fig.add_trace(
            go.Scatter(
                x=curve[axes[0]],
                y=curve[axes[1]],
                mode="lines",
                line=line,
                name=name,
                hovertemplate=hover,
            )
        )


def roc_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """True vs false positive rate over all thresholds (one-vs-rest per class for multiclass)."""
    roc = require(evaluation.roc, "ROC curve", "it needs both classes among the rows")
    fig = go.Figure()
    hover = "False positive rate %{x:.3f}<br>True positive rate %{y:.3f}<extra></extra>"
    _class_curves(fig, roc, evaluation, ("fpr", "tpr"), ("ROC AUC", "roc_auc"), hover)
    fig.add_trace(reference_line([0, 1], [0, 1], CHANCE_NAME))
    rates = _rates_at_threshold(evaluation)
    if rates:
        _current_point(fig, rates["fpr"], rates["tpr"], evaluation.threshold)
    style(fig, "ROC curve", "False positive rate", "True positive rate (recall)")
    fig.update_xaxes(range=[0, 1.01])
    fig.update_yaxes(range=[0, 1.01])
    return fig


def pr_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """Precision vs recall over all thresholds, with the positive rate as the random baseline."""
    pr = require(evaluation.pr, "precision-recall curve", "it needs positives among the rows")
    fig = go.Figure()
    hover = "Recall %{x:.3f}<br>Precision %{y:.3f}<extra></extra>"
    _class_curves(fig, pr, evaluation, ("recall", "precision"), ("PR AUC", "pr_auc"), hover, "hv")
    rates = _rates_at_threshold(evaluation)
    if rates:
        counts = evaluation.confusion.to_numpy(dtype=float)
        p = evaluation.classes.index(evaluation.positive)
        base = counts[p].sum() / max(counts.sum(), 1)
        fig.add_hline(
            y=base,
            line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
            annotation={"text": f"random: positive rate {base:.1%}"},
        )
        _current_point(fig, rates["tpr"], rates["precision"], evaluation.threshold)
    style(fig, "Precision-recall curve", "Recall", "Precision")
    fig.update_xaxes(range=[0, 1.01])
    fig.update_yaxes(range=[0, 1.01])
    return fig


def calibration_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """Observed positive rate vs mean predicted probability per quantile bin."""
    cal = require(evaluation.calibration, "calibration curve", "it is drawn for binary tasks")
    fig = go.Figure(
        [
            reference_line([0, 1], [0, 1], "Perfectly calibrated"),
            go.Scatter(
                x=cal["mean_predicted"],
                y=cal["observed"],
                mode="lines+markers",
                line={"color": CURVE_COLOUR, "width": 2},
                marker={"size": 8},
                customdata=cal["rows"],
                name="Model",
                hovertemplate="Predicted %{x:.3f}<br>Observed %{y:.3f}<br>%{customdata:,} rows"
                "<extra></extra>",
            ),
        ]
    )
    style(
        fig,
        "Calibration: do predicted probabilities match what happens?",
        "Mean predicted probability",
        "Observed share of positives",
    )
    fig.update_xaxes(range=[0, 1.01])
    fig.update_yaxes(range=[0, 1.01])
    return fig


def gains_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """Cumulative gains (share of positives caught by targeting the top scores) and lift."""
    gains = require(evaluation.gains, "gains table", "it needs a binary task with positives")
    x = np.r_[0.0, gains["share_targeted"].to_numpy()]
    y = np.r_[0.0, gains["share_of_positives"].to_numpy()]
    last = gains.iloc[-1]
    base = last["positives_captured"] / last["rows_targeted"]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Cumulative gains", "Lift by share targeted"),
        horizontal_spacing=0.12,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines+markers",
            line={"color": CURVE_COLOUR, "width": 2},
            name="Model",
            hovertemplate="Target top %{x:.0%}<br>catch %{y:.0%} of positives<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        reference_line([0, 1], [0, 1], CHANCE_NAME),
        row=1,
        col=1,
    )
    fig.add_trace(
        reference_line([0, base, 1], [0, 1, 1], "Perfect model", colour=OPTIMAL_COLOUR, dash="dot"),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=gains["share_targeted"],
            y=gains["lift"],
            marker={"color": CURVE_COLOUR},
            name="Cumulative lift",
            hovertemplate="Top %{x:.0%}: %{y:.2f}x the positive rate<extra></extra>",
            width=0.8 / len(gains),
        ),
        row=1,
        col=2,
    )
    fig.add_hline(y=1, line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1}, row=1, col=2)
    style(fig, "Who to target: gains and lift")
    fig.update_xaxes(title={"text": "Share targeted (highest scores first)"}, tickformat=".0%")
    fig.update_yaxes(title={"text": "Share of positives caught"}, tickformat=".0%", row=1, col=1)
    fig.update_yaxes(title={"text": "Lift (x the positive rate)"}, row=1, col=2)
    return fig


# --- money ---------------------------------------------------------------------------------


def profit_curve_figure(
    curve: ValueCurve,
    *,
    chosen: float | None,
    optimal: float | None,
    default: float | None = 0.5,
    kpi_target_value: float | None = None,
    currency: str | None = None,
) -> go.Figure:
    """Value per month against the threshold, with the chosen, optimal and default 0.5 lines.

    ``kpi_target_value`` draws the money per month the KPI target stands for, if known.
    """
    fig = value_curve_figure(
        curve, chosen_threshold=chosen, optimal_threshold=optimal, currency=currency
    )
    marked = [t for t in (chosen, optimal) if t is not None]
    if default is not None and not any(math.isclose(default, t) for t in marked):
        fig.add_vline(
            x=float(default),
            line={"color": DEFAULT_COLOUR, "width": 1, "dash": "dot"},
            annotation={"text": f"default {default:g}", "yanchor": "bottom", "y": 0},
        )
    if kpi_target_value is not None:
        fig.add_hline(
            y=float(kpi_target_value),
            line={"color": GAIN_COLOUR, "width": 1, "dash": "dash"},
            annotation={
                "text": f"business case {escape(format_money(kpi_target_value, currency))}"
            },
        )
    unit = escape(currency) if currency else "money"
    return style(
        fig,
        "Value per month by threshold (flag when score ≥ threshold)",
        "Threshold",
        f"Value per month ({unit})",
    )
