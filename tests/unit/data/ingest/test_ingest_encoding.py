"""UTF-8 with and without BOM, cp1252, Latin-1 and UTF-16 text read correctly."""

from __future__ import annotations

import pytest

from core.data.ingest import IngestError, detect
from core.data.ingest.messages import MSG_ENCODING, MSG_OPTION_ENCODING, NOTE_ENCODING_FALLBACK

TEXT = "name;city;price\nRené;Zürich;3,5\nÉlodie;Köln;€ 4\n"


def test_utf8_bom_does_not_reach_the_first_column_name(read) -> None:
    data = b"\xef\xbb\xbf" + TEXT.encode("utf-8")
    frame, info = read(data, "people.csv")
    assert list(frame.columns) == ["name", "city", "price"]
    assert info.detected.encoding == "utf-8-sig"
    assert info.detected.has_bom is True
    assert frame.loc[0, "name"] == "René"


def test_bom_is_dropped_even_when_utf8_is_forced(read) -> None:
    frame, _ = read(b"\xef\xbb\xbfid,v\n1,2\n", "x.csv", encoding="utf-8")
    assert list(frame.columns) == ["id", "v"]


def test_utf8_without_bom(read) -> None:
    frame, info = read(TEXT.encode("utf-8"), "people.csv")
    assert info.detected.encoding == "utf-8"
    assert info.detected.has_bom is False
    assert frame["city"].tolist() == ["Zürich", "Köln"]


def test_cp1252_text_with_accents_and_euro_sign(read) -> None:
    frame, info = read(TEXT.encode("cp1252"), "people.csv")
    assert info.detected.encoding == "cp1252"
    assert frame["name"].tolist() == ["René", "Élodie"]
    assert frame.loc[1, "price"] == "€ 4"


def test_latin1_when_bytes_are_undefined_in_cp1252(read) -> None:
    data = "name,code\nRené,x\x81y\n".encode("latin-1")
    frame, info = read(data, "legacy.csv")
    assert info.detected.encoding == "latin-1"
    assert frame.loc[0, "name"] == "René"


def test_utf16_with_bom_as_excel_unicode_text_exports_it(read) -> None:
    data = "name\tcity\nRené\tZürich\n".encode("utf-16")
    frame, info = read(data, "export.txt")
    assert info.detected.encoding == "utf-16"
    assert info.detected.delimiter == "\t"
    assert frame.to_dict("records") == [{"name": "René", "city": "Zürich"}]


def test_non_utf8_bytes_after_the_sample_fall_back_with_a_note(read) -> None:
    data = b"a,b\n" + b"plain,1\n" * 20_000 + "café,2\n".encode("cp1252")
    frame, info = read(data, "late.csv")
    assert info.detected.encoding == "utf-8"  # the sample is pure ASCII
    assert frame["a"].iloc[-1] == "café"
    assert NOTE_ENCODING_FALLBACK.format(encoding="utf-8", fallback="cp1252") in info.notes


def test_a_forced_wrong_encoding_names_the_byte(read) -> None:
    with pytest.raises(IngestError) as caught:
        read("a,b\ncafé,1\n".encode("cp1252"), "x.csv", encoding="utf-8")
    assert caught.value.message == MSG_ENCODING.format(name="x.csv", encoding="utf-8", byte="0xe9")
    assert caught.value.field == "encoding"


def test_an_unknown_encoding_name_is_refused(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b"a\n1\n", "x.csv", encoding="klingon")
    assert caught.value.message == MSG_OPTION_ENCODING.format(value="klingon")


def test_detect_reports_the_encoding() -> None:
    assert detect("a\né\n".encode("cp1252"), filename="x.csv").encoding == "cp1252"
