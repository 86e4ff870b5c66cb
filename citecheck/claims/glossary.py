"""The document's own bilingual glossary, mined from its definitions.

Chinese reviews define their terms where they first use them:
``间充质干细胞(mesenchymal stem cell, MSC)``, ``阿尔茨海默病(Alzheimer's disease)``,
``环磷酸腺苷(cAMP)``, and in English passages ``extracellular vesicles (EVs)``. Those
definitions are the most reliable Chinese→English dictionary we can have for this
document — better than any general dictionary for its domain words — and they tell
what each abbreviation stands for, so ``MSC`` in a claim and ``mesenchymal stem
cells`` in a cited title become the same term.

Pure functions over text; jieba is used only to find where a Chinese term starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from citecheck.claims.segment import segment

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_PAREN_RE = re.compile(r"[(（]([^()（）\n]{2,120})[)）]")
# characters a Chinese term before "(" may contain: CJK, Latin letters and digits, Greek, hyphens, spaces
_TERM_CHAR_RE = re.compile(rf"[{_CJK}A-Za-z0-9\u0370-\u03ff\-+/ ]")
_HAS_CJK_RE = re.compile(rf"[{_CJK}]")
_ABBR_RE = re.compile(r"^[A-Za-z][A-Za-z0-9\-+/αβγδκ]{0,14}$")
# words that end a term when reading back from "(": function words and verbs of the sentence
_STOP_ZH = frozenset(
    "的 有 在 和 与 及 或 是 为 如 将 可 对 中 由 被 以 从 等 即 其 这 该 此 一种 一类 包括 例如 比如 称为 "
    "作为 通过 常见 主要 尤其 特别 以及 并 而 也 都 则 使 由于 关于 对于 其中 来源 来源于 又称 简称 "
    "改善 治疗 输注 注射 可通过 显著 研究 发现 表明 显示 提示 导致 引发 促进 抑制 降低 提高 增强 减轻 具有 "
    "分泌 释放 诱导 介导 上调 下调 使用 应用 采用 称 即为".split()
)
_MAX_ZH_WORDS = 6


@dataclass(frozen=True)
class Definition:
    """One definition found in the text: any of the three forms may be empty."""

    zh: str
    en: str
    abbr: str


@dataclass
class Glossary:
    """Term ↔ English ↔ abbreviation, first definition wins (later ones only fill gaps)."""

    definitions: list[Definition] = field(default_factory=list)
    zh_to_en: dict[str, str] = field(default_factory=dict)
    abbr_to_en: dict[str, str] = field(default_factory=dict)
    zh_to_abbr: dict[str, str] = field(default_factory=dict)

    def add(self, d: Definition) -> None:
        self.definitions.append(d)
        en = d.en or (self.abbr_to_en.get(d.abbr, "") if d.abbr else "")
        if d.zh and en:
            self.zh_to_en.setdefault(d.zh, en)
        if d.zh and d.abbr:
            self.zh_to_abbr.setdefault(d.zh, d.abbr)
        if d.abbr and d.en:
            self.abbr_to_en.setdefault(d.abbr, d.en)
            self.abbr_to_en.setdefault(d.abbr.lower(), d.en)

    def expand(self, abbr: str) -> str | None:
        """The English for an abbreviation as written (``MSC``, ``MSCs``), if the document defines it."""
        for key in (abbr, abbr.lower()):
            if key in self.abbr_to_en:
                return self.abbr_to_en[key]
        if len(abbr) > 2 and abbr.endswith("s"):
            return self.expand(abbr[:-1])
        return None

    def __len__(self) -> int:
        return len(self.definitions)


def _clean_en(part: str) -> str:
    part = re.sub(r"\s*-\s*", "-", part.strip())  # "adipose - derived" (PDF spacing) → "adipose-derived"
    return re.sub(r"\s+", " ", part).strip(" .;:")


def _is_abbr(part: str) -> bool:
    """``MSC``, ``hUC-MSC``, ``IL-10``, ``cAMP``, ``Treg``: short, no spaces, some capital or digit."""
    return bool(_ABBR_RE.match(part)) and any(c.isupper() or c.isdigit() for c in part) and not part.isdigit()


def _is_english_phrase(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    return len(letters) >= 3 and all(c < "\u0250" or "\u0370" <= c <= "\u03ff" for c in letters) and (
        " " in part or "-" in part or part.islower() or (part[:1].isupper() and part[1:].islower())
    )


def split_inside(inside: str) -> tuple[str, str]:
    """(english, abbreviation) from the text inside a definition's parentheses.

    The abbreviation is the shortest part that looks like one and has a capital
    (``interleukin-10, IL-10`` → ``IL-10``); the English is the longest phrase left.
    """
    parts = [_HAS_CJK_RE.sub("", p).strip() for p in re.split(r"[,，;；]", inside)]  # "Treg 细胞" → "Treg"
    parts = [p for p in parts if p]
    abbrs = [p for p in parts if _is_abbr(p) and any(c.isupper() for c in p)]
    abbr = min(abbrs, key=len) if abbrs else ""
    if abbr and len(parts) == 1 and _is_english_phrase(abbr) and not abbr.isupper() and " " not in abbr:
        abbr = abbr if sum(c.isupper() for c in abbr) >= 2 or any(c.isdigit() for c in abbr) else ""
    phrases = [p for p in parts if p != abbr and _is_english_phrase(p) and not re.fullmatch(r"[\d\s,.;]+", p)]
    en = _clean_en(max(phrases, key=len)) if phrases else ""
    return en, abbr


def zh_term_before(text: str, end: int, words: Iterable[str] | None = None) -> str:
    """The Chinese term that ends at `end` (just before a ``(``).

    Reads back over term characters, then keeps the trailing words up to the first
    function word (``常见的有骨髓间充质干细胞`` → ``骨髓间充质干细胞``). `words` is the
    segmentation of that run (jieba's, unless a test passes one).
    """
    start = end
    while start > 0 and _TERM_CHAR_RE.match(text[start - 1]) and end - start < 40:
        start -= 1
    run = text[start:end].strip()
    if not _HAS_CJK_RE.search(run):
        return ""
    if words is None:
        words = _cut(run)
    kept: list[str] = []
    for w in reversed(list(words)):
        if w.strip() and (w in _STOP_ZH or len(kept) >= _MAX_ZH_WORDS):
            break
        kept.append(w)
    term = "".join(reversed(kept)).strip()
    term = re.sub(r"^[\s\-+/0-9]+", "", term)
    term = re.sub(r"^[如即人]", "", term) if len(term) > 3 else term  # "如人 UC-MSC": lead-in, not term
    return term if _HAS_CJK_RE.search(term) else ""


def _cut(run: str) -> list[str]:
    return segment(run)


def english_before(text: str, end: int, abbr: str) -> str:
    """The English phrase an abbreviation abbreviates in English prose: ``extracellular vesicles (EVs)``.

    The shortest run of preceding words whose first word starts with the abbreviation's
    first letter and that has at least as many words as the abbreviation has capitals
    (Schwartz–Hearst in its simplest form).
    """
    head = text[max(0, end - 160):end]
    words = re.findall(r"[A-Za-z][A-Za-z0-9\-']*", head)
    if not words or not abbr:
        return ""
    need = max(1, min(len([c for c in abbr if c.isupper()]), 6))
    first = abbr[0].lower()
    for k in range(need, min(len(words), need + 3) + 1):
        cand = words[-k:]
        if cand[0][0].lower() == first:
            tail = text[end - 2 * len(" ".join(cand)) - 10:end]
            if not _HAS_CJK_RE.search(tail.split(cand[0])[-1] if cand[0] in tail else ""):
                return " ".join(cand)
    return ""


def mine(text: str) -> Glossary:
    """Every definition in `text`, in order of appearance."""
    gloss = Glossary()
    for m in _PAREN_RE.finditer(text):
        en, abbr = split_inside(m.group(1))
        if not en and not abbr:
            continue
        zh = zh_term_before(text, m.start())
        if not zh:
            if en or not abbr:
                continue  # "(Phase II, 2019)": no term being defined
            en = english_before(text, m.start(), abbr)
            if not en:
                continue
        gloss.add(Definition(zh, en, abbr))
    return gloss
