"""ReadOptions are validated once, at the boundary, naming the field."""

from __future__ import annotations

import dataclasses
import json

import pytest

from core.data.ingest import IngestError, detect
from core.data.ingest.messages import (
    MSG_OPTION_DECIMAL,
    MSG_OPTION_DELIMITER,
    MSG_OPTION_FORMAT,
    MSG_OPTION_LIMIT,
    MSG_OPTION_SAME,
)


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (
            {"format": "xml"},
            "format",
            MSG_OPTION_FORMAT.format(choices="csv, json, jsonl, parquet, excel", value="xml"),
        ),
        ({"delimiter": ";;"}, "delimiter", MSG_OPTION_DELIMITER.format(value=";;")),
        ({"decimal": "·"}, "decimal", MSG_OPTION_DECIMAL.format(value="·")),
        ({"delimiter": ",", "decimal": ","}, "decimal", MSG_OPTION_SAME.format(value=",")),
        ({"max_rows": 0}, "max_rows", MSG_OPTION_LIMIT.format(field="max_rows", value=0)),
        ({"max_bytes": -1}, "max_bytes", MSG_OPTION_LIMIT.format(field="max_bytes", value=-1)),
    ],
)
def test_bad_options_name_the_field(read, options: dict, field: str, message: str) -> None:
    with pytest.raises(IngestError) as caught:
        read(b"a,b\n1,2\n", "x.csv", **options)
    assert caught.value.field == field
    assert caught.value.message == message


def test_detected_is_json_serialisable_for_storage() -> None:
    detected = detect(b"a;b\n1,5;2\n", filename="x.csv")
    assert json.loads(json.dumps(dataclasses.asdict(detected)))["delimiter"] == ";"


def test_max_rows_caps_text_and_notes_it(read) -> None:
    frame, info = read(b"a\n1\n2\n3\n", "x.csv", max_rows=2)
    assert frame["a"].tolist() == [1, 2]
    assert "Read only the first 2 rows (max_rows); the source has more" in info.notes
    whole, info = read(b"a\n1\n2\n", "x.csv", max_rows=2)
    assert len(whole) == 2 and info.notes == ()
