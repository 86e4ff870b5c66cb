"""Word (.docx): paragraph and table text, with the unpacked size checked before parsing.

When a reference manager's citation fields are in the file (Zotero, Mendeley,
EndNote), the cited items are read from them exactly (`citecheck.document.wordfields`);
otherwise the reference list is found in the text like any other document's.
"""

from __future__ import annotations

import io
import zipfile

from citecheck.document.errors import DocumentError
from citecheck.document.wordfields import citation_list, read_citations
from citecheck.model import Document, Issue
from citecheck.text import normalize

MAX_DOCX_UNPACKED = 100 * 1024 * 1024


def load_docx(name: str, data: bytes) -> Document:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not a valid .docx (damaged zip)") from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise DocumentError(f"{name}: .docx unpacks to {unpacked // (1024 * 1024)} MB, refused as a zip bomb")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    except Exception as exc:  # python-docx reads lazily: damage can surface while walking the body
        raise DocumentError(f"{name}: unreadable .docx ({type(exc).__name__})") from None
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = visible_text(zf, name)
        # Zotero / Mendeley / EndNote citation fields carry the cited items exactly
        cited = read_citations(zf, name)
    text = normalize(body if body is not None else "\n".join(lines))
    doc = Document(text=text, source=name, encoding="docx", format="docx")
    if cited.items:
        doc.lists = [citation_list(cited, text)]
    elif cited.fields_seen or cited.warnings:
        doc.warnings += cited.warnings or [Issue("citation_fields", f"{cited.fields_seen} citation fields hold no "
                                                 "item data; the list is read from the text")]
    return doc


_SKIP = {"instrText", "delText", "fldData", "sdtPr", "del", "moveFrom", "rPr", "pPr", "sectPr", "tblPr", "trPr",
         "tcPr", "tblGrid", "footnoteReference", "endnoteReference", "commentReference", "drawing", "pict", "object"}


def visible_text(zf: zipfile.ZipFile, name: str) -> str | None:
    """The body's text in reading order with what python-docx leaves out: content controls (Mendeley
    Cite's citations and bibliography live in them), tables in place (cells tab-separated).

    None when the body has no content control or cannot be read this way: python-docx's text is used.
    """
    from citecheck.document.blocks import blocks_text
    from citecheck.document.xmlsafe import local, parse_xml

    try:
        root = parse_xml(zf.read("word/document.xml"), name, "Word document")
    except (KeyError, DocumentError):
        return None
    body = next((el for el in root.iter() if local(el.tag) == "body"), None)
    if body is None or not any(local(el.tag) == "sdt" for el in body.iter()):
        return None  # python-docx's text is complete without content controls; keep it

    def inline(el: object) -> str | None:
        tag = local(el.tag)  # type: ignore[attr-defined]
        return {"tab": " ", "noBreakHyphen": "-", "softHyphen": ""}.get(tag)

    text = blocks_text(body, {"p", "tr"}, _SKIP, breaks={"br", "cr"}, cells={"tc"}, replace=inline, keep=("t",))
    return text.replace("\n\n", "\n")
