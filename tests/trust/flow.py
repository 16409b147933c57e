"""The whole CLI flow on one dataset, run once and kept for the invariant tests.

create → data add → data roles → data split → train → analyze --json → predict (test rows,
all rows, a random batch) → export → the bundle's predict.py → monitor import → monitor
report --json; then the same again in a second project with every fix that `data check --json`
suggests added to the cleaning recipe by `data fix` (the Data page's "Add to recipe" button).

Commands run in-process through click's CliRunner; only the bundle's predict.py runs in a
subprocess (it must work without the workbench). A step that fails is recorded, not raised,
so that each invariant fails (or xfails) on its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.trust.datasets import Case

MODELS = {"regression": ("ridge,hgb", "ridge")}  # (first project, the project with fixes)
CLASSIFIERS = ("logreg,hgb", "logreg")
FOLDS = "3"


class StepFailed(AssertionError):
    """A flow step the invariant needs did not complete."""


@dataclass
class Flow:
    case: Case
    root: Path
    data: pd.DataFrame
    out: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def need(self, *steps: str) -> Any:
        for step in steps:
            if step in self.errors:
                raise StepFailed(f"{self.case.name}: step {step!r} failed: {self.errors[step]}")
            if step not in self.out:
                raise StepFailed(f"{self.case.name}: step {step!r} did not run")
        return self.out[steps[0]] if len(steps) == 1 else [self.out[s] for s in steps]


class _Cli:
    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.runner = CliRunner()

    def __call__(self, *args: object, as_json: bool = True) -> Any:
        from app.cli import main

        argv = [str(a) for a in args] + (["--json"] if as_json else [])
        result = self.runner.invoke(main, argv, catch_exceptions=True)
        if result.exit_code != 0:
            detail = result.output.strip().splitlines()[-3:] if result.output.strip() else []
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                detail.append(f"{type(result.exception).__name__}: {result.exception}")
            raise StepFailed(f"`workbench {' '.join(argv)}` exited {result.exit_code}: {detail}")
        return json.loads(result.stdout) if as_json else result.stdout


def _step(flow: Flow, name: str, action: Any) -> Any:
    start = time.perf_counter()
    try:
        value = action()
    except Exception as error:  # recorded for the invariant that needs it
        flow.errors[name] = f"{type(error).__name__}: {error}"
        value = None
    else:
        flow.out[name] = value
    flow.seconds[name] = time.perf_counter() - start
    return value


def _test_rows(project: str) -> pd.DataFrame:
    """The frozen split's test rows, in the file's form, read through the services."""
    from app.context import open_workbench
    from app.services import datasets, projects, splits

    wb = open_workbench()
    info = projects.resolve_project(wb, project)
    version = datasets.resolve_version(wb, info.id, None)
    stored = splits.get_split(wb, version)
    assert stored is not None, "no frozen split"
    return datasets.load_frame(wb, version).loc[stored.split.test_index]


def _fix_everything(cli: _Cli, project: str, findings: list[dict[str, Any]]) -> list[str]:
    """Every suggested fix of `data check --json`, through `data fix` (as the page's button)."""
    for finding in findings:
        if finding.get("fix_step"):
            cli("data", "fix", project, finding["ref"], "--yes")
    return [step["what"] for step in cli("data", "recipe", project)["steps"]]


def _inputs(project: str) -> list[str]:
    """The columns the champion model reads."""
    from app.context import open_workbench
    from app.services import monitoring, projects

    wb = open_workbench()
    return list(
        monitoring.monitored_run(wb, projects.resolve_project(wb, project).id).input_columns
    )


def _bundle_predict(zip_path: Path, data: Path, out: Path) -> pd.DataFrame:
    root = zip_path.with_suffix("")
    zipfile.ZipFile(zip_path).extractall(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "WORKBENCH_"))}
    done = subprocess.run(
        [sys.executable, "predict.py", str(data), "--out", str(out)],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise StepFailed(f"bundle predict.py exited {done.returncode}: {done.stderr[-800:]}")
    return pd.read_csv(out)


def _monitor(cli: _Cli, flow: Flow, project: str, batch: Path, tag: str) -> dict[str, Any]:
    scored = flow.root / f"batch_scored{tag}.csv"
    cli("predict", project, batch, "--out", scored)
    cli("monitor", "import", project, scored)
    return cli("monitor", "report", project)


def run_flow(case: Case, root: Path) -> Flow:
    """The whole flow in a fresh WORKBENCH_HOME under ``root``."""
    from app.context import close_all

    root.mkdir(parents=True, exist_ok=True)
    data = case.frame()
    flow = Flow(case, root, data)
    source = case.write(data, root / f"{case.name}{case.suffix}")
    everything = root / "all.csv"
    data.to_csv(everything, index=False)
    batch = case.write(
        data.sample(frac=0.5, random_state=1).drop(columns=[case.target]),
        root / f"batch{case.suffix}",
    )
    project, fixed = case.name, f"{case.name} fixed"
    models, fixed_models = MODELS.get(case.task, CLASSIFIERS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBENCH_HOME", str(root / "home"))
        patch.delenv("WORKBENCH_DATABASE_URL", raising=False)
        patch.setenv("WORKBENCH_AUTOSTART_WORKER", "0")
        cli = _Cli(flow)
        try:
            _step(flow, "create", lambda: cli("project", "create", project))
            _step(flow, "add", lambda: cli("data", "add", project, source, "--target", case.target))
            _step(flow, "roles", lambda: cli("data", "roles", project))
            _step(flow, "split", lambda: cli("data", "split", project))
            _step(flow, "check", lambda: cli("data", "check", project))
            _step(
                flow, "train", lambda: cli("train", project, "--models", models, "--folds", FOLDS)
            )
            _step(flow, "inputs", lambda: _inputs(project))
            _step(flow, "analyze", lambda: cli("analyze", project))
            test_file = root / f"test{case.suffix}"
            _step(flow, "test_rows", lambda: _test_rows(project))
            if "test_rows" in flow.out:
                case.write(flow.out["test_rows"], test_file)
            _step(
                flow, "predict_test", lambda: _predict(cli, project, test_file, root / "p_test.csv")
            )
            _step(
                flow, "predict_all", lambda: _predict(cli, project, everything, root / "p_all.csv")
            )
            _step(flow, "export", lambda: cli("export", project, "--out", root / "bundle.zip"))
            _step(flow, "bundle_schema", lambda: _bundle_schema(root / "bundle.zip"))
            _step(
                flow, "bundle_all",
                lambda: _bundle_predict(root / "bundle.zip", everything, root / "b_all.csv"),
            )  # fmt: skip
            _step(flow, "monitor", lambda: _monitor(cli, flow, project, batch, ""))
            findings = (flow.out.get("check") or {}).get("findings", [])
            flow.out["fixes"] = [f["fix_step"] for f in findings if f.get("fix_step")]
            if flow.out["fixes"]:
                _step(flow, "fixed_create", lambda: cli("project", "create", fixed))
                _step(
                    flow,
                    "fixed_add",
                    lambda: cli("data", "add", fixed, source, "--target", case.target),
                )
                _step(flow, "fixed_recipe", lambda: _fix_everything(cli, fixed, findings))
                _step(flow, "fixed_split", lambda: cli("data", "split", fixed))
                _step(
                    flow,
                    "fixed_train",
                    lambda: cli("train", fixed, "--models", fixed_models, "--folds", FOLDS),
                )
                _step(flow, "fixed_monitor", lambda: _monitor(cli, flow, fixed, batch, "_fixed"))
        finally:
            close_all()
    return flow


def _predict(cli: _Cli, project: str, data: Path, out: Path) -> pd.DataFrame:
    cli("predict", project, data, "--out", out)
    return pd.read_csv(out)


def _bundle_schema(zip_path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(zip_path) as archive:
        return json.loads(archive.read("schema.json"))
