"""Charts on the page: one call that also offers the chart as a PNG download."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "chart"


def show_chart(figure: go.Figure, *, key: str, name: str) -> None:
    """Place a plotly chart; its camera button saves a PNG named ``name`` (drawn in the browser)."""
    st.plotly_chart(
        figure,
        key=key,
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": _file_name(name), "scale": 2},
        },
    )
