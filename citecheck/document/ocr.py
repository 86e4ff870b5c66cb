"""OCR of a PDF page that has no usable text layer, when Tesseract is installed (an optional extra).

The page is rendered by pdfium at 300 dpi (grey) and read by the `tesseract` program in a
subprocess with a time limit; English plus simplified Chinese where that language pack is
installed (Debian: tesseract-ocr, tesseract-ocr-chi-sim). Without Tesseract nothing is
read and the caller names the pages in a warning.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

OCR_DPI = 300
OCR_SECONDS = 60.0
"""One page's OCR is abandoned after this long."""
MAX_OCR_PIXELS = 40_000_000
"""A page larger than this at `OCR_DPI` (a poster, a map) is rendered at a lower resolution."""


def available() -> bool:
    return shutil.which("tesseract") is not None


@lru_cache(maxsize=1)
def languages() -> str:
    """`eng`, plus `chi_sim` when that pack is installed, in Tesseract's `-l` form."""
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "eng"
    have = {line.strip() for line in out.splitlines()}
    langs = [lang for lang in ("eng", "chi_sim") if lang in have]
    return "+".join(langs) or "eng"


def ocr_page(page: object) -> str | None:
    """The text Tesseract reads on a pypdfium2 page, or None when Tesseract is missing or fails."""
    if not available():
        return None
    width, height = page.get_size()  # type: ignore[attr-defined]
    scale = OCR_DPI / 72
    if width * height * scale * scale > MAX_OCR_PIXELS:
        scale = (MAX_OCR_PIXELS / max(width * height, 1.0)) ** 0.5
    try:
        image = page.render(scale=scale, grayscale=True).to_pil()  # type: ignore[attr-defined]
    except Exception:  # pdfium render failures have no finer type
        return None
    with tempfile.TemporaryDirectory(prefix="citecheck-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            done = subprocess.run(["tesseract", str(png), "stdout", "-l", languages()],
                                  capture_output=True, text=True, timeout=OCR_SECONDS)
        except (OSError, subprocess.SubprocessError):
            return None
    return done.stdout if done.returncode == 0 else None
