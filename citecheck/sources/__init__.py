"""Metadata sources behind one interface (`Source`): local index, response cache, Crossref.

Names are imported lazily so that importing the package does not pull in the
HTTP stack (habanero/httpx2) for commands that only use the local index.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from citecheck.sources.base import Source, SourceUnavailable, normalize_doi

_LAZY = {
    "LocalIndex": "citecheck.sources.index",
    "AddStats": "citecheck.sources.index",
    "default_index_path": "citecheck.sources.index",
    "ResponseCache": "citecheck.sources.cache",
    "default_cache_dir": "citecheck.sources.cache",
    "CrossrefClient": "citecheck.sources.crossref",
    "DoiLookup": "citecheck.sources.crossref",
    "RetryPolicy": "citecheck.sources.crossref",
    "SourceChain": "citecheck.sources.chain",
    "default_chain": "citecheck.sources.chain",
    "record_from_crossref": "citecheck.sources.convert",
    "record_from_csl": "citecheck.sources.convert",
    "record_to_crossref": "citecheck.sources.convert",
}

__all__ = ["Source", "SourceUnavailable", "normalize_doi", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
