"""Text normalisation shared by every stage.

One normal form for the whole document (`normalize`), so spans computed on it
stay valid everywhere; and one comparison key (`fold`) so values are compared
the same way in parsing benchmarks, matching and linking. Chinese text is kept,
never stripped: folding only removes case, accents, whitespace and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy

# Superscript digits mark citations (¹²³); NFKC would turn them into plain digits
# glued to the preceding word, so they are protected from it.
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


def normalize(text: str) -> str:
    """Document-level normal form: mojibake fixed, NFKC (full-width forms, ligatures), LF line ends.

    Superscript digits survive (they are citation markers). Dashes are kept as
    they are here; `fold` and the parsers treat them as equal.
    """
    text = fix_mojibake(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    if not any(ch in _SUPERSCRIPTS for ch in text):
        return unicodedata.normalize("NFKC", text)
    out: list[str] = []
    chunk: list[str] = []
    for ch in text:
        if ch in _SUPERSCRIPTS:
            out.append(unicodedata.normalize("NFKC", "".join(chunk)))
            out.append(ch)
            chunk = []
        else:
            chunk.append(ch)
    out.append(unicodedata.normalize("NFKC", "".join(chunk)))
    return "".join(out)


def fix_mojibake(text: str) -> str:
    """UTF-8 read as Latin-1 and the like (`Acuï¿½a`, `Ã©`) undone by ftfy (also HTML entities in plain text)."""
    return ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_line_breaks=False)


def unify_dashes(text: str) -> str:
    """All hyphen and dash look-alikes to ASCII '-'."""
    return text.translate(_DASHES)


def collapse_ws(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_NOT_ALNUM_ASCII = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=131072)
def fold(text: str | None) -> str:
    """Comparison key: NFKC, case-folded, accents, whitespace and punctuation removed; CJK kept.

    Cached, since matching folds the same record fields and windows again and again; ASCII
    text takes a fast path with the same result (NFKC and NFKD leave it unchanged).
    """
    if not text:
        return ""
    if text.isascii():
        return _NOT_ALNUM_ASCII.sub("", text.lower())
    text = strip_accents(unicodedata.normalize("NFKC", str(text))).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def is_cjk_char(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def cjk_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK_RE.match(ch)) / len(letters)


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, max(0, offset)) + 1
