"""The arXiv export API (Atom) as a `Source`: preprints named by ``arXiv:2101.00001``, ``arxiv.org/abs/…``.

``GET /api/query?id_list=…`` for an identifier (also arXiv's DataCite DOI
``10.48550/arXiv.…``), ``GET /api/query?search_query=all:…&max_results=…`` for
words. arXiv asks clients to space requests; `PoliteHttp` retries and
backs off, and the cache means a document is asked once.
"""

from __future__ import annotations

from citecheck.identifiers import arxiv_id
from citecheck.model import Record
from citecheck.sources.base import normalize_doi
from citecheck.sources.convert import ConversionError
from citecheck.sources.convert_apis import records_from_arxiv_atom
from citecheck.sources.polite import PoliteHttp, key_words

DEFAULT_ARXIV_URL = "https://export.arxiv.org"


def _check(body: object) -> None:
    if not isinstance(body, str) or "<feed" not in body[:4000]:
        raise ValueError("not an Atom feed")


class ArxivSource:
    """`Source` backed by the arXiv export API."""

    name = "arxiv"
    registers = "datacite"
    """arXiv's DOIs (10.48550/arXiv.…) are registered with DataCite."""

    def __init__(self, http: PoliteHttp) -> None:
        self.http = http

    def _feed(self, params: dict[str, object]) -> list[Record]:
        status, body = self.http.fetch("/api/query", params, kind="text", check=_check)
        if status == 404:
            return []
        try:
            return records_from_arxiv_atom(body, self.name)
        except ConversionError as exc:
            from citecheck.sources.base import SourceUnavailable

            raise SourceUnavailable(f"malformed response ({exc})") from None

    def get(self, doi: str) -> Record | None:
        ident = arxiv_id(normalize_doi(doi))
        if not ident:
            return None  # only arXiv's own DOIs are answered here
        hits = [r for r in self._feed({"id_list": ident}) if r.doi == f"10.48550/arxiv.{ident}"]
        return hits[0] if hits else None

    def search(self, query: str, rows: int = 5) -> list[Record]:
        ident = arxiv_id(query)
        if ident:
            return self._feed({"id_list": ident})[:rows]
        words = key_words(query, 12)
        if not words:
            return []
        return self._feed({"search_query": " OR ".join(f"all:{w}" for w in words), "max_results": rows})[:rows]
