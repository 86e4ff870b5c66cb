"""Metadata sources behind one interface (`Source`): response cache, local index, Crossref, and (modules of their own,
built by `citecheck.config.build_sources`) DataCite, Europe PMC, arXiv and OpenAlex on the `http.PoliteHttp` helper.

The one walk over them is `citecheck.matching.resolve_one` (cheapest first, stop at the
first accepted match); `citecheck.config.build_sources` puts them in that order.
"""

from __future__ import annotations

from citecheck.sources.base import Source, SourceUnavailable, normalize_doi
from citecheck.sources.cache import ResponseCache, default_cache_dir
from citecheck.sources.convert import record_from_crossref, record_from_csl, record_to_crossref
from citecheck.sources.crossref import CrossrefClient, DoiLookup, RetryPolicy
from citecheck.sources.index import AddStats, LocalIndex, default_index_path

__all__ = [
    "AddStats",
    "CrossrefClient",
    "DoiLookup",
    "LocalIndex",
    "ResponseCache",
    "RetryPolicy",
    "Source",
    "SourceUnavailable",
    "default_cache_dir",
    "default_index_path",
    "normalize_doi",
    "record_from_crossref",
    "record_from_csl",
    "record_to_crossref",
]
