"""PubMed MEDLINE / `.nbib` (PubMed's "Send to › Citation manager"): tagged records to CSL fields.

rispy reads RIS, not MEDLINE (the tags differ: ``PMID-``, ``TI  -``, ``FAU -``,
``JT  -``, ``DP  -``, ``AID - … [doi]``), and the one PyPI package for it (nbib)
has not been released since 2021, so this is a small reader of the documented
format: a tag in columns 1–4, ``- `` in 5–6, continuation lines indented by six
spaces, records separated by blank lines and starting with ``PMID-``.
"""

from __future__ import annotations

import re

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.model import CSL, Document, Issue

MAX_NBIB_BYTES = 100 * 1024 * 1024
_PMID = re.compile(r"^PMID- ", re.MULTILINE)
_LINE = re.compile(r"^([A-Z0-9]{2,4}) *- (.*)$")
_TYPES = {"journal article": "article-journal", "review": "article-journal", "book": "book",
          "preprint": "article", "comment": "article-journal", "letter": "article-journal"}


def load_nbib(name: str, data: bytes) -> Document:
    text, encoding, warnings = E.read_text(name, data, MAX_NBIB_BYTES, "MEDLINE file")
    starts = [m.start() for m in _PMID.finditer(text)]
    if not starts:
        raise DocumentError(f"{name}: no MEDLINE record (no line starting 'PMID- ')")
    E.check_count(name, len(starts))
    lines = E.Lines(text)
    refs = []
    for i, start in enumerate(starts):
        raw = text[start:starts[i + 1] if i + 1 < len(starts) else len(text)].rstrip()
        fields, issues = _record_fields(raw)
        refs.append(E.reference("L1", len(refs) + 1, raw, start, lines, fields, issues))
    lst = E.reference_list("L1", "", refs, text, lines, style="medline", whole=True)
    return Document(text=text, source=name, encoding=encoding, format="nbib", warnings=warnings, lists=[lst])


def tags(raw: str) -> list[tuple[str, str]]:
    """``(tag, value)`` pairs of one record, continuation lines joined."""
    out: list[tuple[str, str]] = []
    for line in raw.splitlines():
        m = _LINE.match(line)
        if m:
            out.append((m.group(1), m.group(2).strip()))
        elif line.startswith("      ") and out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {line.strip()}")
    return out


def _record_fields(raw: str) -> tuple[CSL, list[Issue]]:
    pairs = tags(raw)
    values: dict[str, list[str]] = {}
    for tag, value in pairs:
        values.setdefault(tag, []).append(value)
    first = lambda tag: (values.get(tag) or [""])[0]  # noqa: E731
    pub_types = [p.lower() for p in values.get("PT", [])]
    f: CSL = {"type": next((_TYPES[p] for p in pub_types if p in _TYPES), "article-journal")}
    f["title"] = first("TI").rstrip(".") or first("BTI").rstrip(".")
    f["container-title"] = first("JT")
    f["container-title-short"] = first("TA")
    names = [E.name_from_string(a) for a in values.get("FAU") or values.get("AU") or []]
    f["author"] = [n for n in names if n] + [{"literal": c} for c in values.get("CN", [])]
    parts = E.year_parts(first("DP"))
    if parts:
        f["issued"] = {"date-parts": [parts[:1]]}
    f["volume"] = first("VI")
    f["issue"] = first("IP")
    f["page"] = first("PG")
    f["PMID"] = first("PMID")
    f["ISSN"] = first("IS").split(" ")[0]
    f["language"] = first("LA")
    f["publisher"] = first("PB")
    issues: list[Issue] = []
    for aid in values.get("AID", []) + values.get("LID", []):
        if aid.endswith("[doi]"):
            doi, issue = E.clean_doi(aid[:-5].strip())
            if doi:
                f["DOI"] = doi
                break
            if issue:
                issues.append(issue)
    return E.clean_fields(f), issues
