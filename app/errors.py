"""User-caused errors raised by services; shown as one clear message by the UI and CLI."""

from __future__ import annotations

from core.exceptions import CoreError
from storage.artifacts import ArtifactError


class UserError(Exception):
    """Something the user can fix: the message says what happened, ``hint`` what to do."""

    def __init__(self, message: str, *, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class NotFound(UserError):
    pass


class PermissionDenied(UserError):
    """The acting person lacks the right for this change (their role says why)."""


class DatabaseUnavailable(UserError):
    """The configured database cannot be used: its driver is missing or the server is unreachable."""


def describe_error(error: BaseException) -> str:
    """One line for a person: user errors as written, anything else named but without a traceback."""

    if isinstance(error, UserError | CoreError):
        return str(error)

    if isinstance(error, ArtifactError):
        return str(error)
    return f"Unexpected error ({type(error).__name__}): {error}"
