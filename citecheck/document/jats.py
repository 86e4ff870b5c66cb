"""JATS / NLM XML articles (PubMed Central, publishers, the Open Journals): exact references and the body.

The ``<ref-list>`` gives every reference tagged: ``<element-citation>`` or a
``<mixed-citation>`` whose parts are tagged (``person-group``, ``article-title``,
``source``, ``year``, ``fpage``, ``pub-id pub-id-type="doi"``…) is read field by
field; a ``<mixed-citation>`` that is only text is parsed by our reference
parser. The body keeps its paragraphs and headings, and each
``<xref ref-type="bibr" rid="…">`` becomes a numeric marker ``[n]`` for the
entry it points to, so the claim linker links it. The references follow the
body under a "References" heading (each entry's text as printed, with its
label), so spans are real. Parsed with the hardened lxml parser.
"""

from __future__ import annotations

import re
from typing import Any

from citecheck.document import entries as E
from citecheck.document.blocks import blocks_text
from citecheck.document.errors import DocumentError
from citecheck.document.xmlsafe import local, parse_xml, text_of
from citecheck.model import CSL, Document, Issue, Span
from citecheck.text import normalize

_BLOCKS = {"p", "title", "sec", "list-item", "caption", "label", "abstract", "article-title", "fig", "table-wrap",
          "disp-quote", "def-item", "boxed-text", "tr", "ack", "app", "fn", "trans-title", "subtitle"}
_SKIP = {"ref-list", "table-wrap-foot", "disp-formula", "inline-formula", "tex-math", "math", "graphic", "object-id",
        "alternatives", "funding-group"}
TYPES = {"journal": "article-journal", "book": "book", "chapter": "chapter", "confproc": "paper-conference",
         "conference": "paper-conference", "thesis": "thesis", "report": "report", "web": "webpage",
         "webpage": "webpage", "data": "dataset", "dataset": "dataset", "software": "software", "patent": "patent",
         "preprint": "article", "standard": "standard", "other": "document"}
_TAGGED = {"person-group", "article-title", "source", "year", "name", "string-name", "chapter-title", "fpage",
           "volume", "pub-id", "collab"}


def is_jats(root: Any) -> bool:
    return local(root.tag) == "article" or any(local(el.tag) == "ref-list" for el in root.iter())


def load_jats(name: str, data: bytes, root: Any = None) -> Document:
    root = parse_xml(data, name, "JATS XML") if root is None else root
    refs_el = [el for el in root.iter() if local(el.tag) == "ref"]
    E.check_count(name, len(refs_el))
    ids: dict[str, int] = {}
    entries: list[tuple[str, str, CSL, list[Issue]]] = []
    for i, ref in enumerate(refs_el, start=1):
        n = i
        label = next((text_of(c) for c in ref if local(c.tag) == "label"), "")
        if label.strip(" .[]()").isdigit():
            n = int(label.strip(" .[]()"))
        if ref.get("id"):
            ids[ref.get("id")] = n
        citation = next((c for c in ref.iter() if local(c.tag) in ("element-citation", "mixed-citation", "citation",
                                                                      "nlm-citation")), None)
        if citation is None:
            continue
        printed = text_of(citation)
        fields, issues = citation_fields(citation, printed)
        if local(citation.tag) != "mixed-citation" and fields.get("title"):
            from citecheck.document.endnote import readable

            printed = readable(fields)  # element-citation has no punctuation between its parts
        entries.append((f"[{n}]", printed, fields, issues))
    front = next((el for el in root.iter() if local(el.tag) == "front"), None)
    body = next((el for el in root.iter() if local(el.tag) == "body"), None)
    back = next((el for el in root.iter() if local(el.tag) == "back"), None)

    def marker(el: Any) -> str | None:
        if local(el.tag) == "xref" and el.get("ref-type") == "bibr":
            nums = [ids[r] for r in (el.get("rid") or "").split() if r in ids]
            return f"[{', '.join(map(str, nums))}]" if nums else None
        return None

    parts = []
    if front is not None:
        title = next((el for el in front.iter() if local(el.tag) == "article-title"), None)
        abstract = next((el for el in front.iter() if local(el.tag) == "abstract"), None)
        parts += [text_of(title) if title is not None else "",
                  blocks_text(abstract, _BLOCKS, _SKIP, replace=marker) if abstract is not None else ""]
    for el in (body, back):
        if el is not None:
            parts.append(blocks_text(el, _BLOCKS, _SKIP, replace=marker))
    text = normalize("\n\n".join(p for p in parts if p).strip())
    if not entries:
        if not text:
            raise DocumentError(f"{name}: JATS XML with neither body text nor a <ref-list>")
        return Document(text=text, source=name, encoding="utf-8", format="jats")
    heading = "References"
    pieces = [text, "\n\n", heading, "\n\n"] if text else [heading, "\n\n"]
    pos = sum(map(len, pieces))
    head_at = pos - len(heading) - 2
    placed = []
    for label, printed, fields, issues in entries:
        raw = normalize(f"{label} {printed}")
        placed.append((pos, raw, label, fields, issues))
        pieces += [raw, "\n"]
        pos += len(raw) + 1
    full = "".join(pieces)
    lines = E.Lines(full)
    refs = [E.reference("L1", int(label.strip("[]")), raw, start, lines, fields, issues, label=label,
                        text=raw[len(label):].strip())
            for start, raw, label, fields, issues in placed]
    span = Span(head_at, refs[-1].span.end, lines.line(head_at))
    lst = E.reference_list("L1", heading, refs, full, lines, style="numeric", span=span)
    return Document(text=full, source=name, encoding="utf-8", format="jats", lists=[lst])


