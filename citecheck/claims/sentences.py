"""Sentences of a document's body, each with its span and the section heading above it.

The body is the text outside the reference lists. It is read line by line:

* headings (markdown ``#``, numbered ``2.2.2 MSC 在 SLE 中的应用``, ``1 引言``,
  ``一、引言``, bracketed ``[摘要]``) set the section and end a paragraph; a numbered
  heading followed by ``:`` and text on the same line (``2.1.1 来源: MSC 是...``) is
  a heading plus the start of a paragraph; when a document has no numbered or
  markdown headings at all, short standalone lines (``背景``, ``方法``) are headings;
* boilerplate lines (funding, correspondence, e-mail, DOI, keywords, received dates)
  are skipped, because in PDF-extracted text they interrupt sentences at page breaks;
* a paragraph continues over a line break when the line ends without sentence-final
  punctuation, and over one blank line (or over skipped boilerplate) when the line
  ends mid-clause and is long enough to be wrapped prose; that is how a page break
  (``降\\n\\n低免疫反应强度``) is repaired while two real paragraphs stay apart.

Sentences end at ``。！？!?`` and at ``;``/``；`` between Chinese clauses (outside
parentheses), and at ``.`` unless it belongs to an abbreviation (``et al.``, ``Fig.``,
``e.g.``, ``i.e.``, ``vs.``, ``Dr.``), a decimal (``3.5``), an initial (``J. Smith``) or is
followed by a lower-case word. Closing quotes and citation markers glued after the
final punctuation (``...shown.[3]``) stay with the sentence they close.

`Sentence.text` is the sentence with its line breaks joined (no space between two
Chinese characters, one space otherwise); `Sentence.span` covers its source range.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from citecheck.claims.markers import body_regions, is_byline
from citecheck.model import Span
from citecheck.text import is_cjk_char


@dataclass(frozen=True)
class Sentence:
    text: str
    span: Span
    section: str = ""


# ---------------------------------------------------------------- line classes

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(?P<title>[^\n]{1,200}?)[ \t#]*$")
_NUM_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?[ \t]+(?P<title>[^\s\d][^\n]{0,59})$"
)
_INLINE_HEADING = re.compile(
    r"^[ \t]*(?P<head>\d{1,2}(?:\.\d{1,2}){0,4}\.?[ \t]+[^\s\d:：,，。;；][^:：,，。;；\n]{0,39}?)[ \t]*[:：][ \t]*(?=\S)"
)
_CN_HEADING = re.compile(
    r"^[ \t]*(?P<num>[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])[ \t]*(?P<title>[^\n]{1,40})$"
)
_SECTION_WORDS = r"摘[ \t]*要|Abstract|Summary|引[ \t]*言|前[ \t]*言|结[ \t]*论|讨[ \t]*论|Introduction|Conclusions?"
_BRACKET_HEADING = re.compile(rf"^[ \t]*[\[【][ \t]*(?P<title>{_SECTION_WORDS})[ \t]*[\]】][ \t]*[:：]?[ \t]*", re.I)
_WORD_HEADING = re.compile(rf"^[ \t]*(?:\*\*)?(?P<title>{_SECTION_WORDS})(?:\*\*)?[ \t]*[:：][ \t]*(?=\S)", re.I)
_ABSTRACT_WORDS = re.compile(r"摘 ?要|Abstract|Summary", re.I)
# The leading blanks are taken possessively (`*+`): with three optional runs of them in a row, a
# line of thousands of spaces was split every way before failing (cubic; 44 s on 4,000 spaces).
_BOILERPLATE = re.compile(
    r"^[ \t]*+[(（]?[ \t]*+(?:\*\*)?(?:基金项目|资助项目|通信作者|通讯作者|作者简介|第一作者|收稿日期|修回日期|接受日期|"
    r"本文编辑|责任编辑|中图分类号|中图法分类号|文献标志码|文献标识码|文章编号|DOI|doi|关[ \t]*键[ \t]*词|"
    r"[\[【][ \t]*关[ \t]*键[ \t]*词[ \t]*[\]】]|Key[ \t]*words|Keywords|\[?[ \t]*+Key[ \t]*words[ \t]*\]?|"
    r"Corresponding[ \t]+author|Received|Accepted|Funding|Fund[ \t]+program|E-?mail)"
    r"(?:\*\*)?[ \t]*[:：\]】 ]",
    re.I,
)
_EMAIL = re.compile(r"E-?mail[ \t]*[:：]", re.I)
_BULLET = re.compile(r"^[ \t]*(?:[-*+•][ \t]|\d{1,3}[.)][ \t]|\|)")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)")

_TERMINAL = "。!?！？"
_CLOSERS = "”’\"'」』》)）]】"
_NO_JOIN_END = "。.!?！？;；:：]】)）」』”\"" + "⁰¹²³⁴⁵⁶⁷⁸⁹^"
_MAX_BARE_HEADING = 16
"""Standalone lines up to this length are headings in documents without numbered headings (``背景``)."""
_MIN_WRAPPED = 20
"""A line ending mid-clause is taken for wrapped prose only when at least this long:
shorter lines without final punctuation are titles, bylines and captions."""


def numbered_heading(line: str) -> str | None:
    """The heading text if `line` is a whole-line heading, else None."""
    m = _MD_HEADING.match(line)
    if m:
        return m.group("title").strip()
    m = _NUM_HEADING.match(line)
    if m:
        title = m.group("title").rstrip()
        single = "." not in m.group("num")
        if (
            title[-1] in _TERMINAL + ".,，;；:：、"
            or re.search(r"[,，;；。]", title)
            or (single and title[0] in "个年月日周天次例名岁倍种项组只位%")
            or int(m.group("num").split(".")[0]) > 30
        ):
            return None
        return line.strip().lstrip("#").strip()
    m = _CN_HEADING.match(line)
    if m and not re.search(r"[,，;；。]", m.group("title")):
        return line.strip()
    return None


def inline_heading(line: str) -> tuple[str, int, bool] | None:
    """(heading, offset where the paragraph text starts, paragraph-local?) for
    ``2.1 Title: text`` / ``[摘要] text``.

    An abstract heading names only its own paragraph: the text after an abstract is
    the introduction, often with its heading lost in extraction.
    """
    for rx in (_INLINE_HEADING, _BRACKET_HEADING, _WORD_HEADING):
        m = rx.match(line)
        if m:
            head = re.sub(r"\s+", " ", m.groupdict().get("head") or m.group("title")).strip()
            local = rx is not _INLINE_HEADING and bool(_ABSTRACT_WORDS.fullmatch(head))
            return head, m.end(), local
    return None


def is_boilerplate(line: str) -> bool:
    """Funding, correspondence, keywords, DOI, dates: front/back matter, never a claim."""
    return bool(_BOILERPLATE.match(line) or _EMAIL.search(line))


# ---------------------------------------------------------------- paragraphs


@dataclass
class _Para:
    pieces: list[tuple[int, int]]
    section: str


def _line_bounds(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        if nl < 0:
            out.append((pos, end))
            break
        out.append((pos, nl))
        pos = nl + 1
    return out


def _has_structured_headings(text: str, regions: list[tuple[int, int]]) -> bool:
    for start, end in regions:
        for s, e in _line_bounds(text, start, end):
            line = text[s:e]
            if line.strip() and (numbered_heading(line) or (inline_heading(line) and _INLINE_HEADING.match(line))):
                return True
    return False


def _bare_heading(lines: list[tuple[int, int]], i: int, text: str) -> bool:
    """A short standalone line without final punctuation (used only in documents without numbered headings)."""
    s, e = lines[i]
    stripped = text[s:e].strip()
    if not stripped or len(stripped) > _MAX_BARE_HEADING or any(ch in _TERMINAL for ch in stripped):
        return False
    if stripped[-1] in ".,，;；:：、" + _CLOSERS:
        return False
    prev_blank = i == 0 or not text[lines[i - 1][0] : lines[i - 1][1]].strip()
    next_blank = i + 1 >= len(lines) or not text[lines[i + 1][0] : lines[i + 1][1]].strip()
    return prev_blank and next_blank and not is_boilerplate(stripped)


def _paragraphs(text: str, start: int, end: int, bare_headings: bool, section: str) -> tuple[list[_Para], str]:
    """Group the lines of one body region into paragraphs (see the module docstring for the rules)."""
    lines = _line_bounds(text, start, end)
    paras: list[_Para] = []
    cur: _Para | None = None
    blanks = 0  # blank lines since the last prose line of `cur`
    skipped = False  # boilerplate lines since the last prose line of `cur`
    in_fence = False

    def close() -> None:
        nonlocal cur
        if cur is not None and cur.pieces:
            paras.append(cur)
        cur = None

    outer = section  # the section to return to after a paragraph-local heading (abstract)
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        stripped = line.strip()
        if _FENCE.match(line):
            in_fence = not in_fence
            close()
            continue
        if in_fence:
            continue
        if not stripped:
            blanks += 1
            continue
        if is_boilerplate(line):
            skipped = True
            continue
        heading = numbered_heading(line)
        if heading is None and bare_headings and _bare_heading(lines, i, text):
            heading = stripped
        if heading is not None:
            close()
            section = outer = heading
            blanks, skipped = 0, False
            continue
        body_start = s
        inline = inline_heading(line)
        if inline is not None:
            close()
            section = inline[0]
            if not inline[2]:
                outer = section
            body_start = s + inline[1]
        lead = len(text[body_start:e]) - len(text[body_start:e].lstrip())
        piece = (body_start + lead, e - (len(line) - len(line.rstrip())))
        if piece[0] >= piece[1]:
            continue
        if (
            inline is None
            and cur is not None
            and _joins(text, cur, piece, blanks, skipped)
            and not _BULLET.match(line)
            and not is_byline(line)
        ):
            cur.pieces.append(piece)
        else:
            if cur is not None and inline is None:
                section = outer
            close()
            cur = _Para([piece], section)
        blanks, skipped = 0, False
    close()
    return paras, section


def _joins(text: str, cur: _Para, piece: tuple[int, int], blanks: int, skipped: bool) -> bool:
    """Does `piece` continue the paragraph `cur` across the gap before it?"""
    ps, pe = cur.pieces[-1]
    last = text[pe - 1]
    if blanks == 0 and not skipped:
        return last not in _TERMINAL
    if last in _NO_JOIN_END or pe - ps < _MIN_WRAPPED:
        return False
    return skipped or blanks <= 1


# ---------------------------------------------------------------- sentence ends

_ABBREV = re.compile(
    r"(?:\bet[ \t]+al|\bFigs?|\bFigures?|\be\.g|\bi\.e|\bvs|\bDrs?|\bMrs?|\bMs|\bProf|\bNos?|\bVols?|\bpp?"
    r"|\bcf|\bca|\bapprox|\bEqs?|\bRefs?|\bSt|\bJr|\bSr|\bInc|\bLtd|\bCo|\bDept|\bUniv|\bResp|\bSupp?l?"
    r"|\bviz|\bresp|\bdiv|\bspp?|\bsubsp|\bvar|\bcv|\bMt|\bFt|\bAve|\bal)$",
    re.I,
)
_INITIAL = re.compile(r"(?:^|[\s.\-(])[A-Z]$")
_GLUED_MARKER = re.compile(
    r"(?:\^?\[[ \t]{0,2}\d{1,6}(?:[ \t]{0,2}[,\-\u2013~][ \t]{0,2}\d{1,6}){0,30}[ \t]{0,2}\]\^?"
    r"|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}(?:[,⁻\-][⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}){0,30})"
)
_SENT_CANDIDATE = re.compile(r"[。!?！？;；.]|\](?=[A-Z])")
_MARKER_BEFORE = re.compile(r"[\u4e00-\u9fff][ \t]?\[[\d ,\-\u2013~]{1,80}$")
_ENUMERATION = re.compile(r"[ \t]*[(（]?\d{1,3}")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and (is_cjk_char(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")


def _period_ends(s: str, i: int, start: int) -> bool:
    """Is the '.' at s[i] the end of a sentence that began at s[start]?"""
    low = max(start, i - 8)  # a label is short: look back a few characters only
    since = max(s.rfind(";", low, i), s.rfind("；", low, i)) + 1 or start
    if (since > low or low == start) and _ENUMERATION.fullmatch(s, max(since, start), i):
        return False  # "1. ", "(2. ", "; 3. " enumeration labels
    nxt = s[i + 1 : i + 2]
    if nxt in "0123456789." and nxt:
        return False  # 3.5, 2.2.2, "..."
    if nxt and not (nxt.isspace() or _is_cjk(nxt) or nxt in _CLOSERS or nxt in "[^⁰¹²³⁴⁵⁶⁷⁸⁹"):
        return False  # e.g. "U.S", "a.m", URLs
    head = s[max(0, i - 12) : i]
    if _ABBREV.search(head):
        return False
    rest = s[i + 1 : i + 40].lstrip()
    if not rest:
        return True
    if rest[0].islower():
        return False
    return not (_INITIAL.search(head) and rest[0].isupper())


def _semicolon_ends(s: str, i: int, depth: int) -> bool:
    """A ';' ends a sentence between Chinese clauses, outside parentheses."""
    if depth > 0:
        return False
    j = i - 1
    floor = max(0, i - 40)  # past a marker or a closing bracket, no further
    while j >= floor and (s[j].isspace() or s[j] in "]^⁰¹²³⁴⁵⁶⁷⁸⁹,-0123456789[ )）"):
        j -= 1
    k = i + 1
    while k < len(s) and s[k].isspace():
        k += 1
    return (j >= 0 and _is_cjk(s[j])) or (k < len(s) and _is_cjk(s[k]))


def _ends(s: str) -> list[int]:
    """Offsets in `s` just after each sentence end."""
    out: list[int] = []
    depth = 0
    pos = start = 0
    n = len(s)
    while pos < n:
        m = _SENT_CANDIDATE.search(s, pos)
        if m is None:
            break
        i = m.start()
        seg = s[pos:i]
        depth = max(0, min(depth + seg.count("(") + seg.count("（") - seg.count(")") - seg.count("）"), 5))
        ch = s[i]
        if ch == ".":
            is_end = _period_ends(s, i, start)
        elif ch == "]":
            # "...[14,15,17]UC-MSCs 具有": a marker closes a Chinese clause and a new
            # sentence starts without the full stop (lost in extraction)
            is_end = bool(_MARKER_BEFORE.search(s, max(start, i - 90), i))
        elif ch in ";；":
            is_end = (ch == "；" and depth == 0) or _semicolon_ends(s, i, depth)
        else:
            is_end = True
        pos = i + 1
        if not is_end:
            continue
        end = i + 1
        while end < n and s[end] in _TERMINAL + ".":
            end += 1
        while end < n and s[end] in "”’\"'」』》":
            end += 1
        gm = _GLUED_MARKER.match(s, end)
        if gm and ch not in ";；":
            after = s[gm.end() : gm.end() + 2].lstrip()
            if not after or not after[0].islower():
                end = gm.end()
        out.append(end)
        depth = 0
        pos = start = end
    return out


def _assemble(text: str, pieces: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The paragraph as one string and, for each of its characters, its offset in `text`."""
    chars: list[str] = []
    offsets: list[int] = []
    for k, (s, e) in enumerate(pieces):
        if k:
            prev, nxt = chars[-1], text[s]
            if not ((_is_cjk(prev) or prev in "-‐") and (_is_cjk(nxt) or nxt.islower())) and not (
                _is_cjk(prev) and _is_cjk(nxt)
            ):
                chars.append(" ")
                offsets.append(offsets[-1] + 1)
        chars.extend(text[s:e])
        offsets.extend(range(s, e))
    return "".join(chars), offsets


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def split_sentences(text: str, exclude: Sequence[Span | tuple[int, int]] = ()) -> list[Sentence]:
    """Sentences of the body (the text outside `exclude`, i.e. the reference lists), in order."""
    regions = body_regions(len(text), exclude)
    bare = not _has_structured_headings(text, regions)
    index = _LineIndex(text)
    out: list[Sentence] = []
    section = ""
    for start, end in regions:
        paras, section = _paragraphs(text, start, end, bare, section)
        for para in paras:
            s, offsets = _assemble(text, para.pieces)
            prev = 0
            for cut in [*_ends(s), len(s)]:
                chunk = s[prev:cut]
                a = prev + (len(chunk) - len(chunk.lstrip()))
                b = cut - (len(chunk) - len(chunk.rstrip()))
                prev = cut
                if a >= b:
                    continue
                span = Span(offsets[a], offsets[b - 1] + 1, index.line(offsets[a]))
                out.append(Sentence(s[a:b], span, para.section))
    return out


