"""Field-by-field evidence that a candidate record is the work a reference string cites.

Two sources of evidence are used side by side, because neither is enough alone:
- the parsed fields (`ref.fields`) let us say *what* differs (volume 24 vs 42);
- the reference string itself, as Crossref's matcher uses it: does the
  record's year, volume, first page, first author, journal *appear* in it?
  This works even when the parser mis-segments a string.

Titles are compared on whole segments of the string with length-aware ratios
(`fuzz.ratio` on folded text, `token_sort_ratio` for scrambled words), never
with `partial_ratio`/`token_set_ratio`: "Deep learning" must not equal a
longer title that contains it. Coverage in both directions (record title words
found in the string; string words explained by the record) catches the
"…is not all you need" case and strings that carry a second reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from citecheck.matching.journals import edition_of, find_in_words, significant, variants, words
from citecheck.matching.refview import (
    OCR_DIGITS,
    RefView,
    content_of,
    ocr_canon,
    page_pieces,
)
from citecheck.model import CSL, Record
from citecheck.refs.fields import YEAR_RE
from citecheck.text import fold, has_cjk, unify_dashes

# Records that are notices about another work (or its abstract in another venue: ChemInform, Faculty Opinions)
# carry its title behind one of these prefixes.
_NOTICE_RE = re.compile(
    r"^\s*(erratum|errata|correction|corrigendum|retraction|retracted|withdrawn|expression of concern|"
    r"comment|commentary|reply|response|author'?s? reply|addendum|editorial|"
    r"cheminform abstract|faculty opinions recommendation of)\b", re.IGNORECASE)
_CITED_NOTICE_RE = re.compile(
    r"^\W*(erratum|correction|corrigendum|retraction|reply|response|comment|commentary|addendum)\s*(to|on|of)?\s*:"
    r"|^\W*(reply|response|comment|commentary)\s+(to|on)\b", re.IGNORECASE)
"""A cited title that is a notice about another work (`Response to: "Precise clinical outcome …"`)."""
NOTICE_WORDS = frozenset({"erratum", "errata", "corrigendum", "corrigenda", "retraction"})
"""Words that make a cited title a notice about another work, whichever side shows them."""
def notice_title(title: object) -> bool:
    """A record title that is a notice about another work (`Erratum: …`, `Reply to …`)."""
    return isinstance(title, str) and bool(_NOTICE_RE.match(title))


def first_page(page: str | None) -> str:
    if not page:
        return ""
    return re.split(r"\s*[-,–]\s*", unify_dashes(str(page)).strip(), maxsplit=1)[0].casefold()


def record_year(rec: CSL) -> int | None:
    try:
        return int(rec["issued"]["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def container_titles(rec: CSL) -> list[str]:
    """Every name the record's journal goes by: full, short, alternatives, and without a catalogue number."""
    out: list[str] = []
    names = [rec.get("container-title"), rec.get("container-title-short"), *(rec.get("citecheck:container-titles") or [])]
    for v in names:
        if isinstance(v, str) and v:
            for name in (v, without_catalog_number(v)):
                if name and name not in out:
                    out.append(name)
    return out


_CATALOG_RE = re.compile(r"\s*\((?:IEEE\s+)?Cat(?:alog)?\.?\s*No\.?[^()]*\)", re.IGNORECASE)


def without_catalog_number(text: str) -> str:
    """A proceedings title without the publisher's catalogue number (`(IEEE Cat. No.88CH2604-7)`).

    Publishers put it into the registered title; references leave it out, and
    its digits are no edition or part number of the work.
    """
    return _CATALOG_RE.sub("", text).strip() if "(" in text else text


@dataclass
class Evidence:
    """How one record compares with one reference; every value in [0, 1] or None (unknown)."""

    doi: str
    title: float | None = None
    title_window: str = ""
    title_cov: float | None = None
    string_cov: float = 0.0
    first_author: float | None = None
    authors: float | None = None
    year: float | None = None
    year_off: bool = False
    volume: float | None = None
    issue: float | None = None
    page: float | None = None
    journal: float | None = None
    unexplained_numbers: int = 0
    doi_in_string: bool = False
    page_typo: bool = False
    notice_mismatch: bool = False
    title_numbers_mismatch: int = 0
    edition_mismatch: bool = False
    group_author_mismatch: bool = False
    after_other_entry: bool = False
    """The record's entry starts after another reference run into the string (`merged_head`)."""
    named_later: int = 0
    """People the string names from the record's authors after its first ten (a large team's list in
    another order: the record's order is not the string's)."""
    title_contradicted: bool = False
    """The string prints a title of its own that is not the record's (`_other_title`)."""
    notes: list[str] = field(default_factory=list)


def _found(word: str, view: RefView) -> bool:
    """A record word appears in the string: exactly, split by an OCR space, or with one typo (a swap of
    two neighbouring letters counts as one)."""
    if word in view.wordset:
        return True
    if len(word) >= 4 and word in view.folded:
        return True
    if len(word) >= 5:
        hit = process.extractOne(word, view.content_words, scorer=OSA.distance, score_cutoff=1)
        if hit is not None:
            return True
    return len(word) >= 4 and ocr_canon(word) in view.ocr_words


