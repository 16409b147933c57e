"""Data page, import tab: upload with detected (and overridable) read options, or a SQL query."""

from __future__ import annotations

import dataclasses

import streamlit as st

from app.context import Workbench
from app.jobs import list_jobs
from app.jobs.runner import run_in_thread
from app.jobs.worker import ensure_worker
from app.services import datasets
from app.services.data_config import RoleRequest
from app.ui import state
from app.ui.data.common import select_version_next
from app.ui.feedback import attempt, show_error
from app.ui.jobs import job_panel
from app.ui.labels import Labels
from core.data import ingest
from core.exceptions import CoreError
from core.report import escape_markdown

UPLOAD_TYPES = ["csv", "tsv", "txt", "json", "jsonl", "ndjson", "parquet", "xlsx"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]
DELIMITERS = ingest.DELIMITER_LABELS
DECIMALS = ingest.DECIMAL_LABELS
LABELS = ingest.OPTION_LABELS  # the names every ingest message uses for these controls
PREVIEW_ROWS = 50
_JOB_KEY = "wb.data.import_job"  # per project (state.project_key): a job never shows elsewhere
_SEEN_KEY = "wb.data.import_job.seen"


def option_key(file_id: str, name: str) -> str:
    """Widget key of one read option for one upload: a new file starts from its own detection."""
    return f"wb.data.upload.{file_id}.{name}"


def upload_section(wb: Workbench, project_id: int, *, read_only: bool = False) -> None:
    upload = st.file_uploader(
        "Drop a file here",
        type=UPLOAD_TYPES,
        key="wb.data.upload",
        disabled=read_only,
        help=f"CSV/TSV/other delimited text, JSON records or lines, Parquet, Excel .xlsx — up to {wb.settings.max_upload_mb:,} MB.",
    )
    if upload is None:
        return
    content = upload.getvalue()
    detected = attempt(lambda: ingest.detect(content, filename=upload.name))
    if detected is None:
        return
    options = _options_form(detected, upload.file_id)
    st.markdown("**Preview** (first rows, with the options above)")
    preview_options = dataclasses.replace(options, max_rows=PREVIEW_ROWS)
    try:
        preview, info = ingest.read_table(content, filename=upload.name, options=preview_options)
    except CoreError as error:
        show_error(error)
        st.caption("Change the options above, or fix the file and upload it again.")
        return
    st.dataframe(preview, hide_index=True, height=240)
    for note in info.notes:
        st.caption(f":material/info: {escape_markdown(note)}")
    for warning in info.warnings:
        st.warning(escape_markdown(warning), icon=":material/warning:")
    confirmed = not info.warnings or st.checkbox(
        "Import it as one column anyway", key=option_key(upload.file_id, "confirm")
    )
    target = st.selectbox(
        "Target column (optional, can be set later)",
        [None, *preview.columns],
        format_func=Labels.of({None: "— choose later —"}),
        key=option_key(upload.file_id, "target"),
    )
    if st.button(
        "Import as a new version",
        type="primary",
        key="wb.data.import",
        icon=":material/upload:",
        disabled=read_only or not confirmed,
    ):
        roles = RoleRequest(target=target) if target else None
        job_id = datasets.submit_file_import(
            wb, project_id, content, filename=upload.name, options=options, roles=roles
        )
        if wb.settings.autostart_worker:
            ensure_worker(wb)
        st.session_state[state.project_key(_JOB_KEY, project_id)] = job_id
        st.rerun()  # the progress panel sits above the uploader


