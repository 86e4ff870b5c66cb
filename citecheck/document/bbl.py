"""`.bbl` files: what BibTeX (``\\bibitem``) or biber (``\\entry``) wrote for LaTeX to typeset.

Two forms exist and both are read:

* ``\\bibitem[label]{key} rendered text`` (natbib, plain BibTeX styles, a
  ``thebibliography`` written by hand): the rendered text of each item is
  turned into plain text with pylatexenc and parsed by our reference parser
  (`citecheck.refs.parse.parse_reference`), exactly as a reference list found
  in a PDF would be — the rendering is all there is.
* biblatex's data form ``\\entry{key}{type}{}`` … ``\\endentry``, with
  ``\\name``, ``\\field``, ``\\list``, ``\\range`` and ``\\verb`` lines: the
  fields are given, so they are taken exactly (through the same mapping as
  BibTeX entries).

The document text is the `.bbl` itself, so every entry's span is real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citecheck.document import entries as E
from citecheck.document.errors import DocumentError
from citecheck.document.latex import balanced, latex_to_text
from citecheck.model import CSL, Document, Issue

MAX_BBL_BYTES = 50 * 1024 * 1024

_BIBITEM = re.compile(r"\\bibitem\b")
_ENTRY = re.compile(r"\\entry\s*\{")
_END_BIB = re.compile(r"\\end\s*\{thebibliography\}")
_BEGIN_BIB = re.compile(r"\\begin\s*\{thebibliography\}\s*(?:\{[^{}]*\})?")
_NUMERIC_LABEL = re.compile(r"^\s*\d+\s*$")
_LINKED_DOI = re.compile(r"(?:\\doi\s*\{|\\doibase\s*|doi\.org/|\\url\s*\{doi:)\s*(10\.\d{4,9}/[^\s{}]+)")


@dataclass
class BblEntry:
    """One item as read: key, source text and offset, fields, problems, printed label."""

    key: str
    raw: str
    start: int
    fields: CSL
    warnings: list[Issue] = field(default_factory=list)
    label: str = ""
    text: str = ""


def load_bbl(name: str, data: bytes) -> Document:
    text, encoding, warnings = E.read_text(name, data, MAX_BBL_BYTES, ".bbl")
    found, style = read_bbl(text, name)
    if not found:
        raise DocumentError(f"{name}: no \\bibitem or \\entry in this .bbl")
    lines = E.Lines(text)
    refs = [E.reference("L1", i, e.raw, e.start, lines, e.fields, e.warnings, label=e.label, text=e.text)
            for i, e in enumerate(found, start=1)]
    lst = E.reference_list("L1", "", refs, text, lines, style=style, whole=True)
    return Document(text=text, source=name, encoding=encoding, format="bbl", warnings=warnings, lists=[lst])


def read_bbl(text: str, name: str = "") -> tuple[list[BblEntry], str]:
    """Every item of a `.bbl` (or of a ``thebibliography`` environment) in order, and the list's style."""
    if _ENTRY.search(text):
        return _biblatex_entries(text, name), "biblatex"
    return bibitems(text, name)


# ---------------------------------------------------------------- \bibitem


def bibitems(text: str, name: str = "", offset: int = 0) -> tuple[list[BblEntry], str]:
    """The ``\\bibitem``s of `text`, each parsed from its rendered text; offsets shifted by `offset`."""
    from citecheck.refs.parse import parse_reference

    heads = list(_BIBITEM.finditer(text))
    E.check_count(name, len(heads))
    out: list[BblEntry] = []
    numeric = True
    for i, m in enumerate(heads):
        limit = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        end_env = _END_BIB.search(text, m.end(), limit)
        if end_env:
            limit = end_env.start()
        j = _skip_ws(text, m.end())
        label = ""
        if j < limit and text[j] == "[":
            close = _bracket_end(text, j, limit)
            label = text[j + 1:close - 1] if close > 0 else ""
            j = close if close > 0 else j
        j = _skip_ws(text, j)
        key = ""
        if j < limit and text[j] == "{":
            close = balanced(text, j)
            if 0 < close <= limit:
                key = text[j + 1:close - 1].strip()
                j = close
        body = text[j:limit].rstrip()
        raw = text[m.start():j + len(body)] if body else text[m.start():j]
        rendered = latex_to_text(body)
        fields, issues = parse_reference(rendered) if rendered else ({}, [Issue("empty", "empty \\bibitem")])
        if "DOI" not in fields:
            # a DOI only in a link target (``\\href{\\doibase 10.1/x}{…}``, ``\\href{https://doi.org/…}``) is not rendered
            doi = _LINKED_DOI.search(body)
            if doi:
                fields["DOI"] = doi.group(1).rstrip(".,")
        if key:
            fields = {"id": key, **fields}
        if label and not _NUMERIC_LABEL.match(label):
            numeric = False
        out.append(BblEntry(key, raw, offset + m.start(), fields, list(issues), label, rendered))
    for n, e in enumerate(out, start=1):
        e.label = f"[{e.label.strip() if e.label else n}]" if numeric else ""
    return out, "numeric" if numeric else "author-year"


