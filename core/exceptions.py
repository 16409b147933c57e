"""Errors caused by the user's data or settings. The app turns them into one clear message."""

from __future__ import annotations


class CoreError(ValueError):
    """A problem the user can fix; ``field`` names the offending input, ``hint`` what to do."""

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message
