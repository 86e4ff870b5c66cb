"""The registry of every finding kind, and the one way to make a `Finding`.

`CHECKS` gives each kind its severity, the stage that raises it and a paragraph a
reader can act on (`citecheck check --list-checks` / `--explain KIND`); every stage
makes its findings with `finding()`, so a severity is written in one place only.
Evidence is typed per kind family (the `TypedDict`s below): reports read the keys
these name and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from citecheck.model import Finding, Severity, Span

INFO, WARNING, ERROR = Severity.INFO, Severity.WARNING, Severity.ERROR


@dataclass(frozen=True)
class Check:
    """One finding kind: how bad it is, which stage raises it, and what it means to a reader."""

    kind: str
    severity: Severity
    stage: str
    explain: str


_CHECKS = [
    # reference list and entries
    Check("no_reference_list", WARNING, "references", "No reference list was found in the document."),
    Check("merged_entries", ERROR, "references",
          "Two references were run together by damage and have been split; part of the first may be lost."),
    Check("broken_entry", INFO, "references", "An entry broken across lines or pages was joined into one."),
    Check("missing_author", WARNING, "references", "The first author's family name looks lost (e.g. `I T, Kanai R`)."),
    Check("volume_page_run_together", WARNING, "references",
          "Volume and page numbers are run together (`2010;9129`) and cannot be told apart with certainty."),
    Check("numbering_gap", WARNING, "references", "The list's numbering skips or repeats a number."),
    Check("journal_typo", WARNING, "references",
          "A word of the abbreviated journal name is not an ISO 4 (LTWA) abbreviation but one letter off one "
          "(`Curr Rheumatol Repm` → `Rep`); checked offline, before any matching."),
    Check("fused_title_journal", WARNING, "references",
          "Full title words stand before an abbreviated journal name: the end of the title seems fused with "
          "the journal (`…Comparative Study Stem Cells Dev`)."),
    Check("ocr_repair", INFO, "references",
          "OCR or typing damage was repaired with certainty (letter spacing, words run together, hyphenation, "
          "spaced page ranges); the before/after text is in the evidence."),
    Check("parse_problem", INFO, "references", "A field could not be read from the entry (no title, no year…)."),
    # structured sources (BibTeX, .bbl, LaTeX, RIS, CSL-JSON, Word citation fields…)
    Check("duplicate_key", WARNING, "references",
          "Two entries of a .bib file share one key: LaTeX silently uses only one of them."),
    Check("duplicate_doi", WARNING, "references", "Two entries carry the same DOI: one work listed twice?"),
    Check("malformed_doi", WARNING, "references", "The entry's DOI field does not hold a DOI (`10.` prefix/suffix)."),
    Check("entry_unreadable", WARNING, "references",
          "An entry of a structured file was damaged; what could be read is kept and checked."),
    Check("undefined_citation", INFO, "claims",
          "A \\cite key has no entry in the bibliography (its marker is also reported as dangling)."),
    Check("missing_file", WARNING, "references",
          "A file the document names (\\bibliography, \\addbibresource, \\input) is not beside it: "
          "its entries could not be read."),
    # matching
    Check("wrong_doi", ERROR, "matching", "The DOI written in the entry belongs to another work (or to none)."),
    Check("wrong_value", ERROR, "matching",
          "Year, volume, issue or pages differ from the matched record."),
    Check("author_problem", WARNING, "matching",
          "Authors differ from the record: missing, extra or garbled names."),
    Check("typo", WARNING, "matching", "A misspelt title or journal (small edit distance from the record)."),
    Check("title_cut_short", WARNING, "matching",
          "The entry gives only the first part of the record's title (its subtitle left out)."),
    Check("ocr_damage", WARNING, "matching",
          "OCR damage left in a field (spacing, letter spacing, hyphenation, confusable characters)."),
    Check("missing_field", INFO, "matching", "The entry lacks a field the matched record has."),
    Check("not_found", WARNING, "matching",
          "No source knows this work; it may not exist, or the sources searched do not cover it."),
    Check("ambiguous", WARNING, "matching",
          "Two or more candidate works are too close to call; both are shown, none is chosen."),
    Check("unchecked", INFO, "matching", "The reference could not be checked (sources offline or failing)."),
    Check("likely_fabricated", WARNING, "matching",
          "Positive evidence that the entry describes no real work: the DOI it prints belongs to another work "
          "and no source searched has its title, or its journal's volume and first page hold another article, or "
          "(weakest, confidence 0.5) its first author has other work in that journal but no source has the title. "
          "Never raised only because the sources searched lack the work; the evidence and a confidence are shown."),
    Check("other_edition", INFO, "matching",
          "The matched record is one language edition of a journal published in several (`… (English ed.)`) "
          "and the entry names none: the same article, but perhaps not the DOI of the edition the author read."),
    # notices on the matched work (Crossref update relations, Retraction Watch data included)
    Check("retracted", ERROR, "matching",
          "The cited work has been retracted or withdrawn; the notice's DOI, type and date are in the evidence."),
    Check("expression_of_concern", WARNING, "matching",
          "The publisher has issued an expression of concern about the cited work."),
    Check("correction_notice", WARNING, "matching",
          "A correction (erratum, corrigendum) to the cited work has been published: check that what is cited "
          "still holds. (Not the `corrected` verdict, which is about the entry's own fields.)"),
    # claims
    Check("dangling_citation", ERROR, "claims", "A citation marker points to no entry of its list."),
    Check("uncited_entry", WARNING, "claims", "An entry of the list is never cited in the text."),
    Check("out_of_order", WARNING, "claims",
          "In an order-of-citation list (GB/T 7714, Vancouver), entries are not numbered by first citation."),
    Check("duplicate_entry", WARNING, "claims", "The same entry appears twice in a list."),
    Check("same_work_twice", WARNING, "claims", "The same work is listed under two numbers."),
    Check("markers_without_list", ERROR, "claims", "The text has citation markers but no reference list."),
    Check("no_markers", INFO, "claims", "The document has a reference list but no citation markers."),
    Check("citation_unrelated", WARNING, "support",
          "The cited work does not seem to be about what the sentence claims; the evidence names the claim's "
          "key terms, what the work is about and any entry of the list that fits better."),
    Check("citation_unsupported", INFO, "support",
          "The cited work is related, but what we read of it (abstract or title) does not state the claim; "
          "the evidence shows its closest sentence."),
]
CHECKS: dict[str, Check] = {c.kind: c for c in _CHECKS}


class UnknownCheck(KeyError):
    """A finding kind not in `CHECKS`: a programming error, never user input."""


def finding(kind: str, subject: str, message: str, evidence: FindingEvidence | dict[str, Any] | None = None,
            span: Span | None = None) -> Finding:
    """A `Finding` of a registered kind, its severity taken from the registry."""
    check = CHECKS.get(kind)
    if check is None:
        raise UnknownCheck(kind)
    return Finding(kind, check.severity, subject, message, dict(evidence or {}), span)


# ---------------------------------------------------------------- evidence, per kind family

class IssueEvidence(TypedDict, total=False):
    """Reading and parsing problems (`ocr_repair`, `parse_problem`, `merged_entries`, …)."""

    code: str
    raw: str
    before: str
    after: str
    confidence: float


class MatchEvidence(TypedDict, total=False):
    """Matching verdicts and field diffs (`not_found`, `ambiguous`, `unchecked`, `wrong_value`, `other_edition`, …)."""

    verdict: str
    journal: str
    confidence: float
    doi: str | None
    source: str | None
    reason: str
    candidates: list[dict[str, Any]]
    references: list[Any] | int
    field: str
    ours: str
    theirs: str
    diff: str


class NoticeEvidence(TypedDict, total=False):
    """`retracted`, `expression_of_concern`, `correction_notice`: the notice on the matched work."""

    doi: str | None
    source: str | None
    notice: str
    notice_type: str
    notice_doi: str | None
    notice_date: str | None
    notice_source: str | None
    notice_id: str | None
    """Another identifier of the notice when it has no DOI (``MED:32000001``)."""


class FabricationEvidence(TypedDict, total=False):
    """`likely_fabricated`: why, with the works that hold the printed DOI or the volume and page."""

    verdict: str
    confidence: float
    why: list[str]
    printed_doi: str
    resolves_to: dict[str, Any]
    at_volume_page: list[dict[str, Any]]
    author_in_venue: list[dict[str, Any]]
    searched: str
    reason: str


class CitationEvidence(TypedDict, total=False):
    """Structural citation findings (`dangling_citation`, `uncited_entry`, `out_of_order`, duplicates)."""

    number: int
    numbers: list[int]
    marker: str
    line: int
    lines: list[int]
    list_id: str
    authors: list[str]
    year: str | None
    expected: int
    found: int
    reason: str
    entry: str


class SupportEvidence(TypedDict, total=False):
    """`citation_unrelated` / `citation_unsupported`: the scores, what the claim and the work are about,
    the work's closest sentence and what it was read from, conflicting terms, and a better fit if any."""

    grade: str
    evidence: str
    best_sentence: str
    conflicts: list[str]
    score: float
    signals: dict[str, float]
    claim_terms: list[str]
    work_about: dict[str, Any]
    better: dict[str, Any] | None
    clause: str
    context: str
    marker: str
    number: int
    list: str | None


FindingEvidence = (IssueEvidence | MatchEvidence | NoticeEvidence | FabricationEvidence | CitationEvidence
                   | SupportEvidence)
