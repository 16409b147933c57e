"""Plotly figures for the Goal stage: ROI surface, risk matrix, value curve.

Computing lives in ``core.goal``; these builders only draw its results, so pages just
place them. Colours are fixed (not taken from the template) and every mark sits on its own
filled background or carries an outline, so the figures read in light and dark themes.
User text (risk names, currency) is HTML-escaped because Plotly renders tags in labels.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

from core.goal import (
    BusinessError,
    Goal,
    RiskItem,
    ValueCurve,
    risk_matrix,
    roi_estimate,
    roi_surface,
)

LOSS_COLOUR = "#b2182b"
NEUTRAL_COLOUR = "#f7f7f7"
GAIN_COLOUR = "#2166ac"
BREAK_EVEN_COLOUR = "#000000"  # drawn where net gain is 0, i.e. over the light neutral cells
MARKER_COLOUR = "#ffbf00"
MARKER_OUTLINE = "#000000"
CURVE_COLOUR = "#4c78a8"
OPTIMAL_COLOUR = "#2ca02c"
CHOSEN_COLOUR = "#ff7f0e"
ZERO_LINE_COLOUR = "#8c8c8c"
RISK_LEVEL_COLOURS = {  # light fills so dark text stays readable on every cell
    "low": "#81c784",
    "medium": "#fff176",
    "high": "#ffb74d",
    "critical": "#ef5350",
}
RISK_TEXT_COLOUR = "#111111"
BREAK_EVEN_NAME = "Break-even (net gain = 0)"
CURRENT_POINT_NAME = "Current model"
MAX_CURVE_POINTS = 2000

_LIKELIHOOD_LABELS = ("1 rare", "2 unlikely", "3 possible", "4 likely", "5 almost certain")
_IMPACT_LABELS = ("1 minor", "2 moderate", "3 serious", "4 major", "5 severe")


def _money_unit(currency: str | None) -> str:
    return html.escape(currency) if currency else "money"


def _current_point_text(
    goal: Goal,
    precision: float,
    recall: float,
    baseline_precision: float | None,
    baseline_recall: float | None,
) -> str:
    try:
        estimate = roi_estimate(
            goal,
            precision=precision,
            recall=recall,
            baseline_precision=baseline_precision,
            baseline_recall=baseline_recall,
        )
    except BusinessError as error:
        return html.escape(str(error))
    return f"Net gain {estimate.net_gain_per_month:,.0f} {_money_unit(goal.currency)} per month"


def roi_surface_figure(
    goal: Goal,
    *,
    precision: float,
    recall: float,
    baseline_precision: float | None = None,
    baseline_recall: float | None = None,
    resolution: int = 96,
) -> go.Figure:
    """Net gain per month over precision x recall, with the break-even line and the model.

    Blue cells earn more than the baseline after run costs, red cells lose; blank cells are
    precision/recall pairs that would need more false positives than there are negatives.
    """
    grid = np.linspace(0.05, 1.0, resolution)
    surface = roi_surface(
        goal,
        precisions=grid,
        recalls=grid,
        baseline_precision=baseline_precision,
        baseline_recall=baseline_recall,
    )
    unit = _money_unit(surface.currency)
    z = surface.net_gain_per_month
    finite = z[np.isfinite(z)]
    reach = float(np.max(np.abs(finite))) if finite.size else 1.0
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=surface.precisions,
            y=surface.recalls,
            z=z,
            zmin=-(reach or 1.0),
            zmax=reach or 1.0,
            colorscale=[[0.0, LOSS_COLOUR], [0.5, NEUTRAL_COLOUR], [1.0, GAIN_COLOUR]],
            colorbar={"title": {"text": f"Net gain<br>{unit}/month"}},
            hoverongaps=False,
            hovertemplate=(
                "Precision %{x:.2f}<br>Recall %{y:.2f}<br>"
                f"Net gain %{{z:,.0f}} {unit} per month<extra></extra>"
            ),
            name="Net gain per month",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=surface.break_even_precision,
            y=surface.recalls,
            mode="lines",
            line={"color": BREAK_EVEN_COLOUR, "width": 3},
            name=BREAK_EVEN_NAME,
            hovertemplate="Break-even at recall %{y:.2f}: precision %{x:.2f}<extra></extra>",
        )
    )
    text = _current_point_text(goal, precision, recall, baseline_precision, baseline_recall)
    fig.add_trace(
        go.Scatter(
            x=[precision],
            y=[recall],
            mode="markers",
            marker={
                "color": MARKER_COLOUR,
                "size": 14,
                "symbol": "circle",
                "line": {"color": MARKER_OUTLINE, "width": 2},
            },
            name=CURRENT_POINT_NAME,
            text=[text],
            hovertemplate="Precision %{x:.2f}<br>Recall %{y:.2f}<br>%{text}<extra></extra>",
        )
    )
    against = "doing nothing" if baseline_precision is None else "the current rule"
    fig.update_layout(
        title={"text": f"Net gain per month versus {against}, after run costs"},
        xaxis={"title": {"text": "Precision (share of flagged cases that are real)"}},
        yaxis={"title": {"text": "Recall (share of real positives caught)"}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        margin={"t": 60},
    )
    fig.update_xaxes(range=[0.0, 1.02])
    fig.update_yaxes(range=[0.0, 1.02])
    return fig


def _risk_colourscale() -> list[list]:
    """Stepwise colours over the score range 1..25 matching RiskItem.level."""
    steps = [(1, 4, "low"), (5, 9, "medium"), (10, 16, "high"), (17, 25, "critical")]
    scale: list[list] = []
    for low, high, level in steps:
        colour = RISK_LEVEL_COLOURS[level]
        scale.append([max(0.0, (low - 1.5) / 24), colour])
        scale.append([min(1.0, (high - 0.5) / 24), colour])
    scale[0][0] = 0.0
    scale[-1][0] = 1.0
    return scale


def _cell_label(name: str, width: int = 16, lines: int = 3) -> str:
    """A risk name wrapped to fit a matrix cell (at most ``lines`` lines), HTML-escaped."""
    wrapped = textwrap.wrap(name, width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], wrapped[lines - 1][: width - 1] + "…"]
    return "<br>".join(html.escape(line) for line in wrapped)


def risk_matrix_figure(risks: Iterable[RiskItem]) -> go.Figure:
    """A 5x5 likelihood x impact grid, green to red, with each risk's name in its cell."""
    matrix = risk_matrix(risks)
    scores = [[(lik + 1) * (imp + 1) for imp in range(5)] for lik in range(5)]
    cell_text = [
        ["<br>".join(_cell_label(n) for n in matrix.names[lik][imp]) for imp in range(5)]
        for lik in range(5)
    ]
    hover = [
        [
            "<br>".join(html.escape(n) for n in matrix.names[lik][imp]) or "no risks"
            for imp in range(5)
        ]
        for lik in range(5)
    ]
    fig = go.Figure(
        go.Heatmap(
            x=list(_IMPACT_LABELS),
            y=list(_LIKELIHOOD_LABELS),
            z=scores,
            zmin=1,
            zmax=25,
            colorscale=_risk_colourscale(),
            showscale=False,
            xgap=3,
            ygap=3,
            text=cell_text,
            texttemplate="%{text}",
            textfont={"color": RISK_TEXT_COLOUR, "size": 10},
            customdata=hover,
            hovertemplate=(
                "Likelihood %{y}, impact %{x}<br>Score %{z}<br>%{customdata}<extra></extra>"
            ),
            name="Risks",
        )
    )
    fig.update_layout(
        title={"text": "Risk matrix (likelihood x impact)"},
        xaxis={"title": {"text": "Impact"}, "side": "bottom"},
        yaxis={"title": {"text": "Likelihood"}},
        margin={"t": 60},
    )
    return fig


