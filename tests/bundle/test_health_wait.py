"""The bundle tests' health-check wait fails when the service never answers."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from tests.bundle.test_bundle_venv import _free_port
from tests.helpers.service import wait_until_healthy


def test_waiting_for_a_port_where_nothing_listens_fails_after_its_timeout() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    with pytest.raises(AssertionError, match=r"did not answer 200 within 1\.0 s"):
        wait_until_healthy(url, timeout=1.0)
    assert time.monotonic() - start >= 1.0  # it did wait, and then gave up


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("status", "answers"), [(200, True), (503, False)])
def test_waiting_returns_only_once_health_answers_200(status: int, answers: bool) -> None:
    handler = type("Handler", (_Health,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        if answers:
            wait_until_healthy(url, timeout=5.0)
        else:
            with pytest.raises(AssertionError, match="status 503"):
                wait_until_healthy(url, timeout=1.0)
    finally:
        server.shutdown()
        server.server_close()
