"""Training and evaluation data for the reference parser, built from ../shared/bench.

* `load_parsing` / `is_heldout` — parsing.jsonl with a deterministic held-out fifth
  (stable hash of the item group; all renderings of a GB/T item in one group);
* `align_segments` — AnyStyle/GROBID span annotations → per-character labels;
* `align_gold` — GB/T items (gold fields, no spans) → per-character labels by
  locating each gold value in the string;
* `synthetic` — labelled strings rendered by our own templates from corpus records
  (GB/T 7714 in English and Chinese, Vancouver/NLM, APA, Chicago, MLA, ACS, AIP,
  Elsevier, IEEE, Harvard), so every field's span is known exactly.

Everything is seeded, so the training set (and the model) are reproducible.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citecheck.refs.parse import finish, normalise_chars, prepare
from citecheck.refs.rules import TYPECODE_RE
from citecheck.text import unify_dashes

Example = tuple[str, list[str]]  # (prepared text, per-character labels)

# ---------------------------------------------------------------- parsing.jsonl


def load_parsing(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [d for d in map(json.loads, f) if not d.get("_meta")]


def group_key(item: dict[str, Any]) -> str:
    """GB/T items are rendered up to 4 times; the renderings share `item_id`."""
    return item.get("item_id") or item["id"]


def is_heldout(item: dict[str, Any]) -> bool:
    """Deterministic held-out fifth: sha1 of the group key, mod 5 == 0."""
    h = hashlib.sha1(group_key(item).encode("utf-8")).hexdigest()
    return int(h[:8], 16) % 5 == 0


_SEG_MAP = {
    "author": "author",
    "editor": "editor",
    "title": "title",
    "container-title": "container",
    "journal": "container",
    "date": "date",
    "doi": "doi",
    "url": "url",
    "edition": "edition",
    "pages": "pages",
    "volume": "volume",
    "publisher": "publisher",
    "location": "location",
    "citation-number": "num",
    "title[level=a]": "title",
    "title[level=j]": "container",
    "title[level=j][type=short]": "container",
    "pubPlace": "location",
    "ptr[type=web]": "url",
    "idno[type=DOI]": "doi",
    "idno[type=PMID]": "pmid",
    "orgName": "publisher",
    "orgName[type=collaboration]": "author",
}


def _seg_label(name: str, has_level_a: bool) -> str:
    if name in _SEG_MAP:
        return _SEG_MAP[name]
    if name in ("title[level=m]", "title[type=m]"):
        return "container" if has_level_a else "title"
    if name.startswith("biblScope"):
        if "vol" in name:
            return "volume"
        if "issue" in name:
            return "issue"
        if "page" in name or "pp" in name:
            return "pages"
    return "note"


def _norm_piece(s: str) -> str:
    """The same character normalisation `prepare` applies, for a segment of the string."""
    return finish(normalise_chars(s))


def _lower(s: str) -> str:
    """Length-preserving lower-casing (str.lower turns `İ` into two characters)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


_VOLISS = re.compile(
    r"(\d+)\s*\(\s*(\d[\w\s/-]*)\s*\)|(?:no|n°|nº|nr|issue|heft)\s*\.?\s*(\d[\w/-]*)", re.IGNORECASE
)


def align_segments(item: dict[str, Any]) -> Example | None:
    """Per-character labels of the prepared string from `segments`; None if a segment can't be found."""
    text, _label, _ = prepare(item["ref_string"])
    labels = ["O"] * len(text)
    segs = item.get("segments") or []
    has_a = any(n == "title[level=a]" for n, _ in segs)
    cursor = 0
    low = _lower(text)
    for name, seg in segs:
        piece = _lower(_norm_piece(seg))
        if not piece:
            continue
        at = low.find(piece, cursor)
        if at < 0:
            at = low.find(piece)
        if at < 0:
            if name == "citation-number":
                continue
            return None
        lab = _seg_label(name, has_a)
        for c in range(at, at + len(piece)):
            if labels[c] == "O":
                labels[c] = lab
        if lab == "volume":
            m = _VOLISS.search(text, at, at + len(piece))
            if m:
                g = 2 if m.group(2) else 3
                for c in range(m.start(g), m.end(g)):
                    labels[c] = "issue"
        cursor = at + len(piece)
    return text, labels


