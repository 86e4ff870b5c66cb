"""Loaders: bytes from a path or stdin to one normalised `Document`.

Encodings are detected in a fixed order of certainty (BOM, strict UTF-8,
UTF-16 without BOM, strict GB18030, then charset-normalizer) and the choice is
reported whenever it is not plain UTF-8, so a wrong guess is never silent.
Every failure is a `DocumentError` with a one-line message.
"""

from __future__ import annotations

import codecs
import io
import sys
import time
import zipfile
from pathlib import Path

from citecheck.model import Document, Issue
from citecheck.text import cjk_ratio, normalize

MAX_BYTES = 200 * 1024 * 1024
"""Largest input read at all; anything bigger is refused rather than half-read."""
MAX_DOCX_UNPACKED = 100 * 1024 * 1024
MAX_PDF_PAGES = 2000
MAX_PDF_SECONDS = 300.0
"""Text extraction stops after this long (with a warning), so one pathological PDF cannot stall a batch."""
MAX_CHARS = 10_000_000
"""Longest text checked (≈ 5,000 pages; a long thesis is 1–2 M characters). A bigger file is not a
manuscript but a dump or a concatenation, and would keep an unattended batch busy for minutes and
yield an unreadable report, so it is refused up front with a one-line error (exit 2)."""
_CJK_SAMPLE = 200_000
"""Characters sampled to decide whether undeclared GB18030 reads as Chinese (a ratio, so a sample will do)."""

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".rst", ""}
SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx"}


class DocumentError(Exception):
    """A document that cannot be read; the message is one line naming the problem."""


def load(source: str | Path, data: bytes | None = None) -> Document:
    """Load a path (or '-' for stdin) into a normalised Document."""
    name = str(source)
    if data is None:
        data = _read_bytes(name)
    suffix = "" if name == "-" else Path(name).suffix.lower()
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        doc = _load_pdf(name, data)
    elif suffix == ".docx" or (data[:2] == b"PK" and suffix not in TEXT_SUFFIXES):
        doc = _load_docx(name, data)
    else:
        text, encoding, warnings = decode(data)
        doc = Document(text=text, source=name, encoding=encoding,
                       format="md" if suffix in {".md", ".markdown"} else "txt", warnings=warnings)
    if len(doc.text) > MAX_CHARS:
        raise DocumentError(f"{name}: {len(doc.text):,} characters, more than the {MAX_CHARS:,} citecheck "
                            "checks (≈5,000 pages); split the document")
    doc.text = normalize(doc.text)
    if not doc.text.strip():
        raise DocumentError(f"{name}: empty document (no text)")
    return doc


def _read_bytes(name: str) -> bytes:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(name)
            if path.is_dir():
                raise DocumentError(f"{name}: is a directory, not a document")
            with path.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB, refused")
    return data


def _pdfminer_cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions (`PdfminerException(PDFPasswordIncorrect())`): the real one."""
    for inner in (*getattr(exc, "args", ()), exc.__cause__, exc.__context__):
        if isinstance(inner, BaseException):
            return inner
    return exc


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> tuple[str, str, list[Issue]]:
    """Bytes to text with the encoding used and any doubt about it as warnings."""
    if not data.strip():
        return "", "utf-8", []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise DocumentError(f"invalid {encoding} after a byte-order mark at byte {exc.start}") from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16[0], utf16[1], [_note(utf16[1], "detected from its NUL-byte pattern (no byte-order mark)")]
    if b"\x00" in data:
        raise DocumentError("binary data, not text (NUL bytes); is this the right file?")
    damaged = _damaged_utf8(data, utf8_error)
    if damaged is not None:
        return damaged
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and cjk_ratio(text[:_CJK_SAMPLE]) > 0.3:
        return text, "gb18030", [_note("gb18030", "detected (no declaration; decodes strictly and reads as Chinese)")]
    return _guess(data, utf8_error)


def _damaged_utf8(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str, list[Issue]] | None:
    """UTF-8 with a few broken sequences (a flipped bit, a cut multi-byte character): keep it.

    Without this, one bad byte in a Chinese UTF-8 manuscript made the whole file
    unreadable — or worse, GB18030 "decoded" the UTF-8 bytes into other Chinese
    characters. It counts as damaged UTF-8 when it has at least as many
    well-formed multi-byte characters as broken sequences; a legacy 8-bit file
    (Latin-1 ``café``) has none and goes on to detection.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - text.count("\ufffd")
    if bad <= 0 or good < bad:
        return None
    issue = Issue("encoding", f"{bad} invalid UTF-8 byte sequence{'s' if bad > 1 else ''} replaced by \ufffd "
                  f"(first at byte {utf8_error.start}); the rest is valid UTF-8",
                  confidence=max(0.0, 1.0 - bad / max(1, good)))
    return text, "utf-8", [issue]


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
    for encoding, ratio, other in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if ratio > 0.3 and other < 0.05:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None


def _guess(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str, list[Issue]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DocumentError(
            f"not valid UTF-8 (bad byte at offset {utf8_error.start}) and no other encoding fits; "
            "save the file as UTF-8"
        )
    text = str(best)
    issue = _note(best.encoding, f"guessed by charset-normalizer (chaos {best.chaos:.2f}); check the text if it looks wrong",
                  confidence=max(0.0, 1.0 - best.chaos))
    return text, best.encoding, [issue]


def _note(encoding: str, how: str, confidence: float = 1.0) -> Issue:
    return Issue("encoding", f"encoding {encoding} {how}", confidence=confidence)


def _load_pdf(name: str, data: bytes) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSEOF

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types on damage, wrapped by pdfplumber
        cause = _pdfminer_cause(exc)
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            raise DocumentError(f"{name}: PDF is encrypted (password required); save an unprotected copy") from None
        if isinstance(cause, (PSEOF, PDFSyntaxError)) and not data.rstrip().endswith(b"%%EOF"):
            raise DocumentError(f"{name}: PDF is truncated (no end-of-file marker; incomplete download?)") from None
        raise DocumentError(f"{name}: unreadable PDF ({type(cause).__name__})") from None
    warnings: list[Issue] = []
    pages: list[str] = []
    with pdf:
        try:
            n = len(pdf.pages)
        except Exception as exc:
            raise DocumentError(f"{name}: unreadable PDF ({type(exc).__name__})") from None
        if n > MAX_PDF_PAGES:
            warnings.append(Issue("truncated", f"only the first {MAX_PDF_PAGES} of {n} pages were read"))
        started = time.monotonic()
        for i, page in enumerate(pdf.pages[:MAX_PDF_PAGES]):
            if time.monotonic() - started > MAX_PDF_SECONDS:
                warnings.append(Issue("truncated", f"only the first {i} of {n} pages were read "
                                      f"(text extraction took over {MAX_PDF_SECONDS:g} s)"))
                break
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:
                warnings.append(Issue("pdf_page", f"page {i + 1} could not be read ({type(exc).__name__})"))
            finally:
                page.close()  # pdfplumber caches each page's objects: free them, or memory grows with the PDF
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError(f"{name}: PDF has no text layer; it needs OCR first")
    return Document(text=text, source=name, encoding="pdf", format="pdf", warnings=warnings)


def _load_docx(name: str, data: bytes) -> Document:
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
