"""From labelled tokens to clean CSL-JSON fields.

The CRF labels tokens; this module cuts each field's span out of the string
(so values keep the writer's spelling), then cleans it the way each field needs:
names split into family/given, the year taken from a date span, `vol(issue)`
split, `pp.` and `In:` stripped, quotes and trailing punctuation removed, page
dashes normalised. It also infers the CSL type when no GB/T code gives it.
"""

from __future__ import annotations

import re

from citecheck.model import CSL
from citecheck.refs.names import split_names
from citecheck.refs.tokens import Token

YEAR_RE = re.compile(r"(?<!\d)((?:1[5-9]|20)\d\d)(?!\d)")
_TRAIL = " \t.,;:/"
_QUOTES = "\"'“”‘’«»「」『』《》"
_IN_PREFIX = re.compile(r"^(?:in\s*:\s*|in\s+(?=[A-Z\d])|//\s*|见\s*[:：]?\s*)", re.IGNORECASE)
_PAGES_PREFIX = re.compile(r"^(?:pp?\s*\.?\s*|pages?\s*|s\.\s*|seiten\s*|第\s*)", re.IGNORECASE)
_VOL_PREFIX = re.compile(
    r"^(?:vol(?:ume)?s?\s*\.?\s*|v\.\s*|bd\.\s*|t\.\s*|tome\s*|band\s*|第\s*)", re.IGNORECASE
)
_ISSUE_PREFIX = re.compile(r"^(?:no\s*\.?\s*|n[°º]\s*|nr\.?\s*|issue\s*|h\.\s*|heft\s*|第\s*)", re.IGNORECASE)
_VOL_ISSUE = re.compile(r"^(\w+)\s*\(\s*([^()]+?)\s*\)?$")
_VOL_NO = re.compile(r"^(\w+)\s*[,;.]?\s*(?:no|n°|nº|nr|issue|heft|h)\s*\.?\s*(\w+)$", re.IGNORECASE)
_VOL_PAGE = re.compile(r"^(\w+)\s*,\s*(\d+)$")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DASHES = re.compile(r"\s*[-‐‑‒–—―−~～]+\s*")
_EDITOR_IN = re.compile(r"^(?:in|dans|en)\b\s*:?\s*", re.IGNORECASE)
_TYPECODE_TAIL = re.compile(r"\s*\[[A-Z]{1,2}(?:\s*/\s*[A-Z]{2})?\]\s*$")

# Labels whose first span is kept as the field's value.
_SIMPLE = {
    "title": "title",
    "container": "container-title",
    "publisher": "publisher",
    "location": "publisher-place",
    "edition": "edition",
}


def spans(tokens: list[Token], labels: list[str]) -> list[tuple[str, int, int]]:
    """Runs of equal labels as (label, start, end) character spans.

    Two runs of the same label separated only by separator punctuation ("O")
    are joined: the CRF often marks a comma inside an author list as "O".
    """
    out: list[tuple[str, int, int]] = []
    pending_o = False
    for tok, lab in zip(tokens, labels, strict=False):
        if lab == "O":
            pending_o = pending_o or tok.kind != "punct"
            if tok.kind != "punct":
                out.append(("O", tok.start, tok.end))
            continue
        if out and out[-1][0] == lab and not pending_o:
            out[-1] = (lab, out[-1][1], tok.end)
        else:
            out.append((lab, tok.start, tok.end))
        pending_o = False
    return [s for s in out if s[0] != "O"]


_WS = re.compile(r"\s+")
_CJK_UNIT = re.compile(r"\s*[卷期巻号號]$")


def clean_text(value: str) -> str:
    """Strip wrapping quotes/brackets, `In:` and trailing separators; collapse whitespace."""
    value = _WS.sub(" ", value).strip()
    for _ in range(3):
        before = value
        value = value.strip(_TRAIL)
        value = _IN_PREFIX.sub("", value)
        if not value:
            break
        if len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES:
            value = value[1:-1]
        elif value[0] in _QUOTES and value.count(value[0]) == 1:
            value = value[1:]
        elif value[-1] in _QUOTES and value.count(value[-1]) == 1:
            value = value[:-1]
        if value.startswith("(") and value.endswith(")") and value.count("(") == 1:
            value = value[1:-1]
        if value.endswith(")") and value.count("(") < value.count(")"):
            value = value[:-1]
        if value.startswith("(") and value.count("(") > value.count(")"):
            value = value[1:]
        if value == before:
            break
    return value.strip()


