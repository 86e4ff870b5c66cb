"""PDF: the text layer of each page, bounded in pages and time."""

from __future__ import annotations

import io
import time

from citecheck.document.errors import DocumentError
from citecheck.model import Document, Issue

MAX_PDF_PAGES = 2000
MAX_PDF_SECONDS = 300.0
"""Text extraction stops after this long (with a warning), so one pathological PDF cannot stall a batch."""


def _pdfminer_cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions (`PdfminerException(PDFPasswordIncorrect())`): the real one."""
    for inner in (*getattr(exc, "args", ()), exc.__cause__, exc.__context__):
        if isinstance(inner, BaseException):
            return inner
    return exc


def load_pdf(name: str, data: bytes) -> Document:
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
