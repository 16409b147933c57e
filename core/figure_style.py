"""One look for every plotly figure the workbench draws: readable in light and dark themes."""

from __future__ import annotations

from typing import Literal

import plotly.graph_objects as go

#: Mid-grey at partial opacity reads on white and on Streamlit's dark background alike.
GRID_COLOUR = "rgba(128, 128, 128, 0.35)"

_LEGENDS = {
    "top": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
    "bottom": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
}


def style_figure(
    fig: go.Figure,
    title: str,
    x_title: str = "",
    y_title: str = "",
    *,
    legend: Literal["top", "bottom"] = "top",
) -> go.Figure:
    """Transparent backgrounds, grey grid lines, a title; axis titles only where given."""
    fig.update_layout(
        title={"text": title},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"t": 60},
        legend=_LEGENDS[legend],
    )
    axis = {"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "linecolor": GRID_COLOUR}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    if x_title:
        fig.update_xaxes(title={"text": x_title})
    if y_title:
        fig.update_yaxes(title={"text": y_title})
    return fig
