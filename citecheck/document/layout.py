"""Reading order from character boxes: words, lines, columns, running headers, hyphens, superscripts.

Pure functions over `Char` boxes (no PDF library here), so every rule can be tested on
boxes we make up. The pipeline, per page and then per document:

1. `runs_from_chars`: characters (in content-stream order) to runs — a word, or the part
   of one in a single size and baseline. A run ends at a space character, a jump back,
   a baseline or size change, or a gap over `WORD_GAP` em. Ligatures split by pdfium
   and spacing accents drawn over a letter (TeX's `C´elerier`) are put back together.
2. `group_rows`: runs to rows by vertical overlap of their size-derived boxes (a raised,
   smaller superscript still overlaps its line; the next line does not; two lines of
   one column never share a row, even beside a tall heading in the other column).
3. `drop_running`: rows repeated at the same height on other pages (running headers and
   footers, digits folded) and bare page numbers, peeled off the top and bottom of a
   page across a gap wider than a line.
4. `columns`: a gutter is a vertical band of white in the middle 60 % of the text area,
   at least 1 em wide, with 4 consecutive rows side by side somewhere and the right
   column's lines starting at one x. Rows that cross it (title, abstract, a full-width
   caption) form one-column bands; between them the left column's rows are read, then
   the right column's; each side is searched again (3 columns). A table of aligned
   columns passes as columns too and is read column by column.
5. `region_lines`: the rows of one column piece as `Line`s with two layout hints:
   `indent` (starts ≥ `INDENT_EM` right of the piece's left edge) and `blank_before`
   (baseline step over `BLANK_STEP` × the piece's usual line pitch, in line heights).
   Numeric superscripts are written as Unicode superscript digits.
6. `join_hyphens` and `render`: line-end hyphens joined where certain, text written out.

The text convention for the stages after this one is in `citecheck.document.pdf`.
"""

from __future__ import annotations

import bisect
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

WORD_GAP = 0.12
"""A gap wider than this many em between two glyphs is a word space. Measured on the sample
PDFs with advance-based (loose) glyph boxes: gaps inside words stay under 0.1 em, word spaces
are 0.15 em and up (pdfium's and pdfminer's own space guesses glued words in some files)."""

INDENT_EM = 0.8
BLANK_STEP = 1.3
ROW_OVERLAP = 0.5
ROW_LOOKBACK = 6
SUP_SHRINK = 0.9
SUP_RAISE = 0.15
INDENT = "    "
"""Written before a line that is indented within its column (a hanging-indent continuation)."""


@dataclass(slots=True)
class Char:
    """One glyph: its text, advance box in x, baseline (y grows downwards) and size in points."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float


@dataclass(slots=True)
class Run:
    """Glyphs of one word in one size and baseline; `space_before` when a space character preceded it."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    space_before: bool = False

    @property
    def top(self) -> float:
        return self.baseline - 0.75 * self.size

    @property
    def bottom(self) -> float:
        return self.baseline + 0.25 * self.size

    @property
    def center(self) -> float:
        return self.baseline - 0.25 * self.size


@dataclass(slots=True)
class Line:
    """One line of one column piece, runs in x order, with the layout hints for the next stage."""

    runs: list[Run]
    size: float
    baseline: float
    text: str = ""
    indent: bool = False
    blank_before: bool = False

    @property
    def x0(self) -> float:
        return self.runs[0].x0

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)


@dataclass(slots=True)
class Page:
    """A page's runs after running headers are removed, and its lines in reading order."""

    runs: list[Run]
    lines: list[Line] = field(default_factory=list)


# ---------------------------------------------------------------- characters to runs


_ACCENTS = {"\u00b4": "\u0301", "\u00a8": "\u0308", "\u02c6": "\u0302", "\u02dc": "\u0303", "\u00b8": "\u0327",
            "\u02c7": "\u030c", "\u02d8": "\u0306", "\u02d9": "\u0307", "\u02da": "\u030a", "\u00af": "\u0304",
            "\u02dd": "\u030b"}
