"""Service health from the prediction log: traffic, latency, errors, callers and versions.

Rows of one logged request count once; latency percentiles (numpy's) use successful (2xx)
requests only, since a refused request answers fast and would flatter the service.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from core.monitor.common import MonitorError, _check_frame, _periods, _require_column, _times_of
from core.monitor.logs import _is_success

UNKNOWN_CALLER = "(unknown)"
LATENCY_QUANTILES = (50, 95, 99)

MSG_NO_REQUESTS = "the log holds no requests, so there is no service health to show"


@dataclasses.dataclass(frozen=True, eq=False)
class ServiceHealth:
    """Traffic, latency and errors of the service, overall and per period.

    Latency counts successful (2xx) requests only. ``traffic``: period, one column per
    status class ("2xx", "4xx", "5xx", …), total. ``latency``: period, requests, p50, p95,
    p99. ``status_codes``: status, requests, share. ``callers``: caller, requests, errors,
    error_rate, p95_latency_ms. ``versions``: model_version, requests, first_seen, last_seen.
    """

    requests: int
    errors: int  # requests answered with a status other than 2xx
    server_errors: int  # 5xx
    error_rate: float
    latency_p50: float
    latency_p95: float
    latency_p99: float
    traffic: pd.DataFrame
    latency: pd.DataFrame
    status_codes: pd.DataFrame
    callers: pd.DataFrame
    versions: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    freq: str = "h"

    def latency_at(self, quantile: str) -> float:
        """``"p50"``, ``"p95"`` or ``"p99"`` latency in ms over all successful requests."""
        return float(getattr(self, f"latency_{quantile}"))


def _percentiles(values: np.ndarray) -> list[float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return [math.nan] * len(LATENCY_QUANTILES)
    return [float(v) for v in np.percentile(values, LATENCY_QUANTILES)]


def _requests_of(log_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per request: the rows of one logged request share their ``log_line``."""
    if "log_line" not in log_frame.columns:
        return log_frame
    line = log_frame["log_line"]
    return log_frame[(line.isna() | ~line.duplicated()).to_numpy()]


def _traffic(requests: pd.DataFrame, periods: pd.Series) -> pd.DataFrame:
    classes = (requests["status"].astype(int) // 100).astype(str) + "xx"
    table = pd.crosstab(periods.to_numpy(), classes.to_numpy())
    for name in ("2xx", "4xx", "5xx"):
        if name not in table.columns:
            table[name] = 0
    ordered = ["2xx", "4xx", "5xx", *sorted(set(table.columns) - {"2xx", "4xx", "5xx"})]
    table = table[ordered]
    table["total"] = table.sum(axis=1)
    table = table.rename_axis(index="period", columns=None).reset_index()
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table


def _latency_table(ok: pd.DataFrame, periods: pd.Series) -> pd.DataFrame:
    rows = []
    for period, part in ok.groupby(periods.to_numpy(), sort=True):
        p50, p95, p99 = _percentiles(part["latency_ms"].to_numpy(dtype=float))
        rows.append({"period": period, "requests": len(part), "p50": p50, "p95": p95, "p99": p99})
    table = pd.DataFrame(rows, columns=["period", "requests", "p50", "p95", "p99"])
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table


def _callers_table(requests: pd.DataFrame, success: pd.Series) -> pd.DataFrame:
    caller = requests["caller"].fillna(UNKNOWN_CALLER).astype(str)
    rows = []
    for name, part in requests.groupby(caller.to_numpy(), sort=True):
        ok = success.loc[part.index]
        count = len(part)
        errors = int((~ok).sum())
        p95 = _percentiles(part.loc[ok, "latency_ms"].to_numpy(dtype=float))[1]
        rows.append(
            {
                "caller": name,
                "requests": count,
                "errors": errors,
                "error_rate": errors / count,
                "p95_latency_ms": p95,
            }
        )
    table = pd.DataFrame(
        rows, columns=["caller", "requests", "errors", "error_rate", "p95_latency_ms"]
    )
    return table.sort_values(["requests", "caller"], ascending=[False, True], ignore_index=True)


def _versions_table(requests: pd.DataFrame) -> pd.DataFrame:
    version = requests["model_version"].fillna("(unknown)").astype(str)
    table = (
        requests.groupby(version.to_numpy(), sort=True)["time"]
        .agg(requests="size", first_seen="min", last_seen="max")
        .rename_axis("model_version")
        .reset_index()
    )
    return table.sort_values("first_seen", ignore_index=True)


def service_health(log_frame: pd.DataFrame, *, freq: str = "h") -> ServiceHealth:
    """Requests by status class, latency percentiles (numpy's), errors, callers and versions.

    Rows of one logged request count once. Latency percentiles use successful requests
    only: a refused request answers fast and would flatter the service.
    """
    frame = _check_frame(log_frame, "log_frame")
    for column in ("time", "status"):
        _require_column(frame, column, "log_frame")
    requests = _requests_of(frame).copy()
    if requests.empty:
        raise MonitorError(MSG_NO_REQUESTS, field="log_frame")
    for column, default in (("latency_ms", math.nan), ("caller", None), ("model_version", None)):
        if column not in requests.columns:
            requests[column] = default
    requests["time"] = _times_of(requests, "time", "log_frame")
    periods = _periods(requests["time"], freq)
    success = _is_success(requests["status"])
    ok = requests[success.to_numpy()]
    p50, p95, p99 = _percentiles(ok["latency_ms"].to_numpy(dtype=float))
    codes = requests["status"].astype(int).value_counts().sort_index()
    status_codes = pd.DataFrame(
        {"status": codes.index.astype(int), "requests": codes.to_numpy(dtype=np.int64)}
    )
    status_codes["share"] = status_codes["requests"] / len(requests)
    errors = int((~success).sum())
    return ServiceHealth(
        requests=len(requests),
        errors=errors,
        server_errors=int((requests["status"].astype(int) >= 500).sum()),
        error_rate=errors / len(requests),
        latency_p50=p50,
        latency_p95=p95,
        latency_p99=p99,
        traffic=_traffic(requests, periods),
        latency=_latency_table(ok, periods[success.to_numpy()]),
        status_codes=status_codes,
        callers=_callers_table(requests, success),
        versions=_versions_table(requests),
        start=requests["time"].min(),
        end=requests["time"].max(),
        freq=freq,
    )
