"""Our own BibTeX writer over pybtex's data model.

Entries are built as `pybtex.database.Entry` / `Person` objects (so callers can
use pybtex's model), but the text is written here: pybtex's writer escapes URLs
and DOIs, quotes `month`, and re-spells names. The rules, each tested:

* Values in ``{...}``; `month` as a bare number; fields in one fixed order;
  no banner or comment in the output.
* Text fields escape ``& % $ # _`` as ``\\&`` …, and ``\\ { } ~ ^`` as
  ``{\\textbackslash}``, ``{\\textbraceleft}``, ``{\\textbraceright}``,
  ``{\\textasciitilde}``, ``{\\textasciicircum}`` — a literal brace can't be
  written ``\\{`` because BibTeX counts braces even after a backslash, and an
  unbalanced one would break the file. Whitespace runs become one space
  (BibTeX does the same when reading) and control characters are dropped.
  Unicode, CJK included, is written as is: biber and pybtex read UTF-8.
* `url` and `doi` are written raw. Only what would break the file or the URL
  is percent-encoded: an unbalanced brace (``%7B`` / ``%7D``) and whitespace
  (``%20``). A resolver prefix (``https://doi.org/``) is removed from DOIs.
* Titles brace-protect words a style must not lower-case (see `protect_title`).
* Names are ``Family, Given`` (``von Family, Jr, Given``) joined by ``and``.
  A Chinese name is written ``曹, 雪琛``: pybtex reads it back as family 曹,
  given 雪琛, exactly. Organisations and other literal names are braced
  (``{World Health Organization}``); a name part containing a comma or the
  word "and" is braced so it cannot split the list. A truncated author list
  ends with ``and others``.
* Pages use ``--`` between the ends of a range.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pybtex.database import BibliographyData, Entry, Person

from citecheck.export.csljson import ET_AL, keyed
from citecheck.export.keys import KEY_STOP_WORDS
from citecheck.identifiers import arxiv_of_number
from citecheck.model import CSL, Audit
from citecheck.text import is_cjk_char

ENTRY_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "classic": "book",
    "chapter": "incollection",
    "entry-dictionary": "incollection",
    "entry-encyclopedia": "incollection",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
    "report": "techreport",
    "patent": "patent",
    "manuscript": "unpublished",
}
"""CSL type → BibTeX entry type; anything else (webpage, standard, dataset …) is `misc`."""

FIELD_ORDER = (
    "author", "title", "journal", "booktitle", "editor", "series", "edition", "howpublished",
    "year", "month", "volume", "number", "pages", "eprint", "archiveprefix", "school", "institution", "publisher",
    "address", "isbn", "issn", "doi", "pmid", "pmcid", "url", "urldate", "language",
    "keywords", "note", "abstract",
)  # fmt: skip
"""The order fields are written in; a field not listed here would follow, in insertion order."""

RAW_FIELDS = frozenset({"url", "doi"})
PERSON_ROLES = ("author", "editor")

_ESCAPES = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
}
_ESCAPE_RE = re.compile("|".join(map(re.escape, _ESCAPES)))
_WS = re.compile(r"\s+")
_DASH_RUN = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")
_SENTENCE_END = set(":.?!。：？！")
_MASTERS = re.compile(r"master|硕士|\bm\.?\s?(?:sc|s|a|phil)\b", re.IGNORECASE)
_AND_WORD = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


# --- values -----------------------------------------------------------------


def one_line(text: Any) -> str:
    """One line of text: control characters dropped, whitespace runs as one space (as BibTeX reads it)."""
    text = "".join(ch for ch in str(text) if ch.isspace() or unicodedata.category(ch) != "Cc")
    return _WS.sub(" ", text).strip()


def escape_latex(text: str) -> str:
    """Escape LaTeX's special characters so the value compiles and its braces stay balanced."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def unbalanced_braces(text: str) -> set[int]:
    """Positions of braces without a partner: they would end the BibTeX value early or never."""
    unbalanced: set[int] = set()
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch == "{":
            opened.append(i)
        elif ch == "}":
            if opened:
                opened.pop()
            else:
                unbalanced.add(i)
    return unbalanced | set(opened)


