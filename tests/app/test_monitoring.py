"""Monitor on the trained demo: simulated production, drift, live metrics, alerts, webhook, retrain."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from app.cli import main
from app.errors import UserError
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import datasets, monitoring, projects, training
from app.services.monitoring.retrain import _labelled
from core.text_limits import TextTooLong
from tests.helpers.markdown import as_shown

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends


def _invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project_id(trained_demo: str, wb) -> int:  # type: ignore[no-untyped-def]
    project = projects.resolve_project(wb, trained_demo)
    training.set_champion(wb, training.champion(wb, project.id).id)
    return project.id


@pytest.fixture
def imported(project_id: int, wb) -> monitoring.BatchInfo:  # type: ignore[no-untyped-def]
    simulation = monitoring.simulate_production(wb, project_id)
    return monitoring.import_predictions(
        wb, project_id, simulation.log_text.encode(), filename="production.jsonl",
        outcomes=simulation.outcomes, id_column=simulation.id_column,
    )  # fmt: skip


def test_simulated_months_show_the_drift_and_the_metric_drop(imported, project_id, wb) -> None:  # type: ignore[no-untyped-def]
    assert imported.rows == 6000 and imported.outcomes_matched > 5500
    report = monitoring.monitor_report(wb, project_id)
    top = report.drift.table.iloc[0]
    assert top["column"] == monitoring.DEMO_DRIFT_COLUMN and top["status"] == "drift"
    assert top["psi"] > 0.2
    others = report.drift.table[report.drift.table["column"] != monitoring.DEMO_DRIFT_COLUMN]
    assert (others["status"] != "drift").all()
    over_time = report.drift_over_time
    drifted = over_time[over_time["column"] == monitoring.DEMO_DRIFT_COLUMN].sort_values("period")
    assert drifted["psi"].iloc[:3].max() < 0.1 < drifted["psi"].iloc[-3:].min()  # from month two
    accuracy = report.performance["accuracy"].to_numpy()
    assert accuracy[:4].mean() > accuracy[-4:].mean() + 0.08
    kinds = {a.kind for a in report.alerts}
    assert {"drift", "kpi", "metric"} <= kinds
    assert (
        report.health.requests == 6000 and 0 < report.health.latency_p50 < report.health.latency_p99
    )


def test_alerts_are_logged_and_posted_to_the_webhook(project_id, wb) -> None:  # type: ignore[no-untyped-def]
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monitoring.update_settings(
            wb, project_id, webhook_url=f"http://127.0.0.1:{server.server_port}/hook"
        )
        simulation = monitoring.simulate_production(wb, project_id)
        monitoring.import_predictions(
            wb, project_id, simulation.log_text.encode(), filename="p.jsonl",
            outcomes=simulation.outcomes, id_column=simulation.id_column,
        )  # fmt: skip
    finally:
        server.shutdown()
    assert len(received) == 1 and received[0]["project_id"] == project_id
    assert any(a["kind"] == "drift" for a in received[0]["alerts"])
    log = monitoring.alert_log(wb, project_id)
    assert set(log["webhook"]) == {"sent (204)"}
    with pytest.raises(UserError, match="http"):
        monitoring.update_settings(wb, project_id, webhook_url="ftp://example")


def test_no_webhook_means_nothing_is_sent(imported, project_id, wb) -> None:  # type: ignore[no-untyped-def]
    assert set(monitoring.alert_log(wb, project_id)["webhook"]) == {"not configured"}


def test_bad_lines_are_reported_and_an_empty_log_refused(project_id, wb) -> None:  # type: ignore[no-untyped-def]
    simulation = monitoring.simulate_production(wb, project_id)
    lines = simulation.log_text.splitlines()[:200]
    lines[5] = "{not json"
    batch = monitoring.import_predictions(
        wb, project_id, "\n".join(lines).encode(), filename="x.jsonl"
    )
    assert batch.rows == 199 and batch.bad_lines[0].startswith("line 6")
    with pytest.raises(UserError, match=r"empty\.jsonl"):
        monitoring.import_predictions(wb, project_id, b"", filename="empty.jsonl")
    with pytest.raises(UserError, match="ID column"):
        monitoring.import_predictions(
            wb,
            project_id,
            "\n".join(lines).encode(),
            filename="y.jsonl",
            outcomes=simulation.outcomes,
        )


def test_batch_scored_file_without_outcomes(project_id, wb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
    out = tmp_path / "scored.csv"
    assert _invoke("predict", "Customer churn (demo)", csv, "--out", out).exit_code == 0
    batch = monitoring.import_predictions(wb, project_id, out.read_bytes(), filename="scored.csv")
    assert batch.kind == "batch" and batch.rows == 7000
    rows = monitoring.batch_rows(wb, batch)  # the score is read from probability_Yes
    assert rows["probability"].notna().all() and "probability_Yes" not in rows.columns
    report = monitoring.monitor_report(wb, project_id)
    assert report.performance is None and any("No outcomes" in n for n in report.notes)
    assert report.drift.table["status"].isin(["ok", "warn"]).all()  # the training data itself


def test_log_file_is_read_on_demand_from_where_it_stopped(project_id, wb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = monitoring.simulate_production(wb, project_id).log_text.splitlines(keepends=True)
    path = tmp_path / "predictions.jsonl"
    path.write_text("".join(lines[:300]) + lines[300][:40])  # a half-written last line
    monitoring.update_settings(wb, project_id, log_path=str(path))
    first = monitoring.import_new_lines(wb, project_id)
    assert first.rows == 300
    path.write_text("".join(lines[:500]))
    second = monitoring.import_new_lines(wb, project_id)
    assert second.rows == 200
    assert monitoring.import_new_lines(wb, project_id) is None


def test_simulated_batches_are_flagged_everywhere(imported, project_id, wb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert imported.simulated and imported.to_json()["simulated"] is True
    assert [b.simulated for b in monitoring.list_batches(wb, project_id)] == [True]
    payload = monitoring.report_json(monitoring.monitor_report(wb, project_id))
    assert payload["batches"][0]["simulated"] is True
    assert payload["kpi"]["includes_simulated"] is True
    assert any("simulated" in n for n in payload["notes"])
    csv = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
    out = tmp_path / "scored.csv"
    assert _invoke("predict", "Customer churn (demo)", csv, "--out", out).exit_code == 0
    real = monitoring.import_predictions(wb, project_id, out.read_bytes(), filename="scored.csv")
    assert real.simulated is False


def test_simulated_rows_stay_out_of_retraining_unless_asked_for(imported, project_id, wb) -> None:  # type: ignore[no-untyped-def]
    run = training.champion(wb, project_id)
    with pytest.raises(UserError, match=r"there are 0 \(5,\d{3} labelled rows of simulated"):
        _labelled(wb, project_id, run)
    assert len(_labelled(wb, project_id, run, include_simulated=True)) > 5500
    info = run_in_foreground(wb, monitoring.submit_retrain(wb, project_id, claimed=True))
    assert info.status == "failed" and "--include-simulated" in info.error


def test_retrain_makes_a_challenger_that_wins_on_recent_rows(imported, project_id, wb) -> None:  # type: ignore[no-untyped-def]
    before = len(datasets.list_versions(wb, project_id))
    job_id = monitoring.submit_retrain(wb, project_id, claimed=True, include_simulated=True)
    info = run_in_foreground(wb, job_id)
    assert info.status == "succeeded", info.error
    result = info.result
    assert len(datasets.list_versions(wb, project_id)) == before + 1
    challenger = training.get_run(wb, result["challenger_run_id"])
    champion = training.get_run(wb, result["champion_run_id"])
    assert challenger.tags == {"challenger_of": champion.id}
    assert challenger.model_key == champion.model_key and challenger.params == champion.params
    assert result["winner"] == "challenger"
    assert result["challenger_value_per_month"] > result["champion_value_per_month"]
    assert result["include_simulated"] is True


def test_retrain_without_outcomes_says_what_is_missing(project_id, wb) -> None:  # type: ignore[no-untyped-def]
    simulation = monitoring.simulate_production(wb, project_id)
    monitoring.import_predictions(wb, project_id, simulation.log_text.encode(), filename="p.jsonl")
    info = run_in_foreground(wb, monitoring.submit_retrain(wb, project_id, claimed=True))
    assert info.status == "failed" and "known outcomes" in info.error


def test_cli_import_report_and_retrain(project_id, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log, outcomes = tmp_path / "p.jsonl", tmp_path / "o.csv"
    demo = "Customer churn (demo)"
    assert (
        _invoke("monitor", "simulate", demo, "--out", log, "--outcomes-out", outcomes).exit_code
        == 0
    )
    result = _invoke(
        "monitor", "import", demo, log, "--outcomes", outcomes, "--id", "customer_id", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcomes_matched"] > 5500
    report = json.loads(_invoke("monitor", "report", demo, "--json").output)
    assert {"drift", "performance", "kpi", "alerts", "health"} <= set(report)
    assert report["drifted"] == [monitoring.DEMO_DRIFT_COLUMN]
    assert report["kpi"]["promised_value_per_month"] == 77000
    assert report["kpi"]["realised_value_per_month"] < 77000
    batches = json.loads(_invoke("monitor", "report", demo, "--json").output)["batches"]
    assert batches[0]["simulated"] is True
    refused = _invoke("retrain", demo)
    assert refused.exit_code == 2 and "--include-simulated" in refused.output
    retrained = json.loads(_invoke("retrain", demo, "--include-simulated", "--json").output)
    assert retrained["winner"] == "challenger" and retrained["rows_added"] > 3000
    missing = _invoke("monitor", "import", demo, tmp_path / "nope.jsonl")
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_stage_status_follows_the_alerts(imported, project_id, wb) -> None:  # type: ignore[no-untyped-def]
    from app.services.status import monitor_status

    state, detail = monitor_status(wb, project_id)
    assert state == "attention" and "alert" in detail


def test_monitor_page_imports_simulation_and_shows_every_tab(
    project_id, app: Callable[[], AppTest], wb
) -> None:  # type: ignore[no-untyped-def]
    at = app()
    at.run()
    at.switch_page("../pages/monitor.py")
    at.run()
    assert not at.exception
    assert any("Import production data first" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Import three simulated months").click().run()
    at.run()
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert {"Requests", "Latency p50"} <= labels
    assert "Realised value per month (latest period) — includes simulated data" in labels
    assert any("monthly_charges" in as_shown(w.value) for w in at.warning)  # the drift alert
    assert any("simulated" in w.value for w in at.warning)  # the batch and the KPI say so
    assert monitoring.list_batches(wb, project_id)[0].simulated
    at.checkbox(key="wb.mon.retrain.simulated").check().run()
    next(b for b in at.button if b.label == "Retrain a challenger").click().run()
    (job,) = list_jobs(wb, project_id=project_id, kind=monitoring.RETRAIN_KIND)
    assert "simulated batches included" in job.title


def test_an_overlong_webhook_url_is_refused_with_its_limit(project_id, wb) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL refuses a value over varchar(1000); the user gets the limit, not a DB error."""
    url = "https://example.com/" + "a" * 1200
    with pytest.raises(
        TextTooLong, match=r"webhook URL is 1,220 characters long; the limit is 1,000"
    ):
        monitoring.update_settings(wb, project_id, webhook_url=url)


def test_an_overlong_log_path_is_refused_with_its_limit(project_id, wb) -> None:  # type: ignore[no-untyped-def]
    path = "/tmp/" + "d/" * 600 + "log.jsonl"
    with pytest.raises(
        TextTooLong, match=r"log file path is 1,214 characters long; the limit is 1,000"
    ):
        monitoring.update_settings(wb, project_id, log_path=path)
