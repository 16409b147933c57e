"""Export on the trained demo: model card, deterministic bundle, registry flow, CLI and page."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.errors import UserError
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import evaluation, export, fairness, projects, training
from core.export import verify_bundle


def _invoke(*args: object, input: str | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, input=input)


@pytest.fixture
def champion(trained_demo: str, wb):  # type: ignore[no-untyped-def]
    run = training.champion(wb, projects.resolve_project(wb, trained_demo).id)
    return training.set_champion(wb, run.id)


def _export(wb, run_id: int) -> export.RegistryEntry:  # type: ignore[no-untyped-def]
    info = run_in_foreground(wb, export.submit_export(wb, run_id, claimed=True))
    assert info.status == "succeeded", info.error
    return export.get_version(
        wb, training.get_run(wb, run_id).project_id, info.result["registry_version"]
    )


def test_model_card_is_filled_from_goal_data_run_and_fairness(champion, wb) -> None:  # type: ignore[no-untyped-def]
    evaluation.save_threshold(wb, champion.id, 0.3)
    fairness.analyse(wb, champion, ["gender"])
    card = export.model_card(wb, training.get_run(wb, champion.id))
    for expected in (
        "## Goal and intended use",
        "true positive 120",
        "7,000 predictions per month",
        "5,600 training rows",
        "`tenure_months`",
        "## Performance",
        "± ",
        "ROC AUC",
        "**Decision threshold:** 0.300",
        "**Positive class:** `Yes` (from the goal); the output column `probability_Yes`",
        "per month on the test rows",
        "## Fairness",
        "By gender",
        "Non-binary",
        "percentage points",
        "## Known error cohorts",
        "scikit-learn",
        "xgboost",
    ):
        assert expected in card, expected


def test_export_twice_is_byte_identical_and_one_registry_version(champion, wb) -> None:  # type: ignore[no-untyped-def]
    first = _export(wb, champion.id)
    second = _export(wb, champion.id)
    assert first == second and first.version == 1 and first.stage == "candidate"
    data = export.bundle_bytes(wb, first)
    assert verify_bundle(data) == []
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    for name in ("model/pipeline.joblib", "schema.json", "model_card.md", "serve.py", "predict.py",
                 "requirements.txt", "Dockerfile", "README.md", "golden.csv", "manifest.json"):  # fmt: skip
        assert name in names
    schema = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("schema.json"))
    assert schema["threshold"] == pytest.approx(champion.threshold)


def test_a_new_threshold_makes_a_new_version(champion, wb) -> None:  # type: ignore[no-untyped-def]
    first = _export(wb, champion.id)
    evaluation.save_threshold(wb, champion.id, 0.42)
    second = _export(wb, champion.id)
    assert second.version == first.version + 1 and second.bundle_sha256 != first.bundle_sha256
    schema = json.loads(
        zipfile.ZipFile(io.BytesIO(export.bundle_bytes(wb, second))).read("schema.json")
    )
    assert schema["threshold"] == 0.42


def test_promotion_flow_archives_the_previous_production(champion, wb) -> None:  # type: ignore[no-untyped-def]
    v1 = _export(wb, champion.id)
    evaluation.save_threshold(wb, champion.id, 0.42)
    v2 = _export(wb, champion.id)
    project_id = champion.project_id
    export.set_stage(wb, project_id, v1.version, "production", who="ana", why="first launch")
    entries = export.set_stage(
        wb, project_id, v2.version, "production", who="ben", why="better threshold"
    )
    stages = {e.version: e.stage for e in entries}
    assert stages == {v1.version: "archived", v2.version: "production"}
    old = export.get_version(wb, project_id, v1.version)
    assert [h["stage"] for h in old.history] == ["candidate", "production", "archived"]
    assert old.history[-1]["who"] == "ben" and "replaced by v2" in old.history[-1]["why"]
    with pytest.raises(UserError, match="Say why"):
        export.set_stage(wb, project_id, v1.version, "staging", who="ana", why=" ")
    with pytest.raises(UserError, match="Unknown stage"):
        export.set_stage(wb, project_id, v1.version, "live", who="ana", why="x")


def test_cli_export_and_registry(trained_demo: str, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    result = _invoke("export", trained_demo, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["version"] == 1 and out.read_bytes() and payload["out"] == str(out)
    again = tmp_path / "again.zip"
    assert _invoke("export", trained_demo, "--out", again).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    listed = json.loads(_invoke("registry", trained_demo, "--json").output)
    assert [e["stage"] for e in listed] == ["candidate"]
    refused = _invoke("registry", "promote", trained_demo, "1", "--why", "launch", input="n\n")
    assert refused.exit_code != 0
    assert json.loads(_invoke("registry", trained_demo, "--json").output)[0]["stage"] == "candidate"
    promoted = _invoke(
        "registry", "promote", trained_demo, "1", "--why", "launch", "--yes", "--json"
    )
    assert json.loads(promoted.output)[0]["stage"] == "production"
    assert _invoke("registry", "promote", trained_demo, "9", "--why", "x", "--yes").exit_code == 2


def test_export_page_builds_and_offers_the_download(
    champion, wb, app: Callable[[], AppTest]
) -> None:  # type: ignore[no-untyped-def]
    at = app()
    at.run()
    at.switch_page("../pages/export.py")
    at.run()
    assert not at.exception
    next(b for b in at.button if b.label == "Build the bundle").click().run()
    jobs = list_jobs(wb, project_id=champion.project_id, kind=export.EXPORT_KIND)
    assert len(jobs) == 1
    run_in_foreground(wb, jobs[0].id)
    at.run()
    assert not at.exception
    assert any("Bundle v1 of run" in s.value for s in at.success)
    assert any("sha256 of the zip" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "stage" in d.value.columns)
    assert list(table["stage"]) == ["candidate"]
    at.text_input(key="wb.export.why").set_value("launch")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert any("Tick the confirmation" in w.value for w in at.warning)
    at.checkbox(key="wb.export.sure").check()
    next(b for b in at.button if b.label == "Apply").click().run()
    assert export.registry(wb, champion.project_id)[0].stage == "production"


def test_scoring_file_and_bundle_agree(champion, wb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The bundle's own runtime (imported from the unzipped bundle) scores like `workbench predict`."""
    import importlib.util
    import sys

    from app.services import scoring

    entry = _export(wb, champion.id)
    root = tmp_path / "bundle"
    zipfile.ZipFile(io.BytesIO(export.bundle_bytes(wb, entry))).extractall(root)
    spec = importlib.util.spec_from_file_location(
        "bundle_runtime_under_test", root / "bundle_runtime.py"
    )
    runtime = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runtime
    spec.loader.exec_module(runtime)
    loaded = runtime.load_bundle(root)
    csv = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
    raw = pd.read_csv(csv).head(500)
    frame, _problems = runtime.table_to_frame(raw, loaded.contract, strict=False)
    ours = runtime.score_frame(loaded.pipeline, loaded.contract, frame)
    theirs = scoring.score_frame(wb, training.get_run(wb, champion.id), raw).frame
    assert (
        ours["prediction"].astype(str).to_numpy() == theirs["prediction"].astype(str).to_numpy()
    ).all()
    assert [c for c in ours.columns if c.startswith("probability")] == ["probability_Yes"]
    assert (
        abs(ours["probability_Yes"].to_numpy() - theirs["probability_Yes"].to_numpy()).max() < 1e-9
    )


