"""Claims on real documents: the two shared samples (read in place, skipped when absent) and our demo.

The expected markers below were verified by reading the documents: every in-text marker of
the body, with its line, in order; nothing else in the documents is a citation (the
superscripts in the bylines are affiliations, `【摘要】` and `[参考文献]` are headings,
`[J]` codes and `[n]` labels stand inside the lists).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citecheck.claims import extract_claims, links, structural_findings
from citecheck.model import Claim, ReferenceList
from citecheck.refs.extract import extract_lists
from citecheck.text import normalize

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"
DEMO = Path(__file__).resolve().parents[1] / "citecheck" / "data" / "demo" / "review.zh.md"


def load(path: Path) -> tuple[str, list[ReferenceList], list[Claim]]:
    text = normalize(path.read_text(encoding="utf-8"))
    lists = extract_lists(text)
    return text, lists, extract_claims(text, lists)


def sample(name: str) -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"{name} is not present")
    return path


def marker_lines(claims: list[Claim]) -> list[tuple[str, int]]:
    return [(c.marker, c.span.line) for claim in claims for c in claim.citations]


# ---------------------------------------------------------------- msc-rheumatic-review.zh.md

MSC_MARKERS = [
    ("^[1]", 32), ("^[2]", 34), ("^[3]", 43), ("^[4]", 51), ("^[5]", 51), ("^[6]", 53), ("^[7]", 53),
    ("^[8]", 55), ("^[9]", 55), ("^[10]", 55), ("^[11]", 55), ("^[12]", 57), ("^[13]", 57), ("^[14]", 59),
    ("^[15-16]", 59), ("^[4, 17]", 63), ("^[18]", 65), ("^[19]", 65), ("^[20-21]", 65), ("^[22]", 65),
    ("^[23-24]", 65), ("^[25]", 65), ("^[26]", 67), ("^[27]", 67), ("^[28]", 69), ("^[29]", 69),
    ("^[29-30]", 75), ("^[31-32]", 77), ("^[33]", 77), ("^[34]", 77), ("^[35]", 77), ("^[36]", 77),
    ("^[37]", 81), ("^[38]", 81), ("^[39]", 81), ("^[40]", 87), ("^[41]", 87), ("^[42]", 87), ("^[43]", 87),
    ("^[44]", 91), ("^[45]", 91), ("^[42]", 91), ("^[46]", 95), ("^[47]", 95), ("^[43]", 95),
]
MSC_NUMBERS = [
    *range(1, 17), 4, 17, *range(18, 30), 29, 30, *range(31, 44), 44, 45, 42, 46, 47, 43,
]


def test_msc_every_marker_found_and_nothing_else() -> None:
    _, lists, claims = load(sample("msc-rheumatic-review.zh.md"))
    assert [len(lst.references) for lst in lists] == [47]
    assert marker_lines(claims) == MSC_MARKERS
    assert len(claims) == 44  # line 65 holds one sentence with two markers


def test_msc_links_reach_the_right_entries() -> None:
    _, lists, claims = load(sample("msc-rheumatic-review.zh.md"))
    table = links(claims, lists)
    assert [link.number for link in table] == MSC_NUMBERS
    assert all(link.status == "linked" for link in table)
    for link in table:
        assert link.reference is not None and link.reference.n == link.number
        assert link.reference.label == f"[{link.number}]"
    by_n = {link.number: link.reference for link in table}
    # spot checks against the list as printed, including the entry broken across a page
    assert by_n[1] is not None and by_n[1].raw.startswith("[1] Bizzaro N")
    assert by_n[24] is not None and "Chen J, Huang F" in by_n[24].raw and "Mol Immunol" in by_n[24].raw
    assert by_n[47] is not None and "Nguyen-Truong M" in by_n[47].raw


def test_msc_structure_is_clean() -> None:
    text, lists, claims = load(sample("msc-rheumatic-review.zh.md"))
    # every entry cited, numbering follows first citation, no duplicates, no dangling numbers
    assert structural_findings(text, lists, claims) == []


def test_msc_labelled_claims_are_found() -> None:
    """Each miscitation in the labels file is a claim we extract, citing that entry."""
    _, _, claims = load(sample("msc-rheumatic-review.zh.md"))
    labels_path = SAMPLES / "labels" / "msc-rheumatic-review.json"
    if not labels_path.is_file():
        pytest.skip("labels file is not present")
    labels = json.loads(labels_path.read_text(encoding="utf-8"))["miscitations"]
    for label in labels:
        start = normalize(label["claim_starts"])
        hits = [
            claim for claim in claims
            if (claim.text.startswith(start) or claim.section.startswith(start))
            and any(label["ref"] in c.numbers for c in claim.citations)
        ]
        assert hits, label
    heading_claim = next(c for c in claims if c.section.startswith("2.2.2"))
    assert heading_claim.text.startswith("MSC 治疗狼疮动物模型") and heading_claim.citations[0].numbers == (28,)


def test_msc_claims_carry_sections_and_clauses() -> None:
    _, lists, claims = load(sample("msc-rheumatic-review.zh.md"))
    table = links(claims, lists)
    clause_14 = next(link.clause for link in table if link.number == 14)
    assert clause_14 == "降低免疫反应强度"  # joined across the page break inside 降|低
    claim_14 = next(c for c in claims if any(ci.numbers == (14,) for ci in c.citations))
    assert claim_14.section == "2.1.3 MSC 的免疫调节机制"
    assert "可抑制 T 细胞和 B 细胞活性,降低免疫反应强度^[14]" in claim_14.text


# ---------------------------------------------------------------- uc-msc-t2dm-trial.zh.txt

T2DM_MARKERS = [
    ("[1,2]", 24), ("[3]", 24), ("[4]", 24), ("[5,6]", 24), ("[7]", 24), ("[8 , 9]", 24),
    ("[10 ,11,12,13,14 ,15,16,17,18,19, 20]", 24), ("[21]", 27), ("[22]", 27), ("[10, 12,14,15,16,17]", 27),
    ("[19]", 27), ("[23, 24]", 46), ("[10]", 115), ("[11,12,13,14,15,16,17]", 115), ("[14,15,17]", 115),
    ("[25]", 115), ("[18]", 115), ("[19]", 115), ("[20]", 118), ("[18]", 121), ("[26 , 27]", 124),
    ("[19]", 124), ("[28]", 124), ("[9]", 127), ("[29]", 127), ("[30]", 127), ("[31]", 127), ("[32 , 33]", 130),
]
T2DM_NUMBERS = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, *range(10, 21), 21, 22, 10, 12, 14, 15, 16, 17, 19, 23, 24, 10,
    *range(11, 18), 14, 15, 17, 25, 18, 19, 20, 18, 26, 27, 19, 28, 9, 29, 30, 31, 32, 33,
]


def test_t2dm_every_marker_found_and_nothing_else() -> None:
    _, lists, claims = load(sample("uc-msc-t2dm-trial.zh.txt"))
    assert [len(lst.references) for lst in lists] == [33]
    assert marker_lines(claims) == T2DM_MARKERS


def test_t2dm_links_reach_the_right_entries() -> None:
    _, lists, claims = load(sample("uc-msc-t2dm-trial.zh.txt"))
    table = links(claims, lists)
    assert [link.number for link in table] == T2DM_NUMBERS
    assert all(link.status == "linked" and link.reference is not None for link in table)
    by_n = {link.number: link.reference for link in table}
    # 21 and 22 are run together on one line in the source; each marker still reaches its own work
    assert by_n[21] is not None and "Pittenger MF" in by_n[21].raw and "Mageed" not in by_n[21].raw
    assert by_n[22] is not None and by_n[22].raw.startswith("22、Mageed AS")
    assert by_n[33] is not None and "Li XY, Zheng ZH" in by_n[33].raw


def test_t2dm_structure_is_clean() -> None:
    text, lists, claims = load(sample("uc-msc-t2dm-trial.zh.txt"))
    assert structural_findings(text, lists, claims) == []


def test_t2dm_sections_from_bare_headings() -> None:
    _, _, claims = load(sample("uc-msc-t2dm-trial.zh.txt"))
    assert {c.section for c in claims} == {"背景", "程序", "讨论"}


# ---------------------------------------------------------------- our demo document


def test_demo_finds_exactly_the_planted_structure_problems() -> None:
    text, lists, claims = load(DEMO)
    found = structural_findings(text, lists, claims)
    assert [(f.kind, str(f.severity), f.subject) for f in found] == [
        ("out_of_order", "warning", "L1:5"),
        ("dangling_citation", "error", "L1:33"),
        ("uncited_entry", "warning", "L1:27"),
        ("uncited_entry", "warning", "L1:28"),
        ("uncited_entry", "warning", "L1:29"),
        ("uncited_entry", "warning", "L1:30"),
    ]
    order, dangling = found[0], found[1]
    # at the first citation of [5] (§2), where [4] was expected
    assert order.span is not None and text[order.span.start : order.span.end] == "[5]"
    assert order.evidence["expected"] == 4 and order.evidence["found"] == 5 and order.evidence["line"] == 19
    assert dangling.evidence["marker"] == "[26,33]" and dangling.evidence["number"] == 33
    assert dangling.evidence["line"] == 41


def test_demo_markers_and_links() -> None:
    _, lists, claims = load(DEMO)
    table = links(claims, lists)
    assert [link.number for link in table] == [1, 2, 3, 5, 4, *range(6, 27), 33, 31, 32]
    assert [link.status for link in table].count("dangling") == 1
    assert all(c.section for c in claims)
