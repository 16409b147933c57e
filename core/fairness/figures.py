"""Plotly figures for the Fairness stage: metrics per group, disparities, value vs fairness.

Computing lives in ``core.fairness``; these builders only draw its results (one mark per
group, disparity or run), so pages just place them. Small groups are grey and hatched with
their row count written above, so nobody reads a noisy bar as a finding. Colours are fixed
and transparent backgrounds come from ``core.figure_style``, so the figures read in light
and dark themes. User text (group and run labels, column names) is HTML-escaped because
Plotly renders tags in labels.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.fairness import FairnessError
from core.fairness.report import METRIC_LABELS, SHARE_METRICS, Disparity, FairnessReport
from core.figure_style import style_figure
from core.goal.figures import (
    CHOSEN_COLOUR,
    CURVE_COLOUR,
    LOSS_COLOUR,
    OPTIMAL_COLOUR,
    ZERO_LINE_COLOUR,
)

__all__ = [
    "KINDS",
    "TRADEOFF_COLUMNS",
    "disparity_figure",
    "group_metrics_figure",
    "tradeoff_figure",
]

PASS_COLOUR = OPTIMAL_COLOUR
FAIL_COLOUR = LOSS_COLOUR
NO_LIMIT_COLOUR = CURVE_COLOUR
SMALL_GROUP_COLOUR = "#bdbdbd"
SMALL_GROUP_PATTERN = "/"
OUTLINE_COLOUR = "#000000"
TRADEOFF_COLUMNS = ("run_id", "label", "value", "disparity", "kind", "chosen")
KINDS: dict[str, tuple[str, str, str]] = {  # kind -> (legend name, colour, marker symbol)
    "leaderboard": ("Other runs", ZERO_LINE_COLOUR, "circle"),
    "original": ("Original model", CURVE_COLOUR, "square"),
    "mitigated": ("Mitigated model", OPTIMAL_COLOUR, "diamond"),
}
CHOSEN_NAME = "Chosen"
STATUS = {True: "passes", False: "fails", None: "no limit set"}

MSG_UNKNOWN_METRIC = "metric {value!r} is not in this report; choose one of {choices}"
MSG_POINTS_COLUMNS = "points lack column(s) {missing}; a trade-off needs {needed}"
MSG_POINTS_KIND = "points.kind must be one of {choices}; found {values}"


def _e(text: object) -> str:
    return html.escape(str(text))


def _style(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    return style_figure(fig, title, x_title, y_title, legend="bottom")


def _format(metric: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.0%}" if metric in SHARE_METRICS else f"{value:,.4g}"


# --- one metric per group ------------------------------------------------------------------


def _error_bars(table: pd.DataFrame, metric: str) -> dict:
    value = table[metric].astype(float)
    above = (table[f"{metric}_high"].astype(float) - value).clip(lower=0)
    below = (value - table[f"{metric}_low"].astype(float)).clip(lower=0)
    return {
        "type": "data",
        "symmetric": False,
        "array": above.fillna(0).to_numpy(),
        "arrayminus": below.fillna(0).to_numpy(),
        "color": OUTLINE_COLOUR,
        "thickness": 1.5,
        "width": 6,
    }


def _small_group_notes(fig: go.Figure, table: pd.DataFrame, metric: str) -> None:
    for row in table[table["small"]].itertuples(index=False):
        top = getattr(row, f"{metric}_high")
        value = getattr(row, metric)
        y = top if math.isfinite(top) else (value if math.isfinite(value) else 0.0)
        fig.add_annotation(
            x=_e(row.group),
            y=y,
            text=f"only {row.count:,} rows",
            showarrow=False,
            yanchor="bottom",
            yshift=4,
            font={"size": 11},
        )


def group_metrics_figure(report: FairnessReport, metric: str) -> go.Figure:
    """One bar per group with its 95 % interval; small groups grey, hatched and annotated."""
    if metric not in report.metrics:
        raise FairnessError(
            MSG_UNKNOWN_METRIC.format(value=metric, choices=", ".join(report.metrics)),
            field="metric",
        )
    table = report.by_group
    label = METRIC_LABELS.get(metric, metric)
    small = table["small"].to_numpy(dtype=bool)
    fig = go.Figure(
        go.Bar(
            x=[_e(g) for g in table["group"]],
            y=table[metric].astype(float),
            error_y=_error_bars(table, metric),
            marker={
                "color": np.where(small, SMALL_GROUP_COLOUR, CURVE_COLOUR),
                "pattern": {"shape": np.where(small, SMALL_GROUP_PATTERN, "")},
                "line": {"color": OUTLINE_COLOUR, "width": 0.5},
            },
            text=[_format(metric, v) for v in table[metric]],
            textposition="inside",
            customdata=np.c_[table["count"], table[f"{metric}_low"], table[f"{metric}_high"]],
            hovertemplate="%{x}<br>"
            + _e(label)
            + " %{text}<br>95% interval %{customdata[1]:.3g} to %{customdata[2]:.3g}"
            "<br>%{customdata[0]:,} rows<extra></extra>",
            name=_e(label),
        )
    )
    _small_group_notes(fig, table, metric)
    overall = report.overall.get(metric, math.nan)
    if math.isfinite(overall):
        fig.add_hline(
            y=overall,
            line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
            annotation={"text": f"all rows {_format(metric, overall)}"},
        )
    _style(fig, f"{_e(label)} by {_e(report.attribute)}", _e(report.attribute), _e(label))
    fig.update_xaxes(type="category")
    if metric in SHARE_METRICS:
        fig.update_yaxes(tickformat=".0%")
    fig.update_layout(showlegend=False)
    return fig


# --- disparities against limits ------------------------------------------------------------


def _disparity_colour(disparity: Disparity) -> str:
    if disparity.passes is None:
        return NO_LIMIT_COLOUR
    return PASS_COLOUR if disparity.passes else FAIL_COLOUR


def _axis_end(disparity: Disparity) -> float:
    if disparity.is_ratio:
        return 1.05
    reach = [v for v in (disparity.value, disparity.limit) if v is not None and math.isfinite(v)]
    return max([*reach, 0.0]) * 1.25 or 1.0


def disparity_figure(report: FairnessReport) -> go.Figure:
    """Each disparity as a bar against its limit: green passes, red fails, blue has no limit.

    One panel per disparity, since differences, ratios and MAE gaps live on their own scales.
    """
    count = max(len(report.disparities), 1)
    fig = make_subplots(
        rows=count,
        cols=1,
        subplot_titles=[_e(d.label) for d in report.disparities] or [""],
        vertical_spacing=min(0.5 / count, 0.15),
    )
    for i, disparity in enumerate(report.disparities, start=1):
        shown = f"{disparity.value:.3g}" if math.isfinite(disparity.value) else "not defined"
        fig.add_trace(
            go.Bar(
                x=[disparity.value],
                y=[""],
                orientation="h",
                marker={"color": _disparity_colour(disparity)},
                text=[f"{shown} · {STATUS[disparity.passes]}"],
                textposition="outside",
                cliponaxis=False,
                hovertext=[_e(disparity.sentence)],
                hovertemplate="%{hovertext}<extra></extra>",
                name=_e(disparity.label),
            ),
            row=i,
            col=1,
        )
        if disparity.limit is not None:
            fig.add_vline(
                x=disparity.limit,
                line={"color": OUTLINE_COLOUR, "dash": "dash", "width": 2},
                annotation={"text": f"limit {disparity.limit:g}"},
                row=i,
                col=1,
            )
        fig.update_xaxes(range=[0, _axis_end(disparity)], row=i, col=1)
    _style(fig, f"Fairness of the model across {_e(report.attribute)}")
    fig.update_layout(showlegend=False, height=80 + 130 * count)
    return fig


# --- value against fairness, over runs -----------------------------------------------------


def _check_points(points: pd.DataFrame) -> None:
    missing = [c for c in TRADEOFF_COLUMNS if c not in points.columns]
    if missing:
        raise FairnessError(
            MSG_POINTS_COLUMNS.format(
                missing=", ".join(missing), needed=", ".join(TRADEOFF_COLUMNS)
            ),
            field="points",
        )
    unknown = sorted(set(points["kind"].astype(str)) - set(KINDS))
    if unknown:
        raise FairnessError(
            MSG_POINTS_KIND.format(choices=", ".join(KINDS), values=", ".join(unknown)),
            field="points",
        )


def _kind_trace(part: pd.DataFrame, kind: str) -> go.Scatter:
    name, colour, symbol = KINDS[kind]
    return go.Scatter(
        x=part["disparity"].astype(float),
        y=part["value"].astype(float),
        mode="markers",
        marker={
            "color": colour,
            "symbol": symbol,
            "size": 11,
            "line": {"color": OUTLINE_COLOUR, "width": 1},
        },
        text=[_e(label) for label in part["label"]],
        customdata=[_e(run) for run in part["run_id"]],
        hovertemplate="%{text} (run %{customdata})<br>disparity %{x:.3g}<br>value %{y:,.4g}"
        "<extra></extra>",
        name=name,
    )


def tradeoff_figure(
    points: pd.DataFrame,
    *,
    value_title: str = "Value per month",
    disparity_title: str = "Disparity (lower is fairer)",
    limit: float | None = None,
) -> go.Figure:
    """Value against disparity for each run, so a team trades money for fairness knowingly.

    ``points``: run_id, label, value, disparity, kind ("original", "mitigated",
    "leaderboard"), chosen (bool); the chosen run is ringed and named. ``limit`` draws the
    team's disparity limit.
    """
    _check_points(points)
    fig = go.Figure()
    for kind in KINDS:
        part = points[points["kind"].astype(str) == kind]
        if not part.empty:
            fig.add_trace(_kind_trace(part, kind))
    chosen = points[points["chosen"].fillna(False).astype(bool)]
    if not chosen.empty:
        fig.add_trace(
            go.Scatter(
                x=chosen["disparity"].astype(float),
                y=chosen["value"].astype(float),
                mode="markers+text",
                marker={
                    "size": 22,
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": CHOSEN_COLOUR, "width": 3},
                },
                text=[f"chosen: {_e(label)}" for label in chosen["label"]],
                textposition="top center",
                hoverinfo="skip",
                name=CHOSEN_NAME,
            )
        )
    if limit is not None and math.isfinite(limit):
        fig.add_vline(
            x=limit,
            line={"color": FAIL_COLOUR, "dash": "dash", "width": 1},
            annotation={"text": f"limit {limit:g}"},
        )
    return _style(fig, "Value against fairness across runs", _e(disparity_title), _e(value_title))
