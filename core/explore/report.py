"""The full report: ydata-profiling on an explicit, seeded sample, with its progress.

Its cost against bare ydata-profiling on the demo data, minimal and full, is measured by
``benchmarks/bench_explore.py``; the first call also pays for importing ydata-profiling. Its
HTML embeds the user's data and runs scripts: show it sandboxed (an ``<iframe>`` without
``allow-same-origin``) or offer it as a download, never inline in the app's page.
"""

from __future__ import annotations

import contextvars
import dataclasses
import importlib
import math
import numbers
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from core.data.schema import Schema
from core.explore.columns import ProfileError, is_number, sample_positions

MSG_SETTING = "{field} must be {rule}, got {value!r}"
MSG_EMPTY = "the data has no rows to profile"

MAX_SEED = 2**32 - 1
MAX_TITLE = 200
ProgressCallback = Callable[[float, str], None]


@dataclasses.dataclass(frozen=True)
class ProfileSettings:
    """How to make the full report: a seeded sample of at most ``sample_rows`` rows, minimal
    mode (cheaper: no correlations, interactions or missing-value diagrams; how much is
    measured by ``benchmarks/bench_explore.py``) and the report's title. Validated on
    construction; JSON-safe via ``dataclasses.asdict``."""

    sample_rows: int = 100_000
    seed: int = 0
    minimal: bool = False
    title: str = "Data profile"

    def __post_init__(self) -> None:
        def bad(field: str, rule: str, value: Any) -> ProfileError:
            return ProfileError(
                MSG_SETTING.format(field=field, rule=rule, value=value), field=field
            )

        rows, seed = self.sample_rows, self.seed
        if isinstance(rows, bool) or not isinstance(rows, numbers.Integral) or rows < 1:
            raise bad("sample_rows", "a whole number of at least 1", rows)
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise bad("seed", "a whole number from 0 to 4294967295", seed)
        if not 0 <= seed <= MAX_SEED:
            raise bad("seed", "a whole number from 0 to 4294967295", seed)
        if not isinstance(self.minimal, bool | np.bool_):
            raise bad("minimal", "true or false", self.minimal)
        title = self.title.strip() if isinstance(self.title, str) else ""
        if not title or len(title) > MAX_TITLE:
            raise bad("title", f"text of 1 to {MAX_TITLE} characters", self.title)
        object.__setattr__(self, "sample_rows", int(rows))
        object.__setattr__(self, "seed", int(seed))
        object.__setattr__(self, "minimal", bool(self.minimal))
        object.__setattr__(self, "title", title)


@dataclasses.dataclass(frozen=True)
class ProfileReportResult:
    """The report's HTML (user data and scripts: show sandboxed or as a download), a small
    JSON-safe summary (``alerts`` as text, ``variables`` as one record per column,
    ``table`` totals) and how many rows were profiled."""

    html: str
    summary: dict[str, Any]
    rows_profiled: int
    sampled: bool


def profile_sample(df: pd.DataFrame, settings: ProfileSettings) -> tuple[pd.DataFrame, bool]:
    """(rows to profile, whether they are a sample): a seeded sample of ``sample_rows`` rows,
    kept in their original order; the whole frame when it is no larger."""
    if len(df) <= settings.sample_rows:
        return df, False
    return df.iloc[sample_positions(len(df), settings.sample_rows, settings.seed)], True


# ydata-profiling reports progress only through tqdm bars. While a report is made, the bars
# of the modules below are replaced by a subclass that, for the calling thread's report only
# (a context variable), stays silent and turns each step into an ``on_progress`` call. Steps
# made on ydata's worker threads are counted and reported by the next step on the calling
# thread, so ``on_progress`` only ever runs on the caller's thread, where it may raise.
_YDATA_PROGRESS_MODULES = (
    "ydata_profiling.model.describe",
    "ydata_profiling.model.pandas.summary_pandas",
)
_PATCH_LOCK = threading.Lock()


class _ReportProgress:
    """Maps the steps of ydata's "Summarize dataset" bar onto ``start``..``end``."""

    def __init__(self, on_progress: ProgressCallback, start: float, end: float) -> None:
        self.on_progress, self.start, self.end = on_progress, start, end
        self.thread = threading.get_ident()
        self.lock = threading.Lock()
        self.main: Any = None  # the first bar made: ydata's whole-description bar
        self.best = start
        self.message = "Describing the columns"

    def step(self) -> None:
        if threading.get_ident() != self.thread or self.main is None:
            return
        done, total = self.main.wb_done, max(float(self.main.total or 0), 1.0)
        fraction = self.start + (self.end - self.start) * min(done / total, 1.0)
        self.best = max(self.best, fraction)
        self.on_progress(self.best, self.message)


_PROGRESS: contextvars.ContextVar[_ReportProgress | None] = contextvars.ContextVar(
    "profile_report_progress", default=None
)


