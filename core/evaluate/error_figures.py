"""Plotly figures for where a model errs: residuals, score distributions and error cohorts.

The same conventions as ``core.evaluate.figures`` (marker limits, themes, escaped user text).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.evaluate.classification import ClassificationEvaluation
from core.evaluate.cohorts import Cohort, cohorts_table
from core.evaluate.figures import (
    LIGHT_LOSS_COLOUR,
    SCATTER_POINTS_PER_PANEL,
    colour,
    escape,
    reference_line,
    require,
    spread_rows,
    style,
)
from core.evaluate.regression import RegressionEvaluation
from core.goal.figures import (
    CHOSEN_COLOUR,
    CURVE_COLOUR,
    LOSS_COLOUR,
    NEUTRAL_COLOUR,
    RISK_TEXT_COLOUR,
    ZERO_LINE_COLOUR,
)

__all__ = [
    "cohort_bar_figure",
    "error_distribution_figure",
    "error_heatmap_figure",
    "residuals_figure",
]


# --- regression ----------------------------------------------------------------------------


def residuals_figure(evaluation: RegressionEvaluation) -> go.Figure:
    """Predicted vs actual (diagonal = perfect) and residual vs prediction with binned bands."""
    sample = spread_rows(evaluation.residuals, SCATTER_POINTS_PER_PANEL)
    bins = evaluation.error_bins
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Predicted vs actual", "Residual (actual − predicted) vs prediction"),
        horizontal_spacing=0.12,
    )
    marker = {"color": CURVE_COLOUR, "size": 4, "opacity": 0.45}
    fig.add_trace(
        go.Scatter(
            x=sample["prediction"],
            y=sample["actual"],
            mode="markers",
            marker=marker,
            name="Rows (sample)",
            hovertemplate="Predicted %{x:,.4g}<br>Actual %{y:,.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    both = pd.concat([sample["prediction"], sample["actual"]])
    low, high = (float(both.min()), float(both.max())) if len(both) else (0.0, 1.0)
    fig.add_trace(
        reference_line([low, high], [low, high], "Perfect prediction"),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=sample["prediction"],
            y=sample["residual"],
            mode="markers",
            marker=marker,
            name="Residuals (sample)",
            showlegend=False,
            hovertemplate="Predicted %{x:,.4g}<br>Residual %{y:,.4g}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    if not bins.empty:
        x = bins["prediction_mean"]
        fig.add_trace(
            go.Scatter(
                x=np.r_[x, x[::-1]],
                y=np.r_[bins["q90"], bins["q10"][::-1]],
                fill="toself",
                fillcolor="rgba(255, 127, 14, 0.2)",
                line={"width": 0},
                name="10th–90th percentile (all rows)",
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=bins["median"],
                mode="lines+markers",
                line={"color": CHOSEN_COLOUR, "width": 2},
                name="Median residual per decile (all rows)",
                hovertemplate="Predicted ≈ %{x:,.4g}<br>Median residual %{y:,.4g}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    fig.add_hline(y=0, line={"color": ZERO_LINE_COLOUR, "width": 1}, row=1, col=2)
    shown = f"{len(sample):,} of {evaluation.rows:,} rows shown" if evaluation.rows else ""
    style(fig, f"Residuals ({shown})" if shown else "Residuals")
    fig.update_xaxes(title={"text": "Prediction"})
    fig.update_yaxes(title={"text": "Actual"}, row=1, col=1)
    fig.update_yaxes(title={"text": "Residual"}, row=1, col=2)
    return fig


def error_distribution_figure(
    evaluation: RegressionEvaluation | ClassificationEvaluation,
) -> go.Figure:
    """Regression: histogram of residuals. Classification: scores per actual class.

    Binary shows the positive-class score with the threshold; multiclass the probability each
    row's actual class received (low = confidently wrong).
    """
    if isinstance(evaluation, RegressionEvaluation):
        hist = require(evaluation.residual_histogram, "residual histogram", "no rows")
        centres = (hist["bin_low"] + hist["bin_high"]) / 2
        fig = go.Figure(
            go.Bar(
                x=centres,
                y=hist["rows"],
                width=(hist["bin_high"] - hist["bin_low"]).to_numpy(),
                marker={"color": CURVE_COLOUR},
                name="Rows",
                customdata=np.c_[hist["bin_low"], hist["bin_high"]],
                hovertemplate="%{customdata[0]:,.4g} to %{customdata[1]:,.4g}: %{y:,} rows"
                "<extra></extra>",
            )
        )
        fig.add_vline(x=0, line={"color": ZERO_LINE_COLOUR, "width": 1, "dash": "dash"})
        return style(
            fig,
            "Residuals (actual − predicted); the outer 0.5 % on each side sit in the end bars",
            "Residual",
            "Rows",
        )
    hist = require(evaluation.score_histogram, "score histogram", "no rows")
    fig = go.Figure()
    for i, (label, part) in enumerate(hist.groupby("actual", sort=False)):
        fig.add_trace(
            go.Bar(
                x=(part["bin_low"] + part["bin_high"]) / 2,
                y=part["rows"],
                width=(part["bin_high"] - part["bin_low"]).to_numpy(),
                marker={"color": colour(i)},
                opacity=0.6,
                name=f"actual {escape(label)}",
                hovertemplate="Score %{x:.2f}: %{y:,} rows<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay")
    if evaluation.task == "binary":
        title = f"Scores for {escape(evaluation.positive)} by actual class"
        if evaluation.threshold is not None:
            fig.add_vline(
                x=evaluation.threshold,
                line={"color": CHOSEN_COLOUR, "width": 2},
                annotation={"text": f"threshold {evaluation.threshold:.3g}"},
            )
        x_title = f"Predicted probability of {escape(evaluation.positive)}"
    else:
        title = "Probability given to each row's actual class"
        x_title = "Probability of the actual class"
    return style(fig, title, x_title, "Rows")


# --- error cohorts -------------------------------------------------------------------------


def _measure_words(measure: str) -> tuple[str, str]:
    if measure == "mean absolute error":
        return "Mean absolute error", ",.4g"
    return "Error rate", ".0%"


def cohort_bar_figure(table: pd.DataFrame | Sequence[Cohort]) -> go.Figure:
    """Error rate (or MAE) per cohort, with the overall level as a dashed line.

    Takes ``error_by_feature``'s table or a list of cohorts from ``discover_cohorts``.
    """
    if not isinstance(table, pd.DataFrame):
        cohorts = list(table)
        table = cohorts_table(cohorts)
        if cohorts and math.isfinite(cohorts[0].lift) and cohorts[0].lift:
            table.attrs["overall"] = cohorts[0].error_rate / cohorts[0].lift
    measure = table.attrs.get("measure", "error rate")
    label, fmt = _measure_words(measure)
    overall = table.attrs.get("overall")
    colours = [
        LOSS_COLOUR if (lift > 1 if math.isfinite(lift) else False) else CURVE_COLOUR
        for lift in table["lift"]
    ]
    text = [
        f"{format(rate, fmt)} · {rows:,} rows"
        for rate, rows in zip(table["error_rate"], table["rows"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=table["error_rate"],
            y=[escape(c) for c in table["cohort"]],
            orientation="h",
            marker={"color": colours},
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=np.c_[table["rows"], table["lift"], table["share_of_errors"]],
            hovertemplate="%{y}<br>"
            + label
            + " %{x:"
            + fmt
            + "}<br>%{customdata[0]:,} rows<br>%{customdata[1]:.2f}x overall<br>"
            "%{customdata[2]:.0%} of all errors<extra></extra>",
            name=label,
        )
    )
    if overall is not None and math.isfinite(overall):
        fig.add_vline(
            x=overall,
            line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
            annotation={"text": f"overall {format(overall, fmt)}"},
        )
    column = table.attrs.get("column")
    title = f"{label} by {escape(column)}" if column else f"{label} by cohort"
    style(fig, title, label, "")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(tickformat=fmt if measure != "mean absolute error" else None)
    fig.update_layout(height=max(300, 60 + 28 * len(table)), showlegend=False)
    return fig


def error_heatmap_figure(table: pd.DataFrame) -> go.Figure:
    """Error rate (or MAE) over two features' cohorts; empty cells stay blank."""
    measure = table.attrs.get("measure", "error rate")
    label, fmt = _measure_words(measure)
    x_labels = list(table["x"].cat.categories) if hasattr(table["x"], "cat") else None
    y_labels = list(table["y"].cat.categories) if hasattr(table["y"], "cat") else None
    rates = table.pivot_table(
        index="y", columns="x", values="error_rate", observed=False, aggfunc="first"
    )
    rows = table.pivot_table(index="y", columns="x", values="rows", observed=False, aggfunc="sum")
    if x_labels is not None:
        rates, rows = rates.reindex(columns=x_labels), rows.reindex(columns=x_labels)
    if y_labels is not None:
        rates, rows = rates.reindex(index=y_labels), rows.reindex(index=y_labels)
    z = rates.to_numpy(dtype=float)
    counts = rows.fillna(0).to_numpy(dtype=float)
    text = [
        [
            "" if not np.isfinite(z[i, j]) else f"{format(z[i, j], fmt)}<br>{int(counts[i, j]):,}"
            for j in range(z.shape[1])
        ]
        for i in range(z.shape[0])
    ]
    fig = go.Figure(
        go.Heatmap(
            x=[escape(c) for c in rates.columns],
            y=[escape(r) for r in rates.index],
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"color": RISK_TEXT_COLOUR},
            colorscale=[[0.0, NEUTRAL_COLOUR], [1.0, LIGHT_LOSS_COLOUR]],
            zmin=0.0,
            hoverongaps=False,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": label}},
            hovertemplate="%{x} × %{y}<br>" + label + " %{z:" + fmt + "}<extra></extra>",
            name=label,
        )
    )
    x_name, y_name = table.attrs.get("x", "x"), table.attrs.get("y", "y")
    style(fig, f"{label} by {escape(x_name)} and {escape(y_name)}", escape(x_name), escape(y_name))
    fig.update_xaxes(type="category", showgrid=False)
    fig.update_yaxes(type="category", showgrid=False)
    return fig
