"""Terminal summary (rich): counts first, then the worst problems, capped.

The terminal is for a glance: how many references verified, how many findings of
which severity, and the few problems to look at first. Everything else is in the
HTML/Markdown report, and the cap says so. Document text is always a `rich.text.Text`
so brackets such as ``[26,31]`` or ``[bold]`` in a reference are never read as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from citecheck.model import Audit, Finding, Severity
from citecheck.report.views import (
    SEVERITY_ORDER,
    VERDICTS,
    clip,
    scope_note,
    short_evidence,
    summarize,
    worst_first,
)

DEFAULT_LIMIT = 15

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
VERDICT_STYLE = {"verified": "green", "corrected": "yellow", "ambiguous": "magenta", "not_found": "red",
                 "unchecked": "dim"}


def _counts_line(label: str, counts: dict[str, int], styles: dict[str, str]) -> Text:
    line = Text(f"{label}: ", style="bold")
    for i, (key, n) in enumerate(counts.items()):
        if i:
            line.append("  ")
        line.append(f"{key} {n}", style=styles.get(key, "") if n else "dim")
    return line


def problem(f: Finding) -> str:
    """The finding's message; for a field difference just what differs, as the evidence shows the values."""
    ev = f.evidence or {}
    if "field" in ev and ("ours" in ev or "theirs" in ev):
        return f"{ev['field']} differs from the record ({ev.get('diff') or f.kind})"
    return clip(f.message, 200)


def document_renderable(audit: Audit, limit: int = DEFAULT_LIMIT) -> Group:
    """One document's summary: verdict and severity counts, kinds, then the worst findings."""
    s = summarize(audit)
    parts: list[Any] = [
        Text(" · ".join(x for x in (f"{s.references} references", f"{s.claims} citing sentences",
                                    f"{s.findings} findings", scope_note(audit)) if x), style="bold"),
        _counts_line("verdicts", {v: s.verdicts.get(v, 0) for v in VERDICTS}, VERDICT_STYLE),
        _counts_line("findings", {str(k): s.severities.get(str(k), 0) for k in SEVERITY_ORDER},
                     {str(k): v for k, v in SEVERITY_STYLE.items()}),
    ]
    if s.kinds:
        kinds = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        kinds.add_column("kind")
        kinds.add_column("severity")
        kinds.add_column("n", justify="right")
        for kind, n in s.kinds.items():
            sev = s.kind_severity[kind]
            kinds.add_row(Text(kind), Text(str(sev), style=SEVERITY_STYLE[sev]), Text(str(n)))
        parts += [Text(""), kinds]
    findings = worst_first(audit.findings)
    if findings:
        table = Table(title="worst first", title_justify="left", show_lines=False, expand=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("subject", no_wrap=True)
        table.add_column("problem", ratio=3, overflow="fold")
        table.add_column("evidence", ratio=3, overflow="fold")
        for f in findings[:limit]:
            table.add_row(Text(str(f.severity), style=SEVERITY_STYLE[f.severity]), Text(f.subject),
                          Text(problem(f)), Text(clip(short_evidence(f), 110), style="dim"))
        parts += [Text(""), table]
        if len(findings) > limit:
            parts.append(Text(f"… {len(findings) - limit} more (see the HTML/Markdown report)", style="italic"))
    else:
        parts.append(Text("no findings", style="green"))
    if audit.warnings:
        parts.append(Text(f"{len(audit.warnings)} load warnings: "
                          + "; ".join(clip(w.message, 80) for w in audit.warnings[:3]), style="yellow"))
    return Group(*parts)


def render_terminal(audits: Sequence[Audit], console: Console, limit: int = DEFAULT_LIMIT) -> None:
    """Print the summary of each audit to `console` (a rule with the document name, then its summary)."""
    for audit in audits:
        console.rule(Text(audit.document, style="bold"), align="left")
        console.print(document_renderable(audit, limit))
        console.print()


def terminal_text(audits: Sequence[Audit], limit: int = DEFAULT_LIMIT, width: int = 110,
                  color: bool = False, **_: Any) -> str:
    """The terminal summary as plain text (for `-o FILE`, pipes and tests)."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=color, no_color=not color, color_system=None
                      if not color else "standard", highlight=False, emoji=False, legacy_windows=False)
    render_terminal(audits, console, limit)
    return buf.getvalue()