_DATE_TAIL_HEAD = re.compile(r"^[^()]{0,20}\)\s*[.,:]?\s+(?=\S)")


def clean_title(value: str) -> str:
    """Title/container cleanup; also drops a date tail the model ran into (`Oct 5). Title`)."""
    value = _TYPECODE_TAIL.sub("", value)
    if ")" in value[:22] and "(" not in value.split(")", 1)[0]:
        value = _DATE_TAIL_HEAD.sub("", value)
    value = clean_text(value)
    return _YEAR_HEAD.sub("", value, count=1) if value[:1] in "(12" else value


# `1998. Title` / `(1998). Title`: the date the model ran into at the start of a title
_YEAR_HEAD = re.compile(r"^\(?(?:1[5-9]|20)\d\d[a-z]?\)?\.\s+(?=\S)")


def clean_pages(value: str) -> str:
    value = clean_text(value)
    value = _PAGES_PREFIX.sub("", value).strip()
    value = _PAGES_SUFFIX.sub("", value)
    return _DASHES.sub("-", value).strip("-")


# `123 p.`, `297 pages`, `193 s.`, `45 页`: a page count's unit
_PAGES_SUFFIX = re.compile(r"(?<=\d)\s*(?:页|頁)$|(?<=\d)\s+(?:pp?|pages?|[Ss]|Seiten|str)\.?$")


_ISSUE_MARK_TAIL = re.compile(r"[\s,;.]*\b(?:no|n°|nº|nr|issue|heft)\s*\.?$|[\s,;.]*n°$", re.IGNORECASE)


def clean_number(value: str, prefix: re.Pattern[str]) -> str:
    value = clean_text(value)
    value = prefix.sub("", value).strip()
    value = _ISSUE_MARK_TAIL.sub("", value).strip(" ,;.")
    value = _CJK_UNIT.sub("", value)
    return _DASHES.sub("-", value)


def year_of(value: str) -> int | None:
    m = YEAR_RE.search(value)
    return int(m.group(1)) if m else None


def build_fields(text: str, tokens: list[Token], labels: list[str]) -> CSL:
    """CSL fields from the labelled tokens of `text` (no exact-rule overrides here)."""
    fields: CSL = {}
    by_label: dict[str, list[str]] = {}
    sp = _split_in_title(text, spans(tokens, labels))
    for lab, a, b in sp:
        by_label.setdefault(lab, []).append(text[a:b])
    for lab, key in _SIMPLE.items():
        if lab in by_label:
            v = (
                clean_title(by_label[lab][0])
                if lab in ("title", "container")
                else clean_text(by_label[lab][0])
            )
            if v and lab in ("title", "container"):
                v, ed = _strip_title_tail(v)
                if ed and "edition" not in fields:
                    fields["edition"] = ed
            if v:
                fields[key] = v
    if "author" in by_label:
        names = split_names(by_label["author"][0])
        if names:
            fields["author"] = names
    if "editor" in by_label:
        # AnyStyle-style annotations put `In`/`dans` into the editor span (`In J. Smith (Ed.)`)
        names = split_names(_EDITOR_IN.sub("", by_label["editor"][0].lstrip()))
        if names:
            fields["editor"] = names
    for d in by_label.get("date", []):
        y = year_of(d)
        if y:
            fields["issued"] = {"date-parts": [[y]]}
            break
    if "issued" not in fields:
        fields.update(_fallback_year(text, sp))
    if "volume" in by_label:
        vol = clean_number(by_label["volume"][0], _VOL_PREFIX)
        m = _VOL_ISSUE.match(vol) or _VOL_NO.match(vol)
        if m:
            vol = m.group(1)
            fields.setdefault("issue", m.group(2))
        m = _VOL_PAGE.match(vol)
        if m and "pages" not in by_label:
            vol, fields["page"] = m.group(1), m.group(2)  # AIP `Phys. Rev. 187, 85 (1969)`
        if vol:
            fields["volume"] = vol
    if "issue" in by_label:
        iss = clean_number(by_label["issue"][0], _ISSUE_PREFIX)
        if iss:
            fields["issue"] = iss
    if "pages" in by_label:
        pg = clean_pages(by_label["pages"][0])
        if pg and not _DATE_LIKE.match(pg):
            fields["page"] = pg
    return fields


