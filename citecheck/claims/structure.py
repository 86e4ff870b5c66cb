"""Structural audit of citations against reference lists: what can be said without any lookup.

Findings (kind — severity):

* ``dangling_citation`` — error: a marker cites a number (or author–year) with no entry;
* ``uncited_entry`` — warning: an entry no marker cites (not reported for a list that is
  not cited at all: that is one ``no_markers`` finding, not fifty warnings);
* ``out_of_order`` — warning: in a numeric list, which in GB/T 7714 numeric and
  Vancouver is numbered in order of first citation, a number is first cited before a
  smaller one that is cited later. One finding per list, at the **first** such citation,
  with the expected and the found number (later ones usually follow from the first).
  Lists sorted alphabetically by author are numbered that way on purpose: skipped;
* ``duplicate_entry`` — warning: the same entry text twice (folded text, or identical
  parsed author/title/year/journal);
* ``same_work_twice`` — warning: one work under two numbers with differently written
  entries: same DOI, or same first author + year + volume + first page, or titles at
  least 95 % alike (full-string ratio with a length guard, never partial matching);
* ``markers_without_list`` — error: markers in a text with no reference list at all;
* ``no_markers`` — info: a list that no marker cites.

Evidence dicts name numbers, marker texts and lines, so a report can point at them.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace
from typing import Any

from citecheck.checks import finding
from citecheck.claims.link import display_authors, is_numeric_list, links, number_of, reference_year
from citecheck.model import Claim, Finding, Reference, ReferenceList
from citecheck.text import fold

TITLE_SIMILARITY = 0.95
_MIN_TITLE = 20
_LABEL_RE = re.compile(r"^\s*(?:\[\s*\d{1,6}\s*\]|［\s*\d{1,6}\s*］|\(\s*\d{1,6}\s*\)|\d{1,6}\s*[.、)]|[-*•]\s)\s*")


def structural_findings(text: str, lists: list[ReferenceList], claims: list[Claim]) -> list[Finding]:
    """Every structural finding of a document, ordered by where it stands.

    `text` is the normalised document the spans point into (kept in the signature so
    findings can later quote context; the claims already carry what is needed now).
    """
    citing = [c for claim in claims for c in claim.citations]
    if not lists:
        return _markers_without_list(claims) if citing else []
    out: list[Finding] = []
    listless = [claim for claim in claims if any(c.list_id is None for c in claim.citations)]
    if listless:  # markers of an article of the text whose own list is missing
        out.extend(_markers_without_list([replace(claim, citations=[c for c in claim.citations
                                                                    if c.list_id is None])
                                          for claim in listless], part=True))
    out.extend(_dangling(claims, lists))
    cited = _cited_keys(claims, lists)
    for lst in lists:
        if not any(key[0] == lst.id for key in cited):
            out.append(_no_markers(lst))
            continue
        out.extend(_uncited(lst, cited))
        if is_numeric_list(lst):
            finding = _out_of_order(claims, lst)
            if finding is not None:
                out.append(finding)
        out.extend(_duplicates(lst))
    return sorted(out, key=lambda f: (f.span.start if f.span else -1, f.kind))


# ---------------------------------------------------------------- citations


def _cited_keys(claims: list[Claim], lists: list[ReferenceList]) -> set[tuple[str, int]]:
    return {
        (link.reference.list_id, link.number)
        for link in links(claims, lists)
        if link.reference is not None and link.number is not None
    }


def _dangling(claims: list[Claim], lists: list[ReferenceList]) -> list[Finding]:
    sizes = {lst.id: len(lst.references) for lst in lists}
    out: list[Finding] = []
    for link in links(claims, lists):
        if link.status != "dangling":
            continue
        cit = link.citation
        if link.number is not None:
            subject = f"{cit.list_id}:{link.number}"
            message = f"{cit.marker} cites [{link.number}], which is not in the reference list"
            evidence: dict[str, Any] = {"number": link.number, "marker": cit.marker, "line": cit.span.line,
                                        "list_id": cit.list_id, "list_size": sizes.get(cit.list_id or "", 0)}
        else:
            who = " & ".join(cit.authors)
            subject = f"{cit.list_id}:{who} {cit.year}"
            message = f"{cit.marker} cites {who} {cit.year}, which matches no entry of the reference list"
            evidence = {"authors": list(cit.authors), "year": cit.year, "marker": cit.marker,
                        "line": cit.span.line, "list_id": cit.list_id}
        out.append(finding("dangling_citation", subject, message, evidence, cit.span))
    return out


def _uncited(lst: ReferenceList, cited: set[tuple[str, int]]) -> list[Finding]:
    out: list[Finding] = []
    for i, ref in enumerate(lst.references):
        n = number_of(ref, i)
        if (lst.id, n) in cited:
            continue
        out.append(finding("uncited_entry", ref.key,
            f"entry [{n}] is never cited in the text",
            {"number": n, "list_id": lst.id, "line": ref.span.line, "entry": _body(ref)[:160]},
            ref.span,
        ))
    return out


def _no_markers(lst: ReferenceList) -> Finding:
    return finding("no_markers", lst.id,
        f"reference list {lst.id} ({len(lst.references)} entries) is never cited: no citation markers found",
        {"list_id": lst.id, "entries": len(lst.references), "line": lst.span.line, "heading": lst.heading},
        lst.span,
    )


def _markers_without_list(claims: list[Claim], part: bool = False) -> list[Finding]:
    """One finding for the document (no list at all), or for an article of it whose own list is missing."""
    cits = [c for claim in claims for c in claim.citations]
    first = cits[0]
    return [finding("markers_without_list", f"part from line {first.span.line}" if part else "document",
        f"{len(cits)} citation markers but no reference list{' of their own' if part else ''} "
        f"(first: {first.marker} on line {first.span.line})",
        {"count": len(cits), "markers": [c.marker for c in cits[:20]],
         "lines": sorted({c.span.line for c in cits})[:50]},
        first.span,
    )]


def first_citation_order(claims: list[Claim], lst: ReferenceList) -> list[tuple[int, Any]]:
    """(number, citation) of each entry's first citation, in text order.

    Within one marker the numbers count as a set (``[3,2]`` first-cites 2 then 3):
    the order *inside* a bracket is typography, not citation order.
    """
    present = {number_of(ref, i) for i, ref in enumerate(lst.references)}
    seen: set[int] = set()
    out: list[tuple[int, Any]] = []
    cits = sorted((c for claim in claims for c in claim.citations if c.list_id == lst.id),
                  key=lambda c: c.span.start)
    for cit in cits:
        for n in sorted(set(cit.numbers)):
            if n in present and n not in seen:
                seen.add(n)
                out.append((n, cit))
    return out


def _out_of_order(claims: list[Claim], lst: ReferenceList) -> Finding | None:
    """The first citation that introduces a number while a smaller cited number is still unseen."""
    order = first_citation_order(claims, lst)
    if len(order) < 2 or _alphabetical(lst):
        return None
    pending = sorted(n for n, _ in order)  # every number that is cited somewhere
    done: set[int] = set()
    k = 0
    breaks = 0
    first: tuple[int, int, Any] | None = None
    for n, cit in order:
        while k < len(pending) and pending[k] in done:
            k += 1
        expected = pending[k]
        if n != expected:
            breaks += 1
            if first is None:
                first = (expected, n, cit)
        done.add(n)
    if first is None:
        return None
    expected, found, cit = first
    return finding("out_of_order", f"{lst.id}:{found}",
        f"[{found}] is cited (line {cit.span.line}) before [{expected}]: a numbered list must be numbered "
        f"in order of first citation",
        {"expected": expected, "found": found, "marker": cit.marker, "line": cit.span.line,
         "list_id": lst.id, "out_of_order_count": breaks,
         "first_cited_order": [n for n, _ in order][:200]},
        cit.span,
    )


def _alphabetical(lst: ReferenceList) -> bool:
    """A numbered list sorted by first author (some styles number alphabetically)."""
    keys = [_first_family(ref) or fold(_body(ref))[:8] for ref in lst.references]
    if len(keys) < 5:
        return False
    ordered = sum(1 for a, b in itertools.pairwise(keys) if a <= b)
    return ordered >= 0.9 * (len(keys) - 1)


# ---------------------------------------------------------------- duplicates


def _body(ref: Reference) -> str:
    """The entry text without its label (`[3] `, `3、`, `- [3] `)."""
    raw = ref.text or ref.raw
    prev = None
    while prev != raw:
        prev = raw
        raw = _LABEL_RE.sub("", raw, count=1)
    return raw


def _fields_key(ref: Reference) -> tuple[str, ...] | None:
    f = ref.fields
    authors = [a for a in f.get("author") or [] if isinstance(a, dict)]
    title = fold(f.get("title"))
    if not title or not authors:
        return None
    fams = "|".join(fold(a.get("family") or a.get("literal")) for a in authors)
    container = f.get("container-title")
    if isinstance(container, list):
        container = container[0] if container else ""
    return (fams, title, reference_year(ref) or "", fold(container))


def _first_page(ref: Reference) -> str:
    page = str(ref.fields.get("page") or "")
    m = re.match(r"\s*([A-Za-z]?\d+)", page)
    return m.group(1).lower() if m else ""


def _first_family(ref: Reference) -> str:
    names = display_authors(ref)
    return fold(names[0]) if names else ""


def _doi(ref: Reference) -> str:
    doi = ref.fields.get("DOI")
    if not isinstance(doi, str):
        m = re.search(r"10\.\d{4,9}/[^\s,;]+", ref.text or ref.raw)
        doi = m.group(0) if m else ""
    return doi.lower().rstrip(".")


MAX_LISTED = 20
"""A group finding names at most this many entries in its message and evidence (the count is always there)."""
FULL_COMPARISON_TITLES = 1500
"""Up to this many distinct titles every length-compatible pair is compared (in C); above it, each title is
compared only with its neighbours in three sort orders (`_NEIGHBOURS`): time linear in the list."""
_NEIGHBOURS = 12


def _group_finding(kind: str, lst: ReferenceList, members: list[int], reason: str, value: str) -> Finding:
    """One finding for a group of entries that are one entry (or one work) listed several times."""
    members = sorted(members)
    refs = [lst.references[i] for i in members]
    numbers = [number_of(r, i) for r, i in zip(refs, members, strict=True)]
    shown = ", ".join(f"[{n}]" for n in numbers[:MAX_LISTED])
    if len(numbers) == 2:
        shown = f"[{numbers[0]}] and [{numbers[1]}]"
    elif len(numbers) > MAX_LISTED:
        shown += f" and {len(numbers) - MAX_LISTED} more"
    if kind == "duplicate_entry":
        message = (f"entries {shown} are the same entry listed twice" if len(numbers) == 2
                   else f"entries {shown} are the same entry listed {len(numbers)} times")
    else:
        message = (f"entries {shown} are the same work ({reason})" if len(numbers) == 2
                   else f"entries {shown} are one work listed {len(numbers)} times ({reason})")
    listed = refs[:MAX_LISTED]
    return finding(
        kind, f"{lst.id}:" + ",".join(str(n) for n in numbers[:MAX_LISTED]), message,
        {"numbers": numbers[:MAX_LISTED], "count": len(numbers), "list_id": lst.id,
         "lines": [r.span.line for r in listed], "reason": reason, "value": value[:300],
         "entries": [_body(r)[:160] for r in listed]},
        refs[1].span,
    )


class _Groups:
    """Union–find over entry indexes."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, i: int) -> int:
        root = i
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(i, i) != root:  # path compression
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for i in self.parent:
            out.setdefault(self.find(i), []).append(i)
        return sorted((sorted(g) for g in out.values() if len(g) > 1), key=lambda g: g[0])


