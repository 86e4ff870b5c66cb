"""EndNote XML (File › Export › XML): ``<xml><records><record>…`` to exact CSL fields.

The same record element sits inside Word's ``ADDIN EN.CITE`` citation fields,
so `endnote_fields` serves both. Parsed with the hardened lxml parser
(`citecheck.document.xmlsafe`). The document text is a readable line per
record (``n. Authors. Title. Journal. Year``) so every reference has a real span.
"""

from __future__ import annotations

import re
from typing import Any

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.document.xmlsafe import local, parse_xml, text_of
from citecheck.model import CSL, Document, Issue

REF_TYPES = {
    "journal article": "article-journal", "electronic article": "article-journal", "book": "book",
    "edited book": "book", "electronic book": "book", "book section": "chapter",
    "electronic book section": "chapter", "conference proceedings": "paper-conference",
    "conference paper": "paper-conference", "thesis": "thesis", "report": "report", "web page": "webpage",
    "newspaper article": "article-newspaper", "magazine article": "article-magazine", "patent": "patent",
    "dataset": "dataset", "generic": "document", "manuscript": "manuscript", "standard": "standard",
    "computer program": "software", "government document": "report", "statute": "legislation",
}


def load_endnote(name: str, data: bytes, root: Any = None) -> Document:
    root = parse_xml(data, name, "EndNote XML") if root is None else root
    records = [el for el in root.iter() if local(el.tag) == "record"]
    if not records:
        raise DocumentError(f"{name}: no <record> in this EndNote XML")
    E.check_count(name, len(records))
    return document_from_items(name, "endnote", [endnote_fields(r) for r in records])


def document_from_items(name: str, fmt: str, items: list[tuple[CSL, list[Issue]]],
                        heading: str = "References", style: str = "unknown") -> Document:
    """A Document whose text is one readable line per item (so spans are real) and one list of them."""
    parts: list[str] = [heading, "\n\n"] if heading else []
    pos = sum(len(p) for p in parts)
    placed: list[tuple[int, str, CSL, list[Issue]]] = []
    for fields, issues in items:
        line = readable(fields) or "(empty record)"
        placed.append((pos, line, fields, issues))
        parts += [line, "\n"]
        pos += len(line) + 1
    text = "".join(parts)
    lines = E.Lines(text)
    refs = [E.reference("L1", i, line, start, lines, fields, issues)
            for i, (start, line, fields, issues) in enumerate(placed, start=1)]
    lst = E.reference_list("L1", heading, refs, text, lines, style=style, whole=True)
    return Document(text=text, source=name, encoding="utf-8", format=fmt, lists=[lst])


def readable(f: CSL) -> str:
    """``Smith J, Doe A. Title. Journal. 2020;3(2):1-10. doi:…`` — one line to show and to point at."""
    names = []
    for a in f.get("author", [])[:20]:
        names.append(a.get("literal") or " ".join(x for x in (a.get("family"), a.get("given")) if x))
    year = str(f["issued"]["date-parts"][0][0]) if f.get("issued") else ""
    bits = [", ".join(names), f.get("title", ""), f.get("container-title", "") or f.get("publisher", ""), year]
    vol = "".join(x for x in (f.get("volume", ""), f"({f['issue']})" if f.get("issue") else "",
                              f":{f['page']}" if f.get("page") else ""))
    if vol:
        bits.append(vol)
    if f.get("DOI"):
        bits.append(f"doi:{f['DOI']}")
    return ". ".join(" ".join(str(b).split()) for b in bits if b).replace("..", ".")


def _first(record: Any, *paths: str) -> str:
    for path in paths:
        for el in record.iter():
            if local(el.tag) == path:
                value = text_of(el)
                if value:
                    return value
    return ""


def _child(el: Any, name: str) -> Any:
    for c in el.iter():
        if local(c.tag) == name:
            return c
    return None


def endnote_fields(record: Any) -> tuple[CSL, list[Issue]]:
    """CSL fields of one EndNote ``<record>``, and a malformed DOI as an Issue."""
    ref_type = _child(record, "ref-type")
    type_name = (ref_type.get("name") or "").lower() if ref_type is not None else ""
    f: CSL = {"type": REF_TYPES.get(type_name, "document")}
    titles = _child(record, "titles")
    if titles is not None:
        f["title"] = _first(titles, "title")
        f["container-title"] = _first(titles, "secondary-title")
    periodical = _child(record, "periodical")
    if not f.get("container-title") and periodical is not None:
        f["container-title"] = _first(periodical, "full-title", "abbr-1")
    contributors = _child(record, "contributors")
    if contributors is not None:
        for role, tag in (("author", "authors"), ("editor", "secondary-authors")):
            group = _child(contributors, tag)
            if group is None:
                continue
            names = [E.name_from_string(text_of(a)) for a in group if local(a.tag) == "author"]
            if names := [n for n in names if n]:
                f[role] = names
    dates = _child(record, "dates")
    if dates is not None:
        parts = E.year_parts(_first(dates, "year"))
        if parts:
            f["issued"] = {"date-parts": [parts]}
    for tag, key in (("volume", "volume"), ("number", "issue"), ("pages", "page"), ("publisher", "publisher"),
                     ("pub-location", "publisher-place"), ("isbn", "ISBN"), ("edition", "edition"),
                     ("language", "language")):
        value = _first(record, tag)
        if value:
            f[key] = re.sub(r"\s*[-\u2013]\s*", "-", value) if key == "page" else value
    url = _first(record, "url")
    if url:
        f["URL"] = url
    issues: list[Issue] = []
    doi, issue = E.clean_doi(_first(record, "electronic-resource-num"))
    if doi:
        f["DOI"] = doi
    elif issue and "10." in issue.message:
        issues.append(issue)
    accession = _first(record, "accession-num")
    if accession.isdigit() and "pubmed" in _first(record, "remote-database-name").lower():
        f["PMID"] = accession
    return E.clean_fields(f), issues
