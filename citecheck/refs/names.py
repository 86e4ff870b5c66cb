"""Splitting an author/editor span into CSL names.

The CRF only says *where* the names are; this module decides how each name is
ordered, because that is a matter of convention per style, decided from the
shape of the parts:

* Vancouver / GB/T 7714: ``Smith JA``, ``CHEN J``, ``Babu B V`` (family, then initials);
* APA / Harvard / ACS: ``Pinto, J., Amaro, F.`` and ``Smith, J. A.; Doe, J.`` (inverted pairs);
* natural order: ``M. Kitsuregawa``, ``John Smith`` (family last, with particles);
* Chicago/MLA: first name inverted, the others natural;
* Chinese characters: ``曹雪琛`` → family 曹, given 雪琛 (compound surnames kept whole);
* pinyin in Chinese order: ``Zhang San`` stays family Zhang, given San;
* organisations become ``{"literal": ...}``.

`et al.`, `等` and editor markers are dropped: they are not names.
"""

from __future__ import annotations

import re

from citecheck.text import has_cjk

# Chinese two-character surnames (复姓). pypinyin and other libraries ship no such
# list, so this is a documented constant: the common ones of the Baijiaxing, in
# simplified and traditional forms.
COMPOUND_SURNAMES = frozenset(
    """欧阳 司马 诸葛 上官 司徒 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 夏侯 令狐 澹台 轩辕 端木 独孤 南宫 百里
    呼延 万俟 闻人 西门 钟离 宗政 濮阳 太史 申屠 公冶 赫连 第五 淳于 单于 仲孙 左丘 东郭 公羊 谷梁 拓跋
    歐陽 司馬 諸葛 東方 長孫 軒轅 獨孤 南宮 鍾離 聞人 濮陽 申屠 赫連 淳於 單于""".split()
)

# Common Chinese surnames in pinyin, to keep `Zhang San` (Chinese order) from being
# read as given–family.
PINYIN_SURNAMES = frozenset(
    """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang
    xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng wei su
    lu ding ren shen yao jin fu zhong cui tan qiu hou shi mo kong bai kang xiong qin yin xue yan duan
    lei long tao mao hao gu meng qian dai fan fang shao wan qi gong xing lai zou hong jia chang ni niu
    ou ouyang sima zhuge situ shangguan""".split()
)

_ORG_WORDS = re.compile(
    r"\b(?:organi[sz]ation|committee|institute|institut|university|universit[äé]|association|society|"
    r"group|council|ministry|department|agency|office|centre|center|consortium|collaboration|"
    r"foundation|bureau|commission|board|corporation|company|inc|ltd|gmbh|network|team|investigators|"
    r"academy|administration|federation|union|world|national|international|standard)\b",
    re.IGNORECASE,
)
_CJK_ORG = re.compile(
    r"(?:委员会|协会|學會|学会|研究所|研究院|大学|大學|中心|公司|部|局|院|会|所|组|組|署|厅|办公室|出版社)$"
)

# The `,?\s*` lead is shared, not repeated per alternative: tried once per position, not five times.
_ETAL = re.compile(
    r",?\s*(?:\bet\.?\s*al\b\.?|等\s*$|\band\s+others\b|\bu\.\s*a\b\.?|\bet\s+coll\b\.?)",
    re.IGNORECASE,
)
# `al.` alone, or leading the span before a comma: the tail of an `et al.` whose entry broke off before it.
_ELLIPSIS = re.compile(r"…|(?<![\w.])\.(?:\s*\.){2}")
"""APA's ellipsis for the authors left out of a long list (`Foks, L., ... Persaud, A.`, `. . .`)."""
_BROKEN_ETAL = re.compile(r"^\s*al(?:\.?\s*$|\.(?=\s*[,;]))", re.IGNORECASE)
_EDITOR_MARK = re.compile(
    r"(?:\(\s*(?:eds?|editors?|hrsg|dir|coord|comps?)\.?\s*\)|,?\s*\b(?:eds?|editors?|hrsg|comps?)\b\.?\s*$|"
    r"^\s*(?:edited\s+by|eds?\.|hrsg\.?\s+v\.)\s+|[主]?编著?\s*$|主编|編)",
    re.IGNORECASE,
)
# Case-sensitive on purpose: `Y` and `E` are initials, `y`/`e` are conjunctions.
_CONJ = re.compile(r"\s*(?:&|\b(?:and|AND|And|und|et(?!\s*al)|y|e|i|и)\b|和|与|、)\s*")
_INITIALS = re.compile(r"^(?:(?:[A-ZÀ-Þ][a-z]?\.-?){1,4}|[A-ZÀ-Þ]{1,3}|[A-ZÀ-Þ]\.?-[A-ZÀ-Þ]\.?)$")
_DOTTED = re.compile(r"^(?:[A-ZÀ-Þ][a-z]?\.(?:-?[A-ZÀ-Þ][a-z]?\.?)*|[A-ZÀ-Þ]\.?-[A-ZÀ-Þ]\.?)$")
_PARTICLES = frozenset(
    "van von der den de del della di da du dos das le la ten ter vander st. bin al el".split()
)
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv 2nd 3rd".split())
_PINYIN = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui|ve|er|a|o|e|i|u|v))(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ue|ui|ve|er|a|o|e|i|u|v))?$"
)

