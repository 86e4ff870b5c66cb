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
    text = normalize("\n".join(lines))
    doc = Document(text=text, source=name, encoding="docx", format="docx")
    # Zotero / Mendeley / EndNote citation fields carry the cited items exactly
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        cited = read_citations(zf, name)
    if cited.items:
        doc.lists = [citation_list(cited, text)]
    elif cited.fields_seen or cited.warnings:
        doc.warnings += cited.warnings or [Issue("citation_fields", f"{cited.fields_seen} citation fields hold no "
                                                 "item data; the list is read from the text")]
    return doc
