"""One run of the whole CLI flow per dataset, shared by every invariant test of that dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.trust.datasets import CASES
from tests.trust.flow import Flow, run_flow

_flows: dict[str, Flow] = {}


@pytest.fixture(scope="session")
def trust_flow(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Flow]:
    """``trust_flow(name)``: the flow on dataset ``name``, run on first use and then kept."""
    root: Path = tmp_path_factory.mktemp("trust")

    def get(name: str) -> Flow:
        if name not in _flows:
            _flows[name] = run_flow(CASES[name], root / name)
        return _flows[name]

    return get
