"""citecheck — check the references of a scholarly text.

The pipeline, one function per stage, flowing one way::

    load(path) ─> extract_references(doc) ─> match_references(refs, sources) ─> check_document(...) ─> render(...)

`check_document` runs every stage on one document and returns an `Audit`;
`check_batch` runs many, resumable; `render` writes an audit in any output format
(`citecheck.formats` lists them).
"""

from __future__ import annotations

from citecheck.config import ConfigError, Settings, load_settings
from citecheck.document import DocumentError, load
from citecheck.formats import Format, FormatError, find_format
from citecheck.matching import resolve as match_references
from citecheck.model import (
    Audit,
    Citation,
    Claim,
    DiffKind,
    Document,
    FieldDiff,
    Finding,
    Issue,
    Match,
    Record,
    Reference,
    ReferenceList,
    Severity,
    Span,
    Verdict,
)
from citecheck.pipeline import BatchResult, Event, EventKind, check_batch, check_document, open_sources
from citecheck.refs import extract_references, parse_reference
from citecheck.report import View, render
from citecheck.version import __version__

__all__ = [
    "Audit",
    "BatchResult",
    "Citation",
    "Claim",
    "ConfigError",
    "DiffKind",
    "Document",
    "DocumentError",
    "Event",
    "EventKind",
    "FieldDiff",
    "Finding",
    "Format",
    "FormatError",
    "Issue",
    "Match",
    "Record",
    "Reference",
    "ReferenceList",
    "Settings",
    "Severity",
    "Span",
    "Verdict",
    "View",
    "__version__",
    "check_batch",
    "check_document",
    "extract_references",
    "find_format",
    "load",
    "load_settings",
    "match_references",
    "open_sources",
    "parse_reference",
    "render",
]
