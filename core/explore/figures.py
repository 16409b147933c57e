"""Every Explore figure: plotly figures drawn from what the other modules computed.

The browser only ever receives binned counts or a seeded sample of at most ``MAX_POINTS``
points (the title says "sampled" when it is one). Figures use fixed colours on transparent
backgrounds with mid-grey gridlines, so they read in light and dark themes; user text
(column names, category values) is HTML-escaped because Plotly renders tags in labels.
"""

from __future__ import annotations

import html
import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.data.schema import Schema
from core.explore.distributions import BoxSummary, Histogram, Quartiles, TopValues
from core.explore.missing import MissingCounts
from core.explore.relations import (
    PAIR_BINS,
    PairBoxes,
    PairCounts,
    PairDensity,
    PairScatter,
    PairView,
    TargetRelation,
)
from core.explore.split_view import SplitDistribution
from core.figure_style import style_figure

# fixed colours, readable on white and on near-black
BAR_COLOUR = "#4c78a8"
ACCENT_COLOUR = "#f58518"
TREND_COLOUR = "#e45756"
TRAIN_COLOUR = "#4c78a8"
TEST_COLOUR = "#f58518"
POINT_COLOUR = "rgba(128, 128, 128, 0.45)"
CLASS_COLOURS = (
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)
COUNT_SCALE = "Viridis"  # perceptually even, readable on light and dark backgrounds
DIVERGING_SCALE = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]
SHARE_SCALE = [[0.0, "#f7f7f7"], [1.0, "#2166ac"]]
BOX_FILL = "rgba(76, 120, 168, 0.35)"


