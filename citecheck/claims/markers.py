"""Citation markers: where the text cites, and which numbers or (authors, year) it cites.

Forms found (all on the normalised text, see `citecheck.text.normalize`):

* numeric in brackets: ``[1]``, ``[1,2]``, ``[1, 3-5]``, ``[1–3]``, ``[1~3]``, ``[8 , 9]``,
  ``【1】``, ``〔1〕`` (full-width ``［１］`` is already ``[1]`` after NFKC);
* superscripts: ``^[15-16]^``, ``^[4, 17]`` (closing caret lost in PDF→Markdown),
  ``^12^``, ``<sup>12</sup>``, Unicode ``¹²``, ``¹⁻³``, ``¹,²``;
* author–year: ``(Smith et al., 2020)``, ``(Smith & Jones 2019; Lee 2021)``,
  ``(Smith, 2020a)``, ``(张三等, 2020)``; narrative ``Smith et al. (2020)``,
  ``张三等(2020)``; and the authors of a narrative numeric marker ``Smith et al. [3]``.

Everything that only *looks* like a marker is rejected here, by form and by context,
because a false marker becomes a false "dangling citation" later: GB/T type codes and
bracketed headings (not numeric), years and year ranges and numbers beyond any plausible
list size (`limit`), intervals starting at 0, figure/table/equation numbers, isotopes
(``^14^C``, ``¹⁴C``), exponents and units (``10⁶``, ``m²``), ion charges (``Ca²⁺``) and
affiliation superscripts in a byline (``张三¹, 李四²``) or at the start of an
affiliation line. Markers inside reference lists are never searched (`exclude`).

All patterns are bounded (fixed repetition caps, no nested unbounded groups), so the
scan is linear in the text and safe on adversarial input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citecheck.model import Citation, Span
from citecheck.refs.names import COMPOUND_SURNAMES

# ---------------------------------------------------------------- numeric markers

_DASHES = "\\-\u2010-\u2015\u2212~\uff5e"
_SEPS = ",\uff0c\u3001;\uff1b"
_NUM = r"\d{1,6}"  # four digits and more only count up to the list size (`parse_numbers`)
_ITEM = rf"{_NUM}(?:[ \t]{{0,3}}[{_DASHES}][ \t]{{0,3}}{_NUM})?"
_NUMS = rf"[ \t]{{0,3}}{_ITEM}(?:[ \t]{{0,3}}[{_SEPS}][ \t]{{0,3}}{_ITEM}){{0,80}}[ \t]{{0,3}}"

_NUMERIC_RE = re.compile(
    rf"\^\[(?P<caret_br>{_NUMS})\]\^?"  # ^[1]^  ^[4, 17]  (closing caret optional)
    rf"|\^(?P<caret>{_NUMS})\^"  # ^12^  ^1,2^  (pandoc superscript)
    rf"|<sup>[ \t]{{0,3}}\[?(?P<sup>{_NUMS})\]?[ \t]{{0,3}}</sup>"  # <sup>12</sup>
    rf"|[\[\u3010\u3014](?P<bracket>{_NUMS})[\]\u3011\u3015]"  # [1]  【1】  〔1〕
)

_SUP_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_RE = re.compile(rf"[{_SUP_DIGITS}]{{1,6}}(?:[ \t]?[,⁻˒\-\u2013][ \t]?[{_SUP_DIGITS}]{{1,6}}){{0,30}}")
_SUP_TO_ASCII = str.maketrans(_SUP_DIGITS + "⁻˒\u2013", "0123456789-,-")

# What may stand right before a numeric marker that is then a figure/table/equation
# number or a math interval rather than a citation.
_NOT_CITATION_BEFORE = re.compile(
    r"(?:\b(?:Figs?|Figures?|Tables?|Tab|Eqs?|Equations?|Steps?|Chapters?|Sections?|Sect|Appendix)\.?"
    r"|[图表式]|公式|第|[∈=<>≤≥×±+\-*/])[ \t]{0,2}$",
    re.IGNORECASE,
)
_UNITS = frozenset(
    "m cm mm km um μm µm nm pm dm s ms us μs h min l ml dl ul μl g kg mg ug μg ng mol mmol umol μmol "
    "k pa kpa mpa hz khz mhz j kj w kw v mv a ma".split()
)
_WORD_BEFORE = re.compile(r"([A-Za-zμµ]{1,6})[ \t]?$")
_NONSPACE = re.compile(r"\S")
_ISOTOPE_AFTER = re.compile(r"[A-Z][a-z]?(?![a-z])")


@dataclass(frozen=True)
class Found:
    """A marker candidate before linking: where it is, its form and what it cites."""

    marker: str
    span: Span
    form: str
    numbers: tuple[int, ...] = ()
    authors: tuple[str, ...] = ()
    year: str | None = None

    def citation(self) -> Citation:
        return Citation(self.marker, self.span, self.numbers, None, self.authors, self.year)


def parse_numbers(content: str, limit: int, list_size: int = 0) -> tuple[int, ...] | None:
    """Numbers of a marker's content (``1, 3-5`` → 1, 3, 4, 5), or None when it is no citation.

    Rejected: 0 anywhere (math intervals ``[0, 1]``), numbers of four digits or more above
    `list_size` (the longest list's size: ``[2015]`` is a year unless the list has 2,015 entries;
    ``[1000]`` in a 1,005-entry list is a citation), numbers above `limit` (beyond any plausible
    list size), reversed or huge ranges.
    """
    content = content.translate(_SUP_TO_ASCII)
    content = re.sub(rf"[ \t]*[{_DASHES}][ \t]*", "-", content)
    out: list[int] = []
    for part in re.split(rf"[{_SEPS}]", content):
        part = part.strip()
        if not part:
            return None
        bounds = part.split("-")
        if len(bounds) > 2 or any(not b.isdigit() or (len(b) >= 4 and int(b) > list_size) for b in bounds):
            return None
        lo, hi = int(bounds[0]), int(bounds[-1])
        if lo < 1 or hi > limit or hi < lo or hi - lo > limit:
            return None
        for n in range(lo, hi + 1):
            if n not in out:
                out.append(n)
    return tuple(out) if out else None


def plausible_limit(list_sizes: Iterable[int]) -> int:
    """The highest number a marker may cite and still be taken for a citation.

    Above the longest list by a margin (a dangling ``[31]`` in a 30-entry list is a
    citation error worth reporting, ``[250]`` there is something else); without any
    list, a generous default (the text may be cited against a list we did not find).
    """
    sizes = [s for s in list_sizes if s > 0]
    if not sizes:
        return 300
    top = max(sizes)
    return top + max(10, top // 2)


# ---------------------------------------------------------------- line context

_BYLINE_CJK = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")
_BYLINE_LATIN = re.compile(
    r"^[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’\-.]{0,30}"
    r"(?:[ \t]+(?:[A-ZÀ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-.]{0,30}|van|von|der|den|de|del|della|di|da|du|le|la)){0,3}$"
)
_BYLINE_SPLIT = re.compile(r"[,，、;；]|\band\b|&")
_BYLINE_MARKS = str.maketrans("", "", _SUP_DIGITS + "*†‡§#,⁻")
_AFFILIATION_MARK = re.compile(
    r"\^\{[0-9a-z,，*†‡§# \t]{1,20}\}"  # 赵春华^{1,3,4}
    r"|\^[0-9a-z,*†‡§#]{1,12}\^?"  # 张三^1,2^
    r"|<sup>[0-9a-z,*†‡§# \t]{1,20}</sup>"
    r"|(?<=[A-Za-z\u4e00-\u9fff.])[0-9]{1,2}(?:,[0-9]{1,2}){0,5}(?=[\s,，;；*†‡§#]|$)"  # Zhang San1,2
)
"""Affiliation marks written without Unicode superscripts (LaTeX-ish, HTML, or digits glued to a name)."""


def is_byline(line: str) -> bool:
    """A line of personal names with affiliation marks (``张三¹, 李四²``, ``SU Chuanxin¹``, ``赵春华^{1,3,4}``,
    ``Zhang San1,2``).

    Decided by shape: every comma-separated item is a short name, and the line has no
    sentence punctuation. Such superscripts point to affiliations, not to references.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 400:
        return False
    unmarked = _AFFILIATION_MARK.sub(" ", stripped)
    if unmarked == stripped and not any(ch in _SUP_DIGITS for ch in stripped):
        return False  # no affiliation marks of any form
    if any(ch in unmarked for ch in "。!?:：()（）[]"):
        return False
    items = [" ".join(it.translate(_BYLINE_MARKS).split()) for it in _BYLINE_SPLIT.split(unmarked)]
    items = [it for it in items if it]
    return bool(items) and all(_BYLINE_CJK.match(it) or _BYLINE_LATIN.match(it) for it in items)


