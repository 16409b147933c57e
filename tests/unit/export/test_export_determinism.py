"""Same inputs, same zip: byte for byte, with fixed times, order and permissions."""

from __future__ import annotations

import io
import zipfile

import joblib

from core.export import read_bundle_file
from core.export.layout import ZIP_MODE


def test_building_twice_gives_the_same_bytes(trained, builder, binary_bundle) -> None:
    again = builder(trained("binary"))
    assert again.zip_bytes == binary_bundle.zip_bytes
    assert again.sha256 == binary_bundle.sha256


def test_zip_entries_are_sorted_dated_and_plain_files(binary_bundle) -> None:
    with zipfile.ZipFile(io.BytesIO(binary_bundle.zip_bytes)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2025, 1, 31, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {ZIP_MODE}
    assert {i.create_system for i in infos} == {3}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_created_time_is_the_callers(trained, builder) -> None:
    bundle = builder(trained("binary"), created="2025-03-04T10:20:31")
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        assert archive.infolist()[0].date_time == (2025, 3, 4, 10, 20, 30)  # even seconds
    assert bundle.manifest["created"] == "2025-03-04T10:20:31"


def test_other_inputs_give_other_bytes(trained, builder, binary_bundle) -> None:
    assert builder(trained("binary"), model_version="churn-8").sha256 != binary_bundle.sha256
    assert builder(trained("binary"), threshold=0.5).sha256 != binary_bundle.sha256


def test_stored_pipeline_bytes_go_in_as_they_are(trained, builder) -> None:
    buffer = io.BytesIO()
    joblib.dump(trained("binary").pipeline, buffer)  # not the workbench's compress=3
    stored = buffer.getvalue()
    first = builder(trained("binary"), pipeline=stored)
    assert read_bundle_file(first.zip_bytes, "model/pipeline.joblib") == stored
    assert builder(trained("binary"), pipeline=stored).zip_bytes == first.zip_bytes


def test_pickling_the_same_pipeline_twice_is_stable(trained) -> None:
    def dump() -> bytes:
        buffer = io.BytesIO()
        joblib.dump(trained("binary").pipeline, buffer, compress=3)
        return buffer.getvalue()

    assert dump() == dump()
