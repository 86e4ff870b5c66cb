"""Claims: sentences with citation markers, each marker resolved to reference-list entries.

Which list a marker belongs to
------------------------------
A document may hold several articles, each followed by its own reference list. A
marker belongs to the **first list that starts after it** — that is the nearest list
after the marker, and no other list stands between them, so it is the list that
closes the marker's article. A marker after the last list (an appendix, notes after
the references) belongs to the last list. Markers are never searched inside lists.

How a marker resolves
---------------------
* numeric markers: each number is looked up by the entry's number in that list
  (`Reference.n`; the position when the list carries no numbers);
* author–year markers: the entry whose first author's family name (Chinese names:
  the full name ``张三``) and year match; a second cited author (``Smith & Jones``,
  ``张三和李四``) narrows the candidates; ``2020a``/``2020b`` pick the entry printed
  with that suffix, else the first/second of the same-author same-year entries in
  list order. An author–year candidate that matches no entry is kept only when the
  marker's list is an author–year list: in a numbered document ``(Phase II, 2019)``
  is text, not a citation.

`extract_claims` gives one `Claim` per sentence with at least one marker; `links`
flattens claims into (claim, citation, number, reference or None) rows with the clause
that ends at the marker (`clauses`), the context the support scorer reads.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from citecheck.claims.markers import Found, find_markers, plausible_limit
from citecheck.claims.sentences import Sentence, clause_before, split_sentences
from citecheck.model import Citation, Claim, Reference, ReferenceList, Span
from citecheck.text import fold, has_cjk

_NON_NUMERIC_STYLES = frozenset({"unnumbered", "author-year", "author_year", "authoryear", "apa", "harvard"})
_PARTICLES = frozenset("van von der den de del della di da du dos das le la ten ter al el".split())


@dataclass
class Link:
    """One cited entry of one marker: `reference` is None when nothing in the list matches.

    `status` is ``linked``, ``dangling`` (no such entry), ``ambiguous`` (author–year
    marker fitting several entries; the first in list order is linked) or
    ``no_list`` (the document has no reference list).
    """

    claim: Claim
    citation: Citation
    number: int | None
    reference: Reference | None
    clause: str
    status: str


# ---------------------------------------------------------------- lists


def is_numeric_list(lst: ReferenceList) -> bool:
    """A list cited by number (GB/T 7714 numeric, Vancouver), as opposed to author–year.

    Decided by the entries' labels (``[3]``, ``3.``, ``3、``): an unlabelled list is cited by
    author and year even when its entries got positions as numbers.
    """
    if lst.style.lower() in _NON_NUMERIC_STYLES and not any(ref.label.strip() for ref in lst.references):
        return False
    return any(ref.label.strip() for ref in lst.references)


def list_for(offset: int, lists: Sequence[ReferenceList]) -> ReferenceList | None:
    """The list a marker at `offset` belongs to: the first list starting after it, else the last one."""
    if not lists:
        return None
    ordered = sorted(lists, key=lambda lst: lst.span.start)
    for lst in ordered:
        if lst.span.start >= offset:
            return lst
    return ordered[-1]


_ABSTRACT_HEAD = re.compile(r"^[ \t#*【\[(（]*(?:摘[ \t]*要|Abstract|ABSTRACT|Summary|SUMMARY)(?![A-Za-z])", re.M)


def own_article_starts(text: str, lists: Sequence[ReferenceList], markers: Sequence[int]) -> dict[str, int]:
    """Where the article that a list closes begins, for lists preceded by more than one article.

    A text made of several articles has one front matter (an abstract heading: 摘要 / Abstract /
    Summary) per article; a Chinese article's 摘要 and English Abstract stand together, with no
    citation between them, so headings with no marker between them are one front matter. When the
    stretch before a list holds two or more front matters, the markers before the last one belong to
    an article whose own list is missing — never to this list.
    """
    out: dict[str, int] = {}
    heads = [m.start() for m in _ABSTRACT_HEAD.finditer(text)]
    marks = sorted(markers)
    previous_end = 0
    for lst in sorted(lists, key=lambda x: x.span.start):
        blocks: list[int] = []
        last = None
        for h in heads:
            if not previous_end <= h < lst.span.start:
                continue
            if last is None or bisect_right(marks, h) > bisect_right(marks, last):
                blocks.append(h)  # a citation stands between: another article's front matter
            last = h
        if len(blocks) >= 2:
            out[lst.id] = blocks[-1]
        previous_end = lst.span.end
    return out


def number_of(ref: Reference, position: int) -> int:
    """The number an entry is cited by: its own, or its 1-based position in an unnumbered list."""
    return ref.n if ref.n is not None else position + 1


def entry(lst: ReferenceList, number: int) -> Reference | None:
    """The first entry of `lst` cited by `number`. A table built once per list (and rebuilt when the list
    changes): a linear search per citation made 20,000 references × their citations quadratic."""
    refs = lst.references
    cached = lst.__dict__.get("_entry_by_number")
    if cached is None or cached[0] is not refs or cached[1] != len(refs):
        table: dict[int, Reference] = {}
        for i, ref in enumerate(refs):
            table.setdefault(number_of(ref, i), ref)
        cached = (refs, len(refs), table)
        object.__setattr__(lst, "_entry_by_number", cached)
    return cached[2].get(number)


# ---------------------------------------------------------------- author–year matching

_YEAR_RE = re.compile(r"(?<!\d)(1[6-9]\d{2}|20\d{2})(?!\d)")


def reference_year(ref: Reference) -> str | None:
    """The entry's year: from the parsed fields, else the first plausible year in its text."""
    try:
        year = ref.fields["issued"]["date-parts"][0][0]
        if year:
            return str(year)[:4]
    except (KeyError, IndexError, TypeError):
        pass
    m = _YEAR_RE.search(ref.text or ref.raw)
    return m.group(1) if m else None


