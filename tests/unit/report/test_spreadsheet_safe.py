import pandas as pd

from core.report import csv_bytes, markdown_to_html, spreadsheet_safe


def test_formula_cells_are_escaped_but_numbers_are_not() -> None:
    frame = pd.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "+1", "-x", "@SUM(1)", "plain", None],
            "n": [-3, 1, 2, 3, 4, 5],
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["name"].tolist()[:5] == ["'=cmd|' /C calc'!A0", "'+1", "'-x", "'@SUM(1)", "plain"]
    assert pd.isna(safe["name"].iloc[5])
    assert safe["n"].tolist() == [-3, 1, 2, 3, 4, 5]
    assert frame["name"].iloc[0].startswith("=")  # the input is not changed


def test_header_names_are_escaped_and_csv_has_bom() -> None:
    data = csv_bytes(pd.DataFrame({"=evil": ["a"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == "'=evil"


def test_markdown_to_html_escapes_raw_html() -> None:
    page = markdown_to_html(
        "# Title\n\n<script>alert(1)</script>\n\n| a |\n|---|\n| <b>x</b> |", title="<t>"
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<table>" in page and "<title>&lt;t&gt;</title>" in page


def test_categorical_labels_are_escaped_too() -> None:
    import pandas as pd

    from core.report import spreadsheet_safe

    frame = pd.DataFrame({"bin": pd.Categorical(["-1 to 0", "0 to 1"], ordered=True)})
    assert list(spreadsheet_safe(frame)["bin"]) == ["'-1 to 0", "0 to 1"]


def test_numbers_held_as_objects_or_text_are_not_escaped() -> None:
    frame = pd.DataFrame(
        {
            "prediction": pd.Series([-1, 1, -1], dtype=object),  # a -1/1 target's labels
            "text": ["-1", "-0.5", "-x"],
        }
    )
    safe = spreadsheet_safe(frame)
    assert safe["prediction"].tolist() == [-1, 1, -1]
    assert safe["text"].tolist() == ["-1", "-0.5", "'-x"]
