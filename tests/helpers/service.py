"""Waiting for a started HTTP service: returns once /health answers 200, raises otherwise."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request


def wait_until_healthy(
    url: str, *, timeout: float = 30.0, process: subprocess.Popen | None = None
) -> None:
    """Poll ``url`` + "/health" until it answers 200; AssertionError when the time runs out
    (the last error or status says why) or when ``process`` exits first."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"the service exited with code {process.returncode} before {url} answered"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
                last = f"status {answer.status}"
        except urllib.error.HTTPError as error:
            last = f"status {error.code}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = f"{type(error).__name__}: {error}"
        time.sleep(0.1)
    raise AssertionError(f"{url}/health did not answer 200 within {timeout} s ({last})")
