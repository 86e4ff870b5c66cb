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
from functools import lru_cache

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
    return int(round(math.log10(f) + 9, 2)) if f else 0


def _shape(text: str) -> str:
    """Collapsed character-class shape: `Smith`→`Xx`, `2010`→`d`, `e0266137`→`xd`, `J.`→`X.`."""
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


@lru_cache(maxsize=200_000)
def token_features(text: str, kind: str) -> tuple[str, str, tuple[str, ...]]:
    """(word key, shape, other intrinsic features) of one token; cached."""
    low = text.lower()
    if kind in ("url", "doi"):
        return kind.upper(), kind.upper(), ("k=" + kind,)
    if kind == "punct":
        return text, "P", ("k=punct",)
    if kind == "cjk":
        n = len(text)
        feats = (
            "k=cjk",
            f"clen={_bucket(n, (1, 2, 3, 4, 6, 9, 14))}",
            "c1=" + text[0],
            "cl=" + text[-1],
            "cl2=" + text[-2:],
            "cf2=" + text[:2],
        )
        return ("cjk:" + text if n <= 4 else "cjk_long"), "C", feats
    shape = _shape(text)
    feats_l = ["k=word", f"len={_bucket(len(text), (1, 2, 3, 4, 6, 9, 13))}"]
    if text.isdigit():
        n = len(text)
        feats_l.append(f"nd={min(n, 6)}")
        if n == 4 and 1500 <= int(text) <= 2039:
            feats_l.append("year")
        elif n <= 4:
            v = int(text)
            feats_l.append(f"num={_bucket(v, (0, 9, 99, 999))}")
    else:
        has_digit = any(ch.isdigit() for ch in text)
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
                feats_l.append(f"zipf={zipf_bucket(low)}")
            else:
                feats_l.append("nonascii")
            if low in JOURNAL_WORDS:
                feats_l.append("jword")
            if low in MONTHS:
                feats_l.append("month")
            if text in TYPE_CODES:
                feats_l.append("tcode")
    key = low if len(low) <= 25 and not low.isdigit() else shape
    return key, shape, tuple(feats_l)


_RP = tuple(f"rp={i}" for i in range(11))
_SB = {(a, b): f"sb={int(a)}{int(b)}" for a in (False, True) for b in (False, True)}
_PER = tuple(f"per={i}" for i in range(7))
_YR = tuple(f"yr={i}" for i in range(3))
_TC = ("tc=0", "tc=1")
_CM = tuple(f"cm={i}" for i in range(4))
_I = ("i=0", "i=1", "i=2")
_IE = ("ie=0", "ie=1", "ie=2")
_EDGE = {off: f"{off}w=<edge>" for off in (-2, -1, 1, 2)}


@lru_cache(maxsize=200_000)
def _window(text: str, kind: str) -> tuple[str, ...]:
    """A token's features as seen from its neighbours: (-2w, -1w, -1sh, 1w, 1sh, 2w).

    Shapes only for the adjacent tokens: the ±2 shapes and the neighbours'
    intrinsic features cost tagging time (every feature string is converted and
    looked up by crfsuite) for no measurable accuracy.
    """
    w, sh, _feats = token_features(text, kind)
    return (f"-2w={w}", f"-1w={w}", f"-1sh={sh}", f"1w={w}", f"1sh={sh}", f"2w={w}")


@lru_cache(maxsize=200_000)
def _local(text: str, kind: str) -> tuple[str, ...]:
    w, sh, feats = token_features(text, kind)
    return ("b", "w=" + w, "sh=" + sh, *feats)


def sequence_features(tokens: list[Token], text: str) -> list[list[str]]:
    """Feature lists for every token of one reference (window ±2, position, brackets).

    Per-token strings (own and as-a-neighbour) come from caches; only the
    contextual ones are built here, from constant tables.
    """
    n = len(tokens)
    keys = [(t.text, t.kind) for t in tokens]
    words = [token_features(*k)[0] for k in keys]
    wins = [_window(*k) for k in keys]
    out: list[list[str]] = []
    paren = square = quote = 0
    periods = 0
    year_seen = 0
    tcode_seen = 0
    comma_seen = 0
    for i, tok in enumerate(tokens):
        sp_before = i == 0 or tokens[i - 1].end < tok.start
        sp_after = i == n - 1 or tokens[i + 1].start > tok.end
        f = list(_local(*keys[i]))
        f += (
            _RP[(10 * i) // n],
            _SB[(sp_before, sp_after)],
            _PER[min(periods, 6)],
            _YR[min(year_seen, 2)],
            _TC[tcode_seen],
            _CM[min(comma_seen, 3)],
        )
        if i < 3:
            f.append(_I[i])
        if i >= n - 3:
            f.append(_IE[n - 1 - i])
        if paren:
            f.append("in(")
        if square:
            f.append("in[")
        if quote:
            f.append('in"')
        # neighbours: window tuple layout (-2w, -1w, -1sh, 1w, 1sh, 2w) as seen from me
        f.append(wins[i - 2][0] if i >= 2 else _EDGE[-2])
        if i >= 1:
            f += wins[i - 1][1:3]
        else:
            f.append(_EDGE[-1])
        if i + 1 < n:
            f += wins[i + 1][3:5]
        else:
            f.append(_EDGE[1])
        f.append(wins[i + 2][5] if i + 2 < n else _EDGE[2])
        w = words[i]
        if i > 0:
            f.append(f"-1w|w={words[i - 1]}|{w}")
        if i + 1 < n:
            f.append(f"w|+1w={w}|{words[i + 1]}")
        out.append(f)
        # update running state *after* the token (it describes what precedes the next one)
        t = tok.text
        if tok.kind == "punct":
            if t == "(":
                paren += 1
            elif t == ")":
                paren = max(0, paren - 1)
            elif t == "[":
                square += 1
            elif t == "]":
                square = max(0, square - 1)
                if i >= 1 and tokens[i - 1].text in TYPE_CODES:
                    tcode_seen = 1
            elif t in '"“”«»':
                quote = 0 if quote else 1
            elif t == ".":
                prev = tokens[i - 1].text if i else ""
                if sp_after and not (len(prev) == 1 and prev.isupper()):
                    periods += 1
            elif t == ",":
                comma_seen += 1
        elif "year" in token_features(*keys[i])[2]:
            year_seen += 1
    return out
