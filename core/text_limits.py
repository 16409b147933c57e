"""Length limits of the free-text fields a person types: one table, one check, one message.

Why: without them a 5 MB project name is stored and then rendered on every page of a shared
server. The limits are generous for people and small for machines.

>>> check_text("project name", "Churn 2026")
'Churn 2026'
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.exceptions import CoreError

#: Longest text accepted per field, in characters.
TEXT_LIMITS: dict[str, int] = {
    "project name": 120,
    "project description": 2_000,
    "goal text": 2_000,
    "dataset note": 20_000,
    "cohort name": 200,
    "comment": 5_000,
    "promotion reason": 2_000,
    "e-mail": 320,
    "webhook URL": 1_000,  # storage.models.MonitorSettings.webhook_url's length
    "log file path": 1_000,  # storage.models.MonitorSettings.log_path's length
}

TOO_LONG = "The {field} is {length:,} characters long; the limit is {limit:,}."


class TextTooLong(CoreError):
    """A text field over its length limit."""


def check_text(field: str, value: str, *, label: str | None = None) -> str:
    """Return ``value`` if it fits ``TEXT_LIMITS[field]``; else raise naming the field and limit.

    ``label`` names the field in the message when it is more specific (e.g. a goal's ``risks[2].text``).
    """
    limit = TEXT_LIMITS[field]
    if len(value) > limit:
        raise TextTooLong(
            TOO_LONG.format(field=label or field, length=len(value), limit=limit),
            field=label or field,
            hint="Shorten it.",
        )
    return value


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def document_text_problems(document: Any, *, field: str = "goal text") -> list[tuple[str, str]]:
    """``(path, message)`` for every string inside a (goal) document over ``TEXT_LIMITS[field]``."""
    limit = TEXT_LIMITS[field]
    return [
        (path, TOO_LONG.format(field=f"goal field {path}", length=len(text), limit=limit))
        for path, text in _strings(document, "")
        if len(text) > limit
    ]
