"""Journal-title equivalence: ISO 4 / NLM abbreviations are the same journal, not an error.

`Curr Rheumatol Rep` and `Current rheumatology reports` name one journal. A
string comparison calls them different; a reviewer does not. We therefore
compare word by word: after dropping stop words (of, and, the, &, ...) on both
sides, every word of the shorter form must abbreviate the corresponding word of
the longer one. ISO 4 abbreviates by truncation, so the rule is strict: the
abbreviated word is a prefix of the full word (`Rheumatol` ⊂ `rheumatology`,
`J` ⊂ `Journal`), or one of the few contractions the List of Title Word
Abbreviations prescribes (`Natl` national, `Jpn` Japanese, `-kd` for German
`-kunde`; `CONTRACTIONS`, checked against the NLM abbreviations of the bench
corpus). A loose "letters in order" rule would call the misspelt `Biotechnl` an
abbreviation of `biotechnology`; it is a typo of `Biotechnol` (`abbreviation_typo`).
NLM container titles carry suffixes (`Current biology : CB`, `Science (New York,
N.Y.)`), so those are also tried without them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from citecheck.text import fold

STOP_WORDS = frozenset(
    """of and the for in on at to a an & und der die das des du de la le les et y e i da do dos das del della di
    fur für on""".split()
)

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_PAREN_RE = re.compile(r"\s*\([^()]*\)\s*")


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    if text.isascii():
        return tuple(_WORD_RE.findall(text.casefold()))
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return tuple(_WORD_RE.findall(text))


def words(text: str) -> list[str]:
    """Lower-case, accent-free words of `text` (CJK runs are kept as words); cached, records repeat."""
    return list(_words(text))


def significant(ws: Iterable[str]) -> list[str]:
    """Words that carry the journal's identity: stop words removed."""
    return [w for w in ws if w not in STOP_WORDS]


_SERIES_NUMBER_RE = re.compile(r",\s*\d+[A-Za-z]?\s*$")


def variants(title: str) -> list[str]:
    """Forms of a container title worth comparing: as is, without `: suffix`, without `(...)`,
    without a trailing series number (`Initial Reports of the Deep Sea Drilling Project, 33`)."""
    out = [title]
    numbered = _SERIES_NUMBER_RE.sub("", title)
    if numbered != title:
        out.append(numbered)
    if " : " in title or ": " in title:
        out.append(re.split(r"\s*:\s", title, maxsplit=1)[0])
    no_paren = _PAREN_RE.sub(" ", title).strip()
    if no_paren and no_paren != title:
        out.append(no_paren)
        if ": " in no_paren:
            out.append(re.split(r"\s*:\s", no_paren, maxsplit=1)[0])
    seen: list[str] = []
    for v in out:
        v = v.strip(" .,:;")
        if v and v not in seen:
            seen.append(v)
    return seen


# ISO 4 (LTWA) contractions that are not truncations: abbreviated word → stems of the full word.
# Every entry is a rule of the LTWA; the first group also occurs in the NLM abbreviations of the
# bench corpus (Jpn, Natl, Mgmt, Dtsch, Wkly, Jt), the rest are their common siblings.
CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "jpn": ("japan",),
    "natl": ("national",),
    "mgmt": ("management",),
    "dtsch": ("deutsch",),
    "wkly": ("weekly",),
    "jt": ("joint",),
    "intl": ("international",),
    "govt": ("government",),
    "hlth": ("health",),
    "assn": ("association",),
    "dept": ("department",),
    "ctr": ("center", "centre"),
    "bldg": ("building",),
    "yrbk": ("yearbook",),
    "qtly": ("quarterly",),
    "zbl": ("zentralblatt",),
    "ztg": ("zeitung",),
}


def abbreviates(short: str, full: str) -> bool:
    """True when word `short` is an ISO 4 abbreviation of word `full`.

    A prefix (`Biotechnol` ⊂ `biotechnology`), an LTWA contraction (`Natl`
    national; `Kinderheilkd` Kinderheilkunde), nothing else: `Biotechnl` is not
    an abbreviation of `biotechnology` but a misspelling of its abbreviation.
    """
    if short == full:
        return True
    if not short or not full or short[0] != full[0] or len(short) > len(full):
        return False
    if full.startswith(short):
        return True
    stems = CONTRACTIONS.get(short)
    if stems:
        return any(full.startswith(st) for st in stems)
    # German `-kunde` → `-kd` (Kinderheilkunde → Kinderheilkd).
    return short.endswith("kd") and full.endswith("kunde") and full.startswith(short[:-2]) and len(short) > 3


def _abbrev_or_typo(short: str, full: str) -> int:
    """0 when `short` abbreviates `full`; 1 when it does after one edit (a misspelt abbreviation); 2 otherwise."""
    if abbreviates(short, full):
        return 0
    if len(short) < 4 or not full or short[0] != full[0]:
        return 2
    # One edit away from a prefix of `full` (`biotechnl` ~ `biotechnol`) or from the whole word.
    for n in (len(short) - 1, len(short), len(short) + 1):
        if 0 < n <= len(full) and Levenshtein.distance(short, full[:n], score_cutoff=1) <= 1:
            return 1
    return 2


def _typo(a: str, b: str) -> bool:
    """One edit in a long word (`Applded` for `Applied`) still names the same word."""
    return min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b, score_cutoff=1) <= 1


def words_abbreviate(short: Sequence[str], full: Sequence[str]) -> bool:
    """Each word of `short` abbreviates the word at the same position of `full` (same count)."""
    if not short or len(short) != len(full):
        return False
    return all(abbreviates(s, f) for s, f in zip(short, full, strict=True))


