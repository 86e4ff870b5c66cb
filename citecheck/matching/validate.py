"""From candidates to a verdict: which record (if any) is the cited work, and what differs.

Decision rules, in order (the thresholds are module constants):
- A DOI written in the reference is checked, not trusted: its record is accepted
  when its evidence reaches `DOI_ACCEPT` (the DOI itself is strong evidence, so
  the bar is lower). If it does not fit but a search hit does, the hit is
  reported with a `wrong_doi` diff — the user's DOI is never silently replaced.
- Otherwise the best candidate is accepted at `ACCEPT` when no other candidate
  (another DOI) comes within `MARGIN` of it; two close candidates → `ambiguous`.
- A best candidate between `WEAK` and `ACCEPT` → `ambiguous` (shown, not chosen).
- Below `WEAK` → `not_found`, except that a hard "different work" needs two
  independent signals: a candidate with a strong title match and fewer than
  two disagreeing fields stays `ambiguous`.
- The symmetric rule: one conflicting value (volume, first page or year) does
  not make a different work when the title matches in full and at least
  `OVERRIDE_SIGNALS` other independent fields agree (first author, year,
  journal, volume, issue, first page, with at least one locator among them):
  the candidate is accepted as `corrected`, with a `wrong_value` diff on the
  conflicting field (`_one_wrong_value`).
- What identifies a work outweighs its numbers: a long, specific title shown
  whole (or, where the entry breaks off, its leading words) in its own order
  with the people and one more field (`_title_identifies`), or, without a
  title, journal + first page + year or volume + first author
  (`_locator_identifies`), or the first author and two more with journal, year
  and the issue or a page (`_people_identify`); rivals are then weighed at the
  confidence with the wrong values set aside, so two DOIs of one article stay
  `ambiguous` (unless the string names one's language edition) and the reason
  names both. A single-page record (a review) is never taken against its year.
- What names no work is held back as `ambiguous` whatever the model says: a
  container and a year (`container_only`), one author of a journal article with
  the journal and year (`one_author_in_a_journal`).
- Some evidence is decisive whatever the numbers (`_decisive`): of two entries
  run together the first is the string's; a string citing a notice cites the
  notice, not the article.
`verified` when every field the reference has agrees (abbreviations and
fields the reference leaves out are allowed), `corrected` otherwise.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from citecheck.matching.compare import (
    TRUNCATED_TITLE_SCORE,
    Evidence,
    RefView,
    compare,
    container_titles,
    first_page,
    fold,
    merged_head,
    merged_tail,
    notice_title,
    ocr_canon,
    person_found,
    record_year,
    strip_label,
)
from citecheck.matching.diffs import author_diffs, classify_text, classify_value, name_text
from citecheck.matching.journals import abbreviation_typo, is_abbreviation, journal_equal, significant, words
from citecheck.matching.score import probability
from citecheck.model import CSL, FieldDiff, Match, Record, Reference, Verdict
from citecheck.text import has_cjk, unify_dashes

ACCEPT = 0.50
DOI_ACCEPT = 0.30
WEAK = 0.25
MARGIN = 2.0
"""Log-odds by which the best candidate must beat any other (odds ratio e² ≈ 7.4)."""
STRONG_TITLE = 0.90
NOT_ERRORS = frozenset({"abbreviation", "missing"})
IMPORTANT = ("title", "author", "container-title", "issued", "volume", "page")
# Diff kinds from the mildest to the most serious: the mildest explanation of a difference wins.
_KIND_RANK = {k: i for i, k in enumerate(
    ("abbreviation", "ocr_spacing", "letter_spacing", "hyphenation", "char_confusion", "typo", "wrong_value"))}


@dataclass
class Scored:
    record: Record
    evidence: Evidence
    p: float


def reference_text(ref: Reference) -> str:
    """The string to compare with: the repaired entry, else the raw one."""
    return ref.text or ref.raw


def score_candidates(view: RefView, candidates: list[Record]) -> list[Scored]:
    """Every distinct candidate (by DOI, first occurrence wins) with its evidence and probability."""
    seen: dict[str, int] = {}
    out: list[Scored] = []
    for rec in candidates:
        key = canonical_doi(rec.doi) if rec.doi else f"#{id(rec)}"
        if key in seen:
            # `10.1037//0021-...` is an alias of `10.1037/0021-...`: keep the canonical spelling.
            if rec.doi == key and out[seen[key]].record.doi != key:
                out[seen[key]] = Scored(rec, out[seen[key]].evidence, out[seen[key]].p)
            continue
        seen[key] = len(out)
        ev = compare(view, rec)
        out.append(Scored(rec, ev, probability(ev)))
    out.sort(key=lambda s: -s.p)
    return out


_VERSIONED_DOI = re.compile(r"(f1000research|wellcomeopenres|gatesopenres|hrbopenres|openreseurope)\.\d+\.\d+$")


NOTICE_CONFLICT = "the record is a notice (erratum, correction, abstract elsewhere...) about the cited work"


def conflicts(ev: Evidence, doi: str = "") -> list[str]:
    """Fields the string *shows* with a value other than the record's, which no noise explains.

    One conflict is not proof of a different work, but it is enough doubt that
    we do not pick the candidate: the verdict is then `ambiguous` at best.
    A year off by one (online vs print) is not a conflict, nor is a first page
    with one digit slipped (`1122` for `1132`) — except on platforms that
    publish versions of one article under several DOIs. An organisation named
    as author by the record but replaced in the string by other words (the
    group's name in another language: a translated edition under another DOI)
    is a conflict too.
    """
    out: list[str] = []
    versioned = bool(doi and _VERSIONED_DOI.search(doi))
    # numbers shown that the record does not explain, the wrong year aside (it is the year's disagreement)
    shown = ev.unexplained_numbers - (ev.year == 0.0 and not ev.year_off)
    if ev.page == 0.0 and shown > 0 and (not ev.page_typo or versioned):
        out.append("page")
    if ev.volume == 0.0 and shown > 0:
        out.append("volume")
    if ev.year == 0.0 and not ev.year_off:
        out.append("year")
    if ev.notice_mismatch:
        out.append(NOTICE_CONFLICT)
    if ev.title_numbers_mismatch:
        out.append("numbers in the title")
    if ev.edition_mismatch:
        out.append("journal edition")
    if ev.group_author_mismatch:
        out.append("group author")
    if out and versioned:
        out.append("versioned publication (another version has the same title)")
    return out


OVERRIDE_SIGNALS = 4
"""Agreeing fields besides the title that outweigh one conflicting value."""
_OVERRIDABLE = frozenset({"page", "volume", "year"})


def _page_parts(view: RefView) -> list[str]:
    """The reference's page range as [first, last] (parsed, else the string's last number range)."""
    ours = unify_dashes(str(view.fields.get("page") or ""))
    if not ours:  # unparsed: the string's last number range
        ranges = re.findall(r"(?<!\w)(\w*\d\w*\s*-\s*\w*\d\w*)(?!\w)", unify_dashes(view.body))
        ours = ranges[-1] if ranges else ""
    return [x for x in re.split(r"\s*-\s*", ours) if x.strip()]


def _single_page_record(view: RefView, rec: CSL) -> bool:
    """The reference gives a page range and the record one page only: a cover, an abstract or a
    highlight that carries the article's title, not the article."""
    return len(_page_parts(view)) == 2 and len(_record_pages(rec)) == 1