def person_found(name: CSL, view: RefView) -> float:
    """1 when the person's family name is in the string, 0.5 for a one-letter slip in a 4-letter name."""
    fam = fold(name.get("family") or name.get("literal"))
    if not fam:
        return 0.0
    if has_cjk(fam):
        return 1.0 if fam in view.folded else 0.0
    all_parts = words(name.get("family") or name.get("literal") or "")
    parts = [p for p in all_parts if len(p) > 1]
    if parts and any(_found(p, view) for p in parts):
        return 1.0
    if not parts and len(all_parts) >= 2 and _contiguous(all_parts, view.words):
        return 1.0  # a name recorded as initials only (`H.J.H.`): the same letters in a row
    if not parts and len(all_parts) == 1 and all_parts[0] in view.wordset:
        return 1.0  # a family name recorded as one letter (`Y.`): that letter standing alone
    if len(fam) >= 4 and fam in view.folded:
        return 1.0
    if any(p.fullmatch(fam) for p in view.lost_letters):
        return 1.0
    if len(fam) == 4 and process.extractOne(fam, view.content_words, scorer=Levenshtein.distance,
                                             score_cutoff=1) is not None:
        return 0.5
    return 0.0


def _people_found(people: list[CSL], view: RefView) -> float:
    """How many of `people` the string names, each of its words naming one person: `Choi S, Kim J, Lee S-L`
    names three of `Kim, Kim, Kim, Lee, Choi, Han, Lee`, not six (a common family name shared in a team)."""
    left = view.word_counts.copy()
    total = 0.0
    for a in people:
        found = person_found(a, view)
        fam = fold(a.get("family") or a.get("literal"))
        if found and fam in left:  # the name as a word of its own: one use of it
            if left[fam] <= 0:
                continue
            left[fam] -= 1
        total += found
    return total


def _first_author_lost(authors: list[CSL], view: RefView) -> bool:
    """The string's first person is the record's second author (and the list goes on from there)."""
    parsed = view.fields.get("author") or []
    first = parsed[0] if parsed and isinstance(parsed[0], dict) else None
    if not first:
        return False
    ours = fold(str(first.get("family") or first.get("literal") or ""))
    second = fold(str(authors[1].get("family") or authors[1].get("literal") or ""))
    return bool(ours) and ours == second and (len(authors) < 3 or person_found(authors[2], view) == 1.0
                                               or len(parsed) == 1)


def _first_name_broken(view: RefView) -> bool:
    """The string's first person is a bare initial (`P, 等, 2021. …`): an entry broken inside its first
    name, which says nothing of who that author is."""
    parsed = view.fields.get("author") or []
    first = parsed[0] if parsed and isinstance(parsed[0], dict) else None
    if not first or first.get("given") or first.get("literal"):
        return False
    return len(fold(str(first.get("family") or "")).replace(" ", "")) == 1


def _contiguous(part: list[str], ws: list[str]) -> bool:
    n = len(part)
    return any(ws[i : i + n] == part for i in range(len(ws) - n + 1))


def _from_title_start(tf: str, view: RefView, *, last: bool = False) -> str:
    """The string's folded text from where the (folded) title's first twelve letters stand in it (their first
    or `last` place), or ''."""
    at = view.folded.rfind(tf[:12]) if last else view.folded.find(tf[:12])
    return view.folded[at:] if at >= 0 else ""


def _title_score(title: str, view: RefView) -> tuple[float, str]:
    """Best length-aware similarity of `title` to any window of the string, and that window.

    Where no window holds the title alone (no punctuation around it; OCR spaces inside words: `Chang es
    in Psychopathology and M ental Health`), the string's letters from the title's first twelve on are
    compared with it, and the title itself stands for the window.
    """
    tf = fold(title)
    if not tf or not view.windows:
        return 0.0, ""
    best = process.extractOne(tf, view.window_folds, scorer=fuzz.ratio, processor=None)
    score, idx = (best[1], best[2]) if best else (0.0, 0)
    ts = " ".join(sorted(words(title)))
    best_sorted = process.extractOne(ts, view.window_sorted, scorer=fuzz.ratio, processor=None)
    if best_sorted and best_sorted[1] * 0.97 > score:
        score, idx = best_sorted[1] * 0.97, best_sorted[2]
    if score < 90 and view.ocr_damaged:  # letters read for look-alikes: compare with them made one
        best_ocr = process.extractOne(ocr_canon(tf), view.window_ocr, scorer=fuzz.ratio, processor=None)
        if best_ocr and best_ocr[1] * 0.98 > score:
            score, idx = best_ocr[1] * 0.98, best_ocr[2]
    if score < 95 and len(tf) >= 24:  # no window holds the title alone: find it by its first letters
        seg = _from_title_start(tf, view)[: len(tf)]
        anchored = fuzz.ratio(seg, tf) * 0.99 if len(seg) == len(tf) else 0.0
        if anchored > score:
            return anchored / 100.0, title
    return score / 100.0, view.windows[idx]


TRUNCATED_TITLE_SCORE = 0.9
"""Below this similarity a title is also compared by its beginning with each window of the string."""
TRUNCATED_MIN_SHARE = 0.4
"""The least part of the record's title a window must show to stand for a title cut short."""
BROKEN_MIN_SHARE = 0.3
"""The same where the window ends the string: an entry that broke off inside a long title."""


def _leading_words(title: str, length: int) -> list[str]:
    """The title's words whose folded text fits in its first `length` folded characters."""
    out: list[str] = []
    used = 0
    for w in words(title):
        used += len(fold(w))
        if used > length + 1:
            break
        out.append(w)
    return out


