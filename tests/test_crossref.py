"""Crossref client against the loopback server: etiquette, retries, faults, cache, offline, chain."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from citecheck.matching import resolve_one
from citecheck.model import ACCEPTED, Reference, Verdict
from citecheck.refs import references_from_lines
from citecheck.sources.base import SourceUnavailable
from citecheck.sources.cache import ResponseCache
from citecheck.sources.crossref import CrossrefClient, RetryPolicy
from citecheck.sources.index import LocalIndex
from citecheck.sources.retry import parse_retry_after
from citecheck.text import normalize
from tests.crossref_server import CrossrefTestServer

MAILTO = "tester@example.org"
REF = "Hollis M, Okafor C. Tidal rhythms in the foraging of intertidal crabs. J Coast Ecol 2015;12(3):201-15."
FAST = RetryPolicy(tries=4, backoff=0.02, max_backoff=0.1, jitter=0.1, max_retry_after=2.0, total=5.0, cooldown=0)


def client(server: CrossrefTestServer, tmp_path: Path, **kw: object) -> CrossrefClient:
    options: dict[str, object] = {"base_url": server.url, "cache": ResponseCache(tmp_path / "cache"),
                                  "timeout": 0.5, "retry": FAST}
    options.update(kw)
    return CrossrefClient(MAILTO, **options)  # type: ignore[arg-type]


def test_search_happy_path_and_etiquette(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    hits = client(crossref_server, tmp_path).search(REF)
    assert hits[0].doi == "10.5555/jce.2015.0012" and hits[0].source == "crossref" and hits[0].score > 0
    assert hits[0].fields["container-title-short"] == "J Coast Ecol"
    (req,) = crossref_server.requests
    assert req.path == "/works" and req.query["query.bibliographic"] == " ".join(REF.split())
    assert req.query["rows"] == "5" and "DOI" in req.query["select"].split(",")
    assert f"mailto:{MAILTO}" in req.headers["user-agent"]
    assert "citecheck/" in req.headers["user-agent"]


def test_missing_mailto_is_one_line_note_not_a_warning(crossref_server: CrossrefTestServer, isolated: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The client never reads the environment and never warns; the settings say it once, in one line.

    (`isolated`: the sources' response cache in a fresh directory — with the user's, an answer cached by an
    earlier run on a loopback port that happens to be reused would stand in for the request checked here.)"""
    from citecheck.config import build_sources, load_settings

    monkeypatch.delenv("CITECHECK_MAILTO", raising=False)
    monkeypatch.setenv("CITECHECK_OFFLINE", "0")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        _, notes = build_sources(load_settings({"crossref_url": crossref_server.url}))
        bare = CrossrefClient(base_url=crossref_server.url)
        bare.search(REF)
        bare.close()
    assert [n for n in notes if "mailto" in n] == [
        "warning: no e-mail address for Crossref's polite pool: pass --mailto or set CITECHECK_MAILTO"]
    assert "mailto:" not in crossref_server.requests[-1].headers["user-agent"]
    monkeypatch.setenv("CITECHECK_MAILTO", "env@example.org")
    sources, notes = build_sources(load_settings({"crossref_url": crossref_server.url}))
    assert not [n for n in notes if "mailto" in n]
    client_ = next(s for s in sources if isinstance(s, CrossrefClient))
    client_.search(REF + " again")
    client_.close()
    assert "mailto:env@example.org" in crossref_server.requests[-1].headers["user-agent"]


