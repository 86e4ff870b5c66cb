"""One registry of every format citecheck reads or writes (pybtex's `find_plugin` idea).

A reader turns a file's bytes into a `Document` (text, and for structured
inputs such as BibTeX or Word citation fields, the exact reference lists); a
writer turns audits into report text. Readers are found by name, by file name
(suffix) or by the bytes' signature; a file of a type we do not read is refused
by name, never read as plain text. Implementations are imported lazily so
listing formats costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from pathlib import Path
from typing import Any


class Role(StrEnum):
    READER = "reader"
    WRITER = "writer"


@dataclass(frozen=True)
class Format:
    """A named format: its file suffixes, what it does, and where its implementation lives."""

    name: str
    role: Role
    target: str
    """``module:function`` of the implementation, imported on first use."""
    suffixes: tuple[str, ...] = ()
    description: str = ""
    magic: tuple[bytes, ...] = ()
    """Leading bytes that identify the format whatever the file is called."""
    views: frozenset[str] = frozenset()
    """Writers: the stages (`citecheck.report.View`) whose results it can show; empty means all."""
    unwalked: tuple[str, ...] = ()
    """Suffixes read when a file is named but not picked up by folder walks: a folder's ``.json`` or
    ``.xml`` is as likely a report or a config as a bibliography, and would only be refused."""
    sniff: str = ""
    """``module:function(data) -> bool`` confirming a `magic` match, for containers several formats share
    (a zip is Word only with ``word/document.xml``, OpenDocument only when its ``mimetype`` says so)."""

    def load(self) -> Callable[..., Any]:
        module, _, func = self.target.partition(":")
        return getattr(import_module(module), func)


class FormatError(ValueError):
    """No format by that name or for that file; the message is one line naming it."""


_REGISTRY: dict[tuple[Role, str], Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format; later issues' readers and writers plug in here."""
    _REGISTRY[(fmt.role, fmt.name)] = fmt
    return fmt


def formats(role: Role | None = None) -> list[Format]:
    return [f for (r, _), f in _REGISTRY.items() if role is None or r is role]


def suffixes(role: Role = Role.READER) -> frozenset[str]:
    """Every suffix a folder walk picks up (readers) or a report file may carry (writers)."""
    return frozenset(s for f in formats(role) for s in f.suffixes if s not in f.unwalked)


def find_format(name: str | None = None, filename: str | None = None, *, role: Role = Role.READER,
                data: bytes | None = None) -> Format:
    """The format called `name`, else the one the bytes' signature names, else the file name's suffix."""
    if name:
        fmt = _REGISTRY.get((role, name.lower()))
        if fmt is None:
            known = ", ".join(sorted(f.name for f in formats(role)))
            raise FormatError(f"{name}: no such {role.value} format (known: {known})")
        return fmt
    if data is not None and role is Role.READER:
        for fmt in formats(role):
            if any(data.startswith(m) for m in fmt.magic) and _sniffed(fmt, data):
                return fmt
    if filename is not None:
        low = Path(filename).name.lower()
        # longest suffix first, so `x.csl.json` is CSL-JSON and not any JSON
        for fmt in sorted(formats(role), key=lambda f: -max((len(s) for s in f.suffixes), default=0)):
            if any(low.endswith(s) for s in fmt.suffixes if s):
                return fmt
        if Path(low).suffix == "" and role is Role.READER:
            return _REGISTRY[(role, "txt")]
        raise FormatError(f"{filename}: {Path(low).suffix or 'this'} files are not a type citecheck "
                          f"{'reads' if role is Role.READER else 'writes'}")
    raise FormatError("no format name or file name given")


def _sniffed(fmt: Format, data: bytes) -> bool:
    if not fmt.sniff:
        return True
    module, _, func = fmt.sniff.partition(":")
    return bool(getattr(import_module(module), func)(data))


_R, _W = Role.READER, Role.WRITER
for _fmt in (
    Format("txt", _R, "citecheck.document.plain:load_text", (".txt", ".text", ".rst"), "plain text"),
    Format("md", _R, "citecheck.document.plain:load_text", (".md", ".markdown"), "Markdown"),
    Format("pdf", _R, "citecheck.document.pdf:load_pdf", (".pdf",), "PDF (text layer)", (b"%PDF-",)),
    Format("docx", _R, "citecheck.document.word:load_docx", (".docx",), "Word (text, and Zotero/Mendeley/EndNote "
           "citation fields)", (b"PK\x03\x04",), sniff="citecheck.document.sniff:is_docx"),
    Format("odt", _R, "citecheck.document.odt:load_odt", (".odt",), "OpenDocument text", (b"PK\x03\x04",),
           sniff="citecheck.document.sniff:is_odt"),
    Format("html", _R, "citecheck.document.html:load_html", (".html", ".htm", ".xhtml"), "HTML page"),
    Format("xml", _R, "citecheck.document.xmldoc:load_xml", (".xml",), "JATS article or EndNote XML library",
           unwalked=(".xml",)),
    Format("jats", _R, "citecheck.document.jats:load_jats", (".nxml", ".jats"), "JATS / NLM article XML"),
    Format("endnote", _R, "citecheck.document.endnote:load_endnote", (), "EndNote XML library"),
    Format("ris", _R, "citecheck.document.ris:load_ris", (".ris",), "RIS records"),
    Format("nbib", _R, "citecheck.document.medline:load_nbib", (".nbib", ".medline"), "PubMed MEDLINE records"),
    Format("csl-json", _R, "citecheck.document.csljson:load_csljson", (".csl.json", ".json"), "CSL-JSON items",
           unwalked=(".json",)),
    Format("bbl", _R, "citecheck.document.bbl:load_bbl", (".bbl",), "BibTeX/biber output (\\bibitem, biblatex \\entry)"),
    Format("tex", _R, "citecheck.document.tex:load_tex", (".tex", ".ltx"), "LaTeX source (body text, citations and "
           "its bibliography: .bbl, .bib or thebibliography)"),
    Format("bib", _R, "citecheck.document.bibtex:load_bib", (".bib", ".bibtex"), "BibTeX / BibLaTeX database"),
):
    register(_fmt)

_CHECK = frozenset({"check"})
_TABLES = frozenset({"refs", "matches", "claims"})
for _fmt in (
    Format("table", _W, "citecheck.report.table:table_text", (".txt",), "a table for people (terminal text)"),
    Format("json", _W, "citecheck.report.jsonout:render_json", (".json",), "every object, for programs"),
    Format("jsonl", _W, "citecheck.report.jsonout:render_jsonl", (".jsonl",), "one reference (or claim) per line",
           views=_TABLES),
    Format("csv", _W, "citecheck.report.csvout:render_csv", (".csv",), "one row per reference or claim",
           views=_TABLES),
    Format("md", _W, "citecheck.report.markdown:render_markdown", (".md", ".markdown"), "Markdown report",
           views=frozenset({"check", "claims"})),
    Format("html", _W, "citecheck.report.html:render_html", (".html", ".htm"), "HTML report", views=_CHECK),
    Format("bib", _W, "citecheck.export.bibtex:render_bibtex", (".bib",),
           "BibTeX (corrected from matched records when matched)", views=frozenset({"refs", "check"})),
    Format("csl-json", _W, "citecheck.export.csljson:render_csl_json", (".csl.json",),
           "CSL-JSON (corrected from matched records when matched)", views=frozenset({"refs", "check"})),
    Format("list", _W, "citecheck.export.restyle:render_restyled", (), "the list re-rendered in a citation style",
           views=_CHECK),
):
    register(_fmt)