"""Spacing accents that TeX (and others) draw as a glyph of their own over a letter."""


def merge_accents(chars: Iterable[Char]) -> list[Char]:
    """A spacing accent drawn over a letter (`C´elerier`, before or after it) becomes that letter's accent (`Célerier`)."""
    out: list[Char] = []
    for ch in chars:
        prev = out[-1] if out else None
        if ch.text in _ACCENTS and prev is not None and _over(ch, prev):
            prev.text = _compose(prev.text, ch.text)
            continue
        if prev is not None and prev.text in _ACCENTS and ch.text.isalpha() and _over(prev, ch):
            out[-1] = Char(_compose(ch.text, prev.text), ch.x0, ch.x1, ch.baseline, ch.size)
            continue
        out.append(ch)
    return out


def _over(accent: Char, letter: Char) -> bool:
    mid = (accent.x0 + accent.x1) / 2
    return (letter.text.isalpha() and letter.x0 <= mid <= letter.x1
            and abs(accent.baseline - letter.baseline) < 0.6 * letter.size)


def _compose(letter: str, accent: str) -> str:
    base = {"\u0131": "i", "\u0237": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + _ACCENTS[accent])


def runs_from_chars(chars: Iterable[Char]) -> list[Run]:
    """Characters in stream order to runs.

    pdfium splits a ligature glyph (ﬃ) into its letters, all with the glyph's box: a
    character with exactly the previous one's box extends the run. A glyph drawn again a
    hair to the side (fake bold) is kept once.
    """
    runs: list[Run] = []
    cur: Run | None = None
    space = False
    last: Char | None = None
    for ch in merge_accents(chars):
        if not ch.text or ch.text.isspace():
            space = True
            cur = None
            continue
        if cur is not None and last is not None:
            if abs(ch.x0 - last.x0) < 0.01 and abs(ch.x1 - last.x1) < 0.01 and ch.baseline == last.baseline:
                cur.text += ch.text
                continue
            if ch.text == last.text and abs(ch.x0 - last.x0) < 0.1 * ch.size:
                continue
        if cur is not None and _continues(cur, ch):
            cur.text += ch.text
            cur.x1 = max(cur.x1, ch.x1)
        else:
            cur = Run(ch.text, ch.x0, ch.x1, ch.baseline, ch.size, space)
            runs.append(cur)
        space = False
        last = ch
    return runs


def _continues(run: Run, ch: Char) -> bool:
    size = run.size
    gap = ch.x0 - run.x1
    return (
        abs(ch.baseline - run.baseline) <= 0.1 * size
        and abs(ch.size - size) <= 0.1 * size
        and -0.3 * size <= gap <= WORD_GAP * size
    )


# ---------------------------------------------------------------- rows


def group_rows(runs: Sequence[Run]) -> list[list[Run]]:
    """Runs to rows (top to bottom, each in x order).

    A run joins the recent row whose largest run it overlaps most in height — unless it
    would sit on top of a run already there, which happens when a large heading in one
    column overlaps two lines of small print in the other.
    """
    rows: list[list[Run]] = []
    refs: list[Run] = []
    xs: list[list[tuple[float, float, float, float]]] = []
    for run in sorted(runs, key=lambda r: (r.center, r.x0)):
        best, best_ov = -1, 0.0
        for k in range(len(rows) - 1, max(-1, len(rows) - 1 - ROW_LOOKBACK), -1):
            ov = _overlap(refs[k], run)
            if ov < ROW_OVERLAP * min(refs[k].size, run.size) or ov <= best_ov:
                continue
            if run.size >= SUP_SHRINK * refs[k].size and _collides(xs[k], run):  # stacked H₀² never collide
                continue
            best, best_ov = k, ov
        if best < 0:
            rows.append([run])
            refs.append(run)
            xs.append([(run.x0, run.x1, run.size, run.baseline)])
            continue
        rows[best].append(run)
        bisect.insort(xs[best], (run.x0, run.x1, run.size, run.baseline))
        if run.size > refs[best].size:
            refs[best] = run
    for row in rows:
        row.sort(key=lambda r: r.x0)
    return rows


