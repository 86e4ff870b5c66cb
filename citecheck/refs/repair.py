"""Certain repairs of OCR / PDF-extraction damage in one reference string.

`repair(text) -> (repaired, issues)` is pure. Every change is reported as an
`Issue` with `before`/`after`, so nothing is silently rewritten, and a repair is
made only where it is certain: word-level decisions (letter-spaced runs, words
run together, hyphenation) are taken from English word frequencies (wordfreq),
and never touch acronyms, gene names, CamelCase or the author part, where
unusual tokens are normal. Damage that cannot be repaired with certainty
(a lost first author, volume and page run together) is flagged, not changed.

Markdown emphasis (`*Journal*`) is dropped without a warning: it is formatting,
and `raw` keeps it anyway.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache

from citecheck.model import Issue

# Word-level repairs scan tokens one by one; past this length the string is not a
# single reference and only the cheap character-level repairs run.
MAX_WORD_REPAIR_CHARS = 5000

# ------------------------------------------------------------------ word frequencies


@cache
def _freqs() -> dict[str, float]:
    try:
        from wordfreq import get_frequency_dict

        return get_frequency_dict("en")
    except Exception:  # wordfreq missing or broken: no word-level repairs
        return {}


@cache
def zipf(word: str) -> float:
    """Zipf frequency of an English word (0 when unknown); a dictionary lookup, cached."""
    f = _freqs().get(word.lower(), 0.0)
    return math.log10(f) + 9 if f > 0 else 0.0


def _is_word(w: str) -> bool:
    """A real English word, with a bar that rises for short strings (short ones are often noise)."""
    if len(w) <= 2:
        return w.lower() in _SHORT_WORDS
    z = zipf(w)
    return z >= (3.0 if len(w) <= 4 else 2.0)


_SHORT_WORDS = frozenset("a an as at by in is it of on or to".split())
# Combining forms that make one technical word with what follows ("transdifferentiation",
# "neurofilament"): a token starting with one of them is never split there.
_PREFIXES = frozenset(
    "anti auto bio con geo cardio chemo co counter cross cyto di dis electro endo epi exo extra hemo haemo hetero homo "
    "hyper hypo immuno infra inter intra iso macro mega meta micro mid mini mono multi nano neo neuro non "
    "osteo out over pan para peri photo poly post pre pro proto pseudo psycho radio re retro self semi sub "
    "super supra tele thermo trans tri ultra un under up uni".split()
)
_NOT_HALVES = frozenset(
    "ing ion ions ism ist ity ive ous ment ness able ible less ful ers est ship logy genic cyte cytes "
    "tion tions ated ates ize ise ized ised ally ence ance ular".split()
)

# ------------------------------------------------------------------ helpers

Step = Callable[[str, list[Issue]], str]


def _sub(rx: re.Pattern[str], text: str, issues: list[Issue], code: str, message: str, fn: Callable[[re.Match[str]], str]) -> str:
    """re.sub that records one Issue per actual change."""

    def repl(m: re.Match[str]) -> str:
        new = fn(m)
        if new != m.group(0):
            issues.append(Issue(code, message, before=m.group(0), after=new))
        return new

    return rx.sub(repl, text)


# ------------------------------------------------------------------ character-level steps

_EMPHASIS_RE = re.compile(r"(\*{1,2})([^*\n]{1,300}?)\1")


def strip_emphasis(text: str) -> str:
    """`*Cell*` / `**Cell**` -> `Cell` (formatting, not damage: no issue)."""
    if "*" not in text:
        return text
    return _EMPHASIS_RE.sub(r"\2", text)


_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_LIG_RE = re.compile("[" + "".join(_LIGATURES) + "]+")


def _ligatures(text: str, issues: list[Issue]) -> str:
    return _sub(_LIG_RE, text, issues, "ligature", "typographic ligature expanded",
                lambda m: "".join(_LIGATURES[c] for c in m.group(0)))


_FW_EXTRA = {"。": ".", "【": "[", "】": "]", "〔": "[", "〕": "]", "\u3000": " ", "．": "."}
_FW_RE = re.compile("[\uff01-\uff5e" + "".join(_FW_EXTRA) + "]+")


_BREAK_MARK_RE = re.compile(r"([^\W\d_]+)[\u00ac\u00ad][ \t]*(?:\r?\n[ \t]*)?([^\W\d_]+)")


def _break_marks(text: str, issues: list[Issue]) -> str:
    """`Gener¬ ation` / `Gener\u00adation` -> `Generation`: a not sign (how OCR engines mark a word broken at a line
    end) or a soft hyphen is never the writer's hyphen, so the word is joined whatever its halves are."""
    if "\u00ac" not in text and "\u00ad" not in text:
        return text
    for _ in range(4):  # a word broken twice (`Nano\u00adsci\u00adence`) is joined piece by piece
        joined = _sub(_BREAK_MARK_RE, text, issues, "hyphenation", "word broken at a line end (¬ or soft hyphen) joined",
                      lambda m: m.group(1) + m.group(2))
        if joined == text:
            break
        text = joined
    return text