def raw_value(text: Any) -> str:
    """A URL or DOI as written: raw, except unbalanced braces, whitespace and controls, percent-encoded."""
    text = str(text).strip()
    unbalanced = unbalanced_braces(text)
    out = []
    for i, ch in enumerate(text):
        if i in unbalanced or ch.isspace() or unicodedata.category(ch) == "Cc":
            out.append("%20" if ch.isspace() else f"%{ord(ch):02X}")
        else:
            out.append(ch)
    return "".join(out)


def format_pages(pages: Any) -> str:
    """Page ranges with BibTeX's ``--`` (any hyphen or dash run, spaces around it dropped).

    A value of dashes and blanks alone (``-\r-``) names no page and is left out, rather than
    written as a range whose dash runs the writer and a reader would count differently.
    """
    text = one_line(pages)
    if not any(ch.isalnum() for ch in text):
        return ""
    return escape_latex(_DASH_RUN.sub("--", text))


# --- titles -----------------------------------------------------------------


def _title_tokens(title: str) -> list[tuple[str, bool]]:
    """(text, is_word) pieces: words are runs of non-CJK letters and digits; all else is one char each."""
    tokens: list[tuple[str, bool]] = []
    word: list[str] = []
    for ch in title:
        if ch.isalnum() and not is_cjk_char(ch):
            word.append(ch)
            continue
        if word:
            tokens.append(("".join(word), True))
            word = []
        tokens.append((ch, False))
    if word:
        tokens.append(("".join(word), True))
    return tokens


