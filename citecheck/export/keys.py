"""Citation keys in the `familyYEARword` convention, ASCII only.

The key is what a user types in ``\\cite{...}``, so it must be short, stable and
plain ASCII even for Chinese references: Chinese family names and titles become
pinyin (with the surname readings of heteronyms such as 曾 → zeng, 单 → shan),
accented Latin letters lose their accents (Genç → genc), Greek and Cyrillic are
transliterated, and anything else that cannot be spelled in ASCII is dropped.

Duplicates follow Better BibTeX: the first entry keeps the bare key, later ones
get ``a``, ``b``, … ``z``, ``aa``, ``ab`` … (``smith2020deep``,
``smith2020deepa``, ``smith2020deepb``). A key is never empty: a missing author
gives ``anon``, a missing year ``nd``, a missing title no word at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from pypinyin import Style, lazy_pinyin

from citecheck.refs.names import COMPOUND_SURNAMES
from citecheck.text import is_cjk_char, strip_accents

MAX_FAMILY = 24
MAX_WORD = 20
CJK_TITLE_CHARS = 2
"""How many leading Chinese characters of a title make the key's word (about one word)."""

# Title words that say nothing about the work (Better BibTeX skips similar ones).
KEY_STOP_WORDS = frozenset(
    """a an the of on in at to for and or nor but by with from as is are was were be its it
    into onto upon via vs versus about against between among through toward towards within
    without over under using based new some what how why when where which who do does can""".split()
)

# Leading Chinese function words ("based on", "on", "a kind of", "a brief discussion of" …)
# that would otherwise make every key's word the same.
CJK_TITLE_PREFIXES = ("基于", "关于", "一种", "浅谈", "浅析", "试论", "论", "对", "从", "在")

# Chinese compound surnames: the whole surname, not its first character, names the author.

# Characters whose reading as a surname differs from pypinyin's everyday reading.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
    "查": "zha", "盖": "ge", "乐": "yue", "翟": "zhai", "覃": "qin", "缪": "miao",
    "秘": "bi", "繁": "po", "员": "yun", "召": "shao", "种": "chong", "句": "gou",
    "折": "she", "黑": "he", "便": "pian", "隗": "wei", "冼": "xian", "沈": "shen",
    "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "令狐": "linghu",
}  # fmt: skip

# Letters that Unicode decomposition does not reduce to ASCII.
_LATIN_EXTRA = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ŋ": "ng", "ħ": "h", "ŧ": "t", "ĸ": "k", "ſ": "s",
}  # fmt: skip
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a b g d e z e th i k l m n x o p r s s t y f ch ps o".split(),
        strict=True,
    )
)
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґ",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i ye yi g".split(),
        strict=True,
    )
)
_TRANSLIT = {**_LATIN_EXTRA, **_GREEK, **_CYRILLIC}
_NON_KEY = re.compile(r"[^a-z0-9]+")

