"""Citation markers: every form is found with its numbers; nothing that only looks like one is.

All fixture sentences are written for these tests.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.claims.markers import find_markers, is_byline, parse_numbers, plausible_limit
from citecheck.claims.sentences import split_sentences
from citecheck.model import Span
from citecheck.text import normalize


def markers(text: str, limit: int = 60, exclude: list[tuple[int, int]] | None = None) -> list[tuple[str, tuple[int, ...]]]:
    return [(f.marker, f.numbers) for f in find_markers(normalize(text), exclude or [], limit=limit)]


# ---------------------------------------------------------------- numeric forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("细胞疗法已进入临床[1]。", [("[1]", (1,))]),
        ("Two trials agree [1,2].", [("[1,2]", (1, 2))]),
        ("Reviewed before [1, 3-5].", [("[1, 3-5]", (1, 3, 4, 5))]),
        ("An en dash range [1–3].", [("[1–3]", (1, 2, 3))]),
        ("波浪号范围[1~3]。", [("[1~3]", (1, 2, 3))]),
        ("全角方括号［１］。", [("[1]", (1,))]),  # NFKC
        ("全角波浪号[２～４]。", [("[2~4]", (2, 3, 4))]),
        ("黑括号【7】。", [("【7】", (7,))]),
        ("龟壳括号〔8〕。", [("〔8〕", (8,))]),
        ("顿号分隔[3、5]。", [("[3、5]", (3, 5))]),
        ("pandoc 上标^[15-16]^。", [("^[15-16]^", (15, 16))]),
        ("上标缺右脱字符^[4, 17]。", [("^[4, 17]", (4, 17))]),
        ("单个上标^[9]。", [("^[9]", (9,))]),
        ("无括号上标^12^。", [("^12^", (12,))]),
        ("HTML <sup>3</sup> tag.", [("<sup>3</sup>", (3,))]),
        ("HTML <sup>[3,4]</sup> tag.", [("<sup>[3,4]</sup>", (3, 4))]),
        ("间隔不齐[8 , 9]。", [("[8 , 9]", (8, 9))]),
        ("间隔不齐[10 ,11,12]。", [("[10 ,11,12]", (10, 11, 12))]),
        ("Unicode superscript works¹.", [("¹", (1,))]),
        ("Two-digit superscript¹² here.", [("¹²", (12,))]),
        ("Superscript range¹⁻³ here.", [("¹⁻³", (1, 2, 3))]),
        ("Superscript list¹,² here.", [("¹,²", (1, 2))]),
        ("中文上标³。", [("³", (3,))]),
        ("Narrative Smith et al. [3] showed it.", [("[3]", (3,))]),
    ],
)
def test_numeric_forms(text: str, expected: list[tuple[str, tuple[int, ...]]]) -> None:
    assert markers(text) == expected


def test_spans_point_at_the_marker() -> None:
    text = normalize("第一行\n研究表明^[2]有效[3]。")
    found = find_markers(text, limit=10)
    assert [text[f.span.start : f.span.end] for f in found] == ["^[2]", "[3]"]
    assert [f.span.line for f in found] == [2, 2]


def test_narrative_numeric_keeps_authors() -> None:
    found = find_markers("As Smith et al. [3] and Lee and Park [4] and 王明远等[5] showed.", limit=10)
    assert [(f.marker, f.authors) for f in found] == [
        ("[3]", ("Smith",)),
        ("[4]", ("Lee", "Park")),
        ("[5]", ("王明远",)),
    ]


def test_chinese_etc_before_marker_is_not_an_author() -> None:
    # 等 after a list of nouns means "etc."; 高血压 is no name even though 高 is a surname
    found = find_markers("常见于糖尿病、心肌梗塞等[3]。", limit=10)
    assert [(f.marker, f.authors) for f in found] == [("[3]", ())]


# ---------------------------------------------------------------- author–year forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shown before (Smith et al., 2020).", [("Smith et al., 2020", ("Smith",), "2020")]),
        ("Shown (Smith & Jones 2019; Lee 2021).",
         [("Smith & Jones 2019", ("Smith", "Jones"), "2019"), ("Lee 2021", ("Lee",), "2021")]),
        ("Suffixed (Smith, 2020a).", [("Smith, 2020a", ("Smith",), "2020a")]),
        ("Two years (Smith 2019, 2020).", [("Smith 2019, 2020", ("Smith",), "2019"), ("2020", ("Smith",), "2020")]),
        ("Particles (van der Berg, 2018).", [("van der Berg, 2018", ("van der Berg",), "2018")]),
        ("Three authors (Smith, Jones, and Lee 2017).", [("Smith, Jones, and Lee 2017", ("Smith", "Jones", "Lee"), "2017")]),
        ("With prefix (e.g., Smith 2015).", [("Smith 2015", ("Smith",), "2015")]),
        ("With page (Smith, 2015, p. 12).", [("Smith, 2015", ("Smith",), "2015")]),
        ("中文作者(张三等, 2020)。", [("张三等, 2020", ("张三",), "2020")]),
        ("中文作者(张三, 2020)。", [("张三, 2020", ("张三",), "2020")]),
        ("中文两位作者(张三和李四, 2019)。", [("张三和李四, 2019", ("张三", "李四"), "2019")]),
        ("全角括号（王明远等，2021）。", [("王明远等,2021", ("王明远",), "2021")]),
        ("Narrative Smith et al. (2020) found it.", [("Smith et al. (2020)", ("Smith",), "2020")]),
        ("Narrative Smith and Jones (2019) found it.", [("Smith and Jones (2019)", ("Smith", "Jones"), "2019")]),
        ("研究表明张三等(2020)发现。", [("张三等(2020)", ("张三",), "2020")]),
        ("复姓欧阳明远等(2018)报道。", [("欧阳明远等(2018)", ("欧阳明远",), "2018")]),
    ],
)
def test_author_year_forms(text: str, expected: list[tuple[str, tuple[str, ...], str]]) -> None:
    found = find_markers(normalize(text), limit=60)
    assert [(f.marker, f.authors, f.year) for f in found] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Recruited (published in March 2020).",
        "Measured (Table 2020).",
        "Conducted (Phase II, 2019).",
        "An event (since 2019).",
        "地名不是作者(北京, 2020)。",
        "机构名过长(第一医学中心, 2018)。",
        "研究于(2015年10月)开始。",
        "The Lancet (2020) is not an author here? It is a journal: The (2020).",
        "Index (n = 45, 2020) counts.",
    ],
)
def test_author_year_traps(text: str) -> None:
    found = [f for f in find_markers(normalize(text), limit=60) if f.form == "author-year"]
    # "Lancet (2020)" is syntactically a narrative citation; linking drops it in numbered documents
    assert [f.marker for f in found] in ([], ["Lancet (2020)"])


# ---------------------------------------------------------------- things that are not markers


@pytest.mark.parametrize(
    "text",
    [
        "张三. 标题[J]. 期刊, 2020, 1(2): 3-4.",
        "李四. 专著[M]. 北京: 出版社, 2019.",
        "王五. 会议论文[C]//会议录. 2018.",
        "网页[EB/OL]. (2021-01-01).",
        "[摘要] 本文综述……",
        "[ 关键词 ] 干细胞",
        "[Abstract] We review...",
        "[参考文献]",
        "【摘要】:干细胞治疗",
        "Published in [2020] by the society.",
        "The decade [1990-2000] saw changes.",
        "Labelled with [14C] glucose.",
        "Labelled with ^14^C glucose.",
        "Labelled with ¹⁴C glucose.",
        "As shown in Fig. 1 and Figure 2.",
        "如图1所示,表2列出。",
        "See Fig. [3] for details.",
        "见图[4]。",
        "Equation [5] holds.",
        "The interval [0, 1] and [0,1] are closed.",
        "x ∈ [1, 2] is bounded.",
        "Calcium Ca²⁺ and sulfate SO₄²⁻ ions.",
        "A dose of 10⁶ cells per m² and R² = 0.9, x² too.",
        "Area 24-40 kg/m^2^ and 10^6^ cells.",
        "Array index [999] beyond any list.",
        "Reference [250] beyond a 60-entry list.",
        "Half-open [1, 2) interval.",
        "Water H2O and CO2 and [Ca2+]i.",
    ],
)
def test_not_markers(text: str) -> None:
    assert markers(text) == []


def test_byline_superscripts_are_affiliations() -> None:
    text = normalize(
        "# 一篇综述\n\n张三¹, 李四², 王明远¹*\n\nSAN Zhang¹, SI Li²\n\n"
        "¹ 示例大学医学院, 北京\n² 示例医院, 上海\n\n正文提到一项研究³。\n"
    )
    found = find_markers(text, limit=10)
    assert [(f.marker, f.numbers) for f in found] == [("³", (3,))]


def test_is_byline() -> None:
    assert is_byline("苏某¹, 朱某某², 王某¹")
    assert is_byline("ZHANG San¹, LI Si²")
    assert not is_byline("这一结论得到了研究的支持¹。")
    assert not is_byline("张三, 李四")  # no superscripts at all


def test_markers_inside_reference_lists_are_not_searched() -> None:
    text = "正文引用[1]。\n\n参考文献\n[1] 张三. 标题[J]. 期刊, 2020.\n[2] 李四. 标题[J]. 期刊, 2021.\n"
    start = text.index("参考文献")
    assert markers(text, exclude=[(start, len(text))]) == [("[1]", (1,))]
    assert [f.marker for f in find_markers(text, [Span(start, len(text), 3)], limit=10)] == ["[1]"]


def test_parse_numbers() -> None:
    assert parse_numbers("1, 3-5", 60) == (1, 3, 4, 5)
    assert parse_numbers("5-3", 60) is None
    assert parse_numbers("0, 1", 60) is None
    assert parse_numbers("2020", 3000) is None  # four digits: a year
    assert parse_numbers("61", 60) is None
    assert parse_numbers("2,2,3", 60) == (2, 3)


def test_plausible_limit() -> None:
    assert plausible_limit([30]) == 45  # a dangling [31] still counts
    assert plausible_limit([200, 10]) == 300
    assert plausible_limit([]) == 300


# ---------------------------------------------------------------- robustness

ADVERSARIAL = {
    "brackets": "[" * 100_000,
    "digit run": "[" + "1" * 100_000,
    "digit list": "[" + "1," * 50_000,
    "carets": "^[" * 50_000,
    "superscripts": "¹" * 100_000,
    "superscript list": "¹," * 50_000,
    "parentheses": "(" * 100_000,
    "open citations": "(Smith et al., " * 10_000,
    "names": "Smith and Jones " * 10_000 + "(2020)",
    "cjk": "张" * 100_000 + "等(2020)",
    "abbreviations": "e.g. " * 30_000,
    "semicolons": ";" * 100_000,
    "dots": "." * 100_000,
    "ranges": "[1-" * 30_000,
    "headings": "1.1 标题\n" * 20_000,
    "newlines": "\n" * 100_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_input_is_fast(name: str) -> None:
    text = ADVERSARIAL[name]
    t0 = time.perf_counter()
    find_markers(text, limit=100)
    split_sentences(text)
    assert time.perf_counter() - t0 < 3.0, name


_ALPHABET = st.sampled_from(
    [
        *"[]【】()^,，;；.。!?-–~ \u3000\n\t0123456789¹²³⁴⁵⁶⁷⁸⁹⁰⁻⁺₂abcXYZ张三李四等和etal<>sup/#:：",
        *["et al.", "Fig.", "e.g.", "[1]", "^[2]", "(Smith, 2020)", "2020", "参考文献", "1 引言\n"],
    ]
)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=400).map("".join), st.integers(min_value=1, max_value=500))
def test_markers_and_sentences_never_raise(text: str, limit: int) -> None:
    found = find_markers(text, limit=limit)
    for f in found:
        assert 0 <= f.span.start < f.span.end <= len(text)
        assert all(1 <= n <= limit for n in f.numbers)
    starts = [f.span.start for f in found]
    assert starts == sorted(starts)
    sentences = split_sentences(text)
    for s in sentences:
        assert 0 <= s.span.start < s.span.end <= len(text)
        assert s.text.strip() == s.text and s.text


@settings(max_examples=100, deadline=2000)
@given(st.text(max_size=2000))
def test_any_unicode_text(text: str) -> None:
    find_markers(text)
    split_sentences(text)


def test_author_year_marker_wrapped_onto_the_next_line() -> None:
    """PDF text keeps printed lines: a parenthetical citation may wrap, but never across a blank line."""
    text = "Notebooks (Kluyver et al.,\n2016) are used; see (Harris\net al., 2020).\n\n(see\n\nSmith, 2019)"
    found = [(f.authors, f.year, f.marker) for f in find_markers(text)]
    assert (("Kluyver",), "2016", "Kluyver et al., 2016") in found
    assert (("Harris",), "2020", "Harris et al., 2020") in found
    assert not any("Smith" in a for a, _, _ in found)


@pytest.mark.parametrize("byline", ["商利鹏¹, 刘国祥², 赵春华^{1,3,4}*", "Zhang San1,2, Li Si3", "王五<sup>1</sup>, 赵六<sup>2,3</sup>"])
def test_affiliation_marks_of_any_form_are_no_citations(byline: str) -> None:
    text = f"间充质干细胞治疗的研究进展\n\n{byline}\n\n1. 某研究所, 北京 100005\n\n正文研究表明干细胞有效^[1]。\n"
    assert [f.marker for f in find_markers(text, list_size=5)] == ["^[1]"]
