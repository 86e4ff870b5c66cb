"""Shared test set-up: deterministic Hypothesis, an isolated environment, the loopback Crossref fixtures.

Hypothesis runs derandomised with no example database by default (profile ``ci``), so a
fresh clone's `make test` sees the same examples every time and a once-found failure cannot
block an unrelated submission; ``HYPOTHESIS_PROFILE=dev`` explores with random examples and
remembers failures locally.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.crossref_server import crossref_server_fixture, fixture_index_fixture

__all__ = ["crossref_server_fixture", "fixture_index_fixture"]

settings.register_profile("ci", derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _no_outside_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only Crossref (a loopback server in the tests that go online) unless a test names other sources:
    the others' default addresses are the real services, and no test touches the internet."""
    if "CITECHECK_SOURCES" not in os.environ:
        monkeypatch.setenv("CITECHECK_SOURCES", "crossref")
    if "CITECHECK_RATE_LIMIT" not in os.environ:
        # the polite budgets are for the real services; loopback servers answer at once
        # (tests/test_limiter.py checks the budgets themselves)
        monkeypatch.setenv("CITECHECK_RATE_LIMIT", "0")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user configuration, index or cache leaks in; the working directory is `tmp_path`."""
    for var in [v for v in os.environ
                if v.startswith("CITECHECK_") and v not in ("CITECHECK_SOURCES", "CITECHECK_RATE_LIMIT")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path
