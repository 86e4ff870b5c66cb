"""PDF: the text of each page in reading order, bounded in pages, glyphs and time.

Glyph boxes come from pdfium (pypdfium2, already a pdfplumber dependency), and
`citecheck.document.layout` turns them into lines in reading order: columns, running
headers and page numbers removed, word gaps from geometry, hyphens, superscripts.
Why pdfium: on the sample articles it reads every glyph's box 10–25× faster than
pdfminer/pdfplumber (a 46-page article: 0.2 s against 5 s of CPU), and its
advance-based glyph boxes separate word spaces from letter gaps cleanly (see
`layout.WORD_GAP`), where pdfplumber's `extract_text` glued words and interleaved columns.

Text convention (what `citecheck.refs.find` / `split` can rely on)
-----------------------------------------------------------------
* One output line per printed line, in reading order: page by page; on a page, bands
  that span the columns (title, abstract, wide figures) in place, and between them the
  left column's lines, then the right column's. Lines are never re-flowed into paragraphs.
* A line indented ≥ 0.8 em from the left edge of its column starts with exactly four
  spaces (`layout.INDENT`): in a hanging-indent list these are the continuation lines,
  and the entry's first line has no leading space. No other line starts with a space.
* One empty line where the printed baseline step exceeds 1.3 × the column's usual line
  pitch (a paragraph or list-entry gap, a heading), and where a column piece starts
  more than 2 lines below the previous one. A column or page break adds no empty line,
  so an entry (or a whole list) running on into the next column or page stays one run
  of lines; its continuation there is indented as on the first page.
* Running headers/footers and bare page numbers are removed; pages are joined by one
  newline.
* A word hyphenated at a line end is joined on the first line when certain (a soft
  hyphen; or the joined word is common English and the tail no word of its own);
  otherwise the line still ends in `-` and the next begins with the tail, for the
  reference repair stage to judge.
* A numeric superscript (smaller, raised) is written in Unicode superscript digits glued
  to the word before (`text¹²`, `text¹⁻³`, `text¹,²`), a bracketed one as `^[1]^`;
  other superscripts (`∗`, `a`, `th`) stay as they are, glued.
* Ligatures (ﬁ, ﬂ) are passed through: `citecheck.text.normalize` folds them (NFKC).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from citecheck.document import layout, ocr
from citecheck.document.errors import DocumentError
from citecheck.document.pdfchars import page_glyphs
from citecheck.model import Document, Issue

MAX_PDF_PAGES = 2000
MAX_PDF_SECONDS = 300.0
"""Text extraction stops after this long (with a warning), so one pathological PDF cannot stall a batch."""
MAX_PAGE_CHARS = 60_000
"""Glyphs read from one page (a dense two-column page has ~8,000); the rest are dropped with a warning."""
UNMAPPED_SHARE = 0.5
"""A page whose glyphs map to no text for more than this share has no usable text layer (needs OCR)."""

_LOCK = threading.Lock()
"""pdfium is not thread-safe: one document at a time in this process."""


@dataclass
class _Read:
    """Per page, either glyph runs (for layout) or OCR text; and the pages that stayed unread."""

    runs: list[list[layout.Run]] = field(default_factory=list)
    ocr: dict[int, str] = field(default_factory=dict)
    unreadable: list[int] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def _open(name: str, data: bytes) -> object:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = exc.err_code
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise DocumentError(f"{name}: PDF is encrypted (password required); save an unprotected copy") from None
        if b"%%EOF" not in data[-2048:]:
            raise DocumentError(f"{name}: PDF is truncated (no end-of-file marker; incomplete download?)") from None
        what = "damaged, or not a PDF" if code == pdfium_c.FPDF_ERR_FORMAT else f"pdfium error {code}"
        raise DocumentError(f"{name}: unreadable PDF ({what})") from None


def _read_page(page: object, number: int, out: _Read) -> None:
    """One page's glyph runs into `out`, or its OCR text, or its number among the unreadable."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        glyphs = page_glyphs(textpage, MAX_PAGE_CHARS)
    finally:
        textpage.close()
    if glyphs.total > MAX_PAGE_CHARS:
        out.warnings.append(Issue("truncated", f"page {number}: only the first {MAX_PAGE_CHARS:,} of "
                                  f"{glyphs.total:,} characters were read"))
    usable = bool(glyphs.chars) and glyphs.unmapped <= UNMAPPED_SHARE * glyphs.total
    if usable:
        out.runs.append(layout.runs_from_chars(glyphs.chars))
        return
    out.runs.append([])
    if not glyphs.total and not _has_images(page):
        return  # a blank page (a thesis's verso): nothing to read
    text = ocr.ocr_page(page)
    if text and text.strip():
        out.ocr[len(out.runs) - 1] = text
    else:
        out.unreadable.append(number)