Name = dict[str, str]


def split_cjk_name(name: str) -> Name:
    """`曹雪琛` → {family 曹, given 雪琛}; compound surnames kept whole; long strings are organisations."""
    name = re.sub(r"\s+", "", name)
    if len(name) > 4 or len(name) < 2 or _CJK_ORG.search(name):
        return {"literal": name}
    k = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return {"family": name[:k], "given": name[k:]}


def _is_initials(tok: str) -> bool:
    return bool(_INITIALS.match(tok))


def _is_given_part(part: str) -> bool:
    """True for the given-name half of an inverted pair: `J.`, `J. A.`, `J.-P.`, `M. de L.`."""
    toks = part.split()
    if not toks or len(toks) > 4:
        return False
    real = [t for t in toks if t.lower() not in _PARTICLES]
    return bool(real) and all(_DOTTED.match(t) or (len(t) <= 3 and t.isupper()) for t in real)


def _looks_like_given_words(part: str) -> bool:
    """`John`, `Mary Ann`, `John A.`: capitalised given names (for the Chicago first author)."""
    toks = part.split()
    return 0 < len(toks) <= 3 and all((t[:1].isupper() and not t.isupper()) or _is_initials(t) for t in toks)


_WS = re.compile(r"\s+")
_LATIN = re.compile(r"[A-Za-z]")
_INITIAL_END = re.compile(r"(?:^|[\s.\-])[A-ZÀ-Þ][a-z]?\.$")
_CJK_SEP = re.compile(r"[,，、;；\s]+|&|和|与")


def _is_org(part: str) -> bool:
    if has_cjk(part):
        return bool(_CJK_ORG.search(part.strip())) or len(_WS.sub("", part)) > 4
    words = part.split()
    return (bool(_ORG_WORDS.search(part)) and len(words) >= 2) or len(words) >= 5


def parse_single(part: str) -> Name | None:
    """One name in any order; None when nothing name-like is left."""
    part = part.strip(" ,;:()[]/")
    part = part.lstrip(".")
    if part.endswith(".") and not _INITIAL_END.search(part):
        part = part[:-1]
    if not part:
        return None
    if has_cjk(part):
        return split_cjk_name(part) if not _LATIN.search(part) else {"literal": part}
    if _is_org(part):
        return {"literal": part}
    if "," in part:
        fam, _, given = part.partition(",")
        fam, given = fam.strip(), given.strip(" ,")
        return {"family": fam, "given": given} if given else {"family": fam}
    toks = part.split()
    suffix = ""
    if len(toks) > 1 and toks[-1].lower() in _SUFFIXES:
        suffix = toks.pop()
    out: Name
    if len(toks) == 1:
        out = {"family": toks[0]}
    elif all(_is_initials(t) for t in toks[1:]) and not _is_initials(toks[0]):
        out = {"family": toks[0], "given": " ".join(toks[1:])}
    elif all(_is_initials(t) for t in toks) and len(toks[0]) >= 2 and "." not in toks[0]:
        out = {"family": toks[0], "given": " ".join(toks[1:])}  # `LI X`, `MA JA`: short surnames
    elif _trailing_initials(toks):
        k = _trailing_initials(toks)
        out = {"family": " ".join(toks[:-k]), "given": " ".join(toks[-k:])}
    elif _is_initials(toks[0]) and not all(_is_initials(t) for t in toks):
        k = 0
        while k < len(toks) - 1 and _is_initials(toks[k]):
            k += 1
        out = {"family": " ".join(toks[k:]), "given": " ".join(toks[:k])}
    else:
        out = _natural_order(toks)
    if suffix:
        out["suffix"] = suffix
    return out