_LINK_BREAK_RE = re.compile(
    r"((?:https?://|\bdoi\.org/|\b10\.\d{4,9}/)[^\s<>\"]*[/.\-_=?&])[ \t]*(?:\r?\n)?[ \t]{1,8}"
    r"([a-z0-9][\w.\-/?=&%#~]*[\w/])"
)


def _broken_links(text: str, issues: list[Issue]) -> str:
    """`https://doi.org/10.5281/ zenodo.3509134` -> one link: a URL or DOI a PDF line end broke after a `/`, `.`,
    `-` or `=`. The rest must look like a link's (lower case or a digit first, and a `.`, `/`, `-`, `_` or digit
    in it), so a sentence after a link (`… .org/ accessed`) is never joined to it."""
    if "/" not in text:
        return text

    def join(m: re.Match[str]) -> str:
        rest = m.group(2)
        return m.group(1) + rest if re.search(r"[./\-_\d]", rest) else m.group(0)

    return _sub(_LINK_BREAK_RE, text, issues, "broken_link", "a URL or DOI broken at a line end joined", join)


def _fullwidth(text: str, issues: list[Issue]) -> str:
    def conv(m: re.Match[str]) -> str:
        return "".join(_FW_EXTRA.get(c) or chr(ord(c) - 0xFEE0) for c in m.group(0))

    return _sub(_FW_RE, text, issues, "punctuation", "full-width characters left in the reference", conv)


_GREEK = "\u0391-\u03a9\u03b1-\u03c9"
_GREEK_RE = re.compile(
    r"(?<=[A-Za-z0-9])([-/])( *)([" + _GREEK + r"])( *)(?:([-/])|([A-Z])(?![A-Za-z]))?"
)
_ANY_GREEK_RE = re.compile("[" + _GREEK + "]")
_GREEK_LEAD_RE = re.compile(r"(?<![\w/-])([" + _GREEK + r"]) +-(?=[A-Za-z0-9])")


def _greek_spacing(text: str, issues: list[Issue]) -> str:
    """`IFN- β /IL-27` -> `IFN-β/IL-27`, `NF- κ B` -> `NF-κB`: spaces PDF extraction put around Greek letters."""

    def fix(m: re.Match[str]) -> str:
        pre, _sp1, g, sp2, post, cap = m.groups()
        tail = post or cap
        return pre + g + (tail if tail else sp2)

    if not _ANY_GREEK_RE.search(text):
        return text
    msg = "spaces around a Greek letter removed"
    text = _sub(_GREEK_RE, text, issues, "ocr_spacing", msg, fix)
    return _sub(_GREEK_LEAD_RE, text, issues, "ocr_spacing", msg, lambda m: m.group(1) + "-")


_SPACED_DASH_RE = re.compile(r" [-–]|[-–] ")
_NAME_HYPHEN_RE = re.compile(r"\b([A-Z][a-z]+) +[-–] +([A-Z][a-z]+)(?= +[A-Z]{1,3}\b)")
_SUFFIXES = (
    "derived|based|related|induced|mediated|dependent|independent|associated|specific|like|free|positive|negative"
    "|treated|deficient|resistant|sensitive|activated|containing|expressing|producing|secreting|loaded|targeted"
    "|type|term|scale|wide|level|linked|bound|rich|responsive|regulated|modified|engineered|conditioned|primed"
    "|stimulated|matched|controlled|blind|blinded|labeled|labelled|enriched|coated|guided|assisted|infiltrating"
)
_WORD_HYPHEN_RE = re.compile(r"(?<![\w-])([A-Za-z][A-Za-z0-9]*)(?: +[-–] *| *[-–] +)(" + _SUFFIXES + r")\b")


