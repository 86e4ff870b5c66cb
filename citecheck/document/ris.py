"""RIS (`.ris`): the tagged format every reference manager and publisher site exports.

Records run from ``TY  -`` to ``ER  -``. Each record's text is cut out (so
`raw` and `span` are the record in the file, and one damaged record cannot
spoil the others) and parsed with rispy, the maintained RIS reader; its keys
are mapped to CSL here.
"""

from __future__ import annotations

import re

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.model import CSL, Document, Issue

MAX_RIS_BYTES = 100 * 1024 * 1024
_TY = re.compile(r"^TY  -", re.MULTILINE)
_ER = re.compile(r"^ER  -[^\n]*", re.MULTILINE)

RIS_TYPES = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal", "ABST": "article-journal",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter",
    "CONF": "paper-conference", "CPAPER": "paper-conference", "THES": "thesis", "RPRT": "report",
    "ELEC": "webpage", "WEB": "webpage", "NEWS": "article-newspaper", "MGZN": "article-magazine", "PAT": "patent",
    "DATA": "dataset", "GEN": "document", "UNPB": "manuscript", "STAND": "standard", "COMP": "software",
}


def load_ris(name: str, data: bytes) -> Document:
    text, encoding, warnings = E.read_text(name, data, MAX_RIS_BYTES, "RIS")
    starts = [m.start() for m in _TY.finditer(text)]
    if not starts:
        raise DocumentError(f"{name}: no RIS record (no line starting 'TY  -')")
    E.check_count(name, len(starts))
    lines = E.Lines(text)
    refs = []
    problems: list[Issue] = []
    for i, start in enumerate(starts):
        limit = starts[i + 1] if i + 1 < len(starts) else len(text)
        end = _ER.search(text, start, limit)
        raw = text[start:end.end() if end else limit].rstrip()
        fields, issues = _record_fields(raw)
        if end is None:
            issues.append(Issue(E.ENTRY_UNREADABLE, f"line {lines.line(start)}: record has no 'ER  -' line"))
        refs.append(E.reference("L1", len(refs) + 1, raw, start, lines, fields, issues))
    lst = E.reference_list("L1", "", refs, text, lines, style="ris", warnings=problems, whole=True)
    return Document(text=text, source=name, encoding=encoding, format="ris", warnings=warnings, lists=[lst])


def _record_fields(raw: str) -> tuple[CSL, list[Issue]]:
    """CSL fields of one RIS record (rispy does the reading)."""
    import rispy

    record = raw if re.search(r"^ER  -", raw, re.MULTILINE) else raw + "\nER  - \n"
    try:
        parsed = rispy.loads(record)
    except Exception as exc:
        return {"type": "document"}, [Issue(E.ENTRY_UNREADABLE, f"unreadable RIS record ({type(exc).__name__})")]
    if not parsed:
        return {"type": "document"}, [Issue(E.ENTRY_UNREADABLE, "empty RIS record")]
    r = parsed[0]
    first = lambda *keys: next((str(r[k]).strip() for k in keys if r.get(k)), "")  # noqa: E731
    f: CSL = {"type": RIS_TYPES.get(first("type_of_reference").upper(), "document")}
    f["title"] = first("title", "primary_title", "translated_title")
    f["container-title"] = first("secondary_title", "journal_name", "alternate_title3", "alternate_title1",
                                 "alternate_title2") if f["type"] != "book" else ""
    if f["type"] == "book" and first("secondary_title"):
        f["collection-title"] = first("secondary_title")
    names = [E.name_from_string(a) for a in (r.get("authors") or r.get("first_authors") or [])]
    f["author"] = [n for n in names if n]
    editors = [E.name_from_string(a) for a in (r.get("secondary_authors") or []) if f["type"] in ("chapter",)]
    f["editor"] = [n for n in editors if n]
    parts = E.year_parts(first("year", "publication_year", "date"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    f["volume"] = first("volume")
    f["issue"] = first("number")
    sp, ep = first("start_page"), first("end_page")
    f["page"] = f"{sp}-{ep}" if sp and ep and ep != sp else sp
    f["publisher"] = first("publisher")
    f["publisher-place"] = first("place_published")
    f["ISSN"] = first("issn") if f["type"] != "book" else ""
    f["ISBN"] = first("issn") if f["type"] == "book" else ""
    f["language"] = first("language")
    f["edition"] = first("edition")
    urls = r.get("urls") or []
    if urls:
        f["URL"] = str(urls[0]).strip()
    issues = E.doi_field(f, first("doi"))
    return E.clean_fields(f), issues
