"""BibTeX / BibLaTeX (`.bib`): every entry as a Reference with exact CSL fields.

bibtexparser v2 splits the file: it is the parser that keeps, per block, the
entry's source text and line (so `raw` and `span` point into the file itself,
which is the document's text), resolves ``@string`` macros, and turns a broken
entry into a failed block instead of aborting the file (pybtex, installed for
the BibTeX writer, gives neither positions nor per-entry recovery). Its name
splitter implements BibTeX's own ``First von Last, Jr`` rules; pylatexenc
decodes the values (``{\\"u}`` → ü, ``\\&`` → &, braces dropped).

Problems are Issues, never exceptions: a broken entry is kept with what a
lenient field scan recovers and an ``entry_unreadable`` Issue; a duplicate key
keeps both entries (``duplicate_key``); a DOI that is not DOI-shaped is dropped
from the fields (``malformed_doi``); two entries with one DOI are flagged
(``duplicate_doi``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.document.latex import latex_to_text
from citecheck.identifiers import arxiv_id, arxiv_number
from citecheck.model import CSL, Document, Issue
from citecheck.sources.convert import _MONTHS, BIBTEX_TO_CSL_TYPE
from citecheck.text import unify_dashes

MAX_BIB_BYTES = 50 * 1024 * 1024
"""Largest .bib read: a 50 MB bibliography is already ~100,000 entries."""

_ENTRY_TYPES: dict[str, str] = {
    **BIBTEX_TO_CSL_TYPE,
    "booklet": "pamphlet", "manual": "report", "software": "software", "patent": "patent",
    "article-journal": "article-journal", "periodical": "periodical", "collection": "book",
    "mvbook": "book", "bookinbook": "chapter", "suppbook": "chapter", "inreference": "entry-encyclopedia",
    "reference": "book", "standard": "standard", "electronic": "webpage", "www": "webpage",
    "webpage": "webpage", "masterthesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
}
"""BibTeX and BibLaTeX entry types → CSL types (anything else is `document`)."""

_SKIP_TYPES = {"comment", "string", "preamble"}
_FIELD_RE = re.compile(r"(?P<key>[A-Za-z][\w\-]*)\s*=\s*(?:\{(?P<brace>(?:[^{}]|\{[^{}]*\})*)\}|\"(?P<quote>[^\"]*)\"|(?P<bare>\w+))",
                       re.DOTALL)
_HEAD_RE = re.compile(r"@\s*(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s{}()]*)")


@dataclass
class BibEntry:
    """One entry as read: its key, source text and offset, CSL fields and problems."""

    key: str
    raw: str
    start: int
    fields: CSL
    warnings: list[Issue] = field(default_factory=list)


def load_bib(name: str, data: bytes) -> Document:
    """A `.bib` file: text = the file itself, one list with every entry in file order."""
    text, encoding, warnings = E.read_text(name, data, MAX_BIB_BYTES, ".bib")
    found, problems = read_bib(text, name)
    if not found:
        raise DocumentError(f"{name}: no BibTeX entry in this file")
    lines = E.Lines(text)
    refs = [E.reference("L1", i, e.raw, e.start, lines, e.fields, e.warnings)
            for i, e in enumerate(found, start=1)]
    lst = E.reference_list("L1", "", refs, text, lines, style="bibtex", warnings=problems, whole=True)
    return Document(text=text, source=name, encoding=encoding, format="bib", warnings=warnings, lists=[lst])


def read_bib(text: str, name: str = "") -> tuple[list[BibEntry], list[Issue]]:
    """Every entry of BibTeX `text` in file order, and the problems that concern the file."""
    import bibtexparser
    from bibtexparser import model

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failures become Issues, not log noise
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # the splitter itself failed: nothing usable
        raise DocumentError(f"{name}: unreadable BibTeX ({type(exc).__name__})") from None
    E.check_count(name, len(library.blocks), "blocks")
    lines = E.Lines(text)
    out: list[BibEntry] = []
    problems: list[Issue] = []
    seen: dict[str, int] = {}
    pending: list[tuple[BibEntry, str, dict[str, str]]] = []
    strings = {k.lower(): str(v.value).strip('{}"') for k, v in library.strings_dict.items()}
    cursor = 0
    blocks = library.blocks
    for bi, block in enumerate(blocks):
        raw = block.raw or ""
        if not raw.strip():
            continue
        start = _offset(text, raw, lines.offset((block.start_line or 0) + 1), cursor)
        cursor = start + len(raw)
        closed_early = _closed_early(block, blocks[bi + 1] if bi + 1 < len(blocks) else None)
        if closed_early is not None:
            # `@book{key},` then the fields: a stray brace closed the entry; read on into what follows
            end = text.find(closed_early, cursor)
            if end >= 0:
                raw = text[start:end + len(closed_early)].rstrip()
                cursor = start + len(raw)
                salvaged = _salvage(raw, block, lines.line(start), "closed right after its key")
                if salvaged is not None:
                    out.append(BibEntry(salvaged[0], raw, start, salvaged[1], salvaged[2]))
                    problems.append(salvaged[2][0])
                    continue
        entry: Any = None
        issues: list[Issue] = []
        if isinstance(block, model.Entry):
            entry = block
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            if not isinstance(entry, model.Entry):
                continue  # a duplicate @string: the first one stands
            issues.append(Issue(E.DUPLICATE_KEY, f"key {block.key!r} already used by entry {seen.get(block.key, '?')}"))
            problems.append(Issue(E.DUPLICATE_KEY, f"duplicate key {block.key!r} (line {lines.line(start)})"))
        elif isinstance(block, model.ParsingFailedBlock):
            salvaged = _salvage(raw, block, lines.line(start))
            if salvaged is None:
                problems.append(Issue(E.ENTRY_UNREADABLE, f"line {lines.line(start)}: unreadable block skipped"))
                continue
            out.append(BibEntry(salvaged[0], raw, start, salvaged[1], salvaged[2]))
            problems.append(salvaged[2][0])
            continue
        else:
            continue  # @string, @preamble, comments
        if entry.entry_type.lower() in _SKIP_TYPES:
            continue
        values = {f.key.lower(): _concatenated(f.value, strings) for f in entry.fields if isinstance(f.value, str)}
        issues += _missing_commas(values, entry.key)
        seen.setdefault(entry.key, len(out) + 1)
        out.append(BibEntry(entry.key, raw, start, {}, issues))
        pending.append((out[-1], entry.entry_type, values))
        E.check_count(name, len(out))
    by_key = {e.key: v for e, _, v in pending}
    for e, entry_type, values in pending:  # fields once every entry is known: crossref parents may follow
        _inherit(values, by_key)
        fields, field_issues = csl_from_bibtex(entry_type, e.key, values)
        e.fields = fields
        e.warnings += field_issues
    return out, problems


def _inherit(values: dict[str, str], by_key: dict[str, dict[str, str]]) -> None:
    """``crossref = {parent}`` (DBLP exports use it throughout): missing fields come from the parent,
    whose title is the child's booktitle — as BibTeX itself does."""
    parent = by_key.get(values.get("crossref", "").strip())
    if parent is None or parent is values:
        return
    for key, value in parent.items():
        if key in ("title", "crossref", "key", "ids"):
            continue
        values.setdefault(key, value)
    if "booktitle" not in values and parent.get("title"):
        values["booktitle"] = parent["title"]


