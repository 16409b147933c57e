"""`workbench train` and `workbench runs list | show | champion`: the leaderboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from app.cli.jobs import run_job_with_progress
from app.cli.params import ListingGroup, emit_json, json_option, pass_workbench, project_argument
from app.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.context import Workbench
    from app.services.projects import ProjectInfo
    from app.services.training import Preset, RunInfo, SensitiveCost
    from core.train.features import ExcludedInput

#: How to use a sensitive column after all, named after this command's own option.
EXCLUDED_HINT = {"sensitive": "--include-sensitive to use {it}"}


@click.command("train")
@project_argument
@click.option(
    "--models", default=None, help="Comma-separated model keys, e.g. dummy,logreg,rf,hgb,xgboost."
)
@click.option(
    "--preset", type=click.Choice(["quick", "thorough"]), default="quick", show_default=True
)
@click.option("--folds", type=int, default=5, show_default=True)
@click.option("--tune", "tune_trials", type=int, default=None, help="Optuna trials per model.")
@click.option(
    "--budget", "tune_seconds", type=float, default=None, help="Tuning seconds per model."
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--balanced", is_flag=True, help="Class weights against imbalance.")
@click.option(
    "--ensemble/--no-ensemble",
    default=None,
    help="Add a soft-voting ensemble of the best 3 (thorough: on).",
)
@click.option(
    "--include-sensitive/--exclude-sensitive",
    default=None,
    help="Feed the columns marked sensitive to the model, or not (default: the project's "
    "setting, which is not).",
)
@click.option(
    "--compare-sensitive",
    is_flag=True,
    help="Train every model with and without the sensitive columns and show what excluding "
    "them costs.",
)
@json_option
@pass_workbench
def train_command(
    wb: Workbench, project: ProjectInfo, models: str | None, preset: Preset, folds: int,
    tune_trials: int | None, tune_seconds: float | None, seed: int, balanced: bool,
    ensemble: bool | None, include_sensitive: bool | None, compare_sensitive: bool, as_json: bool,
) -> None:  # fmt: skip
    """Train baselines and models on the training rows; prints the leaderboard."""
    from app.services import training

    if tune_trials is not None and tune_seconds is not None:
        raise UserError("Give --tune TRIALS or --budget SECONDS, not both.")
    keys = tuple(k.strip() for k in models.split(",") if k.strip()) if models is not None else ()
    if models is not None and not keys:
        raise UserError("--models is empty: name at least one model, e.g. --models logreg,hgb.")
    plan = training.TrainPlan(
        preset="custom" if keys else preset, models=keys, folds=folds, seed=seed,
        tune_trials=tune_trials, tune_seconds=tune_seconds, class_weight="balanced" if balanced else None,
        ensemble=ensemble, include_sensitive=include_sensitive, compare_sensitive=compare_sensitive,
    )  # fmt: skip
    job_id = training.submit_training(wb, project.id, plan, claimed=True)
    if not as_json and not compare_sensitive:
        ctx = training.training_context(wb, project.id, plan.version_id)
        _echo_excluded(training.excluded_inputs(ctx, plan))
    job = run_job_with_progress(wb, job_id, quiet=as_json)
    if job.status == "failed":
        raise UserError(job.error or job.message)
    trained = set((job.result or {}).get("run_ids", []))
    board = [r for r in training.leaderboard(wb, project.id) if not trained or r.id in trained]
    costs = training.sensitive_cost(board) if compare_sensitive else []
    rows = [
        {**r.leaderboard_row(), "excluded_inputs": [_excluded_json(e) for e in r.excluded_inputs]}
        for r in board
    ]
    if as_json:
        if not compare_sensitive:
            emit_json(rows)
            return
        tags = [r.tags.get(training.SENSITIVE_TAG) for r in board]
        runs = [{**row, "sensitive_inputs": tag} for row, tag in zip(rows, tags, strict=True)]
        emit_json({"runs": runs, "sensitive_cost": [c.to_json() for c in costs]})
        return
    click.echo(job.message)
    _print_board(board)
    if compare_sensitive:
        _print_sensitive_cost(costs)


def _excluded_why(item: ExcludedInput, *, many: bool = False) -> str:
    hint = EXCLUDED_HINT.get(item.reason)
    return f"{item.why} ({hint.format(it='them' if many else 'it')})" if hint else item.why


def _excluded_json(item: ExcludedInput) -> dict[str, str]:
    return {"column": item.column, "why": _excluded_why(item)}


def _echo_excluded(items: list[ExcludedInput]) -> None:
    from core.train.features import group_excluded

    if items:
        listed = "; ".join(
            f"{', '.join(columns)} — {_excluded_why(first, many=len(columns) > 1)}"
            for first, columns in group_excluded(items)
        )
        click.echo(f"Not model inputs: {listed}")
    else:
        click.echo("The model sees every column but the target.")


def _print_sensitive_cost(costs: Sequence[SensitiveCost]) -> None:
    if not costs:
        click.echo("No model finished both ways: nothing to compare.")
        return
    metric = costs[0].metric
    digits = 0 if metric == "expected_value" else 4
    click.echo(f"\nWhat excluding the sensitive columns costs ({metric}, cv mean):")
    click.echo(f"  {'model':<28} {'with':>14} {'without':>14} {'cost':>14}")
    for c in costs:
        click.echo(
            f"  {c.model_name[:28]:<28} {c.with_sensitive:>14,.{digits}f} "
            f"{c.without_sensitive:>14,.{digits}f} {c.cost_of_excluding:>14,.{digits}f}"
        )


def _print_board(board: Sequence[RunInfo]) -> None:
    if not board:
        return
    click.echo(
        f"{'run':>5}  {'model':<28} {board[0].metric + ' (cv)':>22} {'± std':>10} "
        f"{'fit s':>7} {'ms/1k':>7}"
    )
    digits = 0 if board[0].metric == "expected_value" else 4
    for r in board:
        flag = "  ⚠ " + "; ".join(r.flags.values()) if r.flags else ""
        if r.from_incomplete_job:
            flag += f"  (from a {r.from_incomplete_job} job)"
        star = " ★" if r.is_champion else ""
        click.echo(
            f"{r.id:>5}  {(r.model_name + star)[:28]:<28} {r.cv_mean:>22,.{digits}f} "
            f"{r.cv_std or 0:>10,.{digits}f} {r.fit_seconds:>7.2f} {r.predict_ms_per_1k:>7.1f}{flag}"
        )


@click.group("runs", cls=ListingGroup)
def runs_group() -> None:
    """A project's training runs: `runs list PROJECT` (also `runs PROJECT`), `runs show RUN`,
    `runs champion RUN`."""


@runs_group.command("list")
@project_argument
@json_option
@pass_workbench
def runs_list(wb: Workbench, project: ProjectInfo, as_json: bool) -> None:
    """List PROJECT's runs (the leaderboard of those with a score)."""
    from app.services import training

    runs = training.list_runs(wb, project.id)
    if as_json:
        emit_json([r.to_json() for r in runs])
        return
    if not runs:
        click.echo("No runs yet. Train with `workbench train PROJECT`.")
    _print_board([r for r in runs if r.cv_mean is not None])


@runs_group.command("show")
@click.argument("run_id", metavar="RUN", type=int)
@json_option
@pass_workbench
def runs_show(wb: Workbench, run_id: int, as_json: bool) -> None:
    """Show one run (RUN is its id): settings, scores, reproducibility."""
    from app.services import training

    payload: dict[str, Any] = training.get_run(wb, run_id).to_json()
    if as_json:
        emit_json(payload)
        return
    for key, value in payload.items():
        if key not in ("snapshot", "folds"):
            click.echo(f"{key:>18}: {value}")


@runs_group.command("champion")
@click.argument("run_id", metavar="RUN", type=int)
@json_option
@pass_workbench
def runs_champion(wb: Workbench, run_id: int, as_json: bool) -> None:
    """Mark run RUN as its project's champion (--json is accepted, as before; prints text)."""
    from app.services import training

    run = training.set_champion(wb, training.get_run(wb, run_id).id)
    click.echo(f"Run {run.id} ({run.model_name}) is now the champion.")


COMMANDS = [train_command, runs_group]
