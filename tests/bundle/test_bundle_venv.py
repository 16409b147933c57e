"""The exported bundle in a fresh virtualenv: only Python and its requirements.txt.

One bundle is built, unzipped and installed (``python -m venv`` + ``pip install -r
requirements.txt``, helped by the machine's pip cache) once for the module; then its
self-test, the batch scorer and the real service (uvicorn on 127.0.0.1) are checked
against the pipeline's own predictions. Docker is not available here: the Dockerfile
runs the same steps.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.export import build_bundle
from core.train import TrainSettings, fit_final
from core.train.features import feature_columns

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

THRESHOLD = 0.4
KEY = "e2e-secret"
INSTALL_SECONDS = 900


def make_rows(rows: int = 120, seed: int = 1) -> pd.DataFrame:
    """Every column type the preprocessor handles, plus an ID the model leaves out."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=rows)
    spend = np.round(50 + 20 * signal + rng.normal(scale=5, size=rows), 2)
    spend[::9] = np.nan
    plan = rng.choice(["basic", "plus", "pro"], rows).astype(object)
    plan[::11] = None
    dates = pd.date_range("2023-01-01", periods=rows, freq="3D").strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(rows)],
            "signup": np.asarray(dates)[rng.permutation(rows)],
            "last_seen": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 300, rows), unit="D"),
            "spend": spend,
            "visits": rng.integers(0, 10, rows),
            "plan": plan,
            "region": rng.choice([1, 2, 3], rows),
            "paperless": rng.choice(["Yes", "No"], rows),
            "is_active": rng.choice([True, False], rows),
            "churned": np.where(signal + rng.normal(scale=0.5, size=rows) > 0.3, "Yes", "No"),
        }
    )


@dataclass(frozen=True)
class Installed:
    root: Path
    python: Path
    uvicorn: Path
    X: pd.DataFrame
    pipeline: Any

    def positive(self, rows: pd.DataFrame) -> np.ndarray:
        proba = self.pipeline.predict_proba(rows)
        return proba[:, list(self.pipeline.classes_).index("Yes")]


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that could point back at the workbench."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.pop("BUNDLE_API_KEYS", None)
    env.pop("BUNDLE_API_KEYS_FILE", None)
    return {**env, **extra}


def _run(
    args: list[Any], cwd: Path, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    frame = make_rows()
    schema = infer_schema(
        frame,
        target="churned",
        types={"signup": "datetime", "region": "categorical"},
        positive_class="Yes",
    )
    settings = TrainSettings(models=("logreg",), n_jobs=1)
    pipeline = fit_final(frame, schema, "logreg", None, settings)
    features = feature_columns(schema)
    bundle = build_bundle(
        pipeline,
        schema=schema,
        training_frame=frame[features],
        model_card="# Churn\n",
        model_version="churn-e2e",
        created="2025-01-31",
        threshold=THRESHOLD,
    )
    base = tmp_path_factory.mktemp("bundle-e2e")
    root = base / "bundle"
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        archive.extractall(root)
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", venv], base, timeout=300)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    started = time.monotonic()
    pip = _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-r",
            "requirements.txt",
        ],
        root,
        timeout=INSTALL_SECONDS,
    )
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    print(f"pip install -r requirements.txt: {time.monotonic() - started:.0f} s")
    return Installed(root, python, venv / "bin" / "uvicorn", frame[features], pipeline)


def test_fresh_venv_has_no_workbench(installed: Installed) -> None:
    check = (
        "import importlib.util, json, sys, bundle_runtime; bundle_runtime.load_bundle();"
        "print(json.dumps({'app': importlib.util.find_spec('app') is not None,"
        "'core': sys.modules['core'].__file__}))"
    )
    done = _run([installed.python, "-c", check], installed.root)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["app"] is False
    assert Path(result["core"]).resolve().is_relative_to(installed.root.resolve())