def _title_prefix(title: str, view: RefView) -> tuple[float, str, str] | None:
    """(score, window, the title's shown beginning) when a window of the string is the title cut short.

    Authors shorten long titles and broken entries lose their end; a window of at
    least three words and `TRUNCATED_MIN_SHARE` of the title (`BROKEN_MIN_SHARE` where the
    string ends with it: the entry broke off) that equals the
    title's beginning (ratio ≥ 0.9) scores that ratio scaled from 0.91 (40% of the
    title shown) to 1.0 — below a whole title, so a full match still wins.
    """
    tf = fold(title)
    best: tuple[float, str, str] | None = None
    for w, wf in zip(view.windows, view.window_folds, strict=True):
        if len(wf) < 20 or len(wf) >= len(tf) * 0.95:
            continue
        if len(wf) < TRUNCATED_MIN_SHARE * len(tf) and not (
                len(wf) >= BROKEN_MIN_SHARE * len(tf) and view.folded.endswith(wf)):
            continue
        if len(words(w)) < 3:
            continue
        r = fuzz.ratio(wf, tf[: len(wf)]) / 100.0
        if r < 0.9:
            continue
        share = len(wf) / len(tf)
        sc = r * (0.85 + 0.15 * share)
        if best is None or sc > best[0]:
            best = (sc, w, " ".join(_leading_words(title, len(wf))))
    broken = _broken_title(title, tf, view)
    return broken if broken is not None and (best is None or broken[0] > best[0]) else best


def _broken_title(title: str, tf: str, view: RefView) -> tuple[float, str, str] | None:
    """The title's beginning at the very end of the string, found by its first letters rather than by
    window (`…, H.F. Yee Jr, Evaluation of Time-Limited Trials Among Critically Ill,`: the authors and the
    cut title share one segment)."""
    tail = _from_title_start(tf, view, last=True) if len(tf) >= 40 else ""
    if not (max(20, BROKEN_MIN_SHARE * len(tf)) <= len(tail) < 0.95 * len(tf)):
        return None
    r = fuzz.ratio(tail, tf[: len(tail)]) / 100.0
    if r < 0.9:
        return None
    shown = " ".join(_leading_words(title, len(tail)))
    return r * (0.85 + 0.15 * len(tail) / len(tf)), shown, shown


@dataclass
class RecordWords:
    """Every word a record could explain in a string: its words, its folded text, its journal's words."""

    vocab: set[str]
    folded: str
    jwords: list[str]

    @cached_property
    def canon(self) -> frozenset[str]:
        """The words of three letters or more with OCR's look-alikes made one — made when first asked: most
        strings' words are found without it."""
        return frozenset(ocr_canon(v) for v in self.vocab if len(v) >= 3)


def _record_vocab(rec: CSL) -> RecordWords:
    """Every word the record could explain in a string, its folded text, and its journal words."""
    vocab: set[str] = set()
    texts: list[str] = []
    for key in ("title", "citecheck:subtitle", "original-title", "publisher"):
        v = rec.get(key)
        if isinstance(v, str):
            vocab.update(words(v))
            texts.append(v)
    jwords: list[str] = []
    for c in container_titles(rec):
        ws = words(c)
        jwords.extend(ws)
        vocab.update(ws)
        texts.append(c)
    for role in ("author", "editor"):
        for a in rec.get(role) or []:
            for part in ("family", "given", "literal"):
                v = a.get(part)
                if isinstance(v, str):
                    ws = words(v)
                    vocab.update(ws)
                    vocab.update(w[0] for w in ws if w)
                    if part == "given" and len(ws) > 1:
                        vocab.add("".join(w[0] for w in ws))  # Vancouver initials: Mei-Hua → MH
                    texts.append(v)
    return RecordWords(vocab, fold(" ".join(texts)), jwords)


def _explained(word: str, rw: RecordWords, view: RefView) -> bool:
    """A word of the string (`view`'s) that the record explains. The cheap tests come first; the answer is
    the same in any order."""
    if word in rw.vocab:
        return True
    if len(word) >= 3 and word in rw.folded:
        return True  # part of a word split by an OCR space, or an abbreviation's letters
    if any(j.startswith(word) for j in rw.jwords):
        return True  # abbreviated journal word
    if len(word) >= 4 and ocr_canon(word) in rw.canon:
        return True  # letters read for look-alikes (`al1oantigens`; `dcfined` is a typo, found below)
    if len(word) >= 5 and process.extractOne(word, rw.vocab, scorer=OSA.distance, score_cutoff=1) is not None:
        return True
    return len(word) >= DAMAGED_WORD_MIN and _in_with_one_edit(word, rw.folded)


DAMAGED_WORD_MIN = 6
"""A word this long may be a piece of a record's word split off by an OCR space *and* mistyped
(`csConuerence` of `Aeroacoustics Conference`); shorter pieces fit anywhere with one edit."""


def _in_with_one_edit(word: str, text: str) -> bool:
    """`word` occurs in `text` (folded) with at most one edit."""
    shown = _aligned(word, text, 80)
    return shown is not None and Levenshtein.distance(word, shown, score_cutoff=1) <= 1


def _aligned(needle: str, text: str, cutoff: float) -> str | None:
    """The part of `text` that `needle` aligns with best, when the partial ratio reaches `cutoff`."""
    al = fuzz.partial_ratio_alignment(needle, text, processor=None, score_cutoff=cutoff)
    return None if al is None else text[al.dest_start : al.dest_end]


def _number_values(rec: CSL) -> set[str]:
    vals: set[str] = set()
    y = record_year(rec)
    if y:
        vals.add(str(y))
    for key in ("volume", "issue", "page", "number"):
        v = rec.get(key)
        if v:
            vals.update(words(str(v)))
    return vals


def _page_end_abbrev(tok: str, rec: CSL) -> bool:
    """`1923-7`: the 7 abbreviates the record's last page 1927."""
    page = str(rec.get("page") or "")
    parts = re.split(r"\s*[-–]\s*", unify_dashes(page))
    return len(parts) == 2 and tok.isdigit() and parts[1].endswith(tok)


