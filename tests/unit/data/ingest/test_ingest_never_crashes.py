"""Odd and hostile bytes end in a result or an IngestError, never another exception."""

from __future__ import annotations

import io
import random

import pytest

from core.data.ingest import IngestError

ODD_INPUTS = [
    b"\n", b",", b",,,\n,,,\n", b'"', b'"a', b'a\n"', b"{", b"[", b"[]", b"{}", b"[{}]",
    b"null", b"\xff\xfe", b"\xfe\xff\x00a", b"PK\x03\x04", b"PAR1", b"PAR1PAR1",
    b"a\n\x00\n", b"\xef\xbb\xbf{", b'{"a":1}\n{', b"a\tb\t\n1\t2\t\n", "é".encode("utf-16-le"),
    b"a|b\n|\n", b"=1+1,b\n@x,-y\n", b"a,b\n1,2\n" * 3 + b'"\n',
]  # fmt: skip


def random_inputs(count: int) -> list[bytes]:
    rng = random.Random(7)
    alphabet = b'abc,;\t|"\n\r 0123456789.-{}[]:\xe9\xff'
    return [bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 200))) for _ in range(count)]


@pytest.mark.parametrize("filename", ["x.csv", "x.json", "x.jsonl", "x.xlsx", "x.parquet", "x"])
def test_odd_inputs_never_raise_anything_else(read, filename: str) -> None:
    for data in ODD_INPUTS + random_inputs(150):
        try:
            frame, _ = read(data, filename)
        except IngestError:
            continue
        assert len(frame) < 1000
        frame.to_parquet(io.BytesIO(), index=False)
