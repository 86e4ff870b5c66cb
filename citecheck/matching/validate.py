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
  conflicting field (`one_wrong_value`).
- What identifies a work outweighs its numbers: a long, specific title shown
  whole (or, where the entry breaks off, its leading words) in its own order
  with the people and one more field (`title_identifies`), or, without a
  title, journal + first page + year or volume + first author
  (`locator_identifies`), or the first author and two more with journal, year
  and the issue or a page (`people_identify`); rivals are then weighed at the
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

The rules that judge one candidate's evidence (conflicts, overrides, holds) are in `identify`; this module
scores the candidates, weighs them against each other and builds the match with its diffs.
"""

from __future__ import annotations

import math

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from citecheck.matching.compare import (
    Evidence,
    compare,
    container_titles,
    first_page,
    merged_head,
    merged_tail,
    notice_title,
    person_found,
    record_year,
)
from citecheck.matching.diffs import author_diffs, classify_text, classify_value, name_text
from citecheck.matching.identify import (
    CO_AUTHORS,
    IDENTIFYING_TITLE_WORDS,
    LOCATORS,
    STRONG_TITLE,
    VERSIONED_DOI,
    WHOLE_TITLE,
    Scored,
    another_team,
    canonical_doi,
    conflicts,
    disagreements,
    journal_elsewhere,
    locator_identifies,
    names_no_work,
    neutral,
    numbers_identify,
    one_wrong_value,
    other_extent,
    people_identify,
    people_named,
    single_page,
    single_page_record,
    title_identifies,
    title_of_another,
    title_words,
    unsigned,
)
from citecheck.matching.journals import edition_of, is_abbreviation, journal_equal, words
from citecheck.matching.refview import RefView, strip_label
from citecheck.matching.score import probability
from citecheck.model import CSL, FieldDiff, Match, Record, Reference, Verdict
from citecheck.text import fold

ACCEPT = 0.50
DOI_ACCEPT = 0.30
WEAK = 0.25
MARGIN = 2.0
"""Log-odds by which the best candidate must beat any other (odds ratio e² ≈ 7.4)."""
NOT_ERRORS = frozenset({"abbreviation", "missing"})
IMPORTANT = ("title", "author", "container-title", "issued", "volume", "page")
# Diff kinds from the mildest to the most serious: the mildest explanation of a difference wins.
_KIND_RANK = {k: i for i, k in enumerate(
    ("abbreviation", "ocr_spacing", "letter_spacing", "hyphenation", "char_confusion", "typo", "truncated",
     "wrong_value"))}


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
                 diffs=diffs, candidates=[s.record for s in others[:4]], reason=edition_unsaid(view.body, best.record))


def edition_unsaid(text: str, rec: Record) -> str:
    """The note a match carries when its record is one language edition of a journal and the reference text
    names none: the same article, perhaps not the DOI of the edition the author read ("" otherwise)."""
    editions = sorted({e for c in container_titles(rec.fields) if (e := edition_of(c))})
    if not editions or edition_of(text):
        return ""
    return (f"the record is the {' and '.join(editions)} edition of its journal; the reference does not say which "
            "edition it cites")


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
    # each entry shown by its title or by its first author and two of journal, volume and page; or (a style
    # without titles) both by their people (a first author lost to damage is unknown, not another person)
    shown = all(t >= STRONG_TITLE or _located(e) for t, e in ((ta, ea), (tb, eb))) or (
        0.0 not in (ea.first_author, eb.first_author) and max(ea.title_cov or 0.0, eb.title_cov or 0.0) < 0.5)
    if ea.after_other_entry != eb.after_other_entry and shown:
        return eb.after_other_entry
    if ea.notice_mismatch != eb.notice_mismatch and (ta if eb.notice_mismatch else tb) >= STRONG_TITLE:
        return eb.notice_mismatch
    return None


def _located(ev: Evidence) -> bool:
    """An entry shown without its title by its first author and two of journal, volume and page."""
    return ev.first_author == 1.0 and sum(v == 1.0 for v in (ev.journal, ev.volume, ev.page)) >= 2


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
    if "people" in agree:  # `title_identifies` with nothing disagreeing: an entry cut short
        return f"agreeing {agreeing} identify the work; the reference leaves the rest out"
    if ("first author" in agree or CO_AUTHORS in agree) and "title" not in agree:
        # `people_identify`: no title, no wrong number
        return f"agreeing {agreeing} identify the work; the reference shows no title to confirm it"
    return f"numbers off by a slip against agreeing {agreeing}: the reference has a wrong value"


def _wrong_numbers(ev: Evidence) -> set[str]:
    return {k for k in ("year", "volume", "issue", "page") if getattr(ev, k) == 0.0}


def _lifted(s: Scored, best: Scored) -> Scored:
    """`s` at its confidence with the best candidate's disagreeing numbers set aside, when it disagrees on
    no others."""
    if not _wrong_numbers(s.evidence) <= _wrong_numbers(best.evidence):
        return s
    return Scored(s.record, s.evidence, max(s.p, probability(neutral(s.evidence))))


def same_article(a: CSL, b: CSL) -> bool:
    """Two records of one article: the same title, year, volume and first page (a translated edition's
    twin, a second registration). Neither is wrong, and the string rarely says which it cites."""
    ta, tb = fold(str(a.get("title") or "")), fold(str(b.get("title") or ""))
    return (bool(ta) and ta == tb and record_year(a) == record_year(b)
            and str(a.get("volume") or "").strip() == str(b.get("volume") or "").strip()
            and first_page(a.get("page")) == first_page(b.get("page")))


def _edition_shown(view: RefView, a: Scored, b: Scored) -> Scored | None:
    """Of two records of one article, the one whose journal name as the string shows it names a language
    edition (`Actas Urol Esp (Engl Ed)`) that none of the other's shown names does; None otherwise (two
    spellings of one journal tell nothing about which DOI was meant)."""
    def edition(s: Scored) -> bool:
        return any(edition_of(c) for c in container_titles(s.record.fields)
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


def _shares_title(other: Scored, best: Scored) -> bool:
    """Another candidate shows the best one's title (a twin registration, a copy) and the string's people do
    not tell them apart: it names no fewer of the other's people (a title registered twice by mistake, under
    other authors, is no twin of the work whose people the string names)."""
    return ((other.evidence.title or 0) >= STRONG_TITLE and _same_title(other.record, best.record)
            and people_named(other.evidence, other.record.fields) >= people_named(best.evidence, best.record.fields))


def _override(ref: Reference, view: RefView, best: Scored, others: list[Scored]) -> tuple[str, list[str]] | None:
    """(conflicting fields, agreeing fields) when the best candidate is the work despite what disagrees:
    one wrong value (`one_wrong_value`), a title that identifies it (`title_identifies`), or, without a
    title, its locator (`locator_identifies`), its people (`people_identify`) or, when the people do not name it,
    its journal, issue and pages (`numbers_identify`), tried in that order."""
    doubts = conflicts(best.evidence, best.record.doi or "")
    if best.p >= ACCEPT and not doubts:
        return None
    rec = best.record.fields
    if single_page(rec) and "year" in doubts:
        return None  # a review's title is the reviewed book's citation: another edition's review, another year
    override = one_wrong_value(best.evidence, doubts, unsigned(view, rec),
                                frozenset(k for k in LOCATORS if ref.fields.get(k)))
    if override and override[0] == "page" and other_extent(view, rec):
        override = None  # first and last page both differ: not one slip but another item
    if override is None and not (best.evidence.page == 0.0 and single_page_record(view, rec)):
        override = title_identifies(view, best.evidence, rec, doubts,
                                     bool(best.record.doi and VERSIONED_DOI.search(best.record.doi)),
                                     any(_shares_title(s, best) for s in others))
    if override is None:
        override = locator_identifies(view, best.evidence, rec, doubts)
    if override is None:
        override = people_identify(view, best.evidence, rec, doubts, others)
    if override is None:
        override = numbers_identify(view, best.evidence, rec, doubts)
    return override


def _disagreeing(ev: Evidence) -> str:
    """The fields a candidate's evidence contradicts, as a reason names them."""
    keys = (("first_author", "first author"), ("year", "year"), ("volume", "volume"), ("issue", "issue"),
            ("page", "page"), ("journal", "journal"))
    return ", ".join(name for key, name in keys if getattr(ev, key) == 0.0) or "none shown"