def _style(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    return style_figure(fig, title, x_title, y_title, legend="top")


def _sampled_note(shown: int, total: int) -> str:
    return f" ({shown:,} sampled of {total:,} rows)" if shown < total else ""


def _boxes(boxes: list[Quartiles], **placement: object) -> go.Box:
    """One box trace drawn from precomputed quartiles (no raw values sent)."""
    return go.Box(
        **placement,
        q1=[b.q1 for b in boxes],
        median=[b.median for b in boxes],
        q3=[b.q3 for b in boxes],
        lowerfence=[b.lower_whisker for b in boxes],
        upperfence=[b.upper_whisker for b in boxes],
        mean=[b.mean for b in boxes],
        boxpoints=False,
        marker={"color": BAR_COLOUR},
        line={"color": BAR_COLOUR},
        fillcolor=BOX_FILL,
    )


# --- one column ------------------------------------------------------------------------


def _histogram_bar(hist: Histogram) -> go.Bar:
    """Bars of equal-width bins over the finite values (dates stay dates)."""
    edges = hist.edges
    if hist.dates:
        edge_labels = pd.to_datetime(edges.astype(np.int64)).astype(str).to_numpy()
        centres = pd.to_datetime(((edges[:-1] + edges[1:]) / 2).astype(np.int64))
        widths = np.diff(edges) / 1e6  # plotly date axes count milliseconds
    else:
        edge_labels = np.array([f"{e:.4g}" for e in edges])
        centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    ranges = [f"{a} to {b}" for a, b in itertools.pairwise(edge_labels)]
    return go.Bar(
        x=centres,
        y=hist.counts,
        width=widths,
        customdata=ranges,
        marker={"color": BAR_COLOUR, "line": {"color": BAR_COLOUR, "width": 0.5}},
        hovertemplate="%{customdata}<br>%{y:,} rows<extra></extra>",
        name="rows",
    )


def distribution_figure(dist: Histogram | TopValues) -> go.Figure:
    """Histogram bars of a numeric or date column, or bars of its most common values."""
    name = html.escape(dist.column)
    note = f", {dist.missing:,} missing" if dist.missing else ""
    if isinstance(dist, Histogram):
        fig = go.Figure(_histogram_bar(dist))
        fig.update_layout(bargap=0.02)
        what = f"{dist.values:,} values in {dist.bins} bins"
        return _style(fig, f"Distribution of {name} ({what}{note})", name, "Rows")
    counts = dist.counts
    shares = counts / max(dist.rows, 1) * 100
    fig = go.Figure(
        go.Bar(
            x=[html.escape(str(v)) for v in counts.index],
            y=counts.to_numpy(),
            customdata=shares.to_numpy(),
            marker={"color": BAR_COLOUR},
            hovertemplate="%{x}<br>%{y:,} rows (%{customdata:.1f} %)<extra></extra>",
            name="rows",
        )
    )
    distinct = dist.distinct
    shown = f"top {len(counts)} of {distinct:,} values" if distinct > len(counts) else "all values"
    fig.update_xaxes(type="category")
    return _style(fig, f"Most common values of {name} ({shown})", name, "Rows")


def box_figure(summary: BoxSummary) -> go.Figure:
    """A box plot from quartiles computed on every row, the IQR outlier count in the title,
    and the sampled outliers drawn as points."""
    name = html.escape(summary.column)
    fig = go.Figure()
    if summary.box is None:
        return _style(fig, f"{name}: no values", "", name)
    fig.add_trace(_boxes([summary.box], x=[name], name="quartiles"))
    shown = summary.shown_outliers
    if len(shown):
        fig.add_trace(
            go.Scatter(
                x=[name] * len(shown),
                y=shown,
                mode="markers",
                marker={"color": ACCENT_COLOUR, "size": 5, "opacity": 0.6},
                hovertemplate="%{y:.4g}<extra>outlier</extra>",
                name="outliers",
            )
        )
    sampled = f" ({len(shown):,} sampled shown)" if len(shown) < summary.outliers else ""
    title = f"{name}: {summary.outliers:,} outliers beyond 1.5 × IQR{sampled}"
    return _style(fig, title, "", name)


# --- missing values and correlations ------------------------------------------------------


def missing_figure(missing: MissingCounts) -> go.Figure:
    """Share of missing values per column, largest first (columns without any are left out)."""
    counts = missing.counts
    rows = max(missing.rows, 1)
    fig = go.Figure(
        go.Bar(
            x=(counts / rows * 100).to_numpy(),
            y=[html.escape(str(c)) for c in counts.index],
            orientation="h",
            customdata=counts.to_numpy(),
            marker={"color": BAR_COLOUR},
            hovertemplate="%{y}: %{x:.1f} % missing (%{customdata:,} rows)<extra></extra>",
            name="missing",
        )
    )
    fig.update_xaxes(range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(300, 60 + 22 * len(counts)))
    if not len(counts):
        return _style(fig, "No missing values", "Share missing", "")
    title = f"Missing values: {len(counts)} of {missing.columns} columns have gaps"
    return _style(fig, title, "Share of rows missing", "")


def missing_pattern_figure(table: pd.DataFrame) -> go.Figure:
    """Which columns are missing together: one heatmap row per pattern of ``missing_patterns``
    (the most common, the rest summed as "other"), one column per column with gaps; dark
    cells are missing."""
    flags = table.drop(columns=["rows", "share"])
    labels = [
        f"{table['rows'].iloc[i]:,} rows ({table['share'].iloc[i] * 100:.1f} %)"
        for i in range(len(table))
    ]
    columns = [html.escape(str(c)) for c in flags.columns]
    fig = go.Figure(
        go.Heatmap(
            z=flags.to_numpy(dtype=float),
            x=columns,
            y=labels,
            zmin=0,
            zmax=1,
            colorscale=[[0.0, "#d9d9d9"], [1.0, "#1f3b5c"]],
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{x}: %{z}<extra>1 = missing</extra>",
            name="patterns",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_layout(height=max(300, 120 + 24 * len(table)))
    title = f"Missing together: the {len(table)} most common patterns (dark = missing)"
    return _style(fig, title, "", "")


def correlation_figure(corr: pd.DataFrame, title: str = "Correlation") -> go.Figure:
    """A heatmap of a correlation or Cramér's V matrix; blue is positive, red negative.
    Matrices without negative values (Cramér's V) use a 0..1 scale."""
    labels = [html.escape(str(c)) for c in corr.columns]
    values = corr.to_numpy(dtype=float)
    signed = bool(np.nanmin(values) < 0) if np.isfinite(values).any() else True
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=labels,
            y=labels,
            zmin=-1 if signed else 0,
            zmax=1,
            colorscale=DIVERGING_SCALE if signed else SHARE_SCALE,
            texttemplate="%{z:.2f}" if len(labels) <= 15 else None,
            hovertemplate="%{y} × %{x}: %{z:.2f}<extra></extra>",
            hoverongaps=False,
            xgap=1,
            ygap=1,
            name=html.escape(title),
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_layout(height=max(400, 120 + 22 * len(labels)))
    return _style(fig, html.escape(title))


# --- the target -------------------------------------------------------------------------


def target_relation_figure(rel: TargetRelation) -> go.Figure:
    """Classification: rows per bin as bars, the positive rate (or class shares) as a line on
    the right axis. Regression: a sampled scatter, the bin means and their trend line."""
    column, target = html.escape(rel.column), html.escape(rel.target)
    bins = [html.escape(str(b)) for b in rel.table["bin"]]
    if rel.task == "regression":
        return _regression_figure(rel, column, target, bins)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=bins,
            y=rel.table["rows"],
            marker={"color": "rgba(128, 128, 128, 0.45)"},
            hovertemplate="%{x}<br>%{y:,} rows<extra></extra>",
            name="rows",
        ),
        secondary_y=False,
    )
    if rel.task == "binary":
        positive = html.escape(str(rel.positive_class))
        fig.add_trace(
            go.Scatter(
                x=bins,
                y=rel.table["rate"],
                mode="lines+markers",
                line={"color": ACCENT_COLOUR, "width": 3},
                hovertemplate=f"%{{x}}<br>{positive}: %{{y:.1%}}<extra></extra>",
                name=f"share {positive}",
            ),
            secondary_y=True,
        )
        if rel.overall is not None:
            fig.add_hline(
                y=rel.overall,
                secondary_y=True,
                line={"color": ACCENT_COLOUR, "width": 1, "dash": "dot"},
                annotation={"text": f"overall {rel.overall:.1%}"},
            )
        title = f"Share of {target} = {positive} by {column}"
    else:
        shares = rel.shares if rel.shares is not None else pd.DataFrame()
        for i, label in enumerate(shares.columns):
            name = html.escape(str(label))
            fig.add_trace(
                go.Scatter(
                    x=bins,
                    y=shares[label],
                    mode="lines+markers",
                    line={"color": CLASS_COLOURS[i % len(CLASS_COLOURS)], "width": 2},
                    hovertemplate=f"%{{x}}<br>{name}: %{{y:.1%}}<extra></extra>",
                    name=name,
                ),
                secondary_y=True,
            )
        title = f"Class shares of {target} by {column}"
    fig.update_yaxes(title={"text": "Rows"}, secondary_y=False)
    fig.update_yaxes(
        title={"text": "Share"}, tickformat=".0%", rangemode="tozero", secondary_y=True
    )
    fig.update_yaxes(showgrid=False, secondary_y=True)
    fig.update_xaxes(type="category")
    return _style(fig, title, column)


def _regression_figure(rel: TargetRelation, column: str, target: str, bins: list) -> go.Figure:
    fig = go.Figure()
    note = ""
    numeric = rel.kind == "numeric"
    if rel.sample is not None and len(rel.sample):
        note = _sampled_note(len(rel.sample), rel.rows)
        fig.add_trace(
            go.Scattergl(
                x=rel.sample["x"],
                y=rel.sample["y"],
                mode="markers",
                marker={"color": POINT_COLOUR, "size": 4},
                hovertemplate=f"{column} %{{x:.4g}}<br>{target} %{{y:.4g}}<extra></extra>",
                name="rows" + (" (sampled)" if note else ""),
            )
        )
    table = rel.table.dropna(subset=["mean"])
    x = table["centre"] if numeric else [html.escape(str(b)) for b in table["bin"]]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=table["mean"],
            mode="lines+markers" if numeric else "markers",
            marker={"color": ACCENT_COLOUR, "size": 9, "line": {"color": "#000000", "width": 1}},
            line={"color": ACCENT_COLOUR, "width": 2},
            customdata=np.c_[[html.escape(str(b)) for b in table["bin"]], table["rows"]],
            hovertemplate=(
                "%{customdata[0]}<br>mean %{y:.4g} over %{customdata[1]:,} rows<extra></extra>"
            ),
            name="mean per bin",
        )
    )
    if rel.trend is not None and numeric:
        slope, intercept = rel.trend
        ends = np.array([table["centre"].min(), table["centre"].max()])
        fig.add_trace(
            go.Scatter(
                x=ends,
                y=slope * ends + intercept,
                mode="lines",
                line={"color": TREND_COLOUR, "width": 2, "dash": "dash"},
                hovertemplate=f"trend: {slope:.4g} per unit of {column}<extra></extra>",
                name="trend of the bin means",
            )
        )
    if not numeric:
        fig.update_xaxes(type="category")
    return _style(fig, f"Mean {target} by {column}{note}", column, target)


