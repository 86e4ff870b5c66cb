"""Retraction / concern / correction notices, likely_fabricated on positive evidence only, and the walk by agency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citecheck.audit import match_findings
from citecheck.checks import CHECKS
from citecheck.matching import resolve_one
from citecheck.model import ACCEPTED, Finding, Record, Reference, Severity, Verdict
from citecheck.refs import references_from_lines
from citecheck.report import render
from citecheck.sources.cache import ResponseCache
from citecheck.sources.convert import record_from_crossref, record_to_crossref, update_notices
from citecheck.sources.crossref import CrossrefClient
from citecheck.sources.datacite import DataCiteSource
from citecheck.sources.europepmc import EuropePmcSource
from citecheck.sources.index import LocalIndex
from citecheck.sources.polite import PoliteHttp
from citecheck.sources.retry import RetryPolicy
from citecheck.text import normalize
from tests.api_servers import ApiTestServer, datacite_server_fixture, europepmc_server_fixture  # noqa: F401
from tests.crossref_server import CrossrefTestServer, crossref_server_fixture, fixture_index_fixture  # noqa: F401

FAST = RetryPolicy(tries=2, backoff=0.01, max_backoff=0.02, total=3, cooldown=0)

RETRACTED: dict[str, Any] = {
    "DOI": "10.5555/ret.2017.9", "type": "journal-article",
    "title": ["Lunar cycles drive the spawning of estuarine snails"],
    "author": [{"given": "Rosa", "family": "Quintero", "sequence": "first"}],
    "container-title": ["Journal of Coastal Ecology"], "short-container-title": ["J Coast Ecol"],
    "issued": {"date-parts": [[2017, 6]]}, "volume": "14", "issue": "2", "page": "88-97",
    "updated-by": [
        {"DOI": "10.5555/ret.2019.notice", "type": "retraction", "source": "retraction-watch",
         "updated": {"date-parts": [[2019, 2, 3]]}, "label": "Retraction"},
        {"DOI": "10.5555/ret.2018.eoc", "type": "expression_of_concern", "source": "publisher",
         "updated": {"date-parts": [[2018, 11, 30]]}},
        {"DOI": "10.5555/ret.2017.err", "type": "erratum", "updated": {"date-parts": [[2017, 9, 1]]}},
        {"DOI": "10.5555/x", "type": "new_version"},
    ],
}
SNAIL = "Quintero R. Lunar cycles drive the spawning of estuarine snails. J Coast Ecol 2017;14(2):88-97."


def _ref(text: str) -> Reference:
    return references_from_lines(normalize(text))[0].references[0]


def _index(tmp_path: Path, items: list[dict[str, Any]]) -> LocalIndex:
    idx = LocalIndex(tmp_path / "idx.sqlite")
    idx.add_records(record_from_crossref(w, "index") for w in items)
    idx.refresh_stats()
    return idx


def test_update_relations_become_notices_and_round_trip() -> None:
    rec = record_from_crossref(RETRACTED)
    notices = rec.fields["citecheck:updates"]
    assert [(n["kind"], n["doi"], n["date"]) for n in notices] == [
        ("retraction", "10.5555/ret.2019.notice", "2019-02-03"),
        ("expression_of_concern", "10.5555/ret.2018.eoc", "2018-11-30"),
        ("correction", "10.5555/ret.2017.err", "2017-09-01")]
    assert notices[0]["source"] == "retraction-watch"
    assert record_from_crossref(record_to_crossref(rec)).fields["citecheck:updates"] == notices
    # update-to sits on the notice and points elsewhere: not a notice on the notice itself
    assert update_notices({"update-to": [{"DOI": "10.5555/ret.2017.9", "type": "retraction"}]}, "10.5555/n") == []
    # a Retraction Watch record on the work itself counts
    own = update_notices({"update-to": [{"DOI": "10.5555/W", "type": "Retraction", "source": "retraction-watch"}]},
                         "10.5555/w")
    assert own[0]["kind"] == "retraction" and own[0]["source"] == "retraction-watch"


def test_index_add_keeps_notices(tmp_path: Path) -> None:
    records = tmp_path / "works.jsonl"
    records.write_text(json.dumps(RETRACTED) + "\n")
    idx = LocalIndex(tmp_path / "i.sqlite")
    idx.add_files([records])
    got = idx.get("10.5555/ret.2017.9")
    assert got is not None and got.fields["citecheck:updates"][0]["doi"] == "10.5555/ret.2019.notice"


def _findings(tmp_path: Path, text: str, items: list[dict[str, Any]]) -> list[Finding]:
    m = resolve_one(_ref(text), [_index(tmp_path, items)])
    return match_findings([m])


def test_notice_findings_on_an_accepted_match(tmp_path: Path) -> None:
    found = {f.kind: f for f in _findings(tmp_path, SNAIL, [RETRACTED])}
    assert set(found) >= {"retracted", "expression_of_concern", "correction_notice"}
    r = found["retracted"]
    assert r.severity is Severity.ERROR and found["correction_notice"].severity is Severity.WARNING
    assert r.evidence["notice_doi"] == "10.5555/ret.2019.notice" and r.evidence["notice_date"] == "2019-02-03"
    assert r.evidence["notice_type"] == "retraction" and r.evidence["notice_source"] == "retraction-watch"
    assert "corrected" not in CHECKS  # the verdict name stays free


def test_notices_show_in_every_report(tmp_path: Path) -> None:
    from citecheck.audit import sort_findings
    from citecheck.model import Audit

    ref = _ref(SNAIL)
    m = resolve_one(ref, [_index(tmp_path, [RETRACTED])])
    assert m.verdict in ACCEPTED
    audit = Audit(document="x.md", matches=[m], findings=sort_findings(match_findings([m])))
    for fmt in ("markdown", "html", "table", "json"):
        out = render([audit], fmt)
        assert "retracted" in out and "10.5555/ret.2019.notice" in out and "2019-02-03" in out, fmt


OTHER = {"DOI": "10.5555/other.2012.5", "type": "journal-article",
         "title": ["Salinity tolerance of mangrove seedlings under drought"],
         "author": [{"given": "Ken", "family": "Aoki", "sequence": "first"}],
         "container-title": ["Journal of Coastal Ecology"], "short-container-title": ["J Coast Ecol"],
         "issued": {"date-parts": [[2012]]}, "volume": "9", "page": "301-310"}


def test_printed_doi_of_another_work_and_no_title_anywhere_is_likely_fabricated(tmp_path: Path) -> None:
    text = ("Brandt K, Moreau L. Quantum tunnelling in migratory songbird navigation. "
            "Avian Physics Letters 2020;3:1-9. doi:10.5555/other.2012.5")
    fs = _findings(tmp_path, text, [OTHER, RETRACTED])
    made_up = [f for f in fs if f.kind == "likely_fabricated"]
    assert len(made_up) == 1 and not any(f.kind == "not_found" for f in fs)
    ev = made_up[0].evidence
    assert made_up[0].severity is Severity.WARNING and ev["confidence"] == 0.8
    assert ev["printed_doi"] == "10.5555/other.2012.5" and "Salinity" in ev["resolves_to"]["title"]
    assert ev["searched"] == "index" and "printed DOI" in ev["why"][0]


def test_volume_and_first_page_of_another_article_is_likely_fabricated(tmp_path: Path) -> None:
    text = "Brandt K. Quantum tunnelling in crab navigation. J Coast Ecol 2012;9:301-8."
    fs = _findings(tmp_path, text, [OTHER, RETRACTED])
    made_up = [f for f in fs if f.kind == "likely_fabricated"]
    assert made_up and made_up[0].evidence["at_volume_page"][0]["doi"] == "10.5555/other.2012.5"
    assert made_up[0].evidence["confidence"] == 0.7


def test_absence_alone_is_only_not_found(tmp_path: Path) -> None:
    fs = _findings(tmp_path, "Brandt K. Quantum tunnelling in crab navigation. Avian Phys Lett 2020;3:1-9.",
                   [OTHER, RETRACTED])
    kinds = [f.kind for f in fs]
    assert "likely_fabricated" not in kinds and "not_found" in kinds
    nf = next(f for f in fs if f.kind == "not_found")
    assert nf.evidence["searched"] == "index" and "searched index" in nf.message


def test_a_real_work_with_a_damaged_doi_is_not_fabricated(tmp_path: Path) -> None:
    text = SNAIL + " doi:10.5555/other.2012.5"
    m = resolve_one(_ref(text), [_index(tmp_path, [OTHER, RETRACTED])])
    assert m.verdict is Verdict.CORRECTED and any(d.kind == "wrong_doi" for d in m.diffs)
    assert not any(f.kind == "likely_fabricated" for f in match_findings([m]))


def test_datacite_doi_is_asked_at_datacite_after_crossref_404(
        crossref_server: CrossrefTestServer, datacite_server: ApiTestServer, tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c")
    cr = CrossrefClient("t@example.org", base_url=crossref_server.url, cache=cache, retry=FAST)
    dc = DataCiteSource(PoliteHttp("datacite", datacite_server.url, cache=cache, retry=FAST))
    text = "Hollis M. Crab burrow counts on three tidal flats, 2013-2015 [dataset]. Dryad, 2016. doi:10.5061/dryad.example1"
    m = resolve_one(_ref(text), [cr, dc])
    assert m.verdict in ACCEPTED and m.record is not None and m.record.source == "datacite"
    assert "/works/10.5061/dryad.example1/agency" in crossref_server.paths()
    # a Crossref DOI that Crossref lacks is not asked at DataCite; one no agency knows is said so
    n = len(datacite_server.requests)
    m = resolve_one(_ref("Nobody N. Nothing at all here. 2020. doi:10.5555/never.registered"), [cr, dc])
    assert m.verdict is Verdict.NOT_FOUND and "registered with no agency" in m.reason
    assert "searched crossref, datacite" in m.reason
    assert not any(p.startswith("/dois/") for p in datacite_server.paths()[n:])


def test_pubmed_retraction_seen_through_europepmc(europepmc_server: ApiTestServer) -> None:
    src = EuropePmcSource(PoliteHttp("europepmc", europepmc_server.url, retry=FAST))
    text = ("Okafor C, Lin W. Salt intake and blood pressure in coastal villages. J Rural Med. 2019;44(2):101-109. "
            "PMID: 31234567")
    m = resolve_one(_ref(text), [src])
    assert m.verdict in ACCEPTED and m.record is not None and m.record.source == "europepmc"
    found = [f for f in match_findings([m]) if f.kind == "retracted"]
    assert len(found) == 1 and found[0].evidence["notice_id"] == "MED:32000001"
    assert "retraction notice (MED:32000001)" in found[0].message


def test_author_and_venue_exist_but_no_title_is_weak_evidence(tmp_path: Path) -> None:
    fs = _findings(tmp_path, "Aoki K. Quantum tunnelling in crab navigation. J Coast Ecol 2013;10:1-8.",
                   [OTHER, RETRACTED])
    made_up = [f for f in fs if f.kind == "likely_fabricated"]
    assert made_up and made_up[0].evidence["confidence"] == 0.5
    assert made_up[0].evidence["author_in_venue"][0]["doi"] == "10.5555/other.2012.5"


def test_crossref_search_selects_the_update_relations(tmp_path: Path) -> None:
    server = CrossrefTestServer(_index(tmp_path, [RETRACTED, OTHER])).start()
    try:
        cr = CrossrefClient("t@example.org", base_url=server.url, cache=ResponseCache(tmp_path / "c"), retry=FAST)
        m = resolve_one(_ref(SNAIL), [cr])
        assert "updated-by" in server.requests[-1].query["select"].split(",")
        assert m.verdict in ACCEPTED and m.record is not None and m.record.source == "crossref"
        assert "retracted" in {f.kind for f in match_findings([m])}
        cached = resolve_one(_ref(SNAIL), [cr.cached()])  # the cached answer keeps them too
        assert cached.record is not None and cached.record.fields["citecheck:updates"][0]["kind"] == "retraction"
    finally:
        server.stop()


def test_a_match_to_one_language_edition_the_entry_does_not_name_is_an_info_finding() -> None:
    from citecheck.matching.validate import validate

    def read_reference(text: str) -> Reference:
        return references_from_lines(text)[0].references[0]

    title = "Sepsis outbreak associated with use of contaminated propofol in an outpatient procedure clinic"
    fields = {"type": "article-journal", "DOI": "10.9999/eimce.2021.304", "title": title,
              "author": [{"family": "Ochoa-Hein", "given": "E"}, {"family": "Galindo-Fraga", "given": "A"}],
              "container-title": "Enfermedades infecciosas y microbiologia clinica (English ed.)",
              "issued": {"date-parts": [[2021]]}, "volume": "39", "issue": "6", "page": "304-305"}
    rec = Record(fields=fields, source="index")
    text = (f"Ochoa-Hein E, Galindo-Fraga A. {title}. Enfermedades Infecciosas Y Microbiologia Clinica. "
            "2021;39(6):304–305.")
    m = validate(read_reference(text), [rec])
    found = [f for f in match_findings([m]) if f.kind == "other_edition"]
    assert m.verdict in ("verified", "corrected") and len(found) == 1
    assert found[0].severity is Severity.INFO and "english edition" in found[0].message
    # the entry that names the edition it cites has no such finding
    named = validate(read_reference(text.replace("Clinica.", "Clinica (Engl Ed).")), [rec])
    assert named.verdict in ("verified", "corrected")
    assert not [f for f in match_findings([named]) if f.kind == "other_edition"]
