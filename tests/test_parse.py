"""Tests of the reference-string parser, on strings written for these tests.

The references are invented (or well-known real papers re-typed by us); none is
taken from the benchmark data. Field tests need the shipped CRF model; the
robustness properties hold with or without it.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.refs import crf
from citecheck.refs.names import split_cjk_name, split_names
from citecheck.refs.parse import MAX_CHARS, parse_reference, prepare
from citecheck.refs.rules import find_doi, find_locator, find_typecode
from citecheck.refs.tokens import tokenize

needs_model = pytest.mark.skipif(not crf.model_available(), reason="parser model not built")


def families(fields: dict) -> list[str]:
    return [a.get("family") or a.get("literal") for a in fields.get("author", [])]


def year(fields: dict) -> int | None:
    return fields.get("issued", {}).get("date-parts", [[None]])[0][0]


# ------------------------------------------------------------------ formats


@needs_model
def test_gbt_chinese_journal() -> None:
    f, _ = parse_reference(
        "[3] 王晓明, 李红, 欧阳东方. 干细胞治疗糖尿病足溃疡的临床研究[J]. 中国修复重建外科杂志, 2019, 33(4): 456-461."
    )
    assert f["type"] == "article-journal"
    assert f["author"][0] == {"family": "王", "given": "晓明"}
    assert f["author"][2] == {"family": "欧阳", "given": "东方"}
    assert f["title"] == "干细胞治疗糖尿病足溃疡的临床研究"
    assert f["container-title"] == "中国修复重建外科杂志"
    assert year(f) == 2019
    assert (f["volume"], f["issue"], f["page"]) == ("33", "4", "456-461")


@needs_model
def test_gbt_chinese_with_deng() -> None:
    f, _ = parse_reference(
        "1、张伟, 刘洋, 陈静, 等. 肠道菌群与代谢性疾病[J]. 生理学报, 2020, 72(3): 301-310."
    )
    assert families(f) == ["张", "刘", "陈"]
    assert f["title"] == "肠道菌群与代谢性疾病"
    assert f["page"] == "301-310"


@needs_model
def test_gbt_english_with_type_code() -> None:
    f, _ = parse_reference(
        "[12] SMITH J A, GARCIA M, NGUYEN T, et al. Mesenchymal stromal cells in graft-versus-host disease[J]. "
        "Blood Adv, 2018, 2(9): 1023-1031."
    )
    assert f["type"] == "article-journal"
    assert [a["family"] for a in f["author"]] == ["SMITH", "GARCIA", "NGUYEN"]
    assert f["author"][0]["given"] == "J A"
    assert f["title"] == "Mesenchymal stromal cells in graft-versus-host disease"
    assert f["container-title"] == "Blood Adv"
    assert (year(f), f["volume"], f["issue"], f["page"]) == (2018, "2", "9", "1023-1031")


@needs_model
def test_gbt_book() -> None:
    f, _ = parse_reference("[5] 周立. 细胞生物学[M]. 北京: 科学出版社, 2015: 120-135.")
    assert f["type"] == "book"
    assert f["title"] == "细胞生物学"
    assert f.get("publisher") == "科学出版社"
    assert f.get("publisher-place") == "北京"
    assert year(f) == 2015


@needs_model
def test_vancouver() -> None:
    f, _ = parse_reference(
        "7. Watson JD, Crick FH. Molecular structure of nucleic acids; a structure for deoxyribose nucleic acid. "
        "Nature. 1953;171(4356):737-8."
    )
    assert families(f) == ["Watson", "Crick"]
    assert f["author"][1]["given"] == "FH"
    assert f["title"].startswith("Molecular structure of nucleic acids")
    assert f["container-title"] == "Nature"
    assert (year(f), f["volume"], f["issue"], f["page"]) == (1953, "171", "4356", "737-8")


@needs_model
def test_vancouver_ocr_damage() -> None:
    f, _ = parse_reference("Lee KH, Park SY. Exosomes from stem cells in wound repair. Mol Cancer 2010;9:129")
    assert (year(f), f["volume"], f["page"]) == (2010, "9", "129")
    assert "issue" not in f
    f, _ = parse_reference(
        "Lee KH, Park SY. Exosomes from stem cells in wound repair. Mol Cancer. 2010;9(3):129-35."
    )
    assert (f["volume"], f["issue"], f["page"]) == ("9", "3", "129-35")


@needs_model
def test_apa() -> None:
    f, _ = parse_reference(
        "Doe, J. A., Roe, R., & van der Berg, P. (2020). Sleep and memory consolidation in adolescents. "
        "Journal of Sleep Research, 29(4), 112–130. https://doi.org/10.1111/jsr.99999"
    )
    assert families(f) == ["Doe", "Roe", "van der Berg"]
    assert f["title"] == "Sleep and memory consolidation in adolescents"
    assert f["container-title"] == "Journal of Sleep Research"
    assert (year(f), f["volume"], f["issue"], f["page"]) == (2020, "29", "4", "112-130")
    assert f["DOI"] == "10.1111/jsr.99999"


@needs_model
def test_article_number_and_pmid() -> None:
    f, _ = parse_reference(
        "Ortiz M, Chen L. Gait analysis after stroke. PLoS One. 2022;17(4):e0266999. doi: 10.1371/journal.pone.0266999. PMID: 35400001."
    )
    assert f["page"] == "e0266999"
    assert f["PMID"] == "35400001"
    assert f["DOI"] == "10.1371/journal.pone.0266999"


@needs_model
def test_markdown_and_fullwidth() -> None:
    f, _ = parse_reference("Kim S, Lee J. Bone marrow niches. *Stem Cells*. 2011;29(5):1785 - 1803.")
    assert f["container-title"] == "Stem Cells"
    assert f["page"] == "1785-1803"
    f, _ = parse_reference(
        "［4］赵敏，孙磊．慢性疼痛的神经机制［J］．中华医学杂志，2021，101（16）：1123－1127．"
    )
    assert f["title"] == "慢性疼痛的神经机制"
    assert (f["volume"], f["issue"], f["page"]) == ("101", "16", "1123-1127")


# ------------------------------------------------------------------ names


def test_name_styles() -> None:
    assert split_names("Smith JA, Jones B, et al") == [
        {"family": "Smith", "given": "JA"},
        {"family": "Jones", "given": "B"},
    ]
    assert split_names("Pinto, J., & Guedes de Pinho, P.")[1] == {"family": "Guedes de Pinho", "given": "P."}
    assert split_names("M. Curie and P. Curie") == [
        {"family": "Curie", "given": "M."},
        {"family": "Curie", "given": "P."},
    ]
    assert split_names("Zhang San, Li Si") == [
        {"family": "Zhang", "given": "San"},
        {"family": "Li", "given": "Si"},
    ]
    assert split_names("WORLD HEALTH ORGANIZATION") == [{"literal": "WORLD HEALTH ORGANIZATION"}]
    assert split_names("曹雪琛, 鲁严, 等") == [
        {"family": "曹", "given": "雪琛"},
        {"family": "鲁", "given": "严"},
    ]


def test_cjk_compound_surname() -> None:
    assert split_cjk_name("司马迁") == {"family": "司马", "given": "迁"}
    assert split_cjk_name("国家卫生健康委员会") == {"literal": "国家卫生健康委员会"}


# ------------------------------------------------------------------ exact rules


def test_rules() -> None:
    assert find_doi("see doi:10.1016/S0140-6736(20)30183-5.") == "10.1016/S0140-6736(20)30183-5"
    assert find_locator("Blood. 2010;9(3):129-35.") == {
        "year": "2010",
        "volume": "9",
        "issue": "3",
        "pages": "129-35",
    }
    assert find_locator("中华医学杂志, 2021, 101(16): 1123-1127.")["issue"] == "16"
    tc = find_typecode("标题[EB/OL]. 2020")
    assert tc is not None and tc[0] == "webpage"


def test_label_is_stripped() -> None:
    for raw in (
        "[12] Smith J. T. 2001.",
        "12. Smith J. T. 2001.",
        "1、Smith J. T. 2001.",
        "(1) Smith J. T. 2001.",
    ):
        text, label, _ = prepare(raw)
        assert text.startswith("Smith"), raw
        assert label


def test_tokens_keep_offsets() -> None:
    s = "Mol Cancer 2010;9:e0266137. doi:10.1000/xyz123."
    for t in tokenize(s):
        assert s[t.start : t.end] == t.text


# ------------------------------------------------------------------ robustness


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    fields, issues = parse_reference(text)
    assert isinstance(fields, dict)
    assert isinstance(issues, list)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="[](){}.,;:-–0123456789 J等etal/\\\"'“”", max_size=600))
def test_never_raises_on_punctuation_soup(text: str) -> None:
    fields, _ = parse_reference(text)
    assert isinstance(fields, dict)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000,
        "(" * 5000 + ")" * 5000,
        "10." * 5000,
        "a" * 50_000,
        "1" * 20_000,
        "\x00\ud7ff\ufffd" * 100,
        "",
    ],
)
def test_adversarial_inputs_are_bounded(text: str) -> None:
    t0 = time.perf_counter()
    fields, issues = parse_reference(text)
    assert isinstance(fields, dict)
    assert time.perf_counter() - t0 < 2.0
    if len(text) > MAX_CHARS:
        assert any(i.code == "truncated_input" for i in issues)


def test_non_string_input_does_not_raise() -> None:
    fields, _issues = parse_reference(None)  # type: ignore[arg-type]
    assert isinstance(fields, dict)


@needs_model
def test_throughput() -> None:
    refs = [
        "Watson JD, Crick FH. Molecular structure of nucleic acids. Nature. 1953;171(4356):737-8.",
        "[3] 王晓明, 李红. 干细胞治疗的临床研究[J]. 中国修复重建外科杂志, 2019, 33(4): 456-461.",
        "Doe, J. A., & Roe, R. (2020). Sleep and memory. Journal of Sleep Research, 29(4), 112–130.",
    ] * 200
    parse_reference(refs[0])
    t0 = time.perf_counter()
    for r in refs:
        parse_reference(r)
    rate = len(refs) / (time.perf_counter() - t0)
    assert rate > 300  # the benchmark checks ≥1,000/s; keep CI on slow machines green
