"""Reference-string parser: one reference string → CSL-JSON fields.

Pipeline, each step a pure function:

1. `prepare` — cap the length, NFKC (full-width punctuation), unify dashes, drop
   markdown emphasis, strip the citation label (`[12]`, `12.`, `1、`, `(1)`);
2. `tokenize` + CRF (`crf.tag`) — a token-level sequence labeller trained on
   AnyStyle/GROBID/GB/T annotations and synthetic renderings of real records
   (see ``benchmarks/train_parser.py``);
3. `build_fields` — spans to clean CSL values (names, year, vol(issue), pages);
4. exact rules (`rules`) — DOI, PMID, URL, GB/T type code and the NLM / GB/T
   locator blocks override the model where their syntax is unambiguous;
5. GB/T 7714 structure (`gbt`) — an entry with a type code (`[J]`, `[M]`, `[S]`…)
   is segmented by rule; the CRF result stands when the structure does not fit.

`parse_reference` never raises: any failure becomes an Issue (`parse_error`).
"""

from __future__ import annotations

import re
import unicodedata

import citecheck.refs.crf as crf
import citecheck.refs.gbt as gbt
import citecheck.refs.rules as rules
from citecheck.identifiers import ARXIV_ID_RE, arxiv_number
from citecheck.model import CSL, Issue
from citecheck.refs.fields import YEAR_RE, build_fields, clean_pages, clean_title, infer_type, year_of
from citecheck.refs.names import split_names
from citecheck.refs.tokens import tokenize
from citecheck.text import unify_dashes

MAX_REFERENCE_CHARS = 2000
"""Longer strings are parsed on their first MAX_REFERENCE_CHARS characters (a real reference is far shorter;
anything longer is a merged entry or a whole paragraph, and the CRF is linear but not free)."""

_LABEL_RE = re.compile(
    r"^\s*(?:\[\s*\d{1,4}\s*\]|［\s*\d{1,4}\s*］|\(\s*\d{1,3}\s*\)|\d{1,3}\s*(?:[.、)](?!\d)|\s(?=\D)))\s*"
)
_BRACKET_LABEL_RE = re.compile(r"^\s*(?:\[\s*\d{1,3}\s*\]|［\s*\d{1,3}\s*］|〔\s*\d{1,3}\s*〕)\s*")
# Markdown emphasis (`*Journal*`, `**Title**`); underscores are left alone (URLs use them).
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*{1,3}(?=\S)|(?<=\S)\*{1,3}(?![\w*])")
_WS_RE = re.compile(r"\s+")
_TAG_RE = re.compile(
    r"</?(?:i|b|u|em|strong|italic|bold|sup|sub|sc|span|font|a|jats:[a-z-]+)(?:\s[^<>]{0,200})?>",
    re.IGNORECASE,
)
_CJK_PUNCT = str.maketrans({"。": ". ", "、": ", ", "【": "[", "】": "]", "《": "", "》": ""})


def normalise_chars(text: str) -> str:
    """Character-level normal form the model was trained on: NFKC, ASCII dashes, no markup."""
    if not text.isascii():  # ASCII is NFKC-stable and holds no dash look-alike
        text = unify_dashes(unicodedata.normalize("NFKC", text))
    if "*" in text:
        text = _EMPHASIS_RE.sub("", text)
    if "<" in text:
        text = _TAG_RE.sub("", text)
    return text


def finish(text: str) -> str:
    """CJK sentence punctuation to ASCII separators, whitespace collapsed."""
    if not text.isascii():  # the CJK punctuation is all outside ASCII
        text = text.translate(_CJK_PUNCT)
    return _WS_RE.sub(" ", text).strip()


def prepare(text: str) -> tuple[str, str, list[Issue]]:
    """(clean text, citation label, issues): normalise the string the way the model was trained."""
    issues: list[Issue] = []
    if len(text) > MAX_REFERENCE_CHARS:
        issues.append(
            Issue(
                "truncated_input",
                f"reference is {len(text)} characters long; parsed only the first {MAX_REFERENCE_CHARS}",
                before=text[MAX_REFERENCE_CHARS : MAX_REFERENCE_CHARS + 40],
            )
        )
        text = text[:MAX_REFERENCE_CHARS]
    text = normalise_chars(text)
    label = ""
    m = _LABEL_RE.match(text)
    if m and m.end() < len(text):
        label = m.group().strip()
        text = text[m.end() :]
        m = _BRACKET_LABEL_RE.match(text)  # a list's number before the entry's own (`28 [1]`, `10 〔1〕`)
        if m and m.end() < len(text):
            text = text[m.end() :]
    return finish(text), label, issues