def _other_extent(view: RefView, rec: CSL) -> bool:
    """The reference gives a page range whose last page the record does not share (another extent)."""
    parts = _page_parts(view)
    if len(parts) != 2:
        return False
    theirs = _record_pages(rec)
    if len(theirs) != 2:
        return True  # a single-page record (a cover, an abstract) against a range
    a, b = parts[1].strip().casefold(), theirs[1].strip().casefold()
    return not (a == b or (a.isdigit() and b.isdigit() and len(a) < len(b) and b.endswith(a)))


def _one_wrong_value(ev: Evidence, doubts: list[str], unsigned: bool = False,
                     parsed: frozenset[str] = frozenset()) -> tuple[str, list[str]] | None:
    """(conflicting field, agreeing fields) when a single wrong value is the better explanation.

    A near-identical title alone is not enough (an erratum, a twin edition, the
    next part of a series share it), so the first author and most of the other
    numbers must agree too: a work that differs only in its volume *and* shares
    title, author, year, journal, issue and pages is the same work, cited with a
    wrong volume. An unsigned work (`unsigned`: neither record nor string names
    an author, the title is specific) stands on its title, journal and numbers.
    No second field may disagree: a volume, issue or page counts as disagreeing
    when the parser found one in the string (`parsed`), not when it is merely
    not shown.
    """
    if len(doubts) > 1 or (doubts and doubts[0] not in _OVERRIDABLE):
        return None
    if doubts and any(getattr(ev, k) == 0.0 and (k not in _LOCATORS or k in parsed) for k in _FIELDS
                      if k != doubts[0]):
        return None  # a second field disagrees too (a sibling paper: same authors, journal and volume)
    by_model = _model_override(ev, doubts, unsigned)
    if by_model:
        return by_model
    author_ok = ev.first_author == 1.0 or (unsigned and ev.first_author is None)
    if (ev.title or 0) < 0.95 or (ev.title_cov or 0) < 0.9 or not author_ok or ev.string_cov < 0.9:
        return None
    agree = [k for k in ("year", "journal", "volume", "issue", "page") if getattr(ev, k) == 1.0]
    locators = {"volume", "page"} & set(agree)
    if len(agree) + 1 < OVERRIDE_SIGNALS or not locators:
        return None
    return (doubts[0] if doubts else ""), ["title", "first author", *agree]


_FIELDS = ("first_author", "year", "journal", "volume", "issue", "page")
_LOCATORS = frozenset({"volume", "issue", "page"})
OVERRIDE_P = 0.95
"""Confidence, with the one conflicting value set aside, at which the model alone outweighs that value."""


def _model_override(ev: Evidence, doubts: list[str], unsigned: bool) -> tuple[str, list[str]] | None:
    """The same judgement by the fitted model: with the conflicting value taken as unknown
    (`_neutral`), the rest of the evidence makes the candidate near-certain (`OVERRIDE_P`).

    The title must be shown (≥ `STRONG_TITLE`), people must be named (the first author,
    half the authors, or none on either side with a specific title), three other
    fields must agree and none but the one may disagree, so a work is never taken on its numbers or its title alone; a lost
    or damaged first author then no longer blocks a wrong volume from being reported as one.
    """
    if not doubts or (ev.title or 0) < STRONG_TITLE or (ev.title_cov or 0) < 0.8:
        return None
    if not (ev.first_author == 1.0 or (ev.authors or 0) >= 0.5 or (unsigned and ev.first_author is None)):
        return None
    agree = [k for k in _FIELDS if getattr(ev, k) == 1.0]
    if len(agree) < 3 or not {"volume", "page", "year"} & set(agree):
        return None
    if probability(_neutral(ev)) < OVERRIDE_P:
        return None
    return doubts[0], ["title", *agree]


IDENTIFYING_TITLE_WORDS = 6
"""Significant words (two CJK characters count as one) of a title that, shown whole with two more
agreeing fields, names one work; `SPECIFIC_TITLE_WORDS` to `IDENTIFYING_TITLE_WORDS` need three."""
SPECIFIC_TITLE_WORDS = 4
SHORT_TITLE_WORDS = 2
"""A title of `SHORT_TITLE_WORDS` to `SPECIFIC_TITLE_WORDS` words names the work only shown exactly, with four
agreeing fields and one number wrong at most."""
_NOT_NUMBERS = frozenset({NOTICE_CONFLICT, "numbers in the title", "journal edition", "group author"})


