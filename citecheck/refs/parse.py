"""Placeholder reference parser (replaced by the CRF-based parser)."""

from __future__ import annotations

import re

from citecheck.model import CSL, Issue

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def parse_reference(text: str) -> tuple[CSL, list[Issue]]:
    """Parse one reference string into CSL-JSON fields; never raises."""
    fields: CSL = {"type": "article-journal"}
    m = _YEAR.search(text)
    if m:
        fields["issued"] = {"date-parts": [[int(m.group(1))]]}
    return fields, []
