"""Content-addressed artifact store: files named by their sha256, written atomically, verified on read.

Layout: ``ROOT/sha256/ab/abcdef…`` for finished artifacts, ``ROOT/tmp/`` for writes in
progress (same file system, so the final rename is atomic). A half-written file is
never visible under its hash: it is fsynced before the rename, and the folder after.

Garbage collection and writers coordinate through locks the OS drops if a process dies
(even by ``kill -9``): a temp file is locked while it is written, and ``ROOT/gc.lock`` is
held shared while a writer settles a file under its hash and exclusively while garbage
collection checks and removes one. So a writer that finds its content already stored
either refreshes the file's age before collection looks at it, or writes it anew after.
A put of content whose stored file is damaged (truncated, bytes changed) rewrites it:
importing the same file again repairs the store.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")


class ArtifactError(Exception):
    """Base class for artifact store problems."""


class ArtifactMissing(ArtifactError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"artifact {sha256[:12]}… is missing from the artifact store")
        self.sha256 = sha256


class ArtifactCorrupted(ArtifactError):
    def __init__(self, sha256: str, actual: str) -> None:
        super().__init__(
            f"artifact {sha256[:12]}… failed verification (content hashes to {actual[:12]}…); "
            "it was changed or damaged on disk and will not be loaded"
        )
        self.sha256 = sha256
        self.actual = actual


@dataclass(frozen=True)
class StoredArtifact:
    sha256: str
    size_bytes: int
    #: False when identical content was already stored (nothing was written).
    created: bool
    #: True when the stored file under this hash was damaged or missing and was rewritten.
    repaired: bool = False


@dataclass(frozen=True)
class GcReport:
    deleted: tuple[str, ...]
    freed_bytes: int
    temp_files_removed: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _intact(path: Path, sha256: str, size: int) -> bool:
    """Whether the stored file still holds the content its name promises.

    The size is compared first (a truncated file is caught without reading it); when it
    matches, the file is re-hashed, since a flipped byte keeps the size. That read costs
    as much as the write that led here, and only happens when the same content is put again.
    """
    try:
        if path.stat().st_size != size:
            return False
        return sha256_file(path) == sha256
    except FileNotFoundError:
        return False


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _flocked(path: Path, mode: int) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _locked_by_a_writer(path: Path) -> bool:
    """True when some process holds the lock on a temp file (it is still being written)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True  # already gone: nothing to remove
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def check_hash(sha256: str) -> str:
    if not _HASH_RE.match(sha256):
        raise ArtifactError(f"not an artifact hash: {sha256!r}")
    return sha256


