"""Data page, import tab: each upload gets its own detected options; a one-column misread asks first.

Before: the option boxes had fixed keys, so a second upload kept the first file's cp1252 / ';' /
decimal comma and imported a comma file as "344 rows × 1 column" with a green message.
"""

from __future__ import annotations

from app.context import open_workbench
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import datasets
from app.services.projects import create_project
from core.data import ingest
from tests.helpers.markdown import as_shown

DATA_PAGE = "../pages/data.py"
GERMAN = ("Größe;Preis;Stadt\n" + "".join(f"{i},5;{i}0,25;Köln\n" for i in range(40))).encode(
    "cp1252"
)
PENGUINS = ("species,island,bill_length_mm\n" + "Adelie,Torgersen,39.1\n" * 344).encode()


def _upload(at, name: str, content: bytes):  # type: ignore[no-untyped-def]
    at.file_uploader(key="wb.data.upload").set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _option(at, label: str):  # type: ignore[no-untyped-def]
    return next(s for s in at.selectbox if s.label == label)


def _preview_columns(at) -> list[str]:  # type: ignore[no-untyped-def]
    return list(at.dataframe[0].value.columns)


def test_second_upload_gets_its_own_detected_options(open_page) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Upload twice")
    at = _upload(open_page(project.id, DATA_PAGE), "preise.csv", GERMAN)
    assert _option(at, "Encoding").value == "cp1252"
    assert _option(at, "Delimiter").value == ";"
    assert _option(at, "Decimal").value == ","
    assert _preview_columns(at) == ["Größe", "Preis", "Stadt"]
    at = _upload(at, "penguins.csv", PENGUINS)
    assert any("Detected: **csv**, encoding **utf-8**" in c.value for c in at.caption)
    assert _option(at, "Encoding").value == "utf-8"
    assert _option(at, "Delimiter").value == ","
    assert _option(at, "Decimal").value == "."
    assert _preview_columns(at) == ["species", "island", "bill_length_mm"]
    assert not at.warning


def test_one_column_misread_is_warned_and_import_asks_first(open_page) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Misread")
    at = _upload(open_page(project.id, DATA_PAGE), "penguins.csv", PENGUINS)
    _option(at, "Delimiter").select(";").run()
    assert _preview_columns(at) == ["species,island,bill_length_mm"]
    expected = ingest.WARN_SINGLE_COLUMN.format(
        name="penguins.csv", used="Semicolon ;", detected="Comma ,", columns=3
    )
    assert [as_shown(w.value) for w in at.warning] == [expected]
    button = at.button(key="wb.data.import")
    assert button.disabled
    next(c for c in at.checkbox if c.label.startswith("Import it as one column")).check().run()
    assert not at.button(key="wb.data.import").disabled


def test_option_labels_are_the_ones_messages_name(open_page) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Labels")
    at = _upload(open_page(project.id, DATA_PAGE), "penguins.csv", PENGUINS)
    labels = {s.label for s in at.selectbox} | {c.label for c in at.checkbox}
    for field in ("encoding", "delimiter", "decimal", "header"):
        assert ingest.OPTION_LABELS[field] in labels


def test_import_job_message_stays_with_its_project(open_page) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    first = create_project(wb, "First")
    second = create_project(wb, "Second")
    at = _upload(open_page(first.id, DATA_PAGE), "penguins.csv", PENGUINS)
    at.button(key="wb.data.import").click().run()
    job = list_jobs(wb, project_id=first.id)[0]
    run_in_foreground(wb, job.id)
    at.run()
    assert any("Imported version 1" in s.value for s in at.success)
    at.session_state["wb.project_id"] = second.id
    at.run()
    assert not at.exception, at.exception
    assert not any("Imported version" in s.value for s in at.success)
    assert datasets.list_versions(wb, second.id) == []
    assert [v.columns for v in datasets.list_versions(wb, first.id)] == [3]


def test_text_named_xlsx_is_refused_on_the_page(open_page) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Fake Excel")
    at = _upload(open_page(project.id, DATA_PAGE), "report.xlsx", PENGUINS)
    assert any(
        "report.xlsx is not an Excel workbook (its content looks like CSV text)"
        in as_shown(e.value)
        for e in at.error
    )
    assert not at.dataframe  # no preview, nothing to import


def test_detected_utf16_is_offered_not_replaced(open_page) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Unicode text")
    content = "a\tb\n1\t2\n".encode("utf-16")
    at = _upload(open_page(project.id, DATA_PAGE), "unicode.txt", content)
    assert _option(at, "Encoding").value == "utf-16"
    assert _preview_columns(at) == ["a", "b"]
