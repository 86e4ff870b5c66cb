"""A learned line classifier: which lines of a document are references.

Every non-blank line of a document gets one of five labels from a linear-chain
CRF over the document's lines (python-crfsuite, model file `finder.crfsuite`
shipped in the package, trained by `benchmarks/train_finder.py` on AnyStyle's
finder data and GROBID's segmentation corpus):

* `ref` — a line of a reference entry;
* `text` — body text (paragraphs, captions, tables, acknowledgements, appendices);
* `heading` — a section heading or a title;
* `meta` — running headers and footers, page numbers, footnotes;
* `other` — front matter (title block, affiliations, abstract).

A line's features describe its own text (label shape, years, author-name
starts, initials, journal punctuation `vol(issue):pages`, DOI/URL, the share
of capitalised words, length against the document's usual line length, how it
ends, CJK and GB/T type codes `[J]`), its layout (leading spaces against the
previous line, blank lines around it — the PDF reader's hints) and its context
(the neighbours' main features, the position in the document, the distance
from the last references heading, lines repeated across pages). Blank lines
are not classified; they only feed the features of their neighbours.

Everything is linear in the text; a line's text is read only up to
`_PROBE` characters, so one huge line costs no more than a normal one.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from citecheck.refs.crf import CrfModel

FINDER_MODEL_PATH = Path(__file__).with_name("finder.crfsuite")
LINE_LABELS = ("ref", "text", "heading", "meta", "other")

_PROBE = 400

# ---------------------------------------------------------------- line evidence

_LABEL_RE = re.compile(
    r"\s*(?:\\?\[(\d{1,4})\\?\]|\((\d{1,4})\)|(\d{1,4})\.(?=\s|[A-Z])|(\d{1,4})\)(?=\s)|(\d{1,4})、)"
)
_LABEL_ONLY_RE = re.compile(r"\s*(?:\\?\[\d{1,4}\\?\]|\(\d{1,4}\)|\d{1,4}\.|\d{1,4}\))\s*$")
_NAME_PATTERNS = (
    # Family, I.   /  Family,I.  /  Family, I. J.
    ("fci", re.compile(r"(?:van |von |de |da |del |di |le |la )?[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)?,\s?[A-Z]\.")),
    # Family I  / Family IJ,  (Vancouver)
    ("fi", re.compile(r"(?:van |von |de |da |del |di |le |la )?[A-Z][\w'’\-]+ [A-Z]{1,3}[,.\s]")),
    # FAMILY, / FAMILY I
    ("caps", re.compile(r"[A-Z][A-Z'’\-]{2,}[ ,]")),
    # Family, Given
    ("fcg", re.compile(r"[A-Z][\w'’\-]+, [A-Z][a-z]+")),
    # I. Family  / I.J. Family
    ("if", re.compile(r"(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)[A-Z][a-z]+")),
    # Given Family,
    ("gf", re.compile(r"[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z]+(?:,| and | &)")),
    # 张三, / 张三．
    ("cjk", re.compile(r"[\u4e00-\u9fff]{2,4}[,，、.．\s]")),
)
_YEAR_RE = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d[a-z]?(?!\d)")
_YEAR_PAREN_RE = re.compile(r"\((?:1[6-9]|20)\d\d[a-z]?[),]")
_VOL_RE = re.compile(r"\d+\s*\(\s*[\w\-–]+\s*\)\s*[:,]?\s*[A-Za-z]?\d|\d+\s*:\s*[A-Za-z]?\d+\s*[-–]\s*\d+")
_PAGES_RE = re.compile(r"\b(?:pp?\.|pages?)\s*\d|\d+\s*[-–]{1,2}\s*\d+[.,]?\s*$|\d{1,4}\s*[-–]{1,2}\s*\d{1,4}")
_SEMI_RE = re.compile(r";\s*\d+")
_DOI_RE = re.compile(r"\b(?:doi|DOI)\b|10\.\d{4,}/")
_URL_RE = re.compile(r"https?:|www\.|\.(?:org|com|edu|net)/")
_ETAL_RE = re.compile(r"\bet\s?al\b|等[.,，]")
_IN_RE = re.compile(r"\b(?:In:|In |Proc\.|Proceedings|Journal|J\.|Conf\.|Trans\.|Rev\.|Press|University|Univ\.|vol\.|Vol\.|no\.)")
_TYPE_CODE_RE = re.compile(r"\[(?:J|M|C|D|R|S|P|N|G|Z|A|EB|DB|CP|OL|EB/OL|J/OL|M/OL|DB/OL|C/OL)\]")
_INITIALS_RE = re.compile(r"(?<![A-Za-z])[A-Z]\.(?:\s?[A-Z]\.)*")
_QUOTE_RE = re.compile(r"[“”\"]")
_FLAGS = (("yrp", _YEAR_PAREN_RE), ("vol", _VOL_RE), ("pg", _PAGES_RE), ("semi", _SEMI_RE), ("doi", _DOI_RE),
          ("url", _URL_RE), ("etal", _ETAL_RE), ("venue", _IN_RE), ("tc", _TYPE_CODE_RE), ("q", _QUOTE_RE))
"""Present-or-absent features of a line, one pattern each."""
_FUNC_RE = re.compile(r"\b(?:we|is|are|was|were|this|that|which|our|these|can|be|has|have|it|not)\b", re.I)
_STOPWORD_RE = re.compile(
    r"\s*(?:[A-Z0-9]{1,3}[.:]?\s+)?(?:appendix|appendices|acknowledge?ments?|supplementary|supporting information"
    r"|author contributions|funding|conflicts? of interest|competing interests|abbreviations|notes|endnotes"
    r"|附\s*录|致\s*谢|后\s*记|作者简介|个人简历|在学期间)",
    re.I,
)
_HEADSHAPE_RE = re.compile(
    r"\s*(?:(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[A-Z]\.|Chapter \d+|CHAPTER \d+|第.{1,3}章)\s*)?[A-Z\u4e00-\u9fff][^.!?]{0,70}$"
)
_PAGENUM_RE = re.compile(r"\s*(?:[-–—]\s*)?(?:\d{1,4}|[ivxlcdm]{1,6}|[IVXLCDM]{1,6})(?:\s*[-–—])?\s*$")
_EDGE_NUM_RE = re.compile(r"^\s*\d{1,4}\s+\S|\S\s+\d{1,4}\s*$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_WORD_RE = re.compile(r"[^\W\d_]+")
_REFHEAD_RE = re.compile(
    r"\s*(?:#{1,6}\s*)?(?:\d{1,2}(?:\.\d{1,2})*\.?\s+|[IVX]{1,4}\.\s+)?(?:\*\*)?\s*[\[【]?\s*"
    r"(?:主要参考文献|参\s*考\s*文\s*献|参考资料|引用文献|references?(?:\s+and\s+notes|\s+list)?|bibliography"
    r"|literature\s+cited|works\s+cited|cited\s+literature|literatur|références|bibliografía)"
    r"\s*[\]】]?\s*(?:\*\*)?\s*[:：]?\s*$",
    re.I,
)


def _bucket(x: float, edges: tuple[float, ...]) -> int:
    for k, edge in enumerate(edges):
        if x < edge:
            return k
    return len(edges)


def _norm_repeat(line: str) -> str:
    """A line with digits and spaces removed, lower-cased: running headers repeat under it."""
    return re.sub(r"[\d\s]+", "", line[:120]).lower()


def _line_own(line: str, width: int) -> dict[str, str]:
    """Features of one non-blank line by itself (key -> value; value '' for a bare flag)."""
    s = line[:_PROBE].strip()
    f: dict[str, str] = {}
    m = _LABEL_RE.match(s)
    if m:
        n = int(next(g for g in m.groups() if g is not None))
        kind = "b" if s.lstrip("\\")[:1] == "[" else "p" if s[:1] == "(" else "c" if "、" in m.group(0) else "d"
        f["lab"] = kind
        f["labn"] = "1" if n == 1 else "s" if n < 10 else "m" if n < 100 else "l"
        if _LABEL_ONLY_RE.match(s):
            f["labonly"] = ""
        rest = s[m.end() :].lstrip()
    else:
        f["lab"] = "0"
        rest = s
    for name, rx in _NAME_PATTERNS:
        if rx.match(rest):
            f["nm"] = name
            break
    years = _YEAR_RE.findall(s)
    f["yr"] = str(min(len(years), 2))
    for name, pattern in _FLAGS:
        if pattern.search(s):
            f[name] = ""
    n_init = len(_INITIALS_RE.findall(s))
    f["init"] = str(min(n_init, 3))
    words = _WORD_RE.findall(s)
    nw = len(words)
    f["nw"] = str(_bucket(nw, (2, 4, 8, 14)))
    if nw:
        caps = sum(1 for w in words if w[0].isupper())
        f["cap"] = str(_bucket(caps / nw, (0.15, 0.35, 0.6, 0.9)))
        func = len(_FUNC_RE.findall(s))
        f["fn"] = str(_bucket(func / nw, (0.01, 0.06, 0.12)))
    cjk = len(_CJK_RE.findall(s))
    if cjk:
        f["cjk"] = str(_bucket(cjk / max(len(s), 1), (0.3, 0.7)))
    digits = sum(ch.isdigit() for ch in s)
    f["dig"] = str(_bucket(digits / max(len(s), 1), (0.02, 0.08, 0.2, 0.5)))
    f["len"] = str(_bucket(len(s), (4, 12, 30, 60, 100)))
    f["rlen"] = str(_bucket(len(s) / max(width, 1), (0.3, 0.6, 0.85, 1.1)))
    last = s[-1]
    f["end"] = (
        "." if last in ".。" else "," if last in ",，;；" else "-" if last in "-–" else ":" if last in ":：" else
        "d" if last.isdigit() else ")" if last in ")]）】" else "a" if last.isalpha() else "o"
    )
    first = rest[:1] or s[:1]
    f["st"] = (
        "U" if first.isupper() else "l" if first.islower() else "d" if first.isdigit() else
        "c" if _CJK_RE.match(first) else "p"
    )
    if _REFHEAD_RE.match(s):
        f["refhead"] = ""
    elif _STOPWORD_RE.match(s) and len(s) < 60:
        f["stopw"] = ""
    if len(s) < 80 and _HEADSHAPE_RE.match(s) and nw <= 10:
        f["hshape"] = ""
    if _PAGENUM_RE.match(s):
        f["pnum"] = ""
    elif len(s) < 100 and _EDGE_NUM_RE.search(s):
        f["edgenum"] = ""
    if ". " in s[1:-1] and nw > 6:
        f["sent"] = str(min(s.count(". "), 2))
    return f


_NEIGHBOUR_KEYS = ("lab", "nm", "yr", "end", "rlen", "st", "refhead", "hshape", "pnum", "vol", "fn", "ind", "bb")


def document_features(lines: list[str]) -> tuple[list[int], list[list[str]]]:
    """Indices of the non-blank `lines` and the CRF feature strings of each (one sequence)."""
    idx = [i for i, line in enumerate(lines) if line.strip()]
    if not idx:
        return [], []
    lengths = sorted(len(lines[i].strip()) for i in idx)
    width = max(lengths[int(len(lengths) * 0.8)], 20)
    reps = Counter(_norm_repeat(lines[i]) for i in idx)
    indents = [len(lines[i]) - len(lines[i].lstrip(" ")) for i in idx]
    n = len(idx)
    own: list[dict[str, str]] = []
    last_head: int | None = None
    for k, i in enumerate(idx):
        line = lines[i]
        f = _line_own(line, width)
        key = _norm_repeat(line)
        if len(key) >= 3 and reps[key] >= 3 and len(line.strip()) < 120:
            f["rep"] = ""
        ind = indents[k]
        f["ind"] = str(_bucket(ind, (1, 3, 8, 20)))
        if k:
            d = ind - indents[k - 1]
            f["dind"] = "=" if abs(d) <= 1 else "+" if d > 0 else "-"
        blanks_before = i - idx[k - 1] - 1 if k else 0
        blanks_after = idx[k + 1] - i - 1 if k + 1 < n else 0
        f["bb"] = str(min(blanks_before, 2))
        f["ba"] = str(min(blanks_after, 2))
        f["pos"] = str(min(k * 10 // n, 9))
        if "refhead" in f:
            last_head = k
        f["dh"] = "n" if last_head is None else str(_bucket(k - last_head, (1, 4, 30, 150, 600)))
        own.append(f)
    out: list[list[str]] = []
    for k, f in enumerate(own):
        feats = ["b"]
        feats.extend(f"{key}={val}" if val else key for key, val in f.items())
        for off in (-2, -1, 1, 2):
            j = k + off
            if 0 <= j < n:
                g = own[j]
                keys = _NEIGHBOUR_KEYS if abs(off) == 1 else ("lab", "nm", "yr", "rlen", "refhead")
                for key in keys:
                    if key in g:
                        val = g[key]
                        feats.append(f"{off}{key}={val}" if val else f"{off}{key}")
            else:
                feats.append(f"{off}edge")
        # pairwise shapes that decide entry boundaries and list ends
        if k:
            p = own[k - 1]
            feats.append(f"pe_st={p['end']}{f['st']}")
            feats.append(f"pl_l={p['lab']}{f['lab']}")
        out.append(feats)
    return idx, out


# ---------------------------------------------------------------- tagging

_FINDER = CrfModel()


def reset_finder_model() -> None:
    """Forget the loaded line model (after retraining in the same process)."""
    _FINDER.reset()


def classify_lines(lines: list[str], path: Path = FINDER_MODEL_PATH) -> list[str] | None:
    """One label per line (`blank` for blank lines), or None when no model is installed."""
    idx, feats = document_features(lines)
    out = ["blank"] * len(lines)
    if not idx:
        return out
    labels = _FINDER.tag(feats, path)
    if labels is None:
        return None
    for i, lab in zip(idx, labels, strict=True):
        out[i] = lab
    return out