class ArtifactStore:
    """The one API for large files. Rows in the database refer to artifacts by ``sha256``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._objects = self.root / "sha256"
        self._tmp = self.root / "tmp"
        self._objects.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._gc_lock = self.root / "gc.lock"

    # -- writing -----------------------------------------------------------------
    def put_bytes(self, data: bytes) -> StoredArtifact:
        with self.writer() as fh:
            fh.write(data)
        return fh.stored  # type: ignore[attr-defined]

    def put_file(self, source: Path) -> StoredArtifact:
        with self.writer() as fh, open(source, "rb") as src:
            while chunk := src.read(_CHUNK):
                fh.write(chunk)
        return fh.stored  # type: ignore[attr-defined]

    @contextmanager
    def writer(self) -> Iterator[BinaryIO]:
        """Stream content in; on exit it is hashed, fsynced and renamed into place.

        After the block, ``handle.stored`` is the :class:`StoredArtifact`. An exception
        inside the block leaves nothing behind.
        """
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="w-", suffix=".part")
        fcntl.flock(fd, fcntl.LOCK_EX)  # "being written": garbage collection leaves it alone
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as raw:
                handle = _HashingWriter(raw, digest)
                yield handle  # type: ignore[misc]
                raw.flush()
                os.fsync(raw.fileno())
                handle.stored = self._settle(tmp, digest.hexdigest(), handle.size)
        finally:
            if tmp.exists():
                tmp.unlink()

    def put_with(self, write: Callable[[Path], None], *, suffix: str = "") -> StoredArtifact:
        """Store what ``write(path)`` writes, for libraries that write to a path (Parquet, joblib).

        The path is a temp file inside the store; if ``write`` fails nothing remains.
        """
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="p-", suffix=suffix + ".part")
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until stored: "being written"
        tmp = Path(tmp_name)
        try:
            write(tmp)
            return self.adopt(tmp)
        finally:
            tmp.unlink(missing_ok=True)
            os.close(fd)

    def adopt(self, tmp: Path) -> StoredArtifact:
        """Move a finished file inside the store's ``tmp/`` folder into place under its hash."""
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        return self._settle(tmp, sha256_file(tmp), tmp.stat().st_size)

    def _settle(self, tmp: Path, sha: str, size: int) -> StoredArtifact:
        """Rename a finished temp file into place, or drop it when the content is stored."""
        final = self.path(sha)
        with _flocked(self._gc_lock, fcntl.LOCK_SH):
            existed = final.exists()
            if existed and _intact(final, sha, size):
                tmp.unlink()
                os.utime(final)  # fresh mtime: garbage collection's grace period protects it
                return StoredArtifact(sha, size, created=False)
            # New, or the stored file is damaged: the bytes just written replace it.
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
        _fsync_dir(final.parent)
        return StoredArtifact(sha, size, created=not existed, repaired=existed)

    # -- reading -----------------------------------------------------------------
    def path(self, sha256: str) -> Path:
        check_hash(sha256)
        return self._objects / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def verify(self, sha256: str) -> None:
        """Raise :class:`ArtifactMissing` or :class:`ArtifactCorrupted` unless the file matches."""
        path = self.path(sha256)
        if not path.is_file():
            raise ArtifactMissing(sha256)
        actual = sha256_file(path)
        if actual != sha256:
            raise ArtifactCorrupted(sha256, actual)

    def verified_path(self, sha256: str) -> Path:
        """Path to read from, after checking the content still matches its hash."""
        self.verify(sha256)
        return self.path(sha256)

    def read_bytes(self, sha256: str) -> bytes:
        path = self.path(sha256)
        if not path.is_file():
            raise ArtifactMissing(sha256)
        data = path.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise ArtifactCorrupted(sha256, actual)
        return data

    def iter_hashes(self) -> Iterator[str]:
        for path in self._objects.glob("??/*"):
            if _HASH_RE.match(path.name):
                yield path.name

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    # -- deleting ----------------------------------------------------------------
    def delete(self, sha256: str) -> int:
        path = self.path(sha256)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size

    def collect_garbage(
        self, referenced: Iterable[str], *, grace_seconds: float = 3600
    ) -> GcReport:
        """Delete stored files not in ``referenced`` and abandoned temp files.

        Files younger than ``grace_seconds`` are kept: a writer may have stored one
        and not yet committed the row that references it. A temp file is removed only
        when it is that old and no process is writing it (a killed writer's leftover).
        """
        keep = set(referenced)
        cutoff = time.time() - grace_seconds
        deleted: list[str] = []
        freed = 0
        for sha in list(self.iter_hashes()):
            if sha in keep:
                continue
            with _flocked(self._gc_lock, fcntl.LOCK_EX):
                path = self.path(sha)
                try:
                    if path.stat().st_mtime > cutoff:
                        continue
                except FileNotFoundError:
                    continue
                freed += self.delete(sha)
            deleted.append(sha)
        temp_removed = 0
        for tmp in self._tmp.glob("*.part"):
            try:
                old = tmp.stat().st_mtime <= cutoff
            except FileNotFoundError:
                continue
            if old and not _locked_by_a_writer(tmp):
                tmp.unlink(missing_ok=True)
                temp_removed += 1
        return GcReport(tuple(sorted(deleted)), freed, temp_removed)


class _HashingWriter:
    """A write-only file object that hashes what passes through it."""

    def __init__(self, raw: BinaryIO, digest: hashlib._Hash) -> None:
        self._raw = raw
        self._digest = digest
        self.size = 0
        self.stored: StoredArtifact | None = None

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self._raw.flush()
