"""Several sources tried in order: cache → local indexes → Crossref.

The cheapest source that gives a *confident* answer wins, and every record
says which source produced it (`Record.source`). A local index always returns
its nearest rows, so its answer only counts when the best candidate's
similarity reaches `min_index_score`; otherwise the chain goes on to the next
source and keeps the index's candidates as a fallback.

If no source was confident and one of them was unavailable (network down,
offline), the chain raises `SourceUnavailable` carrying the fallback
candidates in `partial`: "not found" would be a claim nobody checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from citecheck.model import Record
from citecheck.sources.base import Source, SourceUnavailable
from citecheck.sources.index import LocalIndex

DEFAULT_MIN_INDEX_SCORE = 0.75


class SourceChain:
    """A `Source` that asks `sources` in order and returns the first confident answer."""

    name = "chain"

    def __init__(self, sources: Sequence[Source], min_index_score: float = DEFAULT_MIN_INDEX_SCORE) -> None:
        self.sources = list(sources)
        self.min_index_score = min_index_score

    def _confident(self, source: Source, records: list[Record]) -> bool:
        if not records:
            return False
        if isinstance(source, LocalIndex):
            return records[0].score >= self.min_index_score
        return True

    def search(self, query: str, rows: int = 5) -> list[Record]:
        fallback: list[Record] = []
        problems: list[str] = []
        for source in self.sources:
            try:
                records = source.search(query, rows)
            except SourceUnavailable as exc:
                problems.append(f"{source.name}: {exc.reason}")
                continue
            if self._confident(source, records):
                return records
            if records and not fallback:
                fallback = records
        if problems:
            raise SourceUnavailable("; ".join(problems), partial=fallback)
        return fallback

    def get(self, doi: str) -> Record | None:
        problems: list[str] = []
        for source in self.sources:
            try:
                record = source.get(doi)
            except SourceUnavailable as exc:
                problems.append(f"{source.name}: {exc.reason}")
                continue
            if record is not None:
                return record
        if problems:
            raise SourceUnavailable("; ".join(problems))
        return None


def default_chain(indexes: Sequence[LocalIndex] = (), crossref: Source | None = None,
                  min_index_score: float = DEFAULT_MIN_INDEX_SCORE) -> SourceChain:
    """cache → `indexes` → Crossref: the order the audit uses (cheapest, most local first).

    `crossref` is a `CrossrefClient`; its cache-only view goes first when it has a cache.
    """
    from citecheck.sources.crossref import CrossrefClient

    sources: list[Source] = []
    if isinstance(crossref, CrossrefClient) and crossref.cache is not None:
        sources.append(crossref.cached())
    sources += list(indexes)
    if crossref is not None:
        sources.append(crossref)
    return SourceChain(sources, min_index_score)
