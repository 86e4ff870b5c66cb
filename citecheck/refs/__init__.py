"""References: finding lists in text, splitting entries, repairing and parsing fields.

`extract_references(doc)` is the stage's one entry point: a structured document
(BibTeX, RIS, Word citation fields…) brings its lists exactly; any other has them
found in its text.
"""

from __future__ import annotations

from citecheck.model import Document, ReferenceList
from citecheck.refs.extract import extract_lists, guess_style, references_from_lines
from citecheck.refs.parse import parse_reference

__all__ = ["extract_lists", "extract_references", "guess_style", "parse_reference", "references_from_lines"]


def extract_references(doc: Document, *, lines: bool = False) -> list[ReferenceList]:
    """The document's reference lists: as read from structured data, else found in its text."""
    if doc.lists is not None:
        return doc.lists
    return references_from_lines(doc.text) if lines else extract_lists(doc.text)
