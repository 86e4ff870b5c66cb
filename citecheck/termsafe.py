"""Nothing from a document or a file name reaches the terminal as a control sequence.

A file named ``$'\\e]0;pwned\\a.md'`` or a reference containing ``ESC [2J``
(clear screen), ``ESC [1A`` (overwrite the line above), OSC 52 (write the
clipboard) or a right-to-left override was echoed raw: the terminal obeyed it.
`escape` shows every such character as a visible escape (``\\x1b``,
``\\u202e``); newlines and tabs are kept where text may span lines, and escaped
in one-line messages.

Two gates: `echo` for citecheck's own stderr lines (the CLI's messages), and
`install`, which makes rich render the *text* of every segment through
`escape` — rich's own control segments (cursor moves of the progress bar) and
styles are untouched, so colours and live displays work as before.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_AND_NEWLINES = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, *, one_line: bool = False) -> str:
    """`text` with terminal control characters made visible (also newlines and tabs when `one_line`)."""
    pattern = _CONTROL_AND_NEWLINES if one_line else _CONTROL
    return pattern.sub(_visible, text) if pattern.search(text) else text


def echo(message: str, err: bool = False) -> None:
    """`typer.echo` for one line of citecheck's own output: control characters made visible."""
    import typer

    typer.echo(escape(message, one_line=True), err=err)


_installed = False


def install() -> None:
    """Make every rich console escape control characters in the text it renders (idempotent)."""
    global _installed
    if _installed:
        return
    from rich.console import Console
    from rich.segment import Segment

    original = Console._render_buffer

    def _render_buffer(self: Any, buffer: Any) -> str:
        return original(self, (seg if seg.control else Segment(escape(seg.text), seg.style, seg.control)
                               for seg in buffer))

    Console._render_buffer = _render_buffer  # type: ignore[method-assign]
    _installed = True
