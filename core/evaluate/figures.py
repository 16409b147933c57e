"""Plotly figures for the Evaluate stage: confusion, curves, money, residuals, error cohorts.

Computing lives in ``core.evaluate`` and ``core.errors``; these builders only draw their
(aggregated or sampled) results, so no figure carries more than MAX_FIGURE_POINTS markers.
Backgrounds are transparent and grid lines mid-grey, so the figures read in light and dark
themes; text inside cells sits on light fills in dark ink. User text (class labels, column
names, currency) is HTML-escaped because Plotly renders tags in labels.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.business import ValueCurve, format_money
from core.business_figures import (
    CHOSEN_COLOUR,
    CURVE_COLOUR,
    GAIN_COLOUR,
    LOSS_COLOUR,
    NEUTRAL_COLOUR,
    OPTIMAL_COLOUR,
    RISK_TEXT_COLOUR,
    ZERO_LINE_COLOUR,
    value_curve_figure,
)
from core.errors import Cohort, cohorts_table
from core.evaluate import ClassificationEvaluation, EvaluateError, RegressionEvaluation
from core.figure_style import style_figure

__all__ = [
    "MAX_FIGURE_POINTS",
    "calibration_figure",
    "cohort_bar_figure",
    "confusion_figure",
    "error_distribution_figure",
    "error_heatmap_figure",
    "gains_figure",
    "pr_figure",
    "profit_curve_figure",
    "residuals_figure",
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


def _e(text: object) -> str:
    return html.escape(str(text))


def _style(fig: go.Figure, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    return style_figure(fig, title, x_title, y_title, legend="bottom")


def _colour(i: int) -> str:
    return CLASS_COLOURS[i % len(CLASS_COLOURS)]


def _spread_rows(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most ``limit`` evenly spaced rows (the rows are already a seeded sample)."""
    if len(frame) <= limit:
        return frame
    return frame.iloc[np.linspace(0, len(frame) - 1, limit).round().astype(int)]


# --- confusion -----------------------------------------------------------------------------