def _hooked_tqdm(base: type) -> type:
    class HookedTqdm(base):
        wb_hooked = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            hook = _PROGRESS.get()
            if hook is not None:
                kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            self.wb_hook = hook
            self.wb_done: float = 0
            if hook is not None and hook.main is None:
                hook.main = self

        def update(self, n: float = 1) -> bool | None:
            hook = getattr(self, "wb_hook", None)
            if hook is None:
                return super().update(n)
            with hook.lock:
                self.wb_done += n
            hook.step()
            return None

        def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
            hook = getattr(self, "wb_hook", None)
            if hook is None:
                return super().set_postfix_str(s, refresh)
            hook.message = str(s)
            return None

        def __iter__(self) -> Iterator[Any]:
            hook = getattr(self, "wb_hook", None)
            if hook is None:
                yield from super().__iter__()
                return
            for item in self.iterable:
                yield item
                hook.step()

    HookedTqdm.__name__ = HookedTqdm.__qualname__ = base.__name__
    return HookedTqdm


def _hook_ydata_progress() -> None:
    """Install the progress hook once; ydata versions without these modules keep the coarse
    stage-by-stage progress."""
    with _PATCH_LOCK:
        for module_name in _YDATA_PROGRESS_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            base = getattr(module, "tqdm", None)
            if isinstance(base, type) and not getattr(base, "wb_hooked", False):
                vars(module)["tqdm"] = _hooked_tqdm(base)


def _plain(value: Any) -> Any:
    """A JSON-safe copy of numbers, text and nested dicts; anything else becomes text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _report_summary(description: Any, settings: ProfileSettings, rows: int, sampled: bool) -> dict:
    variables = []
    for name, found in description.variables.items():
        variables.append(
            {
                "column": str(name),
                "type": str(found.get("type", "")),
                "missing": _plain(found.get("n_missing")),
                "missing %": _plain(round(100 * float(found.get("p_missing", 0) or 0), 2)),
                "distinct": _plain(found.get("n_distinct")),
                "distinct %": _plain(round(100 * float(found.get("p_distinct", 0) or 0), 2)),
            }
        )
    return {
        "title": settings.title,
        "rows_profiled": rows,
        "sampled": sampled,
        "seed": settings.seed,
        "minimal": settings.minimal,
        "alerts": [str(alert) for alert in description.alerts],
        "variables": variables,
        "table": _plain(dict(description.table)),
    }


_YDATA_TYPES = {"numeric": "numeric", "categorical": "categorical", "boolean": "boolean"}
_YDATA_TYPES["datetime"] = "datetime"


def _ydata_types(rows: pd.DataFrame, schema: Schema | None) -> dict[str, str] | None:
    """Our column types in ydata's words, so the report agrees with the schema (left to
    ydata: text, identifiers, and numbers stored as text)."""
    if schema is None:
        return None
    types = {}
    for column in schema.columns:
        kind = _YDATA_TYPES.get(column.type)
        if kind is None or column.name not in rows.columns:
            continue
        if kind == "numeric" and not is_number(rows[column.name]):
            continue
        types[column.name] = kind
    return types


# Where each stage starts: (describe, draw, write). Minimal reports spend most of their time
# drawing the report's charts; full ones describing (correlations, interactions).
_STAGES = {True: (0.1, 0.3, 0.9), False: (0.1, 0.65, 0.92)}


def profile_report(
    df: pd.DataFrame,
    settings: ProfileSettings,
    *,
    on_progress: ProgressCallback | None = None,
    schema: Schema | None = None,
) -> ProfileReportResult:
    """The full ydata-profiling report of a seeded sample (``profile_sample``).

    ``on_progress(fraction, message)`` is called on the caller's thread as the work goes on:
    sampling, loading the library, describing each column (ydata's own progress steps),
    drawing the report and writing the HTML. It may raise to cancel: the exception is not
    caught. With ``schema``, ydata uses its column types instead of guessing. The HTML
    contains the user's data and JavaScript: the app must show it in a sandboxed iframe
    (no ``allow-same-origin``) or as a download, never inline.
    """
    report_progress = on_progress or (lambda fraction, message: None)
    if not len(df) or not df.shape[1]:
        raise ProfileError(MSG_EMPTY)
    report_progress(0.0, "Sampling rows")
    rows, sampled = profile_sample(df, settings)
    report_progress(0.03, "Loading ydata-profiling")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its notice about a new name
        # imported here: ydata-profiling is slow to import and only the report needs it
        from ydata_profiling import ProfileReport
    _hook_ydata_progress()
    report = ProfileReport(
        rows.copy(deep=False),
        minimal=settings.minimal,
        title=settings.title,
        progress_bar=False,
        type_schema=_ydata_types(rows, schema),
    )
    describe, draw, write = _STAGES[settings.minimal]
    report_progress(describe, "Describing the columns")
    token = _PROGRESS.set(_ReportProgress(report_progress, describe, draw))
    try:
        description = report.get_description()
    finally:
        _PROGRESS.reset(token)
    report_progress(draw, "Drawing the report's charts")
    _ = report.report  # the report structure: every chart is drawn here
    report_progress(write, "Writing the HTML")
    page = report.to_html()
    report_progress(1.0, "Report ready")
    summary = _report_summary(description, settings, len(rows), sampled)
    return ProfileReportResult(html=page, summary=summary, rows_profiled=len(rows), sampled=sampled)


def profile_report_html(
    df: pd.DataFrame,
    settings: ProfileSettings,
    *,
    on_progress: ProgressCallback | None = None,
    schema: Schema | None = None,
) -> str:
    """Only the HTML of ``profile_report``: user data and scripts, so show it sandboxed (an
    iframe without ``allow-same-origin``) or as a download, never inline."""
    return profile_report(df, settings, on_progress=on_progress, schema=schema).html
