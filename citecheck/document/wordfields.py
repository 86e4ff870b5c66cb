"""Citation fields in Word files: the exact items Zotero, Mendeley and EndNote embed.

A reference manager's Word plug-in stores every citation's data in the file:

* Zotero: a field ``ADDIN ZOTERO_ITEM CSL_CITATION {json}`` (the code often split
  over many ``w:instrText`` runs); the bibliography is a ``ADDIN ZOTERO_BIBL`` field;
* Mendeley Desktop: ``ADDIN CSL_CITATION {json}`` (older: ``ADDIN Mendeley Citation{uuid}
  CSL_CITATION {json}``) and ``ADDIN Mendeley Bibliography CSL_BIBLIOGRAPHY``; Mendeley Cite:
  content controls tagged ``MENDELEY_CITATION_v3_<base64 json>`` and ``MENDELEY_BIBLIOGRAPHY``;
* EndNote: ``ADDIN EN.CITE <EndNote><Cite>…<record>…`` — the XML written in the
  code or base64-encoded in ``w:fldData`` — and ``ADDIN EN.REFLIST``;
* Word's own References tab: ``CITATION Tag`` fields naming sources kept in a
  ``b:Sources`` part under ``customXml/``.

The JSON is CSL-JSON and the EndNote records are EndNote XML, so the items are
read exactly, no parsing: the list is the unique cited items (same URI, DOI or
title+year = same item) in order of first citation. The document text stays
the visible text; each entry's span is its line in the visible bibliography
when it can be found there (by title), else the bibliography (or the end of
the text). Citations in footnotes and endnotes follow those of the body.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from citecheck.document import entries as E
from citecheck.document.xmlsafe import local, parse_xml
from citecheck.model import CSL, Issue, ReferenceList, Span
from citecheck.text import fold, normalize

PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
MAX_FIELD_CHARS = 5_000_000
"""Longest field code read (a citation's JSON with abstracts is a few kB; 5 M is damage or abuse)."""
_CITATION = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_ITEM(?:\s+CSL_CITATION)?|CSL_CITATION|Mendeley\s+Citation\{[^}]*\}\s*CSL_CITATION)"
                       r"(?![\w.])")
_ENDNOTE = re.compile(r"^\s*ADDIN\s+EN\.CITE\b")
_BIBLIOGRAPHY = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_BIBL|Mendeley Bibliography|EN\.REFLIST)\b")
_WORD_CITATION = re.compile(r"^\s*CITATION\s+\S")
_MENDELEY_TAG = "MENDELEY_CITATION_v3_"
_NUMERIC = re.compile(r"^[\s\[(]*\d+(?:\s*[-\u2013,;]\s*\d+)*[\s\])]*$")
"""A formatted citation of a numeric style (``[1]``, ``(1-3)``, superscript ``1,2``), tags removed."""


@dataclass
class _Field:
    instr: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    in_result: bool = False


@dataclass
class Cited:
    """What the fields say: unique items in order of first citation, the visible bibliography, problems."""

    items: list[tuple[CSL, list[Issue]]] = field(default_factory=list)
    formatted: list[str] = field(default_factory=list)
    bibliography: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    fields_seen: int = 0
    word_tags: list[str] = field(default_factory=list)
    """Source tags of Word's own citations (``CITATION Smi20``), in order of first citation."""
    _index: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, fields: CSL, issues: list[Issue], identities: list[tuple[str, str]]) -> None:
        for ident in identities:
            if ident in self._index:
                return
        E.check_count("Word citation fields", len(self.items) + 1, "cited items")
        for ident in identities:
            self._index[ident] = len(self.items)
        self.items.append((fields, issues))


def read_citations(zf: zipfile.ZipFile, name: str) -> Cited:
    """Every citation field of a .docx (body, then footnotes and endnotes)."""
    cited = Cited()
    names = set(zf.namelist())
    for part in PARTS:
        if part in names:
            root = parse_xml(zf.read(part), name, part)
            _walk(root, cited, name)
    if cited.word_tags:
        _word_sources(zf, cited, name)
    return cited


