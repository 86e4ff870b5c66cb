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

from functools import lru_cache

from wordfreq import zipf_frequency

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

_CJK_TAIL_CACHE = 50_000


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
            feats_l.append("p1=" + low[:1])
            feats_l.append("p3=" + low[:3])
            feats_l.append("s2=" + low[-2:])
            feats_l.append("s3=" + low[-3:])
            if text.isupper():
                feats_l.append("allcaps" if len(text) > 1 else "initial")
            elif text[0].isupper():
                feats_l.append("initcap")
            if text.isascii():
                z = zipf_frequency(low, "en")
                feats_l.append(f"zipf={int(z)}")
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


def sequence_features(tokens: list[Token], text: str) -> list[list[str]]:
    """Feature lists for every token of one reference (window ±2, position, brackets)."""
    n = len(tokens)
    intr = [token_features(t.text, t.kind) for t in tokens]
    words = [w for w, _, _ in intr]
    shapes = [s for _, s, _ in intr]
    out: list[list[str]] = []
    paren = square = quote = 0
    periods = 0
    year_seen = 0
    tcode_seen = 0
    comma_seen = 0
    for i, tok in enumerate(tokens):
        w, shape, feats = intr[i]
        sp_before = i == 0 or tokens[i - 1].end < tok.start
        sp_after = i == n - 1 or tokens[i + 1].start > tok.end
        f = [
            "b",
            "w=" + w,
            "sh=" + shape,
            *feats,
            f"rp={(10 * i) // n}",
            f"sb={int(sp_before)}{int(sp_after)}",
            f"per={min(periods, 6)}",
            f"yr={min(year_seen, 2)}",
            f"tc={tcode_seen}",
            f"cm={min(comma_seen, 3)}",
        ]
        if i < 3:
            f.append(f"i={i}")
        if i >= n - 3:
            f.append(f"ie={n - 1 - i}")
        if paren:
            f.append("in(")
        if square:
            f.append("in[")
        if quote:
            f.append("in\"")
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f.append(f"{off}w={words[j]}")
                f.append(f"{off}sh={shapes[j]}")
            else:
                f.append(f"{off}w=<edge>")
        if i > 0:
            f.append(f"-1w|w={words[i - 1]}|{w}")
            f.append(f"-1f={intr[i - 1][2][-1] if intr[i - 1][2] else ''}")
        if i + 1 < n:
            f.append(f"w|+1w={w}|{words[i + 1]}")
            f.append(f"+1f={intr[i + 1][2][-1] if intr[i + 1][2] else ''}")
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
            elif t in "\"“”«»":
                quote = 0 if quote else 1
            elif t == ".":
                prev = tokens[i - 1].text if i else ""
                if sp_after and not (len(prev) == 1 and prev.isupper()):
                    periods += 1
            elif t == ",":
                comma_seen += 1
        elif "year" in feats:
            year_seen += 1
    return out