# --- two columns -------------------------------------------------------------------------


def _density_heatmap(view: PairDensity) -> go.Figure:
    x_name, y_name = html.escape(view.x), html.escape(view.y)
    counts, x_edges, y_edges = view.counts, view.x_edges, view.y_edges
    z = np.where(counts.T > 0, counts.T, np.nan)  # empty cells stay transparent
    fig = go.Figure(
        go.Heatmap(
            x=(x_edges[:-1] + x_edges[1:]) / 2,
            y=(y_edges[:-1] + y_edges[1:]) / 2,
            z=z,
            colorscale=COUNT_SCALE,
            colorbar={"title": {"text": "Rows"}},
            hoverongaps=False,
            hovertemplate=f"{x_name} ≈ %{{x:.4g}}<br>{y_name} ≈ %{{y:.4g}}<br>%{{z:,}} rows"
            "<extra></extra>",
            name="rows",
        )
    )
    bins = f"{PAIR_BINS} × {PAIR_BINS} bins"
    title = f"{y_name} against {x_name} ({view.rows:,} rows in {bins})"
    return _style(fig, title, x_name, y_name)


def _coloured_scatter(view: PairScatter) -> go.Figure:
    x_name, y_name, c_name = (html.escape(n) for n in (view.x, view.y, view.colour))
    x, y = view.x_values, view.y_values
    fig = go.Figure()
    hover = f"{x_name} %{{x:.4g}}<br>{y_name} %{{y:.4g}}"
    if view.groups is None:
        fig.add_trace(
            go.Scattergl(
                x=x,
                y=y,
                mode="markers",
                marker={
                    "size": 5,
                    "color": view.colour_values,
                    "colorscale": COUNT_SCALE,
                    "colorbar": {"title": {"text": c_name}},
                    "opacity": 0.7,
                },
                hovertemplate=hover + f"<br>{c_name} %{{marker.color:.4g}}<extra></extra>",
                name="rows",
            )
        )
    else:
        for i, label in enumerate(view.group_labels):
            chosen = view.groups == i
            name = html.escape(str(label))
            fig.add_trace(
                go.Scattergl(
                    x=x[chosen],
                    y=y[chosen],
                    mode="markers",
                    marker={"size": 5, "color": CLASS_COLOURS[i], "opacity": 0.7},
                    hovertemplate=hover + f"<extra>{c_name} = {name}</extra>",
                    name=name,
                )
            )
    title = f"{y_name} against {x_name}, coloured by {c_name}{_sampled_note(len(x), view.rows)}"
    return _style(fig, title, x_name, y_name)