def _collides(spans: list[tuple[float, float, float, float]], run: Run) -> bool:
    """Does `run` overlap in x (beyond kerning) a span of this sorted list?"""
    tol = 0.15 * run.size
    i = bisect.bisect_left(spans, (run.x0, run.x1, 0.0, 0.0))
    if i > 0 and spans[i - 1][1] > run.x0 + tol and _other_line(spans[i - 1], run):
        return True
    return i < len(spans) and spans[i][0] < run.x1 - tol and _other_line(spans[i], run)


def _other_line(span: tuple[float, float, float, float], run: Run) -> bool:
    """Two runs of similar size half a line or more apart: two lines, not a letter of a logo (LaTeX's raised A)."""
    size = span[2]
    return 0.8 * size <= run.size <= 1.25 * size and abs(span[3] - run.baseline) > 0.4 * size


def _overlap(a: Run, b: Run) -> float:
    return min(a.bottom, b.bottom) - max(a.top, b.top)


def row_text(row: Sequence[Run]) -> str:
    return " ".join(r.text for r in row)


# ---------------------------------------------------------------- running headers, footers, page numbers

_PAGE_NUMBER_RE = re.compile(
    r"(?:page|p\.|seite|第)?\s*[-–—(]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)]?\s*(?:(?:of|/|页|頁)\s*\d{0,4})?\s*(?:页|頁)?",
    re.IGNORECASE,
)
EDGE_ROWS = 2
RUNNING_GAP = 1.2
MIN_ROWS = 6
"""How many rows at the top and at the bottom of a page can be running headers, footers or page numbers."""


def _running_key(row: Sequence[Run]) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", row_text(row).casefold()))


def drop_running(pages: list[list[Run]]) -> tuple[list[list[Run]], int]:
    """Pages' runs without running headers/footers and page numbers; and how many rows went.

    Up to `EDGE_ROWS` rows are peeled off the top and off the bottom of a page when each
    is either a bare page number ("12", "- 12 -", "iv", "Page 3 of 9") or stands, with
    the same text (digits folded, so "Page 3" matches "Page 4"), within 3 pt of the same
    height on another page — and when a gap of `RUNNING_GAP` line pitches or more parts
    them from the body (the document's median line pitch). Running headers are only looked for on pages of `MIN_ROWS`
    rows or more, so a document of identical short pages keeps its text.
    """
    rows_of = [group_rows(runs) for runs in pages]
    seen: dict[tuple[str, int], set[int]] = defaultdict(set)  # (text, height in 3-pt steps) -> pages
    for p, rows in enumerate(rows_of):
        for row in rows[:EDGE_ROWS] + rows[max(EDGE_ROWS, len(rows) - EDGE_ROWS):]:
            seen[_running_key(row), round(row[0].baseline / 3.0)].add(p)

    def running(p: int, row: list[Run], many: bool) -> bool:
        if _PAGE_NUMBER_RE.fullmatch(row_text(row).strip()):
            return True
        base = row[0].baseline
        key, step = _running_key(row), round(base / 3.0)
        return many and any(seen.get((key, step + d), set()) - {p} for d in (-1, 0, 1))

    steps = [b[0].baseline - a[0].baseline for rows in rows_of for a, b in pairwise(rows)]
    usual = [s for s in steps if s > 0]
    pitch = statistics.median(usual) if usual else 12.0  # the document's line pitch: a table page has none of its own
    dropped = 0
    out: list[list[Run]] = []
    for p, rows in enumerate(rows_of):
        gone: set[int] = set()
        if len(rows) >= 3:
            many = len(rows) >= MIN_ROWS
            for order in (rows, rows[::-1]):
                cut = 0
                for k in range(min(EDGE_ROWS, len(order) - 1)):
                    if not running(p, order[k], many):
                        break
                    if abs(order[k + 1][0].baseline - order[k][0].baseline) >= RUNNING_GAP * pitch:
                        cut = k + 1
                for row in order[:cut]:
                    gone.update(id(r) for r in row)
                dropped += cut
        out.append([r for r in pages[p] if id(r) not in gone] if gone else list(pages[p]))
    return out, dropped


