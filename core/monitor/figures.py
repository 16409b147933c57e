"""Plotly figures for the Monitor stage: drift, performance and money over time, service health.

Computing lives in ``core.monitor``; these builders only draw its (aggregated) results, so
pages just place them. Colours are fixed and backgrounds transparent (``core.figure_style``),
so the figures read in light and dark themes. User text (column names, categories,
callers, model versions, currency) is HTML-escaped because Plotly renders tags in labels;
callers come straight from a log anyone with network access can write to.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.figure_style import style_figure
from core.goal import format_money
from core.goal.figures import (
    CHOSEN_COLOUR,
    CURVE_COLOUR,
    GAIN_COLOUR,
    LOSS_COLOUR,
    OPTIMAL_COLOUR,
    ZERO_LINE_COLOUR,
)
from core.metrics import higher_is_better, metric_label
from core.monitor.common import MonitorError
from core.monitor.drift import DriftReport
from core.monitor.health import ServiceHealth

__all__ = [
    "STATUS_COLOURS",
    "callers_figure",
    "drift_bar_figure",
    "drift_over_time_figure",
    "drift_table_figure",
    "latency_figure",
    "performance_over_time_figure",
    "requests_figure",
    "value_over_time_figure",
]

STATUS_COLOURS = {
    "drift": LOSS_COLOUR,
    "warn": CHOSEN_COLOUR,
    "ok": CURVE_COLOUR,
    "too few rows": "#bdbdbd",
    "missing column": "#bdbdbd",
}
STATUS_CLASS_COLOURS = {"2xx": OPTIMAL_COLOUR, "4xx": CHOSEN_COLOUR, "5xx": LOSS_COLOUR}
OTHER_CLASS_COLOUR = ZERO_LINE_COLOUR
LINE_COLOURS = (
    CURVE_COLOUR,
    CHOSEN_COLOUR,
    OPTIMAL_COLOUR,
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
LATENCY_COLOURS = {"p50": CURVE_COLOUR, "p95": CHOSEN_COLOUR, "p99": LOSS_COLOUR}
WARN_LINE = {"color": CHOSEN_COLOUR, "width": 1, "dash": "dot"}
ALERT_LINE = {"color": LOSS_COLOUR, "width": 1.5, "dash": "dash"}
TABLE_HEADER_FILL = "#4c78a8"
TABLE_HEADER_FONT = "#ffffff"
TABLE_CELL_FILL = "#f7f7f7"
TABLE_CELL_FONT = "#111111"

MSG_UNKNOWN_METRIC = "metric {value!r} is not in the performance table; choose one of {choices}"
MSG_NO_VALUE = (
    "the table has no value per month; give performance_over_time the goal's payoff (or "
    "error cost) and volume per month"
)
MSG_LONG_TABLE = "the drift table lacks column(s) {missing}; pass drift_over_time's result"


def _e(text: object) -> str:
    return html.escape(str(text))


def _style(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    return style_figure(fig, title, x_title, y_title, legend="bottom")


def _colour(i: int) -> str:
    return LINE_COLOURS[i % len(LINE_COLOURS)]


def _number(value: float, digits: str = ".3f") -> str:
    return "n/a" if not math.isfinite(value) else format(value, digits)


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


# --- drift ---------------------------------------------------------------------------------


def drift_bar_figure(report: DriftReport) -> go.Figure:
    """PSI per column, largest on top, coloured by status, with the warn and alert lines."""
    table = report.table
    table = table[np.isfinite(table["psi"].to_numpy(dtype=float))].iloc[::-1]
    names = [
        _e(c) + (" (prediction)" if r == "prediction" else "")
        for c, r in zip(table["column"], table["role"], strict=True)
    ]
    hover = [
        f"{_e(s)}<br>{_e(t or 'no test')} p {_p(p)}"
        for s, t, p in zip(table["status"], table["test"], table["p_value"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=table["psi"],
            y=names,
            orientation="h",
            marker={"color": [STATUS_COLOURS[s] for s in table["status"]]},
            customdata=hover,
            hovertemplate="%{y}: PSI %{x:.3f}<br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_vline(
        x=report.psi_warn,
        line=WARN_LINE,
        annotation={"text": f"warn {report.psi_warn:g}", "font": {"color": CHOSEN_COLOUR}},
        annotation_position="bottom right",
    )
    fig.add_vline(
        x=report.psi_alert,
        line=ALERT_LINE,
        annotation={"text": f"drift {report.psi_alert:g}", "font": {"color": LOSS_COLOUR}},
        annotation_position="top right",
    )
    fig.update_layout(height=max(260, 40 + 28 * len(names)))
    return _style(fig, "Drift per column (PSI against training)", "PSI")


def drift_table_figure(report: DriftReport) -> go.Figure:
    """The drift table as a figure: status, PSI, test, and what is out of place per column."""
    table = report.table
    new = [str(n) if n else "" for n in table["new_category_rows"]]
    out = [
        f"{b:,} below, {a:,} above" if a or b else ""
        for b, a in zip(table["below_range"], table["above_range"], strict=True)
    ]
    tests = [
        f"{_e(t)} p {_p(p)}" if isinstance(t, str) else "n/a"
        for t, p in zip(table["test"], table["p_value"], strict=True)
    ]
    header = ["Column", "Status", "PSI", "Test", "New-category rows", "Out of training range"]
    cells = [
        [_e(c) for c in table["column"]],
        [_e(s) for s in table["status"]],
        [_number(v) for v in table["psi"]],
        tests,
        new,
        out,
    ]
    status_fill = [STATUS_COLOURS[s] for s in table["status"]]
    fills = [TABLE_CELL_FILL, status_fill, *[TABLE_CELL_FILL] * 4]
    fonts = [TABLE_CELL_FONT, "#ffffff", *[TABLE_CELL_FONT] * 4]
    fig = go.Figure(
        go.Table(
            header={
                "values": header,
                "fill_color": TABLE_HEADER_FILL,
                "font": {"color": TABLE_HEADER_FONT},
            },
            cells={"values": cells, "fill_color": fills, "font": {"color": fonts}},
        )
    )
    fig.update_layout(height=max(220, 80 + 30 * len(table)))
    return _style(fig, "Drift against training")


def drift_over_time_figure(
    long_table: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    psi_warn: float = 0.1,
    psi_alert: float = 0.2,
) -> go.Figure:
    """PSI per period, one line per column (all columns when ``columns`` is None)."""
    missing = [c for c in ("period", "column", "psi") if c not in long_table.columns]
    if missing:
        raise MonitorError(MSG_LONG_TABLE.format(missing=missing), field="long_table")
    names = list(columns) if columns is not None else list(pd.unique(long_table["column"]))
    fig = go.Figure()
    for i, name in enumerate(names):
        part = long_table[long_table["column"] == name].sort_values("period")
        rows = part["rows"] if "rows" in part.columns else pd.Series(np.nan, index=part.index)
        status = part["status"] if "status" in part.columns else pd.Series("", index=part.index)
        fig.add_trace(
            go.Scatter(
                x=part["period"],
                y=part["psi"],
                mode="lines+markers",
                name=_e(name),
                line={"color": _colour(i), "width": 2},
                customdata=np.column_stack([rows.to_numpy(), [_e(s) for s in status]]),
                hovertemplate=(
                    f"{_e(name)}<br>%{{x}}<br>PSI %{{y:.3f}} (%{{customdata[1]}})"
                    "<br>%{customdata[0]:,} rows<extra></extra>"
                ),
            )
        )
    fig.add_hline(y=psi_warn, line=WARN_LINE)
    fig.add_hline(
        y=psi_alert,
        line=ALERT_LINE,
        annotation={"text": f"drift {psi_alert:g}", "font": {"color": LOSS_COLOUR}},
        annotation_position="top left",
    )
    return _style(fig, "Drift over time (PSI against training)", "Period start (UTC)", "PSI")


# --- performance and money -----------------------------------------------------------------


def performance_over_time_figure(
    table: pd.DataFrame, metric: str, *, minimum: float | None = None
) -> go.Figure:
    """One metric per period; points worse than ``minimum`` (the goal's bound) are red."""
    choices = [c for c in table.columns if c not in ("period", "rows")]
    if metric not in choices:
        raise MonitorError(
            MSG_UNKNOWN_METRIC.format(value=metric, choices=", ".join(choices)), field="metric"
        )
    label = metric_label(metric)
    values = table[metric].to_numpy(dtype=float)
    colours = [CURVE_COLOUR] * len(values)
    if minimum is not None:
        higher_better = higher_is_better(metric)
        worse = values < minimum if higher_better else values > minimum
        colours = [LOSS_COLOUR if w else CURVE_COLOUR for w in worse]
    fig = go.Figure(
        go.Scatter(
            x=table["period"],
            y=values,
            mode="lines+markers",
            name=_e(label),
            line={"color": CURVE_COLOUR, "width": 2},
            marker={"color": colours, "size": 9},
            customdata=table["rows"] if "rows" in table.columns else None,
            hovertemplate=(
                f"%{{x}}<br>{_e(label)} %{{y:.3f}}<br>%{{customdata:,}} rows<extra></extra>"
            ),
        )
    )
    if minimum is not None:
        fig.add_hline(
            y=minimum,
            line=ALERT_LINE,
            annotation={"text": f"goal {minimum:g}", "font": {"color": LOSS_COLOUR}},
            annotation_position="bottom left",
        )
    return _style(fig, f"{_e(label)} over time", "Period start (UTC)", _e(label))


#: Said on the KPI chart when some of its rows come from the simulator.
SIMULATED_LABEL = "includes simulated data"


def value_over_time_figure(
    table: pd.DataFrame,
    *,
    promised: float | None = None,
    currency: str | None = None,
    simulated: bool = False,
) -> go.Figure:
    """Realised value per month per period, against what the business case promised.

    ``simulated``: some batches are simulated, and the title and legend say so.
    """
    if "value_per_month" not in table.columns or not table["value_per_month"].notna().any():
        raise MonitorError(MSG_NO_VALUE, field="value_per_month")
    values = table["value_per_month"].to_numpy(dtype=float)
    unit = _e(currency) if currency else "money"
    fig = go.Figure(
        go.Bar(
            x=table["period"],
            y=values,
            marker={"color": [GAIN_COLOUR if v >= 0 else LOSS_COLOUR for v in values]},
            name="Realised value per month" + (f" ({SIMULATED_LABEL})" if simulated else ""),
            customdata=[_e(format_money(v, currency)) for v in values],
            hovertemplate="%{x}<br>%{customdata} per month<extra></extra>",
        )
    )
    fig.add_hline(y=0, line={"color": ZERO_LINE_COLOUR, "width": 1})
    if promised is not None:
        fig.add_hline(
            y=promised,
            line=ALERT_LINE,
            annotation={
                "text": f"promised {_e(format_money(promised, currency))}",
                "font": {"color": LOSS_COLOUR},
            },
            annotation_position="top left",
        )
    title = "Value per month over time" + (f" — {SIMULATED_LABEL}" if simulated else "")
    return _style(fig, title, "Period start (UTC)", f"Value ({unit})")


# --- service health ------------------------------------------------------------------------


def latency_figure(health: ServiceHealth, *, limit: float | None = None) -> go.Figure:
    """p50, p95 and p99 latency of successful requests per period, with the goal's limit."""
    fig = go.Figure()
    for name, colour in LATENCY_COLOURS.items():
        fig.add_trace(
            go.Scatter(
                x=health.latency["period"],
                y=health.latency[name],
                mode="lines",
                name=name,
                line={"color": colour, "width": 2},
                hovertemplate=f"%{{x}}<br>{name} %{{y:,.1f}} ms<extra></extra>",
            )
        )
    if limit is not None:
        fig.add_hline(
            y=limit,
            line=ALERT_LINE,
            annotation={"text": f"limit {limit:,.0f} ms", "font": {"color": LOSS_COLOUR}},
            annotation_position="top left",
        )
    return _style(fig, "Latency of successful requests", "Period start (UTC)", "ms")


def requests_figure(health: ServiceHealth) -> go.Figure:
    """Requests per period, stacked by status class (2xx answered, 4xx refused, 5xx failed)."""
    traffic = health.traffic
    classes = [c for c in traffic.columns if c not in ("period", "total")]
    fig = go.Figure()
    for name in classes:
        fig.add_trace(
            go.Bar(
                x=traffic["period"],
                y=traffic[name],
                name=_e(name),
                marker={"color": STATUS_CLASS_COLOURS.get(name, OTHER_CLASS_COLOUR)},
                hovertemplate=f"%{{x}}<br>{_e(name)}: %{{y:,}} requests<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    return _style(fig, "Requests by status", "Period start (UTC)", "Requests")


def callers_figure(health: ServiceHealth) -> go.Figure:
    """Requests per caller, answered and failed, busiest on top."""
    callers = health.callers.iloc[::-1]
    names = [_e(c) for c in callers["caller"]]
    answered = callers["requests"] - callers["errors"]
    p95 = [f"p95 {_number(v, ',.0f')} ms" for v in callers["p95_latency_ms"]]
    fig = go.Figure()
    for label, values, colour in (
        ("Answered", answered, OPTIMAL_COLOUR),
        ("Failed", callers["errors"], LOSS_COLOUR),
    ):
        fig.add_trace(
            go.Bar(
                x=values,
                y=names,
                orientation="h",
                name=label,
                marker={"color": colour},
                customdata=p95,
                hovertemplate=f"%{{y}}: %{{x:,}} {label.lower()}<br>%{{customdata}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", height=max(260, 80 + 28 * len(names)))
    return _style(fig, "Requests per caller", "Requests")