# ---------------------------------------------------------------- clauses

_CLAUSE_SEP = ",，;；"
_MIN_CLAUSE = 8
_CLAUSE_CHARS = re.compile(r"[,，;；()（）]")
MAX_CLAUSE_CHARS = 1000
"""A clause is looked for at most this far back from its marker (a real clause is far shorter).
Without the bound a marker-dense run-on "sentence" (a 1 MB line of ``word [1] word [2] …``)
made the back-walk, and the clauses kept, quadratic in its length."""


class _Prepared:
    """One sentence's markers, prepared once for all of them.

    `clause_before` is called once per citation with the same `markers` sequence, so this is
    built once per sentence (cached on the identity of `markers` and `sentence`) and each call
    then works by bisection — linear, not quadratic, in the number of markers of a sentence.

    `spans` are the marker spans merged into disjoint runs, sorted; `stripped` is the sentence
    without them and `kept[k]` the number of characters kept before ``spans[k]``, so the text
    of ``[a, b)`` without markers is one slice of `stripped`. `glued[k]` is the first span of
    the run of markers that ``spans[k]`` ends when only spaces separate them (``[1][2] [3]``):
    glued markers share one clause.
    """

    def __init__(self, sentence: str, markers: Sequence[tuple[int, int]]) -> None:
        self.sentence = sentence  # both held, so the identity checks in `_prepare` stay valid
        self.source = markers
        self.size = len(markers)
        spans: list[tuple[int, int]] = []
        for s, e in sorted((int(s), int(e)) for s, e in markers):
            if spans and s <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], e))
            elif e > s:
                spans.append((s, e))
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.kept: list[int] = []
        self.glued: list[int] = []
        parts: list[str] = []
        pos = kept = 0
        for k, (s, e) in enumerate(spans):
            gap = sentence[pos:s]
            parts.append(gap)
            kept += len(gap)
            self.kept.append(kept)
            self.glued.append(self.glued[k - 1] if k and gap.strip() == "" else k)
            pos = e
        parts.append(sentence[pos:])
        self.stripped = "".join(parts)

    def kept_before(self, p: int) -> int:
        """How many characters before position `p` are outside markers."""
        k = bisect_right(self.starts, p) - 1
        if k < 0:
            return p
        end = self.spans[k][1]
        return self.kept[k] + max(0, p - end)

    def text(self, a: int, b: int) -> str:
        """``sentence[a:b]`` without the markers."""
        return self.stripped[self.kept_before(a) : self.kept_before(b)]