def _count_heatmap(view: PairCounts) -> go.Figure:
    x_name, y_name = html.escape(view.x), html.escape(view.y)
    counts = view.counts
    fig = go.Figure(
        go.Heatmap(
            x=[html.escape(v) for v in view.x_labels],
            y=[html.escape(v) for v in view.y_labels],
            z=counts,
            colorscale=COUNT_SCALE,
            colorbar={"title": {"text": "Rows"}},
            texttemplate="%{z:,}" if counts.size <= 100 else None,
            hovertemplate=f"{x_name} %{{x}}<br>{y_name} %{{y}}<br>%{{z:,}} rows<extra></extra>",
            name="rows",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return _style(fig, f"Rows by {x_name} and {y_name}", x_name, y_name)


def _boxes_by_category(view: PairBoxes) -> go.Figure:
    value_name, group_name = html.escape(view.value), html.escape(view.group)
    shown = [html.escape(label) for label in view.labels]
    placement = {"y": shown, "orientation": "h"} if view.across else {"x": shown}
    fig = go.Figure(_boxes(view.boxes, **placement, name=value_name))
    (fig.update_yaxes if view.across else fig.update_xaxes)(type="category")
    title = f"{value_name} by {group_name} (quartiles over all rows)"
    if view.across:
        return _style(fig, title, value_name, group_name)
    return _style(fig, title, group_name, value_name)


def pair_figure(view: PairView) -> go.Figure:
    """Two columns together: a 2-D histogram, a coloured sampled scatter, a count heatmap or
    a box per category, by what ``pair_view`` computed."""
    if isinstance(view, PairDensity):
        return _density_heatmap(view)
    if isinstance(view, PairScatter):
        return _coloured_scatter(view)
    if isinstance(view, PairCounts):
        return _count_heatmap(view)
    return _boxes_by_category(view)


# --- time and train versus test -----------------------------------------------------------


def time_figure(
    view: pd.DataFrame, date_column: str | None = None, schema: Schema | None = None
) -> go.Figure:
    """Rows per period as bars and the target per period as a line on the right axis.
    ``date_column`` and ``schema`` only name things; ``view.attrs`` (from ``time_view``)
    already know them."""
    attrs = view.attrs
    date_name = html.escape(str(date_column or attrs.get("date_column", "date")))
    target = html.escape(str(attrs.get("target") or (schema.target if schema else "") or ""))
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=view["period"],
            y=view["rows"],
            customdata=view["label"],
            marker={"color": "rgba(128, 128, 128, 0.55)"},
            hovertemplate="%{customdata}<br>%{y:,} rows<extra></extra>",
            name="rows",
        ),
        secondary_y=False,
    )
    measures = [c for c in view.columns if c in ("rate", "mean") or c.startswith("share ")]
    for i, column in enumerate(measures):
        name = html.escape(column)
        if column == "rate":
            name = f"share {html.escape(str(attrs.get('positive_class')))}"
        fmt = ".4g" if column == "mean" else ".1%"
        fig.add_trace(
            go.Scatter(
                x=view["period"],
                y=view[column],
                customdata=view["label"],
                mode="lines+markers",
                connectgaps=False,
                line={"color": (ACCENT_COLOUR, *CLASS_COLOURS[2:])[i % 9], "width": 2},
                hovertemplate=f"%{{customdata}}<br>{name}: %{{y:{fmt}}}<extra></extra>",
                name=name,
            ),
            secondary_y=True,
        )
    freq = attrs.get("freq", "period")
    title = f"Rows per {freq} of {date_name}"
    if measures:
        what = "mean" if "mean" in measures else "share"
        title += f" and {what} of {target}"
        fig.update_yaxes(
            title={"text": f"{target} ({what})"},
            tickformat=None if what == "mean" else ".0%",
            showgrid=False,
            secondary_y=True,
        )
    missing = attrs.get("missing_dates", 0)
    if missing:
        title += f" ({missing:,} rows without a date left out)"
    fig.update_yaxes(title={"text": "Rows"}, secondary_y=False)
    fig.update_layout(bargap=0.05)
    return _style(fig, title, date_name)


