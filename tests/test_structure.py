"""Structural findings, one fixture per kind (documents written here, lists built by hand)."""

from __future__ import annotations

from citecheck.claims.link import extract_claims
from citecheck.claims.structure import first_citation_order, structural_findings
from citecheck.model import Claim, Finding
from tests.test_link import Lst, art, build


def findings(*parts: str | Lst) -> tuple[str, list[Finding]]:
    text, lists = build(*parts)
    return text, structural_findings(text, lists, extract_claims(text, lists))


def kinds(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.kind, str(f.severity), f.subject) for f in found]


def three() -> list[tuple[str, dict]]:
    return [art("王五", 2019, "甲研究"), art("赵六", 2020, "乙研究"), art("孙七", 2021, "丙研究")]


def test_clean_document_has_no_findings() -> None:
    _, found = findings("甲[1]。乙[2]。丙[3]。\n\n", Lst(three()))
    assert found == []


def test_dangling_numeric() -> None:
    text, found = findings("甲[1]。乙[2]。丙[3]。多出一条[2,4]。\n\n", Lst(three()))
    assert kinds(found) == [("dangling_citation", "error", "L1:4")]
    f = found[0]
    assert f.evidence == {"number": 4, "marker": "[2,4]", "line": 1, "list_id": "L1", "list_size": 3}
    assert f.span is not None and text[f.span.start : f.span.end] == "[2,4]"


def test_dangling_author_year() -> None:
    _, found = findings(
        "Known (Smith, 2020). Unknown (Brown, 2015).\n\n",
        Lst([art("Smith J", 2020, "Known", apa=True)], heading="References", numbered=False),
    )
    assert kinds(found) == [("dangling_citation", "error", "L1:Brown 2015")]
    assert found[0].evidence["authors"] == ["Brown"] and found[0].evidence["year"] == "2015"


def test_uncited_entries() -> None:
    text, found = findings("甲[1]。丙[3]。\n\n", Lst(three()))
    assert kinds(found) == [("uncited_entry", "warning", "L1:2")]
    f = found[0]
    assert f.evidence["number"] == 2 and f.evidence["line"] == 5
    assert f.span is not None and text[f.span.start : f.span.end].startswith("[2] 赵六")


def test_out_of_order_reports_the_first_break() -> None:
    text, found = findings(
        "第一[1]。第三先出现[3]。第二[2]。第五先出现[5]。第四[4]。\n\n",
        Lst([*three(), art("周八", 2022, "丁研究"), art("吴九", 2023, "戊研究")]),
    )
    assert kinds(found) == [("out_of_order", "warning", "L1:3")]
    f = found[0]
    assert f.evidence["expected"] == 2 and f.evidence["found"] == 3
    assert f.evidence["marker"] == "[3]" and f.evidence["line"] == 1
    assert f.evidence["out_of_order_count"] == 2
    assert f.span is not None and f.span.start == text.index("[3]")


def test_order_within_one_marker_and_repeated_citations_are_fine() -> None:
    _, found = findings("首次[2,1]。再次[1]。第三[3]。又见[2]。\n\n", Lst(three()))
    assert found == []


def test_uncited_or_dangling_numbers_do_not_break_the_order() -> None:
    # [2] is never cited, [9] does not exist: reported as such, not as order problems
    _, found = findings("甲[1]。丙[3]。不存在[9]。\n\n", Lst(three()))
    assert sorted(f.kind for f in found) == ["dangling_citation", "uncited_entry"]


def test_order_is_not_checked_for_author_year_or_alphabetical_lists() -> None:
    _, found = findings(
        "B first (Baker, 2019). A second (Adams, 2018).\n\n",
        Lst([art("Adams J", 2018, "A", apa=True), art("Baker K", 2019, "B", apa=True)], heading="References",
            numbered=False),
    )
    assert found == []
    alphabetical = [art(name, 2020, f"Work of {name}") for name in
                    ("Adams J", "Baker K", "Clark L", "Davis M", "Evans N", "Fisher O")]
    _, found = findings("Cited [4] [2] [6] [1] [3] [5].\n\n", Lst(alphabetical, heading="References"))
    assert found == []


def test_first_citation_order() -> None:
    text, lists = build("甲[2]。乙[1,3]。丙[2]。\n\n", Lst(three()))
    order = first_citation_order(extract_claims(text, lists), lists[0])
    assert [n for n, _ in order] == [2, 1, 3]


def test_duplicate_entry() -> None:
    entries = three()
    _, found = findings("甲[1]。乙[2]。丙[3]。再[4]。\n\n", Lst([*entries, entries[1]]))
    assert kinds(found) == [("duplicate_entry", "warning", "L1:2,4")]
    assert found[0].evidence["numbers"] == [2, 4]
    assert found[0].evidence["lines"] == [5, 7]


