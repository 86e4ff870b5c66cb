"""Locate every reference list in a document's text.

Three kinds of evidence start a list: a heading line (`参考文献`, `References`,
`## Bibliography`, `**Works cited**`, `参考文献:[1]...` with entries on the same
line); without any heading, a run of at least three consecutively numbered lines
starting at 1 that read like references (years, author-like starts, journal
punctuation); or a run of lines the line classifier (`finder`) labels `ref`,
read as a numbered list from 1 or as an author–year list. A document holding
several articles or chapters has several lists; a references heading repeated at
the top of the next page (a running header) does not start a new one.

The classifier's labels also feed the scans in `split`: page furniture (its
`meta` lines, bare page numbers, lines repeated page after page) is skipped
inside a list, an author–year list runs while its lines are `ref`, and a
numbered list does not take body text after a finished entry as a continuation.
Without the model file, everything falls back to the rules alone.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from citecheck.model import Issue
from citecheck.refs import finder
from citecheck.refs.split import (
    Scan,
    Seg,
    entry_body,
    entry_text,
    has_reference_evidence,
    line_segments,
    looks_like_reference,
    match_label,
    match_label_alone,
    scan_labelled,
    scan_numbered,
    scan_unnumbered,
)

_HEADING_WORDS = (
    r"主要参考文献|参考文献|参考资料|引用文献|文献"
    r"|reference\s+list|references\s+and\s+notes|references?|bibliography|literature\s+cited|works\s+cited"
    r"|cited\s+literature|sources\s+cited|notes\s+and\s+references|literature"
)
_HEADING_RE = re.compile(
    r"[ \t]*(?:#{1,6}[ \t]*)?(?:\d{1,2}(?:\.\d{1,2})*\.?[ \t]+)?(?:\*\*|__)?[ \t]*[\[【(]?[ \t]*"
    r"(?P<word>" + _HEADING_WORDS + r")"
    r"[ \t]*[\]】)]?[ \t]*(?:\*\*|__)?[ \t]*[:：]?[ \t]*(?:\*\*|__)?[ \t]*",
    re.I,
)


@dataclass(frozen=True)
class Heading:
    """A heading line: its text as found, where it stands, and where the list body begins."""

    text: str
    start: int
    end: int
    body_start: int
    line_index: int


@dataclass
class FoundList:
    """One located list: its heading (or none) and the scanned entries."""

    heading: Heading | None
    scan: Scan
    start: int
    issues: list[Issue] = field(default_factory=list)


def _squeeze_cjk(line: str) -> str:
    """`参 考 文 献` -> `参考文献` (spaces between CJK characters only)."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])", "", line)


def match_heading(line: str) -> tuple[str, int] | None:
    """If `line` is a references heading, (heading as found, offset where entries may follow on the line).

    The rest of the line must be empty or start with a numeric label
    (`参考文献:[1]...`), so running prose that starts with "References" is not a heading.
    """
    if len(line) > 4000 and not line.lstrip()[:40].strip():
        return None
    probe = line if len(line) < 200 else line[:200]
    squeezed = _squeeze_cjk(probe)
    m = _HEADING_RE.match(squeezed)
    if not m:
        return None
    word = m.group("word")
    rest_sq = squeezed[m.end() :]
    if word == "文献" and (rest_sq.strip() or probe.strip() not in ("文献", "[文献]", "【文献】")):
        return None
    if word.lower() == "literature" and rest_sq.strip():
        return None
    # map the end of the squeezed match back to the original line
    consumed = _map_back(line, squeezed[: m.end()])
    rest = line[consumed:]
    if rest.strip():
        if match_label(rest) is None:
            return None
        if word.lower().startswith("reference") and not re.search(r"[:：\]】]", line[:consumed]):
            # "References 1. ..." without a colon is still fine only when the label is bracketed
            if not rest.lstrip().startswith("["):
                return None
    heading = line[:consumed].strip()
    if not heading:
        return None
    return heading, consumed


def _map_back(line: str, squeezed_prefix: str) -> int:
    """Offset in `line` that corresponds to the end of `squeezed_prefix` (which dropped some spaces)."""
    j = 0
    for i, ch in enumerate(line):
        if j >= len(squeezed_prefix):
            return i
        if ch == squeezed_prefix[j]:
            j += 1
        elif ch in " \t":
            continue
        else:
            return i
    return len(line)


