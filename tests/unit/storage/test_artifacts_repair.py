"""A put of bytes whose hash names a damaged or missing file rewrites it (issue 16, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.artifacts import ArtifactCorrupted, ArtifactMissing, ArtifactStore

CONTENT = b"the same bytes, stored twice " * 100


@pytest.fixture
def store(tmp_path: Path) -> ArtifactStore:
    return ArtifactStore(tmp_path / "artifacts")


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:50]), id="truncated"),
        pytest.param(_flip_a_byte, id="flipped-byte-same-size"),
        pytest.param(lambda p: p.unlink(), id="missing"),
    ],
)
def test_putting_the_same_bytes_again_repairs_the_file(store: ArtifactStore, damage) -> None:  # type: ignore[no-untyped-def]
    sha = store.put_bytes(CONTENT).sha256
    damage(store.path(sha))
    with pytest.raises((ArtifactCorrupted, ArtifactMissing)):
        store.verify(sha)

    again = store.put_bytes(CONTENT)

    assert again.sha256 == sha
    assert again.repaired or again.created
    store.verify(sha)  # whole again
    assert store.read_bytes(sha) == CONTENT


def test_an_intact_file_is_left_alone(store: ArtifactStore) -> None:
    sha = store.put_bytes(CONTENT).sha256
    inode = store.path(sha).stat().st_ino
    again = store.put_with(lambda path: path.write_bytes(CONTENT))
    assert (again.created, again.repaired) == (False, False)
    assert store.path(sha).stat().st_ino == inode
    assert not list((store.root / "tmp").iterdir())