def split_comparison_figure(view: SplitDistribution) -> go.Figure:
    """Training versus test rows of one column: overlaid histograms as shares of each side
    (numbers, common bins), or grouped bars of category shares (top 20)."""
    name = html.escape(view.column)
    fig = go.Figure()
    sides = (
        ("train", view.train_counts, TRAIN_COLOUR),
        ("test", view.test_counts, TEST_COLOUR),
    )
    if view.numeric:
        edges = view.edges
        centres = (edges[:-1] + edges[1:]) / 2
        for side, counts, colour in sides:
            fig.add_trace(
                go.Bar(
                    x=centres,
                    y=counts / max(counts.sum(), 1),
                    width=np.diff(edges),
                    marker={"color": colour},
                    opacity=0.55,
                    hovertemplate=f"{name} ≈ %{{x:.4g}}<br>%{{y:.1%}} of {side} rows"
                    "<extra></extra>",
                    name=side,
                )
            )
        fig.update_layout(barmode="overlay", bargap=0)
    else:
        shown = [html.escape(v) for v in view.labels]
        for side, counts, colour in sides:
            fig.add_trace(
                go.Bar(
                    x=shown,
                    y=counts / max(counts.sum(), 1),
                    marker={"color": colour},
                    hovertemplate=f"%{{x}}<br>%{{y:.1%}} of {side} rows<extra></extra>",
                    name=side,
                )
            )
        fig.update_layout(barmode="group")
        fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=".0%")
    title = f"{name}: training ({view.train_rows:,} rows) versus test ({view.test_rows:,})"
    return _style(fig, title, name, "Share of the side's rows")