def _options_form(detected: ingest.Detected, file_id: str) -> ingest.ReadOptions:
    """Detected options, each overridable; the user sees what was guessed.

    The widgets are keyed by the upload (``file_id``): with fixed keys a second file kept the
    first file's encoding, delimiter and decimal while the "Detected" line showed its own.
    """
    st.caption(
        f"Detected: **{detected.format}**"
        + (
            f", encoding **{detected.encoding}**{' with BOM' if detected.has_bom else ''}"
            if detected.encoding
            else ""
        )
        + (
            f", delimiter **{DELIMITERS.get(detected.delimiter, detected.delimiter)}**"
            if detected.delimiter
            else ""
        )
        + (f", decimal **{detected.decimal}**" if detected.decimal else "")
        + (
            ""
            if detected.header is None
            else f", header row **{'yes' if detected.header else 'no'}**"
        )
    )
    if detected.format == "excel":
        sheets = list(detected.sheet_names) or [0]
        sheet = st.selectbox(LABELS["sheet"], sheets, key=option_key(file_id, "sheet"))
        return ingest.ReadOptions(format="excel", sheet=sheet)
    if detected.format not in ("csv",):
        return ingest.ReadOptions(format=detected.format)
    cols = st.columns(4)
    encodings = _with(ENCODINGS, detected.encoding)
    encoding = cols[0].selectbox(
        LABELS["encoding"], encodings, index=_index(encodings, detected.encoding),
        key=option_key(file_id, "encoding"),
    )  # fmt: skip
    delimiters = list(DELIMITERS)
    delimiter = cols[1].selectbox(
        LABELS["delimiter"], delimiters, index=_index(delimiters, detected.delimiter),
        format_func=Labels.of(DELIMITERS), key=option_key(file_id, "delimiter"),
    )  # fmt: skip
    decimals = list(DECIMALS)
    decimal = cols[2].selectbox(
        LABELS["decimal"], decimals, index=_index(decimals, detected.decimal),
        format_func=Labels.of(DECIMALS), key=option_key(file_id, "decimal"),
    )  # fmt: skip
    header = cols[3].checkbox(
        LABELS["header"], value=detected.header is not False, key=option_key(file_id, "header")
    )
    return ingest.ReadOptions(
        format="csv", encoding=encoding, delimiter=delimiter, decimal=decimal, header=header
    )


def _index(options: list[str], value: str | None) -> int:
    return options.index(value) if value in options else 0


def _with(options: list[str], value: str | None) -> list[str]:
    """The choices plus the detected value, so a detection outside the list is never replaced."""
    return options if value is None or value in options else [value, *options]


def sql_section(wb: Workbench, project_id: int, *, read_only: bool = False) -> None:
    st.caption(
        "The connection URL is a secret: it is used for this query only and never stored "
        "(the version records it with the password hidden). Queries must be a single SELECT."
    )
    with st.form("wb.data.sql"):
        url = st.text_input(
            "SQLAlchemy URL", type="password", placeholder="sqlite:////path/to/file.db or postgresql+psycopg://user:…@host/db",
            key="wb.data.sql.url",
        )  # fmt: skip
        query = st.text_area(
            "Read-only query", placeholder="SELECT * FROM customers", key="wb.data.sql.query"
        )
        submitted = st.form_submit_button(
            "Run query and import", icon=":material/database:", disabled=read_only
        )
    if submitted:
        if not url.strip() or not query.strip():
            st.error("Fill in both SQLAlchemy URL and Read-only query.", icon=":material/error:")
            return
        job_id = datasets.submit_sql_import(wb, project_id, url=url.strip())
        run_in_thread(
            wb,
            job_id,
            lambda ctx: datasets.import_sql(ctx, url=url.strip(), query=query, roles=None),
        )
        st.session_state[state.project_key(_JOB_KEY, project_id)] = job_id


def import_progress(wb: Workbench, project_id: int) -> None:
    """The current (or most recent) import of this project, live."""
    job_id = st.session_state.get(state.project_key(_JOB_KEY, project_id))
    if job_id is None:
        recent = [
            j
            for j in list_jobs(wb, project_id=project_id, limit=5)
            if j.kind.startswith("data.import")
        ]
        if not recent or not recent[0].is_active:
            return
        job_id = recent[0].id
    info = job_panel(wb, job_id)
    for warning in (info.result or {}).get("warnings", []):
        st.warning(escape_markdown(warning), icon=":material/warning:")
    seen_key = state.project_key(_SEEN_KEY, project_id)
    if info.status == "succeeded" and info.result and st.session_state.get(seen_key) != job_id:
        # switch to the new version once, then let the user choose
        st.session_state[seen_key] = job_id
        select_version_next(info.result.get("version_id"))
        st.rerun()