def title_words(title: object) -> int:
    """How specific a title is: its significant words, CJK text counted as one word per two characters."""
    if not isinstance(title, str):
        return 0
    n = 0
    for w in significant(words(title)):
        n += max(1, len(w) // 2) if has_cjk(w) else 1
    return n


def _same_order(title: str, window: str) -> bool:
    """Every word of the record's title that the string shows stands in the title's order.

    Two words swapped (`… of cocaine … effects of morphine` for `… of morphine … effects of
    cocaine`) are a sibling paper's title, however alike the two read; a word damaged past
    recognition (split by OCR, mistyped twice) is not shown and does not count.
    """
    rw = significant(words(title))
    ww = words(window)

    def same(a: str, b: str) -> bool:
        return a == b or ocr_canon(a) == ocr_canon(b) or (len(a) >= 5 and OSA.distance(a, b, score_cutoff=1) <= 1)

    shown = [r for r in rw if any(same(r, w) for w in ww)]
    # a word the title has twice and the string once (`retrieval of … retrieval forceps`, cut short) is shown once
    uses = Counter(shown)
    n_shown = sum(min(k, sum(1 for w in ww if same(r, w))) for r, k in uses.items())
    lcs = [0] * (len(ww) + 1)  # longest common subsequence of `shown` and `ww`, one row at a time
    for r in shown:
        prev = 0
        for j, w in enumerate(ww, 1):
            cur = lcs[j]
            lcs[j] = prev + 1 if same(r, w) else max(lcs[j], lcs[j - 1])
            prev = cur
    return lcs[-1] >= n_shown


def _other_journal(view: RefView, ev: Evidence, rec: CSL) -> bool:
    """The string names a journal, and it is not the record's (nor its abbreviation, misspelt or not, nor its
    beginning where the entry breaks off); unparsed, words of the string that the record does not explain."""
    if ev.journal != 0.0:
        return False
    ours = view.fields.get("container-title")
    if not (isinstance(ours, str) and significant(words(ours))):
        return ev.string_cov < 0.9
    conts = container_titles(rec)
    return bool(conts) and not any(
        journal_equal(ours, c) or is_abbreviation(ours, c) or is_abbreviation(c, ours)
        or fold(c).startswith(fold(ours)) or abbreviation_typo(ours, c) for c in conts)


def _breaks_off(view: RefView, window: str) -> bool:
    """The string ends with the title window: the entry broke off inside its title."""
    return bool(fold(window)) and fold(view.body).endswith(fold(window))


def _title_identifies(view: RefView, ev: Evidence, rec: CSL, doubts: list[str], versioned: bool,
                      shared: bool) -> tuple[str, list[str]] | None:
    """(wrong fields, agreeing fields) when the string shows the record's long, specific title.

    Numbers are what authors, styles and OCR get wrong most; a title of
    `IDENTIFYING_TITLE_WORDS` significant words shown in full (≥ 0.95, coverage ≥ 0.9),
    or that many of its leading words where the entry breaks off, in the title's own
    order, is not another work's. With two more agreeing fields (people — the first
    author, half the authors or two of them; the first and two more, or all of two, count
    twice —, journal, year, volume, page; three for a shorter whole title, four for a title of two or three
    words shown exactly) and no other
    journal or other people named, every disagreeing number (volume, page, year, any of them) is
    a wrong value of this work, and what the string does not show is missing. What a
    shared title does not settle is left to the other rules: a notice about the work, a
    numbered part, another edition or a group author (`conflicts`), a versioned
    platform; and a title another candidate shares (`shared`: a twin registration, another
    copy of the article) identifies nothing among them.
    """
    if versioned or shared or any(d in _NOT_NUMBERS or d not in _OVERRIDABLE for d in doubts):
        return None
    title = str(rec.get("title") or "")
    whole = (ev.title or 0) >= 0.95
    if whole:
        specific = title_words(title)
    elif ((ev.title or 0) >= TRUNCATED_TITLE_SCORE and title_words(ev.title_window) >= IDENTIFYING_TITLE_WORDS
          and (len(fold(ev.title_window)) <= 0.85 * len(fold(title)) or _breaks_off(view, ev.title_window))):
        specific = title_words(ev.title_window)  # the title's beginning, where the entry breaks off or cuts it
    else:
        return None
    short = (ev.title or 0) >= 1.0 and specific >= SHORT_TITLE_WORDS and len(doubts) <= 1  # shown exactly
    # (the coverage of the record's whole title counts for a title shown whole; a beginning covers its words)
    if (whole and (ev.title_cov or 0) < 0.9) or (specific < SPECIFIC_TITLE_WORDS and not short) or not _same_order(
            title, ev.title_window):
        return None  # the same words in another order: a sibling paper (`cocaine … morphine` swapped)
    named = _named(ev, rec)
    if _other_journal(view, ev, rec) or (ev.first_author == 0.0 and not named):
        return None  # another journal (a preprint, a conference version) or other people
    people = ev.first_author == 1.0 or (ev.authors or 0) >= 0.5 or named >= 2
    # an issue number (1–12, mostly) counts for a specific title only, not for `News in brief`
    keys = ("journal", "year", "volume", "issue", "page") if specific >= SPECIFIC_TITLE_WORDS else (
        "journal", "year", "volume", "page")
    agree = (["people"] if people else []) + [k for k in keys if getattr(ev, k) == 1.0]
    if _many_people(ev, named):
        agree.append("co-authors")
    if ev.page != 1.0 and _same_last_page(view, rec):
        agree.append("last page")  # `80–82` for 81–82: the first page slipped, the range still ends on the work's
    if len(agree) < (2 if specific >= IDENTIFYING_TITLE_WORDS else 3 if specific >= SPECIFIC_TITLE_WORDS else 4):
        return None
    return ", ".join(doubts), ["title", *agree]


def _named(ev: Evidence, rec: CSL) -> int:
    """How many of the record's authors (its first ten, and later ones of a large team) the string names."""
    return round((ev.authors or 0) * min(len(rec.get("author") or []), 10)) + ev.named_later


def _many_people(ev: Evidence, named: int) -> bool:
    """The string names the work's people beyond its first author: three of them (the first may be the
    one lost), or the first and every other of a two-author work."""
    return named >= 3 or (ev.first_author == 1.0 and named >= 2 and ev.authors == 1.0)


def _record_pages(rec: CSL) -> list[str]:
    """The record's page range as [first, last] (or [first])."""
    return [x.strip() for x in unify_dashes(str(rec.get("page") or "")).split("-") if x.strip()]


def single_page(rec: CSL) -> bool:
    """A range of one page (`494–494`): a review, a note, an abstract. (A first page alone is how many
    records give any article's pages, and an article number, `e13636`, names one article.)"""
    parts = _record_pages(rec)
    return len(parts) == 2 and parts[0] == parts[1]


def _same_last_page(view: RefView, rec: CSL) -> bool:
    """The string's page range ends on the record's last page (`195–215`, or `195–15`, for `201–215`)."""
    ours, theirs = _page_parts(view), _record_pages(rec)
    if len(ours) != 2 or len(theirs) != 2 or theirs[0] == theirs[1]:
        return False
    a, b = ours[1].casefold(), theirs[1].casefold()
    return a == b or (a.isdigit() and b.isdigit() and len(a) < len(b) and b.endswith(a))


def _page_within(view: RefView, rec: CSL) -> bool:
    """The string's first page lies inside the record's page range, past its first page (`166` for 165–177):
    no other article of the volume starts there — it is a slip, or the page the author cites in it."""
    ours, theirs = _page_parts(view), _record_pages(rec)
    if not ours or len(theirs) != 2 or not all(x.isdigit() for x in (*ours, *theirs)):
        return False
    last = ours[0][: max(0, len(ours[0]) - len(ours[-1]))] + ours[-1]  # `425–30` ends on 430
    return int(theirs[0]) < int(ours[0]) <= int(last) <= int(theirs[1])  # a range shown ends inside it too


def _locator_identifies(view: RefView, ev: Evidence, rec: CSL, doubts: list[str]) -> tuple[str, list[str]] | None:
    """(wrong field, agreeing fields) for a string without the work's title whose locator names the work.

    A journal's volume and first page name one article, and so do its year and first
    page; with the first author agreeing too and the string's words explained by the
    record (all but one: no other title shown), a year or a volume that disagrees is the
    reference's error. A wrong first page only when volume and year agree and the range still
    ends on the record's last page, or the page shown lies inside the record's range: the same
    authors' next paper in the volume (a part II) differs in both its pages and starts after it.
    """
    if not doubts and ev.page == 0.0 and ev.page_typo:
        doubts = ["page"]  # a first page with one digit slipped (`180` for `184`) is still a wrong page
    if len(doubts) != 1 or doubts[0] not in ("year", "volume", "page"):
        return None
    if round((1 - ev.string_cov) * len(view.content_words)) > 1:
        return None  # words the record does not explain: a title of another work (`Sediment budgets of …`)
    if single_page(rec):
        return None  # short items (reviews, notes, abstracts) share pages: the page names no one of them
    if ev.first_author != 1.0 or ev.journal != 1.0 or ev.unexplained_numbers > 2:
        return None
    if _led_by_another(view, ev, rec):
        return None
    if doubts[0] == "page":
        if ev.volume == 1.0 and ev.year == 1.0 and _same_last_page(view, rec):
            return "page", ["first author", "journal", "volume", "year", "last page"]
        if ev.volume == 1.0 and ev.year == 1.0 and _page_within(view, rec):
            return "page", ["first author", "journal", "volume", "year", "a page inside the work"]
        return None
    if doubts[0] == "year" and ev.volume is None:  # a part of a book: no volume, its whole page range in it
        if ev.page == 1.0 and _same_last_page(view, rec) and ev.unexplained_numbers <= 1:
            return "year", ["first author", "book", "first page", "last page"]
        return None
    other = "volume" if doubts[0] == "year" else "year"
    if ev.page != 1.0 or getattr(ev, other) != 1.0 or ev.unexplained_numbers > 1:
        return None
    return doubts[0], ["first author", "journal", other, "first page"]


def _led_by_another(view: RefView, ev: Evidence, rec: CSL) -> bool:
    """The string's first person (as parsed) is not the record's first author but a co-author who leads another
    list (`Li C, Wang M. Curr Pharm Biotechnol 2021;22(5)` is not `Wang, Gong, Lan …`), and fewer than three of
    the record's people follow (with three or more named, a name added in front is the reference's slip).
    False when either side names no one."""
    parsed = view.fields.get("author") or []
    first = parsed[0] if parsed and isinstance(parsed[0], dict) else None
    authors = rec.get("author") or []
    lead = authors[0] if authors and isinstance(authors[0], dict) else None
    if not first or not lead or _named(ev, rec) >= 3:
        return False
    ours = words(" ".join(str(first.get(k) or "") for k in ("family", "given", "literal")))
    theirs = [w for w in words(str(lead.get("family") or lead.get("literal") or "")) if len(w) > 1]
    if not ours or not theirs:
        return False
    return not any(t in ours or any(ocr_canon(t) == ocr_canon(o) for o in ours)
                   or (len(t) >= 5 and any(OSA.distance(t, o, score_cutoff=1) <= 1 for o in ours))
                   for t in theirs)  # a typo (`Kasodn` for `Kasdon`) or OCR (`Wo1f`) is still the first author


TEAM_NAMES = 4
"""Authors a string must name — its first author first and every author of the record (of its first ten) —
for the team to stand for a paper in one volume of a journal (one page of it wrong): two papers by the same
four or more people in one volume are rare."""


def _people_identify(view: RefView, ev: Evidence, rec: CSL, doubts: list[str],
                     others: list[Scored]) -> tuple[str, list[str]] | None:
    """(wrong field, agreeing fields) for a string that shows no title of the work, whose people, journal,
    year and issue (or a page) name it.

    Styles without titles, or an entry that lost them (`Grover FL, Fewel JG, Vinas J, … 1979. Chest (1).`):
    authors, journal and year are not enough — a team puts two papers in one journal in one year, and
    when the index lacks the cited one the other would be taken — but they rarely put two in one issue.
    So the first author, journal, year and the issue or a page must agree, and the string say nothing
    the record does not explain (two words where the parser found no title: a name added, a misspelt
    journal). Where the people are many (`_many_people`) one number may be the reference's error (a wrong
    volume or page: one number the record does not explain), and a misspelt journal is outweighed by
    issue and first page. A whole team of `TEAM_NAMES` or more, every one of the record's named, is taken
    with the volume alone (its page may be the error). No other candidate may share first author, journal
    and year with as good a claim to the people and no disagreeing issue or page; a notice (erratum, reply)
    shares its article's authors and is never taken this way.
    """
    if (ev.title_cov or 0) >= 0.5 or notice_title(rec.get("title")):
        return None  # a title shown is for the title rules to judge
    if ev.first_author != 1.0 or ev.year != 1.0 or ev.unexplained_numbers > 1:
        return None
    if _led_by_another(view, ev, rec):
        return None
    untitled = bool(view.fields) and not view.fields.get("title")  # parsed, and no title found
    if round((1 - ev.string_cov) * len(view.content_words)) > (2 if untitled else 1):
        return None  # words the record does not explain: another work's title (not a name added, a typo)
    named = _named(ev, rec)
    many = _many_people(ev, named)
    locator = [k for k in ("volume", "issue", "page") if getattr(ev, k) == 1.0]
    if ev.journal != 1.0 and not (many and {"issue", "page"} <= set(locator)):
        return None
    whole_team = named >= TEAM_NAMES and ev.authors == 1.0 and ev.journal == 1.0 and "volume" in locator and (
        ev.page != 0.0 or len(set(_record_pages(rec))) < 2 or _page_within(view, rec)
        or (ev.title or 0) >= TRUNCATED_TITLE_SCORE)
    # (a page shown outside the work's range, and nothing of its title: the team's other paper in that volume,
    # `758` beside their `768–775`, may be the one cited; an article number has no range to fall outside)
    if not ({"issue", "page"} & set(locator)) and not whole_team:
        return None  # a team may put two papers in one journal in one year, or one volume; rarely in one issue
    if doubts and (not set(doubts) <= {"volume", "page"} or not many):
        return None
    for s in others:
        o = s.evidence
        if (o.first_author == 1.0 and o.journal == ev.journal and o.year == 1.0 and s.record.doi != ev.doi
                and (not many or _named(o, s.record.fields) >= 2) and not any(getattr(o, k) == 0.0 for k in locator)):
            return None  # the same people in the same journal and year twice: the string does not say which
    agree = ["first author", *(["co-authors"] if named >= 2 else []), *(["journal"] if ev.journal == 1.0 else []),
             "year", *locator]
    return ", ".join(doubts), agree


UNSIGNED_TITLE_WORDS = 4
"""Significant words a title without authors needs to name one work (not `Editorial`, `News in brief`)."""


def _unsigned(view: RefView, rec: CSL) -> bool:
    """Neither the record nor the string names an author, and the record's title is specific."""
    title = rec.get("title")
    return (not rec.get("author") and not view.fields.get("author") and isinstance(title, str)
            and len(significant(words(title))) >= UNSIGNED_TITLE_WORDS)


def _neutral(ev: Evidence) -> Evidence:
    """The evidence with the disagreeing numbers treated as unknown (the confidence of an override).

    The model then weighs what agrees; the disagreement itself is reported as a diff.
    """
    wrong = {k: None for k in ("year", "volume", "issue", "page") if getattr(ev, k) == 0.0}
    return replace(ev, **wrong, year_off=False, unexplained_numbers=0)


def container_only(ev: Evidence) -> bool:
    """Nothing of the work itself in the string: no title words, author, volume, issue or page of it.

    `Japanese Journal of Clinical Oncology (1990).` fits every article of that
    year; that the index holds one of them does not make it the cited one.
    """
    return ((ev.title_cov or 0) < 0.5 and ev.first_author != 1.0
            and all(v != 1.0 for v in (ev.volume, ev.issue, ev.page)))


def one_author_in_a_journal(ev: Evidence, rec: CSL) -> bool:
    """The string names one author of a journal article, the journal and the year, and nothing of the article
    itself (no title words, volume, issue or page of it): an author's other paper there that year fits as
    well, and when the index lacks the cited one that other would be taken (`Stretch R. 1977. Can J Physiol`).
    Conference papers and reference-work entries (one per author and volume, mostly) are not held back.

    A volume is taken as naming the paper: holding `Smith P. Am J Phys Anthropol 1977;47` back too (the
    author's other paper in that volume took its DOI on a scratch set) cost 11 right answers on the held-back
    splits and 9 on `matching.jsonl` for that one wrong one, and where the sources are complete (Crossref) the
    author's other papers in the volume are candidates too, and the rival rule holds the string back."""
    return (rec.get("type") == "article-journal" and (ev.title_cov or 0) < 0.5 and ev.first_author == 1.0
            and not _many_people(ev, _named(ev, rec)) and all(v != 1.0 for v in (ev.volume, ev.issue, ev.page)))


def _journal_elsewhere(view: RefView, ev: Evidence, rec: CSL) -> str | None:
    """Why a candidate the string shows no title word of is held back when the string names another journal: its
    people and numbers may fit (`Wan M … Mobile Information Systems, 2021, 1–12` against Wan's paper on pages
    1–12 of a vaccine review journal) but the work cited is in that other journal."""
    if rec.get("type") != "article-journal" or ev.title_cov or ev.after_other_entry or merged_tail(view, rec)[0] >= 0:
        return None  # a book's series is no journal; title words of it shown; another entry's journal run in
    if not _other_journal(view, ev, rec) or not _unrelated_journal(view, rec):
        return None
    return "the string names another journal than the candidate's, and no title of it"


def _unrelated_journal(view: RefView, rec: CSL) -> bool:
    """The journal the string names shares no word beginning with any name of the record's journal: not its
    name misspelt, read by OCR or abbreviated (`Evr J Pecliatr`, `Onol Re`), but another journal."""
    ours = [fold(w) for w in significant(words(str(view.fields.get("container-title") or ""))) if len(w) >= 2]
    theirs = {fold(w) for c in container_titles(rec) for w in significant(words(c))}
    return len(ours) >= 2 and not any(t.startswith(w[:2]) or w.startswith(t[:2]) for w in ours for t in theirs if t)


def _names_no_work(ev: Evidence, rec: CSL) -> str | None:
    """Why the string, however well it fits the record, names no one work of it; None when it does."""
    if container_only(ev):
        return "the string names only a container and a year, not a work in it"
    if one_author_in_a_journal(ev, rec):
        return "the string names one author, a journal and a year, not which of the author's papers there"
    return None


def canonical_doi(doi: str) -> str:
    """DOI with runs of `/` collapsed: old registrations exist under both spellings."""
    return re.sub(r"/{2,}", "/", doi.lower())


def disagreements(ev: Evidence) -> int:
    """Independent signals that the candidate is a different work."""
    n = 0
    n += ev.title is not None and ev.title < 0.6 and (ev.title_cov or 0) < 0.6
    n += ev.first_author == 0.0
    n += ev.year == 0.0
    n += ev.volume == 0.0
    n += ev.page == 0.0
    n += ev.journal == 0.0
    n += ev.string_cov < 0.6
    return int(n)


# ---------------------------------------------------------------- diffs


def _merged_tail(view: RefView, rec: CSL) -> str:
    """Material after the record's last bibliographic number that looks like another reference."""
    return merged_tail(view, rec)[1]


def _title_diff(view: RefView, ref_fields: CSL, ev: Evidence, theirs: str) -> FieldDiff | None:
    """The title as the reference has it — parsed, or the string's best window when that fits better."""
    parsed = ref_fields.get("title") if isinstance(ref_fields.get("title"), str) else None
    window = ev.title_window.strip().rstrip(".") if ev.title is not None and ev.title >= 0.75 else None
    if parsed and window and fuzz.ratio(fold(parsed), fold(theirs)) < fuzz.ratio(fold(window), fold(theirs)) - 5:
        parsed = None  # the parser cut the title badly; the string shows it better
    ours = parsed or window
    if ours:
        kind = classify_text("title", ours, theirs)
        return FieldDiff("title", ours, theirs, kind) if kind else None
    if ev.title is not None and ev.title < 0.5 and (ev.title_cov or 0) < 0.3:
        return FieldDiff("title", "", theirs, "missing")
    return None


def _journal_diff(ref_fields: CSL, ev: Evidence, conts: list[str]) -> FieldDiff | None:
    ours = ref_fields.get("container-title")
    if not conts:
        return None
    if not (isinstance(ours, str) and ours):
        return FieldDiff("container-title", "", conts[0], "missing") if ev.journal == 0.0 else None
    if journal_equal(ours, conts[0]):
        return None
    if any(journal_equal(ours, c) or is_abbreviation(ours, c) for c in conts):
        return FieldDiff("container-title", ours, conts[0], "abbreviation")
    # Against every name of the journal (full, ISO abbreviation...): the closest explains the slip best.
    kinds = [(classify_text("container-title", ours, c) or "wrong_value", c) for c in conts]
    kind, theirs = min(kinds, key=lambda kc: (_KIND_RANK.get(kc[0], len(_KIND_RANK)),
                                              Levenshtein.distance(fold(ours), fold(kc[1]))))
    if kind == "wrong_value" and ev.journal == 1.0:
        return None  # the record's journal is in the string: the parser mis-cut the container
    return FieldDiff("container-title", ours, theirs, kind)


def _year_diff(view: RefView, ref_fields: CSL, ev: Evidence, y: int) -> FieldDiff | None:
    py = record_year(ref_fields)
    if py and py != y and ev.year != 1.0:
        return FieldDiff("issued", str(py), str(y), "wrong_value")
    if not py and ev.year == 0.0 and view.years:
        near = min(view.years, key=lambda v: abs(v - y))
        return FieldDiff("issued", str(near), str(y), "wrong_value")
    if ev.year is None:
        return FieldDiff("issued", "", str(y), "missing")
    return None


def _number_diffs(ref_fields: CSL, ev: Evidence, f: CSL) -> list[FieldDiff]:
    out: list[FieldDiff] = []
    for key, found in (("volume", ev.volume), ("issue", ev.issue), ("page", ev.page)):
        theirs = f.get(key) if key != "page" else (f.get("page") or f.get("number"))
        if not theirs:
            continue
        ours = ref_fields.get(key) if key != "page" else (ref_fields.get("page") or ref_fields.get("number"))
        if ours:
            kind = classify_value(key, str(ours), str(theirs))
            if kind and not (found == 1.0 and kind == "wrong_value"):  # value in the string: a parse slip
                out.append(FieldDiff(key, str(ours), str(theirs), kind))
        elif found == 0.0 and key in IMPORTANT and ev.unexplained_numbers == 0:
            out.append(FieldDiff(key, "", str(theirs), "missing"))
    return out


def _author_diffs(view: RefView, ref_fields: CSL, ev: Evidence, f: CSL) -> list[FieldDiff]:
    """Author diffs from the parsed list, kept only where the string agrees they are real."""
    rec_authors: list[CSL] = f.get("author") or []
    ours = ref_fields.get("author") or []
    if not ours:
        if rec_authors and not ev.first_author:
            return [FieldDiff("author", "", name_text(rec_authors[0]), "missing_author")]
        return []
    rec_words = {w for a in rec_authors for part in ("family", "given", "literal") for w in words(a.get(part) or "")}
    rec_words |= {w[0] for w in rec_words}
    # Words of the record's title and journal: a parser that labelled them as a name invented no person.
    other = set(words(" ".join([str(f.get("title") or ""), *container_titles(f)])))
    out: list[FieldDiff] = []
    for d in author_diffs(ours, rec_authors, etal=view.etal):
        if d.kind == "extra_author" and all(w in rec_words or w in other for w in words(d.ours)):
            continue  # a record author split or swapped by the parser, not an extra person
        if d.kind == "missing_author":
            missing = [a for a in rec_authors if name_text(a) in d.theirs.split("; ") and not person_found(a, view)]
            if not missing:
                continue
            d = FieldDiff("author", "", "; ".join(name_text(a) for a in missing), "missing_author")
        out.append(d)
    return out


def build_diffs(view: RefView, ref_fields: CSL, ev: Evidence, rec: Record) -> list[FieldDiff]:
    """Every disagreement between the reference and the chosen record, classified.

    Parsed fields say *what* the reference has; the string says whether a
    disagreement is real or a parser slip (a value the string does show is
    never reported as wrong).
    """
    f = rec.fields
    diffs: list[FieldDiff] = []
    theirs = f.get("title")
    if isinstance(theirs, str) and theirs:
        diffs.append(_title_diff(view, ref_fields, ev, theirs))
    diffs.append(_journal_diff(ref_fields, ev, container_titles(f)))
    y = record_year(f)
    if y:
        diffs.append(_year_diff(view, ref_fields, ev, y))
    out = [d for d in diffs if d is not None]
    out += _number_diffs(ref_fields, ev, f)
    out += _author_diffs(view, ref_fields, ev, f)
    tail = _merged_tail(view, f)
    if tail:
        out.append(FieldDiff("reference", tail, "", "merged_entries"))
    head = merged_head(view, f)[1] if len(view.years) >= 2 else ""
    if head:
        out.append(FieldDiff("reference", head, "", "merged_entries"))
    return out


def verdict_for(diffs: list[FieldDiff]) -> str:
    return Verdict.VERIFIED if all(d.kind in NOT_ERRORS for d in diffs) else Verdict.CORRECTED


# ---------------------------------------------------------------- validate


def _accept(ref: Reference, view: RefView, best: Scored, extra: list[FieldDiff], others: list[Scored]) -> Match:
    diffs = build_diffs(view, ref.fields, best.evidence, best.record) + extra
    if any(w.code == "merged_entries" for w in ref.warnings) and not any(d.kind == "merged_entries" for d in diffs):
        diffs.append(FieldDiff("reference", strip_label(reference_text(ref)), "", "merged_entries"))
    return Match(reference=ref, verdict=verdict_for(diffs), record=best.record, confidence=round(best.p, 4),
                 diffs=diffs, candidates=[s.record for s in others[:4]])


def _explains_better(ea: Evidence, eb: Evidence, etal: bool) -> int:
    """Ways in which the string is explained by record A and not by record B.

    Words of the string that B cannot account for (a second author, a
    subtitle), numbers only A has (a last page), authors the string names that B
    lacks altogether or, when the string lists every author (no "et al."),
    B's authors missing from it.
    """
    n = 0
    n += ea.string_cov - eb.string_cov >= 0.08
    n += ea.unexplained_numbers < eb.unexplained_numbers
    n += ea.first_author == 1.0 and eb.first_author is None
    n += (not etal and ea.authors == 1.0 and eb.authors is not None and eb.authors <= 0.7
          and eb.first_author is not None)
    n += (ea.title_cov or 0) >= 0.9 and (eb.title_cov or 0) <= (ea.title_cov or 0) - 0.3
    return int(n)


def _decisive(ea: Evidence, eb: Evidence) -> bool | None:
    """Whether A is the string's work rather than B by a signal no numbers outweigh; None when there is none.

    Two references run into one string: the string's own is the first. A string citing a notice
    (`Corrigendum to X`) cites the notice, not X — and one citing X does not cite its notice.
    """
    ta, tb = ea.title or 0.0, eb.title or 0.0
    # both entries shown by their titles, or (a style without titles) by their people (a first author lost to
    # damage is unknown, not another person)
    shown = min(ta, tb) >= STRONG_TITLE or (0.0 not in (ea.first_author, eb.first_author)
                                            and max(ea.title_cov or 0.0, eb.title_cov or 0.0) < 0.5)
    if ea.after_other_entry != eb.after_other_entry and shown:
        return eb.after_other_entry
    if ea.notice_mismatch != eb.notice_mismatch and (ta if eb.notice_mismatch else tb) >= STRONG_TITLE:
        return eb.notice_mismatch
    return None


def _contains(whole: Record, part: Record) -> bool:
    """`whole` is the volume (proceedings, book) that `part` is published in: its title is the part's
    container title."""
    title = fold(str(whole.fields.get("title") or ""))
    return bool(title) and any(fuzz.ratio(title, fold(c)) >= 90 for c in container_titles(part.fields))


def _volume_of(whole: Record, part: Record) -> bool:
    """`whole` is the authorless volume that `part` is published in."""
    return not whole.fields.get("author") and _contains(whole, part)


def _separable(a: Scored, b: Scored, etal: bool = False) -> bool:
    """True when the reference's own fields tell two candidates apart (year, volume, page...)."""
    ea, eb = a.evidence, b.evidence
    decisive = _decisive(ea, eb)
    if decisive is not None:
        return decisive
    if ea.first_author == 1.0 and _volume_of(b.record, a.record):
        return True  # `R. Schinzinger, Proceedings of … (1984)`: the author's paper, not the volume it is in
    if eb.first_author == 1.0 and _volume_of(a.record, b.record):
        return False
    # the string's pages are the part's, and the book they are in shows none: the part (`Preface`, p. ix–x)
    if ea.page == 1.0 and eb.page is None and _contains(b.record, a.record):
        return True
    if eb.page == 1.0 and ea.page is None and _contains(a.record, b.record):
        return False
    keys = ("year", "volume", "issue", "page", "first_author", "journal")
    wins = sum(1 for k in keys if getattr(ea, k) == 1.0 and getattr(eb, k) == 0.0)
    wins += ea.year == 1.0 and eb.year is None  # the string shows a year the rival record lacks
    # a value the string shows contradicts the rival, while the best record is silent on it
    wins += sum(1 for k in ("volume", "issue", "page") if getattr(ea, k) is None and getattr(eb, k) == 0.0)
    losses = sum(1 for k in keys if getattr(ea, k) == 0.0 and getattr(eb, k) == 1.0)
    losses += sum(1 for k in ("volume", "issue", "page") if getattr(ea, k) == 0.0 and getattr(eb, k) is None)
    ta, tb = ea.title or 0.0, eb.title or 0.0
    if ta >= STRONG_TITLE and ta - tb >= 0.15:
        wins += 1  # the string shows the best candidate's title, not the rival's
    elif tb >= STRONG_TITLE and tb - ta >= 0.15:
        losses += 1
    wins += _explains_better(ea, eb, etal)
    losses += _explains_better(eb, ea, etal)
    # A notice (erratum, reply...) whose prefix the string lacks is not what the string cites.
    wins += eb.notice_mismatch and not ea.notice_mismatch
    losses += ea.notice_mismatch and not eb.notice_mismatch
    # Two references run into one string: the string's own entry is its first one.
    wins += eb.after_other_entry and not ea.after_other_entry
    losses += ea.after_other_entry and not eb.after_other_entry
    return wins > 0 and losses == 0


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def validate(ref: Reference, candidates: list[Record]) -> Match:
    """Verdict for one reference given its candidate records (pure; no I/O).

    `candidates` may hold the record of a DOI written in the reference (looked
    up by `resolve`); it is recognised by its DOI.
    """
    view = RefView(reference_text(ref), ref.fields)
    scored = score_candidates(view, candidates)
    if not scored:
        return Match(reference=ref, verdict=Verdict.NOT_FOUND, confidence=1.0, reason="no candidates")
    doi = view.doi
    if doi:
        own = next((s for s in scored if s.record.doi == doi), None)
        if own and (own.p >= DOI_ACCEPT or ((own.evidence.title or 0) >= STRONG_TITLE and not _cited_inside(own))):
            return _accept(ref, view, own, [], [s for s in scored if s is not own])
        best = next((s for s in scored if s.record.doi != doi), None)
        if best and best.p >= ACCEPT and not _close_rival(best, scored, view.etal):
            wrong = [FieldDiff("DOI", doi, best.record.doi or "", "wrong_doi")]
            m = _accept(ref, view, best, wrong, [s for s in scored if s is not best])
            m.verdict = Verdict.CORRECTED
            return m
        shown = [s.record for s in scored[:5]]
        reason = "the DOI's record does not fit the reference" if own else "DOI not known to the sources"
        if own is None and not (best and best.p >= WEAK):
            return Match(reference=ref, verdict=Verdict.NOT_FOUND, confidence=round(1 - (best.p if best else 0), 4),
                         candidates=shown, reason=reason)
        return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=(own or best).record if (own or best) else None,
                     confidence=round((own or best).p if (own or best) else 0.0, 4), candidates=shown, reason=reason)
    return _decide(ref, view, scored)


