"""CRF features for reference tokens.

Features are strings (python-crfsuite's cheapest input). They are split into
*intrinsic* features of a token's text, cached because the same words recur in
every reference, and *contextual* ones (position, brackets, what came before,
neighbours). The window features are what lets the CRF tell a journal
abbreviation after a title from a surname at the start, so neighbours carry
their word and shape, not just their label-free identity.

Throughput matters (the parser must do ≥1,000 references/s including this), so
everything here is linear in the number of tokens and avoids regexes per token.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

from citecheck.refs.tokens import Token

# Words that occur in journal abbreviations (ISO 4 / NLM); as a feature they help
# the model separate `J Biol Chem` (container) from `Jones BC` (author).
JOURNAL_WORDS = frozenset(
    """j jpn acta adv am ann annu appl arch assoc biochem biol biomed biophys br bull can cell
    chem chin clin commun comput curr dev dis ecol endocrinol environ eur exp front gastroenterol
    genet geophys immunol ind infect int invest lett mater math mech med microbiol mol nat natl
    neurol neurosci nucl oncol opt org pediatr pharmacol philos phys physiol plos polym proc psychol
    radiol rep res rev sci soc stat surg syst technol ther trans univ vet zool acad engl jama bmj
    lancet nature science""".split()
)
MONTHS = frozenset(
    """jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july
    august september october november december spring summer autumn fall winter""".split()
)
# GB/T 7714 document type codes (single letters and the combined ones like EB/OL).
TYPE_CODES = frozenset("J M C D R P S N Z G A K EB OL DB CP CM DS CT".split())
# Words that mark a publisher (`University Press`, `Verlag`, `Éditions`): a book's title or a
# chapter's container comes before them, a journal never does.
PUBLISHER_WORDS = frozenset(
    """press presses verlag verlags publisher publishers publishing publications universitaires
    éditions editions edições editora editorial editore editori ediciones books ltd inc gmbh co
    springer elsevier wiley routledge sage benjamins mouton brill palgrave macmillan blackwell kluwer
    erlbaum seuil gallimard puf karthala harmattan suhrkamp kohlhammer lang pergamon academic
    nijhoff gruyter""".split()
)
# Editor markers (`(eds.)`, `(Hrsg.)`, `(dir.)`, `, ed.`): the names before them are editors and
# what follows is the container (a chapter's book).
EDITOR_WORDS = frozenset(
    """ed eds edd editor editors hrsg hg hgg dir dirs éd éds coord coords org orgs comp comps""".split()
)

_FREQ: dict[str, float] | None = None


def zipf_bucket(word: str) -> int:
    """int(Zipf frequency) of an English word, as `wordfreq.zipf_frequency` gives it, 0 if unknown.

    Looks the word up in wordfreq's frequency dict directly: `zipf_frequency`
    re-tokenises every call (~40 µs), the dict lookup is ~0.1 µs, and unseen
    words are the common case in references. Loaded once, lazily (~1 s).
    """
    global _FREQ
    if _FREQ is None:
        from wordfreq import get_frequency_dict

        _FREQ = get_frequency_dict("en")
    f = _FREQ.get(word)
    return _zipf_of(f) if f else 0


@cache
def _zipf_of(freq: float) -> int:
    """int(Zipf) of a wordfreq frequency; cached: its frequencies take only a few hundred values."""
    return int(round(math.log10(freq) + 9, 2))


def ltwa_class(low: str) -> str:
    """`lta` for an ISO 4 abbreviation (`biol`), `ltw` for a word the LTWA abbreviates (`biology`), else "".

    A journal name is made of these; a title is mostly not, a surname almost never.
    """
    if len(low) < 3:
        return ""
    abbrevs, words, prefixes, stems = _ltwa_sets()
    if low in abbrevs:
        return "lta"
    if low in words:
        return "ltw"
    for n in range(3, len(low)):
        head = low[:n]
        if head in prefixes:
            return "ltw"
        if head not in stems:  # no longer head can be a prefix either
            return ""
    return ""


@cache
def _ltwa_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(ISO 4 abbreviations, abbreviated words, abbreviated prefixes, their beginnings) of the LTWA, loaded once."""
    from citecheck.refs.journals import ltwa

    table = ltwa()
    if not table:
        empty: frozenset[str] = frozenset()
        return empty, empty, empty, empty
    return table.abbrevs, table.abbreviated_words, table.abbreviated_prefixes, _stems(table.abbreviated_prefixes)


def _stems(prefixes: frozenset[str]) -> frozenset[str]:
    """Every beginning (3 letters or more) of an LTWA prefix: lets `ltwa_class` stop at the first miss."""
    return frozenset(p[:n] for p in prefixes for n in range(3, len(p) + 1))


def _shape(text: str) -> str:
    """Collapsed character-class shape: `Smith`→`Xx`, `2010`→`d`, `e0266137`→`xd`, `J.`→`X.`."""
    if text.isascii():  # the common shapes without a per-character loop
        if text.isdigit():
            return "d"
        if text.isalpha():
            if text.islower():
                return "x"
            if text.isupper():
                return "X"
            if text[0].isupper() and text[1:].islower():
                return "Xx"
    out: list[str] = []
    for ch in text:
        if ch.isdigit():
            c = "d"
        elif ch.isalpha():
            c = "X" if ch.isupper() else "x"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out[:6])


