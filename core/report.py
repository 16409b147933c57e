"""Markdown documents (business case, model card) rendered to one self-contained HTML page.

Raw HTML in the Markdown is not passed through: user text cannot inject tags or scripts.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from core.export import bundle_runtime

if TYPE_CHECKING:
    import pandas as pd

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1f2328; }
table { border-collapse: collapse; margin: 0.75rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f6f8fa; }
h1 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.3rem; }
code { background: #f6f8fa; padding: 0.1rem 0.3rem; border-radius: 4px; }
"""


def markdown_to_html(markdown: str, *, title: str) -> str:
    """A standalone HTML page for ``markdown`` (tables supported, raw HTML escaped)."""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = renderer.render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>\n{body}</body></html>\n"
    )


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (``=cmd|…`` and friends).

    The bundle's rule (``bundle_runtime.spreadsheet_safe``), so `workbench predict`, the
    downloads and the bundle's predict.py write the same cells: text starting with = + - @ (or
    tab/CR) gets a leading apostrophe, as OWASP advises; numbers, and text that is a plain
    negative number such as ``-1``, are left alone.
    """
    return bundle_runtime().spreadsheet_safe(frame)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for download: UTF-8 with BOM (Excel reads the accents), formula-safe cells."""
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")