def _duplicates(lst: ReferenceList) -> list[Finding]:
    """`duplicate_entry` and `same_work_twice`: one finding per group of entries, by the strongest reason.

    A group already reported under a stronger reason is not reported again; findings are bounded by the
    number of entries (a list of 1,000 near-identical entries gives one finding, not 300,000 pairs).
    """
    refs = lst.references
    out: list[Finding] = []
    reported: dict[int, int] = {}  # entry → index of the first finding that named it

    def report(members: list[int], kind: str, reason: str, value: str) -> None:
        earlier = {reported.get(i, -1 - i) for i in members}
        if len(earlier) == 1 and next(iter(earlier)) >= 0:
            return  # the same group, reported by a stronger reason
        for i in members:
            reported.setdefault(i, len(out))
        out.append(_group_finding(kind, lst, members, reason, value))

    def group(key_of: Any, kind: str, reason: str) -> None:
        buckets: dict[Any, list[int]] = {}
        for i, ref in enumerate(refs):
            key = key_of(ref)
            if key:
                buckets.setdefault(key, []).append(i)
        for key, idx in buckets.items():
            if len(idx) > 1:
                report(idx, kind, reason, str(key))

    def same_text(r: Reference) -> str | None:
        text = fold(_body(r))
        return text if len(text) >= 10 else None

    group(same_text, "duplicate_entry", "same text")
    group(_fields_key, "duplicate_entry", "same authors, title, year and journal")
    group(lambda r: _doi(r) or None, "same_work_twice", "same DOI")
    group(
        lambda r: (_first_family(r), reference_year(r), str(r.fields.get("volume") or ""), _first_page(r))
        if _first_family(r) and r.fields.get("volume") and _first_page(r) and reference_year(r) else None,
        "same_work_twice", "same first author, year, volume and first page",
    )
    for members, score in _similar_titles(lst):
        report(members, "same_work_twice", f"titles {score:.0%} alike",
               str(lst.references[members[0]].fields.get("title")))
    return out