def _split_title_journal(fields: CSL) -> None:
    """`Title. Journal` labelled as one field, in styles where a journal always follows the title.

    Only called when a journal locator (`2010;9(3):129`, `2021, 101(16): 1123`,
    `, 20(6), 3068`) shows the item is a journal article: then the last sentence
    of a title with no journal is the journal, and the head of a journal with no
    title is the title.
    """
    if "container-title" not in fields and ". " in fields.get("title", ""):
        head, _, tail = fields["title"].rpartition(". ")
        if head and 0 < len(tail.split()) <= 8:
            fields["title"], fields["container-title"] = head, tail
    elif "title" not in fields and ". " in fields.get("container-title", ""):
        head, _, tail = fields["container-title"].rpartition(". ")
        if head and 0 < len(tail.split()) <= 8 and len(head.split()) >= 3:
            fields["title"], fields["container-title"] = head, tail


def _apply_rules(text: str, fields: CSL) -> None:
    """Exact rules override or fill the model's fields (in place)."""
    doi = rules.find_doi(text)
    if doi:
        fields["DOI"] = doi
    url = rules.find_url(text)
    if url and not (doi and doi in url):
        fields["URL"] = url
    elif url and "URL" not in fields:
        fields["URL"] = url
    pmid = rules.find_pmid(text)
    if pmid:
        fields["PMID"] = pmid
    loc = rules.find_locator(text)
    if loc or rules.APA_RE.search(text):
        _split_title_journal(fields)
    if loc:
        fields["issued"] = {"date-parts": [[int(loc["year"])]]}
        fields["volume"] = loc["volume"]
        if loc.get("issue"):
            fields["issue"] = loc["issue"].strip()
        fields["page"] = clean_pages(loc["pages"])
        _strip_locator(loc, fields)
    tc = rules.find_typecode(text)
    if tc:
        fields["type"] = tc[0]
    _arxiv(text, fields)


_LOCATOR_TAIL = re.compile(r"[\s,.;]*(\d{1,5})\s*[,;(]\s*(\d{1,5}(?:-\d{1,5})?|S\d{1,3})\)?(?:\s*,\s*Article\s+\w+)?\s*$")


def _strip_locator(loc: dict[str, str], fields: CSL) -> None:
    """A title or journal the model ran into the locator block (`Digital Libraries 12, 3`) loses it."""
    if not loc.get("issue"):
        return
    for key in ("container-title", "title"):
        value = fields.get(key)
        m = _LOCATOR_TAIL.search(value) if isinstance(value, str) else None
        if m and m.start() > 0 and (m.group(1), m.group(2)) == (loc["volume"], loc["issue"]):
            fields[key] = value[: m.start()].rstrip(" ,.;")


