"""Word (.docx): paragraph and table text, streamed from the XML in linear time, with caps.

The unpacked size is checked before anything is parsed (zip bombs). The main
part (``word/document.xml``, or wherever ``_rels/.rels`` points) is then read
with lxml ``iterparse`` — entities not resolved, no network — and each
paragraph and table cell is turned into text and freed as soon as it ends.

Why not python-docx: ``row.cells`` walks the grid once per cell to resolve
merged cells, so it is quadratic in a row's or a table's size — a 73 KB file
with one large merged table took 492 s. Here each ``w:tc`` is read once. The
output keeps python-docx's layout: body paragraphs first, then one line per
row of each top-level table, cells joined by tabs.

Caps: at most `MAX_PARAGRAPHS` paragraphs and `MAX_CELLS` table cells are
read; beyond them the rest is skipped with a warning naming the cap.

When a reference manager's citation fields are in the file (Zotero, Mendeley,
EndNote, Word's own), the cited items are read from them exactly
(`citecheck.document.wordfields`); otherwise the reference list is found in the
text like any other document's.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from typing import Any

from citecheck.document.errors import DocumentError
from citecheck.document.wordfields import citation_list, read_citations
from citecheck.model import Document, Issue
from citecheck.text import normalize

MAX_DOCX_UNPACKED = 100 * 1024 * 1024
MAX_PARAGRAPHS = 500_000
"""A 5,000-page thesis has ~100,000 paragraphs."""
MAX_CELLS = 200_000
"""Table cells read (a reference list kept in a table has 2–4 cells per entry)."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _BODY = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}body"
_TEXT_TAGS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n",
              f"{_W}noBreakHyphen": "-"}
_OFFICE_DOCUMENT = "/officeDocument"


def _main_part(zf: zipfile.ZipFile) -> str:
    """The main document part's name inside the package (``word/document.xml`` by convention)."""
    from lxml import etree

    names = set(zf.namelist())
    if "_rels/.rels" in names:
        try:
            rels = etree.fromstring(zf.read("_rels/.rels"), etree.XMLParser(resolve_entities=False, no_network=True))
            for rel in rels:
                if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT):
                    target = posixpath.normpath(str(rel.get("Target", "")).lstrip("/"))
                    if target in names:
                        return target
        except etree.XMLSyntaxError:
            pass
    if "word/document.xml" in names:
        return "word/document.xml"
    raise DocumentError("no main document part (word/document.xml); is this a Word file?")


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for el in p.iter(*_TEXT_TAGS):
        fixed = _TEXT_TAGS[el.tag]
        parts.append(el.text or "" if fixed is None else fixed)
    return "".join(parts)


def read_docx_xml(stream: Any, max_paragraphs: int, max_cells: int) -> tuple[list[str], list[str], list[Issue]]:
    """(body paragraphs, table rows, warnings) of a WordprocessingML main part, in one linear pass."""
    from lxml import etree

    paragraphs: list[str] = []
    rows: list[str] = []
    cells: list[str] = []
    n_cells = 0
    skipped_p = skipped_c = 0
    depth = 0  # table nesting
    for event, el in etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                                     huge_tree=False, remove_comments=True, remove_pis=True):
        tag = el.tag
        if event == "start":
            if tag == _TBL:
                depth += 1
            continue
        if tag == _P and depth == 0:
            if len(paragraphs) < max_paragraphs:
                paragraphs.append(_paragraph_text(el))
            else:
                skipped_p += 1
            _free(el)
        elif tag == _TC and depth == 1:
            if n_cells < max_cells:
                cells.append("\n".join(_paragraph_text(p) for p in el.iterchildren(_P)))
                n_cells += 1
            else:
                skipped_c += 1
            el.clear()
        elif tag == _TR and depth == 1:
            if cells:
                rows.append("\t".join(cells))
            cells = []
            _free(el)
        elif tag == _TBL:
            depth -= 1
            if depth == 0:
                _free(el)
    issues: list[Issue] = []
    if skipped_p:
        issues.append(Issue("docx_truncated", f"only the first {max_paragraphs:,} paragraphs were read "
                            f"({skipped_p:,} more skipped)"))
    if skipped_c:
        issues.append(Issue("docx_truncated", f"only the first {max_cells:,} table cells were read "
                            f"({skipped_c:,} more skipped)"))
    return paragraphs, rows, issues


def _free(el: Any) -> None:
    """Drop a finished element and the siblings before it (iterparse keeps the tree otherwise)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def load_docx(name: str, data: bytes) -> Document:
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            if unpacked > MAX_DOCX_UNPACKED:
                raise DocumentError(f"{name}: .docx unpacks to {unpacked // (1024 * 1024)} MB, refused as a zip bomb")
            try:
                part = _main_part(zf)
            except DocumentError as exc:
                raise DocumentError(f"{name}: {exc}") from None
            with zf.open(part) as stream:
                paragraphs, rows, issues = read_docx_xml(stream, MAX_PARAGRAPHS, MAX_CELLS)
            # Zotero / Mendeley / EndNote citation fields carry the cited items exactly
            cited = read_citations(zf, name)
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not a valid .docx (damaged zip)") from None
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{name}: unreadable .docx (broken XML: {str(exc)[:80]})") from None
    except (OSError, EOFError, RuntimeError, ValueError, NotImplementedError, KeyError, zlib.error) as exc:
        # damaged deflate data (zlib.error), CRC errors (BadZipFile is caught above), encryption, a missing part
        raise DocumentError(f"{name}: unreadable .docx ({type(exc).__name__})") from None
    text = normalize("\n".join(paragraphs + rows))
    doc = Document(text=text, source=name, encoding="docx", format="docx", warnings=issues)
    if cited.items:
        doc.lists = [citation_list(cited, text)]
    elif cited.fields_seen or cited.warnings:
        doc.warnings += cited.warnings or [Issue("citation_fields", f"{cited.fields_seen} citation fields hold no "
                                                 "item data; the list is read from the text")]
    return doc
