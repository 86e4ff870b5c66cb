"""What identifies a cited work despite values that disagree, and what names no work at all.

`validate` scores the candidates and weighs them against each other; the rules here judge one candidate's
evidence. `conflicts` lists the values the string shows otherwise than the record. The overrides say when the
work is named all the same — one wrong value against many agreeing fields (`one_wrong_value`), a long specific
title (`title_identifies`), without a title its locator (`locator_identifies`) or its people
(`people_identify`) —, each returning (the conflicting fields, the agreeing ones) for the match's reason. The
holds say when a string names no one work however well it fits: a container and a year (`container_only`),
one author in a journal (`one_author_in_a_journal`), another journal named and no title of it
(`journal_elsewhere`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from citecheck.matching.compare import (
    TRUNCATED_TITLE_SCORE,
    TYPED_WORD_RATIO,
    Evidence,
    container_titles,
    first_page,
    merged_tail,
    notice_title,
    range_end,
    record_pages,
    starts_where_cited_ends,
    title_words_explained,
)
from citecheck.matching.journals import abbreviation_typo, is_abbreviation, journal_equal, significant, words
from citecheck.matching.refview import RefView, ocr_canon
from citecheck.matching.score import probability
from citecheck.model import CSL, Record
from citecheck.text import fold, has_cjk

STRONG_TITLE = 0.90
"""A title this similar is the record's title (shown whole or nearly)."""
WHOLE_TITLE = 0.95
"""A title this similar is shown whole (a slip or two at most)."""


@dataclass
class Scored:
    """A candidate record with its evidence and the model's probability that it is the cited work."""

    record: Record
    evidence: Evidence
    p: float


VERSIONED_DOI = re.compile(r"(f1000research|wellcomeopenres|gatesopenres|hrbopenres|openreseurope)\.\d+\.\d+$")


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
    versioned = bool(doi and VERSIONED_DOI.search(doi))
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
    if ev.title_contradicted:
        out.append("title")
    if out and versioned:
        out.append("versioned publication (another version has the same title)")
    return out


OVERRIDE_SIGNALS = 4
"""Agreeing fields besides the title that outweigh one conflicting value."""
_OVERRIDABLE = frozenset({"page", "volume", "year"})


def single_page_record(view: RefView, rec: CSL) -> bool:
    """The reference gives a page range and the record one page only: a cover, an abstract or a
    highlight that carries the article's title, not the article."""
    return len(view.cited_pages) == 2 and len(record_pages(rec)) == 1


def other_extent(view: RefView, rec: CSL) -> bool:
    """The reference gives a page range whose last page the record does not share (another extent)."""
    parts = view.cited_pages
    if len(parts) != 2:
        return False
    theirs = record_pages(rec)
    if len(theirs) != 2:
        return True  # a single-page record (a cover, an abstract) against a range
    return not _same_end(parts[1].strip(), theirs[1].strip())