def _whole_long_title(s: Scored) -> bool:
    """The string shows the candidate's long, specific title whole: whatever else disagrees, that work is in
    the sources, and `not_found` would say the reference names nothing there (a real work called missing)."""
    ev = s.evidence
    return ((ev.title or 0) >= WHOLE_TITLE and (ev.title_cov or 0) >= 0.9
            and title_words(s.record.fields.get("title")) >= IDENTIFYING_TITLE_WORDS)


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
        m.reason = "; ".join(filter(None, (_override_reason(conflict, agree), m.reason)))
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
        held = (names_no_work(best.evidence, best.record.fields) or another_team(view, best.evidence, best.record.fields) or _title_elsewhere(best, others)
                or journal_elsewhere(view, best.evidence, best.record.fields)
                or title_of_another(view, best.evidence, best.record.fields) if rival is None else None)
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
    if ev.title is not None and ev.title >= STRONG_TITLE and (disagreements(ev) < 2 or _whole_long_title(best)):
        return Match(reference=ref, verdict=Verdict.AMBIGUOUS, record=best.record, confidence=round(best.p, 4),
                     candidates=shown, reason=f"title matches but other fields do not ({_disagreeing(ev)}); one signal is not enough")
    return Match(reference=ref, verdict=Verdict.NOT_FOUND, confidence=round(1 - best.p, 4), candidates=shown,
                 reason=f"no candidate fits (best {best.p:.2f})")
