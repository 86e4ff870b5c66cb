"""LaTeX to text with pylatexenc, for BibTeX values, `.bbl` items and `.tex` bodies.

pylatexenc parses LaTeX properly (groups, accents, `\\verb`, environments,
comments) where regexes would not; its default tables miss a few macros that
bibliographies use all the time (``\\texttt``, ``\\mbox``, ``\\TeX``, ``\\href``
with two arguments, ``\\doi``, ``\\bibinfo``, ``\\newblock``…), so they are added
here. Citation commands are not rendered by pylatexenc at all: `.tex` reading
replaces them by placeholders before conversion (see `citecheck.document.tex`).
A value pylatexenc cannot take falls back to latexcodec (as `sources.convert`
does), never to an exception.
"""

from __future__ import annotations

import codecs
import re
from functools import cache, lru_cache
from typing import Any

_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _arg(n: Any, l2t: Any, i: int) -> str:
    args = getattr(n.nodeargd, "argnlist", None) or []
    if i < len(args) and args[i] is not None:
        return str(l2t.nodelist_to_text([args[i]]))
    return ""


@cache
def _converter() -> Any:
    from pylatexenc import latexwalker
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec

    wdb = latexwalker.get_default_latex_context_db()
    wdb.add_context_category("citecheck", prepend=True, macros=[
        MacroSpec("href", "[{{"), MacroSpec("doi", "{"), MacroSpec("bibinfo", "{{"), MacroSpec("natexlab", "{"),
        MacroSpec("bibfield", "{{"), MacroSpec("enquote", "*{"), MacroSpec("mkbibquote", "{"),
        MacroSpec("BIBentryALTinterwordspacing", ""), MacroSpec("BIBentrySTDinterwordspacing", ""),
        MacroSpec("eprint", "{{"), MacroSpec("citecheckcite", "{"), MacroSpec("nolinkurl", "{"),
        MacroSpec("textsubscript", "{"), MacroSpec("textsuperscript", "{"), MacroSpec("uppercase", "{"),
        MacroSpec("MakeUppercase", "{"), MacroSpec("textnormal", "{"), MacroSpec("textmd", "{"),
        MacroSpec("bibnamedelima", ""), MacroSpec("bibinitperiod", ""), MacroSpec("bibinitdelim", ""),
        MacroSpec("bibrangedash", ""), MacroSpec("bibdatedash", ""), MacroSpec("addcomma", ""),
        MacroSpec("addspace", ""), MacroSpec("adddot", ""), MacroSpec("newunit", ""), MacroSpec("newblock", ""),
        MacroSpec("allowbreak", ""), MacroSpec("urlprefix", ""), MacroSpec("doiprefix", ""),
        MacroSpec("BibitemOpen", ""), MacroSpec("BibitemShut", "{"), MacroSpec("bibfnamefont", "{"),
        MacroSpec("bibnamefont", "{"), MacroSpec("citenamefont", "{"), MacroSpec("Eprint", "[{{"),
        MacroSpec("selectlanguage", "{"), MacroSpec("foreignlanguage", "{{"), MacroSpec("EOS", ""),
        MacroSpec("bibAnnoteFile", "{"), MacroSpec("bibAnnote", "{{"), MacroSpec("bibsc", "{"),
        MacroSpec("bibtitle", "{"), MacroSpec("bibjournal", "{"), MacroSpec("bibvolume", "{"),
        MacroSpec("bibauthor", "{"), MacroSpec("bibyear", "{"), MacroSpec("bibpages", "{"),
        MacroSpec("harvardurl", "{"), MacroSpec("harvardyearleft", ""), MacroSpec("harvardyearright", ""),
        MacroSpec("protect", ""), MacroSpec("citeauthoryear", "{{{"),
    ])
    tdb = get_default_latex_context_db()
    keep = ("texttt", "mbox", "textup", "textsf", "textnormal", "textmd", "uppercase", "MakeUppercase",
            "textsubscript", "textsuperscript", "mkbibquote", "hbox", "emph", "textit", "textbf", "textsc")
    tdb.add_context_category("citecheck", prepend=True, macros=[
        *(MacroTextSpec(m, discard=False) for m in keep),
        MacroTextSpec("TeX", "TeX"), MacroTextSpec("LaTeX", "LaTeX"), MacroTextSpec("BibTeX", "BibTeX"),
        MacroTextSpec("maketitle", ""),
        *(MacroTextSpec(m, lambda n, l2tobj: "\n\n" + _arg(n, l2tobj, 2).strip() + "\n\n")
          for m in ("part", "chapter", "section", "subsection", "subsubsection")),
        MacroTextSpec("paragraph", lambda n, l2tobj: "\n\n" + _arg(n, l2tobj, 2).strip() + " "),
        MacroTextSpec("LaTeXe", "LaTeX2e"), MacroTextSpec("XeTeX", "XeTeX"),
        MacroTextSpec("href", lambda n, l2tobj: _arg(n, l2tobj, 2) or _arg(n, l2tobj, 1)),
        MacroTextSpec("url", lambda n, l2tobj: _arg(n, l2tobj, 0)),
        MacroTextSpec("nolinkurl", lambda n, l2tobj: _arg(n, l2tobj, 0)),
        MacroTextSpec("doi", lambda n, l2tobj: _arg(n, l2tobj, 0)),
        MacroTextSpec("eprint", lambda n, l2tobj: _arg(n, l2tobj, 1)),
        MacroTextSpec("bibinfo", lambda n, l2tobj: _arg(n, l2tobj, 1)),
        MacroTextSpec("bibfield", lambda n, l2tobj: _arg(n, l2tobj, 1)),
        MacroTextSpec("natexlab", lambda n, l2tobj: _arg(n, l2tobj, 0)),
        MacroTextSpec("enquote", lambda n, l2tobj: "\u201c" + _arg(n, l2tobj, 1) + "\u201d"),
        MacroTextSpec("citecheckcite", lambda n, l2tobj: "\ue000" + _arg(n, l2tobj, 0) + "\ue001"),
        MacroTextSpec("bibnamedelima", " "), MacroTextSpec("bibinitperiod", "."),
        MacroTextSpec("bibinitdelim", " "), MacroTextSpec("bibrangedash", "-"), MacroTextSpec("bibdatedash", "-"),
        MacroTextSpec("addcomma", ","), MacroTextSpec("addspace", " "), MacroTextSpec("adddot", "."),
        MacroTextSpec("newunit", ". "), MacroTextSpec("newblock", " "), MacroTextSpec("allowbreak", ""),
        MacroTextSpec("urlprefix", "URL "), MacroTextSpec("doiprefix", "DOI: "),
        MacroTextSpec("BIBentryALTinterwordspacing", ""), MacroTextSpec("BIBentrySTDinterwordspacing", ""),
        MacroTextSpec("BibitemOpen", ""), MacroTextSpec("BibitemShut", ""), MacroTextSpec("EOS", ""),
        MacroTextSpec("Eprint", lambda n, l2tobj: _arg(n, l2tobj, 2) or _arg(n, l2tobj, 1)),
        MacroTextSpec("selectlanguage", ""), MacroTextSpec("bibAnnoteFile", ""), MacroTextSpec("bibAnnote", ""),
        MacroTextSpec("foreignlanguage", lambda n, l2tobj: _arg(n, l2tobj, 1)),
        MacroTextSpec("harvardyearleft", "("), MacroTextSpec("harvardyearright", ")"), MacroTextSpec("protect", ""),
        MacroTextSpec("citeauthoryear", lambda n, l2tobj: f"{_arg(n, l2tobj, 0)} {_arg(n, l2tobj, 2)}"),
        *(MacroTextSpec(m, discard=False) for m in ("bibfnamefont", "bibnamefont", "citenamefont", "bibsc",
                                                      "bibtitle", "bibjournal", "bibvolume", "bibauthor", "bibyear",
                                                      "bibpages", "harvardurl")),
    ])
    return LatexNodes2Text(latex_context=tdb, math_mode="text", keep_comments=False), wdb