def test_stage_status_asks_for_the_champion_to_be_exported(champion, wb) -> None:  # type: ignore[no-untyped-def]
    from app.services.status import export_status

    assert export_status(wb, champion.project_id)[0] == "not_started"
    entry = _export(wb, champion.id)
    state, detail = export_status(wb, champion.project_id)
    assert state == "done" and "none promoted" in detail
    export.set_stage(wb, champion.project_id, entry.version, "production", who="ana", why="launch")
    assert "in production" in export_status(wb, champion.project_id)[1]


def test_export_refuses_a_bundle_that_would_answer_differently(
    trained_demo: str, wb, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A fill step the workbench applies but the bundle cannot: caught before anyone ships it."""
    from app.services import data_config
    from core.data.recipe import Recipe, Step

    project = projects.resolve_project(wb, trained_demo)
    recipe = data_config.recipe(wb, project.id)
    fill = Step("fill_missing", "satisfaction_score", {"value": 10})
    data_config.save_recipe(wb, project.id, Recipe((*recipe.steps, fill)))
    assert _invoke("train", trained_demo, "--models", "logreg", "--folds", "3").exit_code == 0
    newest = training.list_runs(wb, project.id)[0]
    result = _invoke("export", trained_demo, "--run", newest.id, "--out", tmp_path / "b.zip")
    assert result.exit_code == 2 and "answer differently from `workbench predict`" in result.output
    assert not (tmp_path / "b.zip").exists()
    assert export.registry(wb, project.id) == []


def _golden_and_raw(wb, run, zip_bytes: bytes) -> tuple[pd.DataFrame, set[str]]:  # type: ignore[no-untyped-def]
    from app.services import datasets

    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        golden = pd.read_csv(archive.open("golden.csv"), dtype=str, keep_default_na=False)
    raw = datasets.load_frame(wb, datasets.get_version(wb, run.dataset_version_id))
    names = [c for c in golden.columns if not c.startswith("expected_") and c in raw.columns]
    text = raw[names].astype(str).where(raw[names].notna(), "")
    return golden[names], set(text.agg("|".join, axis=1))


def test_export_ships_no_demo_row_unless_asked(champion, wb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """golden.csv: synthetic by default; `--golden-real-rows` ships real rows, with a warning."""
    entry = _export(wb, champion.id)
    golden, raw = _golden_and_raw(wb, champion, export.bundle_bytes(wb, entry))
    assert len(golden) >= 20
    assert not set(golden.agg("|".join, axis=1)) & raw  # not one real row leaves
    project = projects.get_project(wb, champion.project_id).name
    out = tmp_path / "real.zip"
    result = CliRunner().invoke(
        main, ["export", project, "--out", str(out), "--golden-real-rows"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Warning: golden.csv will hold about 20 real training rows" in result.output
    golden, raw = _golden_and_raw(wb, champion, out.read_bytes())
    assert set(golden.agg("|".join, axis=1)) <= raw
