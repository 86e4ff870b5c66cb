"""Text of an XML/HTML tree with its block structure kept: paragraphs, headings and cells on their own lines.

Used by the HTML, JATS and OpenDocument readers. The walk is iterative (a
deeply nested file cannot exhaust the stack), comments and processing
instructions are dropped, and a reader can replace an element by text of its
own (JATS: a ``<xref ref-type="bibr">`` becomes ``[3]``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

from citecheck.document.xmlsafe import local

_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def blocks_text(root: Any, blocks: Collection[str], skip: Collection[str] = (), *,
           breaks: Collection[str] = ("br",), cells: Collection[str] = (),
           replace: Callable[[Any], str | None] | None = None, keep: Collection[str] = ("pre",)) -> str:
    """`root`'s text: `blocks` start and end paragraphs, `breaks` end lines, `cells` are tab-separated."""
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    in_cell = 0  # paragraphs inside a table cell stay on the row's line
    while stack:
        el, done = stack.pop()
        tag = local(el.tag)
        if done:
            if tag in cells:
                in_cell -= 1
                out.append("\t")
            elif tag in blocks:
                out.append(" " if in_cell else "\n\n")
            if el is not root and el.tail:
                out.append(_flat(el.tail))
            continue
        if not tag or tag in skip:  # comments, PIs, scripts…
            if el is not root and el.tail:
                out.append(_flat(el.tail))
            continue
        text = replace(el) if replace is not None else None
        if text is not None:
            out.append(text)
            if el.tail:
                out.append(_flat(el.tail))
            continue
        if tag in cells:
            in_cell += 1
        elif tag in blocks:
            out.append(" " if in_cell else "\n\n")
        elif tag in breaks:
            out.append("\n")
        if el.text:
            out.append(el.text if tag in keep else _flat(el.text))
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    return tidy("".join(out))


def _flat(text: str) -> str:
    """Line ends in markup are spaces; only block elements and breaks end lines."""
    return text.replace("\r", " ").replace("\n", " ")


def tidy(text: str) -> str:
    """Spaces collapsed inside lines (tabs between cells kept), blank-line runs as one blank line."""
    lines = []
    for line in text.split("\n"):
        cells = [_SPACES.sub(" ", c).strip() for c in line.split("\t")]
        lines.append("\t".join(c for c in cells if c) if len(cells) > 1 else cells[0])
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
