"""Sentence splitting, section headings and the clause that ends at a marker (fixtures written here)."""

from __future__ import annotations

import pytest

from citecheck.claims.sentences import clause_before, inline_heading, numbered_heading, split_sentences
from citecheck.text import normalize


def texts(text: str, exclude: list[tuple[int, int]] | None = None) -> list[str]:
    return [s.text for s in split_sentences(normalize(text), exclude or [])]


def test_chinese_terminals() -> None:
    assert texts("第一句。第二句!第三句?第四句") == ["第一句。", "第二句!", "第三句?", "第四句"]


def test_chinese_semicolon_splits_between_chinese_clauses() -> None:
    # NFKC turns ； into ; — both split between Chinese clauses
    assert texts("前一分句成立；后一分句也成立。") == ["前一分句成立;", "后一分句也成立。"]
    assert texts("骨修复有效[9]; 软骨修复也有效[10]。") == ["骨修复有效[9];", "软骨修复也有效[10]。"]


def test_semicolon_in_parentheses_or_english_does_not_split() -> None:
    assert texts("两组均有差异(p<0.01; p<0.05)。") == ["两组均有差异(p<0.01; p<0.05)。"]
    assert texts("Cells grew; they divided.") == ["Cells grew; they divided."]
    assert texts("Seen before (Smith 2019; Lee 2021). Next one.") == [
        "Seen before (Smith 2019; Lee 2021).",
        "Next one.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smith et al. reported it. Then more.", ["Smith et al. reported it.", "Then more."]),
        ("As in Fig. 2 the cells grew. Done.", ["As in Fig. 2 the cells grew.", "Done."]),
        ("Some cells, e.g. MSC, grow. Others do not.", ["Some cells, e.g. MSC, grow.", "Others do not."]),
        ("That is, i.e. Treg cells, respond. Fine.", ["That is, i.e. Treg cells, respond.", "Fine."]),
        ("Drug vs. placebo differed. Yes.", ["Drug vs. placebo differed.", "Yes."]),
        ("Dr. Li led it. Good.", ["Dr. Li led it.", "Good."]),
        ("It rose 3.5 times. Then fell.", ["It rose 3.5 times.", "Then fell."]),
        ("J. A. Smith wrote it. Then J. Doe.", ["J. A. Smith wrote it.", "Then J. Doe."]),
        ("It works. 中文紧随其后。", ["It works.", "中文紧随其后。"]),
        ("单位 kg/m2.如果超标则排除。", ["单位 kg/m2.", "如果超标则排除。"]),
        ("Approx. three groups. Ok.", ["Approx. three groups.", "Ok."]),
        ("Shown before.[3] Next claim.", ["Shown before.[3]", "Next claim."]),
        ("Shown before.¹ Next claim.", ["Shown before.¹", "Next claim."]),
        ("他说:“有效。”随后离开。", ["他说:“有效。”", "随后离开。"]),
    ],
)
def test_english_abbreviations_decimals_initials(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_enumeration_labels_are_not_sentence_ends() -> None:
    assert texts("(1. 示例大学医学院; 2. 示例医院)") == ["(1. 示例大学医学院; 2. 示例医院)"]
    assert texts("1. 示例大学医学院, 北京;\n2. 示例医院, 上海") == ["1. 示例大学医学院, 北京;", "2. 示例医院, 上海"]


def test_missing_full_stop_after_marker() -> None:
    # web text that lost the full stop between a marker and the next sentence
    assert texts("三项研究均为对照研究 [4,5]UC-MSCs具有低免疫原性[6]。") == [
        "三项研究均为对照研究 [4,5]",
        "UC-MSCs具有低免疫原性[6]。",
    ]


def test_sections_markdown_numbered_and_inline() -> None:
    doc = normalize(
        "# 综述标题\n\n[摘要] 摘要第一句。摘要第二句。\n\n引言没有标题的一段。\n\n"
        "## 1 引言\n\n引言正文。\n\n2 方法\n\n2.1 细胞来源\n\n细胞来自脐带。\n\n"
        "2.1.1 分离技术: 离心法回收率低。微流控更好。\n\n一、总结\n\n总结一句。\n"
    )
    got = [(s.section, s.text) for s in split_sentences(doc)]
    assert got == [
        ("摘要", "摘要第一句。"),
        ("摘要", "摘要第二句。"),
        ("综述标题", "引言没有标题的一段。"),  # the abstract heading covers its paragraph only
        ("1 引言", "引言正文。"),
        ("2.1 细胞来源", "细胞来自脐带。"),
        ("2.1.1 分离技术", "离心法回收率低。"),
        ("2.1.1 分离技术", "微流控更好。"),
        ("一、总结", "总结一句。"),
    ]


def test_bare_headings_only_without_numbered_ones() -> None:
    doc = "背景\n\n糖尿病是常见病。\n\n方法\n\n这是一项随机试验。\n"
    assert [(s.section, s.text) for s in split_sentences(doc)] == [
        ("背景", "糖尿病是常见病。"),
        ("方法", "这是一项随机试验。"),
    ]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("2.2.2 MSC 在 SLE 中的应用", "2.2.2 MSC 在 SLE 中的应用"),
        ("1 引言", "1 引言"),
        ("## 3 Results", "3 Results"),
        ("3.3 个体化治疗的可能性", "3.3 个体化治疗的可能性"),
        ("3 个月后患者康复", None),  # a quantity, not a heading
        ("2. 示例医院风湿免疫科, 上海 200011)", None),  # an affiliation
        ("2015年10月至2018年12月", None),
        ("1 这是一个完整的句子。", None),
    ],
)
def test_numbered_heading(line: str, heading: str | None) -> None:
    assert numbered_heading(line) == heading


