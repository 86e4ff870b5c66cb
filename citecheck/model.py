"""Dataclasses shared by every stage of the pipeline.

Every extracted object carries a `Span` into the normalised text so reports can
point at it, and problems are kept as data (`Issue`) rather than raised, so a
damaged document still yields everything that could be computed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0"

CSL = dict[str, Any]
"""A CSL-JSON item: type, author[{family, given} | {literal}], title, container-title,
issued{date-parts}, volume, issue, page, DOI, PMID, URL, publisher."""


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) in the document text; `line` is 1-based."""

    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Issue:
    """A problem found while reading or parsing, kept beside the data it concerns.

    `code` is a stable machine name (e.g. ``letter_spacing``, ``merged_entries``);
    `before`/`after` show a repair exactly, so no change is ever silent.
    """

    code: str
    message: str
    before: str = ""
    after: str = ""
    confidence: float = 1.0


@dataclass
class Document:
    """A loaded document: its text after decoding, and how it was decoded."""

    text: str
    source: str
    encoding: str = "utf-8"
    format: str = "txt"
    warnings: list[Issue] = field(default_factory=list)
    lists: list[ReferenceList] | None = None
    """Reference lists read exactly from structured data (BibTeX, RIS, Word citation fields…);
    `None` means they are to be found in `text`."""


@dataclass
class Reference:
    """One bibliography entry: `raw` exactly as found, `fields` as CSL-JSON."""

    list_id: str
    n: int | None
    raw: str
    span: Span
    fields: CSL = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    label: str = ""
    text: str = ""
    """The entry after certain repairs (what was parsed); equal to `raw` minus label when nothing was repaired."""

    @property
    def key(self) -> str:
        return f"{self.list_id}:{self.n if self.n is not None else '?'}"


@dataclass
class ReferenceList:
    """One reference list of a document; a document with several articles has several."""

    id: str
    heading: str
    span: Span
    references: list[Reference] = field(default_factory=list)
    style: str = "unknown"
    warnings: list[Issue] = field(default_factory=list)


@dataclass
class Record:
    """One metadata record from a source, CSL-JSON shaped."""

    fields: CSL
    source: str
    score: float = 0.0
    abstract: str = ""
    subjects: list[str] = field(default_factory=list)

    @property
    def doi(self) -> str | None:
        doi = self.fields.get("DOI")
        return doi.lower() if isinstance(doi, str) else None


DiffKind = Literal[
    "ocr_spacing",
    "letter_spacing",
    "hyphenation",
    "char_confusion",
    "abbreviation",
    "typo",
    "wrong_value",
    "missing",
    "extra_author",
    "missing_author",
    "author_garbled",
    "merged_entries",
    "wrong_doi",
]


@dataclass(frozen=True)
class FieldDiff:
    field: str
    ours: str
    theirs: str
    kind: str

    @property
    def is_error(self) -> bool:
        return self.kind != "abbreviation"


Verdict = Literal["verified", "corrected", "ambiguous", "not_found", "unchecked"]


@dataclass
class Match:
    reference: Reference
    verdict: str
    record: Record | None = None
    confidence: float = 0.0
    diffs: list[FieldDiff] = field(default_factory=list)
    candidates: list[Record] = field(default_factory=list)
    reason: str = ""

    @property
    def doi(self) -> str | None:
        return self.record.doi if self.record else None


@dataclass(frozen=True)
class Citation:
    marker: str
    span: Span
    numbers: tuple[int, ...] = ()
    list_id: str | None = None
    authors: tuple[str, ...] = ()
    year: str | None = None


@dataclass
class Claim:
    text: str
    span: Span
    citations: list[Citation] = field(default_factory=list)
    section: str = ""


Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[str, ...] = ("info", "warning", "error")


@dataclass
class Finding:
    kind: str
    severity: str
    subject: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None


@dataclass
class Audit:
    """The whole result for one document, serialisable to JSON."""

    document: str
    lists: list[ReferenceList] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    @property
    def references(self) -> list[Reference]:
        return [r for lst in self.lists for r in lst.references]


def to_dict(obj: Any) -> Any:
    """JSON-ready view of any model object (dataclasses, lists, dicts)."""
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_dict(v) for k, v in asdict(obj).items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj
