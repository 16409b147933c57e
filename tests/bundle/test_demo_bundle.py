"""The demo champion exported by `workbench export`, installed in a fresh virtualenv: the batch
scorer and the service answer exactly like `workbench predict` on the same raw rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.bundle.test_bundle_venv import INSTALL_SECONDS, _call, _free_port, _run
from tests.helpers.service import wait_until_healthy

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]
ROOT = Path(__file__).resolve().parents[2]
DEMO = "Customer churn (demo)"
CSV = ROOT / "assets" / "demo" / "churn.csv"


def _workbench(home: Path, *args: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *[str(a) for a in args]],
        cwd=ROOT, env={**os.environ, "WORKBENCH_HOME": str(home), "WORKBENCH_AUTOSTART_WORKER": "0"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_exported_demo_scores_like_workbench_predict(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _workbench(home, "demo")
    _workbench(home, "train", DEMO, "--models", "xgboost", "--folds", "3")
    _workbench(home, "export", DEMO, "--out", tmp_path / "bundle.zip")
    expected_path = tmp_path / "workbench.csv"
    _workbench(home, "predict", DEMO, CSV, "--out", expected_path)
    root = tmp_path / "bundle"
    zipfile.ZipFile(tmp_path / "bundle.zip").extractall(root)
    assert (
        _run([sys.executable, "-m", "venv", tmp_path / "venv"], tmp_path, timeout=300).returncode
        == 0
    )
    python = tmp_path / "venv" / "bin" / "python"
    pip = _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", "requirements.txt"], root, timeout=INSTALL_SECONDS)  # fmt: skip
    assert pip.returncode == 0, pip.stderr[-3000:]
    assert _run([python, "predict.py", "--self-test"], root).returncode == 0
    scored_path = tmp_path / "bundle.csv"
    done = _run([python, "predict.py", CSV, "--out", scored_path], root)
    assert done.returncode == 0, done.stderr
    expected, scored = pd.read_csv(expected_path), pd.read_csv(scored_path)
    column = "probability_Yes"  # the demo's positive class, named in both outputs
    np.testing.assert_allclose(scored[column], expected[column], rtol=0, atol=1e-9)
    assert (scored["prediction"] == expected["prediction"]).all()

    port = _free_port()
    server = subprocess.Popen(
        [python, "-m", "uvicorn", "serve:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=root, env={"PATH": os.environ["PATH"], "BUNDLE_LOG": str(tmp_path / "log.jsonl")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, timeout=60, process=server)
        raw = pd.read_csv(CSV, keep_default_na=False, na_values=[""]).head(
            5
        )  # "None" is a category
        features = json.loads((root / "schema.json").read_text())["feature_order"]
        rows = json.loads(raw[features].to_json(orient="records"))
        status, body = _call(f"{url}/predict", {"rows": rows})
        assert status == 200, body
        np.testing.assert_allclose(
            body["probabilities"], expected[column].head(5), rtol=0, atol=1e-9
        )
        assert body["positive_class"] == "Yes"
        assert body["predictions"] == list(expected["prediction"].head(5))
        status, body = _call(f"{url}/predict", {"rows": [{**rows[0], "tenure_months": "long"}]})
        assert 400 <= status < 500 and "tenure_months" in json.dumps(body)
    finally:
        server.terminate()
        server.wait(timeout=30)
