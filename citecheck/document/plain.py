"""Plain text (txt, md, rst): bytes to text with the encoding used, and any doubt about it as warnings.

Encodings are detected in a fixed order of certainty (BOM, strict UTF-8,
UTF-16 without BOM, strict GB18030, then charset-normalizer) and the choice is
reported whenever it is not plain UTF-8, so a wrong guess is never silent.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from citecheck.document.errors import DocumentError
from citecheck.model import Document, Issue
from citecheck.text import cjk_ratio

_CJK_SAMPLE = 200_000
"""Characters sampled to decide whether undeclared GB18030 reads as Chinese (a ratio, so a sample will do)."""


def load_text(name: str, data: bytes) -> Document:
    """A text file as it is; Markdown keeps its marks (headings help find the list)."""
    text, encoding, warnings = decode(data)
    suffix = Path(name).suffix.lower()
    return Document(text=text, source=name, encoding=encoding,
                    format="md" if suffix in {".md", ".markdown"} else "txt", warnings=warnings)


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
