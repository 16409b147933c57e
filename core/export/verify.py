"""Checking a bundle zip against its ``manifest.json`` (nothing is unpickled)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from core.export.layout import MANIFEST_FILE, REQUIRED_FILES, _safe_name

MSG_VERIFY_NOT_ZIP = "not a zip file: {problem}"
MSG_VERIFY_UNSAFE = "{name!r} is not a plain path inside the bundle"
MSG_VERIFY_DUPLICATE = "{name!r} appears more than once in the zip"
MSG_VERIFY_NO_MANIFEST = "manifest.json is missing"
MSG_VERIFY_MANIFEST = "manifest.json is not valid: {problem}"
MSG_VERIFY_MISSING = "{name}: listed in manifest.json but not in the zip"
MSG_VERIFY_SIZE = "{name}: {actual:,} bytes, manifest.json says {expected:,}"
MSG_VERIFY_HASH = "{name}: sha256 differs from manifest.json (the file was changed)"
MSG_VERIFY_UNLISTED = "{name}: in the zip but not listed in manifest.json"
MSG_VERIFY_REQUIRED = "{name}: a bundle must have this file"
MSG_VERIFY_UNREADABLE = "{name}: cannot be read from the zip: {problem}"


def read_bundle_file(zip_bytes: bytes, name: str) -> bytes:
    """One file of a bundle zip (e.g. ``schema.json``); KeyError when it has none."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        return archive.read(name)


def verify_bundle(zip_bytes: bytes) -> list[str]:
    """Problems with a bundle zip; empty when every file matches manifest.json.

    Checks that the zip reads, every listed file is there with its size and sha256, no
    file is unlisted, names stay inside the bundle and the required files are present.
    Nothing is unpickled.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(zip_bytes)))
    except (zipfile.BadZipFile, ValueError, TypeError) as error:
        return [MSG_VERIFY_NOT_ZIP.format(problem=error)]
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        problems = [MSG_VERIFY_UNSAFE.format(name=n) for n in names if not _safe_name(n)]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                problems.append(MSG_VERIFY_DUPLICATE.format(name=name))
            seen.add(name)
        if MANIFEST_FILE not in seen:
            return [*problems, MSG_VERIFY_NO_MANIFEST]
        try:
            manifest = json.loads(archive.read(MANIFEST_FILE))
            listed = manifest["files"]
            if not isinstance(listed, dict):
                raise TypeError("'files' must be an object")
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            return [*problems, MSG_VERIFY_MANIFEST.format(problem=error)]
        by_name = {i.filename: i for i in infos}
        for name, entry in sorted(listed.items()):
            problems += _verify_entry(archive, by_name.get(name), name, entry)
        problems += [
            MSG_VERIFY_UNLISTED.format(name=n)
            for n in sorted(seen)
            if n != MANIFEST_FILE and n not in listed
        ]
        problems += [MSG_VERIFY_REQUIRED.format(name=n) for n in REQUIRED_FILES if n not in listed]
    return problems


def _verify_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo | None, name: str, entry: Any
) -> list[str]:
    if info is None:
        return [MSG_VERIFY_MISSING.format(name=name)]
    if not isinstance(entry, dict):
        return [MSG_VERIFY_MANIFEST.format(problem=f"{name}: expected {{sha256, size}}")]
    size = entry.get("size")
    if isinstance(size, int) and info.file_size != size:
        return [MSG_VERIFY_SIZE.format(name=name, actual=info.file_size, expected=size)]
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return [MSG_VERIFY_UNREADABLE.format(name=name, problem=error)]
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        return [MSG_VERIFY_HASH.format(name=name)]
    return []