def _words_with_position(tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """(word, starts_a_sentence) for each word: the first word, and the first after ``: . ? !``."""
    out = []
    at_start = True
    for text, is_word in tokens:
        if is_word:
            out.append((text, at_start))
            at_start = False
        elif text in _SENTENCE_END:
            at_start = True
    return out


def _is_acronym_like(word: str) -> bool:
    """A capital after the first character: MSC, mRNA, iPSC, CD39, κB, 2D, McDonald."""
    return any(ch.isupper() for ch in word[1:])


def _is_sentence_case(words: list[tuple[str, bool]]) -> bool:
    """True when some content word (4+ letters, not a stop word) in mid-sentence is lower case.

    A title-case title capitalises every content word, so a lower-case one means
    the title is in sentence case and its remaining capitals are proper nouns.
    """
    for word, at_start in words:
        if at_start or len(word) < 4 or not word.isalpha() or _is_acronym_like(word):
            continue
        if word.lower() in KEY_STOP_WORDS:
            continue
        if word[0].islower():
            return True
    return False


def _is_all_caps(title: str, words: list[tuple[str, bool]]) -> bool:
    """A shouted title (no lower-case letter, 3+ words): protecting it would freeze it in capitals."""
    return (
        not any(ch.islower() for ch in title) and sum(1 for w, _ in words if len(w) > 1 and w.isalpha()) >= 3
    )


def needs_protection(word: str, at_start: bool, sentence_case: bool) -> bool:
    """Whether a title word must keep its capitals under a style's lower-casing.

    Acronyms and mixed case (MSC, mRNA, TGF, COVID) always; a single capital
    letter in mid-sentence (vitamin D, T cells, I); other capitalised words only
    in mid-sentence of a sentence-case title (proper nouns: Alzheimer, China).
    A capitalised word starting the title or a sentence is never protected.
    """
    if _is_acronym_like(word):
        return True
    if at_start or not word[0].isupper():
        return False
    return len(word) == 1 or sentence_case


def protect_title(title: Any) -> str:
    """The title as LaTeX: escaped, with brace-protected words (one level of braces, never nested)."""
    title = one_line(title)
    tokens = _title_tokens(title)
    words = _words_with_position(tokens)
    if _is_all_caps(title, words):
        return escape_latex(title)
    sentence_case = _is_sentence_case(words)
    positions = iter(words)
    out = []
    for text, is_word in tokens:
        if is_word and needs_protection(*next(positions), sentence_case):
            out.append("{" + escape_latex(text) + "}")
        else:
            out.append(escape_latex(text))
    return "".join(out)


# --- names ------------------------------------------------------------------


def _name_part(text: Any) -> str:
    """One name part as LaTeX; braced when a comma or the word "and" would split the name list."""
    part = escape_latex(one_line(text))
    if "," in part or _AND_WORD.search(part) or part.lower() == "others":
        return "{" + part + "}"
    return part


def person_from_csl(name: Mapping[str, Any]) -> Person | None:
    """A pybtex `Person` for one CSL name; literal names (organisations) are one braced last name."""
    if name == ET_AL:
        return Person(last="others")
    family = one_line(name.get("family", ""))
    given = one_line(name.get("given", ""))
    if not family:
        literal = one_line(name.get("literal", "") or given)
        return Person(last="{" + escape_latex(literal) + "}") if literal else None
    particles = " ".join(
        one_line(name[p]) for p in ("dropping-particle", "non-dropping-particle") if name.get(p)
    )
    suffix = one_line(name.get("suffix", ""))
    if not given and not suffix:
        # Without a comma BibTeX reads "Garcia Marquez" as given + family: brace a many-word family.
        whole = " ".join(part for part in (particles, family) if part)
        return Person(last="{" + escape_latex(whole) + "}" if " " in whole else _name_part(whole))
    return Person(
        first=_name_part(given),
        prelast=_name_part(particles),
        last=_name_part(family),
        lineage=_name_part(suffix),
    )


def format_person(person: Person) -> str:
    """``von Last, Jr, First`` / ``von Last, First`` / ``Last`` as BibTeX reads them back."""
    von_last = " ".join(person.prelast_names + person.last_names)
    first = " ".join(person.first_names + person.middle_names)
    jr = " ".join(person.lineage_names)
    if jr:
        return f"{von_last}, {jr}, {first}".rstrip()
    return f"{von_last}, {first}" if first else von_last


# --- entries ----------------------------------------------------------------


def entry_type(fields: Mapping[str, Any]) -> str:
    """BibTeX entry type for a CSL item; theses are `mastersthesis` when the genre says so."""
    kind = str(fields.get("type", ""))
    if kind == "thesis" and _MASTERS.search(str(fields.get("genre", ""))):
        return "mastersthesis"
    return ENTRY_TYPES.get(kind, "misc")


def _container_field(bibtype: str) -> str:
    if bibtype == "article":
        return "journal"
    if bibtype in ("incollection", "inproceedings"):
        return "booktitle"
    if bibtype == "misc":
        return "howpublished"
    return "series" if bibtype == "book" else "booktitle"


def _publisher_field(bibtype: str) -> str:
    return {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}.get(
        bibtype, "publisher"
    )


def _date_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    """`year` (and `month` 1–12) from cleaned `issued`; a literal date keeps its text as year."""
    issued = fields.get("issued") or {}
    parts = (issued.get("date-parts") or [[]])[0]
    out: dict[str, str] = {}
    if parts:
        out["year"] = str(parts[0])
        if len(parts) > 1 and 1 <= parts[1] <= 12:
            out["month"] = str(parts[1])
    elif issued.get("literal"):
        out["year"] = escape_latex(one_line(issued["literal"]))
    return out


def _iso_date(date: Mapping[str, Any]) -> str:
    parts = (date.get("date-parts") or [[]])[0]
    return "-".join(f"{n:02d}" if i else str(n) for i, n in enumerate(parts))


def _text_fields(fields: Mapping[str, Any], bibtype: str) -> dict[str, str]:
    """Every non-person BibTeX field as LaTeX (raw for url/doi)."""
    out: dict[str, str] = {}

    def put(name: str, value: Any, fmt: Any = None) -> None:
        if value not in (None, "") and name not in out:
            text = fmt(value) if fmt else escape_latex(one_line(value))
            if text:
                out[name] = text

    put("title", fields.get("title"), protect_title)
    put(_container_field(bibtype), fields.get("container-title"))
    put(_container_field(bibtype), fields.get("event-title"))
    put("series", fields.get("collection-title"))
    put("edition", fields.get("edition"))
    out.update(_date_fields(fields))
    put("volume", fields.get("volume"))
    put("number", fields.get("issue"))
    eprint = arxiv_of_number(fields.get("number"))
    if eprint:  # how natbib and biblatex styles expect an arXiv id
        put("eprint", eprint)
        put("archiveprefix", "arXiv")
    else:
        put("number", fields.get("number"))
    put("pages", fields.get("page"), format_pages)
    put(_publisher_field(bibtype), fields.get("publisher"))
    put("address", fields.get("publisher-place"))
    for csl_name, bib_name in (("ISBN", "isbn"), ("ISSN", "issn"), ("PMID", "pmid"), ("PMCID", "pmcid")):
        put(bib_name, fields.get(csl_name))
    put("doi", fields.get("DOI"), raw_value)
    put("url", fields.get("URL"), raw_value)
    if isinstance(fields.get("accessed"), Mapping) and fields["accessed"].get("date-parts"):
        put("urldate", _iso_date(fields["accessed"]))
    put("language", fields.get("language"))
    put("keywords", fields.get("keyword"))
    put("note", fields.get("note"))
    put("abstract", fields.get("abstract"))
    return out


def csl_to_entry(fields: CSL) -> Entry:
    """A pybtex `Entry` for cleaned CSL fields; field values are the LaTeX that will be written."""
    bibtype = entry_type(fields)
    persons: dict[str, list[Person]] = {}
    for role in PERSON_ROLES:
        people = [p for p in (person_from_csl(n) for n in fields.get(role) or []) if p is not None]
        if people and people != [Person(last="others")]:
            persons[role] = people
    return Entry(bibtype, fields=list(_text_fields(fields, bibtype).items()), persons=persons)


def to_bibliography_data(items: Iterable[Any]) -> BibliographyData:
    """pybtex's model of the export: keys `familyYEARword`, entries in input order."""
    return BibliographyData(entries=[(key, csl_to_entry(fields)) for key, fields in keyed(items)])


# --- writing ----------------------------------------------------------------


def _ordered_fields(entry: Entry) -> list[tuple[str, str]]:
    values = {role: " and ".join(map(format_person, people)) for role, people in entry.persons.items()}
    values.update((name.lower(), value) for name, value in entry.fields.items())
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    return sorted(values.items(), key=lambda kv: rank.get(kv[0], len(FIELD_ORDER)))


def format_value(name: str, value: str) -> str:
    """``{value}``; `month` as a bare number, as BibTeX styles expect."""
    if name == "month" and value.isdigit():
        return value
    return "{" + value + "}"


def format_entry(key: str, entry: Entry) -> str:
    """One entry as text: ``@type{key,`` then one aligned ``name = {value}`` line per field."""
    fields = _ordered_fields(entry)
    width = max((len(name) for name, _ in fields), default=0)
    lines = [f"  {name.ljust(width)} = {format_value(name, value)}" for name, value in fields]
    return f"@{entry.type}{{{key},\n" + ",\n".join(lines) + ("\n" if lines else "") + "}\n"


def format_bibliography(data: BibliographyData) -> str:
    """All entries, separated by blank lines; nothing else (no banner, no comments)."""
    return "\n".join(format_entry(key, entry) for key, entry in data.entries.items())


def to_bibtex(items: Iterable[Any]) -> str:
    """A BibTeX file for `Reference`s, `Record`s or CSL dicts, in input order."""
    return format_bibliography(to_bibliography_data(items))


def render_bibtex(audits: Sequence[Audit], prefer: str = "record", **_: Any) -> str:
    """The `bib` output format: the audits' bibliography (corrected where matched) as BibTeX."""
    from citecheck.export.corrected import bibliography

    return to_bibtex(bibliography(audits, prefer)[0])
