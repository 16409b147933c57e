"""Train settings: how models are trained and compared, one document per training run.

``TrainSettings`` is a pydantic model (``core.documents``): it is checked when it is made, a
bad value raising ``TrainError`` that names the field and what it needs, and it is stored with
each run as ``settings.stored()`` (plain JSON, the same keys as ever) and read back with
``TrainSettings.from_stored(...)``, which also reads the settings of runs saved by older
versions.

    settings = TrainSettings(models=("logreg", "hgb"), folds=5, seed=0)
    again = TrainSettings.from_stored(settings.stored())
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, get_args

import numpy as np
import pydantic

from core.documents import Document, plain_problems
from core.exceptions import CoreError
from core.metrics import LEADERBOARD_METRICS, Metric, get_metric, stored_name

__all__ = ["CV_METHODS", "METRICS", "CvMethod", "MetricInfo", "TrainError", "TrainSettings"]

CvMethod = Literal["stratified", "kfold", "group", "time"]
CV_METHODS: tuple[str, ...] = get_args(CvMethod)

#: Kept for callers that import it: a leaderboard metric is a ``core.metrics.Metric``.
MetricInfo = Metric

#: The metrics the leaderboard can rank by, under the names train settings, goals and saved
#: runs use (``expected_value`` is the registry's ``value_per_month``; see core.metrics).
METRICS: dict[str, Metric] = {name: get_metric(name) for name in LEADERBOARD_METRICS}
assert all(m.ranks_models for m in METRICS.values())

MSG_FOLDS = "folds must be a whole number of at least 2, got {value!r}"
MSG_NO_MODELS = "choose at least one model to train; settings.models is empty"
MSG_UNKNOWN_METRIC = "metric {value!r} is not known; use one of {choices}"
MSG_CV_COLUMN_NEEDED = "cv {method!r} needs settings.{field}: the column to {purpose}"
MSG_SAMPLE_ROWS = (
    "sample_rows must be a whole number of at least {minimum} (2 per fold), got {value!r}"
)
MSG_TUNE_TRIALS = "tune_trials must be a whole number of at least 1, got {value!r}"
MSG_TUNE_SECONDS = "tune_seconds must be more than 0, got {value!r}"
MSG_CLASS_WEIGHT = "class_weight must be 'balanced' or None, got {value!r}"
MSG_N_JOBS = "n_jobs must be a whole number other than 0 (-1 = all cores), got {value!r}"

_CV_COLUMNS = (
    ("group", "group_column", "keep together in one fold"),
    ("time", "time_column", "order the rows by"),
)


class TrainError(CoreError):
    """Training settings or data that cannot work; the message says what to change."""


def _whole(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _checked(message: str, fits: Callable[[Any], bool]) -> pydantic.BeforeValidator:
    """A field check with the field's own message (``{value!r}`` is what was given)."""

    def check(value: Any) -> Any:
        if not fits(value):
            raise ValueError(message.format(value=value))
        return int(value) if _whole(value) else value

    return pydantic.BeforeValidator(check)


def _known_metric(value: Any) -> Any:
    name = stored_name(value) if isinstance(value, str) else value  # an alias is stored as
    if name not in METRICS:  # saved runs name it (f1_macro -> f1)
        choices = ", ".join(METRICS)
        raise ValueError(MSG_UNKNOWN_METRIC.format(value=value, choices=choices))
    return name


Folds = Annotated[int, _checked(MSG_FOLDS, lambda v: _whole(v) and v >= 2)]
Trials = Annotated[
    int | None, _checked(MSG_TUNE_TRIALS, lambda v: v is None or (_whole(v) and v >= 1))
]
Seconds = Annotated[
    float | None,
    _checked(MSG_TUNE_SECONDS, lambda v: v is None or (not isinstance(v, bool) and v > 0)),
]
ClassWeight = Annotated[
    Literal["balanced"] | None, _checked(MSG_CLASS_WEIGHT, lambda v: v in ("balanced", None))
]
Jobs = Annotated[int, _checked(MSG_N_JOBS, lambda v: _whole(v) and v != 0)]


class TrainSettings(Document):
    """How models are trained and compared; one per training run, recorded with it."""

    models: tuple[str, ...]
    folds: Folds = 5
    seed: int = 0
    tune_trials: Trials = None  # Optuna budget per model
    tune_seconds: Seconds = None
    metric: Annotated[str, pydantic.BeforeValidator(_known_metric)] = "expected_value"
    sample_rows: int | None = None  # train on a stratified sample (Quick preset on big data)
    class_weight: ClassWeight = None
    include_sensitive: bool = False
    cv: CvMethod = "stratified"
    group_column: str | None = pydantic.Field(default=None, validate_default=True)
    time_column: str | None = pydantic.Field(default=None, validate_default=True)
    n_jobs: Jobs = 2  # folds in parallel (joblib); each model itself uses one thread in CV

    def __init__(self, **data: Any) -> None:
        """Checked settings; the first problem found raises ``TrainError`` naming its field."""
        try:
            super().__init__(**data)
        except pydantic.ValidationError as error:
            first = plain_problems(error, model=type(self))[0]
            raise TrainError(first.message, field=first.field) from None

    @pydantic.field_validator("sample_rows", mode="before")
    @classmethod
    def _sample_rows(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        minimum = 2 * info.data.get("folds", 2)
        if value is not None and (not _whole(value) or value < minimum):
            raise ValueError(MSG_SAMPLE_ROWS.format(minimum=minimum, value=value))
        return value

    @pydantic.field_validator("group_column", "time_column")
    @classmethod
    def _cv_column(cls, value: str | None, info: pydantic.ValidationInfo) -> str | None:
        for method, field, purpose in _CV_COLUMNS:
            if field == info.field_name and info.data.get("cv") == method and not value:
                raise ValueError(
                    MSG_CV_COLUMN_NEEDED.format(method=method, field=field, purpose=purpose)
                )
        return value

    def stored(self) -> dict[str, Any]:
        """The settings as a run records them: plain JSON (lists, numbers, text, None)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_stored(cls, data: Mapping[str, Any], **changes: Any) -> TrainSettings:
        """Settings recorded with a run, with ``changes`` applied.

        Runs saved by older versions lack newer fields (their defaults apply); keys the
        workbench records beside the settings (``mitigation``, ``sensitive_inputs``) are
        not settings and are left out.
        """
        known = {key: value for key, value in data.items() if key in cls.model_fields}
        return cls(**{**known, **changes})