def _bucket(n: int, edges: tuple[int, ...]) -> int:
    for i, e in enumerate(edges):
        if n <= e:
            return i
    return len(edges)


# Feature strings of the per-token buckets, built once (formatting them per token costs more than the rest).
_LEN = tuple(f"len={_bucket(n, (1, 2, 3, 4, 6, 9, 13))}" for n in range(14))
_ND = tuple(f"nd={n}" for n in range(7))
_NUM = tuple(f"num={i}" for i in range(5))
_ZIPF = tuple(f"zipf={i}" for i in range(10))


def token_features(text: str, kind: str) -> tuple[str, str, tuple[str, ...]]:
    """(word key, shape, other intrinsic features) of one token (cached through `_token`)."""
    low = text.lower()
    if kind in ("url", "doi"):
        return kind.upper(), kind.upper(), ()
    if kind == "punct":
        return text, "P", ()
    if kind == "cjk":
        n = len(text)
        feats = (
            f"clen={_bucket(n, (1, 2, 3, 4, 6, 9, 14))}",
            "c1=" + text[0],
            "cl=" + text[-1],
            "cl2=" + text[-2:],
            "cf2=" + text[:2],
        )
        return ("cjk:" + text if n <= 4 else "cjk_long"), "C", feats
    shape = _shape(text)
    feats_l = [_LEN[len(text)] if len(text) < 14 else "len=7"]
    if text.isdigit():
        n = len(text)
        feats_l.append(_ND[n if n < 6 else 6])
        if n == 4 and 1500 <= int(text) <= 2039:
            feats_l.append("year")
        elif n <= 4:
            feats_l.append(_NUM[_bucket(int(text), (0, 9, 99, 999))])
    else:
        has_digit = not text.isalpha() and any(ch.isdigit() for ch in text)
        if has_digit:
            feats_l.append("alnum")
        else:
            feats_l.append("p3=" + low[:3])
            feats_l.append("s3=" + low[-3:])
            if text.isupper():
                feats_l.append("allcaps" if len(text) > 1 else "initial")
            elif text[0].isupper():
                feats_l.append("initcap")
            if text.isascii():
                feats_l.append(_ZIPF[zipf_bucket(low)])
            else:
                feats_l.append("nonascii")
            if low in JOURNAL_WORDS:
                feats_l.append("jword")
            lt = ltwa_class(low)
            if lt:
                feats_l.append(lt)
            if low in PUBLISHER_WORDS:
                feats_l.append("pubw")
            if low in MONTHS:
                feats_l.append("month")
            if text in TYPE_CODES:
                feats_l.append("tcode")
    key = low if len(low) <= 25 and not low.isdigit() else shape
    return key, shape, tuple(feats_l)


# Small context counters packed into joint features, as `st=` and `rt=` are: one attribute
# where there were several (each costs crfsuite a lookup per token), and no less expressive.
# Relative position (tenths) with the spaces before/after the token:
_RS = tuple(f"rs={r}.{s:02b}" for r in range(11) for s in range(4))
# Sentence periods (0..6+), years (0..2+) and commas (0..3+) seen so far:
_PYC = tuple(f"pyc={p}.{y}.{c}" for p in range(7) for y in range(3) for c in range(4))
# Bracket/quote/type-code state packed into one feature:
# (after an editor marker, after In:/in/`//`, paren, square, quote, after [J]).
_STATE = tuple(f"st={i:06b}" for i in range(64))
# What the rest of the string holds (a part-of marker, a publisher word, a year): packed likewise.
_RIGHT = tuple(f"rt={i:03b}" for i in range(8))
_POS = {0: "i=0", 1: "i=1", 2: "i=2"}
_POS_END = {0: "ie=0", 1: "ie=1", 2: "ie=2"}
# What a token beyond either end of the string looks like to its neighbours.
_EDGE_WIN = ("-2w=<edge>", "-1w=<edge>", "1w=<edge>", "2w=<edge>")
_QUOTE_CHARS = frozenset('"“”«»')
_IN_WORDS = frozenset(("In", "in", "IN", "Dans", "dans", "En", "en", "Im", "im"))


@lru_cache(maxsize=200_000)
def _token(text: str, kind: str) -> tuple[str, tuple[str, ...], tuple[str, ...], bool, bool, str, str, str]:
    """(word key, own features, features as seen by neighbours, is-a-year, is-punctuation,
    `-1w|w=<me>|`, `w|+1w=<me>|`, shape) of one token; cached.

    Neighbour view layout: (-2w, -1w, 1w, 2w) — i.e. what a token two places to my
    right sees of me is `-2w=<me>`. The adjacent tokens' shapes make one joint feature
    (`nsh=`, built by the caller): every feature string costs tagging time (crfsuite
    converts and looks it up). The word-pair prefixes leave one concatenation per
    pair feature to the caller.
    """
    w, sh, feats = token_features(text, kind)
    local = ("w=" + w, "sh=" + sh, *feats)
    win = (f"-2w={w}", f"-1w={w}", f"1w={w}", f"2w={w}")
    return w, local, win, "year" in feats, kind == "punct", f"-1w|w={w}|", f"w|+1w={w}|", sh