def _thin(size: int, keep: Iterable[int], limit: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Evenly spaced indices (plus the ones to keep) so a million-row curve stays light."""
    if size <= limit:
        return np.arange(size)
    picked = np.linspace(0, size - 1, limit).round().astype(int)
    return np.unique(np.r_[picked, list(keep)])


def value_curve_figure(
    curve: ValueCurve,
    *,
    chosen_threshold: float | None = None,
    optimal_threshold: float | None = None,
    currency: str | None = None,
) -> go.Figure:
    """Value per month against the decision threshold, with the chosen and optimal ones."""
    best = int(np.argmax(curve.value_per_month))
    idx = _thin(curve.thresholds.size, keep=[best])
    unit = _money_unit(currency)
    fig = go.Figure(
        go.Scatter(
            x=curve.thresholds[idx],
            y=curve.value_per_month[idx],
            mode="lines",
            line={"color": CURVE_COLOUR, "width": 2, "shape": "vh"},
            name="Value per month",
            hovertemplate=(
                f"Threshold %{{x:.3f}}<br>Value %{{y:,.0f}} {unit} per month<extra></extra>"
            ),
        )
    )
    fig.add_hline(y=0, line={"color": ZERO_LINE_COLOUR, "width": 1, "dash": "dot"})
    marks = [  # labels on opposite sides of their lines, so close thresholds stay readable
        (optimal_threshold, OPTIMAL_COLOUR, "dash", "value-optimal", "top right"),
        (chosen_threshold, CHOSEN_COLOUR, "solid", "chosen", "top left"),
    ]
    for threshold, colour, dash, label, position in marks:
        if threshold is None or not np.isfinite(threshold):
            continue
        fig.add_vline(
            x=float(threshold),
            line={"color": colour, "width": 2, "dash": dash},
            annotation={"text": f"{label} {threshold:.3g}", "font": {"color": colour}},
            annotation_position=position,
        )
    fig.update_layout(
        title={"text": "Value per month by threshold (flag when score ≥ threshold)"},
        xaxis={"title": {"text": "Threshold"}},
        yaxis={"title": {"text": f"Value per month ({unit})"}},
        margin={"t": 60},
    )
    return fig
