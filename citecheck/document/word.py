"""Word (.docx): paragraph and table text, with the unpacked size checked before parsing."""

from __future__ import annotations

import io
import zipfile

from citecheck.document.errors import DocumentError
from citecheck.model import Document

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
    except Exception as exc:
        raise DocumentError(f"{name}: unreadable .docx ({type(exc).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return Document(text="\n".join(lines), source=name, encoding="docx", format="docx")