WEAK_TITLE = 0.75
"""A title score below which the candidate's title is not the one the string shows."""


def _title_elsewhere(best: Scored, others: list[Scored]) -> str | None:
    """Why the best candidate is held back when the title the string shows is another candidate's: its people
    fit and nothing else of its own is shown, while a title that is not its own stands in the string (`Amino
    acid sequence of the VH region of human` — a sibling paper of the same team, perhaps absent from the
    sources)."""
    ev = best.evidence
    if (ev.title or 0.0) >= WEAK_TITLE or any(getattr(ev, k) == 1.0 for k in ("year", "volume", "page")):
        return None  # its own title, or numbers of its own, back it
    # (not the book or proceedings the best is a part of, whose title the string shows as the container, nor an
    # entry run in after the string's own)
    other = next((s for s in others if (s.evidence.title or 0.0) >= STRONG_TITLE and not s.evidence.after_other_entry
                  and not _contains(s.record, best.record)), None)
    if other is None:
        return None
    return (f"the title the string shows is that of {other.record.doi}, not of the best candidate by the other "
            "fields: the reference does not say which it cites")


def _cited_inside(own: Scored) -> bool:
    """The printed DOI's record is a work the entry cites, not the entry's own: its title is shown but other
    people come first and the rest of the string is not its (`Sberna G. Letter of concern re: "<title>. doi:
    <DOI>". J Infect Chemother 2021;27:1129`)."""
    return own.evidence.first_author == 0.0 and own.p < WEAK


