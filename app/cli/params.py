"""What every command group shares: the workbench (``pass_workbench``), the ``PROJECT`` parameter
type, ``--out`` files, ``--json`` and its output, and the run a command works on.

Services are imported inside functions throughout ``app/cli``: importing them all would load
pandas, scikit-learn and plotly before `workbench project list` can answer (it should start in
under a second, benchmarks/bench_startup.py).
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import click

from app.errors import UserError

if TYPE_CHECKING:
    from app.context import Workbench
    from app.services.projects import ProjectInfo
    from app.services.training import RunInfo

P = ParamSpec("P")
R = TypeVar("R")


def workbench(ctx: click.Context | None = None) -> Workbench:
    """The workbench, opened on first use and kept as the root context's ``obj``.

    Opened lazily: ``--help``, `workbench ui` (which sets the server address first) and
    `workbench worker` must not open the database before they need it.
    """
    from app.context import open_workbench  # loads SQLAlchemy and migrates: only when needed

    root = (ctx or click.get_current_context()).find_root()
    if root.obj is None:
        root.obj = cli_workbench(open_workbench())
        log_to_file(root.obj.settings.home / "logs" / "cli.log")
    wb: Workbench = root.obj
    return wb


def cli_workbench(wb: Workbench) -> Workbench:
    """Team mode: the CLI on the server machine acts as a named local admin
    (``WORKBENCH_CLI_USER``, else ``cli:<login>``), recorded by that name in the trail.

    Whoever can run it there can already read the database; local mode keeps its one person.
    """
    from app.actors import cli_actor

    if not wb.settings.team_mode:
        return wb
    name = wb.settings.cli_user
    # The "cli:" prefix is how a job submitted from the CLI is run for the same admin.
    return wb.acting_as(cli_actor(name if name.startswith("cli:") else f"cli:{name}"))


def pass_workbench(fn: Callable[Concatenate[Workbench, P], R]) -> Callable[P, R]:
    """Like ``click.pass_obj``, with the workbench opened on first use (see ``workbench``)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return fn(workbench(), *args, **kwargs)

    return wrapper


def log_to_file(path: Path) -> None:
    """Diagnostics (a failed job's traceback) go to a file; the terminal gets one clear line."""
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()  # a read-only home still gets clean output
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class ProjectType(click.ParamType):
    """A project by name (case-insensitive) or id; an unknown one is a clear error, exit 2.

    The error is the service's ``NotFound`` ("No project named or numbered 'x'. Known
    projects: …"), shown by the top group as one line, not as a click usage block.
    """

    name = "project"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> ProjectInfo:
        from app.services.projects import ProjectInfo, resolve_project

        if isinstance(value, ProjectInfo):
            return value
        return resolve_project(workbench(ctx), value)


PROJECT = ProjectType()


class InFile(click.Path):
    """A file to read; one that does not exist (or is a folder) is a clear error, exit 2."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        assert isinstance(path, Path)  # path_type=Path
        if not path.is_file():
            raise UserError(f"{path} does not exist or is not a file.")
        return path


IN_FILE = InFile()


class OutFile(click.Path):
    """A file to write; a folder that does not exist is refused before any work is done."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        out = super().convert(value, param, ctx)
        assert isinstance(out, Path)  # path_type=Path
        if not out.expanduser().resolve().parent.is_dir():
            raise UserError(
                f"Cannot write {out}: the folder {out.parent} does not exist.",
                hint="Create it first or choose another --out.",
            )
        return out


OUT_FILE = OutFile()

project_argument = click.argument("project", metavar="PROJECT", type=PROJECT)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
version_option = click.option(
    "--version", "version_ref", default=None, help="Version number (default: newest)."
)
run_option = click.option(
    "--run", "run_id", type=int, default=None, help="Run id (default: the champion)."
)


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, default=str, ensure_ascii=False))


def run_for(wb: Workbench, project_id: int, run_id: int | None) -> RunInfo:
    """The asked run of this project, or its champion; clear errors otherwise."""
    from app.services import training

    run = training.get_run(wb, run_id) if run_id else training.champion(wb, project_id)
    if run is None:
        reason = training.no_champion_reason(wb, project_id)
        if reason:
            raise UserError(reason, hint="Or pick a run with --run RUN.")
        raise UserError(
            "This project has no trained run yet.", hint="Train with `workbench train PROJECT`."
        )
    if run.project_id != project_id:
        raise UserError(f"Run {run.id} belongs to another project.")
    return run


class ListingGroup(click.Group):
    """A group whose ``list`` subcommand is also the default: `workbench runs PROJECT` lists.

    Before ``runs`` and ``registry`` had subcommands they took ``PROJECT | show RUN | …`` as
    free words, so a project named "show" could not be listed; ``runs list show`` now does,
    and the old ``runs PROJECT [--json]`` (also ``runs --json PROJECT``) keeps working.
    """

    default_command = "list"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        flags = list(itertools.takewhile(lambda arg: arg == "--json", args))
        rest = args[len(flags) :]
        if rest and rest[0] in ctx.help_option_names:
            return super().parse_args(ctx, args)
        if not rest or rest[0] not in self.commands:
            rest = [self.default_command, *rest]
        # a --json given before the subcommand belongs to it
        return super().parse_args(ctx, [rest[0], *flags, *rest[1:]])
