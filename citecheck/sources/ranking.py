"""Turning records and whole reference strings into trigram-FTS text, and re-ranking hits.

The local index uses SQLite FTS5 with the trigram tokenizer, which matches any
substring of three or more characters. That suits damaged references: a typo
only loses the words it touches, glued words (``lungfishesProtopterus``) still
contain both halves, and Chinese titles need no word segmentation. Numbers and
short family names are wrapped in ``#`` (``#209#``, ``#li#``) so a short token
becomes a ≥3-character term that matches only itself.

The FTS query is an OR of the string's informative terms ranked by bm25; a
cheap re-rank then scores each candidate by how much of its title, first
author, year, volume and first page the string actually shows. The score is
a similarity in 0..1, comparable across queries (bm25 is not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from citecheck.model import CSL
from citecheck.text import is_cjk_char

_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")
_DOI_URL = re.compile(r"(?:https?://\S+|\b10\.\d{4,9}/\S+|\bdoi:\s*\S+)", re.IGNORECASE)
_TOKEN = re.compile(r"\w+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")

# Words every reference string has; as OR terms they only cost time.
STOPWORDS = frozenset(
    """the and for with from into onto that this these those are was were been being has have had not but its
    their our your his her they them than then when where which while who whom whose what why how all any can
    may also such via per upon under over between among about after before during without within against
    doi http https www org com html pdf vol vols pp page pages edn eds editor editors edition press
    retrieved available online accessed journal proceedings conference university
    und der die das des den dem von mit für les des une pour dans sur par""".split()
)

MAX_TERMS = 10
WINDOW = 3
COST_BUDGET = 6000
FTS_CANDIDATES = 40


def fold_words(text: str | None) -> str:
    """Case-folded, accent-free, NFKC text with punctuation as single spaces (CJK kept)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def _year(fields: CSL) -> int | None:
    try:
        return int(fields["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def first_page(fields: CSL) -> str:
    page = str(fields.get("page") or fields.get("number") or "")
    m = re.match(r"\s*([A-Za-z]?\d+[A-Za-z]?|[ivxlcdm]+)", page, re.IGNORECASE)
    return m.group(1).lower() if m else ""


def _page_numbers(fields: CSL) -> list[str]:
    """First and last page as digit strings, the last expanded (``625-37`` → ``637``)."""
    page = str(fields.get("page") or "")
    nums = _DIGITS.findall(page)[:2]
    if len(nums) == 2 and len(nums[1]) < len(nums[0]):
        nums[1] = nums[0][: len(nums[0]) - len(nums[1])] + nums[1]
    return nums


def family_names(fields: CSL) -> list[str]:
    out = []
    for a in fields.get("author") or []:
        name = a.get("family") or a.get("literal") or ""
        if a.get("non-dropping-particle"):
            name = f"{a['non-dropping-particle']} {name}"
        if name:
            out.append(name)
    return out


@dataclass(frozen=True)
class IndexText:
    """The four FTS columns for one record, plus the exact-lookup locator."""

    title: str
    authors: str
    container: str
    numbers: str
    first_family: str
    year: int | None
    volume: str
    first_page: str


def index_text(fields: CSL) -> IndexText:
    """What the FTS table holds for a record: folded words; names and numbers as ``#x#`` tokens."""
    title = fold_words(" ".join(filter(None, [fields.get("title"), fields.get("citecheck:subtitle"),
                                              fields.get("original-title")])))
    families = [fold_words(n) for n in family_names(fields)]
    # Names both as plain words (substring matches) and wrapped (exact short names such as "li").
    authors = " ".join(families[:30] + [f"#{n.replace(' ', '')}#" for n in families[:30] if n])
    containers = [fields.get("container-title"), fields.get("container-title-short"),
                  *(fields.get("citecheck:container-titles") or [])]
    seen: list[str] = []
    for c in containers:
        fc = fold_words(c)
        if fc and fc not in seen:
            seen.append(fc)
    year = _year(fields)
    volume = fold_words(fields.get("volume")).replace(" ", "")
    issue = fold_words(fields.get("issue")).replace(" ", "")
    nums = []
    if year:
        nums.append(f"y#{year}#")
    if volume:
        nums.append(f"v#{volume}#")
    if issue:
        nums.append(f"i#{issue}#")
    nums += [f"p#{p}#" for p in _page_numbers(fields)]
    return IndexText(
        title=title,
        authors=authors,
        container=" | ".join(seen),
        numbers=" ".join(nums),
        first_family=families[0].replace(" ", "") if families else "",
        year=year,
        volume=volume,
        first_page=first_page(fields),
    )


@dataclass(frozen=True)
class QueryTerms:
    """A reference string digested once: its FTS query and the pieces the re-rank compares."""

    folded: str
    tokens: frozenset[str]
    numbers: frozenset[str]
    fts: str
    terms: tuple[str, ...] = ()


def _trigrams(term: str) -> list[str]:
    return [term[i : i + 3] for i in range(len(term) - 2)]


def _cheapest_window(term: str, df: Mapping[str, int], width: int) -> tuple[str, int, int] | None:
    """The `width`-trigram slice of `term` that is cheapest to look up: (slice, est. df, cost).

    A trigram absent from the index means the slice cannot match (usually a
    typo), so such slices are never chosen; a term with no usable slice is None.
    """
    tris = _trigrams(term)
    if len(tris) <= width:
        counts = [df.get(t, 0) for t in tris]
        return (term, min(counts), sum(counts)) if counts and min(counts) > 0 else None
    best: tuple[str, int, int] | None = None
    for i in range(len(tris) - width + 1):
        counts = [df.get(t, 0) for t in tris[i : i + width]]
        if min(counts) == 0:
            continue
        cost = sum(counts)
        if best is None or cost < best[2]:
            best = (term[i : i + width + 2], min(counts), cost)
    return best


def query_terms(reference: str, df: Mapping[str, int] | None = None, n_docs: int = 0,
                max_terms: int = MAX_TERMS) -> QueryTerms:
    """Build the FTS5 MATCH expression for a whole reference string.

    Candidate terms are the string's informative tokens: words of three or more
    characters that are not stop words, two-letter capitalised words as
    possible family names (``#li#``), numbers of two or more digits
    (``#209#``), and Chinese runs cut into overlapping 3-character pieces.

    With the index's trigram document frequencies (`df`), each long word is cut
    down to its cheapest 5-character slice (as selective as the word, a
    fraction of the posting-list reading), terms that cannot match are dropped,
    and the rarest terms are kept — the cost of an OR query grows with the rows
    its terms match. Without `df`, the longest words are kept. Each term is a
    quoted phrase so no user text is read as FTS syntax.
    """
    cleaned = _DOI_URL.sub(" ", unicodedata.normalize("NFKC", reference))
    folded = fold_words(cleaned)
    candidates: list[str] = []
    for raw in _TOKEN.findall(cleaned):
        w = fold_words(raw).replace(" ", "")
        if not w or w.isdigit() or any(is_cjk_char(ch) for ch in w):
            continue
        if len(w) >= 3 and w not in STOPWORDS:
            candidates.append(w)
        elif len(w) == 2 and raw[0].isupper() and raw.isalpha():
            candidates.append(f"#{w}#")
    for run in _CJK_RUN.findall(cleaned):
        if len(run) < 3:
            candidates.append(f"#{run}#")  # two-character names, as indexed in the authors column
            continue
        candidates += [run[i : i + 3] for i in range(0, len(run) - 2, 2)]
        if (len(run) - 3) % 2:
            candidates.append(run[-3:])
    numbers = [n.lstrip("0") or "0" for n in _DIGITS.findall(cleaned)]
    candidates += [f"#{n}#" for n in numbers if 2 <= len(n) <= 6]
    candidates = _dedupe(candidates)

    if df is None:
        terms = sorted(candidates, key=len, reverse=True)[:max_terms]
    else:
        scored = []
        for c in candidates:
            win = (c, min(df.get(t, 0) for t in _trigrams(c)), sum(df.get(t, 0) for t in _trigrams(c))) \
                if c.startswith("#") else _cheapest_window(c, df, WINDOW)
            if win is not None and win[1] > 0:
                scored.append((win[2], win[1], win[0]))
        scored.sort()
        terms, spent = [], 0
        for cost, _, t in scored:
            if len(terms) >= 3 and (spent + cost > COST_BUDGET or len(terms) >= max_terms):
                break
            if t not in terms:
                terms.append(t)
                spent += cost
    fts = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
    return QueryTerms(folded=folded, tokens=frozenset(folded.split()), numbers=frozenset(numbers), fts=fts,
                      terms=tuple(terms))


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _parse_numbers(numbers: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for tok in numbers.split():
        if len(tok) > 3 and tok[1] == "#":
            out.setdefault(tok[0], []).append(tok[2:-1])
    return out


def rerank_score(q: QueryTerms, title: str, authors: str, numbers: str) -> float:
    """Similarity in 0..1 of one candidate (its FTS columns) to the digested reference string.

    Title: best partial alignment inside the string (typos cost little),
    damped when the title is very short, because a short title is contained
    in many strings. First author, year, volume and first page: present or not.
    """
    score = 0.0
    if title:
        sim = fuzz.partial_ratio(title, q.folded) / 100.0
        if len(title) < 20:
            sim *= 0.6 + 0.4 * len(title) / 20
        score += 0.5 * sim
    names = [a for a in authors.split() if not a.startswith("#")]
    if names:
        first = names[0]
        if first in q.tokens or (len(first) >= 4 and first in q.folded):
            score += 0.2
        elif len(first) >= 5 and fuzz.partial_ratio(first, q.folded) >= 80:
            score += 0.1
    nums = _parse_numbers(numbers)
    year = (nums.get("y") or [""])[0]
    if year and year in q.numbers:
        score += 0.12
    elif year and year.isdigit() and (str(int(year) - 1) in q.numbers or str(int(year) + 1) in q.numbers):
        score += 0.04
    vol = (nums.get("v") or [""])[0]
    if vol and vol.lstrip("0") in q.numbers:
        score += 0.09
    pages = nums.get("p") or []
    if pages and pages[0].lstrip("0") in q.numbers:
        score += 0.09
    return round(min(score, 1.0), 4)


def rerank(q: QueryTerms, rows: list[tuple[Any, ...]]) -> list[tuple[float, Any]]:
    """`rows` are (key, title, authors, numbers, bm25) tuples; best first by (score, -bm25)."""
    scored = [(rerank_score(q, r[1], r[2], r[3]), -r[4], r[0]) for r in rows]
    scored.sort(reverse=True)
    return [(s, key) for s, _, key in scored]