def one_wrong_value(ev: Evidence, doubts: list[str], unsigned: bool = False,
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
    if doubts and any(getattr(ev, k) == 0.0 and (k not in LOCATORS or k in parsed) for k in _FIELDS
                      if k != doubts[0]):
        return None  # a second field disagrees too (a sibling paper: same authors, journal and volume)
    by_model = _model_override(ev, doubts, unsigned)
    if by_model:
        return by_model
    author_ok = ev.first_author == 1.0 or (unsigned and ev.first_author is None)
    if (ev.title or 0) < WHOLE_TITLE or (ev.title_cov or 0) < 0.9 or not author_ok or ev.string_cov < 0.9:
        return None
    agree = [k for k in ("year", "journal", "volume", "issue", "page") if getattr(ev, k) == 1.0]
    locators = {"volume", "page"} & set(agree)
    if len(agree) + 1 < OVERRIDE_SIGNALS or not locators:
        return None
    return (doubts[0] if doubts else ""), ["title", "first author", *agree]


_FIELDS = ("first_author", "year", "journal", "volume", "issue", "page")
LOCATORS = frozenset({"volume", "issue", "page"})
OVERRIDE_P = 0.95
"""Confidence, with the one conflicting value set aside, at which the model alone outweighs that value."""


def _model_override(ev: Evidence, doubts: list[str], unsigned: bool) -> tuple[str, list[str]] | None:
    """The same judgement by the fitted model: with the conflicting value taken as unknown
    (`neutral`), the rest of the evidence makes the candidate near-certain (`OVERRIDE_P`).

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
    if probability(neutral(ev)) < OVERRIDE_P:
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
        or fold(c).startswith(fold(ours)) or abbreviation_typo(ours, c)
        or (len(fold(ours)) >= 8 and fuzz.ratio(fold(ours), fold(c)) >= MISSPELT_JOURNAL_RATIO) for c in conts)


MISSPELT_JOURNAL_RATIO = 90
"""Similarity (0–100) at which a journal name of eight letters or more is the record's misspelt
(`Histochemsstry`), not another journal."""


def _breaks_off(view: RefView, window: str) -> bool:
    """The string ends with the title window: the entry broke off inside its title."""
    return bool(fold(window)) and fold(view.body).endswith(fold(window))


def title_identifies(view: RefView, ev: Evidence, rec: CSL, doubts: list[str], versioned: bool,
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
    typed = (ev.title or 0) < WHOLE_TITLE and (ev.title or 0) >= STRONG_TITLE and _typed_whole(title, ev.title_window)
    whole = (ev.title or 0) >= WHOLE_TITLE or typed
    if whole:
        specific = title_words(title)
    elif ((ev.title or 0) >= TRUNCATED_TITLE_SCORE and title_words(ev.title_window) >= IDENTIFYING_TITLE_WORDS
          and (len(fold(ev.title_window)) <= 0.85 * len(fold(title)) or _breaks_off(view, ev.title_window))):
        specific = title_words(ev.title_window)  # the title's beginning, where the entry breaks off or cuts it
    else:
        return None
    short = (ev.title or 0) >= 1.0 and specific >= SHORT_TITLE_WORDS and len(doubts) <= 1  # shown exactly
    # (the coverage of the record's whole title counts for a title shown whole; a beginning covers its words)
    if (whole and (ev.title_cov or 0) < 0.9 and not typed) or (specific < SPECIFIC_TITLE_WORDS and not short) or not _same_order(
            title, ev.title_window):
        return None  # the same words in another order: a sibling paper (`cocaine … morphine` swapped)
    named = people_named(ev, rec)
    # a long title shown whole in its journal's year at its page, the string naming one person the record has
    # not (`R DiPolo et al.`: a name put in front, the work's people behind `et al.`) — not a list of strangers
    located = whole and specific >= IDENTIFYING_TITLE_WORDS and len(view.fields.get("author") or []) <= 1 and all(
        getattr(ev, k) == 1.0 for k in ("journal", "year", "page"))
    if _other_journal(view, ev, rec) or (ev.first_author == 0.0 and not named and not located):
        return None  # another journal (a preprint, a conference version) or other people
    people = ev.first_author == 1.0 or (ev.authors or 0) >= 0.5 or named >= 2
    # an issue number (1–12, mostly) counts for a specific title only, not for `News in brief` — unless it is a
    # weekly's running number (`3(6161)`), which names one week's issue as a volume does
    keys = ("journal", "year", "volume", "issue", "page") if specific >= SPECIFIC_TITLE_WORDS or _running_issue(
        rec) else ("journal", "year", "volume", "page")
    agree = (["people"] if people else []) + [k for k in keys if getattr(ev, k) == 1.0]
    if _many_people(ev, named):
        agree.append("co-authors")
    if ev.page != 1.0 and _same_last_page(view, rec):
        agree.append("last page")  # `80–82` for 81–82: the first page slipped, the range still ends on the work's
    if len(agree) < (2 if specific >= IDENTIFYING_TITLE_WORDS else 3 if specific >= SPECIFIC_TITLE_WORDS else 4):
        return None
    return ", ".join(doubts), ["title", *agree]


RUNNING_ISSUE = 100
"""An issue number this high is a weekly's running number (`BMJ 1(6161)`), not one of a volume's twelve."""


def _running_issue(rec: CSL) -> bool:
    issue = str(rec.get("issue") or "")
    return issue.isdigit() and int(issue) >= RUNNING_ISSUE


def _typed_whole(title: str, window: str) -> bool:
    """The string shows every significant word of the title, in order, each as typed with slips (`Fiibrosing
    alveolitis in patienst with neurofbiromatsis`): the whole title, whatever its overall similarity says."""
    ours, theirs = significant(words(window)), significant(words(title))
    return len(ours) == len(theirs) >= SPECIFIC_TITLE_WORDS and all(
        a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= TYPED_WORD_RATIO)
        for a, b in zip(ours, theirs, strict=True))


def people_named(ev: Evidence, rec: CSL) -> int:
    """How many of the record's authors (its first ten, and later ones of a large team) the string names."""
    return round((ev.authors or 0) * min(len(rec.get("author") or []), 10)) + ev.named_later



def _many_people(ev: Evidence, named: int) -> bool:
    """The string names the work's people beyond its first author: three of them (the first may be the
    one lost), or the first and every other of a two-author work."""
    return named >= 3 or (ev.first_author == 1.0 and named >= 2 and ev.authors == 1.0)


def single_page(rec: CSL) -> bool:
    """A range of one page (`494–494`): a review, a note, an abstract. (A first page alone is how many
    records give any article's pages, and an article number, `e13636`, names one article.)"""
    parts = record_pages(rec)
    return len(parts) == 2 and parts[0] == parts[1]


def article_number(rec: CSL) -> bool:
    """The record's `page` is an article number (`e1009533`, `622905`), not a first page: a journal gives one
    number to one article, where page 12 starts an article in every volume. (Short numbers, `1234`, restart
    with each volume of some journals and do not count.)"""
    parts = record_pages(rec)
    return len(parts) == 1 and bool(re.fullmatch(r"[A-Za-z]{1,2}\d{4,}|\d{5,}", parts[0]))


def _same_last_page(view: RefView, rec: CSL) -> bool:
    """The string's page range ends on the record's last page (`195–215`, or `195–15`, for `201–215`)."""
    ours, theirs = view.cited_pages, record_pages(rec)
    if len(ours) != 2 or len(theirs) != 2 or theirs[0] == theirs[1]:
        return False
    return _same_end(ours[1], theirs[1])


def _same_end(ours: str, theirs: str) -> bool:
    """A reference's last page is the record's, written whole or by its last digits (`15` for `215`)."""
    a, b = ours.casefold(), theirs.casefold()
    return a == b or (a.isdigit() and b.isdigit() and len(a) < len(b) and b.endswith(a))


def _page_within(view: RefView, rec: CSL) -> bool:
    """The string's first page lies inside the record's page range, past its first page (`166` for 165–177):
    no other article of the volume starts there — it is a slip, or the page the author cites in it."""
    ours, theirs = view.cited_pages, record_pages(rec)
    if not ours or len(theirs) != 2 or not all(x.isdigit() for x in (*ours, *theirs)):
        return False
    last = range_end(ours[0], ours[-1])
    return int(theirs[0]) < int(ours[0]) <= int(last) <= int(theirs[1])  # a range shown ends inside it too


def locator_identifies(view: RefView, ev: Evidence, rec: CSL, doubts: list[str]) -> tuple[str, list[str]] | None:
    """(wrong field, agreeing fields) for a string without the work's title whose locator names the work.

    A journal's volume and first page name one article, and so do its year and first
    page; with the first author agreeing too and the string's words explained by the
    record (all but one: no other title shown), a year or a volume that disagrees is the
    reference's error. A wrong first page only when volume and year agree and the range still
    ends on the record's last page, or the page shown lies inside the record's range: the same
    authors' next paper in the volume (a part II) differs in both its pages and starts after it. Three of the
    record's people may stand for a first author the string lost; an article number (`622905`) named with
    every author stands for a volume the string does not show.
    """
    if not doubts and ev.page == 0.0 and ev.page_typo:
        doubts = ["page"]  # a first page with one digit slipped (`180` for `184`) is still a wrong page
    if len(doubts) != 1 or doubts[0] not in ("year", "volume", "page"):
        return None
    if _unexplained_words(view, ev) > 1:
        return None  # words the record does not explain: a title of another work (`Sediment budgets of …`)
    if single_page(rec):
        return None  # short items (reviews, notes, abstracts) share pages: the page names no one of them
    if not _first_or_many(ev, rec) or ev.journal != 1.0 or ev.unexplained_numbers > 2:
        return None
    if _led_by_another(view, ev, rec):
        return None
    if doubts[0] == "page":
        if ev.volume == 1.0 and ev.year == 1.0 and _same_last_page(view, rec):
            return "page", ["first author", "journal", "volume", "year", "last page"]
        if ev.volume == 1.0 and ev.year == 1.0 and _page_within(view, rec):
            return "page", ["first author", "journal", "volume", "year", "a page inside the work"]
        return None
    if doubts[0] == "year" and ev.volume is None and ev.page == 1.0 and article_number(rec) and ev.authors == 1.0:
        return "year", [_people_label(ev), "every author", "journal", "article number"]  # `Front Psychol (2018) 622905`
    if doubts[0] == "year" and ev.volume is None:  # a part of a book: no volume, its whole page range in it
        if ev.page == 1.0 and _same_last_page(view, rec) and ev.unexplained_numbers <= 1:
            return "year", ["first author", "book", "first page", "last page"]
        return None
    other = "volume" if doubts[0] == "year" else "year"
    if ev.page != 1.0 or ev.unexplained_numbers > 1:
        return None
    if getattr(ev, other) != 1.0:
        return None
    return doubts[0], [_people_label(ev), "journal", other, "first page"]


SAME_PAGE_DOI = re.compile(r"\.\d+-[a-z]$", re.IGNORECASE)
"""A DOI ending in its first page and a letter (`bmj.1.6161.486-b`): one of several items starting on that page."""


def numbers_identify(view: RefView, ev: Evidence, rec: CSL, doubts: list[str]) -> tuple[str, list[str]] | None:
    """(wrong field, agreeing fields) for a string whose people do not name the work — a name mistyped past
    recognising (`Stth JM. JAMA. 2015;313(13):1298`), put in front, or lost with the entry's start — but whose
    journal, first page and issue (or last page), year and volume name one article.

    All five agree (the author is the conflict), or one of year and volume is wrong and both the issue and the
    last page agree (`…of superior orbital rim in cosmetic blepharoplasty. Plast. Reconstr. Surg. 66, 4, 481–484`).
    The record must span pages (one-page items — notes, abstracts — share them), and the string say nothing
    else the record does not explain (no other work's title)."""
    if ev.first_author == 1.0 or single_page(rec) or len(doubts) > 1 or (doubts and doubts[0] not in ("year", "volume")):
        return None
    if SAME_PAGE_DOI.search(str(rec.get("DOI") or "")):
        return None  # `…486-b`: the publisher marks items that share their first page (letters): pages name none
    if (not doubts and ev.first_author is None) or ev.unexplained_numbers > len(doubts):
        return None  # (no name shown and nothing wrong: the model's to judge)
    if ev.journal != 1.0 or ev.page != 1.0:
        return None
    last = _same_last_page(view, rec)
    # a volume not shown is no number lost when year, issue and both ends of the page range name the article
    # (`Rosenfeld MG. Proc Natl Acad Sci USA 1978;(3):1294–8.`)
    unshown = not doubts and ev.volume is None and ev.year == 1.0 and ev.issue == 1.0 and last
    if not (unshown or all(getattr(ev, k) == 1.0 for k in ("year", "volume") if k not in doubts)):
        return None
    if not (ev.issue == 1.0 or last) or (doubts and not (ev.issue == 1.0 and last)):
        return None
    if _unexplained_words(view, ev) > 2:
        return None
    shown = [k for k in ("volume", "issue") if k not in doubts and getattr(ev, k) == 1.0]
    if not _shown_apart(view, [*(str(rec.get(k) or "") for k in shown), first_page(rec.get("page"))]):
        return None
    agree = ["journal", *(k for k in ("year", "volume") if k not in doubts and getattr(ev, k) == 1.0), "first page",
             *(["issue"] if ev.issue == 1.0 else []), *(["last page"] if last else [])]
    return (doubts[0] if doubts else "first author"), agree


def _shown_apart(view: RefView, values: list[str]) -> bool:
    """Each of the record's numbers that agree is a number of its own in the string: one `1` is not volume,
    issue and first page at once (`Langone JJ. J Immunopharmacol 1978; 1.` is not the article on pages 1–25 of
    volume 1, issue 1)."""
    have = Counter(re.sub(r"\D", "", n) for n in view.numbers)
    need = Counter(v.strip().casefold() for v in values if v.strip())
    return all(have[v] >= n for v, n in need.items() if n > 1)


def _first_or_many(ev: Evidence, rec: CSL) -> bool:
    """The string names the record's first author, or three of its people (the first lost: an entry broken at
    its start, a name dropped)."""
    return ev.first_author == 1.0 or people_named(ev, rec) >= 3


CO_AUTHORS = "three co-authors"
"""What names the work's people in an override's reasons when the string lost its first author."""


def _people_label(ev: Evidence) -> str:
    """How an override's reason names the people that agree: the first author, or three co-authors."""
    return "first author" if ev.first_author == 1.0 else CO_AUTHORS


def _unexplained_words(view: RefView, ev: Evidence) -> int:
    """How many of the string's content words the record does not explain."""
    return round((1 - ev.string_cov) * len(view.content_words))


def _led_by_another(view: RefView, ev: Evidence, rec: CSL) -> bool:
    """The string's first person (as parsed) is not the record's first author but a co-author who leads another
    list (`Li C, Wang M. Curr Pharm Biotechnol 2021;22(5)` is not `Wang, Gong, Lan …`), and fewer than three of
    the record's people follow (with three or more named, a name added in front is the reference's slip).
    False when either side names no one."""
    parsed = view.fields.get("author") or []
    first = parsed[0] if parsed and isinstance(parsed[0], dict) else None
    authors = rec.get("author") or []
    lead = authors[0] if authors and isinstance(authors[0], dict) else None
    if not first or not lead or people_named(ev, rec) >= 3:
        return False
    ours = words(" ".join(str(first.get(k) or "") for k in ("family", "given", "literal")))
    theirs = [w for w in words(str(lead.get("family") or lead.get("literal") or "")) if len(w) > 1]
    if not ours or not theirs:
        return False
    ours.append("".join(words(str(first.get("family") or ""))))  # a name broken by a hyphen: `Wiem-eyer`
    return not any(t in ours or any(ocr_canon(t) == ocr_canon(o) for o in ours)
                   or (len(t) >= 5 and any(OSA.distance(t, o, score_cutoff=1) <= 1 for o in ours))
                   for t in theirs)  # a typo (`Kasodn` for `Kasdon`) or OCR (`Wo1f`) is still the first author


TEAM_NAMES = 4
"""Authors a string must name — its first author first and every author of the record (of its first ten) —
for the team to stand for a paper in one volume of a journal (one page of it wrong): two papers by the same
four or more people in one volume are rare."""


def people_identify(view: RefView, ev: Evidence, rec: CSL, doubts: list[str],
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
    with the volume alone (its page may be the error). Many people with the volume and the whole page range
    (first and last page) name the paper even with a wrong year or a journal misspelt past recognising
    (`Canceer 43, 505–511`). Three of the record's people stand for a first author the string lost (an entry
    broken at its start, a name dropped). No other candidate may share the people, journal and year with as
    good a claim and no disagreeing issue or page; a notice (erratum, reply) shares its article's authors and
    is never taken this way.
    """
    if (ev.title_cov or 0) >= 0.5 or notice_title(rec.get("title")):
        return None  # a title shown is for the title rules to judge
    if not _first_or_many(ev, rec) or ev.unexplained_numbers > 1:
        return None
    if _led_by_another(view, ev, rec):
        return None
    named = people_named(ev, rec)
    many = _many_people(ev, named)
    # the volume and the whole page range: with many people, they name the paper even when the year is wrong
    # or the journal misspelt past recognising (`Canceer 43, 505–511`)
    whole_range = many and ev.volume == 1.0 and ev.page == 1.0 and _same_last_page(view, rec)
    if ev.year != 1.0 and not whole_range:
        return None
    untitled = bool(view.fields) and not view.fields.get("title")  # parsed, and no title found
    if _unexplained_words(view, ev) > (2 if untitled else 1):
        return None  # words the record does not explain: another work's title (not a name added, a typo)
    locator = [k for k in ("volume", "issue", "page") if getattr(ev, k) == 1.0]
    if ev.journal != 1.0 and not (many and {"issue", "page"} <= set(locator)) and not whole_range:
        return None
    whole_team = named >= TEAM_NAMES and ev.authors == 1.0 and ev.journal == 1.0 and "volume" in locator and (
        ev.page != 0.0 or len(set(record_pages(rec))) < 2 or _page_within(view, rec)
        or (ev.title or 0) >= TRUNCATED_TITLE_SCORE)
    # (a page shown outside the work's range, and nothing of its title: the team's other paper in that volume,
    # `758` beside their `768–775`, may be the one cited; an article number has no range to fall outside)
    if not ({"issue", "page"} & set(locator)) and not whole_team:
        return None  # a team may put two papers in one journal in one year, or one volume; rarely in one issue
    if doubts and (not set(doubts) <= {"volume", "page", *(["year"] if whole_range else [])} or not many):
        return None
    if "page" in doubts and starts_where_cited_ends(view, rec):
        return None  # the pages cited end where the record begins: the article before it (a part I), not a slip
    for s in others:
        o = s.evidence
        rival_people = o.first_author == 1.0 or (ev.first_author != 1.0 and _first_or_many(o, s.record.fields))
        if (rival_people and o.journal == ev.journal and o.year == ev.year
                and s.record.doi != ev.doi
                and (not many or people_named(o, s.record.fields) >= 2) and not any(getattr(o, k) == 0.0 for k in locator)):
            return None  # the same people in the same journal and year twice: the string does not say which
    agree = [_people_label(ev), *(["co-authors"] if named >= 2 and ev.first_author == 1.0 else []),
             *(["journal"] if ev.journal == 1.0 else []), *(["year"] if ev.year == 1.0 else []), *locator,
             *(["last page"] if whole_range else [])]
    return ", ".join(doubts), agree


UNSIGNED_TITLE_WORDS = 4
"""Significant words a title without authors needs to name one work (not `Editorial`, `News in brief`)."""


def unsigned(view: RefView, rec: CSL) -> bool:
    """Neither the record nor the string names an author, and the record's title is specific."""
    title = rec.get("title")
    return (not rec.get("author") and not view.fields.get("author") and isinstance(title, str)
            and len(significant(words(title))) >= UNSIGNED_TITLE_WORDS)


def neutral(ev: Evidence) -> Evidence:
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
    The same for a chapter named by its author, book and year (`Heuer, J. (1997) In: Neuronale Netze in der
    Industrie.`: an author may write two chapters of one book). Conference papers and reference-work entries
    (one per author and volume, mostly) are not held back.

    A volume is taken as naming the paper: holding `Smith P. Am J Phys Anthropol 1977;47` back too (the
    author's other paper in that volume took its DOI on a scratch set) cost 11 right answers on the held-back
    splits and 9 on `matching.jsonl` for that one wrong one, and where the sources are complete (Crossref) the
    author's other papers in the volume are candidates too, and the rival rule holds the string back."""
    return (rec.get("type") in ("article-journal", "chapter") and (ev.title_cov or 0) < 0.5 and ev.first_author == 1.0
            and not _many_people(ev, people_named(ev, rec)) and all(v != 1.0 for v in (ev.volume, ev.issue, ev.page)))


def journal_elsewhere(view: RefView, ev: Evidence, rec: CSL) -> str | None:
    """Why a candidate the string shows no title word of is held back when the string names another journal: its
    people and numbers may fit (`Wan M … Mobile Information Systems, 2021, 1–12` against Wan's paper on pages
    1–12 of a vaccine review journal) but the work cited is in that other journal."""
    if rec.get("type") != "article-journal" or ev.title_cov or ev.after_other_entry:
        return None  # a book's series is no journal; title words of it shown
    if not _other_journal(view, ev, rec) or not _unrelated_journal(view, rec) or merged_tail(view, rec)[0] >= 0:
        return None  # (the last: the journal named is another entry's, run in after this one)
    return "the string names another journal than the candidate's, and no title of it"


def _unrelated_journal(view: RefView, rec: CSL) -> bool:
    """The journal the string names shares no word beginning with any name of the record's journal: not its
    name misspelt, read by OCR or abbreviated (`Evr J Pecliatr`, `Onol Re`), but another journal."""
    ours = [fold(w) for w in significant(words(str(view.fields.get("container-title") or ""))) if len(w) >= 2]
    theirs = {fold(w) for c in container_titles(rec) for w in significant(words(c))}
    return len(ours) >= 2 and not any(t.startswith(w[:2]) or w.startswith(t[:2]) for w in ours for t in theirs if t)


def title_of_another(view: RefView, ev: Evidence, rec: CSL) -> str | None:
    """Why a candidate is held back when the string shows a title (two words or more) of which the record has no
    word: its people, journal and numbers fit, but the title is another work's (`Yap, McNiff, Fung 1978.
    Improved GLC determination. J Pharm Sci 67(4) 582–584` is not the same people's `Pharmacokinetics of
    nitroglycerin in rats` on the next pages). A title in another script may be a translation and is left."""
    title = str(view.fields.get("title") or "")
    if not rec.get("title") or has_cjk(title) or (ev.title or 0) >= TRUNCATED_TITLE_SCORE:
        return None  # its own title is shown elsewhere in the string
    if len(set(view.years)) > 1 or ev.after_other_entry or merged_tail(view, rec)[0] >= 0:
        return None  # entries run together: the title parsed may be the other entry's
    explained, shown = title_words_explained(view, rec)
    if shown < 2 or explained:
        return None
    return "the string shows a title the record does not have: another work of these people (perhaps absent from the sources)"


def names_no_work(ev: Evidence, rec: CSL) -> str | None:
    """Why the string, however well it fits the record, names no one work of it; None when it does."""
    if container_only(ev):
        return "the string names only a container and a year, not a work in it"
    if one_author_in_a_journal(ev, rec):
        where, what = ("a book", "chapters") if rec.get("type") == "chapter" else ("a journal", "papers")
        return f"the string names one author, {where} and a year, not which of the author's {what} there"
    return None


def another_team(view: RefView, ev: Evidence, rec: CSL) -> str | None:
    """Why a candidate is held back when the string shows no title or page of it and its list of people, given
    whole (no `et al.`, the journal or year after it), and the record's each have someone the other lacks: a
    team's lists differ from paper to paper, and that team's other paper in the journal that year (perhaps the
    only one the sources hold) would be taken for it (`Raska, J.; Klimova, H.; Sheardova, K.; … Stem Cell Res
    2021` against Raska, Hribkova, Klimova, …, Barak, Barta: a stranger in each list). A name added to the
    record's whole list, or one missing from it, is an author's slip and holds nothing back."""
    if (ev.title_cov or 0) >= 0.5 or ev.page == 1.0 or view.etal or 1.0 not in (ev.journal, ev.year):
        return None
    theirs = [fold(str(a.get("family") or a.get("literal") or "")) for a in rec.get("author") or []]
    if not theirs or people_named(ev, rec) >= len(theirs):
        return None  # every one of the record's people is named
    given = {fold(w) for a in rec.get("author") or [] for w in words(str(a.get("given") or ""))}
    ours = [fold(str(a.get("family") or "")) for a in view.fields.get("author") or [] if isinstance(a, dict)]
    strangers = [o for o in ours if o.isalpha() and len(o) >= 4 and o not in given
                 and not any(fuzz.ratio(o, t) >= 80 or OSA.distance(o, t) <= 1 or o in t or t in o
                             for t in theirs if t)]  # (a name misspelt or read by OCR is no stranger: `Ruan`, Duan)
    if not strangers:
        return None
    return (f"the string's people ({', '.join(strangers)} among them) are not the record's, which has others: "
            "another paper of that team, not shown by title or page")


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