def _similar_titles(lst: ReferenceList) -> list[tuple[list[int], float]]:
    """Groups of entries whose titles are near-identical (fuzz.ratio ≥ `TITLE_SIMILARITY`), with the lowest
    linking score of each group.

    Identical folded titles are grouped first by key; the distinct titles are then compared — all
    length-compatible pairs in blocks in C (rapidfuzz `cdist`) up to `FULL_COMPARISON_TITLES`, else each
    with its `_NEIGHBOURS` nearest titles in three sort orders (the title, the title reversed, its words
    sorted: near-identical titles share a beginning, an end or their words), so time and findings stay
    linear in the list size.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    by_title: dict[str, list[int]] = {}
    for i, ref in enumerate(lst.references):
        t = fold(ref.fields.get("title"))
        if len(t) >= _MIN_TITLE:
            by_title.setdefault(t, []).append(i)
    groups = _Groups()
    lowest: dict[int, float] = {}  # entry → lowest score of a similar pair it is in

    def link(k: int, m: int, score: float) -> None:
        i, j = by_title[texts[k]][0], by_title[texts[m]][0]
        groups.union(i, j)
        lowest[i] = min(lowest.get(i, 100.0), score)
        lowest[j] = min(lowest.get(j, 100.0), score)

    for idx in by_title.values():
        for i in idx[1:]:
            groups.union(idx[0], i)
    texts = sorted(by_title, key=len)
    lengths = [len(t) for t in texts]
    cutoff = TITLE_SIMILARITY * 100
    if len(texts) <= FULL_COMPARISON_TITLES:
        block = 256
        for start in range(0, len(texts), block):
            stop = min(start + block, len(texts))
            reach = bisect.bisect_right(lengths, lengths[stop - 1] / TITLE_SIMILARITY)
            scores = process.cdist(texts[start:stop], texts[start:reach], scorer=fuzz.ratio, score_cutoff=cutoff,
                                   dtype=np.uint8)
            for r, c in zip(*np.nonzero(scores), strict=True):
                k, m = start + int(r), start + int(c)
                if m > k and lengths[m] <= lengths[k] / TITLE_SIMILARITY:
                    link(k, m, float(scores[r, c]))
    else:
        seen: set[tuple[int, int]] = set()
        orders = (lambda k: texts[k], lambda k: texts[k][::-1], lambda k: " ".join(sorted(texts[k].split())))
        for order in orders:
            ranked = sorted(range(len(texts)), key=order)
            for pos, k in enumerate(ranked):
                for m in ranked[pos + 1 : pos + 1 + _NEIGHBOURS]:
                    a, b = min(k, m), max(k, m)
                    if (a, b) in seen or lengths[b] > lengths[a] / TITLE_SIMILARITY:
                        continue
                    seen.add((a, b))
                    score = fuzz.ratio(texts[a], texts[b], score_cutoff=cutoff)
                    if score:
                        link(a, b, score)
    return [(g, min((lowest.get(i, 100.0) for i in g), default=100.0) / 100) for g in groups.groups()]
