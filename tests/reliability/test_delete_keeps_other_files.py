"""Deleting one project never touches another project's files (issue 16, item 1)."""

from __future__ import annotations

from app.services.projects import create_project, delete_project


def test_delete_keeps_a_file_whose_row_is_not_committed_yet(wb) -> None:  # type: ignore[no-untyped-def]
    doomed = create_project(wb, "Doomed")
    create_project(wb, "Other")
    # Another project's import has stored its file and not yet committed the row naming it.
    stored = wb.artifacts.put_bytes(b"the other project's upload")
    delete_project(wb, doomed.id, confirm_name="Doomed")
    assert wb.artifacts.exists(stored.sha256)


def test_delete_keeps_a_temp_file_being_written(wb) -> None:  # type: ignore[no-untyped-def]
    doomed = create_project(wb, "Doomed")
    with wb.artifacts.writer() as handle:
        handle.write(b"first half, ")
        handle.flush()
        delete_project(wb, doomed.id, confirm_name="Doomed")
        handle.write(b"second half")
    assert wb.artifacts.exists(handle.stored.sha256)
