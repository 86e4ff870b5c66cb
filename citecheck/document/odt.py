"""OpenDocument text (`.odt`, LibreOffice/OpenOffice): paragraphs, headings, lists and tables as text.

The file is a zip; ``content.xml`` is read with the hardened lxml parser after
the same zip-bomb check as Word files. Footnotes are moved after the body (in
place they would split the sentence that cites them). Zotero for LibreOffice
keeps each citation's CSL-JSON in the name of a reference mark
(``ZOTERO_ITEM CSL_CITATION {…}``), and LibreOffice's own bibliography marks carry
their fields as attributes: those items are read exactly, as in Word.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from citecheck.document import entries as E
from citecheck.document.blocks import blocks_text
from citecheck.document.errors import DocumentError
from citecheck.document.word import MAX_DOCX_UNPACKED
from citecheck.document.xmlsafe import local, parse_xml
from citecheck.model import CSL, Document
from citecheck.text import normalize

_BLOCKS = {"p", "h", "list-item", "table-row", "section", "note-body", "table"}
CELLS = {"table-cell"}
_SKIP = {"note", "tracked-changes", "annotation", "sequence-decls", "forms", "bookmark-ref"}


def load_odt(name: str, data: bytes) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            if unpacked > MAX_DOCX_UNPACKED:
                raise DocumentError(f"{name}: .odt unpacks to {unpacked // (1024 * 1024)} MB, refused as a zip bomb")
            if "content.xml" not in zf.namelist():
                raise DocumentError(f"{name}: not an OpenDocument text (no content.xml)")
            content = zf.read("content.xml")
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not a valid .odt (damaged zip)") from None
    root = parse_xml(content, name, "OpenDocument content")
    body = next((el for el in root.iter() if local(el.tag) == "text"), root)
    text = blocks_text(body, _BLOCKS, _SKIP, breaks={"line-break"}, cells=CELLS)
    notes = [blocks_text(n, _BLOCKS, ()) for n in body.iter() if local(n.tag) == "note-body"]
    if notes:
        text = f"{text}\n\nNotes\n\n" + "\n".join(notes)
    text = normalize(text)
    doc = Document(text=text, source=name, encoding="odt", format="odt")
    _zotero_marks(root, doc, text)
    return doc


def _zotero_marks(root: object, doc: Document, text: str) -> None:
    from citecheck.document.wordfields import Cited, _csl_citation, _identities, citation_list

    cited = Cited()
    for el in root.iter():  # type: ignore[attr-defined]
        tag = local(el.tag)
        if tag in ("reference-mark-start", "reference-mark"):
            mark = next((v for k, v in el.attrib.items() if k.endswith("}name")), "")
            if "CSL_CITATION" in mark and "{" in mark:
                try:
                    value, _ = json.JSONDecoder().raw_decode(mark, mark.index("{"))
                except (json.JSONDecodeError, RecursionError):
                    continue
                cited.fields_seen += 1
                _csl_citation(value, cited)
        elif tag == "bibliography-mark":
            cited.fields_seen += 1
            fields, identity = _native_mark(el)
            cited.add(fields, [], [identity, *_identities(fields)])
        elif tag == "section" and any(v.startswith("ZOTERO_BIBL") for k, v in el.attrib.items() if k.endswith("}name")):
            cited.bibliography += [line for line in blocks_text(el, _BLOCKS, ()).split("\n") if line.strip()]
    if cited.items:
        doc.lists = [citation_list(cited, text)]


_NATIVE_TYPES = {"article": "article-journal", "book": "book", "incollection": "chapter", "inbook": "chapter",
                 "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
                 "phdthesis": "thesis", "masterthesis": "thesis", "techreport": "report", "www": "webpage",
                 "manual": "report", "booklet": "pamphlet", "unpublished": "manuscript"}


def _native_mark(el: Any) -> tuple[CSL, tuple[str, str]]:
    """LibreOffice's own bibliography entry: its data are the mark's attributes (BibTeX-like names)."""
    attrs = {k.rsplit("}", 1)[-1]: " ".join(v.split()) for k, v in el.attrib.items()}
    f: CSL = {"type": _NATIVE_TYPES.get(attrs.get("bibliography-type", "").lower(), "document"),
              "title": attrs.get("title", ""),
              "container-title": attrs.get("journal") or attrs.get("booktitle") or "",
              "volume": attrs.get("volume", ""), "issue": attrs.get("number", ""), "page": attrs.get("pages", ""),
              "publisher": attrs.get("publisher") or attrs.get("school") or attrs.get("institution") or "",
              "URL": attrs.get("url", ""), "ISBN": attrs.get("isbn", "")}
    for role in ("author", "editor"):
        names = [E.name_from_string(n) for n in re.split(r";|\s+and\s+", attrs.get(role, ""))]
        f[role] = [n for n in names if n]
    parts = E.year_parts(attrs.get("year", ""))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    return E.clean_fields(f), ("odt", attrs.get("identifier") or attrs.get("title", ""))
