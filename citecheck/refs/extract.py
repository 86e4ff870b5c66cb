"""Entry points of the reference-extraction stage: text -> [ReferenceList].

`extract_lists` finds every list (find), splits it into entries (split), repairs
each entry's text (repair) and parses it (`parse_reference`). `raw` and `span`
always point at the document text exactly (`text[span.start:span.end] == raw`);
`text` is what was parsed. Nothing here raises: damage, and even a failing
parser, end up as `Issue`s.
"""

from __future__ import annotations

import bisect
import re

import citecheck.refs.parse as _parse
from citecheck.model import Issue, Reference, ReferenceList, Span
from citecheck.refs.find import FoundList, find_lists
from citecheck.refs.journals import journal_issues
from citecheck.refs.repair import repair
from citecheck.refs.split import RawEntry, entry_body, entry_text, match_label


def extract_lists(text: str) -> list[ReferenceList]:
    """Every reference list in the (normalised) document text, entries repaired and parsed."""
    if not isinstance(text, str) or not text:
        return []
    try:
        found = find_lists(text)
    except Exception as exc:  # defensive: the stage must not take the pipeline down
        return [_failed_list(text, exc)]
    lines = _LineIndex(text)
    out: list[ReferenceList] = []
    for k, f in enumerate(found, 1):
        list_id = f"L{k}"
        refs = [_reference(text, lines, list_id, e) for e in f.scan.entries]
        start = f.heading.start if f.heading else f.start
        end = max(f.scan.end, start)
        out.append(
            ReferenceList(
                id=list_id,
                heading=f.heading.text if f.heading else "",
                span=Span(start, end, lines.line(start)),
                references=refs,
                style=guess_style([r.text for r in refs], f),
                warnings=list(f.scan.issues) + list(f.issues),
            )
        )
    return out


def references_from_lines(text: str) -> list[ReferenceList]:
    """One reference per non-empty line (for `--lines`): no list detection, one list `L1`."""
    if not isinstance(text, str) or not text.strip():
        return []
    lines = _LineIndex(text)
    refs: list[Reference] = []
    pos = 0
    for line in text.split("\n"):
        s = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        start, end = s + lead, s + lead + len(stripped)
        lab = match_label(stripped)
        raw_entry = RawEntry(
            start,
            end,
            len(refs) + 1,
            stripped[lab.start : lab.end] if lab else "",
            start + (lab.text_start if lab else 0),
        )
        refs.append(_reference(text, lines, "L1", raw_entry))
    if not refs:
        return []
    span = Span(refs[0].span.start, refs[-1].span.end, refs[0].span.line)
    return [ReferenceList("L1", "", span, refs, guess_style([r.text for r in refs], None))]


# ---------------------------------------------------------------- helpers


class _LineIndex:
    """1-based line numbers by bisection over newline offsets (line_of is O(n) per call)."""

    def __init__(self, text: str) -> None:
        self._nl = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._nl, offset) + 1


def _reference(text: str, lines: _LineIndex, list_id: str, e: RawEntry) -> Reference:
    raw = text[e.start : e.end]
    body = entry_text(entry_body(text, e)) if e.body_start < e.end else ""
    repaired, rissues = repair(body)
    warnings: list[Issue] = list(e.issues) + rissues
    fields: dict = {}
    try:
        fields, pissues = _parse.parse_reference(repaired)
        warnings.extend(pissues)
        warnings.extend(journal_issues(fields))
    except Exception as exc:  # the parser is someone else's; its failure is data here
        warnings.append(Issue("parse_error", f"parser failed: {type(exc).__name__}: {exc}"[:300]))
    return Reference(
        list_id=list_id,
        n=e.n,
        raw=raw,
        span=Span(e.start, e.end, lines.line(e.start)),
        fields=fields if isinstance(fields, dict) else {},
        warnings=warnings,
        label=e.label,
        text=repaired,
    )


_TYPE_CODE_RE = re.compile(r"\[(?:J|M|C|D|R|S|P|N|G|Z|A|EB/OL|J/OL|M/OL|DB/OL|C/OL|OL)\]")
_VANC_RE = re.compile(r"(?:1[6-9]|20)\d\d(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?;\s*\d+(?:\(\w+\))?(?::|\.|$)")
_APA_RE = re.compile(r"\((?:1[6-9]|20)\d\d[a-z]?(?:,\s*[A-Z][a-z]+(?:\s+\d{1,2})?)?\)\.?")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def guess_style(texts: list[str], found: FoundList | None) -> str:
    """`gbt7714` (type codes `[J]`), `vancouver` (`Year;Vol:pages`), `apa` (`(Year).` after authors) or `unknown`."""
    if not texts:
        return "unknown"
    n = len(texts)
    gbt = sum(1 for t in texts if _TYPE_CODE_RE.search(t))
    vanc = sum(1 for t in texts if _VANC_RE.search(t))
    apa = sum(1 for t in texts if _APA_RE.search(t[:300]))
    scores = {"gbt7714": gbt, "vancouver": vanc, "apa": apa}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] * 2 >= n and scores[best] > 0:
        return best
    if found is not None and found.heading and "参" in found.heading.text and sum(1 for t in texts if _CJK_RE.search(t)) * 2 >= n:
        return "gbt7714"
    return "unknown"


def _failed_list(text: str, exc: Exception) -> ReferenceList:
    return ReferenceList(
        "L1", "", Span(0, 0, 1), [], "unknown",
        [Issue("extract_error", f"reference lists could not be read: {type(exc).__name__}")],
    )
