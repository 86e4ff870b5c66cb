"""CSV cells that a spreadsheet will not run as formulas (CSV injection, OWASP).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula
(``=HYPERLINK(…)``, ``=cmd|…``, ``@SUM(…)``). Reference strings, sentences and
headings come from the documents checked, so every cell of every CSV we write
goes through `neutralise_csv_cell`: such a cell gets a leading ``'``, which
spreadsheets show as text and do not evaluate. Leading blanks do not hide a
trigger (`` =1+1`` is neutralised too).
"""

from __future__ import annotations

import csv
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""OWASP's list, plus a newline and the full-width forms some spreadsheets normalise."""


def neutralise_csv_cell(value: Any) -> str:
    """`value` as CSV cell text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class SafeWriter:
    """A `csv.writer` whose every cell goes through `neutralise_csv_cell`."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([neutralise_csv_cell(c) for c in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **kwargs: Any) -> SafeWriter:
    """Drop-in for ``csv.writer(stream, …)`` for data from documents."""
    return SafeWriter(stream, **kwargs)
