"""Europe PMC REST search as a `Source`: it covers PubMed, so PMIDs, PMCIDs and biomedical DOIs.

``GET /search?query=…&format=json&resultType=core&pageSize=…``. A reference
that names a PMID or PMCID is looked up by that identifier (``EXT_ID:… AND
SRC:MED`` / ``PMCID:…``); a DOI by ``DOI:"…"``; anything else by its title-ish
words. Requests go through `PoliteHttp` (cache, retries, etiquette).
"""

from __future__ import annotations

from typing import Any

from citecheck.identifiers import PMCID_RE, PMID_RE
from citecheck.model import Record
from citecheck.sources.base import normalize_doi
from citecheck.sources.convert import ConversionError
from citecheck.sources.convert_apis import record_from_europepmc
from citecheck.sources.polite import PoliteHttp, key_words

DEFAULT_EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"


def _check(body: Any) -> None:
    if not isinstance(body, dict) or not isinstance((body.get("resultList") or {}).get("result"), list):
        raise ValueError("not a Europe PMC result list")


class EuropePmcSource:
    """`Source` backed by the Europe PMC REST API."""

    name = "europepmc"

    def __init__(self, http: PoliteHttp) -> None:
        self.http = http

    def _query(self, query: str, rows: int) -> list[Record]:
        params = {"query": query, "format": "json", "resultType": "core", "pageSize": rows}
        status, body = self.http.fetch("/search", params, check=_check)
        if status == 404:
            return []
        out = []
        for item in body["resultList"]["result"][:rows]:
            try:
                out.append(record_from_europepmc(item, self.name))
            except ConversionError:
                continue
        return out

    def get(self, doi: str) -> Record | None:
        doi = normalize_doi(doi)
        hits = [r for r in self._query(f'DOI:"{doi}"', 1) if r.doi == doi]
        return hits[0] if hits else None

    def by_dois(self, dois: list[str]) -> list[Record]:
        """The records of several DOIs in one request (``DOI:"a" OR DOI:"b"``): abstracts for many
        cited works cost one polite call per batch, not one per work."""
        wanted = [normalize_doi(d) for d in dois if d]
        if not wanted:
            return []
        query = " OR ".join(f'DOI:"{d}"' for d in wanted)
        return [r for r in self._query(query, len(wanted)) if r.doi in set(wanted)]

    def by_pmids(self, pmids: list[str]) -> list[Record]:
        """The records of several PubMed ids in one request (``EXT_ID:1 AND SRC:MED OR …``)."""
        wanted = [p for p in dict.fromkeys(str(x).strip() for x in pmids) if p.isdigit()]
        if not wanted:
            return []
        query = " OR ".join(f"(EXT_ID:{p} AND SRC:MED)" for p in wanted)
        return [r for r in self._query(query, len(wanted)) if str(r.fields.get("PMID") or "") in set(wanted)]

    def search(self, query: str, rows: int = 5) -> list[Record]:
        pmid, pmcid = PMID_RE.search(query), PMCID_RE.search(query)
        if pmid:
            return self._query(f"EXT_ID:{pmid.group(1)} AND SRC:MED", rows)
        if pmcid:
            return self._query(f"PMCID:{pmcid.group(1).upper()}", rows)
        words = key_words(query)
        return self._query(" OR ".join(words), rows) if words else []
