"""What a reader sees of a Markdown string the app renders (its escapes undone)."""

from __future__ import annotations

import html
import re


def as_shown(text: str) -> str:
    """``volume\\_per\\_month &lt; 5`` -> ``volume_per_month < 5``: backslash escapes and the
    HTML entities of ``core.report.escape_markdown`` undone, as Streamlit displays them."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))
