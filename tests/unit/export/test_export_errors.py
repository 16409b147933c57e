"""build_bundle refuses what cannot make a working bundle, naming the argument."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest

from core.data.schema import infer_schema
from core.export import ExportError, read_bundle_file, verify_bundle
from core.export.bundle import (
    MSG_CREATED,
    MSG_EXTRA_BYTES,
    MSG_EXTRA_CLASH,
    MSG_EXTRA_NAME,
    MSG_MODEL_CARD,
    MSG_NO_PROBA,
    MSG_NOT_ESTIMATOR,
    MSG_VERSION,
)
from core.export.contract import MSG_FEATURES_MISSING, MSG_FRAME_TYPE
from core.export.golden import MSG_GOLDEN_MISMATCH
from core.export.layout import RUNTIME_MODULE
from core.train.zoo import make_pipeline


def _refused(builder, model, **options) -> ExportError:
    with pytest.raises(ExportError) as error:
        builder(model, **options)
    return error.value


def test_an_unfitted_pipeline_is_refused(trained, builder) -> None:
    model = trained("binary")
    error = _refused(builder, model, pipeline=make_pipeline(model.schema, "logreg"))
    assert error.message.startswith("the pipeline is not fitted")
    assert error.field == "pipeline"


def test_something_else_is_refused(trained, builder) -> None:
    error = _refused(builder, trained("binary"), pipeline={"model": 1})
    assert error.message == MSG_NOT_ESTIMATOR.format(kind="dict")


def test_unreadable_pipeline_bytes_are_refused(trained, builder) -> None:
    error = _refused(builder, trained("binary"), pipeline=b"not a pickle")
    assert error.message.startswith("the pipeline bytes cannot be loaded with joblib")


def test_a_regressor_cannot_be_a_binary_model(trained, builder) -> None:
    error = _refused(builder, trained("binary"), pipeline=trained("regression").pipeline)
    assert error.message == MSG_NO_PROBA.format(task="binary", kind="Pipeline")


@pytest.mark.parametrize("version", ["", "   ", "a\nb", "x" * 201, 7])
def test_model_version_must_be_one_short_line(trained, builder, version) -> None:
    error = _refused(builder, trained("binary"), model_version=version)
    assert error.message == MSG_VERSION.format(limit=200, value=version)
    assert error.field == "model_version"


@pytest.mark.parametrize("created", ["31/01/2025", "", None, 20250131])
def test_created_must_be_an_iso_date(trained, builder, created) -> None:
    error = _refused(builder, trained("binary"), created=created)
    assert error.message == MSG_CREATED.format(value=created)


def test_model_card_must_be_text(trained, builder) -> None:
    error = _refused(builder, trained("binary"), model_card=b"# card")
    assert error.message == MSG_MODEL_CARD.format(kind="bytes")


def test_training_frame_must_hold_the_model_columns(trained, builder) -> None:
    model = trained("binary")
    error = _refused(builder, model, training_frame=model.X.drop(columns=["visits"]))
    assert error.message == MSG_FEATURES_MISSING.format(columns="'visits'")
    error = _refused(builder, model, training_frame=model.X.to_numpy())
    assert error.message == MSG_FRAME_TYPE.format(kind="ndarray")


@pytest.mark.parametrize("name", ["../up.txt", "/abs.txt", "a\\b.txt", "dir/", "", "a//b"])
def test_extra_file_names_stay_inside(trained, builder, name) -> None:
    error = _refused(builder, trained("binary"), extra_files={name: b"x"})
    assert error.message == MSG_EXTRA_NAME.format(name=name)
    assert error.field == "extra_files"


@pytest.mark.parametrize("name", ["README.md", "serve.py", "manifest.json", "core/x.py", "model/a"])
def test_extra_files_cannot_replace_the_bundles_own(trained, builder, name) -> None:
    error = _refused(builder, trained("binary"), extra_files={name: b"x"})
    assert error.message == MSG_EXTRA_CLASH.format(name=name)


def test_extra_files_must_be_bytes(trained, builder) -> None:
    error = _refused(builder, trained("binary"), extra_files={"notes.txt": "text"})
    assert error.message == MSG_EXTRA_BYTES.format(name="notes.txt", kind="str")


def test_extra_files_are_listed_and_verified(trained, builder) -> None:
    bundle = builder(trained("binary"), extra_files={"reports/fairness.html": b"<p>ok</p>"})
    assert read_bundle_file(bundle.zip_bytes, "reports/fairness.html") == b"<p>ok</p>"
    assert "reports/fairness.html" in bundle.manifest["files"]
    assert verify_bundle(bundle.zip_bytes) == []
    readme = read_bundle_file(bundle.zip_bytes, "README.md").decode()
    assert "| `reports/fairness.html` | added by the exporter |" in readme


def test_a_schema_without_task_is_refused(trained, builder) -> None:
    model = trained("binary")
    error = _refused(builder, model, schema=infer_schema(model.frame))
    assert error.field == "schema"


def test_a_ready_bundle_schema_is_used_with_this_threshold(trained, builder, binary_bundle):
    contract = dataclasses.replace(binary_bundle.schema, threshold=0.9, model_version="old")
    bundle = builder(trained("binary"), schema=contract, threshold=0.4)
    assert bundle.zip_bytes == binary_bundle.zip_bytes
    wrong = dataclasses.replace(contract, classes=("no", "yes"), positive_class="yes")
    assert _refused(builder, trained("binary"), schema=wrong).field == "schema"


def test_golden_rows_that_score_differently_stop_the_export(
    trained, builder, binary_bundle, monkeypatch
) -> None:
    runtime = sys.modules[RUNTIME_MODULE]  # loaded by the builds above
    monkeypatch.setattr(runtime, "check_golden", lambda *args: ["golden row 3: differs"])
    error = _refused(builder, trained("binary"))
    assert error.message == MSG_GOLDEN_MISMATCH.format(problems="golden row 3: differs")


def test_schema_json_is_plain_json(binary_bundle) -> None:
    text = read_bundle_file(binary_bundle.zip_bytes, "schema.json").decode()
    assert json.loads(text)["threshold"] == 0.4
    assert "NaN" not in text
