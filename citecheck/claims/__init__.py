"""Claims: sentences, citation markers, linking to reference lists, and the structural audit.

Pipeline (each step pure): `split_sentences` and `find_markers` on the normalised text
outside the reference lists → `extract_claims` (one Claim per sentence with markers,
each Citation tied to its list) → `links` (claim ↔ entry rows with the clause ending at
each marker) → `structural_findings` (dangling, uncited, out of order, duplicates).
"""

from citecheck.claims.link import Link, clauses, extract_claims, links
from citecheck.claims.markers import find_markers, plausible_limit
from citecheck.claims.sentences import Sentence, clause_before, split_sentences
from citecheck.claims.structure import structural_findings

__all__ = [
    "Link",
    "Sentence",
    "clause_before",
    "clauses",
    "extract_claims",
    "find_markers",
    "links",
    "plausible_limit",
    "split_sentences",
    "structural_findings",
]
