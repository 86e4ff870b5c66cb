"""DataCite, Europe PMC, arXiv and OpenAlex sources against loopback servers; the shared polite HTTP helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.config import ConfigError, build_sources, load_settings
from citecheck.identifiers import arxiv_id
from citecheck.sources.arxiv import ArxivSource
from citecheck.sources.base import SourceUnavailable
from citecheck.sources.cache import ResponseCache
from citecheck.sources.convert_apis import records_from_arxiv_atom
from citecheck.sources.datacite import DataCiteSource
from citecheck.sources.europepmc import EuropePmcSource
from citecheck.sources.openalex import OpenAlexSource
from citecheck.sources.polite import PoliteHttp, search_words
from citecheck.sources.retry import RetryPolicy
from tests.api_servers import (  # noqa: F401
    ApiTestServer,
    arxiv_server_fixture,
    datacite_server_fixture,
    europepmc_server_fixture,
    openalex_server_fixture,
)

FAST = RetryPolicy(tries=3, backoff=0.01, max_backoff=0.05, max_retry_after=0.2, total=5, cooldown=0)


def _http(server: ApiTestServer, tmp_path: Path | None = None, **kw: object) -> PoliteHttp:
    cache = ResponseCache(tmp_path / "cache") if tmp_path is not None else None
    kw.setdefault("retry", FAST)
    return PoliteHttp(server.api, server.url, mailto="team@example.org", cache=cache, timeout=2, **kw)  # type: ignore[arg-type]


def test_datacite_get_and_search(datacite_server: ApiTestServer) -> None:
    src = DataCiteSource(_http(datacite_server))
    rec = src.get("https://doi.org/10.5061/DRYAD.example1")
    assert rec is not None and rec.source == "datacite"
    assert rec.fields["type"] == "dataset" and rec.fields["author"][0] == {"family": "Hollis", "given": "Marta"}
    assert rec.fields["issued"] == {"date-parts": [[2016]]} and rec.fields["publisher"] == "Dryad"
    assert src.get("10.5061/nothing.here") is None
    hits = src.search("Ferreira A. Sampling rare plants with adaptive cluster designs [Preprint]. 2020.")
    assert [h.doi for h in hits] == ["10.5555/preprint.77"]
    assert hits[0].fields["type"] == "article" and hits[0].fields["author"][0]["family"] == "Ferreira"
    ua = datacite_server.requests[0].headers["user-agent"]
    assert ua.startswith("citecheck/") and "mailto:team@example.org" in ua


def test_europepmc_by_pmid_pmcid_doi_and_words(europepmc_server: ApiTestServer) -> None:
    src = EuropePmcSource(_http(europepmc_server))
    by_pmid = src.search("Okafor C. Salt intake. J Rural Med 2019. PMID: 31234567")
    assert by_pmid[0].fields["PMID"] == "31234567" and by_pmid[0].doi == "10.5555/jmed.2019.44"
    assert europepmc_server.requests[-1].query["query"] == "EXT_ID:31234567 AND SRC:MED"
    assert src.search("see PMC6543210")[0].fields["PMCID"] == "PMC6543210"
    rec = src.get("10.5555/JMED.2019.44")
    assert rec is not None and rec.fields["container-title"] == "Journal of Rural Medicine"
    assert rec.fields["title"] == "Salt intake and blood pressure in coastal villages"
    assert rec.fields["volume"] == "44" and rec.fields["page"] == "101-109"
    assert [(n["kind"], n["label"]) for n in rec.fields["citecheck:updates"]] == [("retraction", "MED:32000001")]
    no_doi = src.search("Novak P, Hughes R. Vitamin D and falls in the elderly: a cohort without a DOI. 2018")
    assert no_doi[0].doi is None and no_doi[0].fields["PMID"] == "29999999"
    assert no_doi[0].fields["author"][0] == {"family": "Novak", "given": "P"}


def test_arxiv_ids_doi_and_words(arxiv_server: ApiTestServer) -> None:
    src = ArxivSource(_http(arxiv_server))
    for text in ("Vogt L. Trigram indexes. arXiv:2101.00001v2", "https://arxiv.org/abs/2101.00001"):
        hits = src.search(text)
        assert [h.doi for h in hits] == ["10.48550/arxiv.2101.00001"]
    rec = src.get("10.48550/arXiv.2101.00001")
    assert rec is not None and rec.fields["author"][1] == {"family": "Haddad", "given": "Omar"}
    assert rec.fields["issued"] == {"date-parts": [[2021, 1, 1]]} and rec.fields["number"] == "arXiv:2101.00001"
    assert src.get("10.5555/not.arxiv") is None  # not asked: only arXiv's own DOIs
    assert src.search("Vogt L, Haddad O. Trigram indexes for fuzzy reference matching. 2021")[0].fields["title"]


def test_arxiv_ids_and_hostile_atom() -> None:
    assert arxiv_id("arXiv: hep-th/9901001v3") == "hep-th/9901001"
    assert arxiv_id("no id here 2101.00001") is None
    from citecheck.sources.convert import ConversionError

    with pytest.raises(ConversionError):
        records_from_arxiv_atom('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><feed/>')
    with pytest.raises(ConversionError):
        records_from_arxiv_atom("<html>maintenance</html>")


def test_openalex_with_key_kept_out_of_cache_key(openalex_server: ApiTestServer, tmp_path: Path) -> None:
    src = OpenAlexSource(_http(openalex_server, tmp_path, identity={"api_key": "k123"}))
    rec = src.get("10.5555/oa.2022.1")
    assert rec is not None and rec.fields["page"] == "12-19" and rec.fields["author"][0]["family"] == "Raman"
    assert rec.fields["citecheck:updates"][0]["kind"] == "retraction"
    assert openalex_server.requests[-1].query["api_key"] == "k123"
    assert [r.doi for r in src.search("Raman P. Open metadata for reference checking. 2022")] == ["10.5555/oa.2022.1"]
    assert all("k123" not in k for k in _keys(src.http.cache))  # type: ignore[arg-type]


def _keys(cache: ResponseCache) -> list[str]:
    return [r[0] for r in cache._conn().execute("SELECT key FROM responses")]


def test_helper_caches_and_goes_offline(datacite_server: ApiTestServer, tmp_path: Path) -> None:
    src = DataCiteSource(_http(datacite_server, tmp_path))
    assert src.get("10.5061/dryad.example1") is not None
    assert src.get("10.5061/missing") is None
    n = len(datacite_server.requests)
    offline = DataCiteSource(_http(datacite_server, tmp_path, offline=True))
    assert offline.get("10.5061/dryad.example1") is not None and offline.get("10.5061/missing") is None
    with pytest.raises(SourceUnavailable) as exc:
        offline.search("anything at all")
    assert exc.value.skipped
    assert len(datacite_server.requests) == n


def test_helper_retries_honouring_retry_after(datacite_server: ApiTestServer) -> None:
    slept: list[float] = []
    datacite_server.fail("status", 1, status=429, retry_after="0.1")
    datacite_server.fail("status", 1, status=503)
    src = DataCiteSource(_http(datacite_server, sleep=slept.append))
    assert src.get("10.5061/dryad.example1") is not None
    assert len(datacite_server.requests) == 3 and slept[0] == pytest.approx(0.1)


def test_helper_gives_up_bounded_and_never_returns_error_bodies(europepmc_server: ApiTestServer) -> None:
    europepmc_server.fail("status", 5, status=503)
    src = EuropePmcSource(_http(europepmc_server, sleep=lambda s: None))
    with pytest.raises(SourceUnavailable, match="HTTP 503 after 3 tries"):
        src.search("Salt intake and blood pressure")
    europepmc_server.fail("status", 1, status=400)
    with pytest.raises(SourceUnavailable, match="HTTP 400"):
        src.search("Salt intake and blood pressure")
    for fault in ("malformed", "wrong_type"):
        europepmc_server.fail(fault)
        with pytest.raises(SourceUnavailable, match="malformed"):
            src.search("Salt intake and blood pressure")


def test_helper_stops_after_failures_in_a_row(datacite_server: ApiTestServer) -> None:
    datacite_server.fail("status", 100, status=500)
    policy = RetryPolicy(tries=1, backoff=0, total=5, cooldown=0, max_consecutive_failures=2)
    src = DataCiteSource(_http(datacite_server, retry=policy))
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            src.get("10.5061/dryad.example1")
    n = len(datacite_server.requests)
    with pytest.raises(SourceUnavailable, match="stopped asking"):
        src.get("10.5061/dryad.example1")
    assert len(datacite_server.requests) == n


def test_unreachable_source_is_unavailable() -> None:
    http = PoliteHttp("datacite", "http://127.0.0.1:9", retry=RetryPolicy(tries=1, total=2, cooldown=30), timeout=1)
    src = DataCiteSource(http)
    with pytest.raises(SourceUnavailable, match="connection error"):
        src.get("10.5061/x")
    with pytest.raises(SourceUnavailable, match="unreachable"):
        src.get("10.5061/y")  # cool-down: fails fast


def test_search_words_drop_syntax() -> None:
    assert search_words('Wang X. "Title": a [J]. Nature, 2020. doi:10.1/x https://x.org/a') == \
        "Wang X Title a Nature 2020"


def test_settings_build_sources_in_order(tmp_path: Path) -> None:
    s = load_settings({"cache_dir": tmp_path}, cwd=tmp_path, environ={})
    sources, _ = build_sources(s)
    assert [x.name for x in sources] == ["cache", "crossref", "datacite", "europepmc", "arxiv"]  # no openalex key
    s = load_settings({"cache_dir": tmp_path, "mailto": "a@b.org"}, cwd=tmp_path,
                      environ={"CITECHECK_SOURCES": "arxiv, crossref,openalex"})
    assert [x.name for x in build_sources(s)[0]] == ["cache", "arxiv", "crossref", "openalex"]
    with pytest.raises(ConfigError, match="sources"):
        load_settings(cwd=tmp_path, environ={"CITECHECK_SOURCES": "crossref,scholar"})
    (tmp_path / "citecheck.toml").write_text('sources = ["crossref", "datacite"]\ndatacite_url = "http://127.0.0.1:1"\n')
    s = load_settings({"cache_dir": tmp_path}, cwd=tmp_path, environ={})
    assert s.sources == ["crossref", "datacite"] and s.datacite_url == "http://127.0.0.1:1"


def test_key_words_for_or_queries() -> None:
    from citecheck.sources.polite import key_words

    assert key_words("Hollis M, Okafor C. Tidal rhythms in the foraging of crabs. J Coast Ecol 2015;12:201-15.") == \
        ["Hollis", "Okafor", "Tidal", "rhythms", "foraging", "crabs", "Coast", "Ecol"]


def test_arxiv_requests_are_spaced(arxiv_server: ApiTestServer, tmp_path: Path) -> None:
    slept: list[float] = []
    src = ArxivSource(_http(arxiv_server, min_interval=0.2, sleep=slept.append))
    src.search("arXiv:2101.00001")
    src.search("Trigram indexes for fuzzy reference matching")
    assert len(slept) == 1 and 0 < slept[0] <= 0.2  # the second request waited for its slot
    assert " OR " in arxiv_server.requests[-1].query["search_query"]
    s = load_settings({"cache_dir": tmp_path}, cwd=tmp_path, environ={"CITECHECK_SOURCES": "arxiv"})
    arxiv = next(x for x in build_sources(s)[0] if x.name == "arxiv")
    assert arxiv.http.min_interval == 3.0
