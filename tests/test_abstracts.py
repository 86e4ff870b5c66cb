"""Abstracts as support evidence: fetched in batches from Europe PMC, cached for offline re-runs,
and read sentence by sentence by the support scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from citecheck.claims.evidence import abstract_sentences, evidence_kind, plain_abstract, work_of
from citecheck.model import Match, Record, Reference, Span, Verdict
from citecheck.sources.abstracts import fill_abstracts
from citecheck.sources.cache import ResponseCache
from citecheck.sources.europepmc import EuropePmcSource
from citecheck.sources.polite import PoliteHttp
from citecheck.sources.retry import RetryPolicy
from tests.api_servers import ApiTestServer, europepmc_server_fixture  # noqa: F401

FAST = RetryPolicy(tries=1, backoff=0.0, jitter=0.0)


def _match(doi: str, abstract: str = "") -> Match:
    ref = Reference(raw=f"A work. doi:{doi}", list_id="L1", n=1, span=Span(0, 1, 1), fields={"title": "A work"})
    rec = Record(fields={"DOI": doi, "title": ["Salt intake and blood pressure in coastal villages"]},
                 source="crossref", abstract=abstract)
    return Match(reference=ref, verdict=Verdict.VERIFIED, record=rec, confidence=0.99)


def test_abstracts_filled_in_one_batch_and_reused_offline(europepmc_server: ApiTestServer, tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "cache.sqlite")
    src = EuropePmcSource(PoliteHttp("europepmc", europepmc_server.url, cache=cache, retry=FAST))
    matches = [_match("10.5555/JMED.2019.44"), _match("10.5555/unknown.1"), _match("10.5555/has", "Kept as it is.")]
    fill = fill_abstracts(matches, [src])
    assert (fill.wanted, fill.filled) == (2, 1)
    assert len(europepmc_server.requests) == 1  # both DOIs in one request
    assert 'DOI:"10.5555/jmed.2019.44" OR DOI:"10.5555/unknown.1"' == europepmc_server.requests[0].query["query"]
    assert "systolic blood pressure" in matches[0].record.abstract  # type: ignore[union-attr]
    assert matches[1].record.abstract == "" and matches[2].record.abstract == "Kept as it is."  # type: ignore[union-attr]

    offline = EuropePmcSource(PoliteHttp("europepmc", europepmc_server.url, cache=cache, offline=True, retry=FAST))
    again = [_match("10.5555/jmed.2019.44"), _match("10.5555/unknown.1")]
    fill = fill_abstracts(again, [offline])
    assert fill.filled == 1 and len(europepmc_server.requests) == 1  # from the cache, nothing asked


def test_record_without_doi_filled_by_pubmed_id(europepmc_server: ApiTestServer) -> None:
    src = EuropePmcSource(PoliteHttp("europepmc", europepmc_server.url, retry=FAST))
    m = _match("10.5555/x")
    m.record = Record(fields={"title": ["Salt intake"], "PMID": "31234567"}, source="index")
    fill = fill_abstracts([m], [src])
    assert fill.filled == 1 and "systolic" in m.record.abstract
    assert europepmc_server.requests[-1].query["query"] == "(EXT_ID:31234567 AND SRC:MED)"


def test_unreachable_source_is_reported_not_silent(europepmc_server: ApiTestServer) -> None:
    europepmc_server.fail("status", 5, status=503)
    src = EuropePmcSource(PoliteHttp("europepmc", europepmc_server.url, retry=FAST))
    fill = fill_abstracts([_match("10.5555/jmed.2019.44")], [src])
    assert fill.filled == 0 and fill.unavailable and not fill.skipped


def test_offline_uncached_is_skipped_not_failed(tmp_path: Path) -> None:
    src = EuropePmcSource(PoliteHttp("europepmc", "http://127.0.0.1:9", offline=True, retry=FAST))
    fill = fill_abstracts([_match("10.5555/x")], [src])
    assert fill.skipped and fill.filled == 0


def test_abstract_read_as_sentences_and_named_as_evidence() -> None:
    text = plain_abstract("<jats:p>Background: Stem cells were given to 40 mice with lupus nephritis. "
                          "Results: Proteinuria fell by half within four weeks.</jats:p> <jats:p>Short.</jats:p>")
    assert abstract_sentences(text) == ["Stem cells were given to 40 mice with lupus nephritis.",
                                        "Proteinuria fell by half within four weeks."]
    m = _match("10.5555/a", text)
    work = work_of(m.reference, m)
    assert work is not None and evidence_kind(work) == "abstract" and len(work.sentences) == 2
    bare = work_of(m.reference, None)
    assert bare is not None and evidence_kind(bare) == "parsed title"


class _Keyword:
    """A deterministic reader: one dimension per keyword, so the closest sentence is predictable."""

    name = "keywords"
    WORDS = ("lupus", "proteinuria", "salt", "pressure", "mice", "heart")

    def embed(self, texts: list[str], *, query: bool) -> np.ndarray:
        m = np.array([[1.0 if w in t.lower() else 0.0 for w in self.WORDS] + [0.1] for t in texts])
        return m / np.linalg.norm(m, axis=1, keepdims=True)


DOC = """# Review

Stem cell therapy lowered proteinuria [1]. Salt raises blood pressure [2].
Heart stents need tailored drugs [3]. Lupus is an autoimmune disease [4]. Mice model human disease [5].
Pressure in the heart rises with age [6].

## References

[1] Li A. Mesenchymal stem cells in lupus nephritis[J]. J Immunol, 2020, 1(1): 1-9.
[2] Wu B. Dietary salt and hypertension[J]. Hypertension, 2019, 2(1): 10-19.
[3] Ng C. Drug therapy after heart stent implantation[J]. Heart, 2018, 3(1): 20-29.
[4] Ho D. Autoimmunity in systemic lupus[J]. Lupus, 2017, 4(1): 30-39.
[5] Ma E. Mouse models of disease[J]. Lab Anim, 2016, 5(1): 40-49.
[6] Yu F. Ageing and cardiac pressure[J]. Cardiology, 2015, 6(1): 50-59.
"""


def test_scorer_shows_the_closest_abstract_sentence() -> None:
    from citecheck.claims import extract_claims
    from citecheck.claims.support import score_links
    from citecheck.refs.extract import extract_lists

    lists = extract_lists(DOC)
    refs = lists[0].references
    claims = extract_claims(DOC, lists)
    abstract = ("We treated 30 mice with systemic lupus. Proteinuria fell by half after stem cell infusion. "
                "Survival was longer in treated animals.")
    matches = [Match(reference=r, verdict=Verdict.UNCHECKED) for r in refs]
    matches[0] = Match(reference=refs[0], verdict=Verdict.VERIFIED, confidence=0.99, record=Record(
            fields={"title": ["Mesenchymal stem cells in lupus nephritis"], "DOI": "10.5555/a"}, source="index",
            abstract=abstract))
    scores = score_links(DOC, lists, claims, matches, None, reader=_Keyword())
    first = next(s for s in scores if s.link.number == 1)
    assert first.evidence == "abstract"
    assert first.best_sentence == "Proteinuria fell by half after stem cell infusion."
    assert {s.evidence for s in scores if s.link.number != 1} == {"parsed title"}
