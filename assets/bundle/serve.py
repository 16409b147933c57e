"""REST service for the exported model: POST /predict, GET /health, /schema, /metrics, /docs.

Start it from this folder: ``uvicorn serve:app --host 0.0.0.0 --port 8000``. It refuses to
start when any file differs from manifest.json. Every request to /predict is checked
against schema.json (4xx naming the row and field, never 500 for bad input) and logged as
one JSON line. Settings are environment variables, all optional:

    BUNDLE_MAX_ROWS        rows per request (default 1000; more → 413)
    BUNDLE_MAX_BODY_BYTES  request body size (default 4194304; more → 413)
    BUNDLE_LOG             prediction log, JSON lines (default logs/predictions.jsonl here)
    BUNDLE_LOG_INPUTS      0 to leave the input rows out of the log (default 1)
    BUNDLE_API_KEYS_FILE   JSON {"name": "<sha256 hex of the key>", ...}
    BUNDLE_API_KEYS        name:<sha256 hex>,name2:<sha256 hex>

With API keys configured, every path but /health needs the X-API-Key header, /docs,
/redoc and /openapi.json included (a browser needs a header-adding proxy to read /docs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import bundle_runtime as runtime
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_ROWS = 1000
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_LOG = HERE / "logs" / "predictions.jsonl"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# With API keys on, only /health answers without one: the docs list every category value,
# like /schema, so they sit behind the key too.
OPEN_PATHS = frozenset({"/health"})
DOC_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
ROUTES = frozenset({"/predict", "/schema", "/metrics", *OPEN_PATHS, *DOC_PATHS})
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
KEY_HASH = re.compile(r"^[0-9a-f]{64}$")

MSG_SETTING = "{name} must be a whole number of at least 1, got {value!r}"
MSG_KEYS_FILE = "BUNDLE_API_KEYS_FILE {path}: {problem}"
MSG_KEYS_ENTRY = (
    "API key {name!r}: expected the sha256 of the key as 64 hex digits, got {value!r} "
    '(make one with: printf %s "$KEY" | sha256sum)'
)
MSG_KEYS_INLINE = "BUNDLE_API_KEYS: expected name:sha256hex[,name2:sha256hex], got {entry!r}"
MSG_LOG = "cannot write the prediction log {path}: {problem}; set BUNDLE_LOG to a writable file"
MSG_UNAUTHORIZED = "a valid X-API-Key header is required"
MSG_NOT_JSON = "the body is not valid JSON: {problem}"
MSG_NON_FINITE = "the body holds {value}, which is not a number JSON allows"
MSG_INTERNAL = "the model could not answer this request; see the service log (request {request_id})"


class ConfigError(Exception):
    """An environment setting the service cannot use."""


@dataclasses.dataclass(frozen=True)
class Settings:
    max_rows: int
    max_body_bytes: int
    log_path: Path
    log_inputs: bool
    api_keys: Mapping[str, str]  # name → sha256 hex of the key

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            max_rows=_whole(env, "BUNDLE_MAX_ROWS", DEFAULT_MAX_ROWS),
            max_body_bytes=_whole(env, "BUNDLE_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            log_path=Path(env.get("BUNDLE_LOG") or DEFAULT_LOG),
            log_inputs=env.get("BUNDLE_LOG_INPUTS", "1").strip().lower()
            not in ("0", "false", "no"),
            api_keys=load_api_keys(env),
        )


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(MSG_SETTING.format(name=name, value=text))
    return value


def load_api_keys(env: Mapping[str, str]) -> dict[str, str]:
    """Key names → sha256 hex digests, from BUNDLE_API_KEYS_FILE and/or BUNDLE_API_KEYS."""
    keys: dict[str, str] = {}
    path = env.get("BUNDLE_API_KEYS_FILE")
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(MSG_KEYS_FILE.format(path=path, problem=error)) from None
        if not isinstance(data, dict):
            problem = 'expected a JSON object {"name": "sha256 hex"}'
            raise ConfigError(MSG_KEYS_FILE.format(path=path, problem=problem))
        keys.update({str(k): str(v) for k, v in data.items()})
    for entry in (env.get("BUNDLE_API_KEYS") or "").split(","):
        if not entry.strip():
            continue
        name, sep, digest = entry.strip().partition(":")
        if not sep or not name.strip():
            raise ConfigError(MSG_KEYS_INLINE.format(entry=entry))
        keys[name.strip()] = digest.strip()
    for name, digest in keys.items():
        if not KEY_HASH.match(digest.lower()):
            raise ConfigError(MSG_KEYS_ENTRY.format(name=name, value=digest[:80]))
    return {name: digest.lower() for name, digest in keys.items()}


def key_owner(key: str | None, keys: Mapping[str, str]) -> str | None:
    """The name of the API key, compared by its sha256 in constant time; the key is never kept."""
    if not key:
        return None
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    owner = None
    for name, expected in keys.items():
        if hmac.compare_digest(digest, expected):
            owner = name
    return owner


class Metrics:
    """Request counts by path and status, and a latency histogram, in Prometheus text format."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = {}
        self.buckets = [0] * len(LATENCY_BUCKETS)
        self.latency_sum = 0.0
        self.latency_count = 0
        self.rows = 0

    def observe(self, path: str, status: int, seconds: float, rows: int) -> None:
        with self._lock:
            key = (path if path in ROUTES else "other", status)
            self.requests[key] = self.requests.get(key, 0) + 1
            if path == "/predict":
                for i, bound in enumerate(LATENCY_BUCKETS):
                    if seconds <= bound:
                        self.buckets[i] += 1
                self.latency_sum += seconds
                self.latency_count += 1
                self.rows += rows

    def exposition(self, model_version: str) -> str:
        with self._lock:
            lines = [
                "# HELP bundle_requests_total Requests answered, by path and HTTP status code.",
                "# TYPE bundle_requests_total counter",
            ]
            for (path, status), count in sorted(self.requests.items()):
                lines.append(f'bundle_requests_total{{path="{path}",status="{status}"}} {count}')
            lines += [
                "# HELP bundle_predict_latency_seconds Time to answer POST /predict.",
                "# TYPE bundle_predict_latency_seconds histogram",
            ]
            for bound, count in zip(LATENCY_BUCKETS, self.buckets, strict=True):
                lines.append(f'bundle_predict_latency_seconds_bucket{{le="{bound}"}} {count}')
            lines += [
                f'bundle_predict_latency_seconds_bucket{{le="+Inf"}} {self.latency_count}',
                f"bundle_predict_latency_seconds_sum {self.latency_sum:.6f}",
                f"bundle_predict_latency_seconds_count {self.latency_count}",
                "# HELP bundle_predicted_rows_total Rows scored by POST /predict.",
                "# TYPE bundle_predicted_rows_total counter",
                f"bundle_predicted_rows_total {self.rows}",
                "# HELP bundle_model_info The model this service answers with.",
                "# TYPE bundle_model_info gauge",
                f'bundle_model_info{{model_version="{_label(model_version)}"}} 1',
            ]
        return "\n".join(lines) + "\n"