# ---------------------------------------------------------------- columns


def _em(runs: Sequence[Run]) -> float:
    sizes = Counter(round(r.size, 1) for r in runs for _ in range(min(len(r.text), 20)))
    return sizes.most_common(1)[0][0] if sizes else 10.0


def find_gutter(rows: Sequence[Sequence[Run]]) -> tuple[float, float] | None:
    """The white band between two columns, as (x of the left column's right edge, x of the right column's left edge).

    Candidates are the least-covered x in the middle 60 % of the text width; the band is
    accepted when, somewhere, 4 consecutive rows stay clear of it with text on both sides
    (3 rows or more each), the right parts mostly start at one x (a column's aligned left
    margin, see `_column_edge`), and the band is at least 1 em wide (journal gutters are
    1.2–3 em). Plain prose fails the alignment test; a numbered list's label column lies
    outside the middle; a table of aligned columns does pass, and is read column by column.
    """
    runs = [r for row in rows for r in row]
    if len(rows) < 4 or not runs:
        return None
    xmin = min(r.x0 for r in runs)
    xmax = max(r.x1 for r in runs)
    width = xmax - xmin
    if width < 100:
        return None
    em = _em(runs)
    unit = max(1.0, width / 4000)  # 1-pt bins; coarser on an absurdly wide page so the histogram stays small
    nb = int(width / unit) + 2
    diff = [0] * (nb + 1)
    for r in runs:
        diff[max(0, int((r.x0 - xmin) / unit))] += 1
        diff[min(nb, int((r.x1 - xmin) / unit) + 1)] -= 1
    cov: list[int] = []
    acc = 0
    for d in diff[:nb]:
        acc += d
        cov.append(acc)
    lo, hi = int(0.2 * width / unit), int(0.8 * width / unit)
    low = min(cov[lo:hi])
    best: tuple[int, int] | None = None
    start = None
    for x in range(lo, hi + 1):
        if x < hi and cov[x] <= low:
            start = x if start is None else start
        elif start is not None:
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
            start = None
    if best is None:
        return None
    mid = xmin + unit * (best[0] + best[1]) / 2
    lefts: list[float] = []
    starts: list[float] = []
    streak = [0, 0, 0]  # consecutive rows clear of `mid`: how many, with text on the left, on the right
    side_by_side = False
    for row in rows:
        if any(r.x0 < mid < r.x1 for r in row):
            streak = [0, 0, 0]
            continue
        left = [r.x1 for r in row if r.x1 <= mid]
        right = [r.x0 for r in row if r.x0 >= mid]
        if left:
            lefts.append(max(left))
        if right:
            starts.append(min(right))
        streak = [streak[0] + 1, streak[1] + bool(left), streak[2] + bool(right)]
        side_by_side = side_by_side or (streak[0] >= 4 and streak[1] >= 3 and streak[2] >= 3)
    if not side_by_side or not lefts:
        return None  # a few prose lines whose word gaps happen to line up are no columns
    right_edge = _column_edge(starts, em)
    if right_edge is None:
        return None
    lefts.sort()
    left_edge = lefts[int(0.9 * (len(lefts) - 1))]  # a title line whose word gap falls on the gutter is no column
    if right_edge - left_edge < 1.0 * em:
        return None
    return left_edge, right_edge


def _column_edge(starts: Sequence[float], em: float) -> float | None:
    """The left margin of a column from where its lines start: the leftmost x shared by at least 10 % of them.

    Accepted only when most lines (≥ 40 %) start there or at the most common indent
    within 4 em of it — the label and continuation lines of a hanging-indent list, or
    paragraphs with their first-line indent. Prose cut at a random x has no such edge.
    """
    counts = Counter(round(x) for x in starts)
    near = {x: sum(counts.get(x + d, 0) for d in (-1, 0, 1)) for x in counts}
    n = len(starts)
    edges = [x for x in sorted(near) if near[x] >= max(2, 0.1 * n)]
    if not edges:
        return None
    edge = edges[0]
    common = max(near, key=lambda x: (near[x], -x))
    aligned = near[edge] + (near[common] if 1 < common - edge <= 4 * em + 1 else 0)
    if aligned < max(3, 0.4 * n):
        return None
    return min(x for x in starts if abs(x - edge) <= 1.5)


