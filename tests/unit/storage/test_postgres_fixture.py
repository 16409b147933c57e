"""Without PostgreSQL installed the backend tests skip locally but fail under CI."""

from __future__ import annotations

import pytest

from tests.helpers import postgres


@pytest.fixture
def no_binaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "find_bin_dir", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("WORKBENCH_REQUIRE_POSTGRES", raising=False)


@pytest.mark.usefixtures("no_binaries")
def test_missing_binaries_skip_locally() -> None:
    with pytest.raises(pytest.skip.Exception, match="make postgresql"):
        postgres.start_cluster()


@pytest.mark.usefixtures("no_binaries")
@pytest.mark.parametrize("variable", ["CI", "WORKBENCH_REQUIRE_POSTGRES"])
def test_missing_binaries_fail_when_required(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        postgres.start_cluster()


@pytest.mark.usefixtures("no_binaries")
def test_ci_zero_does_not_require(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "0")
    assert not postgres.postgres_required()
