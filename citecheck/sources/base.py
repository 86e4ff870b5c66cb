"""The one interface every metadata source implements, and its one error type.

Callers (matching, the audit) treat all sources alike: a list of candidate
`Record`s for a reference string, or a `Record` for a DOI. When a source cannot
answer — network down, rate-limited past the retry budget, a timeout, a body
that is not what the API promises, or the user asked for offline operation — it
raises `SourceUnavailable` with a short human reason. It never returns an error
body as if it were data, so a reference is then marked ``unchecked`` with that
reason instead of ``not_found``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from citecheck.model import Record

OFFLINE = "offline (not in cache)"
"""The reason a source gives when it was not asked because the run is offline (``skipped=True``)."""
HOST_NOT_FOUND = "host not found"
"""The reason's words when a source's server name could not be looked up (no network, no resolver)."""


class SourceUnavailable(Exception):
    """A source could not answer; `reason` says why in a few words.

    `partial` carries candidates that some earlier, less authoritative source
    did produce (set by `SourceChain`), so a caller may still show them.
    """

    def __init__(self, reason: str, partial: list[Record] | None = None, skipped: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial: list[Record] = list(partial or [])
        self.skipped = skipped
        """True when the source was deliberately not consulted (``--offline``), not when it failed."""


@runtime_checkable
class Source(Protocol):
    """A metadata source: search by whole reference string, or fetch by DOI."""

    name: str

    def search(self, query: str, rows: int = 5) -> list[Record]:
        """Best candidates for a whole reference string (Crossref's ``query.bibliographic``)."""
        ...

    def get(self, doi: str) -> Record | None:
        """The record registered under `doi`, or None when this source does not know it."""
        ...


def normalize_doi(doi: str) -> str:
    """Bare lower-case DOI: strips ``doi:`` and resolver URL prefixes and surrounding space.

    DOIs are case-insensitive, so lower case is the one key every source and the
    cache use.
    """
    d = doi.strip()
    low = d.lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if low.startswith(prefix):
            d = d[len(prefix) :]
            break
    return d.strip().lower()
