"""`workbench` — the scriptable twin of the UI. Read commands take ``--json``.

One module per command group; this one holds the top group, whose ``invoke`` turns every
user-caused error into one line on stderr and exit status 2 (anything else: exit 1, with the
traceback in WORKBENCH_HOME/logs/cli.log). Shared parameter types live in ``app.cli.params``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from app.cli import data, export, goal, jobs, monitor, predict, projects, team, train, ui
from app.cli.params import (
    OUT_FILE,
    PROJECT,
    emit_json,
    json_option,
    log_to_file,
    pass_workbench,
    workbench,
)
from app.errors import UserError, describe_error
from core.exceptions import CoreError
from storage.artifacts import ArtifactError

__all__ = [
    "ARTIFACT_HINT",
    "OUT_FILE",
    "PROJECT",
    "WorkbenchGroup",
    "emit_json",
    "json_option",
    "main",
    "pass_workbench",
    "workbench",
]

#: What to do about a missing or damaged stored file (ArtifactError).
ARTIFACT_HINT = (
    "Run `workbench verify` to see what it belongs to; re-import the data or retrain the run "
    "to store it again."
)


def _file_error_message(error: OSError) -> str | None:
    """One line for a file that is missing or cannot be written, or None for other OS errors."""
    if not isinstance(error, FileNotFoundError | NotADirectoryError | PermissionError):
        return None
    what = "does not exist" if isinstance(error, FileNotFoundError) else error.strerror
    where = error.filename or "a file"
    return f"{where} {what}. Check the path (and that its folder exists and is writable)."


def _log_unexpected(error: BaseException) -> Path:
    """Log the traceback at ERROR in cli.log, where a person finds it; returns the log's path."""
    from app.settings import load_settings

    path = load_settings().logs_dir / "cli.log"
    log_to_file(path)
    command = " ".join(sys.argv[1:]) or "workbench"
    logging.getLogger("workbench.cli").error(
        "unexpected error in `workbench %s`", command, exc_info=error
    )
    return path


def _fail(ctx: click.Context, message: str, *, code: int = 2) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    ctx.exit(code)


class WorkbenchGroup(click.Group):
    """The top group: the one place where errors become a clean message and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (UserError, CoreError) as error:
            _fail(ctx, describe_error(error))
        except ArtifactError as error:
            _fail(ctx, f"a stored file cannot be used: {error}. {ARTIFACT_HINT}")
        except OSError as error:
            message = _file_error_message(error)
            if message is None:
                self._unexpected(ctx, error)
            _fail(ctx, message)
        except Exception as error:  # last resort: one line, the traceback in the log
            self._unexpected(ctx, error)

    @staticmethod
    def _unexpected(ctx: click.Context, error: Exception) -> NoReturn:
        log = _log_unexpected(error)
        _fail(ctx, f"{describe_error(error)} (traceback in {log})", code=1)


@click.group(cls=WorkbenchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lifecycle-workbench")
def main() -> None:
    """Lifecycle Workbench: goal, data, training, evaluation, fairness, export and monitoring."""


for _module in (projects, goal, data, train, predict, export, monitor, team, ui, jobs):
    for _command in _module.COMMANDS:
        main.add_command(_command)