_TAG_RE = re.compile(r"<[^>]{1,200}>")


def _find(low: str, value: str, labels: list[str], start: int = 0) -> tuple[int, int]:
    """(start, end) of `value` (normalised, case-insensitive) in `low` at/after `start` over unlabelled chars.

    (-1, -1) when absent.
    """
    v = _lower(_norm_piece(_TAG_RE.sub("", str(value))))
    if not v:
        return -1, -1
    at = low.find(v, start)
    while at >= 0 and any(lab != "O" for lab in labels[at : at + len(v)]):
        at = low.find(v, at + 1)
    return (at, at + len(v)) if at >= 0 else (-1, -1)


def _mark(labels: list[str], a: int, b: int, lab: str) -> None:
    for c in range(max(a, 0), min(b, len(labels))):
        if labels[c] == "O":
            labels[c] = lab


def align_gold(item: dict[str, Any]) -> Example | None:
    """Per-character labels located from gold CSL values (GB/T items have no spans); None if no title."""
    gold = item["gold"]
    text, _label, _ = prepare(item["ref_string"])
    low = _lower(text)
    labels = ["O"] * len(text)
    title_at = -1
    if gold.get("title"):
        title_at, title_end = _find(low, gold["title"], labels)
        if title_at < 0:
            return None
        _mark(labels, title_at, title_end, "title")
    m = TYPECODE_RE.search(text)
    if m:
        _mark(labels, m.start(), m.end(), "type")
    after = title_at if title_at >= 0 else 0
    for key, lab in (
        ("container-title", "container"),
        ("publisher-place", "location"),
        ("publisher", "publisher"),
    ):
        if gold.get(key):
            at, end = _find(low, gold[key], labels, after)
            _mark(labels, at, end, lab)
    for key, lab in (("DOI", "doi"), ("URL", "url")):
        if gold.get(key):
            at, end = _find(low, gold[key], labels)
            _mark(labels, at, end, lab)
    # year: the first free occurrence (author-date puts it before the title)
    year = (gold.get("issued") or {}).get("date-parts", [[None]])[0][0]
    if year:
        for ym in re.finditer(rf"(?<!\d){year}(?!\d)", text):
            if (
                labels[ym.start()] == "O"
                and text[max(0, ym.start() - 1)] != "-"
                and "[" not in text[max(0, ym.start() - 1) : ym.start()]
            ):
                _mark(labels, ym.start(), ym.end(), "date")
                break
    # volume(issue): pages after the container
    tail_from = max([i for i, lab in enumerate(labels) if lab == "container"], default=after)
    vol, iss, page = gold.get("volume"), gold.get("issue"), gold.get("page")
    pos = tail_from
    for val, lab in ((vol, "volume"), (iss, "issue"), (page, "pages")):
        if val:
            v = unify_dashes(str(val))
            rx = re.compile(rf"(?<![\w-]){re.escape(v)}(?![\w])")
            mm = rx.search(text, pos)
            if mm and labels[mm.start()] == "O":
                _mark(labels, mm.start(), mm.end(), lab)
                pos = mm.end()
    # names: everything before the title (or the first '. ') that is not already labelled
    names = gold.get("author") or gold.get("editor")
    if names:
        lab = "author" if gold.get("author") else "editor"
        end = title_at if title_at > 0 else max(text.find(". "), 0)
        _mark(labels, 0, end, lab)
    return text, labels


def training_examples(items: list[dict[str, Any]]) -> tuple[list[Example], int]:
    """Aligned examples for `items` and how many could not be aligned."""
    out: list[Example] = []
    failed = 0
    for it in items:
        ex = align_segments(it) if it.get("segments") else align_gold(it)
        if ex is None or not ex[0]:
            failed += 1
            continue
        out.append(ex)
    return out, failed


# ---------------------------------------------------------------- synthetic renderings

Piece = tuple[str, str]  # (text, label)

