"""Candidate validation, confidence and classified field diffs — the public face of matching.

`validate(ref, candidates)` is pure: it compares every candidate record with the
parsed reference and its string, field by field, scores it with a calibrated
logistic model and decides a verdict (`verified`, `corrected`, `ambiguous`,
`not_found`). `resolve(refs, sources)` does the I/O: DOI look-ups, searches
along the source chain, and `unchecked` when sources cannot answer. Modules:
compare (field views), diffs (classified field differences), journals
(abbreviations), score (the confidence model), validate, resolve.
"""

from __future__ import annotations

from citecheck.matching.diffs import author_diffs, classify, classify_text, classify_value, field_diff
from citecheck.matching.journals import is_abbreviation, journal_equal
from citecheck.matching.resolve import resolve, resolve_one
from citecheck.matching.validate import ACCEPT, MARGIN, WEAK, validate

__all__ = [
    "ACCEPT",
    "MARGIN",
    "WEAK",
    "author_diffs",
    "classify",
    "classify_text",
    "classify_value",
    "field_diff",
    "is_abbreviation",
    "journal_equal",
    "resolve",
    "resolve_one",
    "validate",
]