def _all(el: Any, tag: str) -> list[Any]:
    return [c for c in el.iter() if local(c.tag) == tag]


def _one(el: Any, tag: str) -> str:
    found = _all(el, tag)
    return text_of(found[0]) if found else ""


def citation_fields(citation: Any, printed: str) -> tuple[CSL, list[Issue]]:
    """CSL fields of one JATS citation element: exact when tagged, parsed when it is only text."""
    if not any(local(c.tag) in _TAGGED for c in citation.iter()):
        from citecheck.refs.parse import parse_reference

        fields, issues = parse_reference(printed)
        return fields, list(issues)
    ptype = (citation.get("publication-type") or citation.get("citation-type") or "").lower()
    f: CSL = {"type": TYPES.get(ptype, "article-journal" if _one(citation, "article-title") else "document")}
    title = _one(citation, "article-title") or _one(citation, "chapter-title") or _one(citation, "data-title")
    source = _one(citation, "source")
    if title:
        f["title"] = title
        f["container-title"] = source
    elif source:
        f["title"] = source
    groups = _all(citation, "person-group")
    roles: dict[str, list[dict[str, str]]] = {}
    for group in groups or [citation]:
        role = (group.get("person-group-type") or "author").lower()
        names = roles.setdefault("editor" if role == "editor" else "author", [])
        for person in group.iter():
            tag = local(person.tag)
            if tag in ("name", "string-name") and (_all(person, "surname") or _all(person, "given-names")):
                name = E.person(_one(person, "surname"), _one(person, "given-names"))
            elif tag == "string-name":
                name = E.name_from_string(text_of(person))
            elif tag == "collab":
                name = E.person(None, literal=text_of(person))
            else:
                continue
            if name:
                names.append(name)
        if not groups:
            break
    for role, names in roles.items():
        if names:
            f[role] = names
    parts = E.year_parts(_one(citation, "year") or _one(citation, "date"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    f["volume"] = _one(citation, "volume")
    f["issue"] = _one(citation, "issue")
    fpage, lpage = _one(citation, "fpage"), _one(citation, "lpage")
    f["page"] = f"{fpage}-{lpage}" if fpage and lpage else fpage or _one(citation, "elocation-id")
    f["publisher"] = _one(citation, "publisher-name")
    f["publisher-place"] = _one(citation, "publisher-loc")
    f["edition"] = _one(citation, "edition")
    issues: list[Issue] = []
    for pub_id in _all(citation, "pub-id"):
        kind = (pub_id.get("pub-id-type") or "").lower()
        value = text_of(pub_id)
        if kind == "doi":
            doi, issue = E.clean_doi(value)
            if doi:
                f["DOI"] = doi
            if issue:
                issues.append(issue)
        elif kind == "pmid" and value.isdigit():
            f["PMID"] = value
    links = [el for el in citation.iter() if local(el.tag) in ("ext-link", "uri")]
    for link in links:
        href = next((v for k, v in link.attrib.items() if k.endswith("href")), "") or text_of(link)
        if "DOI" not in f and re.search(r"doi\.org/10\.", href):
            doi, _ = E.clean_doi(href)
            if doi:
                f["DOI"] = doi
                continue
        if href and "URL" not in f:
            f["URL"] = href
    return E.clean_fields(f), issues