def _close_rival(best: Scored, scored: list[Scored], etal: bool = False) -> Scored | None:
    for s in scored:
        if s is best or s.record.doi == best.record.doi:
            continue
        if _logit(s.p) >= _logit(best.p) - MARGIN and not _separable(best, s, etal):
            return s
    return None


def _lead(scored: list[Scored], etal: bool) -> Scored:
    """The candidate to judge: the most probable, unless a close one is told apart from every other
    close one by the string's own fields (a tie in confidence is no tie in evidence)."""
    top = scored[0]
    for s in scored[1:]:
        # the first of two entries run together; the notice the string cites (`Corrigendum to X`: shown
        # words, not a notice word the string may have lost to damage, so only ever towards the notice)
        if (_decisive(s.evidence, top.evidence) and s.p >= WEAK
                and (top.evidence.after_other_entry or notice_title(s.record.fields.get("title")))):
            return s
    close = [s for s in scored if s.record.doi != top.record.doi and _logit(s.p) >= _logit(top.p) - MARGIN]
    if not close or _separable(top, close[0], etal):
        return top
    group = [top, *close]
    for s in close:
        if all(_separable(s, o, etal) for o in group if o is not s and o.record.doi != s.record.doi):
            return s
    return top


def _override_reason(conflict: str, agree: list[str]) -> str:
    """Why a candidate with disagreeing (or unshown) values was taken, naming what agrees."""
    agreeing = ", ".join(a.replace("_", " ") for a in agree)
    if ", " in conflict:
        return f"conflicting values ({conflict}) against agreeing {agreeing}: the reference has wrong values"
    if conflict:
        return f"one conflicting value ({conflict}) against agreeing {agreeing}: the reference has a wrong value"
    if "people" in agree:  # `_title_identifies` with nothing disagreeing: an entry cut short
        return f"agreeing {agreeing} identify the work; the reference leaves the rest out"
    if "first author" in agree and "title" not in agree:  # `_people_identify`: no title, no wrong number
        return f"agreeing {agreeing} identify the work; the reference shows no title to confirm it"
    return f"numbers off by a slip against agreeing {agreeing}: the reference has a wrong value"