def _skip_ws(text: str, j: int) -> int:
    while j < len(text) and text[j] in " \t\r\n%":
        if text[j] == "%":  # a comment runs to the end of its line
            nl = text.find("\n", j)
            j = len(text) if nl < 0 else nl
        j += 1
    return j


def _bracket_end(text: str, j: int, limit: int) -> int:
    """End of ``[...]`` opening at `j` (brace groups inside skipped), or -1."""
    depth = 0
    k = j
    while k < limit:
        ch = text[k]
        if ch == "\\":
            k += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "]" and depth <= 0:
            return k + 1
        k += 1
    return -1


# ---------------------------------------------------------------- biblatex \entry


_ENDENTRY = re.compile(r"\\endentry\b")
_VERB = re.compile(r"\\verb\s*\{(\w+)\}\s*\\verb\s?(.*?)\s*\\endverb", re.DOTALL)


def _groups(text: str, j: int, count: int) -> tuple[list[str], int]:
    """`count` consecutive ``{…}`` groups from `j` (whitespace between skipped), and where they end."""
    out: list[str] = []
    for _ in range(count):
        j = _skip_ws(text, j)
        if j >= len(text) or text[j] != "{":
            break
        close = balanced(text, j)
        if close < 0:
            break
        out.append(text[j + 1:close - 1])
        j = close
    return out, j


def _biblatex_entries(text: str, name: str) -> list[BblEntry]:
    from citecheck.document.bibtex import csl_from_bibtex

    out: list[BblEntry] = []
    for m in _ENTRY.finditer(text):
        head, j = _groups(text, m.end() - 1, 3)
        if len(head) < 2:
            continue
        key, etype = head[0].strip(), head[1].strip()
        end = _ENDENTRY.search(text, j)
        stop = end.end() if end else len(text)
        body = text[j:end.start() if end else len(text)]
        values: dict[str, str] = {}
        names: dict[str, list[dict[str, str]]] = {}
        for cmd in re.finditer(r"\\(field|list|range|name)\s*\{", body):
            kind = cmd.group(1)
            argc = {"field": 2, "range": 2, "list": 3, "name": 4}[kind]
            args, _ = _groups(body, cmd.end() - 1, argc)
            if len(args) < argc:
                continue
            fname = args[0].lower()
            if kind in ("field", "range"):
                values.setdefault(fname, args[1])
            elif kind == "list":
                items, _ = _groups(args[2], 0, 50)
                values.setdefault(fname, " and ".join(items))
            else:
                names[fname] = _names(args[3])
        for verb in _VERB.finditer(body):
            values.setdefault(verb.group(1).lower(), verb.group(2).strip())
        if "location" in values and "address" not in values:
            values["address"] = values["location"]
        fields, issues = csl_from_bibtex(etype, key, values)
        for role, people in names.items():
            if people and role in ("author", "editor", "translator"):
                fields[role] = people
        raw = text[m.start():stop]
        out.append(BblEntry(key, raw, m.start(), fields, issues))
        E.check_count(name, len(out))
    return out


def _names(block: str) -> list[dict[str, str]]:
    """biblatex name items: ``{{hash=…}{family={Smith},given={John},…}}`` or the older positional form."""
    people: list[dict[str, str]] = []
    items, _ = _groups(block, 0, 10_000)
    for item in items:
        parts, _ = _groups(item, 0, 12)
        if len(parts) >= 2 and "family=" in parts[1]:
            kv = dict(re.findall(r"(\w+)=\{((?:[^{}]|\{[^{}]*\})*)\}", parts[1]))
            family = " ".join(x for x in (kv.get("prefix", ""), kv.get("family", "")) if x)
            person = E.person(latex_to_text(family), latex_to_text(kv.get("given", "")))
        elif len(parts) >= 4:  # {hash}{family}{familyi}{given}{giveni}{prefix}…
            prefix = parts[5] if len(parts) > 5 else ""
            person = E.person(latex_to_text(f"{prefix} {parts[1]}".strip()), latex_to_text(parts[3]))
        else:
            person = None
        if person:
            people.append(person)
    return people
