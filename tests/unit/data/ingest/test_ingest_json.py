"""JSON arrays of records and JSON lines; nested objects flattened; non-tables refused."""

from __future__ import annotations

import json

import pytest

from core.data.ingest import IngestError
from core.data.ingest.messages import (
    HINT_JSON_RECORDS_UNDER,
    MSG_JSON_INVALID,
    MSG_JSON_NO_RECORDS,
    MSG_JSON_NOT_TABLE,
    MSG_JSONL_INVALID,
    MSG_JSONL_NOT_OBJECT,
    NOTE_FLATTENED,
)


def test_array_of_records(read) -> None:
    data = json.dumps([{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob", "extra": True}])
    frame, info = read(data.encode(), "people.json")
    assert info.format == "json"
    assert list(frame.columns) == ["id", "name", "extra"]
    assert frame["extra"].isna().tolist() == [True, False]


def test_json_lines(read) -> None:
    frame, info = read(b'{"id": 1}\n\n{"id": 2, "v": "x"}\n', "events.jsonl")
    assert info.format == "jsonl"
    assert frame["id"].tolist() == [1, 2]


def test_json_lines_in_a_json_file(read) -> None:
    frame, info = read(b'{"id": 1}\n{"id": 2}\n', "events.json")
    assert info.format == "jsonl"
    assert len(frame) == 2


def test_nested_objects_are_flattened_with_a_note(read) -> None:
    data = [{"id": 1, "address": {"city": "Rome", "geo": {"lat": 41.9}}}, {"id": 2}]
    frame, info = read(json.dumps(data).encode(), "nested.json")
    assert list(frame.columns) == ["id", "address.city", "address.geo.lat"]
    assert frame.loc[0, "address.geo.lat"] == 41.9
    assert NOTE_FLATTENED.format(examples="'address.city', 'address.geo.lat'") in info.notes


def test_lists_inside_records_become_json_text(read) -> None:
    frame, info = read(b'[{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": []}]', "x.json")
    assert frame["tags"].tolist() == ['["a", "b"]', "[]"]
    assert "Column 'tags' held lists or objects: stored as JSON text" in info.notes


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b'{"a": [1, 2], "b": [3, 4]}', "an object of arrays"),
        (b"42", "a number"),
        (b'"hello"', "a string"),
        (b'{"name": "config"}', "a single object"),
        (b"[1, 2, 3]", "an array of numbers"),
    ],
)
def test_json_that_is_not_a_table(read, data: bytes, what: str) -> None:
    with pytest.raises(IngestError) as caught:
        read(data, "x.json")
    assert caught.value.message == MSG_JSON_NOT_TABLE.format(name="x.json", what=what)


def test_records_under_a_key_get_a_pointed_hint(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b'{"meta": {}, "results": [{"a": 1}]}', "api.json")
    assert caught.value.hint == HINT_JSON_RECORDS_UNDER.format(key="results")


def test_invalid_json_names_line_and_column(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b'[\n  {"a": 1},\n  {"a": 2,}\n]', "x.json")
    assert caught.value.message == MSG_JSON_INVALID.format(
        name="x.json", reason="Expecting property name enclosed in double quotes", line=3, column=11
    )
    assert caught.value.line == 3


def test_invalid_json_line(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b'{"a": 1}\n{"a": oops}\n', "x.jsonl")
    assert caught.value.message == MSG_JSONL_INVALID.format(
        name="x.jsonl", line=2, reason="Expecting value"
    )


def test_json_line_that_is_not_an_object(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b'{"a": 1}\n[1, 2]\n', "x.jsonl")
    assert caught.value.message == MSG_JSONL_NOT_OBJECT.format(
        name="x.jsonl", line=2, what="an array of numbers"
    )


def test_empty_array_has_no_rows(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b"[ ]", "x.json")
    assert caught.value.message == MSG_JSON_NO_RECORDS.format(name="x.json")