def clear_caches() -> None:
    """Empty the per-token cache (benchmarks time a cold start with it)."""
    _token.cache_clear()


def _right_context(toks: list[tuple], texts: list[str]) -> list[str]:
    """Per token, what comes after it: a part-of/editor marker, a publisher word, a year.

    The left-to-right state cannot see that `Title. City: Press` ends in a publisher
    (so the title is a book's) or that an `In:` is still to come.
    """
    n = len(toks)
    out = [_RIGHT[0]] * n
    acc = 0
    for i in range(n - 1, -1, -1):
        out[i] = _RIGHT[acc]
        tok = toks[i]
        w = tok[0]
        if tok[3]:
            acc |= 1
        elif w in PUBLISHER_WORDS:
            acc |= 2
        elif w in EDITOR_WORDS or (
            i >= 1 and toks[i - 1][4] and (texts[i] in _IN_WORDS or texts[i - 1] == "/" == texts[i])
        ):
            acc |= 4
    return out


def sequence_features(tokens: list[Token], text: str) -> list[list[str]]:
    """Feature lists for every token of one reference (window ±2, position, brackets).

    Per-token strings (own and as-a-neighbour) come from a cache; contextual ones
    come from constant tables, so the loop only indexes and concatenates: this
    function and crfsuite's string conversion are most of the parser's time.
    """
    n = len(tokens)
    toks = [_token(t.text, t.kind) for t in tokens]
    wins = [_EDGE_WIN, _EDGE_WIN, *(t[2] for t in toks), _EDGE_WIN, _EDGE_WIN]
    # word pairs: `-1w|w=<previous>|<me>` and `w|+1w=<me>|<next>` of each token
    words = [t[0] for t in toks]
    left_pairs = ["-1w|w=<edge>|" + words[0], *(t[5] + w for t, w in zip(toks, words[1:], strict=False))]
    right_pairs = [t[6] + w for t, w in zip(toks, [*words[1:], "<edge>"], strict=True)]
    # the shapes of the previous and the next token, as one feature
    shapes = ["<edge>", *(t[7] for t in toks), "<edge>"]
    nsh = ["nsh=" + a + "|" + b for a, b in zip(shapes, shapes[2:], strict=False)]
    texts = [t.text for t in tokens]
    # gap[i]: whitespace between token i and token i + 1 (the string's ends count as spaces)
    gap = [True, *(tokens[i + 1].start > tokens[i].end for i in range(n - 1)), True]
    out: list[list[str]] = []
    right = _right_context(toks, texts)
    paren = square = quote = tcode = after_in = after_eds = 0
    periods = year_seen = comma_seen = 0
    for i in range(n):
        sp_after = gap[i + 1]
        j = i + 2  # index into the edge-padded lists
        tok = toks[i]
        f = [
            *tok[1],
            _RS[4 * ((10 * i) // n) + 2 * gap[i] + sp_after],
            _PYC[
                12 * (periods if periods < 6 else 6)
                + 4 * (year_seen if year_seen < 2 else 2)
                + (comma_seen if comma_seen < 3 else 3)
            ],
            _STATE[32 * after_eds + 16 * after_in + 8 * (paren > 0) + 4 * (square > 0) + 2 * quote + tcode],
            right[i],
            wins[j - 2][0],
            wins[j - 1][1],
            wins[j + 1][2],
            nsh[i],
            wins[j + 2][3],
            left_pairs[i],
            right_pairs[i],
        ]
        if i < 3:
            f.append(_POS[i])
        if i >= n - 3:
            f.append(_POS_END[n - 1 - i])
        out.append(f)
        # update running state *after* the token (it describes what precedes the next one)
        t = texts[i]
        if tok[4]:  # punctuation
            if t == "(":
                paren += 1
            elif t == ")":
                paren = max(0, paren - 1)
            elif t == "[":
                square += 1
            elif t == "]":
                square = max(0, square - 1)
                if i >= 1 and texts[i - 1] in TYPE_CODES:
                    tcode = 1
            elif t in _QUOTE_CHARS:
                quote = 1 - quote
            elif t == ".":
                prev = texts[i - 1] if i else ""
                if sp_after and not (len(prev) == 1 and prev.isupper()):
                    periods += 1
            elif t == ",":
                comma_seen += 1
            elif t == "/" and i >= 1 and texts[i - 1] == "/":
                after_in = 1
        elif t in _IN_WORDS and i >= 1 and toks[i - 1][4]:
            after_in = 1  # `. In: Editors (eds.), Book` / `, in Book`: what follows is the container side
        elif tok[3]:
            year_seen += 1
        elif tok[0] in EDITOR_WORDS and i >= 1 and texts[i - 1] in ("(", ","):
            after_eds = 1  # `Smith J (eds) Book`, `Müller (Hrsg.): Buch`: the container comes next
    return out
