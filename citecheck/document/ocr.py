"""OCR of a PDF page that has no usable text layer, when Tesseract is installed (an optional extra).

The page is rendered by pdfium at 200 dpi (grey) and read by Tesseract through
pytesseract, with a time limit; English plus simplified Chinese where that language pack
is installed (Debian: tesseract-ocr, tesseract-ocr-chi-sim). Without Tesseract nothing
is read and the caller names the pages in a warning.
"""

from __future__ import annotations

import shutil
from functools import lru_cache

OCR_DPI = 200
OCR_SECONDS = 60
"""One page's OCR is abandoned after this long."""
MAX_OCR_PIXELS = 40_000_000
"""A page larger than this at `OCR_DPI` (a poster, a map) is rendered at a lower resolution."""


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


@lru_cache(maxsize=1)
def languages() -> str:
    """`eng`, plus `chi_sim` when that pack is installed, in Tesseract's `-l` form."""
    import pytesseract

    try:
        have = set(pytesseract.get_languages(config=""))
    except Exception:  # pytesseract raises its own and OS errors when tesseract misbehaves
        return "eng"
    return "+".join(lang for lang in ("eng", "chi_sim") if lang in have) or "eng"


def ocr_page(page: object) -> str | None:
    """The text Tesseract reads on a pypdfium2 page, or None when Tesseract is missing or fails."""
    if not tesseract_available():
        return None
    import pytesseract

    width, height = page.get_size()  # type: ignore[attr-defined]
    scale = OCR_DPI / 72
    if width * height * scale * scale > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / max(width * height, 1.0)) ** 0.5
    try:
        image = page.render(scale=scale, grayscale=True).to_pil()  # type: ignore[attr-defined]
        return str(pytesseract.image_to_string(image, lang=languages(), timeout=OCR_SECONDS))
    except Exception:  # render failure, timeout (RuntimeError), tesseract error: the page stays unread
        return None
