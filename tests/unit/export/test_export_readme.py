"""README.md: how to run the bundle, with this model's own columns and example."""

from __future__ import annotations

import json
import re

import pandas as pd

from core.data.schema import infer_schema
from core.export import read_bundle_file
from core.train.features import feature_columns
from core.train.zoo import make_pipeline


def _readme(bundle) -> str:
    return read_bundle_file(bundle.zip_bytes, "README.md").decode()


def test_readme_lists_every_input_column_with_its_type(binary_bundle) -> None:
    text = _readme(binary_bundle)
    for column in binary_bundle.schema.columns:
        assert re.search(rf"\| `{column.name}` \| {column.type} \| (yes|no) \|", text), column.name
    assert "`basic`, `plus`, `pro`" in text


def test_readme_curl_example_uses_the_schema_columns(binary_bundle) -> None:
    text = _readme(binary_bundle)
    body = re.search(r"-d '(\{.*\})'", text).group(1)
    row = json.loads(body)["rows"][0]
    assert list(row) == list(binary_bundle.schema.feature_order)
    assert "curl -s -X POST http://localhost:8000/predict" in text


def test_readme_explains_running_keys_logs_metrics_and_docker(binary_bundle) -> None:
    text = _readme(binary_bundle)
    for needle in (
        "python predict.py --self-test",
        "python predict.py customers.csv --out scored.csv",
        "uvicorn serve:app",
        "BUNDLE_API_KEYS",
        "X-API-Key",
        "logs/predictions.jsonl",
        "GET /metrics",
        "docker build",
        "not run in CI",
        "churn-7",
        "at least 0.4",
    ):
        assert needle in text, needle
    assert "{{" not in text


def test_readme_lists_the_copied_workbench_modules(binary_bundle) -> None:
    text = _readme(binary_bundle)
    assert "## Workbench code inside" in text
    assert "`core.estimators.columns`" in text


def test_readme_escapes_awkward_column_names(builder, trained) -> None:
    frame = pd.DataFrame(
        {
            "a|b": [1.0, 2.0, 3.0, 4.0] * 5,
            "<script>x</script>": ["u", "v"] * 10,
            "y": ["n", "p"] * 10,
        }
    )
    schema = infer_schema(frame, target="y", positive_class="p")
    features = feature_columns(schema)
    pipeline = make_pipeline(schema, "logreg").fit(frame[features], frame["y"])
    bundle = builder(
        trained("binary"), pipeline=pipeline, schema=schema, training_frame=frame[features]
    )
    text = _readme(bundle)
    assert r"| `a\|b` | numeric |" in text
    assert "| `<script>x</script>` | categorical |" in text  # a code span: shown, not run
