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


def arxiv_number(ident: str) -> str:
    """The CSL `number` of an arXiv preprint (`arXiv:1810.04805`), as the parser, the arXiv records and BibTeX's
    `eprint` share it."""
    return f"arXiv:{ident}"


def arxiv_of_number(number: object) -> str | None:
    """The arXiv id a CSL `number` holds (`arXiv:1810.04805` → `1810.04805`), or None for any other number."""
    m = re.fullmatch(r"(?i)arxiv:\s*(\S+)", str(number or "").strip())
    return m.group(1) if m else None

