"""Storing a frozen split (``core.data.split``): JSON-safe data, or a compact deterministic
blob for large data; both are checked on the way back in."""

from __future__ import annotations

import io
import json
import numbers
import struct
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
from pandas.api import types as ptypes

from core.data.split import (
    BYTES_MAGIC,
    MSG_MAPPING,
    MSG_STORED,
    MSG_TASK,
    STORE_FORMAT,
    STORED_FIELDS,
    TASKS,
    Split,
    SplitError,
    split_spec_from_dict,
    split_spec_to_dict,
)


def _meta(split: Split) -> dict[str, Any]:
    return {
        "format": STORE_FORMAT,
        "spec": split_spec_to_dict(split.spec),
        "target": split.target,
        "task": split.task,
        "stratified": split.stratified,
        "notes": list(split.notes),
    }


def split_to_dict(split: Split) -> dict[str, Any]:
    """The split as JSON-safe data, index arrays as lists of ints; fine up to ~100k rows."""
    data = _meta(split)
    for name in ("train_index", "test_index", "excluded_index"):
        data[name] = getattr(split, name).tolist()
    return data


def _stored_ids(data: Mapping[str, Any], name: str) -> np.ndarray:
    values = data.get(name, [])
    if isinstance(values, np.ndarray):
        ok = ptypes.is_integer_dtype(values.dtype)
    else:
        ok = isinstance(values, list | tuple) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values
        )
    if not ok:
        raise SplitError(MSG_STORED.format(problem=f"{name} must be a list of whole numbers"))
    ids = np.asarray(values, dtype=np.int64)
    if len(ids) > 1 and not (np.diff(ids) > 0).all():
        raise SplitError(MSG_STORED.format(problem=f"{name} must be sorted row ids, each once"))
    return ids


def split_from_dict(data: Mapping[str, Any]) -> Split:
    """A stored split, checked: known fields, valid spec, sorted disjoint row ids."""
    if not isinstance(data, Mapping):
        raise SplitError(MSG_MAPPING.format(field="split", value=data))
    unknown = [key for key in data if key not in STORED_FIELDS]
    if unknown or data.get("format") != STORE_FORMAT:
        problem = f"unknown fields {unknown}" if unknown else f"format {data.get('format')!r}"
        raise SplitError(MSG_STORED.format(problem=problem))
    task = data.get("task")
    if task is not None and task not in TASKS:
        raise SplitError(MSG_TASK.format(choices=", ".join(TASKS), value=task), field="task")
    notes = data.get("notes", [])
    if not isinstance(notes, list | tuple) or not all(isinstance(n, str) for n in notes):
        raise SplitError(MSG_STORED.format(problem="notes must be a list of text"))
    sides = {name: _stored_ids(data, name) for name in STORED_FIELDS[-3:]}
    every = np.concatenate(list(sides.values()))
    if len(np.unique(every)) != len(every):
        raise SplitError(MSG_STORED.format(problem="a row id is on more than one side"))
    if not len(sides["test_index"]) or not len(sides["train_index"]):
        raise SplitError(MSG_STORED.format(problem="train and test must both hold rows"))
    return Split(
        spec=split_spec_from_dict(data.get("spec", {})),
        notes=tuple(notes),
        target=data.get("target"),
        task=task,
        stratified=bool(data.get("stratified", False)),
        **sides,
    )


def split_to_bytes(split: Split) -> bytes:
    """A compact, deterministic blob (metadata JSON + ``np.save`` arrays, zlib) for large data.

    The same split always gives the same bytes, so a content-addressed store keeps one copy.
    """
    buffer = io.BytesIO()
    meta = json.dumps(_meta(split), sort_keys=True).encode("utf-8")
    buffer.write(BYTES_MAGIC + struct.pack("<Q", len(meta)) + meta)
    for name in ("train_index", "test_index", "excluded_index"):
        np.save(buffer, getattr(split, name), allow_pickle=False)
    return zlib.compress(buffer.getvalue(), 6)


def split_from_bytes(blob: bytes) -> Split:
    """Read back ``split_to_bytes``; checked like ``split_from_dict``."""
    try:
        buffer = io.BytesIO(zlib.decompress(blob))
        if buffer.read(len(BYTES_MAGIC)) != BYTES_MAGIC:
            raise ValueError("not a stored split")
        (size,) = struct.unpack("<Q", buffer.read(8))
        data = json.loads(buffer.read(size).decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("its metadata is not a mapping")
        for name in ("train_index", "test_index", "excluded_index"):
            data[name] = np.load(buffer, allow_pickle=False)
    except (zlib.error, struct.error, ValueError, EOFError, UnicodeDecodeError) as error:
        raise SplitError(MSG_STORED.format(problem=error)) from None
    return split_from_dict(data)
