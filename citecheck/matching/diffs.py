"""What kind of disagreement a field difference is — pure functions, no I/O.

A user fixing a bibliography needs to know *why* a value differs: an OCR space
(`Compto n`), a hyphen left from a line break, a 0/O confusion, a typo, an
abbreviated journal (not an error at all) or a genuinely wrong volume. Each
function here takes the reference's value (`ours`) and the record's
(`theirs`) and returns a kind from `citecheck.model.DiffKind`, or None when the
two are the same for every practical purpose (case, punctuation, dashes).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from citecheck.matching.journals import abbreviation_typo, is_abbreviation, journal_equal
from citecheck.model import CSL, FieldDiff
from citecheck.text import collapse_ws, fold, has_cjk, strip_accents, unify_dashes

NUMERIC_FIELDS = frozenset({"issued", "year", "volume", "issue", "page", "number"})
# Single characters and digraphs OCR and keyboards confuse; both sides are mapped to one spelling.
_CONFUSABLE = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"), ("8", "b"))
_LETTER_SPACED = re.compile(r"(?:(?<!\S)\w ){3,}\w(?!\S)")
_HYPHEN_BREAK = re.compile(r"(\w)-\s+(\w)")
_WORD_PUNCT = re.compile(r"[^\w\s]+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD_PUNCT.sub(" ", strip_accents(text).casefold()).split() if w]


def _confusable_key(folded: str) -> str:
    for a, b in _CONFUSABLE:
        folded = folded.replace(a, b)
    return folded


def _spacing_kind(ours: str, theirs: str) -> str | None:
    """Kind of a difference that is only in spaces, hyphens, case or punctuation."""
    if _HYPHEN_BREAK.search(ours) and fold(_HYPHEN_BREAK.sub(r"\1\2", ours)) == fold(theirs):
        wo = _words(_HYPHEN_BREAK.sub(r"\1\2", ours))
        if wo == _words(theirs) or not _HYPHEN_BREAK.search(theirs):
            return "hyphenation"
    if _words(ours) == _words(theirs):
        return None
    if "".join(_words(ours)) == "".join(_words(theirs)):
        if _LETTER_SPACED.search(collapse_ws(ours)) and not _LETTER_SPACED.search(collapse_ws(theirs)):
            return "letter_spacing"
        return "ocr_spacing"
    # Same letters, but a hyphen or punctuation splits or joins words differently ("re-use"/"reuse").
    return None


def typo_budget(length: int) -> int:
    """Edits still called a typo for a value of `length` folded characters."""
    return max(1, min(4, length // 10 + 1))


def classify_text(field: str, ours: str, theirs: str) -> str | None:
    """Kind of difference between two free-text values (title, journal, name)."""
    ours, theirs = collapse_ws(unify_dashes(ours)), collapse_ws(unify_dashes(theirs))
    fo, ft = fold(ours), fold(theirs)
    if fo == ft:
        return _spacing_kind(ours, theirs)
    if field in ("container-title", "container-title-short"):
        if journal_equal(ours, theirs):
            return None
        if is_abbreviation(ours, theirs):
            return "abbreviation"
        if abbreviation_typo(ours, theirs):
            return "typo"  # a misspelt abbreviation (`Biotechnl` for `Biotechnol`)
    if fo and _confusable_key(fo) == _confusable_key(ft):
        return "char_confusion"
    if field == "title" and _cut_short(ours, theirs):
        return "truncated"
    if _word_changed(ours, theirs):
        return "wrong_value"
    dist = Levenshtein.distance(fo, ft)
    if dist <= typo_budget(min(len(fo), len(ft))) and not (has_cjk(fo) and dist >= len(ft) // 2):
        return "typo"
    return "wrong_value"


def _cut_short(ours: str, theirs: str) -> bool:
    """`Parkinsonism with on-off phenomena` for `Parkinsonism with 'on-off' phenomena. Intravenous treatment
    with levodopa …`: every word of the entry's title is the record's, in order, from its start, and the record
    goes on after a break (`.`, `:`, `?`, ` - `) — the main title without its subtitle."""
    wo, wt = _words(ours), _words(theirs)
    if len(wo) < 2 or len(wt) <= len(wo) or wt[: len(wo)] != wo:
        return False
    last = re.escape(wo[-1])
    return re.search(rf"(?i){last}\W*[.:?!]\s|{last}\s+[-–—]\s", strip_accents(theirs)) is not None


def _unmatched(a: list[str], b: list[str], b_joined: str) -> list[str]:
    """Words of `a` with no counterpart in `b` (exact, one or two edits, or a piece of a split word)."""
    out = []
    bs = set(b)
    for w in a:
        if w in bs or (len(w) >= 2 and w in b_joined):
            continue
        if len(w) >= 4 and any(fuzz.ratio(w, v) >= 60 for v in b if abs(len(v) - len(w)) <= 2):
            continue
        if len(w) < 4 and any(Levenshtein.distance(w, v, score_cutoff=1) <= 1 for v in b if len(v) == len(w)):
            continue
        out.append(w)
    return out


def _word_changed(ours: str, theirs: str) -> bool:
    """A whole word added, dropped or replaced ("is not all" vs "is all"): a different value, not a typo."""
    if has_cjk(ours) or has_cjk(theirs):
        return False
    wo, wt = _words(ours), _words(theirs)
    return bool(_unmatched(wo, wt, "".join(wt)) or _unmatched(wt, wo, "".join(wo)))


def _first_page(page: str) -> str:
    return re.split(r"\s*[-,]\s*", unify_dashes(page).strip(), maxsplit=1)[0].casefold()


def classify_value(field: str, ours: str, theirs: str) -> str | None:
    """Kind of difference between two bibliographic numbers (year, volume, issue, page)."""
    o = collapse_ws(unify_dashes(str(ours))).casefold().strip(" .,;:")
    t = collapse_ws(unify_dashes(str(theirs))).casefold().strip(" .,;:")
    if o == t:
        return None
    if field in ("page", "number"):
        if _first_page(o) == _first_page(t):
            return None  # `1923-7` is `1923-1927`; only the first page identifies the work
        o, t = _first_page(o), _first_page(t)
    if re.sub(r"\s+", "", o) == re.sub(r"\s+", "", t):
        return "ocr_spacing"
    if _confusable_key(o) == _confusable_key(t):
        return "char_confusion"
    return "wrong_value"


def classify(field: str, ours: str, theirs: str) -> str | None:
    """Kind of a field difference (None when the values agree); dispatches on the field."""
    if field in NUMERIC_FIELDS:
        return classify_value(field, ours, theirs)
    return classify_text(field, ours, theirs)


def field_diff(field: str, ours: str, theirs: str) -> FieldDiff | None:
    """A `FieldDiff` for two values, or None when they agree."""
    kind = classify(field, ours, theirs)
    return FieldDiff(field, ours, theirs, kind) if kind else None


# ---------------------------------------------------------------- authors


def name_text(name: CSL) -> str:
    """Display form of a CSL name: `Family Given` or the literal."""
    if name.get("literal"):
        return str(name["literal"])
    return " ".join(p for p in (name.get("family"), name.get("given")) if p)


def name_keys(name: CSL) -> set[str]:
    """Folded spellings under which a person may appear (family; CJK family+given; literal)."""
    fam, giv, lit = fold(name.get("family")), fold(name.get("given")), fold(name.get("literal"))
    keys = {k for k in (fam, lit) if k}
    if fam and giv and (has_cjk(fam) or has_cjk(giv)):
        keys |= {fam + giv, giv + fam}
    if lit and has_cjk(lit) and len(lit) >= 2:
        keys.add(lit[0])  # 张三 → family 张 (ambiguous for compound surnames, but a key only)
    return keys


def looks_garbled(name: CSL) -> bool:
    """A name that lost its surname (`I T`, `J.`): only initials left."""
    text = name_text(name)
    letters = re.findall(r"[^\W\d_]+", text)
    return bool(letters) and all(len(w) <= 1 for w in letters) and not has_cjk(text)


def _same_person(ours: CSL, theirs: CSL) -> str | None:
    """'same', 'typo' or None for two CSL names."""
    ko, kt = name_keys(ours), name_keys(theirs)
    if ko & kt:
        return "same"
    fo, ft = fold(ours.get("family") or ours.get("literal")), fold(theirs.get("family") or theirs.get("literal"))
    if fo and ft and min(len(fo), len(ft)) >= 4 and Levenshtein.distance(fo, ft) <= typo_budget(len(ft)):
        return "typo"
    # "Smith John" parsed as given-family the wrong way round.
    go = fold(ours.get("given"))
    if go and go in kt:
        return "same"
    return None


def author_diffs(ours: list[CSL], theirs: list[CSL], *, etal: bool = False) -> list[FieldDiff]:
    """Diffs between the reference's authors and the record's, in order.

    Record authors beyond the reference's list are fine when the reference ends
    in "et al." (or 等); otherwise they are `missing_author`. Reference authors
    that match nobody are `extra_author`, or `author_garbled` when they are
    mere initials standing where a record author is missing.
    """
    diffs: list[FieldDiff] = []
    matched_t: set[int] = set()
    pairs: list[tuple[int, int]] = []
    start = 0
    for i, o in enumerate(ours):
        for j in range(start, min(len(theirs), start + 4)):
            kind = _same_person(o, theirs[j])
            if kind:
                pairs.append((i, j))
                matched_t.add(j)
                if kind == "typo":
                    diffs.append(FieldDiff("author", name_text(o), name_text(theirs[j]), "typo"))
                start = j + 1
                break
    matched_o = {i for i, _ in pairs}
    last_matched_t = max(matched_t) if matched_t else -1
    for i, o in enumerate(ours):
        if i in matched_o:
            continue
        # The record author expected at this position (between neighbouring matches).
        prev = max((j for k, j in pairs if k < i), default=-1)
        cand = prev + 1
        if cand < len(theirs) and cand not in matched_t and looks_garbled(o):
            diffs.append(FieldDiff("author", name_text(o), name_text(theirs[cand]), "author_garbled"))
            matched_t.add(cand)
        else:
            diffs.append(FieldDiff("author", name_text(o), "", "extra_author"))
    missing = [j for j in range(len(theirs)) if j not in matched_t and not (etal and j > last_matched_t)]
    if missing and ours:
        diffs.append(FieldDiff("author", "", "; ".join(name_text(theirs[j]) for j in missing), "missing_author"))
    return diffs