def confusion_figure(
    evaluation: ClassificationEvaluation, *, money: bool = False, currency: str | None = None
) -> go.Figure:
    """Counts (with the share of each actual class) or money per month in every cell."""
    if money and evaluation.confusion_value is None:
        raise EvaluateError(MSG_NO_MONEY, field="money")
    counts = evaluation.confusion
    labels = [_e(c) for c in counts.columns]
    actual = [_e(c) for c in counts.index]
    values = counts.to_numpy(dtype=float)
    row_share = values / np.maximum(values.sum(axis=1, keepdims=True), 1)
    if money:
        z = evaluation.confusion_value.to_numpy(dtype=float)
        text = [
            [
                f"{_e(format_money(z[i, j], currency))}<br>{int(values[i, j]):,} rows"
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
    _style(fig, title, "Predicted", "Actual")
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(type="category", side="bottom", showgrid=False)
    return fig


# --- ROC, PR, calibration, gains --------------------------------------------------------------


def _require(frame: pd.DataFrame | None, what: str, why: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        raise EvaluateError(MSG_NO_CURVE.format(what=what, why=why), field=what)
    return frame


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


def roc_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """True vs false positive rate over all thresholds (one-vs-rest per class for multiclass)."""
    roc = _require(evaluation.roc, "ROC curve", "it needs both classes among the rows")
    fig = go.Figure()
    for i, (label, curve) in enumerate(roc.groupby("class", sort=False)):
        name = _e(label)
        if evaluation.task == "binary":
            name = f"ROC AUC {_metric_value(evaluation, 'roc_auc'):.3f}"
        fig.add_trace(
            go.Scatter(
                x=curve["fpr"],
                y=curve["tpr"],
                mode="lines",
                line={"color": _colour(i), "width": 2},
                name=name,
                hovertemplate="False positive rate %{x:.3f}<br>True positive rate %{y:.3f}"
                "<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
            name=CHANCE_NAME,
            hoverinfo="skip",
        )
    )
    rates = _rates_at_threshold(evaluation)
    if rates:
        _current_point(fig, rates["fpr"], rates["tpr"], evaluation.threshold)
    _style(fig, "ROC curve", "False positive rate", "True positive rate (recall)")
    fig.update_xaxes(range=[0, 1.01])
    fig.update_yaxes(range=[0, 1.01])
    return fig


def pr_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """Precision vs recall over all thresholds, with the positive rate as the random baseline."""
    pr = _require(evaluation.pr, "precision-recall curve", "it needs positives among the rows")
    fig = go.Figure()
    for i, (label, curve) in enumerate(pr.groupby("class", sort=False)):
        name = _e(label)
        if evaluation.task == "binary":
            name = f"PR AUC {_metric_value(evaluation, 'pr_auc'):.3f}"
        fig.add_trace(
            go.Scatter(
                x=curve["recall"],
                y=curve["precision"],
                mode="lines",
                line={"color": _colour(i), "width": 2, "shape": "hv"},
                name=name,
                hovertemplate="Recall %{x:.3f}<br>Precision %{y:.3f}<extra></extra>",
            )
        )
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
    _style(fig, "Precision-recall curve", "Recall", "Precision")
    fig.update_xaxes(range=[0, 1.01])
    fig.update_yaxes(range=[0, 1.01])
    return fig


def calibration_figure(evaluation: ClassificationEvaluation) -> go.Figure:
    """Observed positive rate vs mean predicted probability per quantile bin."""
    cal = _require(evaluation.calibration, "calibration curve", "it is drawn for binary tasks")
    fig = go.Figure(
        [
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
                name="Perfectly calibrated",
                hoverinfo="skip",
            ),
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
    _style(
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
    gains = _require(evaluation.gains, "gains table", "it needs a binary task with positives")
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
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
            name=CHANCE_NAME,
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[0, base, 1],
            y=[0, 1, 1],
            mode="lines",
            line={"color": OPTIMAL_COLOUR, "dash": "dot", "width": 1},
            name="Perfect model",
            hoverinfo="skip",
        ),
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
    _style(fig, "Who to target: gains and lift")
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
            annotation={"text": f"business case {_e(format_money(kpi_target_value, currency))}"},
        )
    unit = _e(currency) if currency else "money"
    return _style(
        fig,
        "Value per month by threshold (flag when score ≥ threshold)",
        "Threshold",
        f"Value per month ({unit})",
    )


# --- regression ----------------------------------------------------------------------------


def residuals_figure(evaluation: RegressionEvaluation) -> go.Figure:
    """Predicted vs actual (diagonal = perfect) and residual vs prediction with binned bands."""
    sample = _spread_rows(evaluation.residuals, SCATTER_POINTS_PER_PANEL)
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
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            line={"color": ZERO_LINE_COLOUR, "dash": "dash", "width": 1},
            name="Perfect prediction",
            hoverinfo="skip",
        ),
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
    _style(fig, f"Residuals ({shown})" if shown else "Residuals")
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
        hist = _require(evaluation.residual_histogram, "residual histogram", "no rows")
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
        return _style(
            fig,
            "Residuals (actual − predicted); the outer 0.5 % on each side sit in the end bars",
            "Residual",
            "Rows",
        )
    hist = _require(evaluation.score_histogram, "score histogram", "no rows")
    fig = go.Figure()
    for i, (label, part) in enumerate(hist.groupby("actual", sort=False)):
        fig.add_trace(
            go.Bar(
                x=(part["bin_low"] + part["bin_high"]) / 2,
                y=part["rows"],
                width=(part["bin_high"] - part["bin_low"]).to_numpy(),
                marker={"color": _colour(i)},
                opacity=0.6,
                name=f"actual {_e(label)}",
                hovertemplate="Score %{x:.2f}: %{y:,} rows<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay")
    if evaluation.task == "binary":
        title = f"Scores for {_e(evaluation.positive)} by actual class"
        if evaluation.threshold is not None:
            fig.add_vline(
                x=evaluation.threshold,
                line={"color": CHOSEN_COLOUR, "width": 2},
                annotation={"text": f"threshold {evaluation.threshold:.3g}"},
            )
        x_title = f"Predicted probability of {_e(evaluation.positive)}"
    else:
        title = "Probability given to each row's actual class"
        x_title = "Probability of the actual class"
    return _style(fig, title, x_title, "Rows")


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
            y=[_e(c) for c in table["cohort"]],
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
    title = f"{label} by {_e(column)}" if column else f"{label} by cohort"
    _style(fig, title, label, "")
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
            x=[_e(c) for c in rates.columns],
            y=[_e(r) for r in rates.index],
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
    _style(fig, f"{label} by {_e(x_name)} and {_e(y_name)}", _e(x_name), _e(y_name))
    fig.update_xaxes(type="category", showgrid=False)
    fig.update_yaxes(type="category", showgrid=False)
    return fig
