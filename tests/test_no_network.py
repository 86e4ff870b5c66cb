"""A machine without a network: a server name that cannot be looked up ends the source at once, one reason.

Name look-ups fail through a stand-in for `socket.getaddrinfo` for `.invalid` hosts only (the loopback test
servers of other tests still resolve); nothing here asks a real resolver.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.sources.base import SourceUnavailable
from citecheck.sources.crossref import CrossrefClient
from citecheck.sources.datacite import DataCiteSource
from citecheck.sources.polite import PoliteHttp
from citecheck.sources.retry import RetryPolicy
from tests.test_check_cli import SMALL

NOWHERE = "http://api.citecheck-test.invalid"
PATIENT = RetryPolicy(tries=4, backoff=5.0, total=60, cooldown=60)
"""Retries that would take seconds each: a test that waits for them fails on time, not only on counts."""


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """`.invalid` names fail to resolve as they do offline; the names asked are recorded."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kw: Any) -> Any:
        name = host.decode("ascii") if isinstance(host, bytes) else str(host)
        if name.endswith(".invalid"):
            asked.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked


def test_an_unknown_host_is_not_retried_and_the_source_then_fails_fast(no_dns: list[str]) -> None:
    http = PoliteHttp("datacite", NOWHERE, retry=PATIENT, timeout=2)
    src = DataCiteSource(http)
    with pytest.raises(SourceUnavailable) as first:
        src.get("10.5061/x")
    assert first.value.reason == "unreachable: host not found (Name or service not known)"
    assert http.requests_made == 1 and len(no_dns) == 1
    with pytest.raises(SourceUnavailable) as second:
        src.search("Lind B. Clock drift in captive crabs. 2016")
    assert second.value.reason == first.value.reason  # the same words: the run reports one reason
    assert http.requests_made == 1 and len(no_dns) == 1


def test_crossref_too(no_dns: list[str], tmp_path: Path) -> None:
    c = CrossrefClient("t@example.org", base_url=NOWHERE, retry=PATIENT, timeout=2)
    with pytest.raises(SourceUnavailable, match=r"^unreachable: host not found \(Name or service not known\)$"):
        c.search("Lind B. Clock drift in captive crabs. J Mar Biol. 2016;13(1):5-9.")
    with pytest.raises(SourceUnavailable, match=r"^unreachable: host not found"):
        c.search("another reference")
    assert c.requests_made == 1 and len(no_dns) == 1


def test_a_refused_connection_is_still_retried(no_dns: list[str]) -> None:
    """Only a name that cannot be looked up is final; a server that refuses may be restarting."""
    http = PoliteHttp("datacite", "http://127.0.0.1:9", retry=RetryPolicy(tries=2, backoff=0.01, total=2,
                                                                            cooldown=30), timeout=1)
    with pytest.raises(SourceUnavailable, match=r"connection error .* after 2 tries"):
        DataCiteSource(http).get("10.5061/x")
    assert http.requests_made == 2 and not no_dns


def test_check_offline_by_accident_says_so_in_one_line(no_dns: list[str], tmp_path: Path) -> None:
    doc = tmp_path / "note.md"
    doc.write_text(SMALL, encoding="utf-8")
    env = {"CITECHECK_CROSSREF_URL": NOWHERE, "CITECHECK_DATACITE_URL": NOWHERE, "CITECHECK_RETRIES": "4",
           "CITECHECK_SOURCES": "crossref,datacite", "CITECHECK_MAILTO": "t@example.org"}
    result = CliRunner().invoke(app, ["check", str(doc), "--cache-dir", str(tmp_path / "c"), "--no-support",
                                      "-o", str(tmp_path / "r.json")], env=env)
    assert result.exit_code == 4
    last = result.stderr.strip().splitlines()[-1]
    assert last == ("2 of 2 references could not be checked: crossref, datacite: unreachable: host not found "
                    "(Name or service not known) (no network? `--offline` checks against the cache and local "
                    "indexes only)").join(("citecheck: ", ""))
    # no retries: at most one look-up per source and reference (references asked side by side may both
    # try before the first failure is known), where four tries each would make sixteen
    assert 2 <= len(no_dns) <= 4