def _spaced_hyphen(text: str, issues: list[Issue]) -> str:
    """`Shiri - Shahsavar MR` -> `Shiri-Shahsavar MR`, `cord - derived` -> `cord-derived`."""
    if not _SPACED_DASH_RE.search(text):
        return text
    text = _sub(_NAME_HYPHEN_RE, text, issues, "spaced_hyphen", "spaces around a hyphen in a double surname removed",
                lambda m: f"{m.group(1)}-{m.group(2)}")

    def compound(m: re.Match[str]) -> str:
        if m.group(1).lower() in _CONJUNCTIONS:
            return m.group(0)  # "dependent or -independent": a suspended compound, spaces right
        return f"{m.group(1)}-{m.group(2)}"

    return _sub(_WORD_HYPHEN_RE, text, issues, "spaced_hyphen", "spaces around a hyphen in a compound removed", compound)


_CONJUNCTIONS = frozenset("and or nor but to of as than versus vs".split())


_PAGE_RANGE_RE = re.compile(
    r"((?::|\bpp?\.)[ \t]*)([A-Za-z]?\d{1,7})(?: +([-–]) *| *([-–]) +)([A-Za-z]?\d{1,7})(?![\w.]\d)"
)


def _page_spacing(text: str, issues: list[Issue]) -> str:
    """`: 1785 - 1803` -> `: 1785-1803` (only after a page separator)."""
    return _sub(_PAGE_RANGE_RE, text, issues, "page_spacing", "spaces inside a page range removed",
                lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or m.group(4)}{m.group(5)}")


_VOL_ISSUE_RE = re.compile(r"(?<![\w.])(\d{1,4}) +\((\d{1,3}(?:[-–/]\d{1,3})?)\) *:(?=[A-Za-z]?\d)")


def _volume_issue_spacing(text: str, issues: list[Issue]) -> str:
    """`14 (7):858` -> `14(7):858`: spaces inside volume(issue) before the pages."""
    return _sub(_VOL_ISSUE_RE, text, issues, "page_spacing", "spaces inside volume(issue) removed",
                lambda m: f"{m.group(1)}({m.group(2)}):")


_SEMI_VANC_RE = re.compile(r"(?<!\d)((?:1[6-9]|20)\d\d;[ \t]?\d{1,4}(?:\(\w{1,6}\))?);([ \t]?[A-Za-z]?\d+(?:[-–][A-Za-z]?\d+)?)(?=[.\s]|$)")
_SEMI_GBT_RE = re.compile(r"(?<![\w.])(\d{1,4}\(\w{1,6}\)) *; *([A-Za-z]?\d+[-–][A-Za-z]?\d+)(?=[.\s]|$)")


def _semicolon_pages(text: str, issues: list[Issue]) -> str:
    """`2010;90;1312-20` -> `2010;90:1312-20`: a second `;` where the pages begin."""
    if text.count(";") < 2:
        return text
    msg = "';' before the pages replaced by ':'"
    text = _sub(_SEMI_VANC_RE, text, issues, "punctuation", msg, lambda m: f"{m.group(1)}:{m.group(2)}")
    return _sub(_SEMI_GBT_RE, text, issues, "punctuation", msg, lambda m: f"{m.group(1)}:{m.group(2)}")


# ------------------------------------------------------------------ word-level steps

_AUTHOR_END_RE = re.compile(r"\bet al\b\.?|(?<=[A-Z])\.(?=\s)|\[[A-Z]{1,2}(?:/OL)?\]|(?<=[a-z]{3})\.(?=\s+[A-Z])")


def author_end(text: str) -> int:
    """Offset where the author part probably ends (0 when unknown): word repairs start there."""
    m = _AUTHOR_END_RE.search(text, 0, min(len(text), 400))
    return m.end() if m else 0


_TOKEN_RE = re.compile(r"[A-Za-z]+")


# three single letters, each followed by a space and at most one short fragment between them
_SPACED_LETTERS_RE = re.compile(
    r"(?<![A-Za-z])[A-Za-z] (?:[A-Za-z]{2,3} )?[A-Za-z] (?:[A-Za-z]{2,3} )?[A-Za-z](?![A-Za-z])"
)


def _letter_spacing(text: str, issues: list[Issue]) -> str:
    """`h e ma t o p o i e t i c` -> `hematopoietic`: runs of single letters/short fragments
    joined when the result segments into real words and the pieces do not."""
    if not _SPACED_LETTERS_RE.search(text):
        return text
    toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(toks):
        j = i
        # extend a run of short tokens separated by exactly one space
        while (
            j + 1 < len(toks)
            and toks[j][1] - toks[j][0] <= 3
            and toks[j + 1][0] == toks[j][1] + 1
            and text[toks[j][1]] == " "
        ):
            j += 1
        run = toks[i : j + 1]
        if len(run) > 1 and run[-1][1] - run[-1][0] > 3:
            run = run[:-1]
        fixed = _join_run(text, run)
        if fixed is not None:
            start, end, new = fixed
            out.append(text[pos:start])
            out.append(new)
            issues.append(Issue("letter_spacing", "letter-spaced word joined", before=text[start:end], after=new))
            pos = end
        i = j + 1
    out.append(text[pos:])
    return "".join(out)


