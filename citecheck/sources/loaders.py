"""Streaming readers for every metadata file layout `index add` accepts.

Files can be large (a Crossref public data file is tens of MB of one JSON
line), so nothing here loads a whole JSON document: JSON Lines are read line by
line, and other JSON is walked value by value with `json.JSONDecoder.raw_decode`
over a sliding buffer, descending into ``message`` / ``items`` so API response
envelopes, public-data ``{"items": [...]}`` files and plain arrays all stream.
Each yielded element is either a `Record` or a `ConversionError` saying why an
element was unusable; a bad element never stops the file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from citecheck.model import Record
from citecheck.sources.convert import (
    ConversionError,
    is_crossref_item,
    record_from_crossref,
    record_from_csl,
    records_from_bibtex_text,
)

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csl", ".csljson")
BIBTEX_SUFFIXES = (".bib", ".bibtex")
_CHUNK = 1 << 20
_MAX_BUFFER = 256 << 20
_FIRST_LINE_LIMIT = 8 << 20
_WS = re.compile(r"[ \t\n\r]*")


class LoadError(ValueError):
    """A whole file could not be read (unknown layout, broken JSON syntax)."""


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files behind `paths`; directories (the Crossref public data layout) are walked in name order."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and _known_suffix(child):
                    yield child
        else:
            yield path


def _known_suffix(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(JSON_SUFFIXES + BIBTEX_SUFFIXES)


def _open_text(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors="replace")
    return open(path, encoding="utf-8-sig", errors="replace")


def iter_records(path: str | os.PathLike[str]) -> Iterator[Record | ConversionError]:
    """Every record in one file, whatever its layout; raises `LoadError` only for whole-file failures."""
    path = Path(path)
    inner = path.name.lower().removesuffix(".gz")
    try:
        if inner.endswith(BIBTEX_SUFFIXES):
            with _open_text(path) as fh:
                text = fh.read()
            yield from bibtex_records(text)
            return
        for item in iter_json_items(path):
            yield item if isinstance(item, ConversionError) else _to_record(item)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise LoadError(f"{path}: {exc}") from exc


_ENTRY_START = re.compile(r"(?m)^[ \t]*@")
_MACRO_ENTRY = re.compile(r"\s*@\s*(?:string|preamble)\b", re.IGNORECASE)
_COMMENT_ENTRY = re.compile(r"\s*@\s*comment\b", re.IGNORECASE)


def bibtex_records(text: str) -> Iterator[Record | ConversionError]:
    """Records of a BibTeX file; a syntax error costs only the entry it is in.

    One unclosed brace makes BibTeX read the rest of the file as that entry, so
    every good entry after it was lost. When the whole-file parse reports a
    syntax error, the file is parsed again entry by entry (each ``@`` at the
    start of a line begins one; ``@string`` macros are given to every entry).
    """
    items = list(records_from_bibtex_text(text))
    if not any(isinstance(i, ConversionError) and "syntax error" in str(i) for i in items):
        yield from items
        return
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    macros = "".join(c for c in chunks if _MACRO_ENTRY.match(c))
    for chunk in chunks:
        if _MACRO_ENTRY.match(chunk) or _COMMENT_ENTRY.match(chunk):
            continue
        yield from records_from_bibtex_text(f"{macros}\n{chunk}")


def _to_record(item: Any) -> Record | ConversionError:
    if not isinstance(item, dict):
        return ConversionError(f"not a JSON object: {str(item)[:60]}")
    try:
        if is_crossref_item(item):
            rec = record_from_crossref(item, "index")
            rec.fields.setdefault("citecheck:origin", "crossref")
        else:
            rec = record_from_csl(item, "index")
            rec.fields.setdefault("citecheck:origin", "csl-json")
        return rec
    except ConversionError as exc:
        return exc
    except Exception as exc:  # an odd item must never abort the batch
        return ConversionError(f"unreadable item: {exc}")


def unwrap(value: Any) -> Iterator[Any]:
    """Items inside an API envelope (`message.items` / `message`), an `items` file, or a list."""
    if isinstance(value, list):
        for v in value:
            yield from unwrap(v)
    elif isinstance(value, dict) and isinstance(value.get("message"), dict):
        msg = value["message"]
        if isinstance(msg.get("items"), list):
            yield from msg["items"]
        else:
            yield msg
    elif isinstance(value, dict) and isinstance(value.get("items"), list) and "DOI" not in value:
        yield from value["items"]
    else:
        yield value


def iter_json_items(path: Path) -> Iterator[Any]:
    """Works items from a JSON / JSON Lines file (optionally gzipped), streamed."""
    with _open_text(path) as fh:
        first = fh.readline(_FIRST_LINE_LIMIT)
        jsonl = False
        if first.endswith("\n") or (first and len(first) < _FIRST_LINE_LIMIT):
            try:
                value = json.loads(first)
                jsonl = True
            except ValueError:
                jsonl = False
        if jsonl:
            yield from unwrap(value)
            for lineno, line in enumerate(fh, start=2):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except ValueError as exc:
                    yield ConversionError(f"line {lineno}: bad JSON ({exc.msg})")
                    continue
                yield from unwrap(value)
            return
    with _open_text(path) as fh:
        try:
            yield from _StreamWalker(fh).top_level()
        except ValueError as exc:
            raise LoadError(f"{path}: {exc}") from exc


class _StreamWalker:
    """Walks top-level JSON values, streaming the elements of `items` arrays.

    Values other than `items` / `message` are decoded whole (they are small);
    works are yielded one at a time, so memory stays bounded by the largest work.
    """

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        data = self.fh.read(_CHUNK)
        if not data:
            self.eof = True
            return False
        if len(self.buf) - self.pos + len(data) > _MAX_BUFFER:
            raise ValueError("a single JSON value is larger than the read buffer")
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, ch: str) -> None:
        got = self.peek()
        if got != ch:
            raise ValueError(f"expected {ch!r}, found {got!r}")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._fill():
                    raise ValueError(f"bad JSON: {exc.msg}") from exc
                continue
            if end == len(self.buf) and not self.eof and self._fill():
                continue  # a number could continue in the next chunk
            self.pos = end
            return obj

    def top_level(self) -> Iterator[Any]:
        while True:
            c = self.peek()
            if c == "":
                return
            if c == "[":
                yield from self.array()
            elif c == "{":
                yield from self.object()
            else:
                raise ValueError(f"unexpected {c!r} at top level")

    def array(self) -> Iterator[Any]:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield from unwrap(self.value())
            c = self.peek()
            self.pos += 1
            if c == "]":
                return
            if c != ",":
                raise ValueError(f"expected ',' or ']' in array, found {c!r}")

    def object(self) -> Iterator[Any]:
        """Stream `items` / `message`; an object without them is itself a work and is yielded."""
        self.expect("{")
        collected: dict[str, Any] = {}
        streamed = False
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ValueError("object key is not a string")
            self.expect(":")
            c = self.peek()
            if key == "items" and c == "[":
                streamed = True
                yield from self.array()
            elif key == "message" and c == "{":
                streamed = True
                yield from self.object()
            else:
                collected[key] = self.value()
            c = self.peek()
            self.pos += 1
            if c == "}":
                break
            if c != ",":
                raise ValueError(f"expected ',' or '}}' in object, found {c!r}")
        if not streamed:
            yield collected
