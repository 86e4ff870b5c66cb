"""OpenAlex as a `Source`, used only when the user configures it (an ``openalex_key`` or a ``mailto``).

``GET /works/doi:{doi}`` and ``GET /works?search=…&per-page=…``; the key
(``api_key``) and ``mailto`` travel as parameters but stay out of the cache key.
"""

from __future__ import annotations

from typing import Any

from citecheck.model import Record
from citecheck.sources.base import normalize_doi
from citecheck.sources.convert import ConversionError
from citecheck.sources.convert_apis import record_from_openalex
from citecheck.sources.polite import PoliteHttp, search_words

DEFAULT_OPENALEX_URL = "https://api.openalex.org"


def _check_list(body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ValueError("not an OpenAlex result list")


def _check_work(body: Any) -> None:
    if not isinstance(body, dict) or "id" not in body:
        raise ValueError("not an OpenAlex work")


class OpenAlexSource:
    """`Source` backed by the OpenAlex API."""

    name = "openalex"

    def __init__(self, http: PoliteHttp) -> None:
        self.http = http

    def get(self, doi: str) -> Record | None:
        status, body = self.http.fetch(f"/works/doi:{normalize_doi(doi)}", check=_check_work)
        if status == 404:
            return None
        try:
            return record_from_openalex(body, self.name)
        except ConversionError:
            return None

    def search(self, query: str, rows: int = 5) -> list[Record]:
        words = search_words(query)
        if not words:
            return []
        status, body = self.http.fetch("/works", {"search": words, "per-page": rows}, check=_check_list)
        if status == 404:
            return []
        out = []
        for item in body["results"][:rows]:
            try:
                out.append(record_from_openalex(item, self.name))
            except ConversionError:
                continue
        return out
