"""The one place where foreign metadata becomes a `Record`.

Crossref works items (API responses, public data files, our benchmark corpus),
CSL-JSON items and BibTeX entries all end up as a CSL-JSON shaped `Record`.
Keeping every mapping here means matching, export and reports only ever see
one vocabulary. `record_to_crossref` is the inverse for Crossref items; it
exists so a Crossref-compatible server (our loopback test server) can serve
records from a local index, and so the mapping can be tested as a round trip.

Non-CSL extras are kept under ``citecheck:`` keys (e.g. all container-title
alternatives in ``citecheck:container-titles``) rather than dropped, because
abbreviation matching needs them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from citecheck.document.latex import latex_to_text
from citecheck.model import CSL, Record
from citecheck.sources.base import normalize_doi
from citecheck.text import fix_mojibake

# Crossref work types (api.crossref.org/types) → CSL 1.0.2 item types.
CROSSREF_TO_CSL_TYPE: dict[str, str] = {
    "journal-article": "article-journal",
    "book-chapter": "chapter",
    "book-part": "chapter",
    "book-section": "chapter",
    "book-track": "chapter",
    "proceedings-article": "paper-conference",
    "book": "book",
    "edited-book": "book",
    "monograph": "book",
    "reference-book": "book",
    "book-set": "book",
    "book-series": "book",
    "proceedings": "book",
    "proceedings-series": "book",
    "dataset": "dataset",
    "database": "dataset",
    "component": "document",
    "posted-content": "article",
    "report": "report",
    "report-component": "report",
    "report-series": "report",
    "dissertation": "thesis",
    "standard": "standard",
    "standard-series": "standard",
    "reference-entry": "entry-encyclopedia",
    "peer-review": "review",
    "journal": "periodical",
    "journal-issue": "periodical",
    "journal-volume": "periodical",
    "grant": "document",
    "other": "document",
}

# The inverse keeps one representative Crossref type per CSL type.
CSL_TO_CROSSREF_TYPE: dict[str, str] = {
    "article-journal": "journal-article",
    "chapter": "book-chapter",
    "paper-conference": "proceedings-article",
    "book": "book",
    "dataset": "dataset",
    "document": "other",
    "article": "posted-content",
    "report": "report",
    "thesis": "dissertation",
    "standard": "standard",
    "entry-encyclopedia": "reference-entry",
    "entry": "reference-entry",
    "review": "peer-review",
    "periodical": "journal",
}

_TAG_RE = re.compile(r"<[^<>]{1,200}>")
_BLOCK_TAG_RE = re.compile(r"</?(?:jats:|mml:)?(?:p|title|sec|list|list-item|break|br|div|abstract|label)\b[^<>]{0,200}>",
                           re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
_JATS_LEAD_TITLE_RE = re.compile(r"^\s*<(?:jats:)?title>\s*abstract\s*</(?:jats:)?title>", re.IGNORECASE)


class ConversionError(ValueError):
    """An input item is not a usable work (not a mapping, or no DOI where one is required)."""


# ---------------------------------------------------------------- helpers


def strip_markup(text: str) -> str:
    """Plain text from a title or abstract that may hold JATS/HTML tags, entities or mojibake.

    Mojibake is undone as in a document's text, so both sides of a comparison read alike.
    """
    text = _unmangled(text)
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    text = _JATS_LEAD_TITLE_RE.sub(" ", text)
    text = _BLOCK_TAG_RE.sub(" ", text)  # block elements separate words; inline ones (italics) do not
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    return _WS_RE.sub(" ", text).strip()


def _first_str(value: Any) -> str | None:
    """First non-empty string of a Crossref list field (or the value itself if a string)."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        for v in value:
            if isinstance(v, str) and v.strip():
                return v.strip()
    return None


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _scalar_str(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _date_parts(value: Any) -> list[int] | None:
    """`[year, month?, day?]` from a CSL/Crossref date object, or None when it has no year."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None
    out: list[int] = []
    for p in parts[0][:3]:
        try:
            n = int(p)
        except (TypeError, ValueError):
            break
        out.append(n)
    if not out or not (0 < out[0] < 3000):
        return None
    return out


def _unmangled(text: str) -> str:
    """`text` with mojibake undone (`Acuï¿½ï¿½a`), as a document's text is; ASCII cannot carry any."""
    return text if text.isascii() else fix_mojibake(text)


def _name_part(value: Any) -> str | None:
    """A name part, mojibake undone like titles and document text."""
    v = _scalar_str(value)
    return _unmangled(v) if v else v


def _names(value: Any) -> list[dict[str, str]]:
    """CSL names from Crossref/CSL author lists: {family, given} or {literal} (group authors)."""
    if not isinstance(value, list):
        return []
    out: list[dict[str, str]] = []
    for a in value:
        if not isinstance(a, dict):
            continue
        family = _name_part(a.get("family"))
        given = _name_part(a.get("given"))
        literal = _name_part(a.get("literal")) or _name_part(a.get("name"))
        if family:
            name = {"family": family}
            if given:
                name["given"] = given
            for extra in ("suffix", "non-dropping-particle", "dropping-particle"):
                v = _scalar_str(a.get(extra))
                if v:
                    name[extra] = v
            out.append(name)
        elif literal:
            out.append({"literal": literal})
        elif given:
            out.append({"literal": given})
    return out


# ---------------------------------------------------------------- Crossref → Record


def is_crossref_item(item: dict[str, Any]) -> bool:
    """Crossref items carry list-valued titles/containers; CSL-JSON items carry strings."""
    if isinstance(item.get("title"), list) or isinstance(item.get("container-title"), list):
        return True
    if any(k in item for k in ("short-container-title", "published-print", "published-online", "citecheck:source")):
        return True
    return item.get("type") in CROSSREF_TO_CSL_TYPE and item.get("type") not in CSL_TO_CROSSREF_TYPE


def record_from_crossref(item: dict[str, Any], source: str = "crossref") -> Record:
    """Map one Crossref works item to a `Record` (raises `ConversionError` if it has no DOI)."""
    if not isinstance(item, dict):
        raise ConversionError("not a JSON object")
    doi = item.get("DOI")
    if not isinstance(doi, str) or not doi.strip():
        raise ConversionError("no DOI")
    f: CSL = {}
    ctype = item.get("type")
    f["type"] = CROSSREF_TO_CSL_TYPE.get(ctype, "document") if isinstance(ctype, str) else "document"

    title = _first_str(item.get("title"))
    if title:
        f["title"] = strip_markup(title)
    subtitle = _first_str(item.get("subtitle"))
    if subtitle:
        f["citecheck:subtitle"] = strip_markup(subtitle)
    original = _first_str(item.get("original-title"))
    if original:
        f["original-title"] = strip_markup(original)

    for role in ("author", "editor", "translator"):
        names = _names(item.get(role))
        if names:
            f[role] = names

    containers = _str_list(item.get("container-title"))
    shorts = _str_list(item.get("short-container-title")) + _str_list(item.get("container-title-short"))
    if containers:
        f["container-title"] = strip_markup(containers[0])
    if shorts:
        f["container-title-short"] = strip_markup(shorts[0])
    alternatives: list[str] = []
    for c in containers + shorts:
        c = strip_markup(c)
        if c and c not in alternatives:
            alternatives.append(c)
    if len(alternatives) > 1:
        f["citecheck:container-titles"] = alternatives

    for key in ("issued", "published-print", "published-online", "published", "created"):
        parts = _date_parts(item.get(key))
        if parts:
            f["issued"] = {"date-parts": [parts]}
            break

    for src, dst in (("volume", "volume"), ("issue", "issue"), ("page", "page"), ("article-number", "number")):
        v = _scalar_str(item.get(src))
        if v:
            f[dst] = v
    f["DOI"] = normalize_doi(doi)
    pmid = _scalar_str(item.get("citecheck:pmid")) or _scalar_str(item.get("PMID"))
    if pmid:
        f["PMID"] = pmid
    pmcid = _scalar_str(item.get("citecheck:pmcid")) or _scalar_str(item.get("PMCID"))
    if pmcid:
        f["PMCID"] = pmcid
    for key in ("ISSN", "ISBN"):
        values = _str_list(item.get(key))
        if values:
            f[key] = values[0]
            if len(values) > 1:
                f[f"citecheck:{key.lower()}"] = values
    for src, dst in (("language", "language"), ("publisher", "publisher"),
                     ("publisher-location", "publisher-place"), ("URL", "URL")):
        v = _scalar_str(item.get(src))
        if v:
            f[dst] = v
    origin = _scalar_str(item.get("citecheck:source"))
    if origin:
        f["citecheck:origin"] = origin
    if item.get("citecheck:type_inferred"):
        f["citecheck:type_inferred"] = True
    notices = update_notices(item, f["DOI"])
    if notices:
        f["citecheck:updates"] = notices

    abstract = item.get("abstract")
    score = item.get("score")
    return Record(
        fields=f,
        source=source,
        score=float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else 0.0,
        abstract=strip_markup(abstract) if isinstance(abstract, str) else "",
        subjects=_str_list(item.get("subject")),
    )


NOTICE_TYPES: dict[str, str] = {
    "retraction": "retraction", "partial_retraction": "retraction", "withdrawal": "withdrawal",
    "removal": "retraction", "expression_of_concern": "expression_of_concern",
    "correction": "correction", "erratum": "correction", "corrigendum": "correction", "addendum": "correction",
    "clarification": "correction",
}
"""Crossref update types (also Retraction Watch's, as Crossref carries them) → the notice kinds we report."""


def update_notices(item: dict[str, Any], doi: str) -> list[dict[str, Any]]:
    """Retractions, expressions of concern, corrections and withdrawals of the work, from Crossref relations.

    ``updated-by`` lists notices that update this work. ``update-to`` normally sits on
    the notice and points at the work it updates, so it only counts when it points at
    this same DOI (as Retraction Watch records carried by Crossref can). Each notice is
    ``{"type", "kind", "doi", "date", "date-parts", "source", "label"}`` — `kind` one of
    retraction, withdrawal, expression_of_concern, correction; unknown types are dropped.
    """
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for rel in ("updated-by", "update-to"):
        entries = item.get(rel)
        if not isinstance(entries, list):
            continue
        for e in entries:
            if not isinstance(e, dict):
                continue
            utype = _scalar_str(e.get("type"))
            kind = NOTICE_TYPES.get((utype or "").lower().replace("-", "_").replace(" ", "_"))
            target = normalize_doi(str(e.get("DOI"))) if isinstance(e.get("DOI"), str) else ""
            if kind is None or (rel == "update-to" and target != doi):
                continue
            parts = _date_parts(e.get("updated"))
            notice_doi = target if rel == "updated-by" else (_scalar_str(e.get("notice-DOI")) or "")
            key = (kind, notice_doi)
            if key in seen:
                continue
            seen.add(key)
            notice: dict[str, Any] = {"type": utype, "kind": kind, "doi": notice_doi or None,
                                      "date": "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
                                      if parts else None}
            if parts:
                notice["date-parts"] = parts
            for k in ("source", "label"):
                v = _scalar_str(e.get(k))
                if v:
                    notice[k] = v
            out.append(notice)
    return out


def record_to_crossref(record: Record) -> dict[str, Any]:
    """Crossref works item for a `Record` — the inverse of `record_from_crossref` for the fields it maps."""
    f = record.fields
    item: dict[str, Any] = {"DOI": f.get("DOI", ""), "type": CSL_TO_CROSSREF_TYPE.get(f.get("type", ""), "other")}
    if f.get("title"):
        item["title"] = [f["title"]]
    if f.get("citecheck:subtitle"):
        item["subtitle"] = [f["citecheck:subtitle"]]
    if f.get("original-title"):
        item["original-title"] = [f["original-title"]]
    for role in ("author", "editor", "translator"):
        if f.get(role):
            people = []
            for i, a in enumerate(f[role]):
                p = {k: v for k, v in a.items() if k != "literal"}
                if "literal" in a:
                    p["name"] = a["literal"]
                p["sequence"] = "first" if i == 0 else "additional"
                people.append(p)
            item[role] = people
    alternatives = f.get("citecheck:container-titles") or []
    if f.get("container-title"):
        item["container-title"] = [f["container-title"]]
    short = [f["container-title-short"]] if f.get("container-title-short") else []
    short += [a for a in alternatives if a not in short and a != f.get("container-title")]
    if short:
        item["short-container-title"] = short
    if f.get("issued"):
        item["issued"] = f["issued"]
    for src, dst in (("volume", "volume"), ("issue", "issue"), ("page", "page"), ("number", "article-number"),
                     ("language", "language"), ("publisher", "publisher"),
                     ("publisher-place", "publisher-location"), ("URL", "URL")):
        if f.get(src):
            item[dst] = f[src]
    for key in ("ISSN", "ISBN"):
        values = f.get(f"citecheck:{key.lower()}") or ([f[key]] if f.get(key) else [])
        if values:
            item[key] = list(values)
    if f.get("PMID"):
        item["citecheck:pmid"] = f["PMID"]
    if f.get("PMCID"):
        item["citecheck:pmcid"] = f["PMCID"]
    if f.get("citecheck:origin"):
        item["citecheck:source"] = f["citecheck:origin"]
    if f.get("citecheck:type_inferred"):
        item["citecheck:type_inferred"] = True
    if f.get("citecheck:updates"):
        item["updated-by"] = [
            {k: v for k, v in (("DOI", u.get("doi")), ("type", u.get("type")), ("source", u.get("source")),
                               ("label", u.get("label")),
                               ("updated", {"date-parts": [u["date-parts"]]} if u.get("date-parts") else None))
             if v} for u in f["citecheck:updates"]]
    if record.abstract:
        item["abstract"] = f"<jats:p>{html.escape(record.abstract, quote=False)}</jats:p>"
    if record.subjects:
        item["subject"] = list(record.subjects)
    return item


# ---------------------------------------------------------------- CSL-JSON → Record

_CSL_SCALARS = (
    "title", "container-title", "container-title-short", "volume", "issue", "page", "number", "publisher",
    "publisher-place", "URL", "ISSN", "ISBN", "PMID", "PMCID", "language", "edition", "collection-title",
    "original-title", "title-short", "note",
)


def fields_from_csl(item: dict[str, Any]) -> CSL:
    """The CSL fields we keep from one CSL-JSON item (any item: DOI or not), values cleaned."""
    f: CSL = {"type": item["type"] if isinstance(item.get("type"), str) else "document"}
    for key in _CSL_SCALARS:
        v = item.get(key)
        v = _first_str(v) if isinstance(v, list) else _scalar_str(v)
        if v:
            f[key] = strip_markup(v) if key in ("title", "container-title") else v
    for role in ("author", "editor", "translator"):
        names = _names(item.get(role))
        if names:
            f[role] = names
    parts = _date_parts(item.get("issued"))
    if parts:
        f["issued"] = {"date-parts": [parts]}
    return f


def record_from_csl(item: dict[str, Any], source: str = "csl-json") -> Record:
    """Map one CSL-JSON item to a `Record` (raises `ConversionError` if it has no DOI)."""
    if not isinstance(item, dict):
        raise ConversionError("not a JSON object")
    doi = item.get("DOI") or item.get("doi")
    if not isinstance(doi, str) or not doi.strip():
        raise ConversionError("no DOI")
    f = fields_from_csl(item)
    f["DOI"] = normalize_doi(doi)
    abstract = item.get("abstract")
    subjects = item.get("keyword")
    return Record(
        fields=f,
        source=source,
        abstract=strip_markup(abstract) if isinstance(abstract, str) else "",
        subjects=[s.strip() for s in subjects.split(",") if s.strip()] if isinstance(subjects, str) else [],
    )


def record_from_item(item: Any, source: str | None = None) -> Record:
    """Crossref or CSL-JSON item → `Record`, whichever vocabulary the item speaks."""
    if not isinstance(item, dict):
        raise ConversionError("not a JSON object")
    if is_crossref_item(item):
        return record_from_crossref(item, source or "crossref")
    return record_from_csl(item, source or "csl-json")


# ---------------------------------------------------------------- BibTeX → Record

BIBTEX_TO_CSL_TYPE: dict[str, str] = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "dataset": "dataset",
    "misc": "document",
    "unpublished": "manuscript",
}

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def record_from_bibtex(key: str, entry: Any, source: str = "bibtex") -> Record:
    """Map one pybtex `Entry` to a `Record` (raises `ConversionError` if it has no DOI)."""
    fields = {k.lower(): str(v) for k, v in entry.fields.items()}
    doi = fields.get("doi", "")
    if not doi.strip():
        raise ConversionError(f"{key}: no DOI")
    etype = entry.type.lower()
    f: CSL = {"type": BIBTEX_TO_CSL_TYPE.get(etype, "document")}
    if "title" in fields:
        f["title"] = latex_to_text(fields["title"])
    container = fields.get("journal") or fields.get("booktitle") or fields.get("journaltitle")
    if container:
        f["container-title"] = latex_to_text(container)
    if fields.get("shortjournal"):
        f["container-title-short"] = latex_to_text(fields["shortjournal"])
    for role, csl_role in (("author", "author"), ("editor", "editor")):
        people = entry.persons.get(role) or []
        names: list[dict[str, str]] = []
        for p in people:
            family = latex_to_text(" ".join(list(p.prelast_names) + list(p.last_names)))
            given = latex_to_text(" ".join(list(p.first_names) + list(p.middle_names)))
            raw_last = " ".join(p.last_names)
            if not given and raw_last.startswith("{") and raw_last.endswith("}"):
                names.append({"literal": family})
            elif family:
                names.append({"family": family, **({"given": given} if given else {})})
        if names:
            f[csl_role] = names
    year = re.search(r"\d{4}", fields.get("year", "") or fields.get("date", ""))
    if year:
        parts = [int(year.group())]
        month = fields.get("month", "").strip().lower()[:3]
        if month in _MONTHS:
            parts.append(_MONTHS[month])
        elif month.isdigit() and 1 <= int(month) <= 12:
            parts.append(int(month))
        f["issued"] = {"date-parts": [parts]}
    for src, dst in (("volume", "volume"), ("number", "issue"), ("issue", "issue"), ("publisher", "publisher"),
                     ("address", "publisher-place"), ("issn", "ISSN"), ("isbn", "ISBN"), ("url", "URL"),
                     ("pmid", "PMID"), ("language", "language")):
        if fields.get(src) and dst not in f:
            f[dst] = latex_to_text(fields[src]) if dst not in ("URL",) else fields[src].strip()
    if fields.get("pages"):
        f["page"] = re.sub(r"\s*-+\s*", "-", fields["pages"].strip())
    f["DOI"] = normalize_doi(doi)
    abstract = fields.get("abstract", "")
    keywords = fields.get("keywords", "")
    return Record(
        fields=f,
        source=source,
        abstract=latex_to_text(abstract) if abstract else "",
        subjects=[k.strip() for k in re.split(r"[;,]", keywords) if k.strip()],
    )


def records_from_bibtex_text(text: str, source: str = "bibtex") -> Iterable[Record | ConversionError]:
    """Every entry of a BibTeX document as a `Record`, or the `ConversionError` saying why not."""
    import pybtex.errors
    from pybtex.database import parse_string

    # capture() turns pybtex's parse problems (duplicate keys, syntax errors it
    # recovers from) into data instead of exceptions or stderr noise.
    with pybtex.errors.capture() as problems:
        data = parse_string(text, "bibtex")
    for problem in problems:
        yield ConversionError(f"bibtex: {problem}")
    for key, entry in data.entries.items():
        try:
            yield record_from_bibtex(key, entry, source)
        except ConversionError as exc:
            yield exc
        except Exception as exc:  # a broken entry must not abort the file
            yield ConversionError(f"{key}: {exc}")