def _trailing_initials(toks: list[str]) -> int:
    """How many trailing tokens are undotted capital initials (`Smith JA`, `Babu B V`); 0 if not that form."""
    k = 0
    while (
        k < len(toks) - 1
        and toks[-1 - k].isupper()
        and len(toks[-1 - k].rstrip(".")) <= 3
        and toks[-1 - k].isalpha()
    ):
        k += 1
    return k if k and not _is_initials(toks[0]) else 0


def _natural_order(toks: list[str]) -> Name:
    """`Given [Middle] [particles] Family`, except all-caps family or pinyin in Chinese order."""
    caps = [i for i, t in enumerate(toks) if t.isupper() and not _is_initials(t)]
    if len(caps) == 1 and len(toks) > 1:
        i = caps[0]
        return {"family": toks[i], "given": " ".join(toks[:i] + toks[i + 1 :])}
    if len(toks) == 2:
        first, last = toks[0].lower(), toks[1].lower()
        if (
            first in PINYIN_SURNAMES
            and last not in PINYIN_SURNAMES
            and _PINYIN.match(last.replace("-", "").replace("'", ""))
        ):
            return {"family": toks[0], "given": toks[1]}
    k = len(toks) - 1
    while k > 1 and toks[k - 1].lower() in _PARTICLES:
        k -= 1
    return {"family": " ".join(toks[k:]), "given": " ".join(toks[:k])}


_ANONYMOUS = re.compile(r"^\s*(?:佚名|无名氏|anon\.?|anonymous|n\.\s?n\.)\s*[,.]?\s*$", re.IGNORECASE)


def split_names(span: str) -> list[Name]:
    """All names of an author or editor span, in order (`佚名`/`Anonymous` is no name)."""
    if _ANONYMOUS.match(span):
        return []
    text = _BROKEN_ETAL.sub("", _ETAL.sub("", _ELLIPSIS.sub(", ", span)))
    text = _EDITOR_MARK.sub("", text).strip(" ,;:")
    if not text:
        return []
    if has_cjk(text) and not _LATIN.search(text):
        parts = [p for p in _CJK_SEP.split(text) if p]
        return [n for p in parts if (n := parse_single(p))]
    text = _CONJ.sub(", ", text)
    if ";" in text:
        return [n for p in text.split(";") if (n := parse_single(p))]
    parts = [p.strip() for p in text.split(",")]
    parts = [p for p in parts if (p and p.lower() not in _SUFFIXES) or (p and not p.strip("."))]
    names: list[Name] = []
    k = 0
    while k < len(parts):
        p = parts[k]
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        if nxt and nxt.lower().rstrip(".") in ("jr", "sr") and names:
            names[-1]["suffix"] = nxt
            k += 1
            continue
        toks = p.split()
        fam_like = bool(toks) and not any(_is_initials(t) for t in toks) and len(toks) <= 4
        core = [t for t in toks if t.lower() not in _PARTICLES]
        if (
            nxt is not None
            and fam_like
            and (
                _is_given_part(nxt)
                or (
                    k == 0
                    and len(core) == 1
                    and _looks_like_given_words(nxt)
                    and not _is_org(p)
                    and _rest_is_natural(parts[k + 2 :])
                )
            )
        ):
            names.append({"family": p, "given": nxt})
            k += 2
            continue
        n = parse_single(p)
        if n:
            names.append(n)
        k += 1
    return names


def _rest_is_natural(parts: list[str]) -> bool:
    """Chicago/MLA: after an inverted first author, the others are in natural order (or none)."""
    return all(len(p.split()) >= 2 and not _is_given_part(p) for p in parts)