def _crosses(row: Sequence[Run], g0: float, g1: float) -> bool:
    """Does this row run across the gutter (a spanning title or caption) rather than sit in the columns?

    A row whose words leave a gap wider than a word space (0.6 em) within the gutter is
    two column lines, even when the left one is set too long (an overfull `\\section,`).
    Otherwise it crosses when text reaches the middle half of the gutter.
    """
    for prev, run in pairwise(row):
        if run.x0 - prev.x1 >= 0.6 * min(run.size, prev.size) and prev.x1 < g1 and run.x0 > g0:
            return False
    mid, quarter = (g0 + g1) / 2, (g1 - g0) / 4
    return any(r.x0 < mid + quarter and r.x1 > mid - quarter for r in row)


def columns(runs: Sequence[Run], depth: int = 0) -> list[list[Run]]:
    """Runs of a page (or a column of it) split into pieces in reading order.

    Bands of rows that cross the gutter are read as one piece; between them, the left
    column's rows, then the right column's (each searched again for a gutter of its own).
    """
    rows = group_rows(runs)
    gutter = find_gutter(rows) if depth < 3 else None
    if gutter is None:
        return [list(runs)] if runs else []
    g0, g1 = gutter
    mid = (g0 + g1) / 2
    pieces: list[list[Run]] = []
    band: list[list[Run]] = []
    band_crosses: bool | None = None

    def flush() -> None:
        if not band:
            return
        if band_crosses:
            pieces.append([r for row in band for r in row])
        else:
            left = [r for row in band for r in row if (r.x0 + r.x1) / 2 < mid]
            right = [r for row in band for r in row if (r.x0 + r.x1) / 2 >= mid]
            pieces.extend(columns(left, depth + 1))
            pieces.extend(columns(right, depth + 1))

    for row in rows:
        crosses = _crosses(row, g0, g1)
        if crosses != band_crosses:
            flush()
            band = []
            band_crosses = crosses
        band.append(row)
    flush()
    return pieces


# ---------------------------------------------------------------- lines and their hints