_CN_SURNAMES = [
    *list(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾萧田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    ),
    "欧阳",
    "司马",
    "诸葛",
    "上官",
]
_CN_GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬建国志文辉力晨雪琛严宇浩然子涵思雨欣怡博文俊杰晓东海燕丹"
)
_CN_JOURNAL_SUFFIX = ["学报", "杂志", "研究", "科学", "通报", "医学杂志", "进展", "学刊", "论坛", "年鉴"]
_CN_PUBLISHERS = [
    "科学出版社",
    "人民卫生出版社",
    "高等教育出版社",
    "北京大学出版社",
    "清华大学出版社",
    "中国标准出版社",
    "商务印书馆",
]
_CN_PLACES = ["北京", "上海", "南京", "武汉", "广州", "杭州", "成都", "西安"]
_EN_PUBLISHERS = [
    "Springer",
    "Elsevier",
    "Academic Press",
    "Wiley",
    "Oxford University Press",
    "CRC Press",
    "Cambridge University Press",
    "MIT Press",
]
_EN_PLACES = ["New York", "Berlin", "London", "Oxford", "Boston", "Cambridge", "Amsterdam", "Heidelberg"]


class Rec:
    """A corpus record reduced to what the templates print."""

    def __init__(self, d: dict[str, Any]) -> None:
        self.title = re.sub(r"\s+", " ", (d.get("title") or [""])[0]).strip().rstrip(".")
        self.authors = [
            (a.get("family", "").strip(), (a.get("given") or "").strip())
            for a in d.get("author") or []
            if a.get("family")
        ]
        full = (d.get("container-title") or [""])[0]
        self.journal = _clean_journal(full)
        self.short = (d.get("short-container-title") or [""])[0] or ""
        self.year = str(((d.get("issued") or {}).get("date-parts") or [[None]])[0][0] or "")
        self.volume = str(d.get("volume") or "")
        self.issue = str(d.get("issue") or "")
        self.page = unify_dashes(str(d.get("page") or ""))
        self.doi = d.get("DOI") or ""
        self.pmid = str(d.get("citecheck:pmid") or "")
        self.type = d.get("type") or "journal-article"


