"""Loading: bytes from a path or stdin to one normalised `Document`, whatever the format.

The reader is chosen through `citecheck.formats` (by signature, then suffix);
every failure is a `DocumentError` with a one-line message, and a type we do
not read is refused by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

from citecheck.document.errors import MAX_BYTES, MAX_CHARS, DocumentError
from citecheck.document.plain import decode
from citecheck.formats import FormatError, find_format, suffixes
from citecheck.model import Document
from citecheck.text import normalize

__all__ = ["MAX_BYTES", "MAX_CHARS", "SUFFIXES", "DocumentError", "decode", "load", "read_bytes"]

SUFFIXES = suffixes()
"""Every suffix a folder walk picks up."""


def load(source: str | Path, data: bytes | None = None) -> Document:
    """Load a path (or '-' for stdin) into a normalised Document."""
    name = str(source)
    if data is None:
        data = read_bytes(name)
    try:
        fmt = find_format(filename=name if name != "-" else "stdin", data=data)
    except FormatError as exc:
        raise DocumentError(str(exc)) from None
    doc = _read(fmt, name, data)
    if len(doc.text) > MAX_CHARS:
        raise DocumentError(f"{name}: {len(doc.text):,} characters, more than the {MAX_CHARS:,} citecheck "
                            "checks (≈5,000 pages); split the document")
    doc.text = normalize(doc.text)
    if not doc.text.strip() and not doc.lists:
        raise DocumentError(f"{name}: empty document (no text)")
    return doc


def _read(fmt: object, name: str, data: bytes) -> Document:
    """Run the format's reader. A file named as text whose bytes only *start* like a PDF (``%PDF-`` in a
    note, a pasted header) is read as the text it is, with a warning, instead of "PDF is truncated"."""
    try:
        return fmt.load()(name, data)  # type: ignore[attr-defined]
    except DocumentError:
        text_named = Path(name).suffix.lower() in {".txt", ".text", ".md", ".markdown", ".rst"}
        if getattr(fmt, "name", "") != "pdf" or not text_named or b"\x00" in data[:65536]:
            raise
    from citecheck.document.plain import load_text
    from citecheck.model import Issue

    doc = load_text(name, data)
    doc.warnings.append(Issue("pdf_signature_in_text", "starts with %PDF- but is not a PDF; read as text"))
    return doc


def read_bytes(name: str) -> bytes:
    """The file's bytes (or stdin's), refused beyond `MAX_BYTES` rather than half-read."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(name)
            if path.is_dir():
                raise DocumentError(f"{name}: is a directory, not a document")
            with path.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB, refused")
    return data
