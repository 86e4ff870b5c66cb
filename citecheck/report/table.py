"""The `table` output format: what people read at a terminal, per stage.

`print_table` prints with colour to a console; `table_text` gives the same as plain
text (for `-o FILE`, pipes and tests).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console

from citecheck.model import Audit
from citecheck.report import View


def print_table(audits: Sequence[Audit], view: View, console: Console) -> None:
    if view is View.CHECK:
        from citecheck.report.terminal import render_terminal

        render_terminal(audits, console)
    elif view is View.REFS:
        from citecheck.report.refs import refs_table

        refs_table([lst for a in audits for lst in a.lists], console)
    elif view is View.MATCHES:
        from citecheck.report.matches import matches_table

        matches_table([m for a in audits for m in a.matches], console)
    else:
        from citecheck.report.claims import claim_link_rows, claims_table

        for a in audits:
            console.print(claims_table(claim_link_rows(a.claims, a.lists)))


def table_text(audits: Sequence[Audit], view: View = View.CHECK, width: int | None = None, **options: Any) -> str:
    if view is View.CHECK:
        from citecheck.report.terminal import terminal_text

        return terminal_text(audits, **({"width": width} if width else {}), **options)
    console = Console(record=True, width=width or 160, file=io.StringIO())
    print_table(audits, view, console)
    return console.export_text()
