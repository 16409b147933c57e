"""The KPI chart says so when the value it shows comes from simulated production."""

from __future__ import annotations

import pandas as pd

from core.monitor.figures import SIMULATED_LABEL, value_over_time_figure


def _performance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06", "2025-01-13"], utc=True),
            "rows": [400, 410],
            "value_per_month": [9_000.0, 4_000.0],
        }
    )


def test_the_value_chart_is_labelled_when_it_includes_simulated_data() -> None:
    fig = value_over_time_figure(_performance(), promised=8_000, simulated=True)
    assert SIMULATED_LABEL in fig.layout.title.text
    assert SIMULATED_LABEL in fig.data[0].name


def test_real_production_carries_no_such_label() -> None:
    fig = value_over_time_figure(_performance(), promised=8_000)
    assert SIMULATED_LABEL not in fig.layout.title.text