def tex_to_text(source: str) -> str:
    """Readable text of a LaTeX fragment or body; paragraph breaks kept, never raises."""
    from pylatexenc.latexwalker import LatexWalker

    l2t, wdb = _converter()
    try:
        walker = LatexWalker(source, latex_context=wdb, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        text = l2t.nodelist_to_text(nodes)
    except Exception:  # pylatexenc on damaged input: fall back, never a traceback
        return _crude(source)
    text = text.replace("\u00a0", " ")
    return _BLANKS.sub("\n\n", text)


@lru_cache(maxsize=65536)  # journals, publishers and name parts repeat across a bibliography
def latex_to_text(value: str) -> str:
    """One line of text from a BibTeX value or `.bbl` item: accents decoded, commands and braces dropped."""
    if not value:
        return ""
    if "\\" not in value and "$" not in value and "%" not in value:
        # no commands: only braces, ties and dashes to undo (most values; pylatexenc costs ~1 ms each)
        value = value.replace("---", "\u2014").replace("--", "\u2013").replace("~", " ")
        return " ".join(value.replace("{", "").replace("}", "").split())
    return " ".join(tex_to_text(value).split())


def balanced(text: str, i: int, open_: str = "{", close: str = "}") -> int:
    """Index just after the group opening at `text[i]` (which must be `open_`), or -1 if it never closes.

    Backslash-escaped delimiters (``\\{``) do not count.
    """
    depth = 0
    n = len(text)
    j = i
    while j < n:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _crude(value: str) -> str:
    """Accents decoded (latexcodec), commands and braces dropped: the fallback when pylatexenc gives up."""
    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    try:
        value = codecs.decode(value, "ulatex")
    except (ValueError, LookupError):
        pass
    value = _LATEX_CMD_RE.sub("", value).replace("{", "").replace("}", "").replace("~", " ")
    return " ".join(value.split())


_LATEX_CMD_RE = re.compile(r"\\[A-Za-z]+\*?\s*")