_SUP_MAP = str.maketrans("0123456789-–−‐", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁻⁻")
_SUP_NUMERIC_RE = re.compile(r"\d{1,4}(?:[,\-–−‐]\d{1,4}){0,30},?")
_SUP_BRACKET_RE = re.compile(r"\[\d{1,4}(?:[,\-–−‐]\s?\d{1,4}){0,30}\]")


def make_line(row: list[Run]) -> Line:
    """A row as a Line: its main size (most glyphs) and that size's baseline; text rendered."""
    sizes: Counter[float] = Counter()
    for r in row:
        sizes[round(r.size, 1)] += len(r.text)
    size = sizes.most_common(1)[0][0]
    base = statistics.median(r.baseline for r in row if abs(r.size - size) <= 0.1 * size)
    line = Line(row, size, base)
    line.text = render_runs(line)
    return line


def is_superscript(run: Run, line: Line) -> bool:
    """Smaller than the line's text and raised above its baseline."""
    return run.size < SUP_SHRINK * line.size and run.baseline < line.baseline - SUP_RAISE * line.size


def render_runs(line: Line) -> str:
    """A line's text: a space where glyphs are a word gap apart; numeric superscripts as `¹²` or `^[1]^`."""
    out: list[str] = []
    prev: Run | None = None
    for run in line.runs:
        text = run.text
        sup = is_superscript(run, line)
        if sup and _SUP_NUMERIC_RE.fullmatch(text):
            text = text.translate(_SUP_MAP)
        elif sup and _SUP_BRACKET_RE.fullmatch(text):
            text = "^" + text + "^"
        if prev is not None:
            gap = run.x0 - prev.x1
            if sup:
                spaced = gap > 0.3 * line.size
            else:
                spaced = run.space_before or gap > WORD_GAP * min(prev.size, run.size)
            if spaced:
                out.append(" ")
        out.append(text)
        prev = run
    return "".join(out)


def region_lines(runs: Sequence[Run]) -> list[Line]:
    """One column piece as lines with `indent` and `blank_before` hints (see the module docstring).

    The pitch is measured in line heights (a footnote's 9 pt steps at 8 pt are as tight as
    body text's 12 pt at 10 pt) and taken at the lower quartile, so a list of two-line
    entries with space between them still has the within-entry step as its pitch.
    """
    lines = [make_line(row) for row in group_rows(runs)]
    if not lines:
        return lines
    left = _left_edge([line.x0 for line in lines])
    ratios = [(b.baseline - a.baseline) / a.size for a, b in pairwise(lines)]
    usual = sorted(r for r in ratios if 0.8 <= r <= 2.5)
    pitch = usual[len(usual) // 4] if usual else None
    for i, line in enumerate(lines):
        line.indent = line.x0 - left >= INDENT_EM * line.size
        if i and pitch is not None:
            line.blank_before = ratios[i - 1] > BLANK_STEP * pitch
    return lines


def _left_edge(starts: Sequence[float]) -> float:
    """Where a column's lines start: the leftmost x shared by two lines (a stray glyph further left is no margin)."""
    counts = Counter(round(x) for x in starts)
    shared = [x for x in counts if counts[x] + counts.get(x - 1, 0) + counts.get(x + 1, 0) >= 2]
    if not shared:
        return min(starts)
    edge = min(shared)
    return min(x for x in starts if abs(x - edge) <= 1.5)


def page_lines(runs: Sequence[Run]) -> list[Line]:
    """A page's lines in reading order; a piece lower on the page than the previous one may open with a blank line."""
    out: list[Line] = []
    for piece in columns(runs):
        lines = region_lines(piece)
        if not lines:
            continue
        if out and lines[0].baseline - out[-1].baseline > 2.0 * max(lines[0].size, out[-1].size):
            lines[0].blank_before = True
        out.extend(lines)
    return out


# ---------------------------------------------------------------- hyphens and output

_HYPHEN_END_RE = re.compile(r"([^\W\d_]+)([-\u2010\u00ad])$")
_WORD_START_RE = re.compile(r"([^\W\d_]+)(\S*)\s*")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def hyphen_join(head: str, tail: str, mark: str) -> bool:
    """Join `head-` + `tail` across a line end? A soft hyphen always; a hard one only when certain.

    Certain means: the joined word is known English (Zipf ≥ 1.5) and more frequent than the
    hyphenated phrase (`num-ber` → number, `descrip-tion` → description; `self-report`,
    `long-term`, `co-operation` keep their hyphen). Unknown words keep it too, for the
    reference repair stage to weigh again.
    """
    if mark == "\u00ad":
        return True
    if not tail.islower():
        return False
    joined = _zipf((head + tail).lower())
    return joined >= 1.5 and joined > _zipf(f"{head}-{tail}".lower())


def join_hyphens(lines: list[Line]) -> list[Line]:
    """Words broken at a line end joined onto the first line; the second keeps the rest."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and not line.blank_before:
            m = _HYPHEN_END_RE.search(prev.text)
            w = _WORD_START_RE.match(line.text)
            if m and w and hyphen_join(m.group(1), w.group(1), m.group(2)):
                prev.text = prev.text[: m.start(2)] + w.group(1) + w.group(2)
                line.text = line.text[w.end():]
                if not line.text:
                    continue
        out.append(line)
    for line in out:
        line.text = line.text.replace("\u00ad", "")
    return out


def render_lines(lines: Sequence[Line]) -> str:
    """Lines as text: a blank line where `blank_before`, four spaces before an indented line."""
    parts: list[str] = []
    for line in lines:
        if line.blank_before and parts:
            parts.append("")
        parts.append((INDENT if line.indent else "") + line.text)
    return "\n".join(parts)
