"""The syntax of the identifiers a reference may print — DOI, PMID, PMCID, arXiv — in one place.

The reference parser reads them into fields and the sources look works up by them; both need the same
patterns, and a pattern kept in two copies drifts. Every pattern is linear (no nested quantifiers over
overlapping classes).
"""

from __future__ import annotations

import re

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\[\]{}]+)", re.IGNORECASE)
PMID_RE = re.compile(r"\bPMID\s*[:：]?\s*(\d{1,9})\b", re.IGNORECASE)
PMCID_RE = re.compile(r"\b(PMC\d{3,9})\b", re.IGNORECASE)
ARXIV_ID_RE = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|\barxiv(?:\s+e-prints?)?\s*[:,]?\s*|10\.48550/arxiv\.|\bcorr\W{0,3}(?:vol(?:ume)?\.?\s*)?abs/)"
    r"(\d{4}\.\d{4,5}|[a-z][a-z.-]{1,20}/\d{7})(?:v\d{1,3})?(?!\d)",
    re.IGNORECASE,
)
"""An arXiv identifier as references print it: ``arXiv:2101.00001``, ``arXiv preprint arXiv:1412.6980v9``,
``arXiv 1810.04805``, ``arxiv.org/abs/hep-th/9901001``, DBLP's ``CoRR abs/1412.6980``, or arXiv's DataCite
DOI ``10.48550/arXiv.…``."""


def arxiv_id(text: str) -> str | None:
    """The arXiv id (lower case, without version) named in `text`, or None."""
    m = ARXIV_ID_RE.search(text)
    return m.group(1).lower() if m else None


def arxiv_span(text: str) -> tuple[int, int] | None:
    """Where in `text` the arXiv identifier (with its `arXiv:` prefix) is written, or None."""
    m = ARXIV_ID_RE.search(text)
    return m.span() if m else None