def _label(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class PredictionLog:
    """One JSON line per /predict request, appended and flushed as it is answered."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8"):
                pass
        except OSError as error:
            raise ConfigError(MSG_LOG.format(path=path, problem=error)) from None

    def write(self, record: Mapping[str, Any]) -> None:
        # ASCII: no value can break a line for a reader that splits on U+2028, \x1c, … and
        # lone surrogates are written as escapes
        line = json.dumps(record, ensure_ascii=True, default=str, separators=(",", ":"))
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def _start() -> tuple[Settings, runtime.LoadedBundle, PredictionLog]:
    """Settings, the verified bundle and the log; exits with a clear message when one fails."""
    try:
        settings = Settings.from_env(os.environ)
        bundle = runtime.load_bundle(HERE)
        log = PredictionLog(settings.log_path)
    except runtime.BundleError as error:
        lines = "\n  ".join(error.problems)
        print(
            f"serve.py refuses to start: the bundle failed its check:\n  {lines}", file=sys.stderr
        )
        raise SystemExit(1) from None
    except ConfigError as error:
        print(f"serve.py refuses to start: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    return settings, bundle, log


def _xgboost_models(pipeline: Any) -> list[Any]:
    """The XGBoost models in the pipeline: a step itself, or the booster a step wraps."""
    steps = [step for _, step in getattr(pipeline, "steps", ())] or [pipeline]
    models = []
    for step in steps:
        for candidate in (step, getattr(step, "model_", None)):
            if type(candidate).__module__.split(".")[0] == "xgboost":
                models.append(candidate)
    return models


def _one_thread(bundle: runtime.LoadedBundle) -> None:
    """XGBoost predicts on one thread: requests already run in threads of their own, and
    more threads per request only make them wait for each other under load.

    Kept only when golden.csv scores exactly as it did before (the thread count does not
    change XGBoost's predictions, and this makes sure of it).
    """
    models = [m for m in _xgboost_models(bundle.pipeline) if m.get_params().get("n_jobs") != 1]
    if not models:
        return
    threads = [m.get_params()["n_jobs"] for m in models]
    try:
        golden = runtime.read_table(bundle.root / runtime.GOLDEN_FILE)
        frame, _ = runtime.table_to_frame(golden, bundle.contract, strict=True)
        before = runtime.score_frame(bundle.pipeline, bundle.contract, frame)
        for model in models:
            model.set_params(n_jobs=1)
        same = runtime.score_frame(bundle.pipeline, bundle.contract, frame).equals(before)
    except Exception:  # only a speed-up: the model stays as it was (--self-test reports)
        same = False
    if not same:
        for model, count in zip(models, threads, strict=True):
            model.set_params(n_jobs=count)


SETTINGS, BUNDLE, LOG = _start()
_one_thread(BUNDLE)
CONTRACT = BUNDLE.contract
METRICS = Metrics()


def _row_schema() -> dict[str, Any]:
    """JSON Schema of one row, for the OpenAPI docs."""
    properties: dict[str, Any] = {}
    for column in CONTRACT.columns:
        kind = {"numeric": ["number"], "datetime": ["string"]}.get(
            column.type, ["string", "number", "boolean"]
        )
        prop: dict[str, Any] = {"type": [*kind, "null"] if column.nullable else kind}
        prop["description"] = f"{column.type} ({'may be null' if column.nullable else 'required'})"
        if column.allowed is not None:
            prop["enum"] = list(column.allowed) + ([None] if column.nullable else [])
        properties[column.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": list(CONTRACT.names),
        "additionalProperties": False,
    }


REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["rows"],
                "additionalProperties": False,
                "properties": {
                    "rows": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": SETTINGS.max_rows,
                        "items": _row_schema(),
                    }
                },
            }
        }
    },
}


class PredictResponse(BaseModel):
    predictions: list[Any]
    probabilities: list[Any] | None
    positive_class: str | None = None  # binary: the class ``probabilities`` are of
    model_version: str
    request_id: str
    warnings: list[str] = []


class ErrorResponse(BaseModel):
    detail: list[dict[str, Any]]
    request_id: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "the body is not valid JSON"),
        (401, "a valid X-API-Key header is required (when API keys are configured)"),
        (413, "too many rows or too large a body"),
        (422, "a row breaks schema.json; detail names the row and field"),
    )
}

app = FastAPI(
    title=f"Model {CONTRACT.model_version}",
    version=CONTRACT.model_version or "0",
    description=f"{CONTRACT.task} model exported by Lifecycle Workbench. See README.md.",
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, request_id: str, problems: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"detail": problems, "request_id": request_id}, status_code=status)


class Observe:
    """Request id, API key, timing, metrics and the prediction log, for every request.

    Plain ASGI middleware: Starlette's ``@app.middleware("http")`` hands every response
    through a task group and memory streams, which costs more than the rest of the
    service's own work on a one-row request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        header = request.headers.get("x-request-id", "")
        request_id = header if REQUEST_ID.match(header) else uuid.uuid4().hex
        client = request.client.host if request.client else "unknown"
        state = request.state
        state.request_id, state.inputs, state.outputs, state.problems = request_id, None, None, None
        owner = key_owner(request.headers.get("x-api-key"), SETTINGS.api_keys)
        path = request.url.path
        answered = False

        async def observed(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                seconds = time.perf_counter() - started
                rows = len(state.outputs["predictions"]) if state.outputs else 0
                METRICS.observe(path, message["status"], seconds, rows)
                if path == "/predict":
                    LOG.write(
                        {
                            "request_id": request_id,
                            "time": _now(),
                            "caller": owner or client,
                            "status": message["status"],
                            "latency_ms": round(seconds * 1000, 3),
                            "model_version": CONTRACT.model_version,
                            "rows": rows,
                            "inputs": state.inputs if SETTINGS.log_inputs else None,
                            "outputs": state.outputs,
                            "problems": state.problems,
                        }
                    )
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        if SETTINGS.api_keys and path not in OPEN_PATHS and owner is None:
            problem = {
                "loc": ["header", "X-API-Key"],
                "msg": MSG_UNAUTHORIZED,
                "type": "unauthorized",
            }
            response: Response = _error(401, request_id, [problem])
            response.headers["WWW-Authenticate"] = "X-API-Key"
            await response(scope, receive, observed)
            return
        try:
            await self.app(scope, receive, observed)
        except Exception as error:  # a bug or a broken model, not the caller's input
            if answered:
                raise
            print(f"request {request_id}: {type(error).__name__}: {error}", file=sys.stderr)
            problem = {
                "loc": [],
                "msg": MSG_INTERNAL.format(request_id=request_id),
                "type": "internal",
            }
            await _error(500, request_id, [problem])(scope, receive, observed)


app.add_middleware(Observe)


@app.exception_handler(runtime.InputError)
async def input_error(request: Request, error: runtime.InputError) -> JSONResponse:
    problems = [p.to_dict() for p in error.problems]
    request.state.problems = problems
    return _error(error.status, request.state.request_id, problems)


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in error.errors()
    ]
    request.state.problems = problems
    return _error(422, request.state.request_id, problems)


async def _read_body(request: Request, limit: int) -> bytes:
    too_large = runtime.InputError(
        [
            runtime.Problem(
                None, None, "body_too_large", runtime.MSG_BODY_TOO_LARGE.format(limit=limit)
            )
        ],
        status=413,
    )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def _reject_constant(value: str) -> Any:
    raise ValueError(MSG_NON_FINITE.format(value=value))


def _parse(body: bytes) -> Any:
    """The parsed body, checked for depth and valid text (runtime.check_json_body)."""
    try:
        payload = json.loads(body, parse_constant=_reject_constant)
    except RecursionError:
        message = runtime.MSG_TOO_DEEP.format(limit=runtime.MAX_JSON_DEPTH)
        raise runtime.InputError(
            [runtime.Problem(None, None, "too_deep", message)], status=400
        ) from None
    except ValueError as error:
        message = str(error) if "JSON allows" in str(error) else MSG_NOT_JSON.format(problem=error)
        status = 422 if "JSON allows" in str(error) else 400
        raise runtime.InputError(
            [runtime.Problem(None, None, "bad_body", message)], status=status
        ) from None
    runtime.check_json_body(payload)
    return payload


@app.post(
    "/predict",
    response_model=PredictResponse,
    responses=ERRORS,
    openapi_extra={"requestBody": REQUEST_BODY},
    summary="Score rows",
)
async def predict(request: Request) -> JSONResponse:
    """Predictions for ``{"rows": [{column: value, ...}, ...]}``, in the order of the rows."""
    payload = _parse(await _read_body(request, SETTINGS.max_body_bytes))
    request.state.inputs = payload.get("rows") if isinstance(payload, dict) else payload
    frame, warnings = runtime.rows_to_frame(payload, CONTRACT, max_rows=SETTINGS.max_rows)
    scores = await run_in_threadpool(runtime.score_frame, BUNDLE.pipeline, CONTRACT, frame)
    result = runtime.response_payload(scores, CONTRACT)
    request.state.outputs = result
    return JSONResponse(
        {
            **result,
            "model_version": CONTRACT.model_version,
            "request_id": request.state.request_id,
            "warnings": warnings,
        }
    )


@app.get("/health", summary="Liveness")
def health() -> dict[str, Any]:
    return {
        "status": "ok",
        "model_version": CONTRACT.model_version,
        "task": CONTRACT.task,
        "max_rows": SETTINGS.max_rows,
    }


@app.get("/schema", summary="The input contract (schema.json)")
def schema() -> dict[str, Any]:
    return CONTRACT.data


@app.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
def metrics() -> PlainTextResponse:
    return PlainTextResponse(
        METRICS.exposition(CONTRACT.model_version), media_type="text/plain; version=0.0.4"
    )


if __name__ == "__main__":  # python serve.py [--host 0.0.0.0] [--port 8000]
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the model over HTTP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    uvicorn.run(app, host=options.host, port=options.port)