def test_same_work_by_doi() -> None:
    a = art("Smith J", 2020, "Cells in repair", "Stem Cells", "12", "100-110", doi="10.1000/abc.1")
    b = art("Smith JA", 2020, "Cells in tissue repair: a review", "Stem Cells Rev", "12", "100-10", doi="10.1000/ABC.1")
    _, found = findings("甲[1]。乙[2]。\n\n", Lst([a, b]))
    assert kinds(found) == [("same_work_twice", "warning", "L1:1,2")]
    assert found[0].evidence["reason"] == "same DOI" and found[0].evidence["numbers"] == [1, 2]


def test_same_work_by_author_year_volume_page() -> None:
    a = art("Smith J", 2020, "Cells in repair", "Stem Cells", "12", "100-110")
    b = art("Smith J", 2020, "Tissue repair by cells", "Stem Cells (Dayton)", "12", "100-10")
    _, found = findings("甲[1]。乙[2]。\n\n", Lst([a, b]))
    assert kinds(found) == [("same_work_twice", "warning", "L1:1,2")]
    assert "first page" in found[0].evidence["reason"]


def test_same_work_by_similar_title() -> None:
    a = art("Smith J", 2020, "Mesenchymal stem cells in systemic rheumatic disease", "Int J Mol Sci", "21", "1-9")
    b = art("Smyth J", 2020, "Mesenchymal stem cells in systemic rheumatic diseases", "IJMS", "21", "10")
    c = art("Smith J", 2020, "Mesenchymal stem cells in osteoarthritis", "Int J Mol Sci", "22", "5")
    _, found = findings("甲[1]。乙[2]。丙[3]。\n\n", Lst([a, b, c]))
    assert kinds(found) == [("same_work_twice", "warning", "L1:1,2")]
    assert found[0].evidence["reason"].startswith("titles")


def test_markers_without_list() -> None:
    _, found = findings("没有文献表却有引用[1]。还有[2,3]。\n")
    assert kinds(found) == [("markers_without_list", "error", "document")]
    assert found[0].evidence["count"] == 2 and found[0].evidence["markers"] == ["[1]", "[2,3]"]


def test_no_markers_is_one_info_not_many_warnings() -> None:
    _, found = findings("全文没有任何引用标记。\n\n", Lst(three()))
    assert kinds(found) == [("no_markers", "info", "L1")]
    assert found[0].evidence["entries"] == 3


def test_nothing_at_all() -> None:
    _, found = findings("没有文献表也没有引用。\n")
    assert found == []


def test_two_articles_are_audited_separately() -> None:
    _, found = findings(
        "甲[1]。乙[2]。\n\n", Lst(three()[:2]),
        "第二篇只引用第二条[2]。\n\n", Lst(three()[:2]),
    )
    assert kinds(found) == [("uncited_entry", "warning", "L2:1")]


TWO_ARTICLES = """第一篇 间充质干细胞综述

摘要: 本文综述干细胞。

Abstract: We review stem cells.

正文: 干细胞可以治疗关节炎[1]。炎症被抑制[2]。

第二篇 糖尿病研究

摘要: 我们研究糖尿病。

Abstract: We study diabetes.

正文: 胰岛素抵抗降低[1]。血糖下降[2]。

参考文献
[1] Zhang S. Diabetes and stem cells[J]. Cell, 2020, 1(2): 3-4.
[2] Li S. Insulin resistance[J]. Nature, 2019, 5(6): 7-8.
"""


def _audit_of(text: str) -> tuple[list[Claim], list[Finding]]:
    from citecheck.claims.link import extract_claims as claims_of
    from citecheck.model import Document
    from citecheck.refs import extract_references

    lists = extract_references(Document(text=text, source="t.md"))
    claims = claims_of(text, lists)
    return claims, structural_findings(text, lists, claims)


def test_markers_of_an_article_without_its_own_list_are_never_linked_to_the_next_one() -> None:
    claims, found = _audit_of(TWO_ARTICLES)
    assert [(c.list_id, c.span.line) for claim in claims for c in claim.citations] == [
        (None, 7), (None, 7), ("L1", 15), ("L1", 15)]
    assert [(f.kind, f.subject) for f in found] == [("markers_without_list", "part from line 7")]


def test_one_article_with_a_chinese_and_an_english_abstract_is_one_part() -> None:
    one = TWO_ARTICLES.split("第二篇")[0].replace("第一篇 ", "") + "参考文献" + TWO_ARTICLES.split("参考文献")[1]
    claims, found = _audit_of(one)
    assert {c.list_id for claim in claims for c in claim.citations} == {"L1"}
    assert not [f for f in found if f.kind == "markers_without_list"]
