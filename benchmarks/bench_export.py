"""Export bundle: serving latency and batch throughput versus the pipeline itself.

An XGBoost pipeline (zoo defaults) fitted on 20k generated rows is exported with
``core.export.build_bundle`` and unzipped. Then, in the same run:

- single-row ``POST /predict`` on the bundle's own service (uvicorn in a subprocess,
  loopback, one keep-alive connection; 1,000 timed requests after 50 warm-up ones) versus
  ``pipeline.predict_proba`` on the same rows as 1-row DataFrames (goal: p50 under 10 ms);
- 100k rows scored by the bundle runtime in-process (``table_to_frame`` + ``score_frame``)
  versus ``pipeline.predict_proba`` on the same rows in memory (goal: ≤ 1.2×), and by
  ``python predict.py`` as a subprocess on CSV and Parquet (informational: it includes
  starting Python, loading the model and reading/writing the file).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import http.client
import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.data import generated_frame
from benchmarks.harness import Comparison
from core import train
from core.data.schema import infer_schema
from core.export import build_bundle
from core.train import zoo

TRAIN_ROWS = 20_000
BATCH_ROWS = 100_000
REQUESTS = 1_000
WARMUP_REQUESTS = 50
BLOCK = 100  # requests per turn when the single-row paths take turns
REPEAT = 3
START_TIMEOUT = 60.0


# --- the bundle ----------------------------------------------------------------------------


def _bundle(folder: Path) -> tuple[Any, list[str], int]:
    """(fitted pipeline, feature columns, zip size in bytes); the bundle unzipped in folder."""
    frame = generated_frame(TRAIN_ROWS, numeric=20, categorical=9, seed=0)
    schema = infer_schema(frame, target="target")
    settings = train.TrainSettings(models=("xgboost",), seed=0, metric="roc_auc", n_jobs=2)
    params = dict(zoo.get_spec("xgboost").defaults)
    pipeline = train.fit_final(frame, schema, "xgboost", params, settings)
    features = [c for c in frame.columns if c != "target"]
    bundle = build_bundle(
        pipeline, schema=schema, training_frame=frame[features], model_card="# bench",
        model_version="bench-1", created="2026-01-01T00:00:00", threshold=0.5,
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        archive.extractall(folder)
    return pipeline, features, bundle.size_bytes


def _runtime(folder: Path) -> ModuleType:
    """The bundle's own bundle_runtime.py, imported from the unzipped folder."""
    spec = importlib.util.spec_from_file_location(
        "_bench_bundle_runtime", folder / "bundle_runtime.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# --- single-row latency --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_health(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bundle service exited with code {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    raise RuntimeError(f"the bundle service did not answer /health within {START_TIMEOUT:.0f} s")


@contextlib.contextmanager
def _service(folder: Path, log: Path) -> Iterator[int]:
    """The bundle's serve.py under uvicorn on a free loopback port; stopped on exit.

    The keep-alive timeout is raised from uvicorn's 5 s so that the one connection survives
    while the in-process paths take their turn.
    """
    port = _free_port()
    env = {**os.environ, "BUNDLE_LOG": str(log)}
    command = [sys.executable, "-m", "uvicorn", "serve:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--timeout-keep-alive", "600"]  # fmt: skip
    errors = log.with_name("serve.stderr")
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
    try:
        try:
            _wait_for_health(port, process)
        except RuntimeError as error:
            process.kill()
            process.wait(timeout=30)
            tail = errors.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{error}:\n{tail}") from None
        yield port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def _post_each(connection: http.client.HTTPConnection, bodies: list[bytes]) -> list[float]:
    """Wall seconds of each POST /predict, one after another on the (keep-alive) connection."""
    headers = {"Content-Type": "application/json"}
    samples = []
    for body in bodies:
        started = time.perf_counter()
        connection.request("POST", "/predict", body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        samples.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"POST /predict answered {response.status}: {answer[:500]!r}")
    return samples


def _each(action: Callable[[Any], object], items: list[Any]) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        action(item)
        samples.append(time.perf_counter() - started)
    return samples


def _p(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def _ms(samples: list[float]) -> str:
    return f"p50 {_p(samples, 50) * 1e3:.2f} ms, p99 {_p(samples, 99) * 1e3:.2f} ms"


def _server_ms(log: Path, count: int) -> list[float]:
    """The service's own latency_ms of its last ``count`` /predict requests (its log)."""
    lines = log.read_text(encoding="utf-8").splitlines()[-count:]
    return [json.loads(line)["latency_ms"] / 1e3 for line in lines]


def _latency_rows(
    folder: Path, pipeline: Any, rows: pd.DataFrame, runtime: ModuleType
) -> list[Comparison]:
    records = rows.to_dict(orient="records")
    bodies = [json.dumps({"rows": [r]}).encode() for r in records]
    singles = [rows.iloc[[i]] for i in range(len(rows))]
    bundle = runtime.load_bundle(folder)
    contract = bundle.contract

    def in_process(record: dict) -> object:
        frame, _ = runtime.rows_to_frame({"rows": [record]}, contract, max_rows=1000)
        scores = runtime.score_frame(bundle.pipeline, contract, frame)
        return runtime.response_payload(scores, contract)

    service: list[float] = []
    direct: list[float] = []
    runtime_samples: list[float] = []
    one_thread: list[float] = []
    # Diagnostic: the same pipeline with XGBoost predicting on one thread instead of n_jobs=2.
    single = copy.deepcopy(pipeline)
    single[-1].model_.set_params(n_jobs=1)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "predictions.jsonl"
        with _service(folder, log) as port:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                _post_each(connection, bodies[:WARMUP_REQUESTS])
                _each(pipeline.predict_proba, singles[:WARMUP_REQUESTS])
                _each(in_process, records[:WARMUP_REQUESTS])
                _each(single.predict_proba, singles[:WARMUP_REQUESTS])
                # Blocks of each in turn, so that all paths see the same load on a shared machine.
                for start in range(0, REQUESTS, BLOCK):
                    block = slice(start, min(start + BLOCK, REQUESTS))
                    service += _post_each(connection, bodies[block])
                    direct += _each(pipeline.predict_proba, singles[block])
                    runtime_samples += _each(in_process, records[block])
                    one_thread += _each(single.predict_proba, singles[block])
            finally:
                connection.close()
        inside = _server_ms(log, REQUESTS)
    p50, p99 = _p(service, 50), _p(service, 99)
    verdict = "met" if p50 < 0.010 else "MISSED"
    return [
        Comparison(
            f"POST /predict 1 row, p50 of {REQUESTS:,}", p50,
            "predict_proba(1-row DataFrame) p50", _p(direct, 50), goal=f"p50 < 10 ms ({verdict})",
            note=f"service {_ms(service)} (server-side, from its log: {_ms(inside)}); "
            f"predict_proba {_ms(direct)}",
        ),
        Comparison(
            f"POST /predict 1 row, p99 of {REQUESTS:,}", p99,
            "predict_proba(1-row DataFrame) p99", _p(direct, 99),
            note=f"in-process: bundle runtime (rows_to_frame + score_frame + payload) "
            f"{_ms(runtime_samples)}; predict_proba with XGBoost at n_jobs=1 {_ms(one_thread)}; "
            f"loopback, one keep-alive connection, uvicorn --log-level warning; "
            f"the paths take turns in blocks of {BLOCK} rows",
        ),
    ]  # fmt: skip


# --- batch throughput ----------------------------------------------------------------------


def _best(action: Callable[[], object], repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _rate(seconds: float, rows: int = BATCH_ROWS) -> str:
    return f"{rows / seconds:,.0f} rows/s"


def _batch_rows(
    folder: Path, pipeline: Any, frame: pd.DataFrame, runtime: ModuleType
) -> list[Comparison]:
    bundle = runtime.load_bundle(folder)
    contract = bundle.contract

    def through_runtime(table: pd.DataFrame) -> pd.DataFrame:
        converted, _ = runtime.table_to_frame(table, contract, strict=False)
        return runtime.score_frame(bundle.pipeline, contract, converted)

    raw = _best(lambda: pipeline.predict_proba(frame))
    ours = _best(lambda: through_runtime(frame))
    scores = through_runtime(frame)["probability"].to_numpy()
    gap = float(np.max(np.abs(scores - pipeline.predict_proba(frame)[:, 1])))
    verdict = "met" if ours / raw <= 1.2 else "MISSED"
    rows = [
        Comparison(
            f"bundle runtime, {BATCH_ROWS // 1000}k rows in memory", ours,
            "pipeline.predict_proba, same frame", raw, goal=f"≤ 1.20× ({verdict})",
            note=f"{_rate(ours)} vs {_rate(raw)}; table_to_frame(strict=False) + score_frame; "
            f"max |Δ probability| {gap:.1e}",
        ),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        paths = {"CSV": Path(scratch) / "rows.csv", "Parquet": Path(scratch) / "rows.parquet"}
        frame.to_csv(paths["CSV"], index=False)
        frame.to_parquet(paths["Parquet"], index=False)
        text = runtime.read_table(paths["CSV"])
        from_text = _best(lambda: through_runtime(text))
        rows.append(
            Comparison(
                "  same, from CSV text (strings)", from_text,
                "pipeline.predict_proba, typed frame", raw,
                note=f"{_rate(from_text)}; every cell a string, parsed and checked per column",
            )
        )  # fmt: skip
        for kind, source in paths.items():
            out = source.with_name(f"scored{source.suffix}")
            command = [sys.executable, "predict.py", str(source), "--out", str(out)]

            def scorer(command: list[str] = command) -> None:
                subprocess.run(command, cwd=folder, check=True, capture_output=True)

            cli = _best(scorer, repeat=2)
            read = pd.read_csv if kind == "CSV" else pd.read_parquet
            write = "to_csv" if kind == "CSV" else "to_parquet"

            def by_hand(source: Path = source, read: Any = read, write: str = write) -> None:
                table = read(source)
                table["probability"] = pipeline.predict_proba(table)[:, 1]
                getattr(table, write)(source.with_name(f"raw{source.suffix}"), index=False)

            hand = _best(by_hand, repeat=2)
            rows.append(
                Comparison(
                    f"python predict.py, {BATCH_ROWS // 1000}k-row {kind}", cli,
                    f"in-process read + predict_proba + write {kind}", hand,
                    note=f"{_rate(cli)} incl. Python start, model load, read and write "
                    f"(informational); by hand {_rate(hand)}; predict_proba alone {_rate(raw)}",
                )
            )  # fmt: skip
    return rows


def run() -> list[Comparison]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "bundle"
        folder.mkdir()
        pipeline, features, size = _bundle(folder)
        runtime = _runtime(folder)
        test = generated_frame(BATCH_ROWS, numeric=20, categorical=9, seed=1)[features]
        rows = _latency_rows(folder, pipeline, test.iloc[:REQUESTS], runtime)
        rows += _batch_rows(folder, pipeline, test, runtime)
    load = os.getloadavg()[0]
    note = (
        f"bundle zip {size:,} bytes; XGBoost zoo defaults, n_jobs=2, fitted on {TRAIN_ROWS:,} "
        f"rows; 1-min load average {load:.1f} at the end (2 cores)"
    )
    rows[1] = dataclasses.replace(rows[1], note=f"{rows[1].note}; {note}")
    return rows