def _align_cost(short: Sequence[str], full: Sequence[str], max_typos: int) -> int | None:
    """Fewest misspelt words in a word-by-word alignment of `short` to `full`, or None.

    Stop words are optional on either side ("A" in `Proc Natl Acad Sci U S A` is
    America, not an article); every other word of `short` must abbreviate the
    aligned word of `full`, at most `max_typos` of them after one edit.
    """
    short, full = tuple(short), tuple(full)
    if not short or not full or len(short) > len(full) + 3:
        return None
    best: dict[tuple[int, int], int] = {}
    stack = [(0, 0, 0)]
    found: int | None = None
    while stack:
        i, j, cost = stack.pop()
        if best.get((i, j), max_typos + 1) <= cost or (found is not None and cost >= found):
            continue
        best[(i, j)] = cost
        if i == len(short) and j == len(full):
            found = cost
            continue
        if i < len(short) and j < len(full):
            c = _abbrev_or_typo(short[i], full[j]) if max_typos else (0 if abbreviates(short[i], full[j]) else 2)
            if c == 0 or (c == 1 and cost < max_typos):
                stack.append((i + 1, j + 1, cost + c))
        if j < len(full) and full[j] in STOP_WORDS:
            stack.append((i, j + 1, cost))
        if i < len(short) and short[i] in STOP_WORDS:
            stack.append((i + 1, j, cost))
    return found


def align_abbreviation(short: Sequence[str], full: Sequence[str]) -> bool:
    """Word-by-word alignment where stop words may be skipped on either side.

    `Proc Natl Acad Sci U S A` against `Proceedings of the National Academy of
    Sciences of the United States of America`: the "A" is America here, not an
    article, so stop words are optional rather than always removed.
    """
    return _align_cost(short, full, 0) == 0


def is_abbreviation(a: str, b: str) -> bool:
    """True when `a` and `b` name the same journal, one (or both) in abbreviated form.

    Exact equality after folding also counts. Abbreviations must keep every
    significant word (ISO 4 drops only articles, prepositions and conjunctions),
    so `J Biol` is not `Journal of Biological Chemistry`.
    """
    for va in variants(a):
        wa = significant(words(va))
        for vb in variants(b):
            wb = significant(words(vb))
            if not wa or not wb:
                continue
            if "".join(wa) == "".join(wb):
                return True
            if words_abbreviate(wa, wb) or words_abbreviate(wb, wa):
                return True
            ra, rb = words(va), words(vb)
            if align_abbreviation(ra, rb) or align_abbreviation(rb, ra):
                return True
    return False


def abbreviation_typo(a: str, b: str) -> bool:
    """True when `a` is an abbreviation (or a copy) of `b` with a misspelt word or two.

    `Front Bioeng Biotechnl` for `Frontiers in Bioengineering and
    Biotechnology`: every word abbreviates its counterpart except one that does
    so after a single edit. At most one misspelt word per three (two at most),
    so unrelated journals sharing a few words do not qualify.
    """
    for va in variants(a):
        ra = words(va)
        n_sig = len(significant(ra))
        if n_sig < 2:
            continue
        limit = min(2, max(1, n_sig // 3))
        for vb in variants(b):
            cost = _align_cost(ra, words(vb), limit)
            if cost is not None and cost >= 1:
                return True
    return False


def journal_equal(a: str, b: str) -> bool:
    """Same journal title up to case, punctuation and NLM suffixes (no abbreviation involved)."""
    fa = {fold(v) for v in variants(a)}
    fb = {fold(v) for v in variants(b)}
    return bool(fa & fb)


def find_in_words(title: str, ws: Sequence[str]) -> tuple[int, int] | None:
    """Where the journal `title` (full or abbreviated, either way round) stands in word list `ws`.

    Returns the (start, end) word span of the first occurrence, or None. Stop
    words in `ws` are skipped the way they are in `title`. This is how a
    journal is found in a reference string the parser could not segment.
    """
    for v in variants(title):
        raw = words(v)
        tw = significant(raw)
        if not tw:
            continue
        n = len(tw)
        # a closing one-letter section (`Journal of Physics A`) is a stop word to `significant`,
        # but another section letter right after the name (`… Physics B 12`) is another journal
        section = raw[-1] if len(raw) >= 3 and len(raw[-1]) == 1 and raw[-1].isalpha() else ""
        for i, w in enumerate(ws):
            if w in STOP_WORDS or w[0] != tw[0][0]:
                continue
            j, k = i, 0
            while j < len(ws) and k < n:
                if ws[j] in STOP_WORDS and ws[j] != tw[k]:
                    j += 1
                    continue
                if not (abbreviates(ws[j], tw[k]) or abbreviates(tw[k], ws[j]) or _typo(ws[j], tw[k])):
                    break
                j += 1
                k += 1
            if k == n:
                # A one-word short title ("Cell", "Blood") must match whole, not as a prefix.
                if n == 1 and ws[i] != tw[0] and not (len(ws[i]) >= 4 and tw[0].startswith(ws[i])):
                    continue
                if section and j < len(ws) and len(ws[j]) == 1 and ws[j].isalpha() and ws[j] != section:
                    continue
                return i, j
    return None


# Journals published in several language editions under one title: the edition a name gives, in full or short
# (`Actas Urol Esp (Engl Ed)`).
_EDITION_RE = re.compile(r"\b(engl|english|span|spanish|fr|french|ger|german|port|portuguese|chin|chinese)\b"
                         r"\W*(ed|edn|edition)\b", re.IGNORECASE)


def edition_of(name: str) -> str | None:
    """The language edition a journal name gives (`english` for `… (Engl Ed)`), or None."""
    m = _EDITION_RE.search(name)
    return None if m is None else next(full for full in ("english", "spanish", "french", "german", "portuguese",
                                                          "chinese") if full.startswith(m.group(1).casefold()))
