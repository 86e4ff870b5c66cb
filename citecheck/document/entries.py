"""What the structured readers share: entry limits, spans, DOI checks and list assembly.

A structured file (BibTeX, RIS, CSL-JSON, Word citation fields…) brings its
references exactly, so its reader builds `ReferenceList`s itself instead of
leaving the text finder to guess. These helpers keep every such reader alike:
the same bound on entries, spans that point into the document text, the same
Issue codes for the problems only exact data can show (duplicate keys and
DOIs, malformed DOIs), and CSL fields without empty values.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from citecheck.document.errors import DocumentError
from citecheck.document.plain import decode
from citecheck.model import CSL, Issue, Reference, ReferenceList, Span
from citecheck.text import normalize

MAX_ENTRIES = 50_000
"""Most entries one structured file may hold; a bigger one is a database dump, not a bibliography."""

_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

# Issue codes the structured readers emit (the audit stage reports unknown codes as parse problems).
DUPLICATE_KEY = "duplicate_key"
DUPLICATE_DOI = "duplicate_doi"
MALFORMED_DOI = "malformed_doi"
ENTRY_UNREADABLE = "entry_unreadable"
UNDEFINED_CITATION = "undefined_citation"
MISSING_FILE = "missing_file"


def check_size(name: str, data: bytes, limit: int, what: str) -> None:
    """Refuse a file over its reader's size cap (one line naming the kind and the cap)."""
    if len(data) > limit:
        raise DocumentError(f"{name}: {what} larger than {limit // (1024 * 1024)} MB, refused")


def read_text(name: str, data: bytes, limit: int, what: str) -> tuple[str, str, list[Issue]]:
    """A text-based structured file's text, normalised, with its encoding and decoding doubts."""
    check_size(name, data, limit, what)
    text, encoding, warnings = decode(data)
    return normalize(text), encoding, warnings


def doi_field(fields: CSL, value: Any) -> list[Issue]:
    """Put a cleaned DOI into `fields`; the problem with it, if any, as an Issue."""
    doi, issue = clean_doi(value)
    if doi:
        fields["DOI"] = doi
    return [issue] if issue else []


class Lines:
    """Offset → 1-based line number, by binary search over the line starts (one pass over the text)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def offset(self, line: int) -> int:
        """Offset where the 1-based `line` starts (clamped to the text)."""
        return self.starts[max(0, min(line - 1, len(self.starts) - 1))]


def check_count(name: str, n: int, what: str = "entries") -> None:
    if n > MAX_ENTRIES:
        raise DocumentError(f"{name}: more than {MAX_ENTRIES:,} {what}, refused (a database dump, not a bibliography)")


def clean_doi(value: Any) -> tuple[str | None, Issue | None]:
    """A DOI without resolver prefix, and an Issue when what was written is not DOI-shaped."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".")
    if _DOI_RE.match(doi):
        return doi, None
    return None, Issue(MALFORMED_DOI, f"malformed DOI {value.strip()!r} (a DOI is 10.<prefix>/<suffix>)")


def clean_fields(fields: CSL) -> CSL:
    """CSL fields without empty strings, lists or names."""
    out: CSL = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value = " ".join(value.split())
            if not value:
                continue
        elif isinstance(value, list):
            value = [v for v in value if v]
            if not value:
                continue
        elif value is None:
            continue
        out[key] = value
    return out


def reference(list_id: str, n: int, raw: str, start: int, lines: Lines, fields: CSL,
              warnings: Iterable[Issue] = (), label: str = "", text: str = "") -> Reference:
    """A `Reference` whose span is `raw` at `start` of the document text."""
    return Reference(list_id=list_id, n=n, raw=raw, span=Span(start, start + len(raw), lines.line(start)),
                     fields=clean_fields(fields), warnings=list(warnings), label=label, text=text or raw)


def whole_span(refs: list[Reference], text: str, lines: Lines) -> Span:
    """The span from the first entry to the last (the whole text when there is none)."""
    if not refs:
        return Span(0, len(text), 1)
    start = min(r.span.start for r in refs)
    return Span(start, max(r.span.end for r in refs), lines.line(start))


def doi_issues(refs: list[Reference]) -> list[Issue]:
    """Entries that carry the same DOI: an Issue on each later entry, and one on the list."""
    seen: dict[str, Reference] = {}
    out: list[Issue] = []
    for ref in refs:
        doi = ref.fields.get("DOI")
        if not isinstance(doi, str):
            continue
        first = seen.setdefault(doi.lower(), ref)
        if first is not ref:
            msg = f"DOI {doi} already given by entry {first.n}{_named(first)}"
            ref.warnings.append(Issue(DUPLICATE_DOI, msg))
            out.append(Issue(DUPLICATE_DOI, f"entries {first.n} and {ref.n} share DOI {doi}"))
    return out


def _named(ref: Reference) -> str:
    key = ref.fields.get("id")
    return f" ({key})" if key else ""


def year_parts(value: Any) -> list[int] | None:
    """`[year, month?, day?]` from an ISO-like date string (``2020``, ``2020-05``, ``2020/5/1``)."""
    if not isinstance(value, str):
        return None
    m = re.search(r"(?<!\d)(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?", value)
    if not m:
        return None
    parts = [int(m.group(1))]
    for g in (m.group(2), m.group(3)):
        if g is None or not (1 <= int(g) <= 31) or (len(parts) == 1 and int(g) > 12):
            break
        parts.append(int(g))
    return parts if 0 < parts[0] < 3000 else None


def person(family: str | None, given: str | None = None, literal: str | None = None) -> dict[str, str] | None:
    """One CSL name; a Chinese name written whole is split into family and given."""
    from citecheck.refs.names import split_cjk_name
    from citecheck.text import has_cjk

    family = " ".join((family or "").split())
    given = " ".join((given or "").split())
    literal = " ".join((literal or "").split())
    if literal:
        return {"literal": literal}
    if family and not given and has_cjk(family) and " " not in family:
        return split_cjk_name(family)
    if family:
        return {"family": family, **({"given": given} if given else {})}
    if given:
        return {"literal": given}
    return None


def reference_list(list_id: str, heading: str, refs: list[Reference], text: str, lines: Lines,
                   style: str = "unknown", warnings: Iterable[Issue] = (), span: Span | None = None,
                   whole: bool = False) -> ReferenceList:
    """A list of exactly read entries, with the duplicate-DOI check run over it.

    `whole`: the file is nothing but the bibliography (.bib, .bbl, RIS…), so the list spans all of
    it and nothing in it is taken for a citation marker (``\\providecommand{…}[1]`` is not ``[1]``).
    """
    issues = list(warnings) + doi_issues(refs)
    if whole:
        span = Span(0, len(text), 1)
    return ReferenceList(id=list_id, heading=heading, span=span or whole_span(refs, text, lines), references=refs,
                         style=style, warnings=issues)


def name_from_string(value: str) -> dict[str, str] | None:
    """One CSL name from a written name in any order (``Smith, John``, ``Smith J``, ``John Smith``, ``张三``)."""
    from citecheck.refs.names import parse_single

    value = " ".join(value.split())
    if not value or value.lower().strip(" .") in _NOT_NAMES:
        return None
    return parse_single(value)


_NOT_NAMES = {"et al", "others", "and others", "等", "anonymous", "anon"}