_B = "{http://schemas.openxmlformats.org/officeDocument/2006/bibliography}"
_WORD_TYPES = {"JournalArticle": "article-journal", "Book": "book", "BookSection": "chapter",
               "ConferenceProceedings": "paper-conference", "Report": "report", "InternetSite": "webpage",
               "DocumentFromInternetSite": "webpage", "ArticleInAPeriodical": "article-magazine", "Patent": "patent",
               "ElectronicSource": "document", "Misc": "document", "Case": "legal_case", "Interview": "interview",
               "Film": "motion_picture", "Sound": "song", "Performance": "performance", "Art": "graphic"}


def _word_sources(zf: zipfile.ZipFile, cited: Cited, name: str) -> None:
    """Word's own citations: the sources they name, from the ``b:Sources`` part in customXml/."""
    sources: dict[str, Any] = {}
    for part in zf.namelist():
        if part.startswith("customXml/item") and part.endswith(".xml") and zf.getinfo(part).file_size < 50_000_000:
            root = parse_xml(zf.read(part), name, part)
            if local(root.tag) == "Sources":
                for src in root:
                    tag = src.findtext(f"{_B}Tag")
                    if tag:
                        sources.setdefault(tag.strip(), src)
    for tag in cited.word_tags:
        src = sources.get(tag)
        if src is None:
            cited.warnings.append(Issue(E.UNDEFINED_CITATION, f"Word citation {tag}: no such source in the document"))
            continue
        cited.add(*_word_source_fields(src), [("word", tag)])