def test_self_test_passes(installed: Installed) -> None:
    done = _run([installed.python, "predict.py", "--self-test"], installed.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("self-test passed")


def test_self_test_fails_on_a_tampered_copy(installed: Installed, tmp_path: Path) -> None:
    copy = shutil.copytree(installed.root, tmp_path / "copy")
    (copy / "schema.json").write_text((copy / "schema.json").read_text().replace("0.4", "0.1"))
    done = _run([installed.python, "predict.py", "--self-test"], copy)
    assert done.returncode == 1
    assert "schema.json: sha256" in done.stderr


@pytest.mark.parametrize(
    ("source", "target"), [("csv", "csv"), ("csv", "parquet"), ("parquet", "csv")]
)
def test_batch_scorer_matches_the_pipeline(installed: Installed, tmp_path: Path, source, target):
    rows = installed.X.copy()
    rows.insert(0, "customer_id", [f"C{i}" for i in range(len(rows))])  # kept, not read
    path = tmp_path / f"rows.{source}"
    if source == "csv":
        rows.to_csv(path, index=False)
    else:
        rows.to_parquet(path, index=False)
    out = tmp_path / f"scored.{target}"
    done = _run([installed.python, "predict.py", path, "--out", out], installed.root)
    assert done.returncode == 0, done.stderr
    scored = pd.read_csv(out) if target == "csv" else pd.read_parquet(out)
    assert list(scored.columns) == [*rows.columns, "prediction", "probability_Yes"]
    expected = installed.positive(installed.X)
    np.testing.assert_allclose(scored["probability_Yes"], expected, rtol=0, atol=1e-9)
    assert list(scored["prediction"]) == list(np.where(expected >= THRESHOLD, "Yes", "No"))
    assert list(scored["customer_id"]) == list(rows["customer_id"])


def test_batch_scorer_refuses_bad_files(installed: Installed, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    installed.X.drop(columns=["plan"]).to_csv(path, index=False)
    done = _run([installed.python, "predict.py", path, "--out", tmp_path / "o.csv"], installed.root)
    assert done.returncode == 1
    assert "lacks 1 column(s) the model needs: plan" in done.stderr
    strict = installed.X.head(3).assign(plan=["gold", "basic", "pro"])
    strict.to_csv(path, index=False)
    args = [installed.python, "predict.py", path, "--out", tmp_path / "o.csv", "--strict"]
    done = _run(args, installed.root)
    assert done.returncode == 1
    assert "row 1, plan" in done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(url: str, body: Any = None, headers: dict | None = None, raw: bytes | None = None):
    """(status, parsed body or text) of one request; 4xx/5xx answers are returned, not raised."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, text = answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def _declared_oversize(url: str) -> int:
    """Status for a body declared as 5 MiB: refused from its header, before it is sent."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", "/predict")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(5 * 1024 * 1024))
        connection.endheaders()
        connection.send(b'{"rows": [')
        return connection.getresponse().status
    finally:
        connection.close()


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    output: Path  # uvicorn's stdout and stderr

    def stderr(self) -> str:
        return self.output.read_text()


