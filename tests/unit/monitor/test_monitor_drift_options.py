"""Drift options are checked once, with messages naming the option and the value."""

from __future__ import annotations

import pytest

from core.monitor import MonitorError, drift_report
from core.monitor.common import MSG_SHARE, MSG_WHOLE
from core.monitor.drift import MSG_PSI_LIMITS
from core.monitor.logs import MSG_COLUMNS


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"psi_bins": 1}, "psi_bins", MSG_WHOLE.format(field="psi_bins", minimum=2, value=1)),
        ({"min_rows": 0}, "min_rows", MSG_WHOLE.format(field="min_rows", minimum=1, value=0)),
        ({"p_value": 1.5}, "p_value", MSG_SHARE.format(field="p_value", value=1.5)),
        (
            {"psi_warn": 0.3, "psi_alert": 0.2},
            "psi_warn",
            MSG_PSI_LIMITS.format(warn=0.3, alert=0.2),
        ),
    ],
)
def test_bad_options_are_refused(frames, options, field, message) -> None:
    frame = frames(rows=60)
    with pytest.raises(MonitorError) as caught:
        drift_report(frame, frame, columns=["income"], categorical=[], **options)
    assert (caught.value.field, caught.value.message) == (field, message)


def test_columns_must_be_a_list_of_names(frames) -> None:
    frame = frames(rows=60)
    with pytest.raises(MonitorError) as caught:
        drift_report(frame, frame, columns="income", categorical=[])
    assert caught.value.message == MSG_COLUMNS.format(value="income")


def test_something_must_be_compared(frames) -> None:
    frame = frames(rows=60)
    with pytest.raises(MonitorError) as caught:
        drift_report(frame, frame, columns=[], categorical=[], prediction_column=None)
    assert caught.value.field == "columns"