def _arxiv(text: str, fields: CSL) -> None:
    """An arXiv identifier is the item's number (`arXiv:1810.04805`, as arXiv's own records have it), and its
    digits are no year, volume or page: the model read `1810` in `arXiv:1810.04805. 2018` as the year."""
    m = ARXIV_ID_RE.search(text)
    if m is None:
        return
    fields["number"] = arxiv_number(m.group(1).lower())
    if re.fullmatch(r"(?i)(?:arxiv|corr)?(?: preprint)?", str(fields.get("container-title", "")).strip()):
        fields.setdefault("type", "article")  # CSL's type for a preprint
    rest = ARXIV_ID_RE.sub(" ", text)  # every copy of the id (`arxiv.org/abs/…v1;arxiv.org/pdf/…v1`)
    shown = set(re.findall(r"[A-Za-z]?\d+[A-Za-z]?", rest))
    for key in ("volume", "issue", "page"):
        value = str(fields.get(key, ""))
        if value and not set(re.findall(r"[A-Za-z]?\d+[A-Za-z]?", value)) <= shown:
            del fields[key]
    parts = (fields.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts[0] else None
    if year is None or str(year) not in YEAR_RE.findall(rest):
        fresh = year_of(rest)  # none printed: none given (the id's `1810` is when it was submitted, not printed)
        if fresh:
            fields["issued"] = {"date-parts": [[fresh]]}
        else:
            fields.pop("issued", None)


def parse_prepared(text: str) -> tuple[CSL, bool]:
    """(fields, whether the model was available) of an already `prepare`d string (raises only on internal bugs).

    A string with GB/T 7714 structure is not tagged: the structure decides every field
    the CRF gives (`gbt.DECIDED`, publisher, place), so its labels would be thrown away.
    """
    structured = gbt.parse_gbt(text)
    fields: CSL = {}
    if structured:
        _apply_rules(text, fields)
        for k in (*gbt.DECIDED, "publisher", "publisher-place"):
            fields.pop(k, None)
        fields.update(structured)
        used_model = crf.model_available()
    else:
        tokens = tokenize(text)
        labels = crf.tag(tokens, text)
        if labels:
            fields = build_fields(text, tokens, labels)
        _apply_rules(text, fields)
        if labels is None and "issued" not in fields and (y := year_of(text)):
            fields["issued"] = {"date-parts": [[y]]}  # no model installed: the rules' year at least
        _container_tail(fields)
        _container_as_title(text, fields)
        _vancouver_authors(text, fields)
        _apa_title(text, fields)
        used_model = labels is not None
    if "type" not in fields:
        fields["type"] = infer_type(fields, text)
    return _ordered(fields), used_model


_FAMILY_WORD = r"(?:(?:van|von|de|der|den|del|della|di|da|du|dos|das|le|la|ter|ten)\s+)*[A-Z][\w'’-]+"
_NLM_PERSON = rf"{_FAMILY_WORD}(?:\s+{_FAMILY_WORD}){{0,2}}\s+[A-Z]{{1,4}}(?:\s+(?:Jr|Sr|2nd|3rd|II|III|IV))?"
NLM_AUTHORS_RE = re.compile(rf"^({_NLM_PERSON}(?:,\s*{_NLM_PERSON})+(?:,?\s+et\s+al)?)\.\s")
"""The author block NLM/Vancouver styles open with: at least two `Family INITIALS` joined by commas
(`He K, Zhang X, Ren S, Sun J.`), initials in capitals without stops, the block closed by a full stop."""


def _vancouver_authors(text: str, fields: CSL) -> None:
    """The model's author/title boundary inside an NLM author block, moved to the block's full stop.

    The block's syntax is exact, and the model sometimes ends the authors early (`He K, Zhang X` with
    `Ren S, Sun J. Deep residual …` as the title) or late (`Toutanova K. BERT` read as one person, the
    title losing `BERT:`). Applied only when every author the model found is in the block or is a word the
    model took from after it, and the title stands in the string as read, so the title's ends are known.
    """
    m = NLM_AUTHORS_RE.match(text)
    title = fields.get("title")
    if not m or not isinstance(title, str) or not title:
        return
    block = split_names(m.group(1))
    families = [p.get("family") for p in block]
    found = [p.get("family") or p.get("literal") for p in fields.get("author", [])]
    if found == families or None in families:
        return
    after = set(re.findall(r"\w+", text[m.end() :]))
    if not all(f and (f in families or f in after) for f in found):
        return
    at = text.find(title)
    if at < 0:
        return
    head = text[m.end() : at]
    if at > m.end() and (len(head.split()) > 3 or ". " in head):
        return  # words between the block and the title that are not the title's head
    fields["author"] = block
    fields["title"] = clean_title(text[m.end() : at + len(title)])


_APA_DATE = re.compile(r"\((?:(?:1[5-9]|20)\d\d[a-z]?(?:,\s*[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?|n\.\s?d\.)\)\.\s+")
_APA_TITLE_END = re.compile(r"\s\((?:Version|Vers\.|v)\s*\d[^)]{0,30}\)|\s\[[^\]]{1,40}\]|[.?!](?=\s|$)")


def _apa_title(text: str, fields: CSL) -> None:
    """No title from the model, but an author–date string (`… Persaud, A. (2021). Lmfit/lmfit-py: 1.0.3 (Version
    1.0.3). Zenodo.`): the title is the sentence after the bracketed date, without a version or a `[Computer
    software]` note. Only where the model found none: a long author list pushes the model off its usual path."""
    if "title" in fields or not (m := _APA_DATE.search(text)):
        return
    rest = text[m.end() :]
    end = _APA_TITLE_END.search(rest)
    title = clean_title(rest[: end.start()] if end else rest)
    if not re.search(r"[^\W\d_]{3,}", title) or title.lower().startswith(("http", "www.", "doi")):
        return
    for key in ("container-title", "publisher"):
        value = fields.get(key)
        if isinstance(value, str) and value.startswith(f"{title}. "):  # `Gymnasium. Zenodo` as one container
            fields["title"], fields[key] = title, value[len(title) + 2 :].strip()
            return
    after = rest[end.end() :] if end else ""
    if fields.get("publisher") == title and not re.search(r"[^\W\d_]{3,}", rules.URL_RE.sub("", after)):
        fields["title"] = fields.pop("publisher")  # `(2016). OpenAI gym.` and nothing more: a title, not a publisher
        return
    others = [str(fields.get(k) or "") for k in ("container-title", "publisher", "collection-title")]
    others += [str(p.get("family") or p.get("literal") or "") for p in fields.get("editor", [])]
    if not any(o and (o in title or title in o) for o in others):  # else the journal, publisher or editors
        fields["title"] = title


# `Phys. Rev. D46`, `EngineeringMechanics24`: the volume glued to the journal is one token,
# which the CRF labels as container; `Aust Vet J Vol`, `Proceedings (1996)`: a marker or date it ran into.
_GLUED_VOLUME = re.compile(
    r"(?:(?<=[\s.])|^)[A-Z](?P<v>\d{1,5}(?:S\d)?)$|(?<=[a-z]{2})(?P<v2>\d{1,5})$|(?<=[\u3040-\u9fff])(?P<v3>\d{1,5})$"
)
_CONTAINER_JUNK = re.compile(
    r"(?:[\s,]+(?:Vol|vol|Volume|VOLUME|No|no|Nr|nr)\.?|\s*\(\s*(?:1[5-9]|20)\d\d\s*\)|\s*\(\s*\d+\s*:\s*\d+\s*\))$"
)


def _container_tail(fields: CSL) -> None:
    cont = fields.get("container-title")
    if not cont:
        return
    cont = _CONTAINER_JUNK.sub("", cont)
    m = _GLUED_VOLUME.search(cont)
    if m and (" " in cont.strip() or m.group("v3")):
        v = m.group("v") or m.group("v2") or m.group("v3")
        fields.setdefault("volume", v)
        cont = cont[: len(cont) - len(v)]
    fields["container-title"] = cont.strip()


_IN_MARK = re.compile(
    r"(?:^|[\s.,;:])(?:In|in|IN|Dans|dans|En|Im)\s*:?\s|//|\b(?:eds?|Hrsg|dir|éd)\.|\(eds?\.?\)"
)


def _container_as_title(text: str, fields: CSL) -> None:
    """A container with no title, no volume/issue, no `In:` but a publisher is a book's title.

    (`Title. Place: Publisher, 1999`: the CRF sometimes labels a book title as container.)
    """
    if "title" in fields or "container-title" not in fields:
        return
    if any(k in fields for k in ("volume", "issue", "editor")) or _IN_MARK.search(text):
        return
    if "publisher" not in fields and "publisher-place" not in fields:
        return
    fields["title"] = fields.pop("container-title")


_ORDER = (
    "type",
    "author",
    "editor",
    "title",
    "container-title",
    "issued",
    "volume",
    "issue",
    "page",
    "edition",
    "publisher",
    "publisher-place",
    "DOI",
    "PMID",
    "URL",
)


def _ordered(fields: CSL) -> CSL:
    out = {k: fields[k] for k in _ORDER if k in fields}
    out.update({k: v for k, v in fields.items() if k not in out})
    return out


def parse_reference(text: str) -> tuple[CSL, list[Issue]]:
    """Parse one reference string into CSL-JSON fields; never raises.

    Issues reported: `truncated_input`, `no_title`, `no_year`, `no_model`
    (the CRF model file is missing; only exact rules ran), `parse_error`.
    """
    issues: list[Issue] = []
    try:
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        clean, _label, issues = prepare(text)
        if not clean:
            return {"type": "document"}, [*issues, Issue("empty", "empty reference string")]
        fields, used_model = parse_prepared(clean)
        if not used_model:
            issues.append(Issue("no_model", "parser model file is missing; only exact rules were applied"))
        if "title" not in fields:
            issues.append(Issue("no_title", "no title found", before=clean[:80]))
        if "issued" not in fields:
            issues.append(Issue("no_year", "no year found", before=clean[:80]))
        return fields, issues
    except Exception as exc:  # the parser must never take the pipeline down
        return {"type": "document"}, [
            *issues,
            Issue("parse_error", f"{type(exc).__name__}: {exc}", before=str(text)[:200]),
        ]