def _has_images(page: object) -> bool:
    import pypdfium2.raw as pdfium_c

    try:
        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))  # type: ignore[attr-defined]
    except Exception:  # a damaged object tree: assume there is something to OCR
        return True


def _read(name: str, pdf: object) -> _Read:
    out = _Read()
    try:
        n = len(pdf)  # type: ignore[arg-type]
    except Exception as exc:
        raise DocumentError(f"{name}: unreadable PDF ({type(exc).__name__})") from None
    if n > MAX_PDF_PAGES:
        out.warnings.append(Issue("truncated", f"only the first {MAX_PDF_PAGES} of {n} pages were read"))
    started = time.monotonic()
    for i in range(min(n, MAX_PDF_PAGES)):
        if time.monotonic() - started > MAX_PDF_SECONDS:
            out.warnings.append(Issue("truncated", f"only the first {i} of {n} pages were read "
                                      f"(text extraction took over {MAX_PDF_SECONDS:g} s)"))
            break
        try:
            page = pdf[i]  # type: ignore[index]
        except Exception as exc:  # pdfium raises PdfiumError on a damaged page object
            out.warnings.append(Issue("pdf_page", f"page {i + 1} could not be read ({type(exc).__name__})"))
            out.runs.append([])
            continue
        try:
            _read_page(page, i + 1, out)
        except Exception as exc:
            out.warnings.append(Issue("pdf_page", f"page {i + 1} could not be read ({type(exc).__name__})"))
        finally:
            page.close()
    return out


def _pages_text(read: _Read) -> str:
    """All pages' lines in reading order, rendered by the convention in the module docstring."""
    runs, _ = layout.drop_running(read.runs)
    lines: list[layout.Line] = []
    for p, page_runs in enumerate(runs):
        if p in read.ocr:
            lines.extend(layout.Line([], 0.0, 0.0, text=t.strip()) for t in read.ocr[p].splitlines() if t.strip())
            continue
        try:
            lines.extend(layout.page_lines(page_runs))
        except (ValueError, ArithmeticError, RecursionError) as exc:  # absurd coordinates in a damaged page
            read.warnings.append(Issue("pdf_page", f"page {p + 1} could not be laid out ({type(exc).__name__})"))
    return layout.render_lines(layout.join_hyphens(lines))


def _pages_list(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:20])
    return shown + (f" and {len(pages) - 20} more" if len(pages) > 20 else "")


def load_pdf(name: str, data: bytes) -> Document:
    with _LOCK:
        pdf = _open(name, data)
        try:
            read = _read(name, pdf)
        finally:
            pdf.close()  # type: ignore[attr-defined]
    text = _pages_text(read)
    warnings = read.warnings
    if not text.strip():
        raise DocumentError(f"{name}: PDF has no text layer; it needs OCR first"
                            + ("" if ocr.tesseract_available() else " (install Tesseract to have citecheck do it)"))
    if read.unreadable:
        how = "OCR found no text there" if ocr.tesseract_available() else "install Tesseract to have them OCRed"
        warnings.append(Issue("pdf_no_text", f"pages without a usable text layer were skipped: "
                              f"{_pages_list(read.unreadable)} ({how})"))
    if read.ocr:
        warnings.append(Issue("pdf_ocr", f"pages read by OCR (check their references by eye): "
                              f"{_pages_list([p + 1 for p in sorted(read.ocr)])}"))
    return Document(text=text, source=name, encoding="pdf", format="pdf", warnings=warnings)
