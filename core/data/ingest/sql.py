"""SQL sources as text: connection-URL secrets (redacted in every message) and the one
read-only query rule. Connecting and running the query is ``app.services.sql_source``'s
(no sqlalchemy in core).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from core.data.ingest.messages import (
    HINT_SQL_QUERY,
    MSG_SQL_CHAINED,
    MSG_SQL_EMPTY_QUERY,
    MSG_SQL_NOT_SELECT,
    MSG_SQL_UNTERMINATED,
    MSG_SQL_WRITE,
    SQL_READ_KEYWORDS,
    SQL_WRITE_KEYWORDS,
    URL_SECRET_KEYS,
    IngestError,
)

# -- SQL -------------------------------------------------------------------------------


# user:password@host…: the password runs to the LAST "@" (an unescaped "@" is a common slip)
_USERINFO = re.compile(r"^(?P<user>[^:/@]*):(?P<password>.*)@(?P<rest>[^@/?#]*(?:[/?#].*)?)$", re.S)


def redact_url(url: str) -> str:
    """The URL with its password (and password-like query values) replaced by ``***``.

    Works on the raw text, so even a URL SQLAlchemy cannot parse (an unescaped ``@``, ``/``
    or ``?`` in the password) is safe to show: ``postgresql://ann:***@db/sales``.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***" if "@" in url or "=" in url else url
    if match := _USERINFO.match(rest):
        rest = f"{match['user']}:***@{match['rest']}"
    location, question, query = rest.partition("?")
    if question:
        query = "&".join(_redact_pair(pair) for pair in query.split("&"))
    return f"{scheme}://{location}{question}{query}"


def _redact_pair(pair: str) -> str:
    key, equals, _ = pair.partition("=")
    return f"{key}=***" if equals and key.lower() in URL_SECRET_KEYS else pair


def url_secrets(url: str) -> list[str]:
    """Password-like substrings of ``url``, to scrub from driver messages."""
    secrets = []
    rest = url.partition("://")[2]
    if match := _USERINFO.match(rest):
        secrets.append(match["password"])
        rest = match["rest"]
    for pair in rest.partition("?")[2].split("&"):
        key, _, value = pair.partition("=")
        if key.lower() in URL_SECRET_KEYS:
            secrets.append(value)
    return [s for v in secrets if v for s in {v, unquote(v)}]


def scrub_secrets(message: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message.strip().splitlines()[0] if message.strip() else message


def check_read_only_query(query: str) -> str:
    """The single read-only statement to run, comments removed; IngestError otherwise."""
    kept, masked = _split_sql(query)
    statements = [s for s in masked.split(";") if s.strip()]
    if not statements:
        raise IngestError(MSG_SQL_EMPTY_QUERY, field="query", hint=HINT_SQL_QUERY)
    if len(statements) > 1:
        raise IngestError(
            MSG_SQL_CHAINED.format(count=len(statements)), field="query", hint=HINT_SQL_QUERY
        )
    words = [w.upper() for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", masked)]
    if not words or words[0] not in SQL_READ_KEYWORDS:
        keyword = words[0] if words else masked.strip()[:10]
        raise IngestError(
            MSG_SQL_NOT_SELECT.format(keyword=keyword), field="query", hint=HINT_SQL_QUERY
        )
    if forbidden := next((w for w in words if w in SQL_WRITE_KEYWORDS), None):
        raise IngestError(
            MSG_SQL_WRITE.format(keyword=forbidden), field="query", hint=HINT_SQL_QUERY
        )
    return kept.strip().rstrip(";").strip()


def _split_sql(query: str) -> tuple[str, str]:
    """(query without comments, the same with string literals and quoted names blanked)."""
    kept, masked, i, n = [], [], 0, len(query)
    while i < n:
        if query.startswith("--", i):
            i = n if (end := query.find("\n", i)) < 0 else end
            kept.append(" ")
            masked.append(" ")
        elif query.startswith("/*", i):
            if (end := query.find("*/", i + 2)) < 0:
                raise IngestError(MSG_SQL_UNTERMINATED.format(what="comment"), field="query")
            i = end + 2
            kept.append(" ")
            masked.append(" ")
        elif (quoted := _quoted_end(query, i)) is not None:
            kept.append(query[i:quoted])
            masked.append(" ")
            i = quoted
        else:
            kept.append(query[i])
            masked.append(query[i])
            i += 1
    return "".join(kept), "".join(masked)


def _quoted_end(query: str, start: int) -> int | None:
    """End of a '…', "…", `…` or $tag$…$tag$ token starting at ``start``; None if none starts."""
    char = query[start]
    if char in "'\"`":
        i = start + 1
        while (i := query.find(char, i)) >= 0:
            if query.startswith(char * 2, i):
                i += 2
                continue
            return i + 1
        what = "string" if char == "'" else "quoted name"
        raise IngestError(MSG_SQL_UNTERMINATED.format(what=what), field="query")
    if char == "$" and (match := re.match(r"\$([A-Za-z_]\w*)?\$", query[start:])):
        tag = match.group(0)
        end = query.find(tag, start + len(tag))
        if end < 0:
            raise IngestError(
                MSG_SQL_UNTERMINATED.format(what="dollar-quoted string"), field="query"
            )
        return end + len(tag)
    return None