def find_headings(text: str, segs: list[Seg]) -> list[Heading]:
    out: list[Heading] = []
    for idx, (s, e) in enumerate(segs):
        if e - s > 4000 and not text.startswith(("参", "[", "【", "R", "r", "B", "#", "*"), s):
            continue
        line = text[s:e]
        hit = match_heading(line)
        if hit is None:
            continue
        heading, consumed = hit
        hs = s + (len(line) - len(line.lstrip()))
        out.append(Heading(heading, hs, hs + len(heading), s + consumed, idx))
    return out


def find_lists(text: str) -> list[FoundList]:
    """Every list in `text`, in document order; headed lists first claim their lines."""
    segs = line_segments(text)
    headings = find_headings(text, segs)
    labels = _line_labels(text, segs)
    skip = _page_lines(text, segs, labels)
    headings = _drop_running_headings(text, segs, headings, skip, labels)
    found: list[FoundList] = []
    for k, h in enumerate(headings):
        stop = headings[k + 1].start if k + 1 < len(headings) else None
        scan = _scan_after_heading(text, segs, h, stop, skip, labels)
        if scan is None or not scan.entries:
            continue
        found.append(FoundList(h, scan, h.start))
    found.extend(_find_unheaded(text, segs, found, skip))
    if labels is not None:
        found.extend(_find_classified(text, segs, found, skip, labels))
    found.sort(key=lambda f: f.start)
    return found


# ---------------------------------------------------------------- the line classifier's evidence

_MAX_CLASSIFIED_CHARS = 20_000_000


def _line_labels(text: str, segs: list[Seg]) -> list[str] | None:
    """The classifier's label of every line (`blank` for blank ones), or None without a model."""
    if len(text) > _MAX_CLASSIFIED_CHARS or len(segs) < 3:
        return None
    lines = [text[s : min(e, s + 1000)] for s, e in segs]
    try:
        return finder.classify_lines(lines)
    except Exception:  # the model is an aid: without it the rules still read the lists
        return None


_PAGE_NUMBER_RE = re.compile(r"\s*(?:[-–—]\s*)?(?:\d{1,4}|[ivxlc]{1,6}|[IVXLC]{1,6})(?:\s*[-–—])?\s*$")


def _repeat_key(line: str) -> str:
    """A line without its spaces and the page number at either edge: running headers repeat under it."""
    return re.sub(r"^[\divxlc\s]+\b|\b[\divxlc\s]+$|\s+", "", line[:200].lower())


def _page_lines(text: str, segs: list[Seg], labels: list[str] | None) -> set[int]:
    """Lines that belong to the page rather than the text: page numbers, lines repeated on
    three or more pages (running headers and footers), and short lines the classifier reads as
    headers/footers. Inside a list they are skipped; elsewhere they change nothing."""
    keys: dict[str, list[int]] = {}
    out: set[int] = set()
    for i, (s, e) in enumerate(segs):
        if e - s > 300 or e == s:
            continue
        line = text[s:e]
        if not line.strip():
            continue
        lab = labels[i] if labels is not None else None
        if _PAGE_NUMBER_RE.match(line) and lab != "ref":
            out.add(i)
            continue
        if lab == "meta" and len(line.strip()) < 120:
            out.add(i)
            continue
        key = _repeat_key(line)
        if len(key) >= 8:
            keys.setdefault(key, []).append(i)
    repeated: set[int] = set()
    for idxs in keys.values():
        if len(idxs) >= 3 and idxs[-1] - idxs[0] >= 20 * (len(idxs) - 1):
            repeated.update(idxs)
    # a header or footer is a line or three: a longer run of repeated lines is repeated text
    for run in _runs(text, segs, repeated):
        if len(run) <= 3:
            out.update(run)
    return out