# `“Title,” in “Proceedings`, `‘Title’, in Journal`, `“Title.” In Book`: a quoted title
# the CRF ran into its container; the closing quote (after or before punctuation) ends it.
_QUOTE_END = re.compile(r"(?:(?<=[.,?!])[\"”’']|[\"”’'](?=[.,:;]))[.,:;]?\s+(?:(?:in|In|IN|dans|Dans)\s*:?\s+)?")
_OPEN_QUOTES = "\"“‘'«„"
# `Title. In: Book`, `Title, in Book`, `Title In: Book`, `Title. Dans Book`: an unquoted part-of marker
_IN_END = re.compile(r"(?:[.,;]\s+(?:In|in|IN|Dans|dans)\s*:?|\s+(?:In|IN|in|Dans)\s*:)\s+(?=[A-Z“\"«‘\d])")


def _split_in_title(text: str, sp: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Split a title span at the end of a quoted title or at an `In:` marker.

    The container is the rest of the span, joined with a container span that
    follows directly (`…, in Les agglomérations secondaires. La Gaule…`); the
    split is only made when no container lies elsewhere.
    """
    ti = next((i for i, s in enumerate(sp) if s[0] == "title"), None)
    if ti is None:
        return sp
    _, a, b = sp[ti]
    raw = text[a:b]
    cut = None
    before = text[:a].rstrip()
    if raw[:1] in _OPEN_QUOTES or before[-1:] in _OPEN_QUOTES:
        m = _QUOTE_END.search(raw, 2)
        if m and m.end() < len(raw):
            cut = (a + m.start(), a + m.end())
    if cut is None:
        m = _IN_END.search(raw, 3)
        if m and m.end() < len(raw):
            cut = (a + m.start(), a + m.end())
    if cut is None:
        return sp
    ci = next((i for i, s in enumerate(sp) if s[0] == "container"), None)
    end = b
    drop = None
    if ci is not None:
        _, ca, cb = sp[ci]
        if ci == ti + 1 and not text[b:ca].strip(" .,;:"):
            end, drop = cb, ci
        else:
            return sp
    out = list(sp)
    out[ti] = ("title", a, cut[0])
    if drop is not None:
        out[drop] = ("container", cut[1], end)
    else:
        out.insert(ti + 1, ("container", cut[1], end))
    return out


# `. Edited by X`, `, trans. X`, `. (Trans.) X`, `. Tradução de X`, `. Ed. X`: the editor or
# translator statement after a book title; `. 2nd edition`, `. 1a ed`: its edition; `. 1969`: a year
_TITLE_TAIL_ROLE = re.compile(
    r"[.,;]\s+\(?(?:Edited|edited|Translated|translated|Trad(?:uit|ucción|ução|otto)?|trad|Trans|trans|Übers|hrsg|Hrsg|Ed|Eds|ed)"
    r"\b\.?\)?(?:\s+(?:by|de|par|von|da|di|por)\b)?(?:\s+\S.*)?$"
)
_TITLE_TAIL_EDITION = re.compile(
    r"[.,;]\s+(\d{1,2}(?:st|nd|rd|th|a|e|è|ème|er|\.)?\s*(?:ed\.?|edn\.?|edition|éd\.?|édition|Aufl\.?|Auflage|edizione|edición))$",
    re.IGNORECASE,
)
_TITLE_TAIL_YEAR = re.compile(r"\.\s+(?:1[5-9]|20)\d\d$")
_TITLE_TAIL_GENRE = re.compile(
    r"[.,]\s+(?:(?:Master|Bachelor|Doctoral|Diploma|Honou?rs)['’]?s?\s+(?:thesis|dissertation)"
    r"|Ph\.?\s?D\.?\s+(?:thesis|dissertation)|(?:Doctoral\s+)?Dissertation|Technical\s+report|Tech\.\s+Rep\.?"
    r"|Patent\s+(?:No\.?|number)?\s*[\w,/-]{0,20}|Video|Preprint|Working\s+paper)$",
    re.IGNORECASE,
)
"""The kind of work (`Master's thesis`, `Ph.D. Dissertation`, `Patent No. 12345`, `Technical report`) the model
ran into the title: ACM and APA styles print it as a sentence of its own after the title."""


def _strip_title_tail(value: str) -> tuple[str, str]:
    """(title, edition) with an editor/translator statement, edition or year cut off the end."""
    ed = ""
    m = _TITLE_TAIL_EDITION.search(value)
    if m and len(value[: m.start()].split()) >= 2:
        ed, value = m.group(1), value[: m.start()]
    m = _TITLE_TAIL_ROLE.search(value)
    if m and len(value[: m.start()].split()) >= 2:
        value = value[: m.start()]
    m = _TITLE_TAIL_YEAR.search(value)
    if m and len(value[: m.start()].split()) >= 2:
        value = value[: m.start()]
    m = _TITLE_TAIL_GENRE.search(value)
    if m and len(value[: m.start()].split()) >= 2:
        value = value[: m.start()]
    return value.rstrip(_TRAIL), ed


def _fallback_year(text: str, sp: list[tuple[str, int, int]]) -> CSL:
    """A year the model did not label: the first one outside titles, names and bracketed access dates."""
    blocked = [(a, b) for lab, a, b in sp if lab in ("title", "container", "author", "editor", "url", "doi")]
    for m in YEAR_RE.finditer(text):
        a = m.start()
        if any(x <= a < y for x, y in blocked) or text[max(0, a - 1) : a] == "[":
            continue
        return {"issued": {"date-parts": [[int(m.group(1))]]}}
    return {}


_THESIS = re.compile(r"\b(?:thesis|dissertation|ph\.?\s?d|master'?s)\b|学位论文|博士|硕士")
_PATENT = re.compile(r"\bpatent\b|专利")
_CONFERENCE = re.compile(r"\b(?:proc(?:eedings)?|conference|symposium|workshop|congress|meeting)\b|会议")
_PART_OF = re.compile(r"\bin\s*:|//")
_REPORT = re.compile(r"\b(?:technical report|report|working paper)\b|报告")
# A substring every match of the pattern contains: testing for these first spares most strings
# the regex, which tries each alternative at every position.
_KEYS = {
    _THESIS: ("thesis", "dissertation", "ph", "master", "学位论文", "博士", "硕士"),
    _PATENT: ("patent", "专利"),
    _REPORT: ("report", "working paper", "报告"),
}


def _mentions(rx: re.Pattern[str], low: str) -> bool:
    """`rx.search(low)`, skipped when none of the pattern's key substrings occurs."""
    return any(k in low for k in _KEYS[rx]) and rx.search(low) is not None


def infer_type(fields: CSL, text: str) -> str:
    """CSL type from the fields present when no GB/T type code says it."""
    low = text.lower()
    cont = str(fields.get("container-title", "")).lower()
    if _mentions(_THESIS, low):
        return "thesis"
    if _mentions(_PATENT, low):
        return "patent"
    if "container-title" in fields:
        if _CONFERENCE.search(cont):
            return "paper-conference"
        if "editor" in fields or (_PART_OF.search(low) and "volume" not in fields):
            return "chapter"
        if "publisher" in fields and "volume" not in fields and "issue" not in fields:
            return "chapter"
        return "article-journal"
    if _mentions(_REPORT, low):
        return "report"
    if "publisher" in fields:
        return "book"
    if "URL" in fields:
        return "webpage"
    return "article-journal" if "volume" in fields else "document"
