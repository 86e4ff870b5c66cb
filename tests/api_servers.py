"""Loopback servers for DataCite, Europe PMC, arXiv and OpenAlex (no internet needed).

Each is a `CrossrefTestServer` (same request log and fault queue, see
tests/crossref_server.py) whose handler routes to one small fake API answering
from the invented works below. Import the fixture(s) into a test module with
``# noqa: F401``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.crossref_server import CrossrefTestServer, _Handler

# Invented works, written for these tests (10.5061 is Dryad's DataCite prefix; ids made up).
DATACITE_WORKS: list[dict[str, Any]] = [
    {"id": "10.5061/dryad.example1", "type": "dois", "attributes": {
        "doi": "10.5061/dryad.example1",
        "titles": [{"title": "Crab burrow counts on three tidal flats, 2013-2015"}],
        "creators": [{"name": "Hollis, Marta", "nameType": "Personal", "givenName": "Marta", "familyName": "Hollis"}],
        "publisher": "Dryad", "publicationYear": 2016, "types": {"resourceTypeGeneral": "Dataset"},
        "url": "https://datadryad.org/example1"}},
    {"id": "10.5555/preprint.77", "type": "dois", "attributes": {
        "doi": "10.5555/preprint.77",
        "titles": [{"title": "Sampling rare plants with adaptive cluster designs"}],
        "creators": [{"name": "Ferreira, Ana", "nameType": "Personal"}],
        "publisher": {"name": "Example Preprints"}, "publicationYear": "2020",
        "types": {"resourceTypeGeneral": "Preprint"}}},
]

EUROPEPMC_WORKS: list[dict[str, Any]] = [
    {"id": "31234567", "source": "MED", "pmid": "31234567", "pmcid": "PMC6543210", "doi": "10.5555/jmed.2019.44",
     "title": "Salt intake and blood pressure in coastal villages.",
     "authorList": {"author": [{"lastName": "Okafor", "firstName": "Chidi"}, {"lastName": "Lin", "initials": "W"}]},
     "journalInfo": {"volume": "44", "issue": "2", "yearOfPublication": 2019,
                     "journal": {"title": "Journal of Rural Medicine", "isoabbreviation": "J Rural Med"}},
     "pageInfo": "101-109", "pubYear": "2019",
     "abstractText": "<h4>Background</h4>Salt intake was measured in 400 adults of six coastal villages. "
                     "Higher salt intake increased systolic blood pressure by 4 mmHg per gram.",
     "pubTypeList": {"pubType": ["Journal Article", "Retracted Publication"]},
     "commentCorrectionList": {"commentCorrection": [
         {"id": "32000001", "source": "MED", "type": "Retraction in", "reference": "J Rural Med. 2020;45:1"}]}},
    {"id": "29999999", "source": "MED", "pmid": "29999999",
     "title": "Vitamin D and falls in the elderly: a cohort without a DOI.",
     "authorString": "Novak P, Hughes R.", "journalTitle": "Age Stud", "pubYear": "2018", "pageInfo": "5-9"},
]

ARXIV_WORKS: list[dict[str, Any]] = [
    {"id": "2101.00001", "title": "Trigram indexes for fuzzy reference matching", "authors": ["Lena Vogt", "Omar Haddad"],
     "published": "2021-01-01T00:00:00Z", "summary": "We match references with trigrams.", "doi": None},
]

OPENALEX_WORKS: list[dict[str, Any]] = [
    {"id": "https://openalex.org/W1", "doi": "https://doi.org/10.5555/oa.2022.1", "type": "article",
     "title": "Open metadata for reference checking", "publication_year": 2022,
     "authorships": [{"author": {"display_name": "Priya Raman"}}],
     "primary_location": {"source": {"display_name": "Research Integrity Notes"}},
     "biblio": {"volume": "5", "issue": None, "first_page": "12", "last_page": "19"}, "is_retracted": True},
]


def _words(text: str) -> set[str]:
    return {w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) > 2}


def _hits(query: str, items: list[Any], title: Any, rows: int) -> list[Any]:
    """Items sharing at least half of their title words with the query, best first (a tiny search engine)."""
    q = _words(query)
    scored = []
    for it in items:
        t = _words(title(it))
        share = len(q & t) / max(1, len({w for w in t if len(w) >= 4 and not w.isdigit()}))
        if share >= 0.5:
            scored.append((share, it))
    return [it for _, it in sorted(scored, key=lambda x: -x[0])][:rows]


class _ApiHandler(_Handler):
    def _route(self, path: str, query: dict[str, str]) -> None:
        answer = self.state.answer(path, query)  # type: ignore[attr-defined]
        if answer is None:
            self._not_found()
        elif isinstance(answer, str):
            self._send(200, answer.encode("utf-8"), "application/atom+xml; charset=utf-8")
        else:
            self._send(200, json.dumps(answer).encode("utf-8"), "application/json")


@dataclass
class ApiTestServer(CrossrefTestServer):
    """A fake API; `api` is ``datacite``, ``europepmc``, ``arxiv`` or ``openalex``."""

    api: str = "datacite"

    def handler(self) -> type[_Handler]:
        return _ApiHandler

    def answer(self, path: str, q: dict[str, str]) -> Any:
        rows = int(q.get("page[size]") or q.get("pageSize") or q.get("max_results") or q.get("per-page") or 10)
        if self.api == "datacite":
            if path.startswith("/dois/"):
                doi = path[len("/dois/"):].lower()
                hit = [w for w in DATACITE_WORKS if w["id"] == doi]
                return {"data": hit[0]} if hit else None
            if path == "/dois":
                return {"data": _hits(q.get("query", ""), DATACITE_WORKS,
                                      lambda w: w["attributes"]["titles"][0]["title"], rows)}
        if self.api == "europepmc" and path == "/search":
            text = q.get("query", "")
            if text.lstrip("(").startswith(("EXT_ID:", "PMCID:", "DOI:")):
                idents = {part.lstrip("(").split(":", 1)[1].split()[0].strip('"()').lower()
                          for part in text.split(" OR ")}
                found = [w for w in EUROPEPMC_WORKS
                         if idents & {str(w.get(k, "")).lower() for k in ("pmid", "pmcid", "doi")}]
            else:
                found = _hits(text, EUROPEPMC_WORKS, lambda w: w["title"], rows)
            return {"hitCount": len(found), "resultList": {"result": found}}
        if self.api == "arxiv" and path == "/api/query":
            if q.get("id_list"):
                found = [w for w in ARXIV_WORKS if w["id"] == q["id_list"]]
            else:
                words = " ".join(p.split(":", 1)[-1] for p in q.get("search_query", "").split(" OR "))
                found = _hits(words, ARXIV_WORKS, lambda w: w["title"], rows)
            return _atom(found)
        if self.api == "openalex":
            if path.startswith("/works/doi:"):
                doi = path[len("/works/doi:"):].lower()
                hit = [w for w in OPENALEX_WORKS if w["doi"].lower().endswith(doi)]
                return hit[0] if hit else None
            if path == "/works":
                return {"meta": {}, "results": _hits(q.get("search", ""), OPENALEX_WORKS, lambda w: w["title"], rows)}
        return None


def _atom(works: list[dict[str, Any]]) -> str:
    entries = []
    for w in works:
        authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in w["authors"])
        entries.append(f"<entry><id>http://arxiv.org/abs/{w['id']}v1</id><published>{w['published']}</published>"
                       f"<title>{escape(w['title'])}</title><summary>{escape(w['summary'])}</summary>{authors}"
                       f'<category term="cs.DL"/></entry>')
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom"><title>arXiv Query</title>' + "".join(entries) + "</feed>")


def _serve(api: str) -> Iterator[ApiTestServer]:
    server = ApiTestServer(index=None, api=api).start()  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="datacite_server")
def datacite_server_fixture() -> Iterator[ApiTestServer]:
    yield from _serve("datacite")


@pytest.fixture(name="europepmc_server")
def europepmc_server_fixture() -> Iterator[ApiTestServer]:
    yield from _serve("europepmc")


@pytest.fixture(name="arxiv_server")
def arxiv_server_fixture() -> Iterator[ApiTestServer]:
    yield from _serve("arxiv")


@pytest.fixture(name="openalex_server")
def openalex_server_fixture() -> Iterator[ApiTestServer]:
    yield from _serve("openalex")
