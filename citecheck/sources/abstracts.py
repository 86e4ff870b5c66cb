"""Abstracts for matched works that came without one: the support audit's evidence beyond the title.

A Crossref record often has no abstract, while Europe PMC holds PubMed's for biomedical work. After
matching, the DOIs (or, without one, the PubMed ids) of accepted matches whose record lacks an abstract
are asked of Europe PMC in batches (`EuropePmcSource.by_dois` / `by_pmids`, one polite request per
`BATCH` ids). Its responses go through
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
    """Give accepted matches whose record has no abstract the one Europe PMC has (in place): by DOI,
    or by PubMed id for a record that has no DOI."""
    epmc = next((s for s in sources if getattr(s, "name", "") == "europepmc" and hasattr(s, "by_dois")), None)
    by_doi: dict[str, list[Match]] = {}
    by_pmid: dict[str, list[Match]] = {}
    for m in matches:
        if m.verdict not in ACCEPTED or m.record is None or m.record.abstract:
            continue
        pmid = str(m.record.fields.get("PMID") or "").strip()
        if m.record.doi:
            by_doi.setdefault(m.record.doi, []).append(m)
        elif pmid.isdigit():
            by_pmid.setdefault(pmid, []).append(m)
    out = AbstractFill(wanted=len(by_doi) + len(by_pmid))
    if epmc is None or not out.wanted:
        return out
    for table, ask, key in ((by_doi, epmc.by_dois, lambda r: r.doi),
                            (by_pmid, epmc.by_pmids, lambda r: str(r.fields.get("PMID") or ""))):
        ids = sorted(table)
        for i in range(0, len(ids), batch):
            try:
                found = ask(ids[i:i + batch])
            except SourceUnavailable as exc:
                out.unavailable, out.skipped = exc.reason, exc.skipped
                if exc.skipped:
                    continue  # offline: a later batch may still be in the cache
                return out
            for rec in found:
                if rec.abstract and key(rec) in table:
                    for m in table.pop(key(rec)):
                        assert m.record is not None
                        m.record = dataclasses.replace(m.record, abstract=rec.abstract)
                    out.filled += 1
    return out
