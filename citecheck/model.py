"""Dataclasses shared by every stage of the pipeline.

Every extracted object carries a `Span` into the normalised text so reports can
point at it, and problems are kept as data (`Issue`) rather than raised, so a
damaged document still yields everything that could be computed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum, IntEnum, StrEnum
from typing import Any

SCHEMA_VERSION = "1.1"

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


class DiffKind(StrEnum):
    """How a field of the entry differs from the matched record."""

    OCR_SPACING = "ocr_spacing"
    LETTER_SPACING = "letter_spacing"
    HYPHENATION = "hyphenation"
    CHAR_CONFUSION = "char_confusion"
    ABBREVIATION = "abbreviation"
    """Not an error: the entry abbreviates what the record spells out."""
    TYPO = "typo"
    WRONG_VALUE = "wrong_value"
    TRUNCATED = "truncated"
    """The entry's title is the record's cut short: its first words only (a subtitle left out)."""
    MISSING = "missing"
    EXTRA_AUTHOR = "extra_author"
    MISSING_AUTHOR = "missing_author"
    AUTHOR_GARBLED = "author_garbled"
    MERGED_ENTRIES = "merged_entries"
    WRONG_DOI = "wrong_doi"


@dataclass(frozen=True)
class FieldDiff:
    field: str
    ours: str
    theirs: str
    kind: DiffKind

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DiffKind(self.kind))  # a plain string is accepted and typed

    @property
    def is_error(self) -> bool:
        return self.kind != DiffKind.ABBREVIATION


class Verdict(StrEnum):
    """What matching concluded for one reference."""

    VERIFIED = "verified"
    CORRECTED = "corrected"
    """The work is certain and some fields of the entry are wrong (the diffs say which)."""
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    UNCHECKED = "unchecked"
    """No source could answer (offline, unreachable, failing): nothing is claimed."""


ACCEPTED = frozenset({Verdict.VERIFIED, Verdict.CORRECTED})
"""Verdicts that name one work."""


@dataclass
class Match:
    reference: Reference
    verdict: Verdict
    record: Record | None = None
    confidence: float = 0.0
    diffs: list[FieldDiff] = field(default_factory=list)
    candidates: list[Record] = field(default_factory=list)
    reason: str = ""

    def __post_init__(self) -> None:
        self.verdict = Verdict(self.verdict)

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


class Severity(IntEnum):
    """How bad a finding is; ordered, so ``max`` is the worst. Written as its lower-case name."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """``"warning"`` → `Severity.WARNING`; `ValueError` naming the choices otherwise."""
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise ValueError(f"{value!r}: not a severity (info, warning, error)") from None


SEVERITIES: tuple[Severity, ...] = tuple(Severity)
"""Mildest first."""


@dataclass
class Finding:
    kind: str
    severity: Severity
    subject: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None

    def __post_init__(self) -> None:
        self.severity = Severity.parse(self.severity)


@dataclass
class SupportLink:
    """One claim–citation link as the support audit scored it — every link, flagged or not, so a reader
    can sort them and see the evidence behind each judgement."""

    number: int
    marker: str
    span: Span
    context: str
    score: float
    """Fit of the cited work to the claim, standardised over the document's links (low = poor fit)."""
    evidence: str
    """What the judgement read about the work: ``abstract``, ``title`` (a matched record's) or ``parsed title``."""
    best_sentence: str = ""
    """The work's sentence (or title) closest to the claim."""
    list_id: str | None = None
    grade: str | None = None
    """None, or the finding raised: ``citation_unrelated`` / ``citation_unsupported``."""
    signals: dict[str, float] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    """Terms on which claim and evidence disagree (another disease, organ or cell type; opposite direction)."""


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
    support: list[SupportLink] = field(default_factory=list)

    @property
    def references(self) -> list[Reference]:
        return [r for lst in self.lists for r in lst.references]


def to_dict(obj: Any) -> Any:
    """JSON-ready view of any model object (dataclasses, enums as their names, lists, dicts)."""
    if isinstance(obj, Enum):
        return str(obj) if isinstance(obj, Severity) else obj.value
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_dict(v) for k, v in asdict(obj).items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {(to_dict(k) if isinstance(k, Enum) else k): to_dict(v) for k, v in obj.items()}
    return obj