_PART = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\{((?:[^{}]|\{[^{}]*\})*)\}|([\w\-:.]+))\s*(#|$)')


def _concatenated(value: str, strings: dict[str, str]) -> str:
    """``"Part one " # "two" # macro`` joined (the splitter leaves a concatenation as written)."""
    if "#" not in value or (not value.strip().startswith(('"', "{")) and not re.match(r"\s*\w+\s*#", value)):
        return value
    out: list[str] = []
    pos = 0
    while pos < len(value):
        m = _PART.match(value, pos)
        if m is None or m.end() == pos:
            return value  # not a clean concatenation: keep what was written
        quoted, braced, bare = m.group(1), m.group(2), m.group(3)
        out.append(quoted if quoted is not None else braced if braced is not None else strings.get(bare.lower(), bare))
        pos = m.end()
    return "".join(out)


def _missing_commas(values: dict[str, str], key: str) -> list[Issue]:
    """``title={…}\\n journal={…}``: a missing comma made one value of two fields; split them back."""
    from citecheck.document.latex import balanced

    issues: list[Issue] = []
    for name, value in list(values.items()):
        v = value.strip()
        if not v.startswith("{"):
            continue
        close = balanced(v, 0)
        rest = v[close:] if 0 < close < len(v) else ""
        if not rest or not re.match(r"\s*[A-Za-z][\w\-]*\s*=", rest):
            continue
        values[name] = v[1:close - 1]
        for m in _FIELD_RE.finditer(rest):
            value2 = next((m.group(g) for g in ("brace", "quote", "bare") if m.group(g) is not None), "")
            values.setdefault(m.group("key").lower(), value2)
        issues.append(Issue(E.ENTRY_UNREADABLE, f"{key}: missing comma after field {name}; read as two fields",
                            before=v[:120], confidence=0.9))
    return issues


def _offset(text: str, raw: str, line_start: int, cursor: int) -> int:
    """Where `raw` stands in `text`: at or after its line (blocks come in file order)."""
    for frm in (max(line_start, cursor), cursor, 0):
        at = text.find(raw, frm)
        if at >= 0:
            return at
    return max(line_start, 0)


def _closed_early(block: Any, following: Any) -> str | None:
    """The comment text that holds the fields of an entry closed right after its key, if that happened."""
    from bibtexparser import model

    if not isinstance(block, model.Entry) or block.fields or not isinstance(following, model.ImplicitComment):
        return None
    body = following.raw or ""
    return body if _FIELD_RE.search(body) and body.lstrip().startswith(",") else None


def _salvage(raw: str, block: Any, line: int, why: str = "") -> tuple[str, CSL, list[Issue]] | None:
    """What a lenient scan of a broken entry recovers: its key and the `name = {value}` fields that close."""
    head = _HEAD_RE.match(raw.lstrip())
    if head is None or head.group("type").lower() in _SKIP_TYPES:
        return None
    values: dict[str, str] = {}
    for m in _FIELD_RE.finditer(raw, head.end()):
        key = m.group("key").lower()
        value = next((m.group(g) for g in ("brace", "quote", "bare") if m.group(g) is not None), "")
        values.setdefault(key, value)
    error = getattr(block, "error", None)
    reason = why or getattr(error, "abort_reason", "") or type(error).__name__
    issue = Issue(E.ENTRY_UNREADABLE, f"line {line}: entry {head.group('key') or '(no key)'} is broken "
                  f"({' '.join(str(reason).split())[:160]}); fields read leniently")
    if not values:
        return head.group("key"), {"type": _ENTRY_TYPES.get(head.group("type").lower(), "document")}, [issue]
    fields, issues = csl_from_bibtex(head.group("type"), head.group("key"), values)
    return head.group("key"), fields, [issue, *issues]


# ---------------------------------------------------------------- fields


def csl_from_bibtex(entry_type: str, key: str, values: dict[str, str]) -> tuple[CSL, list[Issue]]:
    """CSL-JSON fields of one entry from its (lower-cased, undecoded) BibTeX field values."""
    etype = entry_type.lower()
    issues: list[Issue] = []
    f: CSL = {"id": key, "type": _ENTRY_TYPES.get(etype, "document")}
    t = lambda k: latex_to_text(values.get(k, ""))  # noqa: E731
    title = t("title")
    if values.get("subtitle"):
        title = f"{title}: {t('subtitle')}" if title else t("subtitle")
    f["title"] = title
    container = t("journaltitle") or t("journal") or t("booktitle")
    if container:
        f["container-title"] = container
    if values.get("shortjournal"):
        f["container-title-short"] = t("shortjournal")
    for role in ("author", "editor", "translator"):
        if values.get(role):
            names = names_from_bibtex(values[role])
            if names:
                f[role] = names
    parts = _issued(values)
    if parts:
        f["issued"] = {"date-parts": [parts]}
    f["volume"] = t("volume")
    if etype in ("article", "periodical") or values.get("issue"):
        f["issue"] = t("issue") or t("number")
    elif values.get("number"):
        f["number"] = t("number")
    if values.get("pages"):
        f["page"] = re.sub(r"\s*-+\s*", "-", unify_dashes(t("pages")))
    f["publisher"] = t("publisher") or t("school") or t("institution") or t("organization")
    f["publisher-place"] = t("address") or t("location")
    f["edition"] = t("edition")
    f["collection-title"] = t("series")
    f["ISBN"] = t("isbn")
    f["ISSN"] = t("issn")
    f["language"] = t("langid") or t("language")
    f["note"] = t("note")
    url = values.get("url") or _url_in(values.get("howpublished", ""))
    if url:
        f["URL"] = url.strip()
    pmid = re.sub(r"\D", "", values.get("pmid", ""))
    if pmid:
        f["PMID"] = pmid
    if values.get("doi"):
        doi, issue = E.clean_doi(latex_to_text(values["doi"]) if "\\" in values["doi"] else values["doi"])
        if doi:
            f["DOI"] = doi
        if issue:
            issues.append(issue)
    if (values.get("eprinttype") or values.get("archiveprefix") or "").lower() == "arxiv" and values.get("eprint"):
        eprint = values["eprint"].strip()
        f.setdefault("number", arxiv_number(arxiv_id(f"arXiv:{eprint}") or eprint))
        if not f.get("DOI"):
            f["URL"] = f.get("URL") or f"https://arxiv.org/abs/{eprint}"
    return E.clean_fields(f), issues


def _url_in(value: str) -> str:
    m = re.search(r"\\url\{([^}]*)\}", value)
    return m.group(1) if m else ""


def _issued(values: dict[str, str]) -> list[int] | None:
    parts = E.year_parts(values.get("date", ""))
    if parts:
        return parts
    year = re.search(r"\d{4}", values.get("year", ""))
    if not year:
        return None
    parts = [int(year.group())]
    month = values.get("month", "").strip().strip("{}").lower()
    if month[:3] in _MONTHS:
        parts.append(_MONTHS[month[:3]])
    elif month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    return parts


def names_from_bibtex(value: str) -> list[dict[str, str]]:
    """CSL names from a BibTeX name list (``Last, First and {Org Name} and 张三 and others``)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    out: list[dict[str, str]] = []
    for raw in split_multiple_persons_names(" ".join(value.split())):
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _one_group(raw):
            name = E.person(None, literal=latex_to_text(raw))
        else:
            try:
                parts = parse_single_name_into_parts(raw, strict=False)
            except Exception:
                name = E.person(None, literal=latex_to_text(raw))
            else:
                family = latex_to_text(" ".join([*parts.von, *parts.last]))
                given = latex_to_text(" ".join(parts.first))
                name = E.person(family, given)
                if name and parts.jr and "family" in name:
                    name["suffix"] = latex_to_text(" ".join(parts.jr))
        if name:
            out.append(name)
    return out


def _one_group(raw: str) -> bool:
    """`{World Health Organization}`: the first brace closes at the very end."""
    from citecheck.document.latex import balanced

    return balanced(raw, 0) == len(raw)
