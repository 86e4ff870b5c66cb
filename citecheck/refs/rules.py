"""Exact rules for the parts of a reference that have one unambiguous spelling.

A sequence model is the wrong tool for a DOI or the NLM block `2010;9(3):129-35`:
these have fixed syntax, and a regex is both exact and cheap. The parser uses
them to override (or fill in) what the CRF labelled. Every pattern is linear:
no nested quantifiers over overlapping classes, and inputs are length-capped
by the caller.
"""

from __future__ import annotations

import re

from citecheck.identifiers import DOI_RE, PMID_RE

URL_RE = re.compile(r"((?:https?|ftp)://[^\s<>\"\[\]{}]+|www\.[^\s<>\"\[\]{}]+)", re.IGNORECASE)
# GB/T 7714 document type codes, optionally with carrier (/OL, /CD...).
TYPECODE_RE = re.compile(r"\[\s*(J|M|C|D|R|P|S|N|Z|A|G|K|EB|DB|CP|CM|DS|CT|Q)\s*(?:/\s*(OL|CD|MT|DK))?\s*\]")
TYPECODE_TO_CSL = {
    "J": "article-journal",
    "M": "book",
    "C": "paper-conference",
    "D": "thesis",
    "R": "report",
    "P": "patent",
    "S": "standard",
    "N": "article-newspaper",
    "EB": "webpage",
    "DB": "dataset",
    "CP": "software",
    "CM": "map",
    "DS": "dataset",
    "Z": "document",
    "A": "chapter",
    "G": "book",
    "K": "book",
    "CT": "document",
    "Q": "document",
}

_PAGES = r"(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?)"
# NLM / Vancouver: `2010;9(3):129-35`, `2010 Mar;9(Suppl 2):e12`, `2010;9:129`.
NLM_RE = re.compile(
    r"(?P<year>(?:1[5-9]|20)\d\d)(?:\s+[A-Z][a-z]{2,8}(?:\s*\d{1,2})?(?:\s*-\s*[A-Z][a-z]{2,8})?)?\s*;\s*"
    r"(?P<volume>\d{1,5})\s*(?:\(\s*(?P<issue>[^()]{1,20})\s*\))?\s*:\s*" + _PAGES
)
# GB/T 7714: `2021, 101(16): 1123-1127`, `2021,18(11):2516-2529`, `2021, 101: 12`.
GBT_RE = re.compile(
    r"(?P<year>(?:1[5-9]|20)\d\d)\s*,\s*(?P<volume>\d{1,5})\s*(?:\(\s*(?P<issue>[^()]{1,20})\s*\))?\s*:\s*"
    + _PAGES
)
# APA / Harvard: `20(6), 3068-3077` after the journal (year elsewhere).
APA_RE = re.compile(
    r",\s*(?P<volume>\d{1,5})\s*\(\s*(?P<issue>[^()]{1,20})\s*\)\s*,\s*(?:pp?\.\s*)?" + _PAGES
)


# ACM Reference Format: `Commun. ACM 58, 3 (March 2015), 75–84`, `ACM Trans. Graph. 36, 4, Article 41 (July 2017),
# 12 pages` — volume, issue, an article number, the date in brackets, then the pages (never the page count, nor
# the first half of an arXiv id). Only with pages or an article number: physics styles print `60, 82 (2008)` for
# volume and *page*.
ACM_RE = re.compile(
    r"(?<![\d.,])(?P<volume>\d{1,5}),\s*(?P<issue>\d{1,5}(?:-\d{1,5})?|S\d{1,3})"
    r"(?:,\s*Article\s+(?P<article>[A-Za-z]?\d{1,9}))?\s*"
    r"\((?:[A-Z][a-z]{2,8}\.?(?:\s*/\s*[A-Z][a-z]{2,8}\.?)?\s+)?(?:\d{1,2},?\s+)?(?P<year>(?:1[5-9]|20)\d\d)\)"
    r"(?:,\s*" + _PAGES + r"(?!\d|\s*pages|\s*\.\s*\d))?"
)


def find_doi(text: str) -> str | None:
    m = DOI_RE.search(text)
    if not m:
        return None
    doi = m.group(1).rstrip(".,;")
    # a trailing ')' belongs to the DOI only when it closes a '(' inside it
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi


def find_url(text: str) -> str | None:
    m = URL_RE.search(text)
    if not m:
        return None
    url = m.group(1).rstrip(".,;")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def find_pmid(text: str) -> str | None:
    m = PMID_RE.search(text)
    return m.group(1) if m else None


def find_typecode(text: str) -> tuple[str, re.Match[str]] | None:
    """The CSL type of the first GB/T type code in `text`, with its match."""
    m = TYPECODE_RE.search(text)
    if not m:
        return None
    return TYPECODE_TO_CSL.get(m.group(1), "document"), m


def find_locator(text: str) -> dict[str, str] | None:
    """Year/volume/issue/pages from an NLM, GB/T or ACM locator block, when exactly one is present
    (an ACM article number is its page, as the article numbers of other styles are)."""
    for rx in (NLM_RE, GBT_RE, ACM_RE):
        hits = list(rx.finditer(text))
        if len(hits) == 1:
            loc = {k: v for k, v in hits[0].groupdict().items() if v}
            if "pages" not in loc and "article" in loc:
                loc["pages"] = loc["article"]
            if "pages" in loc:
                return loc
    return None