_ET_AL = frozenset({"etal", "others", "等", "等人"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: accents stripped, CJK as pinyin, the rest transliterated or dropped."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        if is_cjk_char(ch):
            out.extend(lazy_pinyin(ch, style=Style.NORMAL, errors="ignore"))
        elif ch in _TRANSLIT:
            out.append(_TRANSLIT[ch].strip("-"))
        else:
            out.append(strip_accents(ch))
    return _NON_KEY.sub("", "".join(out))


def is_et_al(name: Mapping[str, Any]) -> bool:
    """True for the marker of a truncated author list (`et al.`, `others`, `等`), not a person."""
    if name.get("given"):
        return False
    text = str(name.get("literal") or name.get("family") or "")
    return re.sub(r"[\s.,;:]+", "", text).lower() in _ET_AL


def chinese_surname_pinyin(name: str) -> str:
    """Pinyin of the surname of a Chinese name (compound surnames and surname readings respected)."""
    head = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    if head in SURNAME_READINGS:
        return SURNAME_READINGS[head]
    return "".join(SURNAME_READINGS.get(ch) or ascii_slug(ch) for ch in head)


def _family_part(name: Mapping[str, Any]) -> str:
    """The key's author part: family name without particles, or the first word of an organisation."""
    family = str(name.get("family") or "").strip()
    if family:
        if is_cjk_char(family[0]):
            return chinese_surname_pinyin(family)
        words = family.split()
        while len(words) > 1 and words[0][:1].islower():  # van, de, von der …
            words.pop(0)
        return ascii_slug("".join(words))
    literal = str(name.get("literal") or name.get("given") or "").strip()
    cjk = "".join(ch for ch in literal if is_cjk_char(ch))
    if literal and is_cjk_char(literal[0]):
        # A short all-Chinese literal is a person's name; a longer one an organisation.
        return chinese_surname_pinyin(cjk) if len(cjk) <= 4 else ascii_slug(cjk[:CJK_TITLE_CHARS])
    return _first_significant_word(literal, skip_stop_words=True)


def author_part(fields: Mapping[str, Any]) -> str:
    """First author's (else first editor's) family name as ASCII; ``anon`` when there is none."""
    for role in ("author", "editor"):
        names = fields.get(role)
        if not isinstance(names, list):
            continue
        for name in names:
            if isinstance(name, str):
                name = {"literal": name}
            if not isinstance(name, Mapping) or is_et_al(name):
                continue
            part = _family_part(name)[:MAX_FAMILY]
            if part:
                return part
    return "anon"


def year_part(fields: Mapping[str, Any]) -> str:
    """The year of `issued` (date-parts, raw or literal), else ``nd``."""
    issued = fields.get("issued")
    year: Any = None
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
        if year in (None, ""):
            year = issued.get("raw") or issued.get("literal")
    elif isinstance(issued, (str, int)):
        year = issued
    match = re.search(r"\d{4}", str(year)) if year not in (None, "") else None
    if match:
        return match.group(0)
    if isinstance(year, int) and year > 0:
        return str(year)
    return "nd"


def _split_scripts(run: str) -> list[str]:
    """Split a word run where it passes between CJK and other characters."""
    pieces: list[str] = []
    for ch in run:
        cjk = is_cjk_char(ch)
        if pieces and is_cjk_char(pieces[-1][-1]) == cjk:
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def _first_significant_word(text: str, skip_stop_words: bool) -> str:
    """ASCII form of the first word that is not a stop word or a bare number (CJK: first characters)."""
    fallback = ""
    for match in re.finditer(r"[^\W_]+", text):
        for piece in _split_scripts(match.group(0)):
            if is_cjk_char(piece[0]):
                word = _cjk_word(piece)
            else:
                if skip_stop_words and piece.lower() in KEY_STOP_WORDS:
                    continue
                word = ascii_slug(piece)
                if word.isdigit():
                    fallback = fallback or word
                    continue
            if word:
                return word[:MAX_WORD]
    return fallback[:MAX_WORD]


def _cjk_word(run: str) -> str:
    """Pinyin of the first characters of a Chinese title, after a leading function word."""
    for prefix in CJK_TITLE_PREFIXES:
        if run.startswith(prefix) and len(run) > len(prefix):
            run = run[len(prefix) :]
            break
    return ascii_slug(run[:CJK_TITLE_CHARS])


def title_part(fields: Mapping[str, Any]) -> str:
    """First significant word of the title, ASCII; empty when there is no usable title."""
    title = fields.get("title")
    return _first_significant_word(str(title), skip_stop_words=True) if title else ""


def base_key(fields: Mapping[str, Any]) -> str:
    """The key before de-duplication: ``family`` + ``year`` + ``word``."""
    return author_part(fields) + year_part(fields) + title_part(fields)


def _suffixes() -> Iterator[str]:
    """a … z, aa … az, ba … (bijective base 26), without end."""
    n = 0
    while True:
        n += 1
        s, m = "", n
        while m:
            m, r = divmod(m - 1, 26)
            s = chr(ord("a") + r) + s
        yield s


def bibtex_key(fields: Mapping[str, Any], taken: set[str]) -> str:
    """A new key for `fields`, unique within `taken`, which it is added to.

    Keys are lower case; pass lower-cased keys in `taken` if you seed it with
    your own (BibTeX compares keys without regard to case).
    """
    key = base = base_key(fields)
    if key in taken:
        key = next(base + s for s in _suffixes() if base + s not in taken)
    taken.add(key)
    return key
