"""Markdown for users: user text escaped for Markdown, and documents (business case, model
card) rendered to one self-contained HTML page.

Raw HTML in the Markdown is not passed through: user text cannot inject tags or scripts.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

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


_MD_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "[": "\\[",
        "]": "\\]",
        "`": "\\`",
        "!": "\\!",
        "(": "\\(",
        ")": "\\)",
        "*": "\\*",
        "_": "\\_",
        "#": "\\#",
        "~": "\\~",
    }
)


WORD_JOINER = "\u2060"  # zero width, no break
_BARE_ADDRESS = re.compile(r"(?i)\b((?:https?|ftp|file|mailto)(?=:)|www(?=\.))([:.])")


def escape_markdown(text: Any, *, inline: bool = True) -> str:
    """User text safe for Markdown: no HTML (< > &), no table breaks (|), no links or images
    (``[ ] ( ) !``), no emphasis or code (``* _ ~`` and backticks), no headings (``#``).

    The one escaper for user text (names, risks, column names, values, notes) shown through
    anything Streamlit renders as Markdown; text shown with ``st.text``/``st.code``/dataframes
    is not escaped.

    ``inline`` also folds line breaks into spaces, for table cells and one-line fields.
    """
    escaped = str(text).translate(_MD_ESCAPES)
    # Streamlit's Markdown links bare addresses (http://…, www.…) even when escaped; an
    # invisible word joiner after the scheme reads the same but is no longer an address
    escaped = _BARE_ADDRESS.sub(lambda m: m.group(1) + WORD_JOINER + m.group(2), escaped)
    return " ".join(escaped.split()) if inline else escaped


def code_span(text: Any) -> str:
    """User text (a column name, a rule) as a Markdown code span, which renders no links or
    emphasis; escaped text instead when a backtick or line break would end the span early."""
    text = str(text)
    if text and not set(text) & {"`", "\n", "\r"}:
        return f"`{text}`"
    return escape_markdown(text)


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
