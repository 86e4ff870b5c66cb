"""Split the body of a reference list into entries.

A list is read line by line. Numbered lists are driven by their numbering: a
line opens a new entry only when its label carries the next expected number
(a small gap is tolerated), so `[J]`, `[M]`, `2.` inside a title or a page
number at the start of a wrapped line never starts an entry. Everything else
is either a continuation of the current entry, an entry broken across a page
(joined, with a `broken_entry` warning), or noise between entries (page
headers) — and when too much noise comes, the list has ended.

After the line pass, entries are split where the *next* number is found glued
inside an entry (`...[2]Studeny M...` or a damaged `...143–22、Mageed AS`), again
only in numbering order, and where one number groups several references, each
on a line of its own. Lines the caller marks as page furniture (`skip`) are
holes in an entry: its span covers them, its text does not.

Author–year lists are read by `scan_labelled` when the line classifier's labels
are there (`scan_unnumbered`, the rules alone, otherwise): the list runs over
the lines labelled `ref`, and an entry starts at an author-like line after a
finished one, after a blank line, at the hanging indent, or at an alphanumeric
label (`[AH]`). All functions are pure and linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from citecheck.model import Issue

# ---------------------------------------------------------------- labels

_BULLET = r"(?:[-*+•·]\s+)?"
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # `[1]`, markdown-escaped `\[1\]`, and `[1].`
    ("bracket", re.compile(r"[ \t]*" + _BULLET + r"(\\?\[(\d{1,5})\\?\])[ \t]*(?:\.[ \t]+)?")),
    ("comma", re.compile(r"[ \t]*" + _BULLET + r"((\d{1,5})、[ \t]*)(?=\S)")),
    ("paren", re.compile(r"[ \t]*" + _BULLET + r"(\((\d{1,5})\))[ \t]*(?=\S)")),
    ("rparen", re.compile(r"[ \t]*" + _BULLET + r"((\d{1,5})\))[ \t]*(?=\S)")),
    ("dot", re.compile(r"[ \t]*" + _BULLET + r"((\d{1,5})\.)(?:[ \t]+|(?=[^\W\d_]))(?=\S)")),
    # `1] Alon N …` (a bracket lost in the text layer) and `1-Aldred MJ …`
    ("rbracket", re.compile(r"[ \t]*((\d{1,4})\])[ \t]*(?=[A-Z\u4e00-\u9fff])")),
    ("dash", re.compile(r"[ \t]*((\d{1,4})-)[ \t]*(?=[A-Z\u4e00-\u9fff][\w'’]*[ ,.])")),
)
_LABEL_STYLES = tuple(name for name, _ in _LABELS)
_ALONE_RE = re.compile(r"[ \t]*(?:(?P<dot>(\d{1,4})\.)|(?P<paren>\((\d{1,4})\))|(?P<rparen>(\d{1,4})\)))[ \t]*$")


@dataclass(frozen=True)
class Label:
    """A numeric label at the start of a line: where it stands (relative to the line) and its number."""

    style: str
    n: int
    start: int
    end: int
    """End of the label itself (e.g. after `]`), before following blanks."""
    text_start: int
    """Where the entry text begins (after the label and blanks)."""


def match_label(line: str, style: str | None = None) -> Label | None:
    """The numeric label opening `line`, if any (only of `style` when given)."""
    for name, rx in _LABELS:
        if style is not None and name != style:
            continue
        m = rx.match(line)
        if m:
            return Label(name, int(m.group(2)), m.start(1), m.end(1), m.end())
    return None


_BARE_RE = re.compile(r"[ \t]*(\d{1,3})[ \t]+(?=[A-Z]\.|[A-Z][\w'’\-]+[ ,]|[\u4e00-\u9fff])")
ALPHA_LABEL_RE = re.compile(r"[ \t]*(\[[A-Z][A-Za-z+\-]{0,7}(?:\d{2,4}[a-z]?)?\])[ \t]*")
"""An alphanumeric label, `[AH]`, `[Ahl78]`, `[BGK+99]` (amsalpha-like styles)."""


def match_label_alone(line: str, style: str | None = None) -> Label | None:
    """A label printed on its own line (`1.`, `(1)`), its entry on the next line; `[1]` is `match_label`'s;
    or a bare number before an author (`1 A. Altland and B. D. Simons, …`, style `bare`)."""
    m = _ALONE_RE.match(line)
    if m is None:
        if style in (None, "bare"):
            b = _BARE_RE.match(line)
            if b is not None:
                return Label("bare", int(b.group(1)), b.start(1), b.end(1), b.end())
        return None
    for name in ("dot", "paren", "rparen"):
        if m.group(name) and (style is None or style == name):
            num = re.search(r"\d+", m.group(name))
            assert num is not None
            return Label(name, int(num.group()), m.start(name), m.end(name), len(line))
    return None


_AFTER_INLINE = r"(?=[A-Z][A-Za-z'’-]+,? (?:[A-Z]{1,3}\b|[A-Z]\.)|[\u4e00-\u9fff]{2,4}[,.])"
_INLINE: dict[str, re.Pattern[str]] = {
    "bracket": re.compile(r"\\?\[(\d{1,5})\\?\]"),
    "comma": re.compile(r"(?<!\d)(\d{1,5})、"),
    "paren": re.compile(r"(?<=[\s.])\((\d{1,5})\)[ \t]*(?=[A-Z\u4e00-\u9fff])"),
    "rparen": re.compile(r"(?<=[\s.])(?<!\()(\d{1,5})\)[ \t]*(?=[A-Z\u4e00-\u9fff])"),
    # dot: demand an author-like start after it, a bare `2.` is too common in titles
    "dot": re.compile(r"(?<=\s)(\d{1,5})\.[ \t]*" + _AFTER_INLINE),
}


def find_inline_label(text: str, style: str, n: int, start: int, end: int) -> re.Match[str] | None:
    """First label `n` of `style` standing inside text[start:end] (not at a line start)."""
    rx = _INLINE.get(style)
    if rx is None:
        return None
    for m in rx.finditer(text, start, end):
        if int(m.group(1)) == n:
            return m
    return None


# ---------------------------------------------------------------- evidence

_YEAR_RE = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)")
_TYPE_CODE_RE = re.compile(r"\[(?:J|M|C|D|R|S|P|N|G|Z|A|EB|DB|CP|OL|EB/OL|J/OL|M/OL|DB/OL|C/OL)\]")
_JOURNALISH_RE = re.compile(r"\d+\s*\(\s*[\w-]+\s*\)|;\s*\d+|:\s*[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?|\bdoi\b|https?://|\bpp?\.\s*\d", re.I)
_AUTHORISH_RE = re.compile(
    r"\*{0,2}(?:[A-Z][A-Za-z'’\-]+(?: [A-Z][a-z'’\-]+)?,? (?:[A-Z]{1,3}\b|[A-Z]\.)"
    r"|[A-Z][A-Za-z'’\-]+, [A-Z]"
    r"|[A-Z][A-Za-z'’\-]+ et al"
    r"|[A-Z]{2,}[ ,]"
    r"|[\u4e00-\u9fff]{2,5}[ ,.;、]"
    r"|[A-Z][a-z]+ [A-Z][a-z]+,)"
)
_SENTENCE_END_RE = re.compile(r"[。！？]")


def looks_like_reference(text: str) -> bool:
    """At least two of: a year, an author-like start, a type code or journal-like punctuation."""
    head = text[:400]
    score = 0
    if _YEAR_RE.search(head):
        score += 1
    if _AUTHORISH_RE.match(head.lstrip("-*+ \t")):
        score += 1
    if _TYPE_CODE_RE.search(head) or _JOURNALISH_RE.search(head):
        score += 1
    if _SENTENCE_END_RE.search(head):
        score -= 1
    return score >= 2


def is_complete(text: str) -> bool:
    """An entry that already has a year and a closing number/full stop needs no continuation."""
    return bool(_YEAR_RE.search(text)) and bool(re.search(r"[\d.)\]]\s*$", text))


def _is_tail(line: str) -> bool:
    """A line that could be the lost end of the previous entry: short, with a year or volume/pages."""
    body = re.sub(r"^[-*+•·]\s+", "", line.strip())
    if not body or len(body) > 250 or _SENTENCE_END_RE.search(body):
        return False
    if match_label(body) is not None:
        return False
    return bool(_YEAR_RE.search(body) or re.search(r"\d+\s*\(\d+\)|:\s*\d+\s*[-–]\s*\d+", body))


_STOP_RE = re.compile(
    r"^[(（]?\s*(?:收稿日期|修回日期|本文编辑|责任编辑|编辑|作者简介|通信作者|通讯作者|基金项目|致谢)"
    r"|^(?:#{1,6}\s|Acknowledg|Appendix|Supplementary|Author contributions|Conflicts? of interest"
    r"|Funding|Abbreviations|Received\b|Accepted\b|\(Received\b)",
    re.I,
)


def is_stop_line(stripped: str) -> bool:
    """Lines that close any list: editorial footers and new section headings (not a wrapped
    line that happens to begin with `appendix by …`)."""
    return not stripped[:1].islower() and bool(_STOP_RE.match(stripped))


# ---------------------------------------------------------------- entries


@dataclass
class RawEntry:
    """An entry as located in the text, before repair and parsing."""

    start: int
    """Offset of the label (or of the entry's first character when unlabelled)."""
    end: int
    n: int | None
    label: str = ""
    body_start: int = 0
    """Offset where the entry's own text begins (after label and blanks)."""
    issues: list[Issue] = field(default_factory=list)
    holes: list[tuple[int, int]] = field(default_factory=list)
    """Lines inside the entry's span that are not part of it (running headers, page numbers)."""


def entry_body(text: str, entry: RawEntry) -> str:
    """The entry's text from its body start to its end, without its holes (lines kept as lines)."""
    if not entry.holes:
        return text[entry.body_start : entry.end]
    parts: list[str] = []
    pos = entry.body_start
    for a, b in sorted(entry.holes):
        if b <= pos or a >= entry.end:
            continue
        parts.append(text[pos:a])
        pos = b
    parts.append(text[pos : entry.end])
    return "\n".join(parts)


@dataclass
class Scan:
    """Result of scanning one list body."""

    entries: list[RawEntry]
    end: int
    style: str = "unknown"
    issues: list[Issue] = field(default_factory=list)


Seg = tuple[int, int]
"""A line as (start, end) offsets into the text, without its newline."""


def line_segments(text: str) -> list[Seg]:
    """(start, end) of every line; linear."""
    segs: list[Seg] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            segs.append((pos, n))
            break
        segs.append((pos, nl))
        pos = nl + 1
    return segs


MAX_FURNITURE_RUN = 15
"""More page-furniture lines than this in a row inside a list end it."""
_MAX_NOISE_LINES = 3
_MAX_NOISE_CHARS = 300
_MAX_GAP = 3


def scan_numbered(
    text: str,
    segs: list[Seg],
    i0: int,
    first_start: int | None = None,
    *,
    first_n: int | None = None,
    stop_at: int | None = None,
    skip: Container[int] = (),
    labels: list[str] | None = None,
) -> Scan:
    """Read a numbered list from line `i0` (from offset `first_start` within it when given).

    `first_n` demands the first entry's number (used for lists found without a
    heading); `stop_at` is an offset the list may not pass (the next heading);
    `skip` holds indices of lines that belong to the page, not the text (running
    headers, page numbers): they neither end the list nor join an entry, and are
    reported as skipped. With the line classifier's `labels`, a line it reads as body text or a
    heading after a finished entry is not taken as that entry's continuation.
    """
    entries: list[RawEntry] = []
    issues: list[Issue] = []
    style: str | None = None
    blank = False
    noise: list[Seg] = []
    skipped: list[Seg] = []
    limit = len(text) if stop_at is None else stop_at
    cur_year = False
    i = i0
    while i < len(segs):
        s, e = segs[i]
        if i == i0 and first_start is not None:
            s = max(s, first_start)
        if s >= limit:
            break
        line = text[s:e]
        stripped = line.strip()
        i += 1
        if not stripped:
            blank = True
            continue
        lab = match_label(line, style) or match_label_alone(line, style)
        if i - 1 in skip and entries and not (lab is not None and _acceptable(lab.n, entries, first_n, lab.style)):
            if len(skipped) >= MAX_FURNITURE_RUN and all(h[0] > entries[-1].end for h in skipped[-MAX_FURNITURE_RUN:]):
                break  # page furniture is a few lines between pages, not a run of pages
            skipped.append((s, e))
            entries[-1].holes.append((s, e))
            continue
        if entries and is_stop_line(stripped):
            break
        if lab is not None and entries and lab.n == 1:
            break  # numbering restarts: the next list (or a numbered body list) begins
        if lab is not None and _acceptable(lab.n, entries, first_n, lab.style):
            if (noise or skipped) and entries:
                cur = entries[-1]
                cur.holes = [h for h in cur.holes if h[1] <= cur.end]
                gone = sorted(noise + [h for h in skipped if h[0] > cur.end])
                if gone:
                    issues.append(
                        Issue(
                            "skipped_lines",
                            f"{len(gone)} line(s) between entries {entries[-1].n} and {lab.n} are not part of the list",
                            before=" / ".join(text[a:b].strip() for a, b in gone)[:200],
                        )
                    )
            if entries and lab.n > (entries[-1].n or 0) + 1:
                pass  # gap handled after inline splitting
            style = lab.style
            entries.append(
                RawEntry(s + lab.start, _rstrip_end(text, s, e), lab.n, text[s + lab.start : s + lab.end], s + lab.text_start)
            )
            blank = False
            noise = []
            skipped = []
            cur_year = bool(_YEAR_RE.search(text, s + lab.text_start, e))
            continue
        if not entries:
            # before the first entry: a heading list may have a line of noise, nothing more
            noise.append((s, e))
            if len(noise) > 1:
                break
            continue
        cur = entries[-1]
        # "complete" = has a year and ends like an entry; tracked incrementally (entries can be long)
        complete = cur_year and _ENTRY_END_RE.search(text, max(cur.body_start, cur.end - 3), cur.end) is not None
        bulleted = bool(re.match(r"[-*+•·]\s+", stripped))
        alien = complete and labels is not None and i - 1 < len(labels) and labels[i - 1] in ("text", "heading", "other")
        if not noise and not blank and not alien and not (complete and _reads_as_prose(stripped)):
            if (bulleted or any(h[0] > cur.end for h in skipped)) and not complete:
                cur.issues.append(_broken(cur, stripped))
            cur.end = _rstrip_end(text, s, e)
            cur_year = cur_year or bool(_YEAR_RE.search(line))
            continue
        if not noise and blank and not complete and _is_tail(stripped):
            cur.issues.append(_broken(cur, stripped))
            cur.end = _rstrip_end(text, s, e)
            cur_year = cur_year or bool(_YEAR_RE.search(line))
            blank = False
            continue
        noise.append((s, e))
        blank = False
        if len(noise) >= _MAX_NOISE_LINES or sum(b - a for a, b in noise) > _MAX_NOISE_CHARS:
            j = _float_skipped(text, segs, i, limit, labels, style, cur.n) if labels is not None else None
            if j is None:
                break
            # a figure or table set inside the list: the next entry follows it
            noise.extend((a, b) for a, b in segs[i:j] if b > a)
            i = j
    for entry in entries:
        entry.holes = [h for h in entry.holes if h[1] <= entry.end]
    scan = Scan(entries, entries[-1].end if entries else (first_start or 0), style or "unknown", issues)
    if entries:
        split_inline(text, scan)
        _check_gaps(scan)
        split_grouped(text, scan)
    return scan


def _more_after_year(line: str) -> bool:
    """A year with a title, venue or volume after it — not a publisher line's `Berlin, 2001.`"""
    m = _YEAR_RE.search(line)
    return m is not None and (len(re.findall(r"\w+", line[m.end() :])) >= 2 or bool(_TYPE_CODE_RE.search(line)))


def split_grouped(text: str, scan: Scan) -> None:
    """Split grouped entries — one label over several references, each on its own line
    (`[6] Dąbrowski M P …, 1998 ApJ 498 67` / `Célérier M N, 2000 A&A 353 63`): a line opens a
    further reference under the same number when the line before it finished a reference
    (a year, and a number, bracket or full stop at its end) and it starts with an author and
    holds a year. The parts keep the entry's number; only the first carries the label."""
    out: list[RawEntry] = []
    for entry in scan.entries:
        cur = entry
        pos = text.find("\n", cur.body_start, cur.end)
        while pos >= 0:
            nxt = pos + 1
            line_end = text.find("\n", nxt, cur.end)
            line_end = cur.end if line_end < 0 else line_end
            line = text[nxt:line_end].strip()
            before = text[max(cur.body_start, pos - 400) : pos].rstrip()
            in_hole = any(a <= nxt < b for a, b in cur.holes)
            if (
                not in_hole
                and line
                and len(before) > 20
                and is_complete(before.rstrip(";"))
                and before[-1:] not in ",:"
                and _name_start(line)
                and _more_after_year(line)
                and has_reference_evidence(line)
            ):
                lead = len(text[nxt:line_end]) - len(text[nxt:line_end].lstrip())
                start = nxt + lead
                new = RawEntry(start, cur.end, cur.n, "", start, [], [h for h in cur.holes if h[0] >= start])
                cur.end = _rstrip_end(text, cur.start, pos)
                cur.holes = [h for h in cur.holes if h[1] <= cur.end]
                out.append(cur)
                cur = new
            pos = text.find("\n", nxt, cur.end)
        out.append(cur)
    if len(out) != len(scan.entries):
        scan.entries = out
        scan.end = out[-1].end


_FLOAT_LINES = 80


def _float_skipped(
    text: str, segs: list[Seg], i: int, limit: int, labels: list[str], style: str | None, n: int | None
) -> int | None:
    """After too much noise, the line (within `_FLOAT_LINES`) carrying exactly the next number that the
    classifier reads as a reference line — the list goes on after a float — or None: the list ended."""
    if n is None:
        return None
    for j in range(i, min(i + _FLOAT_LINES, len(segs))):
        s, e = segs[j]
        if s >= limit:
            return None
        line = text[s : min(e, s + 300)]
        lab = match_label(line, style) or match_label_alone(line, style)
        if lab is not None:
            if lab.n == n + 1 and labels[j] == "ref":
                return j
            return None
        if is_stop_line(line.strip()):
            return None
    return None


def _acceptable(n: int, entries: list[RawEntry], first_n: int | None, style: str = "") -> bool:
    if not entries:
        return n == first_n if first_n is not None else (n == 1 if style == "bare" else 1 <= n <= 5)
    prev = entries[-1].n or 0
    return prev < n <= prev + _MAX_GAP


_ENTRY_END_RE = re.compile(r"[\d.)\]]\s*$")


def _reads_as_prose(line: str) -> bool:
    """After a complete entry, a line of prose (not a wrapped tail) ends the list."""
    return bool(_SENTENCE_END_RE.search(line)) or (len(line) > 200 and not _YEAR_RE.search(line))


def _broken(cur: RawEntry, line: str) -> Issue:
    return Issue(
        "broken_entry",
        f"entry {cur.label or cur.n} was broken across lines or pages; its continuation was joined to it",
        before=line[:120],
    )


def _rstrip_end(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] in " \t\r":
        e -= 1
    return e


# ---------------------------------------------------------------- inline splitting


def split_inline(text: str, scan: Scan) -> None:
    """Split entries where the next expected label is glued inside an entry (in place)."""
    if scan.style not in _LABEL_STYLES:
        return
    out: list[RawEntry] = []
    entries = scan.entries
    for idx, entry in enumerate(entries):
        nxt_n = entries[idx + 1].n if idx + 1 < len(entries) else None
        cur = entry
        while cur.n is not None and (nxt_n is None or nxt_n > cur.n + 1):
            want = cur.n + 1
            m = find_inline_label(text, scan.style, want, cur.body_start, cur.end)
            if m is None:
                break
            cut = m.start()
            before = text[cur.body_start : cut].rstrip()
            if not before:
                break
            new_body = m.end()
            while new_body < cur.end and text[new_body] in " \t":
                new_body += 1
            new = RawEntry(cut, cur.end, want, text[cut : m.end()].rstrip(), new_body)
            cur.end = _rstrip_end(text, cur.start, cut)
            if _damaged_join(before):
                lost = " (its last page was lost)" if before[-1:] in "-–—" else ""
                msg = f"entries {cur.n} and {want} were merged in the text; split at label {new.label!r}{lost}"
                ctx = text[max(cur.body_start, cut - 30) : min(new.end, m.end() + 30)]
                cur.issues.append(Issue("merged_entries", msg, before=ctx, confidence=0.9))
                new.issues.append(Issue("merged_entries", msg, before=ctx, confidence=0.9))
            out.append(cur)
            cur = new
        out.append(cur)
    scan.entries = out
    scan.end = out[-1].end if out else scan.end


def _damaged_join(before: str) -> bool:
    """Entries run together normally end with a full stop, a number, a bracket or a URL;
    text cut inside a field (a dangling dash, comma, colon...) means damage glued them."""
    return before[-1:] in "-–—,;:(&/"


def _check_gaps(scan: Scan) -> None:
    prev: int | None = None
    for e in scan.entries:
        if prev is not None and e.n is not None and e.n > prev + 1:
            missing = ", ".join(str(k) for k in range(prev + 1, e.n))
            scan.issues.append(Issue("numbering_gap", f"no entry numbered {missing} (between {prev} and {e.n})"))
        if e.n is not None:
            prev = e.n


# ---------------------------------------------------------------- unnumbered lists


def scan_unnumbered(text: str, segs: list[Seg], i0: int, first_start: int | None = None, *, stop_at: int | None = None) -> Scan:
    """Read an author–year list: one entry per line or paragraph, hanging indents continue."""
    entries: list[RawEntry] = []
    blank = False
    limit = len(text) if stop_at is None else stop_at
    prev_line = ""
    i = i0
    while i < len(segs):
        s, e = segs[i]
        if i == i0 and first_start is not None:
            s = max(s, first_start)
        if s >= limit:
            break
        line = text[s:e]
        stripped = line.strip()
        i += 1
        if not stripped:
            blank = True
            continue
        if is_stop_line(stripped):
            break
        indented = line[:1] in " \t"
        if match_label(line) is not None and entries and not indented:
            break  # a numbered list begins (an indented "(2007). Title" continues an entry)
        lead = len(line) - len(line.lstrip(" \t-*+•·"))
        head = _paragraph(text, segs, i - 1, limit) if blank or not entries else stripped
        starts_entry = (
            not entries
            or (blank and looks_like_reference(head))
            or (
                not indented
                and bool(_AUTHORISH_RE.match(stripped.lstrip("-*+•· ")))
                and bool(re.search(r"[.)\]\d]\s*$", prev_line))
                and looks_like_reference(stripped)
            )
        )
        if starts_entry:
            if not looks_like_reference(head):
                break
            entries.append(RawEntry(s + lead, _rstrip_end(text, s, e), None, "", s + lead))
        elif blank:
            break  # a paragraph that is not a reference ends the list
        else:
            entries[-1].end = _rstrip_end(text, s, e)
        blank = False
        prev_line = stripped
    for k, entry in enumerate(entries, 1):
        entry.n = k
    return Scan(entries, entries[-1].end if entries else (first_start or 0), "unnumbered", [])


def _paragraph(text: str, segs: list[Seg], i: int, limit: int) -> str:
    """The line `segs[i]` and the lines after it up to a blank line (400 characters at most):
    an entry after a blank line may have no year on its first line (a long author list)."""
    parts: list[str] = []
    size = 0
    while i < len(segs) and size < 400:
        s, e = segs[i]
        line = text[s:min(e, limit)].strip()
        if not line or s >= limit:
            break
        parts.append(line)
        size += len(line) + 1
        i += 1
    return " ".join(parts)


def entry_text(raw_body: str) -> str:
    """Join an entry's lines into one string: bullets on continuation lines dropped,
    a hyphen at a line end kept glued (repair decides on it), CJK lines joined without a space."""
    parts = [p.strip() for p in raw_body.split("\n")]
    out = ""
    for p in parts:
        if not p:
            continue
        p = re.sub(r"^[-*+•·]\s+", "", p) if out else p
        if not out:
            out = p
        elif out.endswith("-") and out[-2:-1].isalpha() and p[:1].isalpha():
            out += p
        elif _is_cjk(out[-1]) and _is_cjk(p[0]):
            out += p
        else:
            out += " " + p
    return out


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


# ---------------------------------------------------------------- unnumbered lists read with line labels

_VENUE_WORDS = (
    r"(?:Journal|Proc|Mon|Phys|Rev|Ann|Acta|Trans|Bull|Lett|Nature|Science|Springer|Cambridge|Oxford"
    r"|Academic|Elsevier|Wiley|Press|University|Univ|IEEE|ACM|In\b|Eds?\b)"
)
_GIVEN_FAMILY = r"(?:[A-Z][\w'’\-]*\.?\s){1,3}(?:(?:van|von|de|da|del|der|di|du|le|la)\s)*[A-Z][\w'’\-]+"
_FAMILY_INITIALS = r"(?:(?:van|von|de|der|den|la|le|du)\s)*[A-Z][\w'’\-]+\s[A-Z]{1,3}"
_STRONG_NAME_RE = re.compile(
    r"(?:(?:van|von|de|da|del|der|di|du|le|la|den|ten|ter)\s)*[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?,\s?[A-Z]\.(?:\s?-?[A-Z]\.)*[,\s]"
    r"|(?:[-—–_]{2,}|―+)\s*[.,]?\s"  # `——. 1924.`: the same authors as the entry above
    # two full names: `Eric Arazo, Diego Ortego,` / `Benoît Frénay and Michel Verleysen.`
    r"|" + _GIVEN_FAMILY + r"(?:,|,?\sand)\s" + _GIVEN_FAMILY + r"[,.\s]"
    # two Vancouver names `Landgraf R, Frank E,`; MNRAS `Di Cintio A., Brook C. B.,` / `Zitrin A. et al.,`
    r"|" + _FAMILY_INITIALS + r",\s" + _FAMILY_INITIALS + r"[,\s]"
    r"|[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?\s(?:[A-Z]\.\s?)+(?:,|et\sal)"
)
_NAME_START_RE = re.compile(
    r"(?:(?:[-—–_]{2,}|―+)\s*[.,]?\s)?"
    r"(?:(?:van|von|de|da|del|der|di|du|le|la|den|ten|ter)\s)*"
    r"(?:[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?,\s?(?:[A-Z]\.|[A-Z][a-z]+|[A-Z]{1,3}\b)"  # Family, I. / Family, Given
    r"|[A-Z][\w'’\-]+\s[A-Z]{1,3}(?:[,.\s]|$)"  # Family IJ
    r"|[A-Z][A-Z'’\-]{2,}[\s,]"  # FAMILY
    r"|(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)[A-Z][a-z]"  # I. Family
    # a short name without digits before (2019): `Kapteyn Astronomical Institute. (1992)` — not a venue
    # line (`Journal of Finance 52 (1997)`, `Springer, Berlin (2009)`) nor a wrapped `SA, Unger EK (2013)`
    r"|(?!" + _VENUE_WORDS + r")[A-Z][a-z][\w'’\-]*[^()\n\d]{0,70}?\((?:1[6-9]|20)\d\d[a-z]?[),]"
    r"|[A-Z][a-z]+(?:\s(?:[A-Z]\.\s?)*[A-Z][\w'’\-]+){1,3}(?:,|\sand\s|\s&|\.\s(?:1[6-9]|20)\d\d)"  # Given Family,
    r"|[\u4e00-\u9fff]{2,4}(?:[,，、.．\s]|等))"
)
_AUTHOR_YEAR_HEAD_RE = re.compile(r"\((?:1[6-9]|20)\d\d[a-z]?\)|[.,]\s(?:1[6-9]|20)\d\d[a-z]?[.,:]")
_AUTHOR_LIST_END_RE = re.compile(r"(?:^|[\s,])[A-Z][\w'’\-]+,?\s(?:[A-Z]\.\s?)+$|(?:^|[\s,])[A-Z][\w'’\-]+,(?:[A-Z]\.)+$")
"""A line ending `…, Simonis, J.`: an author list that wraps, not a finished entry."""
_OPEN_END_RE = re.compile(
    r"(?:[,;:\-–&(…]|\.\.\.|\band|\bof|\bin|\bthe|\bfor|\bet|\bwith|\bvan|\bvon|\bde|\bder|\bden|\bla|\ble|\bdu)\s*$",
    re.I,
)
_ENDS_ENTRY_RE = re.compile(r"(?:[.)\]\d。]|\S*[/.]\S*[\w/])\s*$")


def _name_start(stripped: str) -> bool:
    return bool(_NAME_START_RE.match(stripped))


def _ends_entry(stripped: str, width: int = 0) -> bool:
    """Does a line end an entry: a full stop, number, bracket or URL/DOI at its end, or (with the
    list's usual line `width`) a line well short of it — and no comma, dash or `and` left open."""
    if _OPEN_END_RE.search(stripped):
        return False
    return bool(_ENDS_ENTRY_RE.search(stripped)) or (width > 0 and len(stripped) < 0.6 * width)


def _year_near(text: str, rows: list[tuple[int, int, bool, int]], k: int) -> bool:
    """A year on row `k`, on the row after it, or — while the rows end open (an author list
    wrapping: `Head, Tim, Holdgraf, Chris,`) — on the row after those."""
    j = k
    while j < len(rows) and j <= k + 3:
        a, b = rows[j][0], rows[j][1]
        if _YEAR_RE.search(text, a, b):
            return True
        if j > k and not _OPEN_END_RE.search(text, a, b):
            return False
        j += 1
    return False


def _lines_from(text: str, segs: list[Seg], i: int, k: int) -> str:
    """Line `i` and up to `k - 1` non-blank lines after it, joined (each cut at 300 characters)."""
    out: list[str] = []
    while i < len(segs) and len(out) < k:
        s, e = segs[i]
        line = text[s : min(e, s + 300)].strip()
        if line:
            out.append(line)
        i += 1
    return " ".join(out)


def has_reference_evidence(text: str) -> bool:
    """A joined entry with a year and one more sign of a reference (lenient about missing spaces)."""
    head = text[:600]
    if not _YEAR_RE.search(head):
        return bool(_TYPE_CODE_RE.search(head)) and bool(_JOURNALISH_RE.search(head))
    return bool(
        _name_start(head)
        or _AUTHORISH_RE.match(head)
        or _TYPE_CODE_RE.search(head)
        or _JOURNALISH_RE.search(head)
        or re.search(r"[“”\"]|\bIn\b|Press|Journal|Proc|Univ|\bet al", head)
    )


def rule_start(line: str, prev: str, name: bool, year_near: bool, width: int) -> bool:
    """Does `line` (no blank line before it, no hanging indent) start a new author–year entry
    after `prev`? `name`: it starts like an author; `year_near`: a year on it or just after."""
    strong = bool(_STRONG_NAME_RE.match(line))
    if (strong or (name and year_near)) and _ends_entry(prev, width) and not _AUTHOR_LIST_END_RE.search(prev):
        return True
    if name and _AUTHOR_YEAR_HEAD_RE.search(line, 0, 120):
        # `Arakawa H, Blanchard DC (2008b) …` after `… CrossRef Medline`: the authors and
        # the year say an entry starts even when the line before ends without a stop
        return not _OPEN_END_RE.search(prev) and not _AUTHOR_LIST_END_RE.search(prev)
    return False


def start_evidence(line: str, prev: str, width: int) -> list[str]:
    """The rules' evidence for an entry start at `line` after `prev`, as features for a learned model."""
    f = []
    if _name_start(line):
        f.append("name")
    if _STRONG_NAME_RE.match(line):
        f.append("strong")
    if _AUTHOR_YEAR_HEAD_RE.search(line, 0, 120):
        f.append("ayhead")
    if _YEAR_RE.search(line, 0, 60):
        f.append("year60")
    if _ends_entry(prev, width):
        f.append("pend")
    if _OPEN_END_RE.search(prev):
        f.append("popen")
    if _AUTHOR_LIST_END_RE.search(prev):
        f.append("palist")
    if ALPHA_LABEL_RE.match(line):
        f.append("alpha")
    if width:
        f.append(f"plen={min(int(len(prev) / width * 5), 6)}")
        f.append(f"len={min(int(len(line) / width * 5), 6)}")
    f.append(f"pyr={1 if _YEAR_RE.search(prev) else 0}")
    return f


def scan_labelled(
    text: str,
    segs: list[Seg],
    i0: int,
    labels: list[str],
    first_start: int | None = None,
    *,
    stop_at: int | None = None,
    skip: Container[int] = (),
    require_start: bool = False,
) -> Scan:
    """Read an unnumbered list whose extent the line classifier decides (`labels`, one per line).

    The list runs over lines labelled `ref`; lines in `skip` (running headers, page
    numbers) are holes; a line of another label ends it, unless the rules see it
    continuing an unfinished entry and the classifier's `ref` lines resume right after.
    An entry starts at the first line; after a blank line at an author-like start or
    after a finished entry; at an author-like start after a line that ends an entry;
    never at a line indented deeper than the list's entries when the list uses
    hanging indents.
    """
    limit = len(text) if stop_at is None else stop_at
    rows: list[tuple[int, int, bool, int]] = []  # (start, end, blank before, indent)
    holes: list[Seg] = []
    blank = False
    i = i0
    n = len(segs)

    def next_content(j: int) -> int | None:
        while j < n and (j in skip or not text[segs[j][0] : segs[j][1]].strip()):
            j += 1
        return j if j < n and segs[j][0] < limit else None

    while i < n:
        s, e = segs[i]
        if i == i0 and first_start is not None:
            s = max(s, first_start)
        if s >= limit:
            break
        line = text[s:e]
        stripped = line.strip()
        i += 1
        if not stripped:
            blank = True
            continue
        if i - 1 in skip:
            if rows:
                if len(holes) >= MAX_FURNITURE_RUN and all(
                    h[0] > rows[-1][1] for h in holes[-MAX_FURNITURE_RUN:]
                ):
                    break  # page furniture is a few lines between pages, not a run of pages
                holes.append((s, e))
            continue
        if is_stop_line(stripped):
            break
        if rows:
            numbered = match_label(line)
            if numbered is not None and numbered.n == 1:  # a numbered list begins (`(2007).` or `(200),` wrap)
                break
        elif not (
            _name_start(stripped)
            or ALPHA_LABEL_RE.match(stripped)
            or (stripped[:1].isupper() and has_reference_evidence(_lines_from(text, segs, i - 1, 3)))
        ):
            break  # the first line must open an entry
        lab = labels[i - 1] if i - 1 < len(labels) else "text"
        if lab != "ref":
            if not rows:
                if require_start or not has_reference_evidence(stripped):
                    break
            else:
                prev = text[rows[-1][0] : rows[-1][1]].strip()
                j = next_content(i)
                resumes = j is not None and labels[j] == "ref"
                continues = not blank and not _ends_entry(prev) and len(stripped) < 300
                if not (resumes and (continues or has_reference_evidence(stripped))):
                    break
        indent = len(line) - len(line.lstrip(" \t"))
        rows.append((s + indent, _rstrip_end(text, s, e), blank, indent))
        blank = False
    if not rows:
        return Scan([], first_start or 0, "unnumbered", [])
    alpha = bool(ALPHA_LABEL_RE.match(text, rows[0][0]))
    lengths = sorted(e - s for s, e, _, _ in rows)
    width = lengths[int(len(lengths) * 0.8)] if len(rows) >= 5 else 0
    base = min(r[3] for r in rows)
    deeper = sum(1 for r in rows if r[3] > base + 1)
    hanging = deeper >= 1 and deeper * 5 >= len(rows) and rows[0][3] <= base + 1
    entries: list[RawEntry] = []
    for k, (s, e, blank_before, indent) in enumerate(rows):
        stripped = text[s:e]
        if entries:
            prev = text[rows[k - 1][0] : rows[k - 1][1]]
            name = _name_start(stripped)
            year_near = _year_near(text, rows, k)
            if alpha:
                start = bool(ALPHA_LABEL_RE.match(stripped))
            elif hanging and indent > base + 1:
                start = False
            elif blank_before:
                start = name or _ends_entry(prev, width)
            else:
                start = rule_start(stripped, prev, name, year_near, width)
        else:
            start = True
        if start:
            m = ALPHA_LABEL_RE.match(stripped) if alpha else None
            if m is not None:
                entries.append(RawEntry(s, e, None, m.group(1), s + m.end()))
            else:
                entries.append(RawEntry(s, e, None, "", s))
        else:
            entries[-1].end = e
    k = 0
    for a, b in holes:  # both in text order: one merge pass
        while k < len(entries) and entries[k].end < b:
            k += 1
        if k < len(entries) and entries[k].start < a:
            entries[k].holes.append((a, b))
    # a trailing entry without reference evidence is text read past the list's end
    while entries and not has_reference_evidence(entry_text(entry_body(text, entries[-1]))):
        entries.pop()
    for k, entry in enumerate(entries, 1):
        entry.n = k
    return Scan(entries, entries[-1].end if entries else (first_start or 0), "unnumbered", [])
