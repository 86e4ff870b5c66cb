"""The glyphs of one PDF page as `layout.Char` boxes, read through pdfium (pypdfium2).

pdfium's text page gives every glyph's Unicode, advance ("loose") box, baseline origin,
font size and text matrix in C; reading them costs ~1 µs a call from Python, so a dense
page of 5,000 glyphs takes ~30 ms. Rotated glyphs (an arXiv stamp up the margin, a
rotated table) are left out: they are never part of running text.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

from citecheck.document.layout import Char


@dataclass(slots=True)
class PageGlyphs:
    """What one page's text layer holds: its upright glyphs (at most `limit`), how many glyphs there were
    in all, and how many of those map to no text (no ToUnicode entry, private-use or replacement codes)."""

    chars: list[Char]
    total: int
    unmapped: int


def _unmapped(code: int) -> bool:
    return code == 0 or code == 0xFFFD or code == 0xFFFE or 0xE000 <= code <= 0xF8FF or (code < 32 and code not in (9, 10, 13))


def page_glyphs(textpage: object, limit: int) -> PageGlyphs:
    """Glyphs of a pypdfium2 `PdfTextPage` in content-stream order, y growing downwards."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw  # type: ignore[attr-defined]
    n = pdfium_c.FPDFText_CountChars(raw)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    chars: list[Char] = []
    unmapped = real = high = 0
    get_unicode = pdfium_c.FPDFText_GetUnicode
    for i in range(n):
        code = get_unicode(raw, i)
        if code in (10, 13):
            continue  # pdfium's line breaks: layout finds lines by geometry
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            if code == 32:  # pdfium's word-space guess (from the font's advances) catches italic overhangs
                chars.append(Char(" ", 0.0, 0.0, 0.0, 0.0))
            continue
        if 0xD800 <= code <= 0xDBFF:  # pdfium gives a character beyond the BMP (math italic 𝑥) as two halves
            high = code
            continue
        if 0xDC00 <= code <= 0xDFFF:
            code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00) if high else 0
            high = 0
        real += 1
        if code == 2 and pdfium_c.FPDFText_IsHyphen(raw, i) == 1:
            code = 0x2D  # pdfium marks a hyphen it thinks ends a line as U+0002: layout decides on it
        if _unmapped(code):  # (pdfium's HasUnicodeMapError flags good letters of fonts without ToUnicode too)
            unmapped += 1
            continue
        if len(chars) >= limit:
            real = n  # stop reading: the count of glyphs left is pdfium's (spaces and line breaks included)
            break
        if code == 32:
            chars.append(Char(" ", 0.0, 0.0, 0.0, 0.0))
            continue
        pdfium_c.FPDFText_GetMatrix(raw, i, matrix)
        if abs(matrix.b) > 0.1 * abs(matrix.a) + 1e-9 or abs(matrix.c) > 0.1 * abs(matrix.d) + 1e-9 or matrix.d < 0:
            continue  # rotated or mirrored glyph
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        if size <= 0.5:
            continue  # invisible dust (1-pt OCR layers are scaled by their matrix, so these are truly tiny)
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy)
        if not (math.isfinite(rect.left) and math.isfinite(rect.right) and math.isfinite(oy.value) and math.isfinite(size)):
            continue
        chars.append(Char(chr(code), rect.left, rect.right, -oy.value, size))
    return PageGlyphs(chars, real, unmapped)