def test_get_by_doi_with_awkward_characters(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    doi = "10.5555/(SICI)1234-5678(199901)10:1<1::AID-TEST1>3.0.CO;2-X"
    rec = client(crossref_server, tmp_path).get(doi)
    assert rec is not None and rec.doi == doi.lower()
    assert crossref_server.requests[-1].path == f"/works/{doi.lower()}"


def test_retry_after_is_honoured(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("status", status=429, retry_after="1")
    hits = client(crossref_server, tmp_path).search(REF)
    assert hits
    first, second = crossref_server.requests
    assert second.at - first.at >= 1.0


def test_retry_after_is_capped(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("status", status=429, retry_after="3600", json_body=True)
    started = time.monotonic()
    assert client(crossref_server, tmp_path, retry=RetryPolicy(
        tries=2, backoff=0.01, max_retry_after=0.2, total=5, cooldown=0)).search(REF)
    assert time.monotonic() - started < 2


def test_retry_after_beyond_budget_gives_up_at_once(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("status", status=429, retry_after="30")
    policy = RetryPolicy(tries=4, backoff=0.01, max_retry_after=60, total=2, cooldown=0)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match=r"HTTP 429.*budget"):
        client(crossref_server, tmp_path, retry=policy).search(REF)
    assert time.monotonic() - started < 1 and len(crossref_server.requests) == 1


def test_backoff_then_success(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("status", times=1, status=503)
    crossref_server.fail("status", times=1, status=502, json_body=True)
    assert client(crossref_server, tmp_path).search(REF)
    assert len(crossref_server.requests) == 3


def test_bounded_failure_raises(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("status", times=50, status=500)
    with pytest.raises(SourceUnavailable, match="HTTP 500 after 4 tries"):
        client(crossref_server, tmp_path).search(REF)
    assert len(crossref_server.requests) == 4


def test_client_errors_are_not_retried(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("status", status=400, json_body=True)
    with pytest.raises(SourceUnavailable, match="HTTP 400"):
        client(crossref_server, tmp_path).search(REF)
    assert len(crossref_server.requests) == 1


def test_timeout(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("hang", seconds=1.5)
    c = client(crossref_server, tmp_path, timeout=0.3, retry=RetryPolicy(tries=1, cooldown=0))
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="timeout"):
        c.search(REF)
    assert time.monotonic() - started < 1.2


def test_timeout_then_retry_succeeds(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("hang", seconds=1.0)
    assert client(crossref_server, tmp_path, timeout=0.3).search(REF)
    assert len(crossref_server.requests) == 2


def test_dropped_connection(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    crossref_server.fail("drop")
    assert client(crossref_server, tmp_path).search(REF)  # retried
    crossref_server.fail("drop")
    with pytest.raises(SourceUnavailable, match="connection error"):
        client(crossref_server, tmp_path, retry=RetryPolicy(tries=1, cooldown=0)).search("another query")


@pytest.mark.parametrize(("kind", "match"), [("malformed", "malformed response"), ("wrong_type", "not JSON")])
def test_malformed_bodies_are_errors_not_data(crossref_server: CrossrefTestServer, tmp_path: Path,
                                              kind: str, match: str) -> None:
    crossref_server.fail(kind)
    c = client(crossref_server, tmp_path)
    with pytest.raises(SourceUnavailable, match=match):
        c.search(REF)
    assert len(crossref_server.requests) == 1
    assert c.cache is not None and len(c.cache) == 0  # nothing bad was cached
    assert c.search(REF)  # and the next call asks again


def test_cache_makes_second_run_silent(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    first = client(crossref_server, tmp_path)
    hits = first.search(REF)
    rec = first.get("10.5555/jce.2016.0007")
    assert first.lookup("10.5555/does-not-exist").status == "not_registered"
    n = len(crossref_server.requests)
    second = client(crossref_server, tmp_path)  # a new run sharing the cache
    assert second.search(REF) == hits and second.get("10.5555/JCE.2016.0007") == rec
    assert second.lookup("10.5555/does-not-exist").status == "not_registered"
    assert len(crossref_server.requests) == n and second.requests_made == 0


def test_offline_never_connects(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    offline = client(crossref_server, tmp_path, offline=True)
    with pytest.raises(SourceUnavailable, match="offline"):
        offline.search(REF)
    with pytest.raises(SourceUnavailable, match="offline"):
        offline.get("10.5555/jce.2016.0007")
    assert crossref_server.requests == []
    client(crossref_server, tmp_path).search(REF)  # fill the cache online
    assert offline.search(REF)[0].doi == "10.5555/jce.2015.0012"
    assert len(crossref_server.requests) == 1


def test_404_asks_agency_before_calling_doi_unregistered(crossref_server: CrossrefTestServer,
                                                          tmp_path: Path) -> None:
    c = client(crossref_server, tmp_path)
    found = c.lookup("doi:10.5555/JCE.2015.0012")
    assert found.status == "found" and found.record is not None
    datacite = c.lookup("10.5061/dryad.example1")
    assert datacite.status == "other_agency:datacite" and datacite.record is None
    assert crossref_server.paths()[-2:] == ["/works/10.5061/dryad.example1",
                                            "/works/10.5061/dryad.example1/agency"]
    assert c.lookup("10.5555/fabricated.123").status == "not_registered"
    assert c.get("10.5555/fabricated.123") is None


def test_search_many_is_bounded_and_ordered(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    queries = [REF, "Vogt L, Haddad O. Fast substring search with trigram indexes. 2020:17-25.",
               "Lindqvist J. Measuring citation accuracy. Handbook of Scholarly Metadata. 2018"]
    crossref_server.fail("status", status=500, times=50, path="/nowhere")  # never matches
    results = client(crossref_server, tmp_path).search_many(queries, workers=3)
    assert [r[0].doi for r in results if isinstance(r, list)] == [
        "10.5555/jce.2015.0012", "10.5555/fsst.2020.17", "10.5555/hsm.2018.c3"]


def test_network_down_fails_fast_after_first_failure(crossref_server: CrossrefTestServer, tmp_path: Path) -> None:
    c = client(crossref_server, tmp_path, retry=RetryPolicy(tries=2, backoff=0.01, total=2, cooldown=30))
    crossref_server.stop()
    with pytest.raises(SourceUnavailable, match="connection error"):
        c.search(REF)
    made = c.requests_made
    with pytest.raises(SourceUnavailable, match="unreachable"):
        c.search("another reference")
    assert c.requests_made == made


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0 and parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def _ref(text: str) -> Reference:
    return references_from_lines(normalize(text))[0].references[0]


def test_the_walk_stops_at_the_first_source_with_an_accepted_match(
        crossref_server: CrossrefTestServer, fixture_index: LocalIndex, tmp_path: Path) -> None:
    """One walk over the sources (cache → index → Crossref), the order `build_sources` gives."""
    c = client(crossref_server, tmp_path)
    sources = [c.cached(), fixture_index, c]
    m = resolve_one(_ref(REF), sources)
    assert m.verdict in ACCEPTED and m.record is not None and m.record.source == "index"
    assert crossref_server.requests == []
    # a string no source accepts is asked everywhere once; the second time Crossref's answer comes from the cache
    weak = _ref("Okafor. Crabs. 2015.")
    resolve_one(weak, sources)
    asked = len(crossref_server.requests)
    assert asked == 1
    resolve_one(weak, sources)
    assert len(crossref_server.requests) == asked


def test_the_walk_says_which_sources_were_not_asked(fixture_index: LocalIndex, tmp_path: Path) -> None:
    offline = CrossrefClient(MAILTO, base_url="http://127.0.0.1:9", cache=ResponseCache(tmp_path), offline=True)
    m = resolve_one(_ref("Okafor. Crabs. 2015."), [offline.cached(), fixture_index, offline])
    assert m.verdict is not Verdict.UNCHECKED  # offline on purpose: the verdict stands for the sources asked
    assert "not asked" in m.reason and "offline" in m.reason
    assert m.candidates and m.candidates[0].source == "index"