def _wrong_numbers(ev: Evidence) -> set[str]:
    return {k for k in ("year", "volume", "issue", "page") if getattr(ev, k) == 0.0}


def _lifted(s: Scored, best: Scored) -> Scored:
    """`s` at its confidence with the best candidate's disagreeing numbers set aside, when it disagrees on
    no others."""
    if not _wrong_numbers(s.evidence) <= _wrong_numbers(best.evidence):
        return s
    return Scored(s.record, s.evidence, max(s.p, probability(_neutral(s.evidence))))


def same_article(a: CSL, b: CSL) -> bool:
    """Two records of one article: the same title, year, volume and first page (a translated edition's
    twin, a second registration). Neither is wrong, and the string rarely says which it cites."""
    ta, tb = fold(str(a.get("title") or "")), fold(str(b.get("title") or ""))
    return (bool(ta) and ta == tb and record_year(a) == record_year(b)
            and str(a.get("volume") or "").strip() == str(b.get("volume") or "").strip()
            and first_page(a.get("page")) == first_page(b.get("page")))


_EDITION_NAME = re.compile(r"\b(engl|english|span|spanish|fr|french|ger|german|port|portuguese|chin|chinese)\b"
                           r"\W*(ed|edn|edition)\b", re.IGNORECASE)


def _edition_shown(view: RefView, a: Scored, b: Scored) -> Scored | None:
    """Of two records of one article, the one whose journal name as the string shows it names a language
    edition (`Actas Urol Esp (Engl Ed)`) that none of the other's shown names does; None otherwise (two
    spellings of one journal tell nothing about which DOI was meant)."""
    def edition(s: Scored) -> bool:
        return any(_EDITION_NAME.search(c) for c in container_titles(s.record.fields)
                   if fold(c) and fold(c) in view.folded)

    ea, eb = edition(a), edition(b)
    return a if ea and not eb else b if eb and not ea else None


