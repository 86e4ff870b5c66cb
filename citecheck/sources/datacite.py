"""DataCite REST API as a `Source`: dataset, software and preprint DOIs that Crossref does not register.

``GET /dois/{doi}`` for a DOI, ``GET /dois?query=…&page[size]=…`` for a search
(JSON:API bodies, ``{"data": …}``). Requests go through `PoliteHttp` (cache,
retries, etiquette).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from citecheck.model import Record
from citecheck.sources.base import normalize_doi
from citecheck.sources.convert import ConversionError
from citecheck.sources.convert_apis import record_from_datacite
from citecheck.sources.polite import PoliteHttp, key_words

DEFAULT_DATACITE_URL = "https://api.datacite.org"


def _check(body: Any) -> None:
    if not isinstance(body, dict) or "data" not in body:
        raise ValueError("not a DataCite JSON:API body")


class DataCiteSource:
    """`Source` backed by the DataCite REST API."""

    name = "datacite"
    registers = "datacite"
    """The DOI registration agency whose DOIs this source knows."""

    def __init__(self, http: PoliteHttp) -> None:
        self.http = http

    def get(self, doi: str) -> Record | None:
        doi = normalize_doi(doi)
        status, body = self.http.fetch(f"/dois/{quote(doi, safe='/:;()')}", check=_check)
        if status == 404 or not isinstance(body.get("data"), dict):
            return None
        try:
            return record_from_datacite(body["data"], self.name)
        except ConversionError:
            return None

    def search(self, query: str, rows: int = 5) -> list[Record]:
        words = key_words(query)
        if not words:
            return []
        status, body = self.http.fetch("/dois", {"query": " OR ".join(words), "page[size]": rows}, check=_check)
        if status == 404 or not isinstance(body.get("data"), list):
            return []
        out = []
        for item in body["data"][:rows]:
            try:
                out.append(record_from_datacite(item, self.name))
            except ConversionError:
                continue
        return out