class _Lines:
    """Line starts of a text, for line numbers and line context in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def index(self, offset: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.starts, offset) - 1

    def line(self, offset: int) -> int:
        return self.index(offset) + 1

    def bounds(self, offset: int) -> tuple[int, int]:
        i = self.index(offset)
        start = self.starts[i]
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        return start, end


def _exponent_like(before: str) -> bool:
    """The text before a bare superscript ends in a digit, a unit or a one-letter variable."""
    if not before:
        return False
    last = before[-1]
    if last.isdigit() or last in "₀₁₂₃₄₅₆₇₈₉)":
        return True
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1)
    if word.lower() in _UNITS and (m.start() == 0 or not before[m.start() - 1].isalpha()):
        return True
    # a single Latin letter standing alone: x², R², r²
    return len(word) == 1 and (m.start() == 0 or not before[m.start() - 1].isalpha())


# ---------------------------------------------------------------- numeric scan


def _numeric(text: str, start: int, end: int, limit: int, lines: _Lines, list_size: int = 0) -> list[Found]:
    out: list[Found] = []
    byline_cache: dict[int, bool] = {}
    for m in _NUMERIC_RE.finditer(text, start, end):
        form = m.lastgroup or "bracket"
        content = m.group(form)
        before = text[max(0, m.start() - 16) : m.start()]
        after = text[m.end() : m.end() + 3]
        if form == "caret":
            if _exponent_like(before) or _ISOTOPE_AFTER.match(after):
                continue
        elif form == "bracket" and _NOT_CITATION_BEFORE.search(before):
            continue
        if form in ("caret", "sup") and _on_byline(text, m.start(), lines, byline_cache):
            continue  # 王五<sup>1</sup>, 赵六<sup>2</sup>: affiliations, not references
        numbers = parse_numbers(content, limit, list_size)
        if numbers is None:
            continue
        out.append(Found(m.group(0), Span(m.start(), m.end(), lines.line(m.start())), form, numbers))
    return out


def _on_byline(text: str, offset: int, lines: _Lines, cache: dict[int, bool]) -> bool:
    ls, le = lines.bounds(offset)
    if ls not in cache:
        cache[ls] = is_byline(text[ls:le])
    return cache[ls]


def _unicode_superscripts(text: str, start: int, end: int, limit: int, lines: _Lines,
                          list_size: int = 0) -> list[Found]:
    out: list[Found] = []
    byline_cache: dict[int, bool] = {}
    for m in _SUP_RE.finditer(text, start, end):
        ls, _ = lines.bounds(m.start())
        before = text[max(ls, m.start() - 16) : m.start()]
        after = text[m.end() : m.end() + 2]
        if _NONSPACE.search(text, ls, m.start()) is None:
            continue  # an affiliation label at the start of a line: ¹ Department of ...
        if _exponent_like(before) or after[:1] in ("⁺", "⁻") or _ISOTOPE_AFTER.match(after):
            continue
        if _on_byline(text, m.start(), lines, byline_cache):
            continue
        numbers = parse_numbers(m.group(0), limit, list_size)
        if numbers is None:
            continue
        out.append(Found(m.group(0), Span(m.start(), m.end(), lines.line(m.start())), "superscript", numbers))
    return out


# ---------------------------------------------------------------- author–year

_YEAR = r"(?:1[6-9]|20)\d{2}[a-z]?"
_PARTICLE = r"(?:(?:van|von|der|den|de|del|della|di|da|du|dos|das|le|la|ten|ter|al|el)[ \t]+){0,3}"
_LNAME = rf"{_PARTICLE}[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’\-]{{1,30}}"
_ETAL = r"[ \t]+et[ \t]+al\.?"
_LNAMES = (
    rf"{_LNAME}(?:{_ETAL}|(?:[ \t]*,[ \t]*{_LNAME}){{0,5}}(?:[ \t]*,?[ \t]*(?:&|and)[ \t]+{_LNAME})?)"
)
_CNAME = r"[\u4e00-\u9fff]{2,4}"
_CNAMES = rf"{_CNAME}(?:(?:和|与|、){_CNAME})?(?:等人?)?"
_PREFIX = r"(?:(?:see(?:[ \t]+also)?|e\.g\.|cf\.|i\.e\.|also|reviewed[ \t]+in)[ \t]*,?[ \t]+)?"
_LOCATOR = r"(?:[ \t]*[,，][ \t]*(?:pp?\.?|第)[ \t]*\d{1,5}(?:[\-\u2013]\d{1,5})?[ \t]*页?)?"
_ITEM_RE = re.compile(
    rf"[ \t]*{_PREFIX}(?P<authors>{_LNAMES}|{_CNAMES})[ \t]*[,，]?[ \t]*"
    rf"(?P<years>{_YEAR}(?:[ \t]*[,，][ \t]*{_YEAR}){{0,5}}){_LOCATOR}[ \t]*"
)
_PAREN_RE = re.compile(r"\((?P<body>(?:[^()\n]|\n(?![ \t]*\n)){4,300})\)")
"""A parenthesis on one line or wrapped onto the next (PDF text keeps the printed lines:
``(Kluyver et al.,\n2016)``), never across a blank line."""
_NARRATIVE_RE = re.compile(rf"\([ \t]*(?P<years>{_YEAR}(?:[ \t]*[,;][ \t]*{_YEAR}){{0,5}})[ \t]*\)")
_YEAR_TOKEN = re.compile(_YEAR)
_YEARS_RE = re.compile(rf"{_YEAR}(?:[ \t]*[,，;][ \t]*{_YEAR}){{0,5}}")
_LNAMES_END = re.compile(rf"(?<![A-Za-z])(?P<authors>{_LNAMES})[ \t]*,?[ \t]*$")
_CJK_NAMES_END = re.compile(r"(?P<names>[\u4e00-\u9fff]{2,12}?)(?P<etal>等人?)?[ \t]*$")

_STOPWORDS = frozenset(
    """the this these that those in on at for from by with as an a and or but since during until after before
    between table tables fig figure figures phase version vol no type stage grade day days week weeks month year
    study trial group patients model models section chapter appendix note see also both all our their its
    january february march april may june july august september october november december jan feb mar apr jun
    jul aug sep sept oct nov dec spring summer autumn fall winter i ii iii iv v vi vii viii ix x""".split()
)

# Common single-character Chinese surnames (plus the compound ones from refs.names), so
# that `(北京, 2020)` or `研究表明(2020)` is not read as an author–year citation.
_CJK_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温"
    "康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费"
    "卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠"
    "惠荆乐冀郁胥南班储原栗揣练鄢蔺燕邰"
    "陳張劉黃趙吳孫馬鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸範賈韋鄒龔錢嚴湯顏龐聶嶽"
)

# The commonest of them: used to choose between a two- and a three-character reading.
_COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)


def _cjk_name_ok(name: str) -> bool:
    return 2 <= len(name) <= 4 and (name[0] in _CJK_SURNAMES or name[:2] in COMPOUND_SURNAMES)


def _latin_authors(authors: str) -> tuple[str, ...] | None:
    """Family names of an author phrase (``Smith, Jones & Lee`` → Smith, Jones, Lee); None if not names."""
    text = re.sub(_ETAL + "$", "", authors).strip()
    parts = [p.strip() for p in re.split(r"[ \t]*,[ \t]*(?:&|and)?[ \t]*|[ \t]+(?:&|and)[ \t]+|[ \t]*&[ \t]*", text)]
    parts = [p for p in parts if p]
    if not parts:
        return None
    for p in parts:
        last = p.split()[-1]
        if last.lower() in _STOPWORDS or p.split()[0].lower() in _STOPWORDS:
            return None
    return tuple(parts)


def _cjk_authors(authors: str) -> tuple[str, ...] | None:
    """`张三等` → (张三,); `张三和李四` → (张三, 李四); None unless each looks like a Chinese name."""
    text = re.sub(r"等人?$", "", authors.strip())
    parts = [p for p in re.split(r"和|与|、", text) if p]
    if not parts or not all(_cjk_name_ok(p) for p in parts):
        return None
    return tuple(parts)


def _authors_of(phrase: str) -> tuple[str, ...] | None:
    """Names of an author phrase, Chinese or Latin; None when it is not a list of names."""
    if re.match(r"[\u4e00-\u9fff]", phrase):
        return _cjk_authors(phrase)
    return _latin_authors(phrase)


def _year_citations(authors: tuple[str, ...], years_m: re.Match[str], marker: str, span: Span) -> list[Found]:
    """One Found per year of an item (``Smith 2019, 2020`` cites two works)."""
    out: list[Found] = []
    for k, ym in enumerate(_YEAR_TOKEN.finditer(years_m.group(0))):
        if k == 0:
            out.append(Found(marker, span, "author-year", (), authors, ym.group(0)))
        else:
            s = years_m.start() + ym.start()
            out.append(Found(ym.group(0), Span(s, s + len(ym.group(0)), span.line), "author-year", (),
                             authors, ym.group(0)))
    return out


def _parenthetical(text: str, start: int, end: int, lines: _Lines) -> list[Found]:
    """``(Smith et al., 2020; 张三等, 2019)``: each `;`-separated item is one citation."""
    out: list[Found] = []
    for m in _PAREN_RE.finditer(text, start, end):
        body_start = m.start("body")
        body = m.group("body").replace("\n", " ")  # a wrapped line reads as one (same length: spans hold)
        for item in re.finditer(r"[^;；]+", body):
            im = _ITEM_RE.fullmatch(item.group(0))
            if not im:
                continue
            authors = _authors_of(im.group("authors"))
            if not authors:
                continue
            base = body_start + item.start()
            s, e = base + im.start("authors"), base + im.end("years")
            span = Span(s, e, lines.line(s))
            years = _YEARS_RE.match(text, base + im.start("years"))
            if years is not None:
                out.extend(_year_citations(authors, years, text[s:e].replace("\n", " "), span))
    return out


def _narrative(text: str, start: int, end: int, lines: _Lines) -> list[Found]:
    """``Smith et al. (2020)``, ``Smith and Jones (2019)``, ``张三等(2020)``."""
    out: list[Found] = []
    for m in _NARRATIVE_RE.finditer(text, start, end):
        ls, _ = lines.bounds(m.start())
        window = text[max(ls, start, m.start() - 160) : m.start()]
        named = _names_at_end(window)
        if named is None:
            continue
        authors, name_len = named
        s = m.start() - name_len
        span = Span(s, m.end(), lines.line(s))
        years = _YEARS_RE.match(text, m.start("years"))
        if years is not None:
            out.extend(_year_citations(authors, years, text[s : m.end()], span))
    return out


def _names_at_end(window: str, *, need_etal: bool = False) -> tuple[tuple[str, ...], int] | None:
    """(authors, length of the name phrase) for a window ending in author names, else None.

    Latin: ``Smith``, ``Smith et al.``, ``Smith and Jones``, ``Smith, Jones & Lee``.
    Chinese: ``张三等``, ``张三等人``, ``张三和李四`` (the name itself is cut out of the run
    of characters before it by the surname list). With `need_etal`, a bare single name is
    not enough (used before numeric markers, where `Smith [3]` is rare and risky).
    """
    lm = _LNAMES_END.search(window)
    if lm:
        phrase = lm.group("authors")
        if need_etal and not re.search(rf"{_ETAL}$|[ \t](?:&|and)[ \t]", phrase):
            return None
        authors = _latin_authors(phrase)
        return (authors, len(window) - lm.start("authors")) if authors else None
    cm = _CJK_NAMES_END.search(window)
    if not cm or (need_etal and not cm.group("etal") and not re.search("和|与", cm.group("names"))):
        return None
    names = cm.group("names")
    pair = re.search(r"(?P<a>[\u4e00-\u9fff]{2,4})(?:和|与)(?P<b>[\u4e00-\u9fff]{2,4})$", names)
    if pair:
        first = _cjk_last_name(pair.group("a"))
        if first and _cjk_name_ok(pair.group("b")):
            consumed = len(first) + 1 + len(pair.group("b"))
            return (first, pair.group("b")), len(window) - cm.end("names") + consumed
    if need_etal and not cm.group("etal"):
        return None
    one = _cjk_last_name(names)
    if one is None:
        return None
    return (one,), len(window) - cm.end("names") + len(one)


def _cjk_last_name(chars: str) -> str | None:
    """The Chinese name at the end of a run of characters (`研究表明张三` → 张三).

    A name is 2–3 characters (4 with a compound surname) starting with a known
    surname. Three characters are the commonest length, but when the three-character
    reading starts with a rare surname and the two-character one with a common
    surname (`表明张三`: 明 is rare, 张 common), the two-character reading wins.
    """
    if len(chars) >= 4 and chars[-4:-2] in COMPOUND_SURNAMES:
        return chars[-4:]
    three, two = chars[-3:], chars[-2:]
    three_ok = len(three) == 3 and _cjk_name_ok(three)
    two_ok = len(two) == 2 and _cjk_name_ok(two)
    if three_ok and two_ok and three[0] not in _COMMON_SURNAMES and two[0] in _COMMON_SURNAMES:
        return two
    if three_ok:
        return three
    return two if two_ok else None


_NAMED_TAIL = re.compile(r"(?:\bal\.?|等人?)[ \t]*$|(?:[ \t](?:and|&)[ \t]|和|与)")


def _narrative_numeric_authors(text: str, found: Found, floor: int) -> Found:
    """`Smith et al. [3]` / `张三等[3]`: keep the named authors on the numeric marker."""
    window = text[max(floor, found.span.start - 120) : found.span.start]
    nl = window.rfind("\n")
    if nl >= 0:
        window = window[nl + 1 :]
    if not _NAMED_TAIL.search(window[-40:]):
        return found  # cheap test first: most markers follow plain prose
    named = _names_at_end(window, need_etal=True)
    if named is None:
        return found
    return Found(found.marker, found.span, found.form, found.numbers, named[0], found.year)


# ---------------------------------------------------------------- entry point


def body_regions(length: int, exclude: Iterable[Span | tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) ranges of the text outside the excluded spans (reference lists)."""
    spans = sorted((s.start, s.end) if isinstance(s, Span) else (s[0], s[1]) for s in exclude)
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in spans:
        s, e = max(0, s), min(length, e)
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < length:
        out.append((pos, length))
    return out