def _tie_reason(best: Scored, rival: Scored) -> str:
    if same_article(best.record.fields, rival.record.fields):
        return (f"the same article is registered under two DOIs ({best.record.doi}, {rival.record.doi}); "
                "the reference does not say which edition it cites")
    return f"two candidates too close to call ({best.p:.2f} vs {rival.p:.2f})"


def _same_title(a: Record, b: Record) -> bool:
    """Two records with one title (a twin registration, a copy), not two titles the string both shows (two
    entries run together, nor a notice about the other: `Corrigendum: <title>`)."""
    ta, tb = a.fields.get("title"), b.fields.get("title")
    return notice_title(ta) == notice_title(tb) and fuzz.ratio(fold(str(ta or "")), fold(str(tb or ""))) >= 90


def _override(ref: Reference, view: RefView, best: Scored, others: list[Scored]) -> tuple[str, list[str]] | None:
    """(conflicting fields, agreeing fields) when the best candidate is the work despite what disagrees:
    one wrong value (`_one_wrong_value`), a title that identifies it (`_title_identifies`), or, without a
    title, its locator (`_locator_identifies`) or its people (`_people_identify`), tried in that order."""
    doubts = conflicts(best.evidence, best.record.doi or "")
    if best.p >= ACCEPT and not doubts:
        return None
    rec = best.record.fields
    if single_page(rec) and "year" in doubts:
        return None  # a review's title is the reviewed book's citation: another edition's review, another year
    override = _one_wrong_value(best.evidence, doubts, _unsigned(view, rec),
                                frozenset(k for k in _LOCATORS if ref.fields.get(k)))
    if override and override[0] == "page" and _other_extent(view, rec):
        override = None  # first and last page both differ: not one slip but another item
    if override is None and not (best.evidence.page == 0.0 and _single_page_record(view, rec)):
        override = _title_identifies(view, best.evidence, rec, doubts,
                                     bool(best.record.doi and _VERSIONED_DOI.search(best.record.doi)),
                                     any((s.evidence.title or 0) >= STRONG_TITLE and _same_title(s.record, best.record)
                                         for s in others))
    if override is None:
        override = _locator_identifies(view, best.evidence, rec, doubts)
    if override is None:
        override = _people_identify(view, best.evidence, rec, doubts, others)
    return override


