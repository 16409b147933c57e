"""The bundle's REST service in-process (FastAPI's TestClient), imported from the unpacked zip.

Skipped when FastAPI is not installed; tests/bundle runs the real server in a fresh virtualenv.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # Starlette now prefers httpx2 for its TestClient
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

SETTINGS = (
    "BUNDLE_API_KEYS",
    "BUNDLE_API_KEYS_FILE",
    "BUNDLE_MAX_ROWS",
    "BUNDLE_MAX_BODY_BYTES",
    "BUNDLE_LOG_INPUTS",
)
KEY = "s3cret-key"


@pytest.fixture
def start(unpacked, module_loader, monkeypatch, tmp_path):
    """``start(root=None, **env)`` → (client, log path): serve.py imported afresh."""
    log = tmp_path / "logs" / "predictions.jsonl"

    def run(root=None, **env: str):
        if root is None:
            bundle = unpacked("binary")
            root, runtime = bundle.root, bundle.runtime
        else:
            runtime = module_loader(root / "bundle_runtime.py", "bundle_runtime")
        monkeypatch.setenv("BUNDLE_LOG", str(log))
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setitem(sys.modules, "bundle_runtime", runtime)
        serve = module_loader(root / "serve.py", "serve")
        return TestClient(serve.app, raise_server_exceptions=False), log

    return run


def _lines(log) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_health_schema_and_docs(start, binary_bundle) -> None:
    client, _ = start()
    assert client.get("/health").json() == {
        "status": "ok",
        "model_version": "churn-7",
        "task": "binary",
        "max_rows": 1000,
    }
    assert client.get("/schema").json() == binary_bundle.schema.to_dict()
    openapi = client.get("/openapi.json").json()
    body = openapi["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    row = body["schema"]["properties"]["rows"]["items"]
    assert row["required"] == list(binary_bundle.schema.feature_order)
    assert client.get("/docs").status_code == 200


def test_predict_answers_like_the_pipeline(start, trained, unpacked) -> None:
    model = trained("binary")
    client, log = start()
    rows = json.loads(model.X.head(5).to_json(orient="records", date_format="iso"))
    answer = client.post("/predict", json={"rows": rows}, headers={"X-Request-ID": "abc-1"})
    assert answer.status_code == 200
    data = answer.json()
    proba = model.pipeline.predict_proba(model.X.head(5))[:, 1]
    np.testing.assert_allclose(data["probabilities"], proba, rtol=0, atol=1e-12)
    assert data["positive_class"] == "Yes"  # whose probability it is
    assert data["predictions"] == ["Yes" if p >= 0.4 else "No" for p in proba]
    assert (data["model_version"], data["request_id"]) == ("churn-7", "abc-1")
    assert answer.headers["X-Request-ID"] == "abc-1"
    (line,) = _lines(log)
    assert line["request_id"] == "abc-1" and line["status"] == 200
    assert line["caller"] == "testclient" and line["rows"] == 5
    assert line["inputs"] == rows and line["outputs"]["predictions"] == data["predictions"]
    assert line["outputs"]["positive_class"] == "Yes"
    assert line["time"].endswith("Z") and line["latency_ms"] > 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b'{"rows": [{"spend": NaN}]}', 422),
        (b"[]", 422),
        (b'{"rows": "all"}', 422),
        (b'{"rows": [1, 2]}', 422),
        (b'{"rows": [{}]}', 422),
        (b"\xff\xfd\xfc", 400),
    ],
)
def test_bad_bodies_are_4xx_never_500(start, body: bytes, status: int) -> None:
    client, log = start()
    answer = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == status, answer.text
    assert answer.json()["detail"]
    assert _lines(log)[0]["status"] == status


def test_bad_field_names_the_row_and_field(start, good_row) -> None:
    client, log = start()
    rows = [good_row, dict(good_row, plan="gold")]
    answer = client.post("/predict", json={"rows": rows})
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert (problem["row"], problem["field"], problem["type"]) == (1, "plan", "unknown_category")
    assert problem["loc"] == ["body", "rows", 1, "plan"]
    line = _lines(log)[0]
    assert line["problems"][0]["field"] == "plan" and line["outputs"] is None


def test_too_many_rows_and_too_large_bodies_are_413(start, good_row) -> None:
    client, _ = start(BUNDLE_MAX_ROWS="2", BUNDLE_MAX_BODY_BYTES="2000")
    answer = client.post("/predict", json={"rows": [good_row] * 3})
    assert answer.status_code == 413
    assert answer.json()["detail"][0]["type"] == "too_many_rows"
    answer = client.post("/predict", json={"rows": [good_row] * 30})
    assert answer.status_code == 413
    assert answer.json()["detail"][0]["type"] == "body_too_large"


def test_metrics_count_requests_by_status(start, good_row) -> None:
    client, _ = start()
    client.post("/predict", json={"rows": [good_row, good_row]})
    client.post("/predict", json={"rows": [dict(good_row, plan=1.5)]})
    text = client.get("/metrics").text
    assert 'bundle_requests_total{path="/predict",status="200"} 1' in text
    assert 'bundle_requests_total{path="/predict",status="422"} 1' in text
    assert 'bundle_predict_latency_seconds_bucket{le="+Inf"} 2' in text
    assert "bundle_predict_latency_seconds_count 2" in text
    assert "bundle_predicted_rows_total 2" in text
    assert 'bundle_model_info{model_version="churn-7"} 1' in text


def test_api_keys_guard_everything_but_health(start, good_row) -> None:
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    client, log = start(BUNDLE_API_KEYS=f"billing:{digest}")
    assert client.get("/health").status_code == 200
    assert client.get("/schema").status_code == 401
    assert client.post("/predict", json={"rows": [good_row]}).status_code == 401
    wrong = client.post("/predict", json={"rows": [good_row]}, headers={"X-API-Key": "nope"})
    assert wrong.status_code == 401
    right = client.post("/predict", json={"rows": [good_row]}, headers={"X-API-Key": KEY})
    assert right.status_code == 200
    lines = _lines(log)
    assert [(x["status"], x["caller"]) for x in lines] == [
        (401, "testclient"),
        (401, "testclient"),
        (200, "billing"),
    ]
    assert KEY not in log.read_text() and "nope" not in log.read_text()


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/schema", "/metrics"])
def test_api_keys_guard_the_docs_and_schema_too(start, path: str) -> None:
    """The docs list every category value, like /schema: both sit behind the key."""
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    client, _ = start(BUNDLE_API_KEYS=f"billing:{digest}")
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"X-API-Key": KEY}).status_code == 200


def test_api_keys_from_a_file(start, good_row, tmp_path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"crm": hashlib.sha256(KEY.encode()).hexdigest()}))
    client, log = start(BUNDLE_API_KEYS_FILE=str(keys))
    answer = client.post("/predict", json={"rows": [good_row]}, headers={"X-API-Key": KEY})
    assert answer.status_code == 200
    assert _lines(log)[0]["caller"] == "crm"


def test_inputs_can_be_kept_out_of_the_log(start, good_row) -> None:
    client, log = start(BUNDLE_LOG_INPUTS="0")
    client.post("/predict", json={"rows": [good_row]})
    assert _lines(log)[0]["inputs"] is None


@pytest.mark.parametrize(
    "env",
    [
        {"BUNDLE_MAX_ROWS": "0"},
        {"BUNDLE_MAX_BODY_BYTES": "lots"},
        {"BUNDLE_API_KEYS": "billing:not-a-hash"},
        {"BUNDLE_API_KEYS": "no-colon"},
        {"BUNDLE_API_KEYS_FILE": "/nonexistent/keys.json"},
    ],
)
def test_bad_settings_refuse_to_start(start, capsys, env) -> None:
    with pytest.raises(SystemExit) as stopped:
        start(**env)
    assert stopped.value.code == 1
    assert "serve.py refuses to start" in capsys.readouterr().err


def test_a_tampered_bundle_refuses_to_start(start, binary_bundle, unpacker, tmp_path, capsys):
    root = unpacker(binary_bundle, tmp_path / "copy")
    (root / "golden.csv").write_text("changed\n")
    with pytest.raises(SystemExit):
        start(root)
    err = capsys.readouterr().err
    assert "serve.py refuses to start" in err
    assert "golden.csv: sha256" in err


def _serve_module(client):
    """The serve.py module behind a TestClient."""
    return next(m for m in list(sys.modules.values()) if getattr(m, "app", None) is client.app)


def test_xgboost_predicts_on_one_thread_with_the_same_answers(
    start, trained, builder, unpacker, tmp_path, good_row
) -> None:
    model = trained("binary", "xgboost")
    pipeline = copy.deepcopy(model.pipeline)
    pipeline[-1].model_.set_params(n_jobs=2)
    root = unpacker(builder(model, pipeline=pipeline), tmp_path / "xgb")
    client, _ = start(root)
    booster = _serve_module(client).BUNDLE.pipeline[-1].model_
    assert booster.n_jobs == 1
    assert '"nthread":"1"' in booster.get_booster().save_config().replace(" ", "")
    rows = json.loads(model.X.head(8).to_json(orient="records", date_format="iso"))
    answer = client.post("/predict", json={"rows": rows})
    assert answer.status_code == 200
    expected = pipeline.predict_proba(model.X.head(8))[:, 1]
    np.testing.assert_array_equal(answer.json()["probabilities"], expected)


def test_xgboost_keeps_its_threads_when_golden_rows_would_change(
    start, trained, builder, unpacker, tmp_path, monkeypatch
) -> None:
    model = trained("binary", "xgboost")
    pipeline = copy.deepcopy(model.pipeline)
    pipeline[-1].model_.set_params(n_jobs=2)
    root = unpacker(builder(model, pipeline=pipeline), tmp_path / "xgb")
    client, _ = start(root)
    serve = _serve_module(client)
    booster = serve.BUNDLE.pipeline[-1].model_
    booster.set_params(n_jobs=2)
    answers = iter([0.25, 0.5])

    def scores(*args, **kwargs):  # as if one thread gave other answers
        return pd.DataFrame({"probability_Yes": [next(answers)]})

    monkeypatch.setattr(serve.runtime, "score_frame", scores)
    serve._one_thread(serve.BUNDLE)
    assert booster.n_jobs == 2


def test_a_failing_model_is_a_500_naming_the_request(
    start, unpacked, monkeypatch, capsys, good_row
) -> None:
    client, log = start()

    def broken(*args, **kwargs):
        raise RuntimeError("the model broke")

    monkeypatch.setattr(unpacked("binary").runtime, "score_frame", broken)
    answer = client.post("/predict", json={"rows": [good_row]}, headers={"X-Request-ID": "r-9"})
    assert answer.status_code == 500
    assert answer.headers["X-Request-ID"] == "r-9"
    assert answer.json() == {
        "detail": [
            {
                "loc": [],
                "msg": "the model could not answer this request; see the service log (request r-9)",
                "type": "internal",
            }
        ],
        "request_id": "r-9",
    }
    assert "request r-9: RuntimeError: the model broke" in capsys.readouterr().err
    (line,) = _lines(log)
    assert (line["status"], line["rows"], line["outputs"]) == (500, 0, None)
    assert line["inputs"] == [good_row]
    metrics = client.get("/metrics").text
    assert 'bundle_requests_total{path="/predict",status="500"} 1' in metrics