_prepared = threading.local()


def _prepare(sentence: str, markers: Sequence[tuple[int, int]]) -> _Prepared:
    last: _Prepared | None = getattr(_prepared, "last", None)
    if last is None or last.source is not markers or last.sentence is not sentence or last.size != len(markers):
        last = _Prepared(sentence, markers)
        _prepared.last = last
    return last


def clause_before(sentence: str, marker_start: int, markers: Sequence[tuple[int, int]] = ()) -> str:
    """The clause that ends at a marker: back from `marker_start` to the previous `,`/`，`/`;`
    outside parentheses and outside other markers (`markers`, offsets in `sentence`).

    A clause shorter than a few characters (``如 A[1]``) is extended to the previous separator,
    so the support scorer always gets a phrase with content. Other markers are cut out. The
    clause reaches back at most `MAX_CLAUSE_CHARS` characters (see there why).
    """
    prep = _prepare(sentence, markers)
    before = bisect_left(prep.starts, marker_start)  # prep.spans[:before] start before this marker
    cut = marker_start
    # markers glued before this one ("[1][2]", "¹,²") share its clause
    k = before - 1
    if k >= 0 and prep.spans[k][1] > marker_start:
        k = -1  # a run of markers that reaches over this one: nothing glued before it
    if k >= 0 and sentence[prep.spans[k][1] : marker_start].strip() == "":
        cut = prep.spans[prep.glued[k]][0]
    # Walk the sentence with its markers cut out (`prep.stripped`), so brackets inside markers
    # are never visited: a text of thousands of `(Smith, 2020)` costs no more than plain prose.
    text = prep.stripped
    end = prep.kept_before(cut)
    begin = prep.kept_before(max(0, cut - MAX_CLAUSE_CHARS))
    floor, depth = begin, 0
    # only brackets and separators change the state, so visit just those (found by the regex
    # engine) instead of every character: the walk costs C time, not a Python loop per character
    for j in _backwards(text, floor, end):
        ch = text[j]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth = max(0, depth - 1)
        elif depth == 0 and len(text[j + 1 : end].replace(" ", "")) >= _MIN_CLAUSE:
            begin = j + 1
            break
    return text[begin:end].strip()


def _backwards(sentence: str, floor: int, cut: int, step: int = 128) -> Iterator[int]:
    """Positions of brackets and clause separators in ``[floor, cut)``, nearest `cut` first,
    found a chunk at a time (the walk usually stops at the first separator)."""
    end = cut
    while end > floor:
        start = max(floor, end - step)
        for m in reversed(list(_CLAUSE_CHARS.finditer(sentence, start, end))):
            yield m.start()
        end = start

