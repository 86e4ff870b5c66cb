"""Locate every reference list in a document's text.

Two kinds of evidence start a list: a heading line (`参考文献`, `References`,
`## Bibliography`, `**Works cited**`, `参考文献:[1]...` with entries on the same
line), or — without any heading — a run of at least three consecutively
numbered lines starting at 1 that read like references (years, author-like
starts, journal punctuation). A document holding several articles has several
lists; each ends where its entries stop (decided in `split`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from citecheck.model import Issue
from citecheck.refs.split import (
    Scan,
    Seg,
    line_segments,
    looks_like_reference,
    match_label,
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
    found: list[FoundList] = []
    for k, h in enumerate(headings):
        stop = headings[k + 1].start if k + 1 < len(headings) else None
        scan = _scan_after_heading(text, segs, h, stop)
        if scan is None or not scan.entries:
            continue
        found.append(FoundList(h, scan, h.start))
    found.extend(_find_unheaded(text, segs, found))
    found.sort(key=lambda f: f.start)
    return found


def _scan_after_heading(text: str, segs: list[Seg], h: Heading, stop: int | None) -> Scan | None:
    """Choose numbered or unnumbered reading from the first content after the heading."""
    i = h.line_index
    first_start: int | None = h.body_start
    while i < len(segs):
        s, e = segs[i]
        if first_start is not None:
            s = max(s, first_start)
        if text[s:e].strip():
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
    if match_label(line) is not None:
        return scan_numbered(text, segs, i, first_start, stop_at=stop)
    # one stray line (e.g. a column header) may precede a numbered list
    if i + 1 < len(segs):
        j = i + 1
        while j < len(segs) and not text[segs[j][0] : segs[j][1]].strip():
            j += 1
        if j < len(segs) and not looks_like_reference(line) and match_label(text[segs[j][0] : segs[j][1]]):
            return scan_numbered(text, segs, j, None, stop_at=stop)
    return scan_unnumbered(text, segs, i, first_start, stop_at=stop)


_MIN_UNHEADED = 3
_MIN_LIKENESS = 0.7
_LOOKAHEAD_LINES = 40


def _find_unheaded(text: str, segs: list[Seg], found: list[FoundList]) -> list[FoundList]:
    """Numbered runs starting at 1 outside headed lists that read like references."""
    covered = sorted((f.start, f.scan.end) for f in found)
    out: list[FoundList] = []
    ones: list[int] = []
    twos: list[int] = []
    for idx, (s, e) in enumerate(segs):
        if text[s : s + 1].isdigit() or text[s : s + 1] in "[( \t-*+•·":
            lab = match_label(text[s : min(e, s + 40)])
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
        scan = scan_numbered(text, segs, i, None, first_n=1)
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
