"""Rule-based parser for GB/T 7714 entries that carry a document type code.

Where a type code (`[J]`, `[M]`, `[C]`, `[S]`, `[EB/OL]`…) is present, GB/T 7714
structure is exact, so it is segmented by rule instead of trusting the CRF:

* head (before the code): `Authors. Title` (numeric) or `Authors, Year. Title`
  (author-date); no head separator means no authors (`Library of Congress[EB/OL]`);
  a trailing `: GB/T 7714—2015` / `: CN101106276A` / `: PB 91-194001` is the
  standard, patent or report number and is not part of the title; `: 卷 1`,
  `: 第2册`, `: Vol. 1` is the volume;
* `//Editors. Container[: volume]. Edition. Place: Publisher, Year: pages` for
  parts of books and proceedings ([C]//, [M]//, [A]);
* `. Journal, Year, Vol(Issue): Pages` for [J] (author-date: `Journal, Vol(Issue): Pages`);
* `. Newspaper, 2000-11-20(15)` for [N];
* `. Place: Publisher, Year: pages` for the rest; the page there is the cited page of
  the whole work, not a page range of the item, so it is kept only for reports;
* `(update date)[cite date]. URL` — the update date gives the year, the cite date never.

`parse_gbt` returns None when the string does not fit; the CRF result stands then.
All patterns are linear (inputs are length-capped by the caller).
"""

from __future__ import annotations

import re

from citecheck.model import CSL
from citecheck.refs.names import split_names
from citecheck.refs.rules import TYPECODE_RE, TYPECODE_TO_CSL

_YEAR = r"(?:1[5-9]|20)\d\d"
_CITE_DATE = re.compile(r"\[\s*\d{4}(?:-\d{1,2}){0,2}\s*\]")
_UPDATE_DATE = re.compile(r"\(\s*(" + _YEAR + r")(?:-\d{1,2}){0,2}\s*\)")
_URL_TAIL = re.compile(r"(?:\.\s+|\s+|^)(?:(?:https?|ftp)://|www\.|DOI\s*:|doi\s*:).*$", re.IGNORECASE)
_AUTHOR_DATE_HEAD = re.compile(r"^(?P<a>.+?),\s*(?P<y>\[?" + _YEAR + r"[a-z]?\]?|n\.d)\.\s+(?P<t>.+)$")
_ETAL_YEAR_HEAD = re.compile(
    r"^(?P<a>.+?(?:等|et al\.?)),\s*(?P<y>\[?" + _YEAR + r"[a-z]?\]?)\.\s+(?P<t>.+)$"
)
_DOTTED_ABBR = re.compile(r"(?:\b[A-Za-z]\.[A-Za-z]|\b(?:Inc|Co|Ltd|Jr|St|Dept|Univ))$")
# `: 卷 1`, `: 第2册`, `: Vol. 1`, `: 2011年卷` at the end of a title or container.
_VOLUME_TAIL = re.compile(
    r":\s+(?P<v>卷\s*(?P<n>\d+)|第\s*[\d一二三四五六七八九十百]+\s*[册卷辑集编部分]|"
    r"[Vv]ol\.?\s*(?P<n2>\d+)|\d{4}\s*年卷)$"
)
# A standard / patent / report number after the title: `GB/T 20090.16-2016`, `ISO 21378:2019`,
# `CN218214474U`, `PB 91-194001`, `7178999X-2006BAK04A10/10.2013`.
_NUMBER_TAIL = re.compile(r":\s+(?P<id>[A-Z0-9][\w./\-:()]*(?:\s[\w./\-:()]+)?)$")
_EDITION = re.compile(r"(?:版|本|\bed\.?|\bedition|\bEd\.?)$|^Rev\b", re.IGNORECASE)
_TRANSLATOR = re.compile(r"(?:译|编译|trans\.?|transl\.?|tr\.)$", re.IGNORECASE)
# `Journal, 2021, 101(16): 1123-1127` / `Journal, 101(16): 1123` / `Journal, 2021(3): 12` / `Journal, 2023, 267`
_JOURNAL_TAIL = re.compile(
    r"^(?P<c>.+?)\s*,\s*(?:(?P<y>" + _YEAR + r")\s*,\s*)?(?P<v>[^\s,():]{1,12})?\s*"
    r"(?:\(\s*(?P<i>[^()]{1,20})\s*\))?\s*(?::\s*(?P<p>[^:,\s][^:,]{0,30}))?$"
)
# author-date, issue-only journals: `文献(1): 56-75`
_JOURNAL_ISSUE_ONLY = re.compile(
    r"^(?P<c>[^,()]+?)\s*(?P<y>)(?P<v>)\(\s*(?P<i>[^()]{1,20})\s*\)\s*(?::\s*(?P<p>[^:,\s][^:,]{0,30}))?$"
)
_NEWS_TAIL = re.compile(
    r"^(?P<c>.+?)\s*,\s*(?P<y>" + _YEAR + r")(?:-\d{1,2}){0,2}\s*(?:\(\s*(?P<p>[^()]{1,10})\s*\))?$"
)
_PUB_YEAR = re.compile(r"(?:^|,\s*|\s)(?P<y>" + _YEAR + r")[a-z]?(?:-\d{1,2}){0,2}\s*(?::\s*(?P<p>.+))?$")
_PAGES_ONLY = re.compile(r"^(?:[^:]*:\s*)?(?P<p>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?)$")

