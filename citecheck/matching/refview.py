"""A reference string prepared once for comparison with all its candidates: its words, numbers, years, title
windows and OCR-canonical forms (`RefView`), and the text helpers those are made with.

`compare` measures one candidate record against a `RefView`; building the view once per string keeps the
work per candidate small (a string is compared with five candidates, a bulk run with millions).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from citecheck.identifiers import DOI_RE
from citecheck.matching.journals import STOP_WORDS, edition_of, words
from citecheck.model import CSL
from citecheck.refs.fields import YEAR_RE
from citecheck.text import fold, has_cjk, unify_dashes

_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# Segment boundaries for title windows: sentence punctuation, CJK full stop, GB/T type codes.
_SEG_RE = re.compile(r"(?<=[.?!。])\s*|\s*\[[A-Z]{1,2}(?:/OL)?\]\s*|(?<=\))\.?\s+|\s*//\s*")
# A citation number: `[12]`, `(3)`, `12.`, `12 `, or glued to an initial, a capitalised word or an
# acronym (`1J. Smith`, `1Nature`, `1JAMA:`).
_LEAD_LABEL_RE = re.compile(
    r"^\s*(?:\[\s*\d+\s*\]|\(\s*\d+\s*\)|\d+\s*\.(?!\d)|\d+\s+(?=\D)"
    r"|\d{1,3}(?=[A-Z](?:[a-z]{2,}|[A-Z]?\.|\s)|[A-Z]{2,}(?![a-z\d])))\s*")
_TAG_RE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?>")
_ETAL_RE = re.compile(r"\bet\s*al\b|\bu\.\s*a\.|等|…|\.\.\.", re.IGNORECASE)
# Words of a reference string that say nothing about the work.
FILLER = frozenset(
    """et al eds ed editor editors vol volume no pp p pages page doi org https http www dx in j n s
    retrieved available online accessed from j pmid pmcid epub ahead print
    bd jg nr hft heft hrsg aufl vols num nos pag pags tome tomo fasc supp suppl""".split()
) | STOP_WORDS
MAX_WINDOW = 4
GLUED_MIN, GLUED_MAX = 4, 24
"""Lengths of a digit run that may be neighbouring numbers run together (`62` `13` → `6213`)."""
# Letters typed or recognised for look-alike digits (casefolded): O for 0, I and l for 1, Z for 2,
# S for 5, B for 8 — the digit confusions OCR engines are known for.
OCR_DIGITS = str.maketrans({"o": "0", "i": "1", "l": "1", "z": "2", "s": "5", "b": "8"})
_OCR_DIGIT_CHARS = frozenset("0123456789oilzsb")
_SPLIT_NUMBER_RE = re.compile(r"(?<!\w)([0-9oil]*\d[0-9oil]*) (?=([0-9oil]*\d[0-9oil]*)(?!\w))")


def strip_label(text: str) -> str:
    """The string without its citation number (`[12]`, `12.`, `(3)`), or two (`28 [1]`: a list's number before
    the entry's own)."""
    text = _LEAD_LABEL_RE.sub("", text, count=1)
    return _BRACKET_LABEL_RE.sub("", text, count=1)


_BRACKET_LABEL_RE = re.compile(r"^\s*\[\s*\d{1,3}\s*\]\s*")


def page_pieces(page: object) -> list[str]:
    """A page range as [first, last] (or [first]): `582–4` → ['582', '4'] (empty pieces dropped)."""
    return [x.strip() for x in unify_dashes(str(page or "")).split("-") if x.strip()]


def content_of(ws: list[str]) -> list[str]:
    """Alphabetic words that say something about the work (no filler, numbers or single letters)."""
    return [w for w in ws if w not in FILLER and not w.isdigit() and (len(w) > 1 or has_cjk(w))
            and not set(w) <= _CJK_FILLER]


_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+")
_CJK_FILLER = frozenset("载第期卷页年月日等见译编著")
"""Characters of a Chinese citation's frame (`载《BMJ》1989年第6673期`: in, number, issue, volume, page, year,
et al., see, translated, edited, by): no word of the work."""


def _split_cjk(ws: list[str]) -> list[str]:
    """Words with CJK and other characters run together cut apart (`1989年第6673期` → 1989, 年第, 6673, 期)."""
    out: list[str] = []
    for w in ws:
        if not w.isascii() and has_cjk(w) and not all(has_cjk(c) for c in w):
            out.extend(_CJK_RUN_RE.findall(w))
        else:
            out.append(w)
    return out


_COMMA_RE = re.compile(r",\s+")
_YEAR = r"(?:1[5-9]|20)\d\d"
_ACCESS_RE = re.compile(
    rf"\[\s*(?:引用日期|访问日期)?\s*{_YEAR}\s*[-./年]\s*\d{{1,2}}(?:\s*[-./月]\s*\d{{1,2}}\s*日?)?\s*\]"
    rf"|\[\s*(?:cited|accessed)\s[^\]\[]{{0,30}}?{_YEAR}[^\]\[]{{0,20}}\]"
    rf"|\b(?:last\s+)?(?:accessed|retrieved|viewed|consulted)(?:\s+on)?\s*:?\s*"
    rf"(?:[A-Za-z]{{3,9}}\.?\s+\d{{1,2}},?\s+{_YEAR}|\d{{1,2}}\s+[A-Za-z]{{3,9}}\.?,?\s+{_YEAR}"
    rf"|{_YEAR}\s*[-./]\s*\d{{1,2}}(?:\s*[-./]\s*\d{{1,2}})?|{_YEAR}\s+[A-Za-z]{{3,9}}\.?(?:\s+\d{{1,2}})?)",
    re.IGNORECASE,
)
_ACCESS_KEYS = ("[", "accessed", "retrieved", "viewed", "consulted")
"""When the string was read online — GB/T's `[2020-01-02]`, NLM's `[cited 2020 Jan 2]`, `accessed 2 May 2021`,
`Retrieved May 27, 2019`: a date of the reader, not of the work."""


def _runs(segs: list[str]) -> list[str]:
    """Runs of 1..MAX_WINDOW consecutive segments, joined by a space."""
    return [" ".join(segs[i : i + k]) for i in range(len(segs)) for k in range(1, MAX_WINDOW + 1)
            if i + k <= len(segs)]


_VOLUME_LABEL_RE = re.compile(r"\bvol(?:ume)?\.?\s*(\d{1,4})\b", re.IGNORECASE)
"""`vol. 6`, `Volume 12` (four digits at most: `Vol. 1001977` is a volume run into its year)."""


@dataclass
class RefView:
    """A reference prepared once for comparison with all its candidates."""

    text: str
    fields: CSL

    @cached_property
    def body(self) -> str:
        """The string without its citation label, markup tags (`<title>…</title>`, `<i>`) and the date it was
        read online (`[2020-01-02]`, `[cited 2020 Jan 2]`, `accessed 2 May 2021`): that date's year and
        numbers are no year, volume or page of the work."""
        body = strip_label(_TAG_RE.sub(" ", self.text))
        low = body.lower()
        return _ACCESS_RE.sub(" ", body) if any(k in low for k in _ACCESS_KEYS) else body

    @cached_property
    def label_words(self) -> set[str]:
        """Words of the whole string, label included (`7. Literatur` may be a title, not a label)."""
        return set(words(self.text))

    @cached_property
    def words(self) -> list[str]:
        return _split_cjk(words(self.body))

    @cached_property
    def wordset(self) -> set[str]:
        return set(self.words)

    @cached_property
    def word_counts(self) -> Counter[str]:
        """How often each word stands in the string (one `Kim` names one Kim)."""
        return Counter(self.words)

    @cached_property
    def folded(self) -> str:
        return fold(self.body)

    @cached_property
    def cited_pages(self) -> tuple[str, ...]:
        """The page range the string cites as (first, last) or (first,): parsed, else the string's last number
        range outside its title (`mortality in NHANES 2003-2014. Environ Res 111393` cites one page, not
        2003–2014)."""
        ours = unify_dashes(str(self.fields.get("page") or ""))
        if not ours:  # unparsed: the string's last number range
            body, title = unify_dashes(self.body), self.fields.get("title")
            if isinstance(title, str) and title.strip():
                body = body.replace(unify_dashes(title), " ")
            ranges = re.findall(r"(?<!\w)(\w*\d\w*\s*-\s*\w*\d\w*)(?!\w)", body)
            ours = ranges[-1] if ranges else ""
        return tuple(page_pieces(ours))

    @cached_property
    def own_title(self) -> tuple[list[str], int]:
        """The parsed title's content words (three letters or more; none for a Chinese title) and at which of the
        string's `words` the title starts (its first three words in a row; -1: not found as printed) — for
        telling whether it is a record's."""
        cited = self.fields.get("title")
        if not isinstance(cited, str) or has_cjk(cited):
            return [], -1
        own = [w for w in content_of(words(cited)) if len(w) >= 3]
        head, ws = words(cited)[:3], self.words
        at = next((i for i in range(len(ws) - len(head) + 1) if ws[i : i + len(head)] == head), -1) if head else -1
        return own, at

    @cached_property
    def edition(self) -> str | None:
        """The language edition of a journal the string names (`english` for `… (Engl Ed)`), or None."""
        return edition_of(self.body)

    @cached_property
    def author_families(self) -> frozenset[str]:
        """The parsed people's family names, folded (to find them in a large team's list)."""
        return frozenset(fold(a.get("family") or a.get("literal")) for a in self.fields.get("author") or []
                         if isinstance(a, dict)) - {""}

    @cached_property
    def name_suffixes(self) -> frozenset[str]:
        """The parsed names' suffixes (`Shires 3rd`): numbers of no work."""
        return frozenset(fold(str(a.get("suffix") or "")) for a in self.fields.get("author") or []
                         if isinstance(a, dict) and a.get("suffix"))

    @cached_property
    def content_words(self) -> list[str]:
        """Alphabetic words that should be explained by the right record (in a string read by OCR, not a filler
        word read with look-alikes: `ancl`, `tbe`, which any record with an `and` or `the` would explain)."""
        cw = content_of(self.words)
        if self.ocr_damaged:
            cw = [w for w in cw if len(w) < 3 or ocr_canon(w) not in _ocr_filler()]
        return cw

    @cached_property
    def numbers(self) -> list[str]:
        """Digit and page-like tokens (e1002, S12) of the string, label, DOI and URLs excluded."""
        body = _URL_RE.sub(" ", DOI_RE.sub(" ", self.body))
        return [w for w in _split_cjk(words(body)) if any(c.isdigit() for c in w)]

    @cached_property
    def ocr_words(self) -> set[str]:
        """The string's words (digits and letters) with OCR's look-alikes made one (`ocr_canon`)."""
        return {ocr_canon(w) for w in self.words if len(w) >= 4}

    @cached_property
    def number_set(self) -> set[str]:
        """Number tokens plus digit runs glued to words (`Chemistry460`, `z11`)."""
        return set(self.numbers) | set(re.findall(r"\d+", self.body))

    @cached_property
    def labelled_volumes(self) -> frozenset[str]:
        """Numbers the string itself calls its volume (`vol. 6`, `Volume 12`): no other number of the work."""
        return frozenset(_VOLUME_LABEL_RE.findall(_URL_RE.sub(" ", DOI_RE.sub(" ", self.body))))

    @cached_property
    def lost_letters(self) -> list[re.Pattern[str]]:
        """Words with letters lost to U+FFFD (`Acu��a`): each run of them stands for one or two letters."""
        out: list[re.Pattern[str]] = []
        for w in re.findall(r"[\w\ufffd]*\ufffd[\w\ufffd]*", self.body):
            parts = [re.escape(fold(p)) for p in re.split(r"\ufffd+", w)]
            if sum(map(len, parts)) >= 2:
                out.append(re.compile(".{1,2}".join(parts)))
        return out

    @cached_property
    def years(self) -> list[int]:
        return [int(y) for y in YEAR_RE.findall(self.body)]

    @cached_property
    def repaired(self) -> dict[str, set[str]]:
        """Number tokens damaged by OCR or typing, with the values they may stand for.

        A letter for a look-alike digit (`2O06` 2006, `1i7` 117, `3I` 31) and a
        number split by a stray space (`201 1` 2011, `1 046` 1046). Used only to
        *explain* a record's value that the string does not show intact, never
        to find a value.
        """
        out: dict[str, set[str]] = {}
        for t in self.numbers:
            if not t.isdigit() and len(t) >= 2 and set(t) <= _OCR_DIGIT_CHARS:
                out.setdefault(t, set()).add(t.translate(OCR_DIGITS))
        for m in _SPLIT_NUMBER_RE.finditer(self.body.casefold()):
            a, b = m.group(1), m.group(2)
            joined = (a + b).translate(OCR_DIGITS)
            out.setdefault(a, set()).add(joined)
            out.setdefault(b, set()).add(joined)
        return out

    @cached_property
    def glued(self) -> list[str]:
        """Digit runs long enough to be two or more numbers whose separator was lost (`2021;219112316`),
        also when OCR read one of their digits as a look-alike letter (`145S`: 14, 55)."""
        runs = [*re.findall(r"\d+", self.body), *self.repaired_values]
        return [t for t in dict.fromkeys(runs) if GLUED_MIN <= len(t) <= GLUED_MAX]

    @cached_property
    def damaged(self) -> list[str]:
        """Numbers with one character garbled into a letter (`1x9`, `18v`, `5n`): each letter a wildcard.

        A letter in first position is not damage (`e1002`, `S12` are real article numbers).
        """
        return [t for t in self.numbers if len(t) >= 2 and t[0].isdigit()
                and sum(not c.isdigit() for c in t) == 1 and t.isalnum()]

    def damaged_match(self, value: str) -> str | None:
        """The damaged token of the string that `value` (digits) fits, if any."""
        if not value.isdigit():
            return None
        for t in self.damaged:
            if len(t) == len(value) and all(c == d or not c.isdigit() for c, d in zip(t, value, strict=True)):
                return t
        return None

    @cached_property
    def repaired_values(self) -> set[str]:
        return {v for vs in self.repaired.values() for v in vs}

    @cached_property
    def repaired_years(self) -> set[int]:
        return {int(v) for v in self.repaired_values if YEAR_RE.fullmatch(v)}

    @cached_property
    def doi(self) -> str | None:
        d = self.fields.get("DOI")
        if isinstance(d, str) and d.strip():
            return d.strip().rstrip(".,;").lower()
        m = DOI_RE.search(self.text)
        return m.group(1).rstrip(".,;").lower() if m else None

    @cached_property
    def etal(self) -> bool:
        return bool(_ETAL_RE.search(self.text))

    @cached_property
    def windows(self) -> list[str]:
        """Runs of 1..MAX_WINDOW consecutive segments: the places a title can stand."""
        segs = [s for s in _SEG_RE.split(self.body) if s and s.strip()]
        out = _runs(segs)
        for seg in segs:  # styles that set fields apart by commas only (`Zarkovic SS, Family Living Studies, Revue`)
            parts = [p for p in _COMMA_RE.split(seg) if p.strip()]
            if len(parts) > 1:
                out += [w for w in _runs(parts) if w != seg]
        title = self.fields.get("title")
        if isinstance(title, str) and title.strip():
            out.append(title)
        return out

    @cached_property
    def window_folds(self) -> list[str]:
        return [fold(w) for w in self.windows]

    @cached_property
    def ocr_damaged(self) -> bool:
        """Some word mixes letters and digits (`Tida1`, `B0UREL`): OCR may have read look-alikes."""
        return any(any(c.isdigit() for c in w) and sum(c.isalpha() for c in w) >= 2 for w in self.words)

    @cached_property
    def ocr_word_list(self) -> list[str]:
        """The string's words in order with OCR's look-alikes made one (`Soc 5ci Med` → `soc scl med`)."""
        return [ocr_canon(w) for w in self.words]

    @cached_property
    def ocr_word_set(self) -> frozenset[str]:
        """`ocr_word_list` as a set, short words included (each candidate asks it)."""
        return frozenset(self.ocr_word_list)

    @cached_property
    def ocr_pairs(self) -> frozenset[tuple[str, str]]:
        """Each word of the string with the next one made OCR-canonical (part numerals: `Compounds: XLI.`)."""
        sw = self.words
        return frozenset((sw[j], ocr_canon(sw[j + 1])) for j in range(len(sw) - 1))

    @cached_property
    def window_ocr(self) -> list[str]:
        return [ocr_canon(w) for w in self.window_folds]

    @cached_property
    def window_sorted(self) -> list[str]:
        return [" ".join(sorted(words(w))) for w in self.windows]


_OCR_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("ri", "n"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"),
              ("8", "b"), ("h", "b"), ("e", "c"), ("u", "v"))


@cache
def _ocr_filler() -> frozenset[str]:
    """Filler words of three letters or more, with OCR's look-alikes made one."""
    return frozenset(ocr_canon(w) for w in FILLER if len(w) >= 3)


@lru_cache(maxsize=1 << 16)  # called for the same record words candidate after candidate
def ocr_canon(word: str) -> str:
    """A word with OCR's look-alikes made one (`al1oantigens`, `rnodel`, `B0UREL`, `cleveloped`, `Matcnals`):
    rn/m, cl/d, vv/w, ri/n, 0/o, 1/l/i, 5/s, 8/b/h, e/c, u/v. Only for telling whether two words may be one.
    Repeated until nothing changes, so the order of the pairs does not matter: `c1in` and `clin` are one."""
    while True:
        before = word
        for a, b in _OCR_PAIRS:
            if a in word:
                word = word.replace(a, b)
        if word == before:
            return word