def _runs(text: str, segs: list[Seg], lines: set[int]) -> list[list[int]]:
    """`lines` grouped into runs of consecutive lines (blank lines between them do not break a run)."""
    runs: list[list[int]] = []
    for i in sorted(lines):
        if runs and (i == runs[-1][-1] + 1 or _blank_between(text, segs, runs[-1][-1], i)):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _blank_between(text: str, segs: list[Seg], a: int, b: int) -> bool:
    """Only blank lines between lines a < b (at most a few looked at)."""
    if b <= a or b - a > 4:
        return False
    return all(not text[segs[k][0] : segs[k][1]].strip() for k in range(a + 1, b))


def _first_content(text: str, segs: list[Seg], i: int, skip: set[int], stop: int | None = None) -> int | None:
    while i < len(segs) and (i in skip or not text[segs[i][0] : segs[i][1]].strip()):
        i += 1
    if i >= len(segs) or (stop is not None and segs[i][0] >= stop):
        return None
    return i


def _last_content(text: str, segs: list[Seg], i: int, skip: set[int], floor: int) -> int | None:
    """The last non-blank line at or before `i` and after line `floor`, not in `skip`."""
    while i > floor and (i in skip or not text[segs[i][0] : segs[i][1]].strip()):
        i -= 1
    return i if i > floor else None


def _drop_running_headings(
    text: str, segs: list[Seg], headings: list[Heading], skip: set[int], labels: list[str] | None
) -> list[Heading]:
    """A references heading repeated at the top of the next page (a running header) does not
    start a new list: the list above continues under it (its line joins `skip`)."""
    kept: list[Heading] = []
    for h in headings:
        prev = kept[-1] if kept else None
        if prev is not None and _squeeze(h.text) == _squeeze(prev.text) and h.line_index > prev.line_index + 1:
            j = _first_content(text, segs, h.line_index + 1, skip)
            if j is not None:
                line = text[segs[j][0] : segs[j][1]]
                lab = match_label(line) or match_label_alone(line)
                if lab is not None and lab.n > 1:
                    skip.add(h.line_index)
                    continue
                first = _first_content(text, segs, prev.line_index + 1, skip, segs[h.line_index][0])
                last = _last_content(text, segs, h.line_index - 1, skip, prev.line_index)
                if (
                    lab is None
                    and labels is not None
                    and labels[j] == "ref"
                    and first is not None
                    and last is not None
                    and labels[last] == "ref"
                    and not match_label(text[segs[first][0] : segs[first][1]])
                ):
                    skip.add(h.line_index)
                    continue
        kept.append(h)
    return kept


def _squeeze(s: str) -> str:
    return re.sub(r"[\s#*:：\[\]【】]+", "", s).lower()


def _scan_after_heading(
    text: str, segs: list[Seg], h: Heading, stop: int | None, skip: set[int], labels: list[str] | None
) -> Scan | None:
    """Choose numbered or unnumbered reading from the first content after the heading."""
    i = h.line_index
    first_start: int | None = h.body_start
    while i < len(segs):
        s, e = segs[i]
        if first_start is not None:
            s = max(s, first_start)
        if text[s:e].strip() and (first_start is not None or i not in skip):
            break
        i += 1
        first_start = None
    if i >= len(segs):
        return None
    s, e = segs[i]
    start = max(s, first_start) if first_start is not None else s
    if stop is not None and start >= stop:
        return None
    line = text[start:e]
    if match_label(line) is not None or match_label_alone(line) is not None:
        scan = scan_numbered(text, segs, i, first_start, stop_at=stop, skip=skip, labels=labels)
        if scan.entries or match_label(line) is not None:
            return scan
    # one stray line (e.g. a column header) may precede a numbered list
    if i + 1 < len(segs):
        j = _first_content(text, segs, i + 1, skip)
        if j is not None and not looks_like_reference(line) and match_label(text[segs[j][0] : segs[j][1]]):
            return scan_numbered(text, segs, j, None, stop_at=stop, skip=skip, labels=labels)
    if labels is not None:
        return scan_labelled(text, segs, i, labels, first_start, stop_at=stop, skip=skip)
    return scan_unnumbered(text, segs, i, first_start, stop_at=stop)


_MIN_CLASSIFIED = 3


