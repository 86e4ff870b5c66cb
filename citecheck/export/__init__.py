"""Exports of parsed references: BibTeX (our own writer over pybtex's model) and CSL-JSON.

Both exports share one cleaning step and one key assignment, so an item's CSL
`id` equals its BibTeX key when the same items are exported in the same order.
"""

from citecheck.export.bibtex import to_bibliography_data, to_bibtex
from citecheck.export.csljson import clean_csl, dumps_csl_json, to_csl_json
from citecheck.export.keys import bibtex_key

__all__ = [
    "bibtex_key",
    "clean_csl",
    "dumps_csl_json",
    "to_bibliography_data",
    "to_bibtex",
    "to_csl_json",
]
