"""A local OpenID Connect provider for tests (``oidc-provider-mock``), and Streamlit's ``[auth]``.

Why a real provider and not a patched ``st.user``: team mode's sign-in is Streamlit's own
OIDC flow (``st.login()`` → the provider's authorize page → ``/oauth2callback`` → a signed
cookie). Only a provider that speaks the protocol proves that a server started by
``workbench ui --team`` signs people in, on a machine with no internet.

The mock accepts any client id and secret (no registration needed) and any redirect URI;
its authorize page asks for a subject (``sub``); ``PUT /users/<sub>`` sets that person's
claims (``email``, ``name``) beforehand. It listens on 127.0.0.1 at a free port, in a thread
of the test process, and stops when the context ends.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Any value works: the mock does not require client registration.
CLIENT_ID = "lifecycle-workbench-tests"
CLIENT_SECRET = "not-a-secret"


@dataclass(frozen=True)
class MockProvider:
    """A running provider: its issuer URL and the people it knows."""

    issuer: str

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def add_user(self, sub: str, *, email: str, name: str) -> None:
        """Give ``sub`` the claims the workbench reads (the e-mail is the identity)."""
        body = json.dumps({"email": email, "email_verified": True, "name": name}).encode()
        request = urllib.request.Request(
            f"{self.issuer}/users/{sub}",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status

    def auth_secrets(self, app_url: str) -> str:
        """Streamlit's ``[auth]`` table (secrets.toml) for an app served at ``app_url``."""
        return auth_secrets_toml(
            redirect_uri=f"{app_url.rstrip('/')}/oauth2callback",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            server_metadata_url=self.metadata_url,
        )


def auth_secrets_toml(
    *, redirect_uri: str, client_id: str, client_secret: str, server_metadata_url: str
) -> str:
    """An ``[auth]`` table with a fresh cookie secret (each test server signs its own cookies)."""
    values = {
        "redirect_uri": redirect_uri,
        "cookie_secret": secrets.token_hex(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": server_metadata_url,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "[auth]\n" + "\n".join(lines) + "\n"


def write_auth_secrets(path: Path, provider: MockProvider, app_url: str) -> Path:
    """Write the secrets file outside the repository (it holds a cookie secret), 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(provider.auth_secrets(app_url), encoding="utf-8")
    path.chmod(0o600)
    return path


@contextmanager
def running_provider() -> Iterator[MockProvider]:
    """Serve the mock provider on 127.0.0.1 (a free port) until the context ends."""
    import werkzeug.serving
    from oidc_provider_mock import app as provider_app

    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    # Plain http is fine on the loopback: Authlib (both sides) accepts it there (RFC 8252),
    # so nothing here sets AUTHLIB_INSECURE_TRANSPORT and the app sees what a real server sees.
    thread.start()
    try:
        yield MockProvider(issuer=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