def test_inline_heading() -> None:
    assert inline_heading("2.1.1 来源及分离: MSC 来自多种组织。") == ("2.1.1 来源及分离", 13, False)
    head = inline_heading("[摘要] 本文综述")
    assert head is not None and head[0] == "摘要" and head[2] is True
    assert inline_heading("结果显示: 有效。") is None


def test_page_break_inside_a_sentence_is_joined() -> None:
    doc = (
        "MSC 分泌的细胞因子可抑制 T 细胞和 B 细胞活性,从而显著降\n\n"
        "低免疫反应强度[4]。下一句。\n"
    )
    assert texts(doc) == ["MSC 分泌的细胞因子可抑制 T 细胞和 B 细胞活性,从而显著降低免疫反应强度[4]。", "下一句。"]


def test_page_break_over_footnotes_is_joined_and_footnotes_skipped() -> None:
    doc = (
        "传统药物治疗往往难以快速而且有效地控制疾\n\n"
        "基金项目:示例基金(2024-001)\n\n通信作者:某某 E-mail:someone@example.org\n\n"
        "病进展,许多患者仍面临复发。\n"
    )
    assert texts(doc) == ["传统药物治疗往往难以快速而且有效地控制疾病进展,许多患者仍面临复发。"]


def test_separate_paragraphs_stay_apart() -> None:
    # two blank lines, or a line ending in a marker: a new paragraph, not a wrapped line
    doc = "本段最后一句话没有句号但它确实已经结束了这一段的内容\n\n\n下一段开始了。\n\n上一段以引用结束[3]\n\n新的一段。"
    assert texts(doc) == [
        "本段最后一句话没有句号但它确实已经结束了这一段的内容",
        "下一段开始了。",
        "上一段以引用结束[3]",
        "新的一段。",
    ]


def test_single_line_breaks_join_english_with_a_space() -> None:
    assert texts("Cells were\ncultured for\nthree days. Then\nfixed.") == [
        "Cells were cultured for three days.",
        "Then fixed.",
    ]


def test_excluded_spans_and_spans_map_back() -> None:
    doc = normalize("正文第一句[1]。\n\n参考文献\n[1] 张三. 题名[J]. 期刊, 2020.\n\n附录一句。\n")
    start = doc.index("参考文献")
    end = doc.index("附录")
    sentences = split_sentences(doc, [(start, end)])
    assert [s.text for s in sentences] == ["正文第一句[1]。", "附录一句。"]
    for s in sentences:
        assert doc[s.span.start : s.span.end] == s.text
    assert [s.span.line for s in sentences] == [1, 6]


def test_boilerplate_lines_are_not_sentences() -> None:
    doc = "关键词: 干细胞; 外泌体\n\nDOI:10.1000/xyz\n\n正文一句。\n\n(收稿日期:2024-01-01)\n"
    assert texts(doc) == ["正文一句。"]


# ---------------------------------------------------------------- clauses


def _clause(sentence: str, marker: str, nth: int = 0) -> str:
    import re

    spans = [(m.start(), m.end()) for m in re.finditer(r"\^?\[[\d ,\-]+\]", sentence)]
    at = [s for s, e in spans if sentence[s:e] == marker][nth]
    return clause_before(sentence, at, spans)


def test_clause_is_the_part_ending_at_the_marker() -> None:
    s = "在治疗 SLE 中,细胞因子帮助调节免疫反应,并可显著改善患者症状[3]。"
    assert _clause(s, "[3]") == "并可显著改善患者症状"


def test_clause_skips_separators_in_parentheses_and_markers() -> None:
    s = "此外, MSC 分泌的细胞外囊泡(extracellular vesicle, EV) 可调节巨噬细胞极化^[23-24],在干眼症模型中可减轻炎症^[25]。"
    assert _clause(s, "^[23-24]") == "MSC 分泌的细胞外囊泡(extracellular vesicle, EV) 可调节巨噬细胞极化"
    assert _clause(s, "^[25]") == "在干眼症模型中可减轻炎症"


def test_short_clause_extends_to_previous_separator() -> None:
    s = "细胞因子作用广泛,如 IL-10[4],TGF-β[5]。"
    assert _clause(s, "[4]") == "细胞因子作用广泛,如 IL-10"


def test_markers_inside_a_clause_are_cut_out() -> None:
    s = "中风[3]、心肌梗塞[4]和移植物抗宿主病[7]均可治疗。"
    assert _clause(s, "[7]") == "中风、心肌梗塞和移植物抗宿主病"
    s2 = "两项研究支持这一点[1][2]。"
    assert _clause(s2, "[2]") == "两项研究支持这一点"