def _join_run(text: str, run: list[tuple[int, int]]) -> tuple[int, int, str] | None:
    pieces = [text[a:b] for a, b in run]
    singles = sum(1 for p in pieces if len(p) == 1)
    if len(pieces) < 3 or singles < 3 or singles * 2 < len(pieces):
        return None
    if len(pieces) > 60:
        return None
    letters = "".join(pieces)
    # all-capital runs are initials far more often than spaced words ("S M S")
    if len(letters) < 5 or not (letters.islower() or (letters[0].isupper() and letters[1:].islower())):
        return None
    # pieces that are all words already ("a", "I", "of") are left alone
    if all(_is_word(p) and len(p) > 1 for p in pieces):
        return None
    words = _segment(letters.lower())
    if words is None or len(words) * 2 > len(pieces):
        return None
    # restore case
    new_parts: list[str] = []
    k = 0
    for w in words:
        new_parts.append(letters[k : k + len(w)])
        k += len(w)
    end = run[-1][1]
    new = " ".join(new_parts)
    return run[0][0], end, new


def _segment(s: str) -> list[str] | None:
    """Split `s` into the fewest real words (ties: most frequent); None when impossible."""
    n = len(s)
    if n > 80:
        return None
    best: list[tuple[int, float, int] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, 0)
    for end in range(1, n + 1):
        for start in range(max(0, end - 25), end):
            prev = best[start]
            if prev is None:
                continue
            w = s[start:end]
            if len(w) < 3 and w not in _SHORT_WORDS:
                continue
            if not _is_word(w):
                continue
            cand = (prev[0] + 1, prev[1] - zipf(w), start)
            cur = best[end]
            if cur is None or (cand[0], cand[1]) < (cur[0], cur[1]):
                best[end] = cand
    if best[n] is None:
        return None
    words: list[str] = []
    end = n
    while end > 0:
        entry = best[end]
        assert entry is not None
        words.append(s[entry[2] : end])
        end = entry[2]
    return words[::-1]


_HYPHEN_RE = re.compile(r"(?<![\w-])([A-Za-z][a-z]+)-( ?)([a-z]+)(?![\w-])")


def _hyphenation(text: str, issues: list[Issue]) -> str:
    """`pluripo-tent` / `mes- enchymal` -> one word, when the joined word is a real word and a piece is not.

    Real compounds (`bone-derived`, `co-culture`, `xeno-graft-versus-host`) keep their
    hyphen: both pieces are words, or the hyphen links a chain.
    """

    def fix(m: re.Match[str]) -> str:
        a, space, b = m.group(1), m.group(2), m.group(3)
        joined = a + b
        if zipf(joined) < 1.5:
            return m.group(0)
        if a.lower() in _PREFIXES or a.lower() == b.lower():
            return m.group(0)  # "re-evaluation", "co-culture": the hyphen is the writer's
        if _piece_is_word(a) and _piece_is_word(b) and not space:
            return m.group(0)
        if space and _is_word(a) and _is_word(b) and zipf(joined) < max(zipf(a), zipf(b)) - 1.5:
            return m.group(0)
        return joined

    return _sub(_HYPHEN_RE, text, issues, "hyphenation", "word split by a hyphen joined", fix)


_SHORT_PIECES = frozenset("up on in by to of at as or go do no so we me ad ex vs".split())


def _piece_is_word(p: str) -> bool:
    """A hyphenated piece that stands as a word ("up" in follow-up, "hoc" in ad-hoc)."""
    if len(p) <= 2:
        return p.lower() in _SHORT_PIECES
    return zipf(p) >= 2.5


_RUN_TOKEN_RE = re.compile(r"(?<![\w'’./@:-])([A-Z]?[a-z]{5,})(?![\w'’/@-]|\.\w)")


