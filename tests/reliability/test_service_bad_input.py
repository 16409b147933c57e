"""The exported bundle's service and batch scorer on hostile input: always 4xx (or exit 1
with a message) naming the row and field, always logged — never a 500 or a traceback.

``spend`` is a float32 column, as in the demo: a number above 3.4e38 became inf on the
way to the model, which raised (500).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers.bundle_service import serve_client

pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    return serve_client(tmp_path_factory.mktemp("svc"))


ROW = {"spend": 50.5, "visits": 3, "plan": "basic"}


def _post(service, body: bytes):
    client, _, _ = service
    return client.post("/predict", content=body, headers={"Content-Type": "application/json"})


def _last_log(service) -> dict:
    _, log, _ = service
    return json.loads(log.read_text(encoding="utf-8").splitlines()[-1])


@pytest.mark.parametrize("number", ["3.5e38", "1e39", "1e308", "-1e300"])
def test_numbers_beyond_float32_are_422_naming_row_and_field(service, number: str) -> None:
    body = json.dumps({"rows": [ROW, dict(ROW, spend=0.0)]}).replace("0.0", number)
    answer = _post(service, body.encode())
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert (problem["row"], problem["field"]) == (1, "spend")
    assert _last_log(service)["status"] == 422


def test_deep_nesting_is_400(service) -> None:
    depth = 10_000
    answer = _post(service, b'{"rows": ' + b"[" * depth + b"]" * depth + b"}")
    assert answer.status_code == 400, answer.text
    assert "deep" in answer.json()["detail"][0]["msg"]
    assert _last_log(service)["status"] == 400


@pytest.mark.parametrize(
    "body",
    [
        b'{"rows": [{"spend": 1, "visits": 3, "plan": "\\ud800"}]}',
        b'{"rows": [{"spend": 1, "visits": 3, "plan": "basic", "\\udfff": 1}]}',
    ],
)
def test_lone_surrogate_is_4xx_and_logged(service, body: bytes) -> None:
    answer = _post(service, body)
    assert 400 <= answer.status_code < 500, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["row"] == 0
    assert _last_log(service)["status"] == answer.status_code


def test_batch_scorer_names_row_and_field_of_1e308(service, tmp_path) -> None:
    _, _, root = service
    source = tmp_path / "in.csv"
    source.write_text("spend,visits,plan\n1,2,basic\n1e308,2,basic\n")
    command = [sys.executable, "predict.py", str(source), "--out", str(tmp_path / "out.csv")]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "row 2, spend" in done.stderr
    assert not (tmp_path / "out.csv").exists()