def _label_one_before(text: str, segs: list[Seg], i: int, skip: set[int], covered: list[tuple[int, int]]) -> int:
    """The classifier may miss a list's first lines: entry 1 a few lines above line `i` starts it."""
    j, seen = i - 1, 0
    while j >= 0 and seen < 3 and not _inside(segs[j][0], covered):
        s, e = segs[j]
        line = text[s : min(e, s + 200)]
        if line.strip():
            seen += j not in skip
            lab = match_label(line) or match_label_alone(line)
            if lab is not None and lab.n == 1:
                return j
        j -= 1
    return i


def _find_classified(
    text: str, segs: list[Seg], found: list[FoundList], skip: set[int], labels: list[str]
) -> list[FoundList]:
    """Lists without a heading that the classifier sees: runs of `ref` lines outside the lists
    already found, read as numbered (from entry 1) or author–year lists."""
    covered = sorted((f.start, max(f.scan.end, f.start + 1)) for f in found)
    out: list[FoundList] = []
    n = len(segs)
    i = 0
    while i < n:
        if labels[i] != "ref" or i in skip or _inside(segs[i][0], covered):
            i += 1
            continue
        j = i
        refs = 0
        while j < n and (labels[j] in ("ref", "blank") or j in skip) and not (j > i and _inside(segs[j][0], covered)):
            refs += labels[j] == "ref"
            j += 1
        stop = segs[j][0] if j < n else None
        if refs >= _MIN_CLASSIFIED:
            i = _label_one_before(text, segs, i, skip, covered)
            line = text[segs[i][0] : segs[i][1]]
            lab = match_label(line) or match_label_alone(line)
            if lab is not None:
                scan = scan_numbered(text, segs, i, None, first_n=1, stop_at=stop, skip=skip, labels=labels)
            else:
                scan = scan_labelled(text, segs, i, labels, stop_at=stop, skip=skip, require_start=True)
            entries = scan.entries
            if len(entries) >= _MIN_CLASSIFIED:
                good = sum(1 for x in entries if has_reference_evidence(entry_text(entry_body(text, x))))
                if good / len(entries) >= _MIN_LIKENESS:
                    out.append(FoundList(None, scan, entries[0].start))
                    covered.append((entries[0].start, max(scan.end, entries[0].start + 1)))
                    covered.sort()
        i = max(j, i + 1)
    return out


_MIN_UNHEADED = 3
_MIN_LIKENESS = 0.7
_LOOKAHEAD_LINES = 40


def _find_unheaded(text: str, segs: list[Seg], found: list[FoundList], skip: set[int]) -> list[FoundList]:
    """Numbered runs starting at 1 outside headed lists that read like references."""
    covered = sorted((f.start, f.scan.end) for f in found)
    out: list[FoundList] = []
    ones: list[int] = []
    twos: list[int] = []
    for idx, (s, e) in enumerate(segs):
        if text[s : s + 1].isdigit() or text[s : s + 1] in "[( \t-*+•·":
            lab = match_label(text[s : min(e, s + 40)]) or match_label_alone(text[s:e] if e - s < 12 else "")
            if lab is not None and lab.n in (1, 2):
                (ones if lab.n == 1 else twos).append(idx)
    for i in ones:
        s, e = segs[i]
        if _inside(s, covered):
            continue
        # an entry 2 must follow within a few lines
        k = bisect.bisect_right(twos, i)
        if k >= len(twos) or twos[k] > i + _LOOKAHEAD_LINES:
            continue
        scan = scan_numbered(text, segs, i, None, first_n=1, skip=skip)
        entries = scan.entries
        if len(entries) >= _MIN_UNHEADED and not any(_inside(x.start, covered) for x in entries):
            likes = sum(1 for x in entries if looks_like_reference(text[x.body_start : x.end]))
            if likes / len(entries) >= _MIN_LIKENESS:
                out.append(FoundList(None, scan, entries[0].start))
                covered.append((entries[0].start, scan.end))
                covered.sort()
                continue
        # not a list: later starts inside what this scan read are not retried
        covered.append((s, max(scan.end, e)))
        covered.sort()
    return out


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Is `pos` inside one of the sorted, possibly overlapping spans? (bisection, spans are few or sorted)"""
    k = bisect.bisect_right(spans, (pos, float("inf")))
    return any(a <= pos < b for a, b in spans[max(0, k - 8) : k])