def find_markers(
    text: str,
    exclude: Sequence[Span | tuple[int, int]] = (),
    *,
    limit: int | None = None,
    author_year: bool = True,
    list_size: int = 0,
) -> list[Found]:
    """Every citation marker outside the `exclude` spans, in text order, non-overlapping.

    `limit` is the highest number a numeric marker may cite (see `plausible_limit`); `list_size`
    the longest list's size, up to which numbers of four digits and more are citations.
    Numeric markers win over author–year ones where both would overlap.
    """
    if limit is None:
        limit = plausible_limit(())
    lines = _Lines(text)
    numeric: list[Found] = []
    named: list[Found] = []
    for start, end in body_regions(len(text), exclude):
        for f in _numeric(text, start, end, limit, lines, list_size):
            numeric.append(_narrative_numeric_authors(text, f, start) if f.form == "bracket" else f)
        numeric.extend(_unicode_superscripts(text, start, end, limit, lines, list_size))
        if author_year:
            named.extend(_parenthetical(text, start, end, lines))
            named.extend(_narrative(text, start, end, lines))
    numeric.sort(key=lambda f: f.span.start)
    starts = [f.span.start for f in numeric]
    out = list(numeric)
    ends_years: set[tuple[int, str | None]] = set()
    for f in sorted(named, key=lambda f: (f.span.start, -f.span.end)):
        if _overlaps(numeric, starts, f.span) or (f.span.end, f.year) in ends_years:
            continue  # inside a numeric marker, or a second reading of the same year
        ends_years.add((f.span.end, f.year))
        out.append(f)
    out.sort(key=lambda f: (f.span.start, f.span.end))
    return out


def _overlaps(numeric: list[Found], starts: list[int], span: Span) -> bool:
    """Does `span` overlap any of the (sorted, non-overlapping) numeric markers?"""
    from bisect import bisect_left

    i = bisect_left(starts, span.end)
    return i > 0 and numeric[i - 1].span.end > span.start