def _name_key(name: str) -> str:
    """Comparison key of a family name: particles dropped (`van der Berg` → berg), folded."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    kept = [w for w in words if w.lower() not in _PARTICLES] or words
    return fold(" ".join(kept))


def name_matches(cited: str, author: dict[str, Any]) -> bool:
    """Does a cited name (`Smith`, `van der Berg`, `张三`) name this CSL author?"""
    family = str(author.get("family") or author.get("literal") or "")
    given = str(author.get("given") or "")
    if not family:
        return False
    if has_cjk(cited):
        c = fold(cited)
        full = fold(family + given)
        return len(c) >= 2 and (c == full or (c.endswith(full) and len(full) >= 2) or fold(family) == c)
    return _name_key(cited) == _name_key(family) and bool(_name_key(family))


def _authors(ref: Reference) -> list[dict[str, Any]]:
    return [a for a in ref.fields.get("author") or [] if isinstance(a, dict)]


def _first_author_matches(cited: str, ref: Reference) -> bool:
    authors = _authors(ref)
    if authors:
        return name_matches(cited, authors[0])
    names = authors_from_text(ref.text or ref.raw)  # unparsed entry: read the names off its text
    return bool(names) and name_matches(cited, _as_csl(names[0]))


def _other_author_matches(cited: str, ref: Reference) -> bool:
    authors = _authors(ref) or [_as_csl(n) for n in authors_from_text(ref.text or ref.raw)]
    return any(name_matches(cited, a) for a in authors[1:])


def _as_csl(name: str) -> dict[str, Any]:
    return {"family": name}


def _lookup_keys(cited: str) -> list[str]:
    """Keys a cited name may be filed under: the name key, and for a Chinese name read out
    of running text (``明张三``) also its 2–4 character endings."""
    if has_cjk(cited):
        c = fold(cited)
        return [c[-k:] for k in range(min(len(c), 4), 1, -1)]
    key = _name_key(cited)
    return [key] if key else []


def _entry_keys(ref: Reference) -> list[str]:
    authors = _authors(ref) or [_as_csl(n) for n in authors_from_text(ref.text or ref.raw)]
    if not authors:
        return []
    first = authors[0]
    family = str(first.get("family") or first.get("literal") or "")
    if has_cjk(family):
        return list(dict.fromkeys(k for k in (fold(family + str(first.get("given") or "")), fold(family)) if k))
    key = _name_key(family)
    return [key] if key else []


class AuthorYearIndex:
    """Entries of one list filed by (first author's name key, year), built once per list,
    so matching a marker costs a dictionary lookup rather than a scan of the list."""

    def __init__(self, lst: ReferenceList) -> None:
        self.list = lst
        self.by_key: dict[tuple[str, str], list[int]] = {}
        for i, ref in enumerate(lst.references):
            year = reference_year(ref)
            if not year:
                continue
            for key in _entry_keys(ref):
                self.by_key.setdefault((key, year), []).append(i)

    def candidates(self, cited: str, year: str) -> list[Reference]:
        idx: set[int] = set()
        for key in _lookup_keys(cited):
            idx.update(self.by_key.get((key, year), ()))
        return [self.list.references[i] for i in sorted(idx)]

    def match(self, citation: Citation) -> tuple[Reference | None, bool]:
        """(entry, ambiguous?) for an author–year citation (rules in the module docstring)."""
        if not citation.authors or not citation.year:
            return None, False
        base, suffix = citation.year[:4], citation.year[4:]
        cands = self.candidates(citation.authors[0], base)
        if len(citation.authors) >= 2 and len(cands) > 1:
            narrowed = [ref for ref in cands if all(_other_author_matches(a, ref) for a in citation.authors[1:])]
            cands = narrowed or cands
        if suffix:
            printed = [ref for ref in cands if re.search(rf"{base}\s?{suffix}(?![a-z])", ref.text or ref.raw)]
            if len(printed) == 1:
                return printed[0], False
            k = ord(suffix[0]) - ord("a")
            return (cands[k], False) if 0 <= k < len(cands) else (None, False)
        if len(cands) > 1:
            etal = bool(re.search(r"et\s+al|等", citation.marker))
            wanted = [ref for ref in cands if _count_fits(len(display_authors(ref)), len(citation.authors), etal)]
            cands = wanted or cands
        return (cands[0], len(cands) > 1) if cands else (None, False)


def match_author_year(citation: Citation, lst: ReferenceList) -> tuple[Reference | None, bool]:
    """(entry, ambiguous?) for an author–year citation in `lst` (one-off; use AuthorYearIndex in loops)."""
    return AuthorYearIndex(lst).match(citation)


def _count_fits(n_entry: int, n_cited: int, etal: bool) -> bool:
    if n_entry == 0:
        return True
    if etal:
        return n_entry >= 3 or n_entry > n_cited
    return n_entry == n_cited


# ---------------------------------------------------------------- claims


def _resolve(
    found: Found, lst: ReferenceList | None, numbered_doc: bool, index: AuthorYearIndex | None
) -> Citation | None:
    """The marker as a Citation tied to its list, or None when it is not a citation after all."""
    cit = found.citation()
    if lst is None or index is None:
        return cit
    cit = replace(cit, list_id=lst.id)
    if found.form == "author-year":
        ref, _ = index.match(cit)
        if ref is None:
            return None if (numbered_doc or is_numeric_list(lst)) else cit
        return replace(cit, numbers=(number_of(ref, lst.references.index(ref)),))
    if cit.authors and not _authors_fit(cit, lst):
        # "张三等[3]" read out of running text that the entry does not confirm: drop the names
        return replace(cit, authors=())
    return cit


def _authors_fit(cit: Citation, lst: ReferenceList) -> bool:
    if not has_cjk("".join(cit.authors)):
        return True  # "Smith et al. [3]" is explicit; a mismatch is information
    refs = [entry(lst, n) for n in cit.numbers]
    return any(ref is not None and _first_author_matches(cit.authors[0], ref) for ref in refs)


def _line_claim(text: str, offset: int, index: list[int]) -> Claim:
    """A claim for a marker outside any sentence (a heading, a table row): its whole line."""
    i = bisect_right(index, offset) - 1
    start = index[i]
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end]
    lead = len(line) - len(line.lstrip())
    return Claim(line.strip(), Span(start + lead, start + len(line.rstrip()), i + 1), [], "")


def extract_claims(text: str, lists: list[ReferenceList]) -> list[Claim]:
    """One Claim per sentence with at least one citation marker, in text order.

    Each Citation carries the id of its list and, for author–year markers, the number
    of the entry it resolved to; numeric markers keep the numbers as written (an
    unresolved number is a dangling citation, reported by `structure`).
    """
    spans = [lst.span for lst in lists]
    sizes = [max(len(lst.references), max((r.n or 0 for r in lst.references), default=0)) for lst in lists]
    limit = plausible_limit(sizes)
    found = find_markers(text, spans, limit=limit, list_size=max(sizes, default=0))
    if not found:
        return []
    sentences = split_sentences(text, spans)
    starts = [s.span.start for s in sentences]
    numbered_doc = bool(lists) and all(is_numeric_list(lst) for lst in lists)
    line_index = [0, *(m.end() for m in re.finditer("\n", text))]
    indexes: dict[str, AuthorYearIndex] = {}
    resolved: list[tuple[Found, ReferenceList | None, Citation]] = []
    own_start = own_article_starts(text, lists, [f.span.start for f in found])
    for f in found:
        lst = list_for(f.span.start, lists)
        if lst is not None and f.span.start < own_start.get(lst.id, -1):
            lst = None  # an earlier article of the text, whose own list is missing
        index = None
        if lst is not None:
            index = indexes.get(lst.id) or indexes.setdefault(lst.id, AuthorYearIndex(lst))
        cit = _resolve(f, lst, numbered_doc, index)
        if cit is not None:
            resolved.append((f, lst, cit))
    # An author–year list that is cited by author and year: bracketed numbers near it are
    # not citations of list positions ("[2]" in an equation). Without author–year citations,
    # numbers are kept: the list's labels may have been lost in extraction.
    cited_by_name = {cit.list_id for f, _, cit in resolved if f.form == "author-year"}
    claims: dict[tuple[int, int], Claim] = {}
    for f, lst, cit in resolved:
        if f.form != "author-year" and lst is not None and lst.id in cited_by_name and not is_numeric_list(lst):
            continue
        i = bisect_right(starts, f.span.start) - 1
        sentence: Sentence | None = sentences[i] if i >= 0 and f.span.start < sentences[i].span.end else None
        if sentence is not None:
            key = (sentence.span.start, sentence.span.end)
            claim = claims.setdefault(key, Claim(sentence.text, sentence.span, [], sentence.section))
        else:
            orphan = _line_claim(text, f.span.start, line_index)
            key = (orphan.span.start, orphan.span.end)
            claim = claims.setdefault(key, orphan)
        claim.citations.append(cit)
    return sorted(claims.values(), key=lambda c: c.span.start)


# ---------------------------------------------------------------- links and clauses


def marker_positions(claim: Claim) -> list[tuple[int, int] | None]:
    """Where each citation's marker stands in `claim.text` (markers never span a line, so
    they appear verbatim in the joined sentence), in citation order."""
    out: list[tuple[int, int] | None] = []
    pos = 0
    for cit in claim.citations:
        at = claim.text.find(cit.marker, pos)
        if at < 0:
            out.append(None)
            continue
        out.append((at, at + len(cit.marker)))
        pos = at + 1
    return out


def clauses(claim: Claim) -> list[str]:
    """The clause ending at each citation of the claim (see `sentences.clause_before`)."""
    positions = marker_positions(claim)
    known = [p for p in positions if p is not None]
    return [clause_before(claim.text, p[0], known) if p else claim.text for p in positions]


def links(claims: Sequence[Claim], lists: Sequence[ReferenceList]) -> list[Link]:
    """The link table: one row per (citation, cited number) — or per citation when nothing resolved."""
    by_id = {lst.id: lst for lst in lists}
    indexes: dict[str, AuthorYearIndex] = {}
    out: list[Link] = []
    for claim in claims:
        for cit, clause in zip(claim.citations, clauses(claim), strict=True):
            lst = by_id.get(cit.list_id or "")
            if lst is None:
                out.append(Link(claim, cit, cit.numbers[0] if cit.numbers else None, None, clause, "no_list"))
                continue
            if not cit.numbers:
                out.append(Link(claim, cit, None, None, clause, "dangling"))
                continue
            ambiguous = False
            if cit.authors and cit.year:
                index = indexes.get(lst.id) or indexes.setdefault(lst.id, AuthorYearIndex(lst))
                ambiguous = index.match(cit)[1]
            for n in cit.numbers:
                ref = entry(lst, n)
                status = "dangling" if ref is None else "ambiguous" if ambiguous else "linked"
                out.append(Link(claim, cit, n, ref, clause, status))
    return out


# ---------------------------------------------------------------- rendering


_LABEL_RE = re.compile(r"^\s*(?:[-*•]\s*)?(?:\[\s*\d{1,6}\s*\]|\(\s*\d{1,6}\s*\)|\d{1,6}\s*[.、)])\s*")
_INITIALS_RE = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.\s?){1,3}|[A-Z]\.?-[A-Z]\.?)$")


def authors_from_text(text: str) -> list[str]:
    """Family names read off the start of an entry when the parser gave none.

    The author block is what precedes the first full stop (``Ge W, Jiang J, Arp J.``,
    ``曹雪琛, 鲁严.``); trailing initials are dropped (``Le Blanc K`` → ``Le Blanc``).
    A stop-gap for unparsed entries: short citations and author–year matching only.
    """
    body = _LABEL_RE.sub("", text, count=1)
    m = re.match(r"(.{2,300}?)(?:\.\s|\.$|。|\[[A-Z]{1,2}\])", body)
    block = m.group(1) if m else body[:120]
    names: list[str] = []
    for part in re.split(r"\s*[,，;；、]\s*|\s+and\s+|\s*&\s*", block):
        part = re.sub(r"\bet\s+al\.?$|等$", "", part.strip()).strip()
        if not part or len(part) > 40:
            continue
        words = part.split()
        while len(words) > 1 and _INITIALS_RE.match(words[-1]):
            words.pop()
        names.append(" ".join(words))
    return names


def display_authors(ref: Reference) -> list[str]:
    """Names as cited: family names, Chinese names whole (``曹雪琛``); from fields, else from the text."""
    out: list[str] = []
    for a in _authors(ref):
        fam = str(a.get("family") or a.get("literal") or "")
        out.append(fam + str(a.get("given") or "") if has_cjk(fam) else fam)
    out = [n for n in out if n]
    return out or authors_from_text(ref.text or ref.raw)


def short_citation(ref: Reference) -> str:
    """`Smith et al. 2020`, `Smith & Jones 2019`, `曹雪琛和鲁严 2021` — or the entry's start."""
    names = display_authors(ref)
    year = reference_year(ref) or ""
    if not names:
        return (ref.text or ref.raw)[:40].strip()
    cjk = has_cjk(names[0])
    if len(names) > 2:
        who = names[0] + ("等" if cjk else " et al.")
    elif len(names) == 2:
        who = names[0] + ("和" if cjk else " & ") + names[1]
    else:
        who = names[0]
    return f"{who} {year}".strip()
