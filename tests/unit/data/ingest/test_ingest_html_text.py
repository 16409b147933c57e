"""HTML and script in names and values are plain text in core; the UI escapes them."""

from __future__ import annotations

import json

SCRIPT = "<script>alert('x')</script>"


def test_html_in_csv_names_and_values_is_kept_verbatim(read) -> None:
    data = f'{SCRIPT},<b>bold</b>\n"<img src=x onerror=alert(1)>",&amp;\n'.encode()
    frame, _ = read(data, "x.csv")
    assert list(frame.columns) == [SCRIPT, "<b>bold</b>"]
    assert frame.iloc[0].tolist() == ["<img src=x onerror=alert(1)>", "&amp;"]


def test_html_in_json_values_is_kept_verbatim(read) -> None:
    data = json.dumps([{SCRIPT: SCRIPT, "n": 1}]).encode()
    frame, _ = read(data, "x.json")
    assert frame.loc[0, SCRIPT] == SCRIPT
