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
from typing import Any

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
        out.append(Finding("dangling_citation", "error", subject, message, evidence, cit.span))
    return out


def _uncited(lst: ReferenceList, cited: set[tuple[str, int]]) -> list[Finding]:
    out: list[Finding] = []
    for i, ref in enumerate(lst.references):
        n = number_of(ref, i)
        if (lst.id, n) in cited:
            continue
        out.append(Finding(
            "uncited_entry", "warning", ref.key,
            f"entry [{n}] is never cited in the text",
            {"number": n, "list_id": lst.id, "line": ref.span.line, "entry": _body(ref)[:160]},
            ref.span,
        ))
    return out


def _no_markers(lst: ReferenceList) -> Finding:
    return Finding(
        "no_markers", "info", lst.id,
        f"reference list {lst.id} ({len(lst.references)} entries) is never cited: no citation markers found",
        {"list_id": lst.id, "entries": len(lst.references), "line": lst.span.line, "heading": lst.heading},
        lst.span,
    )


def _markers_without_list(claims: list[Claim]) -> list[Finding]:
    cits = [c for claim in claims for c in claim.citations]
    first = cits[0]
    return [Finding(
        "markers_without_list", "error", "document",
        f"{len(cits)} citation markers but no reference list (first: {first.marker} on line {first.span.line})",
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
    return Finding(
        "out_of_order", "warning", f"{lst.id}:{found}",
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


def _pair_finding(kind: str, lst: ReferenceList, a: int, b: int, reason: str, value: str) -> Finding:
    ra, rb = lst.references[a], lst.references[b]
    na, nb = number_of(ra, a), number_of(rb, b)
    if kind == "duplicate_entry":
        message = f"entries [{na}] and [{nb}] are the same entry listed twice"
    else:
        message = f"entries [{na}] and [{nb}] are the same work ({reason})"
    return Finding(
        kind, "warning", f"{lst.id}:{na},{nb}", message,
        {"numbers": [na, nb], "list_id": lst.id, "lines": [ra.span.line, rb.span.line], "reason": reason,
         "value": value, "entries": [_body(ra)[:160], _body(rb)[:160]]},
        rb.span,
    )


def _duplicates(lst: ReferenceList) -> list[Finding]:
    """`duplicate_entry` and `same_work_twice` pairs; each pair reported once, by the strongest reason."""
    refs = lst.references
    out: list[Finding] = []
    done: set[tuple[int, int]] = set()

    def group(key_of: Any, kind: str, reason: str) -> None:
        buckets: dict[Any, list[int]] = {}
        for i, ref in enumerate(refs):
            key = key_of(ref)
            if key:
                buckets.setdefault(key, []).append(i)
        for key, idx in buckets.items():
            for a, b in itertools.pairwise(idx):
                if (a, b) not in done:
                    done.add((a, b))
                    out.append(_pair_finding(kind, lst, a, b, reason, str(key)))

    group(lambda r: fold(_body(r)) if len(fold(_body(r))) >= 10 else None, "duplicate_entry", "same text")
    group(_fields_key, "duplicate_entry", "same authors, title, year and journal")
    group(lambda r: _doi(r) or None, "same_work_twice", "same DOI")
    group(
        lambda r: (_first_family(r), reference_year(r), str(r.fields.get("volume") or ""), _first_page(r))
        if _first_family(r) and r.fields.get("volume") and _first_page(r) and reference_year(r) else None,
        "same_work_twice", "same first author, year, volume and first page",
    )
    out.extend(_similar_titles(lst, done))
    return out


def _similar_titles(lst: ReferenceList, done: set[tuple[int, int]]) -> list[Finding]:
    """Pairs of entries whose titles are near-identical: blocks of titles sorted by length are compared in C
    (rapidfuzz `cdist`) only with titles short enough to reach the ratio, so 5,000 entries take a second."""
    import numpy as np
    from rapidfuzz import fuzz, process

    titles = [(i, fold(ref.fields.get("title"))) for i, ref in enumerate(lst.references)]
    titles = [(i, t) for i, t in titles if len(t) >= _MIN_TITLE]
    titles.sort(key=lambda it: len(it[1]))
    texts = [t for _, t in titles]
    lengths = [len(t) for t in texts]
    cutoff = TITLE_SIMILARITY * 100
    out: list[Finding] = []
    block = 256
    for start in range(0, len(texts), block):
        stop = min(start + block, len(texts))
        reach = bisect.bisect_right(lengths, lengths[stop - 1] / TITLE_SIMILARITY)
        scores = process.cdist(texts[start:stop], texts[start:reach], scorer=fuzz.ratio, score_cutoff=cutoff,
                               dtype=np.uint8)
        for r, c in zip(*np.nonzero(scores), strict=True):
            k, m = start + int(r), start + int(c)
            if m <= k or lengths[m] > lengths[k] / TITLE_SIMILARITY:
                continue
            i, j = titles[k][0], titles[m][0]
            a, b = min(i, j), max(i, j)
            if (a, b) in done:
                continue
            score = fuzz.ratio(texts[k], texts[m]) / 100
            done.add((a, b))
            out.append(_pair_finding("same_work_twice", lst, a, b, f"titles {score:.0%} alike",
                                     str(lst.references[a].fields.get("title"))))
    return out