def _decide(ref: Reference, view: RefView, scored: list[Scored]) -> Match:
    best = _lead(scored, view.etal)
    others = [s for s in scored if s is not best]
    shown = [s.record for s in scored[:5]]
    override = _override(ref, view, best, others)
    # the rivals are weighed against the confidence the override gives (the conflicting values set aside),
    # a rival that disagrees on no other number than these lifted alike (a twin registration of the work)
    lifted = _lifted(best, best)
    rival = _close_rival(lifted, [lifted, *(_lifted(s, best) for s in others)], view.etal) if override else None
    if override and rival is not None and best.p < ACCEPT:
        return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(lifted.p, 4),
                     candidates=[best.record, rival.record, *[s.record for s in others if s.record is not rival.record][:3]],
                     reason=f"two candidates fit but for the same wrong value ({override[0]}): too close to call")
    if override and rival is None:
        conflict, agree = override
        m = _accept(ref, view, best, [], others)
        m.confidence = round(lifted.p, 4)
        m.reason = _override_reason(conflict, agree)
        if m.verdict is Verdict.VERIFIED and conflict:
            m.verdict = Verdict.CORRECTED  # the conflicting value is an error even if the parser missed it
        return m
    if best.p >= ACCEPT:
        rival = _close_rival(best, scored, view.etal)
        if rival is not None and same_article(best.record.fields, rival.record.fields):
            chosen = _edition_shown(view, best, rival)  # `Actas Urol Esp (Engl Ed)`: the English edition's DOI
            if chosen is not None:
                best, rival = chosen, None
                others = [s for s in scored if s is not best]
        doubts = conflicts(best.evidence, best.record.doi or "")
        if "journal edition" in doubts and any(
            s is not best and (s.evidence.title or 0) >= STRONG_TITLE and _separable(best, s, view.etal) for s in scored
        ):
            doubts.remove("journal edition")  # the other edition is in view and its numbers do not fit
        held = (_names_no_work(best.evidence, best.record.fields) or _title_elsewhere(best, others)
                or _journal_elsewhere(view, best.evidence, best.record.fields) if rival is None else None)
        if held:
            return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(best.p, 4),
                         candidates=shown, reason=held)
        if rival is None and not doubts:
            return _accept(ref, view, best, [], others)
        if rival is None:
            return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(best.p, 4),
                         candidates=shown, diffs=build_diffs(view, ref.fields, best.evidence, best.record),
                         reason="best candidate fits except: " + ", ".join(doubts))
        return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(best.p, 4),
                     candidates=[best.record, rival.record, *[s.record for s in scored if s not in (best, rival)][:3]],
                     reason=_tie_reason(best, rival))
    if best.p >= WEAK:
        doubts = conflicts(best.evidence, best.record.doi or "")
        why = f"; conflicting: {', '.join(doubts)}" if doubts else ""
        return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(best.p, 4),
                     candidates=shown, reason=f"best candidate too weak ({best.p:.2f}){why}")
    ev = best.evidence
    if ev.title is not None and ev.title >= STRONG_TITLE and disagreements(ev) < 2:
        return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(best.p, 4),
                     candidates=shown, reason="title matches but other fields do not; one signal is not enough")
    return Match(reference=ref, verdict=Verdict.NOT_FOUND, confidence=round(1 - best.p, 4), candidates=shown,
                 reason=f"no candidate fits (best {best.p:.2f})")
