"""Abstracts for matched works that came without one: the support audit's evidence beyond the title.

A Crossref record often has no abstract, while Europe PMC holds PubMed's for biomedical work. After
matching, the DOIs of accepted matches whose record lacks an abstract are asked of Europe PMC in
batches (`EuropePmcSource.by_dois`, one polite request per `BATCH` DOIs). Its responses go through
the response cache like every source's, so an offline re-run reads the same abstracts from the
cache. Nothing else in the record changes: the abstract is evidence, not metadata to correct.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from citecheck.model import ACCEPTED, Match
from citecheck.sources.base import SourceUnavailable

BATCH = 20
"""DOIs per Europe PMC request (its ``pageSize`` allows far more; small batches keep one failure small)."""


@dataclasses.dataclass
class AbstractFill:
    """What the fill did: how many records lacked an abstract, how many got one, and why the rest did not."""

    wanted: int = 0
    filled: int = 0
    unavailable: str = ""
    """The source's reason when it could not be asked (network down, offline and not cached)."""
    skipped: bool = False
    """True when it was not asked because the run is offline (not a failure)."""


def fill_abstracts(matches: Sequence[Match], sources: Sequence[Any], batch: int = BATCH) -> AbstractFill:
    """Give accepted matches whose record has no abstract the one Europe PMC has (in place)."""
    epmc = next((s for s in sources if getattr(s, "name", "") == "europepmc" and hasattr(s, "by_dois")), None)
    todo: dict[str, list[Match]] = {}
    for m in matches:
        if m.verdict in ACCEPTED and m.record is not None and m.record.doi and not m.record.abstract:
            todo.setdefault(m.record.doi, []).append(m)
    out = AbstractFill(wanted=len(todo))
    if epmc is None or not todo:
        return out
    dois = sorted(todo)
    for i in range(0, len(dois), batch):
        try:
            found = epmc.by_dois(dois[i:i + batch])
        except SourceUnavailable as exc:
            out.unavailable, out.skipped = exc.reason, exc.skipped
            if exc.skipped:
                continue  # offline: a later batch may still be in the cache
            break
        for rec in found:
            if rec.abstract and rec.doi in todo:
                for m in todo.pop(rec.doi):
                    assert m.record is not None
                    m.record = dataclasses.replace(m.record, abstract=rec.abstract)
                out.filled += 1
    return out
