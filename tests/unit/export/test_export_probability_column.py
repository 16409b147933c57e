"""The bundle names its probability column after the positive class (issue 15.1): a 0/1
target gets ``probability_1`` in schema.json, golden.csv, predict.py's output, the README and
the service's answer (``positive_class``)."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from core.data.schema import infer_schema
from core.export import read_bundle_file
from core.train.features import feature_columns
from core.train.zoo import make_pipeline


def zero_one_bundle(builder, trained):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    frame = pd.DataFrame({"x": x, "z": rng.normal(size=120), "y": (x > -0.3).astype(int)})
    schema = infer_schema(frame, target="y")
    assert schema.positive_class == "1"  # the usual positive, though 1 is the majority
    features = feature_columns(schema)
    pipeline = make_pipeline(schema, "logreg").fit(frame[features], frame["y"])
    bundle = builder(
        trained("binary"), pipeline=pipeline, schema=schema, training_frame=frame[features]
    )
    return bundle, frame[features], pipeline


def test_a_zero_one_bundle_writes_probability_1(
    builder, trained, unpacker, module_loader, tmp_path
) -> None:
    bundle, rows, pipeline = zero_one_bundle(builder, trained)
    contract = json.loads(read_bundle_file(bundle.zip_bytes, "schema.json"))
    assert contract["positive_class"] == "1" and "probability_1" in contract["outputs"]
    golden = pd.read_csv(io.BytesIO(read_bundle_file(bundle.zip_bytes, "golden.csv")))
    assert "expected_probability_1" in golden.columns
    readme = read_bundle_file(bundle.zip_bytes, "README.md").decode()
    assert "`probability_1` (the probability of `1`)" in readme
    assert '"positive_class": "1"' in readme  # the example answer says whose probability

    root = unpacker(bundle, tmp_path / "b")
    runtime = module_loader(root / "bundle_runtime.py", "bundle_runtime")
    loaded = runtime.load_bundle(root)
    frame, _ = runtime.table_to_frame(rows, loaded.contract, strict=True)
    scores = runtime.score_frame(loaded.pipeline, loaded.contract, frame)
    assert list(scores.columns) == ["prediction", "probability_1"]
    ones = pipeline.predict_proba(rows)[:, list(pipeline.classes_).index(1)]
    np.testing.assert_allclose(scores["probability_1"], ones, rtol=0, atol=1e-12)
    answer = runtime.response_payload(scores, loaded.contract)
    assert answer["positive_class"] == "1"
    assert answer["probabilities"] == [float(v) for v in scores["probability_1"]]