def _clean_journal(name: str) -> str:
    """NLM titles to what reference lists print: `Current biology : CB` → `Current Biology`."""
    name = re.sub(r"\s*:\s*[^:]*$", "", name) if " : " in name else name
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()
    small = {"of", "and", "the", "in", "for", "on", "at", "to", "de", "la", "et", "und", "der"}
    words = name.split()
    if (name and name == name.lower()) or (
        name.istitle() is False and sum(w[:1].islower() for w in words) > len(words) / 2
    ):
        words = [w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(words)


def load_corpus(path: Path, exclude_dois: set[str], limit: int, seed: int) -> list[Rec]:
    """A seeded sample of renderable corpus records (title, year, journal), minus excluded DOIs."""
    recs: list[Rec] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if (d.get("DOI") or "").lower() in exclude_dois:
                continue
            r = Rec(d)
            if r.title and r.year and r.journal and len(r.title) < 400:
                recs.append(r)
    rng = random.Random(seed)
    rng.shuffle(recs)
    return recs[:limit]


def _initials(given: str, dots: bool, space: bool) -> str:
    parts = [p for p in re.split(r"[\s.]+", given) if p]
    out: list[str] = []
    for p in parts:
        segs = p.split("-")
        ini = "-".join(s[:1].upper() + ("." if dots else "") for s in segs if s)
        out.append(ini)
    return (" " if space else "").join(out)


def _pages_short(page: str) -> str:
    """NLM page abbreviation: 1312-1320 → 1312-20."""
    m = re.fullmatch(r"(\d+)-(\d+)", page)
    if not m or len(m.group(1)) != len(m.group(2)):
        return page
    a, b = m.groups()
    i = 0
    while i < len(a) - 1 and a[i] == b[i]:
        i += 1
    return f"{a}-{b[i:]}"


def _typo(s: str, rng: random.Random) -> str:
    if len(s) < 6:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.random()
    if op < 0.4:
        return s[:i] + rng.choice("aeiourstn") + s[i + 1 :]
    if op < 0.7:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


def _cn_name(rng: random.Random) -> str:
    return rng.choice(_CN_SURNAMES) + "".join(rng.choice(_CN_GIVEN) for _ in range(rng.choice((1, 2, 2))))


class CnWords:
    """Chinese words for synthetic titles and journal names (from wordfreq's frequency list)."""

    def __init__(self) -> None:
        from wordfreq import top_n_list

        words = [w for w in top_n_list("zh", 6000) if all("\u4e00" <= ch <= "\u9fff" for ch in w)]
        self.words = words[200:] or words

    def title(self, rng: random.Random) -> str:
        return "".join(rng.choice(self.words) for _ in range(rng.randint(3, 9)))

    def journal(self, rng: random.Random) -> str:
        pre = rng.choice(["", "", "中华", "中国", "现代"])
        return (
            pre
            + "".join(rng.choice(self.words) for _ in range(rng.randint(1, 2)))
            + rng.choice(_CN_JOURNAL_SUFFIX)
        )


def _join_names(names: list[Piece], sep: str, last_sep: str | None = None) -> list[Piece]:
    out: list[Piece] = []
    for i, p in enumerate(names):
        if i:
            out.append((last_sep if last_sep and i == len(names) - 1 else sep, "author"))
        out.append(p)
    return out


def _vol_iss_pages(r: Rec, rng: random.Random, *, drop_issue: bool) -> tuple[str, str, str]:
    return r.volume, ("" if drop_issue else r.issue), r.page


def render(r: Rec, style: str, rng: random.Random, cn: CnWords) -> list[Piece]:
    """Render one record in `style` as labelled pieces (separators labelled "O")."""
    drop_issue = rng.random() < 0.12
    vol, iss, page = _vol_iss_pages(r, rng, drop_issue=drop_issue)
    title = _typo(r.title, rng) if rng.random() < 0.1 else r.title
    if rng.random() < 0.03:
        title = title.upper()
    journal_full = r.journal
    journal_abbr = r.short or r.journal
    P: list[Piece] = []
    A = r.authors

    def nlm_names(max_n: int, etal: str, upper: bool = False, dots: bool = False) -> list[Piece]:
        shown = A if len(A) <= max_n else A[: min(3, max_n)]
        parts = []
        for fam, giv in shown:
            ini = _initials(giv, dots=dots, space=upper)
            fam2 = fam.upper() if upper else fam
            parts.append((f"{fam2} {ini}".strip(), "author"))
        out = _join_names(parts, ", ")
        if len(A) > max_n and etal:
            out += [(", ", "O"), (etal, "author")]
        return out

    if style == "gbt_en" or style == "gbt_en_ad":
        upper = rng.random() < 0.75
        names = nlm_names(3, rng.choice(["et al", "et al", "等"]), upper=upper)
        tcode = rng.random() < 0.5
        journal = journal_full if rng.random() < 0.6 else journal_abbr
        if style == "gbt_en_ad":
            P += (
                [*names, (", ", "O"), (r.year, "date"), (". ", "O")]
                if names
                else [(r.year, "date"), (". ", "O")]
            )
        elif names:
            P += [*names, (". ", "O")]
        P += [(title, "title")]
        if tcode:
            P += [("[", "O"), ("J", "type"), ("]", "O")]
        P += [(". ", "O"), (journal, "container")]
        if style == "gbt_en":
            P += [(rng.choice([", ", ",", ", "]), "O"), (r.year, "date")]
        if vol:
            P += [(rng.choice([", ", ","]), "O"), (vol, "volume")]
            if iss:
                P += [("(", "O"), (iss, "issue"), (")", "O")]
        if page:
            P += [(rng.choice([": ", ":", ": "]), "O"), (page, "pages")]
        P += [(".", "O")]
    elif style == "gbt_zh":
        n = rng.choice((1, 2, 3, 3, 4, 5))
        names = [(_cn_name(rng), "author") for _ in range(min(n, 3))]
        out = _join_names(names, rng.choice([", ", ",", ", "]))
        if n > 3:
            out += [(", ", "O"), ("等", "author")]
        P += [*out, (". ", "O"), (cn.title(rng), "title")]
        kind = rng.random()
        if kind < 0.75:
            P += [
                ("[", "O"),
                ("J", "type"),
                ("]", "O"),
                (". ", "O"),
                (cn.journal(rng), "container"),
                (", ", "O"),
            ]
            P += [(r.year, "date"), (", ", "O"), (vol or "12", "volume")]
            if iss:
                P += [("(", "O"), (iss, "issue"), (")", "O")]
            if page:
                P += [(": ", "O"), (page, "pages")]
        elif kind < 0.9:
            P += [
                ("[", "O"),
                ("M", "type"),
                ("]", "O"),
                (". ", "O"),
                (rng.choice(_CN_PLACES), "location"),
                (": ", "O"),
            ]
            P += [(rng.choice(_CN_PUBLISHERS), "publisher"), (", ", "O"), (r.year, "date")]
            if rng.random() < 0.4 and page:
                P += [(": ", "O"), (page, "pages")]
        elif kind < 0.93:
            P += [("[", "O"), ("D", "type"), ("]", "O"), (". ", "O"), (rng.choice(_CN_PLACES), "location")]
            P += [(": ", "O"), (cn.journal(rng)[:4] + "大学", "publisher"), (", ", "O"), (r.year, "date")]
        elif kind < 0.96:
            P += [
                ("[", "O"),
                ("C", "type"),
                ("]", "O"),
                ("//", "O"),
                (cn.title(rng)[:8] + "学术会议论文集", "container"),
            ]
            P += [
                (". ", "O"),
                (rng.choice(_CN_PLACES), "location"),
                (": ", "O"),
                (rng.choice(_CN_PUBLISHERS), "publisher"),
            ]
            P += [(", ", "O"), (r.year, "date")]
            if page:
                P += [(": ", "O"), (page, "pages")]
        elif kind < 0.98:
            mm, dd = rng.randint(1, 12), rng.randint(1, 28)
            P += [
                ("[", "O"),
                ("EB", "type"),
                ("/", "type"),
                ("OL", "type"),
                ("]", "O"),
                (". ", "O"),
                ("(", "O"),
            ]
            P += [(r.year, "date"), (f"-{mm:02d}-{dd:02d})[{int(r.year) + 1}-{dd:02d}-{mm:02d}]. ", "O")]
            P += [(f"https://www.example.cn/{rng.randint(100, 99999)}.html", "url")]
        else:
            P += [
                ("[", "O"),
                ("N", "type"),
                ("]", "O"),
                (". ", "O"),
                (cn.journal(rng)[:3] + "日报", "container"),
            ]
            P += [
                (", ", "O"),
                (r.year, "date"),
                (f"-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}(", "O"),
            ]
            P += [(str(rng.randint(1, 12)), "pages"), (")", "O")]
        P += [(".", "O")]
    elif style == "nlm":
        names = nlm_names(6, "et al")
        if names:
            P += [*names, (". ", "O")]
        P += [
            (title, "title"),
            (". ", "O"),
            (journal_abbr if rng.random() < 0.85 else journal_full, "container"),
            (". ", "O"),
        ]
        P += [(r.year, "date")]
        if rng.random() < 0.15:
            P += [
                (" ", "O"),
                (
                    rng.choice(
                        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                    ),
                    "date",
                ),
            ]
        sep = rng.choice([";", ";", "; "])
        if vol:
            P += [(sep, "O"), (vol, "volume")]
            if iss:
                P += [("(", "O"), (iss, "issue"), (")", "O")]
            if page:
                P += [
                    (rng.choice([":", ":", ": "]), "O"),
                    (_pages_short(page) if rng.random() < 0.7 else page, "pages"),
                ]
        elif page:
            P += [(sep, "O"), (page, "pages")]
        P += [(".", "O")]
        if r.doi and rng.random() < 0.15:
            P += [(" doi: ", "O"), (r.doi, "doi")]
        if r.pmid and rng.random() < 0.1:
            P += [(". PMID: ", "O"), (r.pmid, "pmid")]
    elif style in ("apa", "harvard", "chicago", "mla", "acs", "aip", "elsevier", "ieee"):
        P += _western(style, r, rng, title, journal_full, journal_abbr, vol, iss, page)
    return P


def _western(
    style: str, r: Rec, rng: random.Random, title: str, jf: str, ja: str, vol: str, iss: str, page: str
) -> list[Piece]:
    A = r.authors
    P: list[Piece] = []

    def inv(fam: str, giv: str) -> str:
        ini = _initials(giv, dots=True, space=True)
        return f"{fam}, {ini}" if ini else fam

    def nat(fam: str, giv: str, full: bool = False) -> str:
        g = giv if full and giv else _initials(giv, dots=True, space=True)
        return f"{g} {fam}".strip()

    if style == "apa":
        shown = A[:20]
        names = [(inv(f, g), "author") for f, g in shown]
        if names:
            P += [*_join_names(names, ", ", ", & " if len(names) > 1 else None), (" ", "O")]
        P += [
            ("(", "O"),
            (r.year, "date"),
            (")", "O"),
            (". ", "O"),
            (title, "title"),
            (". ", "O"),
            (jf, "container"),
        ]
        if vol:
            P += [(", ", "O"), (vol, "volume")]
            if iss:
                P += [("(", "O"), (iss, "issue"), (")", "O")]
        if page:
            P += [(", ", "O"), (page, "pages")]
        P += [(".", "O")]
        if r.doi and rng.random() < 0.3:
            P += [(" ", "O"), ("https://doi.org/" + r.doi, "doi")]
    elif style == "harvard":
        names = [(inv(f, g).replace(". ", "."), "author") for f, g in A[:4]]
        if names:
            P += [*_join_names(names, ", ", " and " if len(names) > 1 else None), (" ", "O")]
        P += [
            ("(", "O"),
            (r.year, "date"),
            (") ", "O"),
            ("'", "O"),
            (title, "title"),
            ("', ", "O"),
            (jf, "container"),
        ]
        if vol:
            P += [(", ", "O"), (vol, "volume")]
            if iss:
                P += [("(", "O"), (iss, "issue"), (")", "O")]
        if page:
            P += [(", pp. ", "O"), (page, "pages")]
        P += [(".", "O")]
    elif style in ("chicago", "mla"):
        names: list[Piece] = []
        for i, (f, g) in enumerate(A[: 10 if style == "chicago" else 2]):
            names.append((f"{f}, {g}" if i == 0 else f"{g} {f}".strip(), "author"))
        if style == "mla" and len(A) > 2:
            names = [names[0], ("et al", "author")]
            P += [names[0], (", ", "O"), names[1], (". ", "O")]
        elif names:
            P += [*_join_names(names, ", ", ", and " if len(names) > 2 else " and "), (". ", "O")]
        if style == "chicago":
            P += [
                (r.year, "date"),
                (". ", "O"),
                ("“", "O"),
                (title, "title"),
                (".” ", "O"),
                (jf, "container"),
            ]
            if vol:
                P += [(" ", "O"), (vol, "volume")]
                if iss:
                    P += [(" (", "O"), (iss, "issue"), (")", "O")]
            if page:
                P += [(": ", "O"), (page, "pages")]
        else:
            P += [("“", "O"), (title, "title"), (".” ", "O"), (jf, "container")]
            if vol:
                P += [(", vol. ", "O"), (vol, "volume")]
            if iss:
                P += [(", no. ", "O"), (iss, "issue")]
            P += [(", ", "O"), (r.year, "date")]
            if page:
                P += [(", pp. ", "O"), (page, "pages")]
        P += [(".", "O")]
    elif style == "acs":
        names = [(inv(f, g), "author") for f, g in A[:10]]
        if names:
            P += [*_join_names(names, "; "), (" ", "O")]
        P += [(title, "title"), (". ", "O"), (ja, "container"), (" ", "O"), (r.year, "date")]
        if vol:
            P += [(", ", "O"), (vol, "volume")]
            if iss:
                P += [(" (", "O"), (iss, "issue"), (")", "O")]
        if page:
            P += [(", ", "O"), (page, "pages")]
        P += [(".", "O")]
    elif style in ("aip", "elsevier", "ieee"):
        names = [(nat(f, g), "author") for f, g in A[:6]]
        if names:
            P += [
                *_join_names(
                    names,
                    ", ",
                    (", and " if style != "elsevier" else ", ")
                    if len(names) > 2
                    else " and "
                    if style != "elsevier"
                    else ", ",
                ),
                (", ", "O"),
            ]
        if style == "aip":
            P += [(ja, "container"), (" ", "O"), (vol or "1", "volume")]
            if page:
                P += [(", ", "O"), (page.split("-")[0], "pages")]
            P += [(" (", "O"), (r.year, "date"), (").", "O")]
        elif style == "elsevier":
            if rng.random() < 0.5:
                P += [(title, "title"), (", ", "O")]
            P += [
                (ja, "container"),
                (" ", "O"),
                (vol or "1", "volume"),
                (" (", "O"),
                (r.year, "date"),
                (")", "O"),
            ]
            if page:
                P += [(" ", "O"), (page, "pages")]
            P += [(".", "O")]
        else:
            P += [("“", "O"), (title, "title"), (",” ", "O"), (ja, "container")]
            if vol:
                P += [(", vol. ", "O"), (vol, "volume")]
            if iss:
                P += [(", no. ", "O"), (iss, "issue")]
            if page:
                P += [(", pp. ", "O"), (page, "pages")]
            P += [(", ", "O"), (r.year, "date"), (".", "O")]
    return P


STYLES = (
    ("gbt_en", 4),
    ("gbt_en_ad", 1),
    ("gbt_zh", 3),
    ("nlm", 4),
    ("apa", 4),
    ("harvard", 1),
    ("chicago", 1),
    ("mla", 1),
    ("acs", 1),
    ("aip", 1),
    ("elsevier", 1),
    ("ieee", 1),
)


def _label_prefix(style: str, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return ""
    n = rng.randint(1, 150)
    if style.startswith("gbt"):
        return rng.choice([f"[{n}]", f"[{n}] ", f"{n}. "])
    return rng.choice([f"{n}. ", f"{n}.", f"[{n}] ", f"({n}) "])


def _string_noise(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    """Light string-level damage: spacing around '-'/':', ';' for ':', missing space after punctuation."""
    out: list[Piece] = []
    r = rng.random()
    for text, lab in pieces:
        if lab == "pages" and r < 0.08:
            text = text.replace("-", rng.choice([" - ", "- ", "–"]))
        if lab == "O" and r > 0.92:
            text = (
                text.replace(": ", ":").replace(", ", ",") if rng.random() < 0.5 else text.replace(":", " : ")
            )
        if lab == "O" and 0.88 < r <= 0.92 and text in (":", ": "):
            text = ";"
        out.append((text, lab))
    return out


def synthetic(recs: list[Rec], n: int, seed: int) -> Iterator[Example]:
    """`n` labelled synthetic strings, prepared exactly as the parser prepares its input."""
    rng = random.Random(seed)
    cn = CnWords()
    styles = [s for s, w in STYLES for _ in range(w)]
    for i in range(n):
        r = recs[i % len(recs)]
        style = rng.choice(styles)
        pieces = _string_noise(render(r, style, rng, cn), rng)
        if not pieces:
            continue
        raw = _label_prefix(style, rng)
        labels = ["O"] * len(raw)
        for text, lab in pieces:
            raw += text
            labels += [lab] * len(text)
        # the parser sees `prepare(raw)`; keep labels aligned by re-preparing piecewise
        ex = _prepared(raw, labels)
        if ex:
            yield ex


def _prepared(raw: str, labels: list[str]) -> Example | None:
    """Apply `prepare` and carry the character labels over (labels follow the surviving characters)."""
    text, _label, _ = prepare(raw)
    # locate text inside raw after the label: prepare only strips/collapses whitespace here,
    # since synthetic strings are already NFKC with ASCII dashes.
    start = raw.find(text[: min(20, len(text))])
    if start < 0:
        return None
    out: list[str] = []
    j = start
    for ch in text:
        while j < len(raw) and raw[j] != ch:
            j += 1
        if j >= len(raw):
            return None
        out.append(labels[j])
        j += 1
    return text, out
