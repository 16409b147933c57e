"""manifest.json and requirements.txt: every file hashed, every package pinned."""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import sys
import zipfile

from core.export import BUNDLE_FORMAT, MANIFEST_FILE, REQUIRED_FILES, SERVICE_PINS, read_bundle_file


def _files(bundle) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_manifest_lists_every_other_file_with_its_hash_and_size(binary_bundle) -> None:
    files = _files(binary_bundle)
    listed = binary_bundle.manifest["files"]
    assert set(listed) == set(files) - {MANIFEST_FILE}
    for name, entry in listed.items():
        assert entry == {
            "sha256": hashlib.sha256(files[name]).hexdigest(),
            "size": len(files[name]),
        }


def test_manifest_in_the_zip_equals_the_returned_one(binary_bundle) -> None:
    assert json.loads(read_bundle_file(binary_bundle.zip_bytes, MANIFEST_FILE)) == (
        binary_bundle.manifest
    )
    assert binary_bundle.manifest["format"] == BUNDLE_FORMAT
    assert binary_bundle.manifest["model_version"] == "churn-7"
    assert binary_bundle.manifest["created"] == "2025-01-31"


def test_bundle_has_the_required_files(binary_bundle) -> None:
    assert set(REQUIRED_FILES) <= set(binary_bundle.files)
    assert "model/pipeline.joblib" in binary_bundle.files
    assert binary_bundle.files == tuple(sorted(_files(binary_bundle)))


def test_bundle_reports_its_size_and_hash(binary_bundle) -> None:
    assert binary_bundle.size_bytes == len(binary_bundle.zip_bytes)
    assert binary_bundle.sha256 == hashlib.sha256(binary_bundle.zip_bytes).hexdigest()


def test_model_card_is_the_callers_text(binary_bundle) -> None:
    card = read_bundle_file(binary_bundle.zip_bytes, "model_card.md").decode()
    assert card.startswith("# Churn model")


def _pins(bundle) -> dict[str, str]:
    text = read_bundle_file(bundle.zip_bytes, "requirements.txt").decode()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert all("==" in line for line in lines), lines
    return dict(line.split("==") for line in lines)


def test_requirements_pin_the_installed_versions(binary_bundle) -> None:
    pins = _pins(binary_bundle)
    for name in ("scikit-learn", "numpy", "pandas", "scipy", "joblib", "pyarrow"):
        assert pins[name] == importlib.metadata.version(name)
    for name, version in SERVICE_PINS.items():
        assert pins[name] == version
    assert "xgboost" not in pins  # a logistic regression does not need it


def test_requirements_add_xgboost_when_the_model_uses_it(trained, builder) -> None:
    bundle = builder(trained("binary", "xgboost"))
    assert _pins(bundle)["xgboost"] == importlib.metadata.version("xgboost")
    assert "core.estimators.xgboost" in bundle.workbench_modules  # XGBoostClassifier lives there


def test_dockerfile_uses_this_python_and_the_same_steps(binary_bundle) -> None:
    text = read_bundle_file(binary_bundle.zip_bytes, "Dockerfile").decode()
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"FROM python:{python}-slim" in text
    steps = ["pip install -r requirements.txt", "python predict.py --self-test", "serve:app"]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "{{" not in text
    assert "logs/" in read_bundle_file(binary_bundle.zip_bytes, ".dockerignore").decode()
