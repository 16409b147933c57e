"""One place that turns errors into clear messages on the page (never a traceback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from app.errors import UserError, describe_error
from core.exceptions import CoreError
from core.report import escape_markdown
from storage.artifacts import ArtifactError

T = TypeVar("T")


def show_error(error: BaseException) -> None:
    if isinstance(error, UserError | CoreError | ArtifactError):
        st.error(escape_markdown(describe_error(error)), icon=":material/error:")
    else:
        st.error(
            f"Something went wrong: {escape_markdown(describe_error(error))}. Your saved work is unaffected; "
            "details are in the log under WORKBENCH_HOME/logs.",
            icon=":material/error:",
        )


@contextmanager
def user_errors() -> Iterator[None]:
    """Show user-caused errors from the block as a message instead of crashing the page."""
    try:
        yield
    except (UserError, CoreError, ArtifactError) as error:
        show_error(error)


def attempt(action: Callable[[], T]) -> T | None:
    """Run ``action``; on a user error show it and return None."""
    try:
        return action()
    except (UserError, CoreError, ArtifactError) as error:
        show_error(error)
        return None