def _run_together(text: str, issues: list[Issue], start: int) -> str:
    """`Lewislung` -> `Lewis lung`: a non-word whose two halves are common words.

    Only after the author part; CamelCase, acronyms, words with digits never match.
    """

    def fix(m: re.Match[str]) -> str:
        tok = m.group(1)
        if zipf(tok) >= 1.5:
            return tok
        k = _best_split(tok)
        if k is None:
            return tok
        if tok[0].isupper():
            # a capitalised token is most often a name ("Lighthill", "Suchman"): split only
            # inside running lower-case title text ("of Lewislung carcinoma")
            after = m.string[m.end() : m.end() + 2]
            before = m.string[max(0, m.start() - 2) : m.start()]
            if not (re.fullmatch(r" [a-z]", after) and re.fullmatch(r"[a-z,] ", before)):
                return tok
        return tok[:k] + " " + tok[k:]

    head, tail = text[:start], text[start:]
    return head + _sub(_RUN_TOKEN_RE, tail, issues, "run_together", "words run together separated", fix)


_GLUE_WORDS = frozenset("and of the in to for from with on as via by".split())


def _best_split(tok: str) -> int | None:
    """Where `tok` splits into two words (None when nowhere).

    Each half is either a glue word (`of`, `and`, `as` ...) or a common content
    word of four letters or more; two glue words never make a split. Among
    candidates the most frequent pair wins ("conceptsand" -> "concepts and").
    """
    best: tuple[float, int] | None = None
    for k in range(2, len(tok) - 1):
        a, b = tok[:k], tok[k:]
        al = a.lower()
        if al in _PREFIXES or al in _NOT_HALVES or b in _NOT_HALVES:
            continue
        glue_a, glue_b = al in _GLUE_WORDS, b in _GLUE_WORDS
        if glue_a and glue_b:
            continue
        za, zb = zipf(a), zipf(b)
        if not glue_a and (len(a) < 4 or za < 4.0):
            continue
        if not glue_b and (len(b) < 4 or zb < 4.0):
            continue
        if best is None or za + zb > best[0]:
            best = (za + zb, k)
    return best[1] if best else None


# ------------------------------------------------------------------ flags (no change)

_MISSING_AUTHOR_RE = re.compile(r"^\s*(?:(?P<a>[A-Z] [A-Z]{1,3}),|(?P<b>[A-Z]{1,3}),\s+[A-Z][a-z]+ [A-Z]{1,3}[,.]|(?P<c>[,.;]|et al\b))")
_VOL_PAGE_RE = re.compile(r"(?<![\d:;])((?:1[6-9]|20)\d\d);(\d{4,7})(?=\.|$)")


_HYPHEN_FLAG_RE = re.compile(r"(?<![\w-])([A-Za-z][a-z]+)-([a-z]+)(?!\w)")


def flags(text: str) -> list[Issue]:
    """Damage that is reported but not repaired."""
    out: list[Issue] = []
    m = _MISSING_AUTHOR_RE.match(text)
    if m:
        frag = text[: min(len(text), m.end() + 12)].strip()
        out.append(
            Issue("missing_author", "the first author's surname seems lost (only initials or nothing before the first comma)",
                  before=frag, confidence=0.7)
        )
    for h in _HYPHEN_FLAG_RE.finditer(text):
        a, b = h.group(1), h.group(2)
        if a.lower() in _PREFIXES or zipf(a) >= 3.0 or not _piece_is_word(b):
            continue
        if zipf(a + b) >= 1.5:
            out.append(
                Issue("hyphenation", f"possible hyphenation split: {h.group(0)!r} may be {a + b!r}; left as is",
                      before=h.group(0), after=a + b, confidence=0.5)
            )
    for v in _VOL_PAGE_RE.finditer(text):
        out.append(
            Issue("volume_page_run_together",
                  f"volume and first page seem run together in {v.group(0)!r} (no ':' between them); left as is",
                  before=v.group(0), confidence=0.6)
        )
    return out


# ------------------------------------------------------------------ entry point


def repair(text: str) -> tuple[str, list[Issue]]:
    """Repair certain OCR damage in one reference string; every change is reported."""
    issues: list[Issue] = []
    try:
        text = strip_emphasis(text)
        for step in (_ligatures, _break_marks, _broken_links, _fullwidth, _greek_spacing, _spaced_hyphen, _page_spacing,
                     _volume_issue_spacing, _semicolon_pages):
            text = step(text, issues)
        if len(text) <= MAX_WORD_REPAIR_CHARS:
            text = _letter_spacing(text, issues)
            text = _hyphenation(text, issues)
            text = _run_together(text, issues, author_end(text))
        issues.extend(flags(text))
    except Exception as exc:  # a repair must never lose the reference
        issues.append(Issue("repair_error", f"repair failed: {type(exc).__name__}"))
    return text, issues
