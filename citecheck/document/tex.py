"""LaTeX sources (`.tex`): the body as text with numeric citation markers, and the cited entries.

What a reader of the compiled paper sees is the body text and a numbered list
of the works it cites, so that is what this reader builds:

* **Citations.** Every citation command of natbib and biblatex (``\\cite``,
  ``\\citep``, ``\\citet``, ``\\parencite``, ``\\textcite``, ``\\autocite``,
  ``\\footcite``, ``\\cites`` and the other multi-cites, starred and capitalised
  forms, with ``[pre][post]`` notes, and class macros such as ``\\upcite``) becomes a numeric marker such as
  ``[1, 3]`` that the claim linker understands; ``\\nocite`` adds entries
  without a marker. Commands inside comments, ``\\verb`` and verbatim
  environments do not count. A small scanner finds them because pylatexenc's
  argument specs cannot express biblatex's multi-cites; pylatexenc then turns
  the body into text (`citecheck.document.latex`).
* **The bibliography**, first found of: a `.bbl` with the same stem beside the
  file (the exact list BibTeX/biber produced, in its order; fields taken from
  the `.bib` where the key is there, else parsed from the rendered item); the
  `.bib` files named by ``\\bibliography{a,b}`` / ``\\addbibresource{x.bib}``
  (beside the file; a missing one is a warning naming it); an inline
  ``thebibliography``; else a `.bib` with the same stem (or the only `.bib` in
  the folder, with a warning).
* **Which entries and numbers.** With a `.bbl` or ``thebibliography``, its
  entries in its order. From a `.bib`: the entries the text cites, numbered in
  order of first citation (as unsorted numeric styles print them); with
  ``\\nocite{*}`` every other entry follows in file order. A key cited but not
  in the bibliography gets a number after the list, so its marker shows as a
  dangling citation, and an ``undefined_citation`` Issue names it.

The references are appended to the text under a ``References`` heading (each
entry's source: its BibTeX entry or ``\\bibitem``), so every span is real.
``\\input``/``\\include`` files beside the source are read in (bounded), a
missing one is a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from citecheck.document import entries as E
from citecheck.document.errors import MAX_CHARS, DocumentError
from citecheck.document.latex import balanced, tex_to_text
from citecheck.document.plain import decode
from citecheck.model import CSL, Document, Issue, Span
from citecheck.text import normalize

MAX_TEX_BYTES = 20 * 1024 * 1024
MAX_INPUT_DEPTH = 8
MAX_BIB_FILES = 20

_SCAN = re.compile(
    r"(?P<verb>\\verb\*?(?P<d>[^A-Za-z*\n])(?:(?!(?P=d))[^\n])*(?P=d))"
    r"|(?P<env>\\begin\s*\{(?P<envname>verbatim\*?|Verbatim\*?|lstlisting|minted|comment)\}.*?\\end\s*\{(?P=envname)\})"
    r"|(?P<comment>(?<!\\)%[^\n]*)"
    r"|(?P<cmd>\\(?P<name>[A-Za-z]+)\*?)",
    re.DOTALL,
)
_CITE = re.compile(
    r"(?:[Pp]aren|[Ff]oot|[Ff]ootfull|[Tt]ext|[Ss]mart|[Aa]uto|[Ss]uper|[Ff]ull|[Nn]ote|[Pp]note|[Ff]note)?"
    r"[Cc]ite(?:p|t|alp|alt|num|author|year|yearpar|title|date|url|A|NP|ANP|yearNP|text)?s?"
)
_NOT_CITES = {"citetext", "Citetext", "citestyle", "citename", "citeform", "citesetup", "citeindextrue",
              "citeindexfalse", "bibcite", "onlycite"}
_BIB_COMMANDS = {"bibliography", "addbibresource", "addglobalbib", "addsectionbib", "nobibliography"}
_INPUTS = {"input", "include", "subfile", "InputIfFileExists"}
_DOC_BEGIN = re.compile(r"\\begin\s*\{document\}")
_DOC_END = re.compile(r"\\end\s*\{document\}")
_THEBIB = re.compile(r"\\begin\s*\{thebibliography\}.*?(?:\\end\s*\{thebibliography\}|$)", re.DOTALL)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_VERBATIM = re.compile("\ue002(\\d+)\ue003")
_SKIPS = re.compile(r"\\(?:[vh]skip|kern|vspace\*?|hspace\*?)\s*\{?\s*-?[\d.]+\s*(?:pt|em|ex|mm|cm|in|bp|sp|pc|dd|cc|mu)\}?"
                    r"(?:\s*(?:plus|minus)\s*-?[\d.]+\s*(?:pt|em|ex|fil+))*")


@dataclass
class _Cite:
    keys: list[str]
    nocite: bool
    line: int


@dataclass
class _Item:
    key: str
    raw: str
    fields: CSL
    warnings: list[Issue]


def load_tex(name: str, data: bytes) -> Document:
    E.check_size(name, data, MAX_TEX_BYTES, ".tex")
    source, encoding, warnings = decode(data)
    here = Path(name).parent if name != "-" else Path.cwd()
    source = _inline_inputs(normalize(source), here, warnings, depth=0, budget=[MAX_CHARS], root=here)
    begin, end = _DOC_BEGIN.search(source), _DOC_END.search(source)
    body_start = begin.end() if begin else 0
    body = source[body_start:end.start() if end else len(source)]
    bib_files: list[str] = []
    for _m, args in _commands(source, _BIB_COMMANDS):
        if args:
            bib_files += [f.strip() for f in args[-1].split(",") if f.strip()]
    cites: list[_Cite] = []
    verbatim: list[str] = []
    marked = _SKIPS.sub(" ", _mark_cites(body, cites, verbatim, source.count("\n", 0, body_start) + 1))
    # an inline thebibliography is the list itself, not body text
    inline = _THEBIB.search(marked)
    if inline:
        marked = marked[:inline.start()] + marked[inline.end():]
    items, list_warnings, ordered = _bibliography(name, here, bib_files, inline.group(0) if inline else "", warnings)
    numbers, undefined = _numbering(items, cites, ordered)
    body_text = tex_to_text(marked)
    body_text = _PLACEHOLDER.sub(lambda m: _marker(cites[int(m.group(1))], numbers), body_text)
    body_text = _VERBATIM.sub(lambda m: verbatim[int(m.group(1))], body_text)
    for key, line in undefined.items():
        list_warnings.append(Issue(E.UNDEFINED_CITATION, f"line {line}: \\cite{{{key}}} cites a key that is not in "
                                   "the bibliography"))
    return _document(name, encoding, warnings, normalize(body_text).rstrip(), items, numbers, list_warnings)


# ---------------------------------------------------------------- scanning


def _scan(source: str):
    """Commands outside comments, ``\\verb`` and verbatim environments."""
    for m in _SCAN.finditer(source):
        if m.group("cmd"):
            yield m


def _args(source: str, j: int, multi: bool = False) -> tuple[list[str], int]:
    """The ``{…}`` arguments after a command (``[…]``/``(…)`` notes skipped), and where they end."""
    out: list[str] = []
    n = len(source)
    while True:
        k = j
        while k < n and source[k] in " \t\n" and source.count("\n", j, k + 1) < 2:
            k += 1
        if k >= n:
            break
        ch = source[k]
        if ch in "[(":
            close = _closing(source, k, "]" if ch == "[" else ")")
            if close < 0:
                break
            j = close
            continue
        if ch == "{":
            close = balanced(source, k)
            if close < 0:
                break
            out.append(source[k + 1:close - 1])
            j = close
            if not multi:
                break
            continue
        break
    return out, j


def _closing(source: str, k: int, close_ch: str) -> int:
    depth = 0
    for i in range(k + 1, min(len(source), k + 2000)):
        ch = source[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == close_ch and depth <= 0:
            return i + 1
    return -1


def _commands(source: str, names: set[str]):
    for m in _scan(source):
        if m.group("name") in names:
            args, _ = _args(source, m.end())
            yield m, args


def _inline_inputs(source: str, here: Path, warnings: list[Issue], depth: int, budget: list[int],
                   root: Path) -> str:
    """`source` with ``\\input{f}`` / ``\\include{f}`` replaced by the files they name (bounded).

    Paths are relative to the main file's folder, as LaTeX resolves them, else to the including file's.
    """
    if depth >= MAX_INPUT_DEPTH or ("\\in" not in source and "\\subfile" not in source):
        return source
    out: list[str] = []
    last = 0
    for m in _scan(source):
        if m.group("name") not in _INPUTS:
            continue
        args, end = _args(source, m.end())
        if not args:
            continue
        target = args[0].strip()
        tried = [root / target, here / target]
        tried = [p if p.suffix else p.with_suffix(".tex") for p in tried]
        path = next((p for p in tried if p.is_file()), tried[0])
        try:
            text = path.read_bytes() if path.is_file() else None
        except OSError:
            text = None
        if text is None:
            warnings.append(Issue(E.MISSING_FILE, f"\\{m.group('name')}{{{target}}}: {path.name} not found beside "
                                  "the source; its text is not read"))
            continue
        decoded = normalize(decode(text)[0])
        budget[0] -= len(decoded)
        if budget[0] < 0:
            raise DocumentError(f"{path}: the sources together exceed {MAX_CHARS:,} characters, refused")
        out.append(source[last:m.start()])
        out.append(_inline_inputs(decoded, path.parent, warnings, depth + 1, budget, root))
        last = end
    out.append(source[last:])
    return "".join(out)


def _mark_cites(body: str, cites: list[_Cite], verbatim: list[str], first_line: int = 1) -> str:
    """`body` with each citation command replaced by a placeholder that survives text conversion.

    ``\\verb`` and verbatim environments become placeholders too (their text goes into `verbatim`):
    pylatexenc would take ``\\verb x.jl `` (a space as delimiter) to the end of the paragraph.
    """
    out: list[str] = []
    last = 0
    line, counted = first_line, 0
    for m in _SCAN.finditer(body):
        if m.group("verb") or m.group("env"):
            out.append(body[last:m.start()])
            if m.group("verb"):
                content = m.group("verb")[m.group("verb").index(m.group("d")) + 1:-1]
            else:
                content = re.sub(r"^\\begin\s*\{[^}]*\}(?:\[[^\]]*\]|\{[^}]*\})*|\\end\s*\{[^}]*\}$", "", m.group("env"))
            out.append(f"\ue002{len(verbatim)}\ue003")
            verbatim.append(content)
            last = m.end()
            continue
        if not m.group("cmd"):
            continue
        name = m.group("name")
        nocite = name == "nocite"
        if not nocite and (name in _NOT_CITES or not (_CITE.fullmatch(name) or name.lower().endswith(("cite", "cites")))):
            continue
        args, end = _args(body, m.end(), multi=name.endswith("cites"))
        if not args:
            continue
        keys = [k.strip() for a in args for k in re.sub(r"(?<!\\)%[^\n]*", "", a).split(",") if k.strip()]
        line += body.count("\n", counted, m.start())
        counted = m.start()
        out.append(body[last:m.start()])
        out.append("" if nocite else f"\\citecheckcite{{{len(cites)}}}")
        cites.append(_Cite(keys, nocite, line))
        last = end
    out.append(body[last:])
    return "".join(out)


# ---------------------------------------------------------------- bibliography


def _bibliography(name: str, here: Path, bib_files: list[str], inline: str,
                  warnings: list[Issue]) -> tuple[list[_Item] | None, list[Issue], bool]:
    """The entries available to cite, whether their order is the printed one (bbl), and list problems."""
    from citecheck.document.bbl import bibitems, read_bbl
    from citecheck.document.bibtex import read_bib

    problems: list[Issue] = []
    stem = Path(name).stem
    bib: dict[str, _Item] = {}
    bib_order: list[_Item] = []
    declared = [f if f.lower().endswith(".bib") else f"{f}.bib" for f in bib_files][:MAX_BIB_FILES]
    candidates = [here / f for f in declared]
    missing = [p for p in candidates if not p.is_file()]
    for p in missing:
        warnings.append(Issue(E.MISSING_FILE, f"bibliography {p.name} not found beside {Path(name).name}"))
    present = [p for p in candidates if p.is_file()]
    if not present and not inline:
        fallback = here / f"{stem}.bib"
        others = sorted(here.glob("*.bib")) if here.is_dir() else []
        if fallback.is_file():
            present = [fallback]
        elif len(others) == 1:
            present = others
            warnings.append(Issue(E.MISSING_FILE, f"no bibliography named in the source; using {others[0].name}, "
                                  "the only .bib beside it", confidence=0.5))
    for p in present:
        text = normalize(decode(_read(p))[0])
        found, issues = read_bib(text, str(p))
        problems += issues
        for e in found:
            item = _Item(e.key, e.raw, e.fields, e.warnings)
            if e.key not in bib:
                bib[e.key] = item
            bib_order.append(item)
    bbl_path = here / f"{stem}.bbl"
    if bbl_path.is_file() or inline:
        if bbl_path.is_file():
            bbl_text = normalize(decode(_read(bbl_path))[0])
            printed, _ = read_bbl(bbl_text, str(bbl_path))
        else:
            printed, _ = bibitems(inline, name)
        items = []
        for e in printed:
            exact = bib.get(e.key)
            fields = exact.fields if exact else e.fields
            items.append(_Item(e.key, e.raw, fields, exact.warnings if exact else e.warnings))
        return items, problems, True
    if not present:
        if not missing:
            warnings.append(Issue(E.MISSING_FILE, f"no bibliography found for {Path(name).name} (no \\bibliography, "
                                  "\\addbibresource, .bbl or thebibliography)"))
        return None, problems, False
    return bib_order, problems, False


def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_TEX_BYTES:
        raise DocumentError(f"{path}: larger than {MAX_TEX_BYTES // (1024 * 1024)} MB, refused")
    return data


def _numbering(items: list[_Item] | None, cites: list[_Cite],
               printed_order: bool) -> tuple[dict[str, int], dict[str, int]]:
    """Number of every key (listed entries first), and the cited keys with no entry (with their line)."""
    available = {i.key for i in items or []}
    numbers: dict[str, int] = {}
    if printed_order:
        for item in items or []:
            numbers.setdefault(item.key, len(numbers) + 1)
    else:
        every = any(k == "*" for c in cites if c.nocite for k in c.keys)
        for c in cites:
            for k in c.keys:
                if k in available:
                    numbers.setdefault(k, len(numbers) + 1)
        if every:
            for item in items or []:
                numbers.setdefault(item.key, len(numbers) + 1)
    undefined: dict[str, int] = {}
    for c in cites:
        for k in c.keys:
            if k != "*" and k not in available and k not in undefined:
                undefined[k] = c.line
    for k in undefined:
        numbers[k] = len(numbers) + 1
    return numbers, undefined


def _marker(cite: _Cite, numbers: dict[str, int]) -> str:
    seen: list[int] = []
    for k in cite.keys:
        n = numbers.get(k)
        if n is not None and n not in seen:
            seen.append(n)
    return f"[{', '.join(map(str, seen))}]" if seen else ""


def _document(name: str, encoding: str, warnings: list[Issue], body: str, items: list[_Item] | None,
              numbers: dict[str, int], list_warnings: list[Issue]) -> Document:
    """The body, then the chosen entries under a References heading (no bibliography: no list)."""
    if items is None:
        return Document(text=body, source=name, encoding=encoding, format="tex",
                        warnings=warnings + list_warnings, lists=[])
    by_key: dict[str, _Item] = {}
    for item in items:
        by_key.setdefault(item.key, item)
    chosen = sorted((k for k in numbers if k in by_key), key=lambda k: numbers[k])
    heading = "References"
    parts = [body, "\n\n", heading, "\n\n"]
    pos = len(body) + 2 + len(heading) + 2
    placed: list[tuple[int, int, _Item]] = []
    for k in chosen:
        item = by_key[k]
        raw = normalize(item.raw).strip()
        item.raw = raw
        placed.append((numbers[k], pos, item))
        parts += [raw, "\n\n"]
        pos += len(raw) + 2
    text = "".join(parts).rstrip() + "\n"
    lines = E.Lines(text)
    refs = [E.reference("L1", n, item.raw, start, lines, {"id": item.key, **item.fields}, item.warnings,
                        label=f"[{n}]") for n, start, item in placed]
    span = None
    head_at = len(body) + 2
    if refs:
        span = Span(head_at, refs[-1].span.end, lines.line(head_at))
    lst = E.reference_list("L1", heading, refs, text, lines, style="numeric", warnings=list_warnings, span=span)
    return Document(text=text, source=name, encoding=encoding, format="tex", warnings=warnings, lists=[lst])