_ANONYMOUS = frozenset(("佚名", "Anon", "Anon.", "Anonymous", "ANON", "ANONYMOUS"))
# Fields this parser decides; the CRF's values for them are dropped when it succeeds.
DECIDED = ("author", "editor", "title", "container-title", "issued", "volume", "issue", "page", "edition")


def _split_sentences(text: str) -> list[str]:
    """Split at `. ` boundaries that are not inside a dotted abbreviation (`U.S. Dept`, `Rev. ed`)."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"\.\s+", text):
        piece = text[start : m.start()]
        if _DOTTED_ABBR.search(piece) or re.search(r"(?:^|\s)(?:Rev|Vol|No|pp?)$", piece):
            continue
        out.append(piece.strip())
        start = m.end()
    out.append(text[start:].strip().rstrip("."))
    return [p for p in out if p]


def _head(head: str) -> tuple[str, str, int | None] | None:
    """(authors, title, year) from the text before the type code."""
    head = head.strip()
    m = _ETAL_YEAR_HEAD.match(head) or _AUTHOR_DATE_HEAD.match(head)
    if m and not re.search(r"[:/]", m.group("a")):
        # `[2020]` is a year the style guessed (from the cite date), not the item's date
        y = None if m.group("y").startswith("[") else re.search(r"\d{4}", m.group("y"))
        return m.group("a").strip(), m.group("t").strip(), int(y.group()) if y else None
    parts = _split_sentences(head)
    if len(parts) == 1:
        return "", parts[0], None
    return parts[0], ". ".join(parts[1:]), None


def _title_tail(title: str, fields: CSL) -> str:
    """Strip a volume or a standard/patent/report number from the end of a title."""
    m = _VOLUME_TAIL.search(title)
    if m:
        fields["volume"] = m.group("n") or m.group("n2") or m.group("v")
        return title[: m.start()].strip()
    m = _NUMBER_TAIL.search(title)
    if m:
        ident = m.group("id")
        if (
            any(ch.isdigit() for ch in ident)
            and (any(ch.isalpha() for ch in ident) or len(ident) >= 6)
            and not re.fullmatch(_YEAR, ident)
        ):
            return title[: m.start()].strip()
    return title


def _pubinfo(seg: str, fields: CSL, keep_pages: bool) -> None:
    """`Place: Publisher, Year: pages` / `Publisher, Year` / `Place: Publisher: pages` / `Year`."""
    m = _PUB_YEAR.search(seg)
    rest = seg
    if m:
        fields["issued"] = {"date-parts": [[int(m.group("y"))]]}
        if m.group("p") and keep_pages:
            fields["page"] = m.group("p").strip()
        rest = seg[: m.start()].strip(" ,")
    else:
        mp = re.search(r":\s*(?P<p>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?[\d.]+[A-Za-z]?)?)$", seg)
        if mp:
            if keep_pages:
                fields["page"] = mp.group("p")
            rest = seg[: mp.start()].strip()
    if ":" in rest:
        place, _, pub = rest.partition(":")
        if place.strip():
            fields["publisher-place"] = place.strip()
        if pub.strip():
            fields["publisher"] = pub.strip()
    elif rest:
        fields["publisher"] = rest


def _container(seg: str, fields: CSL) -> None:
    m = _VOLUME_TAIL.search(seg)
    if m:
        fields["volume"] = m.group("n") or m.group("n2") or m.group("v")
        seg = seg[: m.start()].strip()
    else:
        m2 = re.search(r":\s+(?P<v>[\u3400-\u9fff]{1,4})$", seg)
        if m2:  # `中华人民共和国药典: 一部`
            fields["volume"] = m2.group("v")
            seg = seg[: m2.start()].strip()
    if seg:
        fields["container-title"] = seg


# GB/T renderings without type codes (citeproc-py) still have the structure when a
# standard number (`: GB/T 20090.16-2016.`) or a CJK part-of-book (`研究//编者. 书名`) shows it.
_STANDARD_NO = re.compile(
    r":\s+(?:GB(?:/[TZ])?|[A-Z]{2}/T|ISO(?:/IEC)?|IEC(?:/IEEE)?|IEEE|ANSI|DIN|BS|JIS)\s?[\w.]+\s*[-—:]\s*\d{4}(?=\.(?:\s|$))"
)
_PART_OF = re.compile(r"(?<![:/])//(?!/)")
# `Chapter title//Book title. Publisher, 2012: 235-261` (numeric GB/T without codes)
_PART_OF_LATIN = re.compile(r"[\w)?!]//[A-Z\d]")
# `. Journal, 2021, 49(1): 471-482.` closing a code-less numeric GB/T entry
_JOURNAL_END = re.compile(
    r"\.\s+[^.\s][^.]{1,200}?,\s*(?:" + _YEAR + r"\s*,\s*)?[\w ]{1,12}"
    r"(?:\([^()]{1,20}\)(?:\s*:\s*[\w\-]{1,20})?|\s*:\s*[\w\-]{1,20})\.?"
    r"(?:\s*(?:DOI|doi)\s*:\s*\S+|\s*(?:https?://)\S+)*$"
)
# A GB/T author list: `SMITH J A, LI X, et al` / `王晓明, 李红, 等` (family in capitals or CJK, initials undotted)
_GBT_NAME = r"(?:[A-Z][A-Z'’\-]+(?: [A-Z][A-Za-z'’\-]+)*(?: [A-Z]{1,3})+(?: [a-z]+)*|[\u3400-\u9fff·]{2,12})"
_GBT_NAMES = re.compile(rf"^{_GBT_NAME}(?:, {_GBT_NAME})*(?:, (?:et al\.?|等))?(?:, {_YEAR}[a-z]?)?$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _find_code(text: str) -> tuple[str, int, int] | None:
    """(type code, start, end) of the type code, or of the place where a code-less rendering would have it."""
    m = TYPECODE_RE.search(text)
    if m:
        return m.group(1), m.start(), m.end()
    m = _STANDARD_NO.search(text)
    if m:
        return "S", m.end(), m.end()
    m = _PART_OF.search(text)
    if m and (_CJK_RE.search(text) or _PART_OF_LATIN.match(text, m.start() - 1)):
        return "M", m.start(), m.start()
    m = _JOURNAL_END.search(text)
    if m and _GBT_NAMES.match(_split_sentences(text[: m.start()])[0]):
        return "J", m.start(), m.start() + 1
    return None


# Full-width `．` / `，` become `.` / `,` with no space after them (NFKC): restore the space.
# The separator comes first so the regex engine scans for `.`/`,` instead of trying every position.
_CJK_SEP = re.compile(r"([.,])(?:(?<=[\u3400-\u9fff\]）)][.,])(?=[^\s\d])|(?=[\u3400-\u9fff]))")
_ACRONYM_TAIL = re.compile(r"\.\s+([A-Z]{2,6})$")
_JOURNAL_QUALIFIER = re.compile(
    r"^(?:[a-z]|(?:Supplement|Suppl|British volume|American volume|(?:Part|Section|Series) [A-Z])$)"
)


def _journal_sentence(fields: CSL) -> None:
    """Journal names with a sentence break (`JACC. Basic to ...`, `... Laryngology. Supplement`)."""
    title, cont = fields.get("title", ""), fields.get("container-title", "")
    m = _ACRONYM_TAIL.search(title)
    if m:
        fields["title"], fields["container-title"] = title[: m.start()].strip(), f"{m.group(1)}. {cont}"
    elif _JOURNAL_QUALIFIER.match(cont) and ". " in title:
        head, _, last = title.rpartition(". ")
        fields["title"], fields["container-title"] = head.strip(), f"{last}. {cont}"


_YEAR_IN_TAIL = re.compile(r"(?<![\d./-])" + _YEAR + r"(?!\d)")


def parse_gbt(text: str) -> CSL | None:
    """Fields of a GB/T 7714 entry with a type code, or None when the structure does not fit.

    When the publication part has a shape the rules do not know (a journal name with a full stop,
    `1957(1)–1990(4)` for a serial, `1865(清同治四年)`, an arXiv-style `abs/1906.05264` volume), its first
    year — outside URLs and DOIs — is still the entry's year: GB/T 7714 prints the year only there,
    and a bare year is never the container.
    """
    fields = _parse_structure(text)
    if fields is None:
        return None
    container = fields.get("container-title")
    if isinstance(container, str) and re.fullmatch(_YEAR + r"\.?", container.strip()):
        del fields["container-title"]
    if "issued" not in fields:
        found = _find_code(_CJK_SEP.sub(r"\1 ", text))
        tail = _URL_TAIL.sub("", _CITE_DATE.sub("", _CJK_SEP.sub(r"\1 ", text)[found[2]:])) if found else ""
        year = _YEAR_IN_TAIL.search(tail)
        if year:
            fields["issued"] = {"date-parts": [[int(year.group())]]}
    return fields


def _parse_structure(text: str) -> CSL | None:
    text = _CJK_SEP.sub(r"\1 ", text)
    found = _find_code(text)
    if not found or found[1] == 0:
        return None
    code, start, end = found
    fields: CSL = {"type": TYPECODE_TO_CSL.get(code, "document")}
    h = _head(text[:start])
    if h is None:
        return None
    authors, title, year = h
    rest = text[end:]
    # a second type code (a merged entry) is beyond what the rules know
    if TYPECODE_RE.search(rest):
        return None
    title = _title_tail(title, fields)
    if not title:
        return None
    fields["title"] = title
    if authors and authors not in _ANONYMOUS:
        names = split_names(authors)
        if not names:
            return None
        fields["author"] = names
    if year:
        fields["issued"] = {"date-parts": [[year]]}
    rest = _URL_TAIL.sub("", rest.strip())
    upd = _UPDATE_DATE.search(rest)
    if upd and "issued" not in fields:
        fields["issued"] = {"date-parts": [[int(upd.group(1))]]}
    rest = _UPDATE_DATE.sub("", _CITE_DATE.sub("", rest)).strip()
    chapter = rest.startswith("//")
    rest = rest.lstrip("/").lstrip(". ").strip().rstrip(".").strip()
    segs = _split_sentences(rest) if rest else []
    segs = [s for s in segs if not _TRANSLATOR.search(s)]
    ed = [s for s in segs if _EDITION.search(s) and len(s) <= 24]
    if ed:
        fields["edition"] = ed[0]
        segs = [s for s in segs if s not in ed]
    had_year = "issued" in fields
    if chapter:
        if fields["type"] in ("book", "document"):
            fields["type"] = "chapter"
        if not segs:
            return None
        pub = segs[-1] if len(segs) >= 2 else ""
        front = segs[:-1] if pub else segs
        if pub and not (re.search(r"\d", pub) or ": " in pub):
            front, pub = segs, ""
        if len(front) >= 2:
            eds = split_names(front[0])
            if eds:
                fields["editor"] = eds
            _container(". ".join(front[1:]), fields)
        elif front:
            _container(front[0], fields)
        if pub:
            mp = _PAGES_ONLY.match(pub)
            if mp and not re.fullmatch(_YEAR, mp.group("p")) and ":" not in pub:
                fields["page"] = mp.group("p")  # author-date `//Proceedings. 2`
            else:
                _pubinfo(pub, fields, keep_pages=True)
        if had_year:
            fields["issued"] = {"date-parts": [[year]]}
        return fields
    if code == "J":
        if not segs:
            return fields
        mj = _JOURNAL_TAIL.match(segs[0]) or _JOURNAL_ISSUE_ONLY.match(segs[0])
        if not mj:
            fields["container-title"] = segs[0]
            return fields
        fields["container-title"] = mj.group("c")
        _journal_sentence(fields)
        v, i, p = mj.group("v"), mj.group("i"), mj.group("p")
        if mj.group("y"):
            fields["issued"] = {"date-parts": [[int(mj.group("y"))]]}
        elif v and re.fullmatch(_YEAR, v) and (not had_year or int(v) == year):
            fields["issued"] = {"date-parts": [[int(v)]]}
            v = None
        if v:
            fields["volume"] = v
        if i:
            fields["issue"] = i.strip()
        if p:
            fields["page"] = p.strip()
        return fields
    if code == "N":
        if segs:
            mn = _NEWS_TAIL.match(segs[0])
            if mn:
                fields["container-title"] = mn.group("c")
                fields["issued"] = {"date-parts": [[int(mn.group("y"))]]}
                if mn.group("p"):
                    fields["page"] = mn.group("p")
            else:
                fields["container-title"] = segs[0]
        return fields
    if code == "P":
        if segs:
            y = re.match(_YEAR, segs[-1])
            if y and not had_year:
                fields["issued"] = {"date-parts": [[int(y.group())]]}
        return fields
    if segs:
        _pubinfo(segs[-1], fields, keep_pages=code == "R")
        if had_year:
            fields["issued"] = {"date-parts": [[year]]}
    return fields
