"""verify_bundle finds every kind of tampering without unpickling anything."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from core.export import verify_bundle
from core.export.verify import (
    MSG_VERIFY_DUPLICATE,
    MSG_VERIFY_HASH,
    MSG_VERIFY_MISSING,
    MSG_VERIFY_NO_MANIFEST,
    MSG_VERIFY_REQUIRED,
    MSG_VERIFY_SIZE,
    MSG_VERIFY_UNLISTED,
    MSG_VERIFY_UNSAFE,
)


def _rezip(bundle, change) -> bytes:
    """The bundle with ``change(files)`` applied to its {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_untouched_bundle_verifies(binary_bundle) -> None:
    assert verify_bundle(binary_bundle.zip_bytes) == []


def test_a_changed_file_is_found(binary_bundle) -> None:
    def flip(files: dict) -> None:
        data = bytearray(files["model/pipeline.joblib"])
        data[len(data) // 2] ^= 0xFF
        files["model/pipeline.joblib"] = bytes(data)

    assert verify_bundle(_rezip(binary_bundle, flip)) == [
        MSG_VERIFY_HASH.format(name="model/pipeline.joblib")
    ]


def test_a_resized_file_is_found(binary_bundle) -> None:
    def grow(files: dict) -> None:
        files["schema.json"] += b" "

    size = binary_bundle.manifest["files"]["schema.json"]["size"]
    assert verify_bundle(_rezip(binary_bundle, grow)) == [
        MSG_VERIFY_SIZE.format(name="schema.json", actual=size + 1, expected=size)
    ]


def test_a_removed_file_is_found(binary_bundle) -> None:
    problems = verify_bundle(_rezip(binary_bundle, lambda f: f.pop("serve.py")))
    assert problems == [MSG_VERIFY_MISSING.format(name="serve.py")]


def test_an_added_file_is_found(binary_bundle) -> None:
    def add(files: dict) -> None:
        files["core/evil.py"] = b"import os\n"

    assert verify_bundle(_rezip(binary_bundle, add)) == [
        MSG_VERIFY_UNLISTED.format(name="core/evil.py")
    ]


def test_a_file_dropped_from_the_manifest_is_found(binary_bundle) -> None:
    def unlist(files: dict) -> None:
        manifest = json.loads(files["manifest.json"])
        del manifest["files"]["golden.csv"]
        files["manifest.json"] = json.dumps(manifest).encode()

    problems = verify_bundle(_rezip(binary_bundle, unlist))
    assert MSG_VERIFY_UNLISTED.format(name="golden.csv") in problems
    assert MSG_VERIFY_REQUIRED.format(name="golden.csv") in problems


def test_a_missing_manifest_is_found(binary_bundle) -> None:
    problems = verify_bundle(_rezip(binary_bundle, lambda f: f.pop("manifest.json")))
    assert problems == [MSG_VERIFY_NO_MANIFEST]


@pytest.mark.parametrize("text", [b"not json", b"[]", b'{"files": 3}'])
def test_a_damaged_manifest_is_found(binary_bundle, text: bytes) -> None:
    def damage(files: dict) -> None:
        files["manifest.json"] = text

    problems = verify_bundle(_rezip(binary_bundle, damage))
    assert len(problems) == 1
    assert problems[0].startswith("manifest.json is not valid")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"plain text"])
def test_something_else_is_not_a_zip(data: bytes) -> None:
    assert verify_bundle(data)[0].startswith("not a zip file")


def test_paths_leaving_the_bundle_are_found(binary_bundle) -> None:
    def escape(files: dict) -> None:
        files["../outside.txt"] = b"x"

    problems = verify_bundle(_rezip(binary_bundle, escape))
    assert MSG_VERIFY_UNSAFE.format(name="../outside.txt") in problems


def test_duplicate_entries_are_found(binary_bundle) -> None:
    data = io.BytesIO(binary_bundle.zip_bytes)
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(data, "a") as archive,
    ):
        archive.writestr("README.md", b"other text")
    problems = verify_bundle(data.getvalue())
    assert MSG_VERIFY_DUPLICATE.format(name="README.md") in problems
