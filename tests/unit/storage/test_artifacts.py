from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from storage.artifacts import ArtifactCorrupted, ArtifactMissing, ArtifactStore


@pytest.fixture
def store(tmp_path: Path) -> ArtifactStore:
    return ArtifactStore(tmp_path / "artifacts")


def test_put_bytes_is_named_by_its_sha256(store: ArtifactStore) -> None:
    stored = store.put_bytes(b"hello")
    assert stored.sha256 == hashlib.sha256(b"hello").hexdigest()
    assert stored.size_bytes == 5 and stored.created
    assert store.read_bytes(stored.sha256) == b"hello"


def test_same_content_is_stored_once(store: ArtifactStore) -> None:
    first = store.put_bytes(b"same")
    second = store.put_bytes(b"same")
    assert first.sha256 == second.sha256
    assert not second.created
    assert list(store.iter_hashes()) == [first.sha256]


def test_put_file_and_put_with_agree(store: ArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "data.bin"
    source.write_bytes(os.urandom(3_000_000))
    from_file = store.put_file(source)
    from_writer = store.put_with(lambda path: path.write_bytes(source.read_bytes()))
    assert from_file.sha256 == from_writer.sha256
    assert store.verified_path(from_file.sha256).read_bytes() == source.read_bytes()


def test_tampered_file_fails_verification(store: ArtifactStore) -> None:
    stored = store.put_bytes(b"model weights")
    store.path(stored.sha256).write_bytes(b"evil weights")
    with pytest.raises(ArtifactCorrupted, match="failed verification"):
        store.read_bytes(stored.sha256)
    with pytest.raises(ArtifactCorrupted):
        store.verified_path(stored.sha256)


def test_missing_file_is_reported(store: ArtifactStore) -> None:
    stored = store.put_bytes(b"x")
    store.path(stored.sha256).unlink()
    with pytest.raises(ArtifactMissing, match="missing"):
        store.verify(stored.sha256)


def test_failed_write_leaves_nothing_behind(store: ArtifactStore) -> None:
    def half_write(path: Path) -> None:
        path.write_bytes(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.put_with(half_write)
    with pytest.raises(RuntimeError), store.writer() as handle:
        handle.write(b"partial")
        raise RuntimeError("interrupted")
    assert list(store.iter_hashes()) == []
    assert list((store.root / "tmp").iterdir()) == []


def test_killed_writer_leaves_no_visible_artifact(store: ArtifactStore) -> None:
    """kill -9 in the middle of a write: the half-written file is only a temp file."""
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[3])!r})
        from pathlib import Path
        from storage.artifacts import ArtifactStore
        store = ArtifactStore(Path({str(store.root)!r}))
        with store.writer() as handle:
            handle.write(b"x" * 1_000_000)
            handle.flush()
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"writing"
    process.kill()
    process.wait()
    assert list(store.iter_hashes()) == []
    leftovers = list((store.root / "tmp").glob("*.part"))
    assert len(leftovers) == 1  # invisible to readers, removed by garbage collection
    os.utime(leftovers[0], (time.time() - 7200, time.time() - 7200))
    report = store.collect_garbage([], grace_seconds=3600)
    assert report.temp_files_removed == 1


def test_garbage_collection_keeps_referenced_and_young_files(store: ArtifactStore) -> None:
    keep = store.put_bytes(b"keep").sha256
    old = store.put_bytes(b"old").sha256
    young = store.put_bytes(b"young").sha256
    past = time.time() - 7200
    for sha in (keep, old):
        os.utime(store.path(sha), (past, past))
    report = store.collect_garbage({keep}, grace_seconds=3600)
    assert report.deleted == (old,)
    assert report.freed_bytes == 3
    assert store.exists(keep) and store.exists(young) and not store.exists(old)


def test_rejects_malformed_hash(store: ArtifactStore) -> None:
    with pytest.raises(Exception, match="not an artifact hash"):
        store.path("../../etc/passwd")


def test_garbage_collection_keeps_an_old_temp_file_still_being_written(
    store: ArtifactStore,
) -> None:
    """A slow upload older than the grace period is still being written: it stays."""
    past = time.time() - 7200
    with store.writer() as handle:
        handle.write(b"slow upload, part one; ")
        handle.flush()
        (writing,) = (store.root / "tmp").glob("*.part")
        os.utime(writing, (past, past))
        assert store.collect_garbage([], grace_seconds=3600).temp_files_removed == 0
        handle.write(b"part two")
    assert store.read_bytes(handle.stored.sha256) == b"slow upload, part one; part two"


def test_garbage_collection_keeps_a_path_write_in_progress(store: ArtifactStore) -> None:
    past = time.time() - 7200
    reports = []

    def write(path: Path) -> None:
        path.write_bytes(b"parquet bytes")
        os.utime(path, (past, past))
        reports.append(store.collect_garbage([], grace_seconds=3600))

    stored = store.put_with(write)
    assert reports[0].temp_files_removed == 0
    assert store.exists(stored.sha256)