def _glued_values(rec: CSL) -> list[str]:
    """The record's numbers as a style prints them side by side: year, volume, issue, first and last page."""
    vals = [str(record_year(rec) or "")]
    for key in ("volume", "issue"):
        vals.append(str(rec.get(key) or "").strip())
    page = unify_dashes(str(rec.get("page") or rec.get("number") or ""))
    vals += [p.strip() for p in re.split(r"\s*-\s*", page, maxsplit=1)]
    vals = [re.sub(r"^[A-Za-z]{1,2}(?=\d{4,}$)", "", v) for v in vals]  # `e14983` is printed `e14983` + `2021`
    return [v for v in dict.fromkeys(vals) if v.isdigit()]


def unglue(token: str, values: list[str]) -> list[str] | None:
    """`token` cut into two or more of `values` in a row (`1021238` → `102`, `1238`), or None.

    At most one piece may be a single digit (an issue), so that short values
    cannot explain any run of digits one digit at a time.
    """
    best: dict[int, list[str]] = {0: []}
    for i in range(len(token)):
        if i not in best:
            continue
        for v in values:
            if token.startswith(v, i):
                parts = [*best[i], v]
                if sum(len(p) == 1 for p in parts) <= 1 and (i + len(v) not in best
                                                               or len(parts) < len(best[i + len(v)])):
                    best[i + len(v)] = parts
    parts = best.get(len(token))
    return parts if parts and len(parts) >= 2 else None


def _glued_found(view: RefView, rec: CSL) -> dict[str, list[str]]:
    """The string's run-together digit tokens that the record's numbers explain, with their pieces."""
    if not view.glued:
        return {}
    values = _glued_values(rec)
    out: dict[str, list[str]] = {}
    for t in view.glued:
        parts = unglue(t, values)
        if parts is None and YEAR_RE.fullmatch(t[:4]) and (rest := unglue(t[4:], values)):
            parts = [t[:4], *rest]  # a year, perhaps not the record's, run into the record's numbers
        if parts:
            out[t] = parts
    return out


OTHER_TITLE_WORDS = 5
OTHER_TITLE_SHARE = 0.2


