"""Monitor figures draw the results as they are, with user text escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.monitor import MonitorError, drift_over_time, drift_report, service_health
from core.monitor.figures import (
    MSG_NO_VALUE,
    MSG_UNKNOWN_METRIC,
    STATUS_COLOURS,
    callers_figure,
    drift_bar_figure,
    drift_over_time_figure,
    drift_table_figure,
    latency_figure,
    performance_over_time_figure,
    requests_figure,
    value_over_time_figure,
)

TAGGED = "<b>income</b>"


def transparent(fig: go.Figure) -> bool:
    return (
        fig.layout.paper_bgcolor == "rgba(0,0,0,0)" and fig.layout.plot_bgcolor == "rgba(0,0,0,0)"
    )


@pytest.fixture(scope="module")
def pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    reference = pd.DataFrame({TAGGED: rng.normal(size=2000), "plan": rng.choice(["a", "b"], 2000)})
    current = pd.DataFrame({TAGGED: rng.normal(1.0, 1, 600), "plan": rng.choice(["a", "b"], 600)})
    current["time"] = pd.Timestamp("2025-01-06T00:00Z") + pd.to_timedelta(np.arange(600), unit="h")
    return reference, current


@pytest.fixture(scope="module")
def report(pair):
    reference, current = pair
    return drift_report(
        reference, current, columns=[TAGGED, "plan"], categorical=["plan"], prediction_column=None
    )


@pytest.fixture(scope="module")
def health():
    rng = np.random.default_rng(1)
    status = rng.choice([200, 200, 200, 422, 503], 300)
    frame = pd.DataFrame(
        {
            "time": pd.Timestamp("2025-01-06T00:00Z")
            + pd.to_timedelta(np.arange(300) * 10, unit="min"),
            "status": status,
            "latency_ms": rng.lognormal(3, 0.5, 300),
            "caller": rng.choice(["crm", "<script>x</script>"], 300),
            "model_version": "3",
        }
    )
    return service_health(frame)


def test_drift_bars_are_red_above_the_alert_line(report) -> None:
    fig = drift_bar_figure(report)
    (bar,) = fig.data
    assert list(bar.y) == ["plan", "&lt;b&gt;income&lt;/b&gt;"]  # largest PSI on top
    assert list(bar.marker.color) == [STATUS_COLOURS["ok"], STATUS_COLOURS["drift"]]
    assert [shape.x0 for shape in fig.layout.shapes] == [0.1, 0.2]
    assert transparent(fig)


def test_drift_table_escapes_column_names(report) -> None:
    fig = drift_table_figure(report)
    (table,) = fig.data
    assert table.cells.values[0][0] == "&lt;b&gt;income&lt;/b&gt;"
    assert table.cells.values[1][0] == "drift"


def test_drift_over_time_has_a_line_per_column(pair) -> None:
    reference, current = pair
    long_table = drift_over_time(
        reference, current, columns=[TAGGED, "plan"], categorical=["plan"], prediction_column=None
    )
    fig = drift_over_time_figure(long_table)
    assert [trace.name for trace in fig.data] == ["&lt;b&gt;income&lt;/b&gt;", "plan"]
    assert len(fig.data[0].x) == long_table["period"].nunique()
    with pytest.raises(MonitorError):
        drift_over_time_figure(long_table.drop(columns="psi"))


@pytest.fixture
def performance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-20"], utc=True),
            "rows": [400, 410, 390],
            "roc_auc": [0.81, 0.78, 0.69],
            "value_per_month": [9_000.0, 4_000.0, -1_500.0],
        }
    )


def test_performance_marks_periods_below_the_minimum(performance) -> None:
    fig = performance_over_time_figure(performance, "roc_auc", minimum=0.75)
    (line,) = fig.data
    colours = list(line.marker.color)
    assert colours[0] == colours[1] != colours[2]
    assert fig.layout.shapes[0].y0 == 0.75
    with pytest.raises(MonitorError) as caught:
        performance_over_time_figure(performance, "mae")
    assert caught.value.message == MSG_UNKNOWN_METRIC.format(
        value="mae", choices="roc_auc, value_per_month"
    )


def test_value_over_time_shows_the_promise(performance) -> None:
    fig = value_over_time_figure(performance, promised=8_000, currency="<i>€</i>")
    (bars,) = fig.data
    np.testing.assert_allclose(bars.y, performance["value_per_month"])
    assert "<i>" not in fig.layout.yaxis.title.text
    assert any("8,000" in a.text for a in fig.layout.annotations)
    with pytest.raises(MonitorError, match=MSG_NO_VALUE.split(";")[0]):
        value_over_time_figure(performance.assign(value_per_month=np.nan))


def test_health_figures(health) -> None:
    latency = latency_figure(health, limit=60)
    assert [t.name for t in latency.data] == ["p50", "p95", "p99"]
    np.testing.assert_allclose(latency.data[1].y, health.latency["p95"])
    requests = requests_figure(health)
    assert [t.name for t in requests.data] == ["2xx", "4xx", "5xx"]
    assert requests.layout.barmode == "stack"
    callers = callers_figure(health)
    assert "&lt;script&gt;x&lt;/script&gt;" in list(callers.data[0].y)
    assert all(transparent(f) for f in (latency, requests, callers))