def _word_source_fields(src: Any) -> tuple[CSL, list[Issue]]:
    def get(tag: str) -> str:
        return " ".join((src.findtext(f"{_B}{tag}") or "").split())

    f: CSL = {"type": _WORD_TYPES.get(get("SourceType"), "document"), "title": get("Title")}
    f["container-title"] = (get("JournalName") or get("BookTitle") or get("ConferenceName")
                            or get("PeriodicalTitle") or get("InternetSiteTitle"))
    contributors = src.find(f"{_B}Author")  # b:Author holds the roles: b:Author, b:Editor, b:Translator…
    for role, tag in (("author", "Author"), ("editor", "Editor")):
        people = []
        for group in contributors.findall(f"{_B}{tag}") if contributors is not None else []:
            for person in group.iter(f"{_B}Person"):
                given = " ".join(x for x in ((person.findtext(f"{_B}First") or ""),
                                             (person.findtext(f"{_B}Middle") or "")) if x.strip())
                name = E.person(person.findtext(f"{_B}Last"), given)
                if name:
                    people.append(name)
            corporate = group.findtext(f"{_B}Corporate")
            if corporate and corporate.strip():
                people.append({"literal": corporate.strip()})
        if people and role not in f:
            f[role] = people
    parts = E.year_parts(get("Year"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    f["volume"], f["issue"], f["page"] = get("Volume"), get("Issue"), get("Pages")
    f["publisher"], f["publisher-place"], f["URL"] = get("Publisher"), get("City"), get("URL")
    issues = E.doi_field(f, get("DOI"))
    return E.clean_fields(f), issues


def _walk(root: Any, cited: Cited, name: str) -> None:
    from lxml import etree

    stack: list[_Field] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = local(el.tag)
        if event == "end":
            if tag == "p":
                for f in stack:
                    if f.in_result:
                        f.result.append("\n")
            elif tag == "fldSimple":
                _field_done(_Field([el.get(_w("instr")) or ""], [], ["".join(el.itertext())]), cited, name)
            continue
        if tag == "fldChar":
            kind = el.get(_w("fldCharType"))
            if kind == "begin":
                stack.append(_Field())
            elif kind == "separate" and stack:
                stack[-1].in_result = True
            elif kind == "end" and stack:
                _field_done(stack.pop(), cited, name)
        elif tag == "fldData" and stack:
            # EndNote may keep its XML base64-encoded in w:fldData, inside the begin mark or in a run after it
            stack[-1].data.append(el.text or "")
        elif tag == "instrText" and stack and not stack[-1].in_result:
            if sum(map(len, stack[-1].instr)) < MAX_FIELD_CHARS:
                stack[-1].instr.append(el.text or "")
        elif tag == "t":
            for f in stack:
                if f.in_result:
                    f.result.append(el.text or "")
        elif tag == "tag" and (el.get(_w("val")) or "").startswith(_MENDELEY_TAG):
            _mendeley_v3(el.get(_w("val")) or "", cited)
        elif tag == "tag" and el.get(_w("val")) == "MENDELEY_BIBLIOGRAPHY":
            sdt = el.getparent().getparent() if el.getparent() is not None else None
            content = next((c for c in sdt if local(c.tag) == "sdtContent"), None) if sdt is not None else None
            if content is not None:
                from citecheck.document.blocks import blocks_text

                cited.bibliography += [ln.strip() for ln in blocks_text(content, {"p"}, {"instrText", "delText"}).split("\n")
                                       if ln.strip()]


def _w(attr: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + attr


def _field_done(f: _Field, cited: Cited, name: str) -> None:
    instr = "".join(f.instr)
    if _CITATION.match(instr):
        cited.fields_seen += 1
        marker = instr.find("CSL_CITATION")
        start = instr.find("{", marker if marker >= 0 else 0)
        try:
            value, _ = json.JSONDecoder().raw_decode(instr, start) if start >= 0 else (None, 0)
        except (json.JSONDecodeError, RecursionError):
            cited.warnings.append(Issue(E.ENTRY_UNREADABLE, "a citation field's data is damaged (not JSON); "
                                        f"its visible text: {''.join(f.result).strip()[:80]!r}"))
            return
        _csl_citation(value, cited)
    elif _ENDNOTE.match(instr):
        cited.fields_seen += 1
        before = len(cited.formatted)
        _endnote(instr, f.data, cited, name)
        shown = "".join(f.result).strip()
        if len(cited.formatted) == before and shown:
            cited.formatted.append(shown)  # no DisplayText: what the field shows says the style
    elif _WORD_CITATION.match(instr):
        cited.fields_seen += 1
        tags = [m.group(1) for m in re.finditer(r"(?:CITATION|\\m)\s+(\S+)", instr)]
        cited.word_tags += [t for t in tags if t not in cited.word_tags]
    elif _BIBLIOGRAPHY.match(instr) or instr.strip().startswith("BIBLIOGRAPHY"):
        text = "".join(f.result)
        cited.bibliography += [line.strip() for line in text.split("\n") if line.strip()]


def _csl_citation(value: Any, cited: Cited) -> None:
    from citecheck.document.csljson import item_fields

    if not isinstance(value, dict):
        return
    props = value.get("properties") if isinstance(value.get("properties"), dict) else {}
    mendeley = value.get("mendeley") if isinstance(value.get("mendeley"), dict) else {}
    shown = props.get("formattedCitation") or mendeley.get("formattedCitation") or props.get("plainCitation")
    if isinstance(shown, str):
        cited.formatted.append(shown)
    for ci in value.get("citationItems") or []:
        if not isinstance(ci, dict) or not isinstance(ci.get("itemData"), dict):
            continue
        data = ci["itemData"]
        fields, issues = item_fields(data)
        uris = ci.get("uris") or ci.get("uri") or []
        uris = [uris] if isinstance(uris, str) else uris
        idents = [("uri", u) for u in uris if isinstance(u, str)]
        fields.pop("id", None)
        cited.add(fields, issues, [*idents, *_identities(fields)])


def _identities(fields: CSL) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if fields.get("DOI"):
        out.append(("doi", str(fields["DOI"]).lower()))
    if fields.get("title"):
        year = fields["issued"]["date-parts"][0][0] if fields.get("issued") else ""
        out.append(("title", f"{fold(str(fields['title']))}|{year}"))
    return out


def _mendeley_v3(tag: str, cited: Cited) -> None:
    payload = tag[len(_MENDELEY_TAG):]
    try:
        value = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        cited.warnings.append(Issue(E.ENTRY_UNREADABLE, "a Mendeley Cite citation's data is damaged"))
        return
    cited.fields_seen += 1
    _csl_citation(value, cited)


def _endnote(instr: str, data: list[str], cited: Cited, name: str) -> None:
    from citecheck.document.endnote import endnote_fields

    xml: bytes = b""
    at = instr.find("<EndNote")
    if at >= 0:
        xml = instr[at:].encode("utf-8")
    elif data:
        try:
            decoded = base64.b64decode("".join("".join(data).split()))
        except (binascii.Error, ValueError):
            decoded = b""
        at = decoded.find(b"<EndNote")
        xml = decoded[at:] if at >= 0 else b""
    if not xml:
        return
    try:
        root = parse_xml(xml, name, "EndNote citation")
    except Exception:
        cited.warnings.append(Issue(E.ENTRY_UNREADABLE, "an EndNote citation field's data is damaged (not XML)"))
        return
    for cite in (c for c in root.iter() if local(c.tag) == "Cite"):
        display = next((c.text or "" for c in cite if local(c.tag) == "DisplayText"), "")
        if display:
            cited.formatted.append(display)
        record = next((c for c in cite.iter() if local(c.tag) == "record"), None)
        if record is None:
            continue
        fields, issues = endnote_fields(record)
        recnum = next((("recnum", c.text or "") for c in cite if local(c.tag) == "RecNum" and c.text), None)
        cited.add(fields, issues, [*([recnum] if recnum else []), *_identities(fields)])


def citation_list(cited: Cited, text: str) -> ReferenceList:
    """The cited items as one list whose spans point at their lines of the visible bibliography."""
    lines = E.Lines(text)
    numeric = bool(cited.formatted) and all(_NUMERIC.match(re.sub(r"<[^>]+>", "", s)) for s in cited.formatted)
    bib_lines = [normalize(b) for b in cited.bibliography]
    bib_at = _locate_block(text, bib_lines)
    end = len(text)
    list_span = Span(bib_at[0], bib_at[1], lines.line(bib_at[0])) if bib_at else Span(end, end, lines.line(end))
    refs = []
    taken: set[int] = set()
    for n, (fields, issues) in enumerate(cited.items, start=1):
        where = _locate_entry(text, bib_lines, fields, taken, bib_at)
        if where is None:
            raw, start = "", list_span.end
        else:
            start, raw = where
        ref = E.reference("L1", n, raw, start, lines, fields, issues, label=f"[{n}]" if numeric else "",
                          text=raw or json.dumps(fields, ensure_ascii=False))
        refs.append(ref)
    return E.reference_list("L1", "References" if bib_at else "", refs, text, lines,
                            style="numeric" if numeric else "author-year", warnings=cited.warnings, span=list_span)


def _locate_block(text: str, bib_lines: list[str]) -> tuple[int, int] | None:
    if not bib_lines:
        return None
    first = text.find(bib_lines[0])
    if first < 0:
        return None
    last_line = text.find(bib_lines[-1], first)
    return first, (last_line + len(bib_lines[-1])) if last_line >= 0 else first + len(bib_lines[0])


def _locate_entry(text: str, bib_lines: list[str], fields: CSL, taken: set[int],
                  block: tuple[int, int] | None) -> tuple[int, str] | None:
    title = fold(str(fields.get("title", "")))[:60]
    if not title or block is None:
        return None
    for i, line in enumerate(bib_lines):
        if i not in taken and title in fold(line):
            at = text.find(line, block[0])
            if at >= 0:
                taken.add(i)
                return at, line
    return None
