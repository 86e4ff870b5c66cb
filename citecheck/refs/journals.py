"""Offline checks of a parsed journal name against the ISO 4 word list (LTWA).

Without any index, an abbreviated journal name can still be checked word by
word: in an ISO 4 abbreviation every word is either a listed abbreviation
(`Rep`, `Rheumatol`) or a word the list does not abbreviate (`Stem`, `Care`).
Two kinds of damage stand out:

- a word that is neither, one edit away from a listed abbreviation
  (`Repm` → `Rep`, `Biotechnl` → `Biotechnol`): ``journal_typo``;
- full words the list would abbreviate (`Comparative`, `Study`) standing
  before an abbreviated name (`Stem Cells Dev`): the end of the title fused
  with the journal, ``fused_title_journal``.

Both are warnings with a suggestion, never repairs: the name might be right.
The LTWA comes from the pyiso4 package (ISSN International Centre's list).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from citecheck.model import CSL, Issue

_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'-]*\.?")


@dataclass(frozen=True)
class Ltwa:
    abbrevs: frozenset[str]
    """Listed abbreviations, lower case, without their period (`rep`, `rheumatol`)."""
    abbreviated_words: frozenset[str]
    """Whole words the list abbreviates (`report` → `rep.`)."""
    abbreviated_prefixes: frozenset[str]
    """Stems the list abbreviates (`rheumati-` → `rheum.`)."""
    kept_words: frozenset[str]
    """Words the list leaves whole (`n.a.`)."""
    near: dict[str, tuple[str, ...]]
    """One-deletion keys of the abbreviations, for edit-distance-1 look-ups."""


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip(".")


@lru_cache(maxsize=1)
def ltwa() -> Ltwa | None:
    """The LTWA tables, built once; None when pyiso4 is not installed."""
    try:
        files = resources.files("pyiso4")
        name = next(p.name for p in files.iterdir() if p.name.startswith("LTWA") and p.name.endswith(".csv"))
        text = (files / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, StopIteration, OSError):
        return None
    abbrevs: set[str] = set()
    words: set[str] = set()
    prefixes: set[str] = set()
    kept: set[str] = set()
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        pattern = _fold(re.sub(r"\(.*?\)", "", parts[0]).strip())
        abbr = parts[1].strip()
        if not pattern or " " in pattern or pattern.startswith("-"):
            continue
        if abbr == "n.a.":
            if not pattern.endswith("-"):
                kept.add(pattern)
            continue
        for a in abbr.split(","):
            a = _fold(a.strip())
            if a and " " not in a:
                abbrevs.add(a)
        if pattern.endswith("-"):
            prefixes.add(pattern[:-1])
        else:
            words.add(pattern)
    near: dict[str, list[str]] = {}
    for a in abbrevs:
        if len(a) >= 3:
            for i in range(len(a)):
                near.setdefault(a[:i] + a[i + 1 :], []).append(a)
    return Ltwa(frozenset(abbrevs), frozenset(words), frozenset(prefixes), frozenset(kept),
                {k: tuple(v) for k, v in near.items()})


def _abbreviable(table: Ltwa, word: str) -> bool:
    if word in table.abbrevs or word in table.kept_words:
        return False
    if word in table.abbreviated_words:
        return True
    return any(word[:n] in table.abbreviated_prefixes for n in range(3, len(word)))


def _neighbour(table: Ltwa, word: str) -> str | None:
    """A listed abbreviation one edit away (insertion, deletion or substitution), if exactly one kind fits."""
    found: set[str] = set()
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if shorter in table.abbrevs and len(shorter) >= 3:
            found.add(shorter)  # one letter too many: `repm` → `rep`
        found.update(table.near.get(shorter, ()))  # a substituted letter
    found.update(table.near.get(word, ()))  # one letter missing: `biotechnl` → `biotechnol`
    found.discard(word)
    if not found:
        return None

    def shared_prefix(a: str) -> int:
        n = 0
        while n < min(len(a), len(word)) and a[n] == word[n]:
            n += 1
        return n

    # a letter too many at the end (`Repm`) is the likeliest slip, then the longest shared start
    return min(found, key=lambda a: (not (word.startswith(a) and len(a) == len(word) - 1), -shared_prefix(a),
                                     abs(len(a) - len(word)), a))


def _plausible_slip(word: str, guess: str) -> bool:
    """A letter appended (`Repm`), or a slip late in a long word (`Biotechnl`): not a different word."""
    if word.startswith(guess) and len(word) == len(guess) + 1:
        return True
    shared = next((n for n in range(min(len(word), len(guess))) if word[n] != guess[n]), min(len(word), len(guess)))
    return shared >= max(5, len(guess) - 2)


def _is_word(word: str, threshold: float = 3.0) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= threshold


def journal_issues(fields: CSL) -> list[Issue]:
    """Warnings about the parsed journal name; empty when it is unremarkable or LTWA is absent."""
    journal = fields.get("container-title")
    table = ltwa()
    if not isinstance(journal, str) or table is None or len(journal) > 200:
        return []
    if any(ch in journal for ch in "():;/&") or any(ch.isdigit() for ch in journal):
        return []  # series, sections, places and editions: not the plain abbreviated names checked here
    tokens = _TOKEN_RE.findall(journal)
    folded = [_fold(t) for t in tokens]
    if len(tokens) > 10 or any(t[:1].islower() for t in tokens):
        return []  # a full title with function words ("of", "and", "für"), not an ISO 4 abbreviation
    listed = [f in table.abbrevs and f not in table.kept_words and not _abbreviable(table, f) for f in folded]
    if not any(listed):
        return []  # a full title, or a one-word name: nothing to hold it against
    out: list[Issue] = []
    odd = [i for i, w in enumerate(folded) if not (w in table.abbrevs or w in table.kept_words or len(w) < 3)]
    # judge one odd word, and only inside an otherwise regular abbreviation
    for i in odd if len(odd) == 1 else []:
        token, word = tokens[i], folded[i]
        bare = token.rstrip(".")
        if bare.isupper() or any(ch.isupper() for ch in bare[1:]):
            continue  # acronyms and brand names (JAMA, FEBS, iScience) are not ISO 4 words
        if (len(word) < 3 or not word.isalpha() or word in table.abbrevs or word in table.kept_words
                or _abbreviable(table, word) or _is_word(word)):
            continue
        guess = _neighbour(table, word)
        if guess and _plausible_slip(word, guess):
            fixed = guess[:1].upper() + guess[1:] if token[:1].isupper() else guess
            out.append(Issue("journal_typo", f"journal word {token.rstrip('.')!r} is not an ISO 4 abbreviation; "
                             f"{fixed!r} is (a typo?)", before=token.rstrip("."), after=fixed, confidence=0.6))
    # full words the LTWA would abbreviate, standing before the abbreviated name
    first_listed = listed.index(True)
    head = [t for t, w in zip(tokens[:first_listed], folded[:first_listed], strict=True)
            if _abbreviable(table, w.replace("-", "")) or _abbreviable(table, w.split("-")[-1])]
    cut = _split_point(tokens, folded, first_listed, table) if head and first_listed >= 3 else 0
    tail = tokens[cut:]
    regular_tail = all(not _abbreviable(table, w) for w in folded[cut:]) and any(
        listed[j] and not _is_word(folded[j], 4.5) for j in range(cut, len(tokens)))
    if cut and len(tail) >= 2 and regular_tail:
        name = " ".join(tail)
        out.append(Issue("fused_title_journal",
                         f"journal {journal!r} starts with full words an abbreviated name would not have; "
                         f"the title's end may be fused with the journal {name!r}",
                         before=journal, after=name, confidence=0.6))
    return out


def _split_point(tokens: list[str], folded: list[str], first_listed: int, table: Ltwa) -> int:
    """Where the abbreviated journal name begins: after the last word the LTWA would abbreviate."""
    cut = first_listed
    while cut > 0 and not _abbreviable(table, folded[cut - 1].split("-")[-1]) and "-" not in tokens[cut - 1]:
        cut -= 1
    return cut