@pytest.fixture
def serve(installed: Installed, tmp_path: Path) -> Iterator[Any]:
    """``serve(root=None, **env)`` → a running uvicorn on 127.0.0.1 (stopped afterwards)."""
    started: list[subprocess.Popen] = []

    def start(root: Path | None = None, **env: str) -> Server:
        port = _free_port()
        log = tmp_path / f"predictions-{port}.jsonl"
        output = tmp_path / f"uvicorn-{port}.txt"
        with output.open("w") as sink:  # a file, not a pipe: a full pipe would block it
            process = subprocess.Popen(
                [str(installed.uvicorn), "serve:app", "--host", "127.0.0.1", "--port", str(port)],
                cwd=root or installed.root,
                env=_clean_env(BUNDLE_LOG=str(log), **env),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return Server(f"http://127.0.0.1:{port}", process, log, output)

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_ready(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"uvicorn exited: {server.stderr()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{server.url} did not answer within {timeout} s")


def test_service_answers_like_the_pipeline_and_refuses_bad_input(installed, serve) -> None:
    server = serve()
    _wait_ready(server)
    status, health = _call(f"{server.url}/health")
    assert (status, health["model_version"], health["task"]) == (200, "churn-e2e", "binary")
    status, schema = _call(f"{server.url}/schema")
    assert status == 200 and schema["feature_order"] == list(installed.X.columns)
    assert _call(f"{server.url}/docs")[0] == 200

    rows = installed.X.head(25)
    payload = json.loads(rows.to_json(orient="records", date_format="iso"))
    status, answer = _call(f"{server.url}/predict", {"rows": payload})
    assert status == 200, answer
    expected = installed.positive(rows)
    np.testing.assert_allclose(answer["probabilities"], expected, rtol=0, atol=1e-9)
    predicted = answer["predictions"]
    assert predicted == list(np.where(expected >= THRESHOLD, "Yes", "No"))

    good = payload[1]
    bad_requests = [
        ({"rows": [{k: v for k, v in good.items() if k != "plan"}]}, 422, "plan"),
        ({"rows": [{**good, "colour": "red"}]}, 422, "colour"),
        ({"rows": [{**good, "visits": "three"}]}, 422, "visits"),
        ({"rows": [{**good, "plan": "platinum"}]}, 422, "plan"),
        ({"rows": [{**good, "signup": 12}]}, 422, "signup"),
        ({"rows": [good] * 1001}, 413, "rows"),
        ({"rows": []}, 422, "rows"),
    ]
    for body, code, field in bad_requests:
        status, answer = _call(f"{server.url}/predict", body)
        assert status == code, (body, answer)
        assert answer["detail"][0]["field"] == field
    assert _call(f"{server.url}/predict", raw=b"{oops")[0] == 400
    assert _declared_oversize(server.url) == 413

    status, metrics = _call(f"{server.url}/metrics")
    assert status == 200
    assert 'bundle_requests_total{path="/predict",status="200"} 1' in metrics
    assert 'bundle_requests_total{path="/predict",status="422"} 6' in metrics
    assert "bundle_predict_latency_seconds_count 10" in metrics
    assert "bundle_predicted_rows_total 25" in metrics

    lines = [json.loads(line) for line in server.log.read_text().splitlines()]
    assert [line["status"] for line in lines] == [200, 422, 422, 422, 422, 422, 413, 422, 400, 413]
    assert lines[0]["rows"] == 25 and lines[0]["caller"] == "127.0.0.1"
    assert lines[0]["outputs"]["predictions"] == predicted
    assert lines[1]["problems"][0]["field"] == "plan"


def test_service_with_api_keys(installed, serve) -> None:
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    server = serve(BUNDLE_API_KEYS=f"crm:{digest}")
    _wait_ready(server)
    body = {"rows": json.loads(installed.X.head(1).to_json(orient="records", date_format="iso"))}
    assert _call(f"{server.url}/predict", body)[0] == 401
    assert _call(f"{server.url}/predict", body, {"X-API-Key": "wrong"})[0] == 401
    assert _call(f"{server.url}/predict", body, {"X-API-Key": KEY})[0] == 200
    log = server.log.read_text()
    assert [json.loads(x)["caller"] for x in log.splitlines()] == ["127.0.0.1", "127.0.0.1", "crm"]
    assert KEY not in log


def test_service_refuses_to_start_when_a_file_changed(installed, serve, tmp_path) -> None:
    copy = shutil.copytree(installed.root, tmp_path / "tampered")
    model = copy / "model" / "pipeline.joblib"
    model.write_bytes(model.read_bytes() + b"\0")
    server = serve(copy)
    assert server.process.wait(timeout=60) != 0
    err = server.stderr()
    assert "serve.py refuses to start" in err
    assert "model/pipeline.joblib: sha256" in err
