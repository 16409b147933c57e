"""Where team mode's sign-in settings live: Streamlit's ``[auth]`` table in a secrets.toml.

Why checked before the server starts: without a complete ``[auth]`` table ``st.login()``
fails only when the first person clicks "Sign in", with a Streamlit error page; a server
that cannot sign anyone in must not start at all. The file holds the cookie secret and the
client secret, so it is read here only to check that the keys are present, never logged.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.errors import UserError

#: What ``st.login()`` needs for the default provider (Streamlit's own check, made early).
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
#: The path Streamlit serves the provider's answer on; the provider must know this address.
CALLBACK_PATH = "/oauth2callback"
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
_HINT = "README: Team mode"


def usual_secrets_files(app_folder: Path) -> list[Path]:
    """Streamlit's own search order for secrets.toml (a later file wins), for a server
    started in ``app_folder``: the user's ``~/.streamlit``, then the app's ``.streamlit``."""
    return [Path.home() / ".streamlit" / "secrets.toml", app_folder / ".streamlit" / "secrets.toml"]


def find_auth_secrets(explicit: Path | None, usual: Sequence[Path]) -> Path:
    """The secrets file whose complete ``[auth]`` table the server will use.

    ``explicit`` (``--secrets FILE``) must exist and be complete; otherwise the last of
    ``usual`` that has an ``[auth]`` table is used, as Streamlit would. Raises
    :class:`UserError` naming the file and the missing keys, or every place looked in.
    """
    if explicit is not None:
        if not explicit.is_file():
            raise UserError(
                f"--secrets names {explicit}, which is not a file; it should hold an [auth] "
                f"section with {', '.join(AUTH_KEYS)} ({_HINT})."
            )
        check_auth_table(explicit, _auth_table(explicit))
        return explicit
    found = [(path, table) for path in usual if (table := _auth_table(path)) is not None]
    if not found:
        raise UserError(
            f"Team mode needs an [auth] section ({', '.join(AUTH_KEYS)}) in a secrets.toml: "
            f"none in {' or '.join(str(p) for p in usual)}; pass --secrets FILE ({_HINT})."
        )
    path, table = found[-1]
    check_auth_table(path, table)
    return path


def check_auth_table(path: Path, table: dict[str, Any] | None) -> None:
    """Refuse an ``[auth]`` table ``st.login()`` could not use (one line, naming the keys)."""
    if table is None:
        raise UserError(
            f"{path} has no [auth] section; add one with {', '.join(AUTH_KEYS)} ({_HINT})."
        )
    # Streamlit reads the provider's keys from [auth.default] when it exists, else from [auth].
    provider = table.get("default") if isinstance(table.get("default"), dict) else table
    present = {key for key in AUTH_KEYS[:2] if _filled(table.get(key))} | {
        key for key in _PROVIDER_KEYS if _filled(provider.get(key))
    }
    missing = [key for key in AUTH_KEYS if key not in present]
    if missing:
        raise UserError(
            f"The [auth] section of {path} lacks {', '.join(missing)} "
            f"(it needs {', '.join(AUTH_KEYS)}; {_HINT})."
        )
    redirect = str(table["redirect_uri"])
    if not redirect.endswith(CALLBACK_PATH):
        raise UserError(
            f"redirect_uri in {path} is {redirect!r}; it must be the app's address followed by "
            f"{CALLBACK_PATH} (e.g. http://localhost:8501{CALLBACK_PATH}), and the same "
            f"address must be registered with the identity provider ({_HINT})."
        )


def _auth_table(path: Path) -> dict[str, Any] | None:
    """The file's ``[auth]`` table; ``None`` when the file or the table is missing."""
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"The secrets file {path} cannot be read: {error} ({_HINT}).") from error
    table = values.get("auth")
    return table if isinstance(table, dict) else None


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