def _other_title(view: RefView, rec: CSL, title: str) -> bool:
    """The parsed title is another work's: at least `OTHER_TITLE_WORDS` words of its own (Latin script) of
    which at most `OTHER_TITLE_SHARE` are the record's — in its title, journal or people's names, exactly, with
    OCR's look-alikes or one edit in five letters — while the record's title is not shown either. A real
    locator and first author with an invented title is how made-up references look; a title cut short, damaged
    by OCR, or missing (the journal read as the title) is not this."""
    own, at = view.own_title
    if len(own) < OTHER_TITLE_WORDS or at < 0:
        return False  # too short to tell, or not found as printed
    people = " ".join(str(a.get("family") or a.get("literal") or "") for a in rec.get("author") or []
                      if isinstance(a, dict))
    theirs = set(words(" ".join([title, people, *container_titles(rec)])))
    canon, joined = {ocr_canon(w) for w in theirs}, "".join(sorted(theirs))
    allowed = OTHER_TITLE_SHARE * len(own)
    known = 0
    for w in own:
        if (w in theirs or ocr_canon(w) in canon or w in joined  # `Ann ales` of `Annales`
                or process.extractOne(w, theirs, scorer=Levenshtein.distance, score_cutoff=len(w) // 5) is not None):
            known += 1
            if known > allowed:
                return False
    return not _locator_shown(" ".join(view.words[:at]), rec)  # the record's entry ends before it: another entry


def _locator_shown(text: str, rec: CSL) -> bool:
    """The record's first page and its volume or year, or its journal's name, all stand in `text`."""
    first = page_pieces(rec.get("page"))[:1]
    parts = rec.get("issued", {}).get("date-parts") if isinstance(rec.get("issued"), dict) else None
    year = str(parts[0][0]) if parts and parts[0] else ""
    shown = set(re.findall(r"\w+", text))
    if first and first[0] in shown and (str(rec.get("volume") or "") in shown - {""} or year in shown - {""}):
        return True
    folded = fold(text)
    return any(len(c) >= 8 and c in folded for c in map(fold, container_titles(rec)))


def compare(view: RefView, rec: Record) -> Evidence:
    """Evidence for one candidate, from both the parsed fields and the string."""
    f = rec.fields
    ev = Evidence(doi=rec.doi or "")
    # DOI
    if view.doi and ev.doi:
        ev.doi_in_string = view.doi == ev.doi
    # Title
    title = f.get("title")
    if isinstance(title, str):
        title = without_catalog_number(title)
    if isinstance(title, str) and fold(title):
        ev.title, ev.title_window = _title_score(title, view)
        shown_title = title
        if ev.title < TRUNCATED_TITLE_SCORE:
            cut = _title_prefix(title, view)
            if cut is not None:  # the string shows the title's beginning only (cut short, or the entry broken)
                ev.title, ev.title_window, shown_title = cut
        tw = [w for w in significant(words(shown_title)) if len(w) > 1 or has_cjk(w)]
        if tw:
            ev.title_cov = sum(_found(w, view) for w in tw) / len(tw)
        m = _NOTICE_RE.match(title)
        # Only when the string shows the cited title: a notice's own citation has no title to compare.
        ev.notice_mismatch = bool(m) and (ev.title_cov or 0) >= 0.5 and not _found(
            words(m.group(1))[0], view)
        if not m and (ev.title_cov or 0) >= 0.5 and view.wordset & NOTICE_WORDS and not (
                set(words(title)) & NOTICE_WORDS):
            ev.notice_mismatch = True  # the string cites a notice (`Corrigendum to …`) about this record
        cited = view.fields.get("title")
        n = _CITED_NOTICE_RE.match(cited) if isinstance(cited, str) and (ev.title_cov or 0) >= 0.5 else None
        if (n and not m and (n.group(1) or n.group(3)).casefold() not in words(title)
                and fuzz.partial_ratio(fold(title), fold(cited)) >= 90):  # (about this record, not another entry's)
            ev.notice_mismatch = True  # `Response to: <its title>`: the reply, not the article (`In Reply to …` is)
        ev.title_numbers_mismatch = 0 if (ev.title_cov or 0) < 0.5 else (
            _title_numbers_missing(shown_title, view) + _other_part(title, view))
        sub = f.get("citecheck:subtitle")
        if isinstance(sub, str) and sub:
            alt, win = _title_score(f"{title}: {sub}", view)
            if alt > ev.title:
                ev.title, ev.title_window = alt, win
    # Authors
    authors = f.get("author") or []
    if authors:
        ev.first_author = person_found(authors[0], view)
        shown = authors[:10]
        ev.authors = _people_found(shown, view) / len(shown)
        if len(authors) > len(shown) and view.author_families:  # the people the parser found, not any word
            ev.named_later = sum(fold(a.get("family") or a.get("literal")) in view.author_families
                                 for a in authors[len(shown) : LATER_AUTHORS])
        if not ev.authors and view.fields and not view.fields.get("author"):
            ev.first_author = ev.authors = None  # the string names no author (editors at most): unknown, not different
        elif ev.first_author == 0.0 and (_first_name_broken(view) or (
                len(authors) >= 2 and _first_author_lost(authors, view))):
            ev.first_author = None  # the first name lost, or the list starts at the record's second author
    # Year
    y = record_year(f)
    glued = _glued_found(view, f)
    if y:
        # Journals that number volumes by year (`2021: 1-10`) print the year twice; when the string
        # shows it once, next to a year off by one, that one is the volume and the year differs.
        # a year inside the record's own title (`… Typhoon Chanchu (2006)`, `the 2019 coronavirus`) is not its date
        in_title = {int(w) for w in words(str(title or "")) if w.isdigit() and YEAR_RE.fullmatch(w)}
        years = [v for v in view.years if v not in in_title or v == y]
        shown = years.count(y)
        taken = sum(1 for key in ("volume", "issue") if str(f.get(key) or "").strip() == str(y))
        off = any(abs(y - v) == 1 for v in years)
        glued_years = [int(ps[0]) for ps in glued.values() if YEAR_RE.fullmatch(ps[0])]
        if shown > taken or (shown and not off) or (not shown and y in view.repaired_years):
            ev.year = 1.0
        elif str(y) in {p for ps in glued.values() for p in ps}:
            ev.year = 1.0  # run into a neighbouring number (`2021;219` → `2021219`)
        elif years or glued_years:
            ev.year = 0.0  # another year, shown alone or run into the record's volume and page
            ev.year_off = off or any(abs(y - v) == 1 for v in glued_years)
    # Volume, issue, page
    nums = view.number_set | view.repaired_values | {p for ps in glued.values() for p in ps}
    for key in ("volume", "issue"):
        v = f.get(key)
        if v:
            toks = [t for t in words(str(v)) if t]
            if toks:
                setattr(ev, key, 1.0 if all(t in nums or t in view.wordset or view.damaged_match(t)
                                            for t in toks) else 0.0)
    # a number the string calls its volume (`vol. 6`) is not the record's issue 6 shown: the volume differs
    # (unless the record's title has it: `Corrigendum to '…' [J Mech Behav Biomed Mater Vol 119 …]`; a record
    # without a volume says nothing either way)
    mislabelled = view.labelled_volumes - set(words(str(f.get("volume") or ""))) - set(
        re.findall(r"\d+", str(title or ""))) if view.labelled_volumes and f.get("volume") else frozenset()
    if ev.issue == 1.0 and set(words(str(f.get("issue") or ""))) <= mislabelled and not view.fields.get("issue"):
        ev.issue = None
    fp = first_page(f.get("page")) or first_page(f.get("number"))
    if fp:
        fpw = words(fp)
        ev.page = 1.0 if fpw and all(t in nums or t in view.wordset or view.damaged_match(t) for t in fpw) else 0.0
        digits = re.sub(r"\D", "", fp)
        if not ev.page and digits and fp[0].isalpha() and digits in nums:
            ev.page = 1.0  # e88194 printed as 88194, S12 as 12 (but 34b is not page 34)
        if ev.page and starts_where_cited_ends(view, f):
            ev.page = 0.0  # `pp. 582–584` against a record of 584–586: the next article, begun on that page
    # Journal
    conts = container_titles(f)
    if conts:
        # the record is one language edition and the string names another (a string that names none cites
        # that article: the record's journal name, edition and all, is shown in the diffs)
        theirs = {e for c in conts if (e := edition_of(c))}
        ev.edition_mismatch = view.edition is not None and bool(theirs) and view.edition not in theirs
        ev.journal = 1.0 if any(find_in_words(c, view.words) for c in conts) else 0.0
        if not ev.journal and any(len(fold(c)) >= 6 and fold(c) in view.folded for c in conts):
            ev.journal = 1.0
        if not ev.journal:  # misspelt or read by OCR, each form (`…Family Medicine : JABFM` without its suffix)
            forms = [v for c in conts for v in variants(c)]
            if any(_damaged_container(fold(v), view.folded) for v in forms) or (view.ocr_damaged and any(
                    find_in_words(" ".join(ocr_canon(w) for w in words(v)), view.ocr_word_list) for v in forms)):
                ev.journal = 1.0  # OCR's look-alikes too (`Co1d Spring Harbor`, `Soc 5ci Med`)
    # Coverage of the string by the record
    rw = _record_vocab(f)
    tail_at = merged_tail(view, f)[0] if len(view.years) >= 2 else -1
    head = merged_head(view, f)[0] if len(view.years) >= 2 else 0
    # another reference run into the string (after or before this one) is reported (a diff), not scored
    own_words = view.words if tail_at < 0 else words(view.body[:tail_at])
    own_words = own_words[head:]
    ev.after_other_entry = head > 0
    cw = view.content_words if tail_at < 0 and not head else content_of(own_words)
    numvals = _number_values(f)
    if cw:
        # an article number (`e26`) is one of the record's numbers, not a word of another work
        explained = [w in numvals or _explained(w, rw, view) for w in cw]
        ev.string_cov = sum(explained) / len(cw)
        ev.group_author_mismatch = _longest_gap(explained) >= GROUP_GAP and _group_author_absent(authors, view)
    if y and ev.year_off:
        numvals |= {str(y - 1), str(y + 1)}
    own_numbers = view.numbers if tail_at < 0 and not head else [w for w in own_words if any(
        ch.isdigit() for ch in w)]
    unexplained = [t for t in own_numbers
                   if t in mislabelled or (t not in numvals and fold(t) not in view.name_suffixes
                   and re.sub(r"\D+", "", t) not in numvals and not _page_end_abbrev(t, f)
                   and not _is_noise_number(t, view, f) and not (view.repaired.get(t, set()) & numvals)
                   and not (t in view.damaged and any(view.damaged_match(v) == t for v in numvals))
                   and not _glued_token(t, glued)
                   and not (sum(c.isalpha() for c in t) >= 2 and ocr_canon(t) in rw.canon))]
    ev.unexplained_numbers = len(unexplained)
    if not [t for t in unexplained if not (ev.year == 0.0 and YEAR_RE.fullmatch(t))]:
        # (a wrong year is the year's disagreement, not a volume or page shown)
        for key in ("volume", "issue"):
            if getattr(ev, key) == 0.0 and not view.fields.get(key):
                setattr(ev, key, None)  # the string shows no such number: not shown is not contradicted
        if ev.title is not None and ev.title >= 0.9 and _ends_in_title(view, ev.title_window):
            # the entry breaks off in (or right after) the title: what would follow it is not shown
            for key in ("journal", "volume", "issue", "page"):
                if getattr(ev, key) == 0.0:
                    setattr(ev, key, None)
    if fp and ev.page == 0.0:
        parsed = first_page(view.fields.get("page"))
        ev.page_typo = not starts_where_cited_ends(view, f) and any(
            _one_digit_slip(t, fp) for t in ([parsed] if parsed else unexplained))  # (582–584 for 584: no slip)
    if ev.notice_mismatch and ev.page == 1.0 and _start_lost(view) and isinstance(title, str) and _NOTICE_RE.match(title):
        ev.notice_mismatch = False  # the notice's words went with the entry's start; its own pages are cited
    # the string's first author is the record's, its own entry first in the string, and its title another's
    ev.title_contradicted = (ev.first_author == 1.0 and not ev.after_other_entry and isinstance(title, str)
                             and (ev.title_cov or 0) <= OTHER_TITLE_SHARE and _other_title(view, f, title))
    return ev


def _start_lost(view: RefView) -> bool:
    """The entry begins inside a sentence (`of Partial or Circumferential Liposuction …`): its start — people, the
    first words of its title, a notice's `Commentary on:` — was lost where it broke."""
    return bool(view.body) and view.body.lstrip(" .,;:([\"'‘“")[:1].islower()


def record_pages(rec: CSL) -> list[str]:
    """The record's page range as [first, last] (or [first])."""
    return page_pieces(rec.get("page"))


def starts_where_cited_ends(view: RefView, rec: CSL) -> bool:
    """The record's first page is the last page of the range the string cites, not its first: the article
    that follows the cited one in the volume (old journals start an article on the page the last one ends).
    Not when the record ends there too, or says nowhere where it ends (a one-page item, `584–584`: the
    string's first page is the slip)."""
    parts, theirs = page_pieces(view.fields.get("page")), record_pages(rec)
    if len(parts) != 2 or not all(x.isdigit() for x in parts) or len(theirs) != 2 or parts[0] == theirs[0]:
        return False
    return theirs[-1] != theirs[0] and range_end(*parts) == theirs[0]


def range_end(first: str, last: str) -> str:
    """A range's last page written whole: `582–4` ends on 584, `425–30` on 430."""
    return first[: max(0, len(first) - len(last))] + last


def title_words_explained(view: RefView, rec: CSL) -> tuple[int, int]:
    """(explained, all) content words of the string's parsed title that the record explains anywhere (its
    title, journal, people; letters read by OCR and one-letter slips allowed): a title of which the record
    has no word is another work's — and a journal or names the parser took for a title are explained."""
    title = view.fields.get("title")
    if not isinstance(title, str) or not title.strip():
        return 0, 0
    cw = content_of(words(title))
    rw = _record_vocab(rec)
    return sum(_explained(w, rw, view) or (  # or mistyped more than once (`Conntrract`)
        len(w) >= 4 and process.extractOne(w, rw.vocab, scorer=fuzz.ratio, score_cutoff=TYPED_WORD_RATIO) is not None)
        for w in cw), len(cw)


TYPED_WORD_RATIO = 75
"""Similarity (0–100) at which a title word is taken for a record's word typed with slips."""


def _glued_token(tok: str, glued: dict[str, list[str]]) -> bool:
    """A number token made of run-together record numbers (`1978 6213` explained by volume 62, page 13)."""
    return bool(glued) and (tok in glued or re.sub(r"\D+", "", tok) in glued or tok.translate(OCR_DIGITS) in glued)


def _ends_in_title(view: RefView, window: str) -> bool:
    """The string ends with the title's window: nothing of the work is shown after its title."""
    w = fold(window).strip(" .,;:")
    return bool(w) and len(w) >= 20 and fold(view.body).strip(" .,;:\"'”’").endswith(w)


GROUP_GAP = 3
"""Consecutive words of the string the record cannot explain: room for an organisation's name."""


def _longest_gap(explained: list[bool]) -> int:
    best = run = 0
    for ok in explained:
        run = 0 if ok else run + 1
        best = max(best, run)
    return best


def _group_author_absent(authors: list[CSL], view: RefView) -> bool:
    """The record names an organisation as author and the string does not show that name.

    With a run of words the record cannot explain, the string most likely
    names another organisation (a translated edition's group author, say).
    Only the name's long words count, so articles and prepositions of any
    language are ignored.
    """
    for a in authors:
        name = a.get("literal")
        if not isinstance(name, str):
            continue
        long_words = [w for w in words(name) if len(w) >= 4]
        if len(long_words) >= 3 and sum(w in view.wordset for w in long_words) < 0.5 * len(long_words):
            return True
    return False


def _damaged_container(name: str, text: str) -> bool:
    """A long journal or proceedings name shown with OCR damage (`Aeroacousti csConuerence`).

    Folded text ignores the stray spaces; one edit per twelve letters is allowed,
    but the name's last letters and its digits must be intact, so a sibling title
    (`Journal of Physics A` / `B`, the 7th / 8th conference) is never taken for it.
    """
    al = fuzz.partial_ratio_alignment(name, text, processor=None, score_cutoff=90) if (
        len(name) >= DAMAGED_NAME_MIN) else None
    if al is None:
        return False
    # the alignment may take in a letter of the neighbouring words (`…bndmdicine1` of `1978`) or leave out the
    # name's own last one (`…nifectiouusdisease|s`); letters swapped (`Euorpean`) are one slip, as a typist makes
    shown = min((text[max(0, al.dest_start + i) : al.dest_end + j] for i in range(-2, 3) for j in range(-2, 3)),
                key=lambda s: OSA.distance(name, s))
    return (shown.endswith(name[-3:]) and re.sub(r"\D", "", shown) == re.sub(r"\D", "", name)
            and OSA.distance(name, shown) <= max(1, len(name) // 12))


LATER_AUTHORS = 100
"""How far down a large team's list people the string names are looked for."""

DAMAGED_NAME_MIN = 16
"""Shorter names are matched exactly: a few letters more or less make another journal."""


def _title_numbers_missing(title: str, view: RefView) -> int:
    """Words with digits of the record's title, and Roman part numerals, that the string does not show (`Part 2`
    cited as `Part 3`, `XLII` as `XLI`).

    Not missing: a number shown with a letter slip or an OCR look-alike (`1SN` for `15N`), and
    numbers in the part of the title before the first or after the last word the string shows when
    other words are lost with them (a title cut short: `… of dimethyl-ether` for `… of dimethyl-ether
    + O2 reaction system`; an entry broken at its start or inside its title, the string ending on a title
    word); a number alone after the shown words (`Learning pyramids` for `… pyramids 2`, the entry going
    on) is missing.
    """
    tw = words(title)
    shown = [i for i, w in enumerate(tw) if w in view.wordset]

    def lost_with_words(part: list[str]) -> bool:
        return any(not any(c.isdigit() for c in w) for w in part)

    head = tw[: shown[0]] if shown else []
    tail = tw[shown[-1] + 1:] if shown else []
    # an entry broken at its start lost the title's beginning: other words with the numbers, or the string
    # itself starts (after its label) with the first title word it shows
    lead = view.words[1:] if view.words and view.words[0].isdigit() else view.words
    opens = bool(shown and lead) and lead[0] == tw[shown[0]]
    start = len(head) if head and (lost_with_words(head) or opens) else 0
    # …and an entry broken inside its title lost its end, numbers alone too: the string ends on a title word
    ends = bool(shown and view.words) and view.words[-1] == tw[shown[-1]]
    cut = len(tw) - len(tail) if lost_with_words(tail) or ends else len(tw)
    canon = view.ocr_word_set
    digits = sum(1 for w in tw[start:cut] if any(c.isdigit() for c in w) and w not in view.wordset
                 and w not in view.folded and w not in view.label_words and not _letter_slip(w, view)
                 and ocr_canon(w) not in canon)
    return digits + sum(1 for w in tw[start:cut] if _PART_NUMERAL.fullmatch(w) and w not in view.wordset
                        and ocr_canon(w) not in canon and not _numeral_slip(w, view))


def _numeral_slip(numeral: str, view: RefView) -> bool:
    """The string shows the numeral with one letter garbled into a non-numeral (`IIb` for `III`); another
    numeral (`XLI` for `XLII`) is another part."""
    return any(not _PART_NUMERAL.fullmatch(w) and Levenshtein.distance(w, numeral, score_cutoff=1) <= 1
               for w in view.words if len(w) >= 2)


def _other_part(title: str, view: RefView) -> int:
    """1 when the string shows another part numeral where the record's title has its own (`Compounds: XLI.`
    for `Compounds: XLII.`: the series' previous paper), else 0."""
    tw, sw = words(title), view.words
    pairs = view.ocr_pairs
    for i in range(1, len(tw)):
        if _is_part_numeral(tw[i]) and (tw[i - 1], ocr_canon(tw[i])) not in pairs:
            if any(sw[j] == tw[i - 1] and _is_part_numeral(sw[j + 1]) and sw[j + 1] != tw[i]
                   and max(len(sw[j + 1]), len(tw[i])) >= 2 for j in range(len(sw) - 1)):
                return 1
    return 0


def _is_part_numeral(w: str) -> bool:
    """A part numeral, `i` too: it is one beside a numeral of two letters (`chamomile ii.` for `chamomile i.`)."""
    return bool(_PART_NUMERAL.fullmatch(w)) or w == "i"


_PART_NUMERAL = re.compile(r"(?=[ivxl]{2})(?:x{0,3}|xl|lx{0,3})(?:ix|iv|v?i{0,3})")
"""A Roman numeral of two letters or more up to 89 (`II`, `XLI`): a series part (`… Compounds: XLI.`); `XLII` is
the next paper of the series. Letters c, d, m are left out: `mix`, `did`, `dim` are words."""


def _letter_slip(word: str, view: RefView) -> bool:
    """A title word with digits (`CB2`) shown with one *letter* mistyped (`Cx2`) or two swapped
    (`icrcRANBP17`): same number, a typo.

    A changed digit (`i001` for `i002`, a sibling cell line) is a different number and no slip.
    """
    digits = re.sub(r"\D", "", word)
    return len(word) >= 3 and any(
        re.sub(r"\D", "", v) == digits and OSA.distance(word, v, score_cutoff=1) <= 1 for v in view.numbers)


def merged_tail(view: RefView, rec: CSL) -> tuple[int, str]:
    """Where another reference starts after the record's last bibliographic number, and its text.

    (-1, "") when the string carries nothing after the record's numbers that
    looks like a reference (four words and a year).
    """
    body = view.body
    anchors = [first_page(rec.get("page")), str(rec.get("volume") or ""), str(record_year(rec) or "")]
    # the first number after the record's title; in a style without titles, after one of its first authors
    titled = _title_before(rec, body)
    # the record's first three family names (its first author may be the one the string lost)
    family = [w for a in (rec.get("author") or [])[:3] if isinstance(a, dict)
              for w in words(str(a.get("family") or ""))[:1]]
    if not titled and not family:
        return -1, ""
    if not titled:
        # without the title only the first page is specific enough to end an entry (the volume, for a record
        # without pages: `Phys. Rev. Applied 16 (2021).`)
        anchors = anchors[:1] if anchors[0] else anchors[1:2]
    pos = -1
    for a in anchors:  # the most specific number shown: a second reference may share a year or volume
        if a:
            ends = [m.end() for m in re.finditer(rf"(?<![\w]){re.escape(a)}(?![\w])", body, re.IGNORECASE)]
            ends = [e for e in ends if (_title_before(rec, body[:e]) if titled
                                        else any(f in words(body[:e]) for f in family))]
            if ends:
                pos = ends[0]
                break
    if pos < 0:
        return -1, ""
    tail = body[pos:]
    page = str(rec.get("page") or "")
    if "-" in page or "–" in page:
        m = re.match(r"^\s*[-–]\s*\w+", tail)
        if m:
            pos += m.end()
            tail = body[pos:]
    tws = [w for w in words(tail) if len(w) > 2 and not w.isdigit() and w not in ("doi", "pmid", "http", "https")]
    has_year = bool(YEAR_RE.search(tail))
    return (pos, tail.strip()) if len(tws) >= 4 and has_year else (-1, "")


def merged_head(view: RefView, rec: CSL) -> tuple[int, str]:
    """(word index, text) where this record's entry starts when another reference precedes it in the string.

    The record's first author must stand after at least four words and a year of
    something else, and the record's title must follow that point — in a style without titles, its
    first page; (0, "") otherwise.
    """
    authors = rec.get("author") or []
    fam = [w for w in words(str(authors[0].get("family") or authors[0].get("literal") or ""))
           if len(w) > 1] if authors else []
    if not fam:
        return 0, ""
    ws = view.words
    for i in range(4, len(ws)):
        if ws[i] != fam[0]:
            continue
        before = ws[:i]
        if sum(1 for w in before if len(w) > 2 and not w.isdigit()) < 4 or not any(
                YEAR_RE.fullmatch(w) for w in before):
            return 0, ""
        if _title_shown(rec, view):
            if not _title_before(rec, " ".join(ws[i:])):
                return 0, ""
            if _title_before(rec, " ".join(before)):
                return 0, ""  # the record's title is (also) in front: no other reference there
        else:  # a style without titles: the record's first page follows its first author, and not before
            fp = words(first_page(rec.get("page")))
            if not fp or fp[0] not in ws[i:] or fp[0] in before:
                return 0, ""
        return i, " ".join(before)
    return 0, ""


def _title_shown(rec: CSL, view: RefView) -> bool:
    """The string shows the record's title (or the record has none to show)."""
    return _title_before(rec, view.body)


def _title_before(rec: CSL, head: str) -> bool:
    """Most of the record's title words are shown in `head` (or the record has no title to show)."""
    title = rec.get("title")
    tw = set(significant(words(title))) if isinstance(title, str) else set()
    return not tw or len(tw & set(words(head))) >= 0.8 * len(tw)


def _one_digit_slip(a: str, b: str) -> bool:
    """Two page numbers of one length that differ in one character (`1122` for `1132`, `2b9` for `279`)."""
    if len(a) != len(b) or len(a) < 2 or not b.isdigit() or not a[0].isdigit():
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and sum(not c.isdigit() for c in a) <= 1


def _is_noise_number(tok: str, view: RefView, rec: CSL) -> bool:
    """Numbers inside the title or journal name are not bibliographic numbers (also when split: `5086 076`)."""
    t = rec.get("title")
    if isinstance(t, str) and (tok in words(t) or any(v in words(t) for v in view.repaired.get(tok, ()))):
        return True
    return any(tok in words(c) for c in container_titles(rec))
