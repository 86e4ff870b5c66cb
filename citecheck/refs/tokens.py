"""Tokenisation of one reference string for the CRF field parser.

Tokens keep their character offsets, so a labelled token sequence maps back to
exact substrings of the input (clean field values are cut from the string, not
re-joined from tokens). The rules are deliberately simple and linear-time:

* URLs and DOIs are single tokens (exact rules beat a sequence model there);
* a run of CJK characters is one token (titles and names in Chinese are not
  space-separated, and a per-character sequence would be long and slow);
* a run of other letters/digits is one token (``e0266137``, ``2010``, ``Biol``);
* every other non-space character is a token of its own (``.``, ``(``, ``[``).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"

# Possessive-free but linear: each alternative consumes at least one char, and the
# character classes do not overlap in a way that needs backtracking.
_URL = r"(?:https?://|ftp://|www\.)[^\s<>\"\]\[{}]+"
_DOI = r"10\.\d{4,9}/[^\s\"<>\]\[{}]+"
_TOKEN_RE = re.compile(
    rf"(?P<url>{_URL})|(?P<doi>{_DOI})|(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)|(?P<punct>\S)",
    re.UNICODE,
)


class Token(NamedTuple):
    """One token: its text, its [start, end) offsets and its coarse kind."""

    text: str
    start: int
    end: int
    kind: str  # url | doi | cjk | word | punct


def _trim_tail(text: str) -> int:
    """How many trailing characters of a URL/DOI match are sentence punctuation, not identifier."""
    n = 0
    while n < len(text) - 1 and text[len(text) - 1 - n] in ".,;:)":
        # keep a ')' that closes a '(' inside the identifier, e.g. 10.1016/S0140-6736(20)30183-5
        if text[len(text) - 1 - n] == ")" and text[: len(text) - n].count("(") >= text[: len(text) - n].count(
            ")"
        ):
            break
        n += 1
    return n


_new = tuple.__new__


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens with offsets (see module docstring)."""
    # tuple.__new__ skips the NamedTuple's Python-level __new__: a third of tokenising time
    tokens = [
        _new(Token, (m.group(), m.start(), m.end(), m.lastgroup or "punct")) for m in _TOKEN_RE.finditer(text)
    ]
    if not any(t.kind in ("url", "doi") for t in tokens):
        return tokens
    out: list[Token] = []
    for tok in tokens:
        if tok.kind not in ("url", "doi"):
            out.append(tok)
            continue
        # sentence punctuation after an identifier is not part of it
        end = tok.end - _trim_tail(tok.text)
        out.append(Token(text[tok.start : end], tok.start, end, tok.kind))
        out.extend(Token(text[i], i, i + 1, "punct") for i in range(end, tok.end))
    return out
