"""Linking markers to entries: the right list in a multi-article document, author–year with a/b,
the link table with clauses, and the `citecheck claims` renderings. Fixtures are written here;
`build` assembles a document and its ReferenceLists by hand (no dependence on the list finder).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from citecheck.claims.link import (
    authors_from_text,
    extract_claims,
    links,
    list_for,
    short_citation,
)
from citecheck.model import Audit, Claim, Reference, ReferenceList, Span
from citecheck.report import View, render
from citecheck.text import has_cjk, line_of


def render_claims(claims: list[Claim], lists: list[ReferenceList], fmt: str, width: int = 160) -> str:
    """`citecheck claims -f FMT` on already extracted claims."""
    return render([Audit("doc.md", lists=lists, claims=claims)], fmt, view=View.CLAIMS, width=width)


# ---------------------------------------------------------------- fixture builder


def art(
    authors: str,
    year: int | str,
    title: str,
    journal: str = "J Test Med",
    volume: str = "1",
    page: str = "1-9",
    doi: str | None = None,
    *,
    apa: bool = False,
) -> tuple[str, dict[str, Any]]:
    """(entry text, CSL fields) for a journal article; `authors` like ``Smith J, Jones K`` or ``张三, 李四``."""
    names = [a.strip() for a in authors.split(",") if a.strip()]
    csl_authors = []
    for name in names:
        if has_cjk(name):
            csl_authors.append({"family": name[0], "given": name[1:]})
        else:
            family, _, given = name.partition(" ")
            csl_authors.append({"family": family, "given": given})
    year_s = str(year)
    if apa:
        text = f"{', '.join(names)} ({year_s}). {title}. {journal}, {volume}, {page}."
    else:
        text = f"{', '.join(names)}. {title}[J]. {journal}, {year_s}, {volume}: {page}."
    if doi:
        text += f" DOI: {doi}."
    fields: dict[str, Any] = {
        "type": "article-journal",
        "author": csl_authors,
        "title": title,
        "container-title": journal,
        "issued": {"date-parts": [[int(year_s[:4])]]},
        "volume": volume,
        "page": page,
    }
    if doi:
        fields["DOI"] = doi
    return text, fields


@dataclass
class Lst:
    """A reference list to place in a fixture document."""

    entries: list[tuple[str, dict[str, Any]]]
    heading: str = "参考文献"
    numbered: bool = True
    style: str = "gbt7714"
    numbers: list[int] = field(default_factory=list)


def build(*parts: str | Lst) -> tuple[str, list[ReferenceList]]:
    """Concatenate prose and lists into one document; return it with its ReferenceLists."""
    text = ""
    lists: list[ReferenceList] = []
    for part in parts:
        if isinstance(part, str):
            text += part
            continue
        if text and not text.endswith("\n\n"):
            text += "\n" if text.endswith("\n") else "\n\n"
        start = len(text)
        text += part.heading + "\n"
        refs: list[Reference] = []
        list_id = f"L{len(lists) + 1}"
        for k, (body, fields) in enumerate(part.entries):
            n = part.numbers[k] if part.numbers else k + 1
            label = f"[{n}]" if part.numbered else ""
            raw = f"{label} {body}" if label else body
            s = len(text)
            text += raw + "\n"
            refs.append(Reference(list_id, n, raw, Span(s, s + len(raw), line_of(text, s)), fields, [],
                                  label, body))
        end = len(text) - 1
        lists.append(ReferenceList(list_id, part.heading, Span(start, end, line_of(text, start)), refs,
                                   part.style if part.numbered else "apa"))
        text += "\n"
    return text, lists


# ---------------------------------------------------------------- multi-article documents


def two_articles() -> tuple[str, list[ReferenceList]]:
    return build(
        "# 第一篇\n\n脐带来源细胞免疫原性低[1]。骨髓来源细胞增殖能力强[2]。\n\n",
        Lst([art("张三, 李四", 2020, "脐带细胞的免疫原性"), art("王五", 2019, "骨髓细胞的增殖")]),
        "# 第二篇\n\n外泌体可减轻炎症[1]。水凝胶可递送细胞[3]。两者联用更佳[1-3]。\n\n",
        Lst([art("Smith J, Jones K", 2021, "Exosomes reduce inflammation"),
             art("Lee A", 2018, "Scaffolds"),
             art("Park C, Kim D, Choi E", 2022, "Hydrogels deliver cells")]),
        "附录中再次提到外泌体[2]。\n",
    )


def test_markers_belong_to_the_next_list() -> None:
    text, lists = two_articles()
    claims = extract_claims(text, lists)
    got = [(c.marker, c.list_id) for claim in claims for c in claim.citations]
    assert got == [("[1]", "L1"), ("[2]", "L1"), ("[1]", "L2"), ("[3]", "L2"), ("[1-3]", "L2"), ("[2]", "L2")]


def test_links_reach_the_entries_of_their_own_list() -> None:
    text, lists = two_articles()
    table = links(extract_claims(text, lists), lists)
    got = [(link.citation.marker, link.number, link.reference.key if link.reference else None) for link in table]
    assert got == [
        ("[1]", 1, "L1:1"),
        ("[2]", 2, "L1:2"),
        ("[1]", 1, "L2:1"),
        ("[3]", 3, "L2:3"),
        ("[1-3]", 1, "L2:1"),
        ("[1-3]", 2, "L2:2"),
        ("[1-3]", 3, "L2:3"),
        ("[2]", 2, "L2:2"),  # after the last list: the last list
    ]
    assert all(link.status == "linked" for link in table)
    assert table[0].reference is lists[0].references[0]
    assert table[2].reference is lists[1].references[0]


def test_list_for_rule() -> None:
    _, lists = two_articles()
    assert list_for(0, lists) is lists[0]
    assert list_for(lists[0].span.end + 5, lists) is lists[1]
    assert list_for(lists[1].span.end + 5, lists) is lists[1]
    assert list_for(10, []) is None


def test_dangling_numbers_stay_in_the_claim() -> None:
    text, lists = build("只有两条文献却引用了第三条[3]。\n\n", Lst([art("王五", 2019, "甲"), art("赵六", 2020, "乙")]))
    table = links(extract_claims(text, lists), lists)
    assert [(link.number, link.reference, link.status) for link in table] == [(3, None, "dangling")]


# ---------------------------------------------------------------- author–year


def author_year_doc() -> tuple[str, list[ReferenceList]]:
    return build(
        "Stem cells home to injury (Smith, 2020a). They also secrete factors (Smith, 2020b). "
        "Two groups agree (Smith & Jones, 2019; Jones 2019). Lee et al. (2021) extended this. "
        "中文研究也有报道(张三等, 2020)。张三和李四(2018)首先提出。A missing work (Brown, 2015) is cited.\n\n",
        Lst(
            [
                art("Smith J", 2020, "Homing of stem cells", apa=True),
                art("Smith J", 2020, "Secreted factors", apa=True),
                art("Smith J, Jones K", 2019, "A joint study", apa=True),
                art("Jones K", 2019, "A solo study", apa=True),
                art("Lee A, Park B, Kim C", 2021, "An extension", apa=True),
                art("张三, 王五, 赵六", 2020, "中文研究", apa=True),
                art("张三, 李四", 2018, "首次提出", apa=True),
            ],
            heading="References",
            numbered=False,
        ),
    )


def test_author_year_links_with_suffixes_and_coauthors() -> None:
    text, lists = author_year_doc()
    claims = extract_claims(text, lists)
    table = links(claims, lists)
    got = [(link.citation.marker, link.number, link.status) for link in table]
    assert got == [
        ("Smith, 2020a", 1, "linked"),
        ("Smith, 2020b", 2, "linked"),
        ("Smith & Jones, 2019", 3, "linked"),
        ("Jones 2019", 4, "linked"),
        ("Lee et al. (2021)", 5, "linked"),
        ("张三等, 2020", 6, "linked"),
        ("张三和李四(2018)", 7, "linked"),
        ("Brown, 2015", None, "dangling"),
    ]
    assert all(c.list_id == "L1" for claim in claims for c in claim.citations)


def test_printed_suffix_wins_over_list_order() -> None:
    text, lists = build(
        "First (Smith, 2020b). Then (Smith, 2020a).\n\n",
        Lst([(b.replace("(2020)", "(2020b)"), f) for b, f in [art("Smith J", 2020, "Listed first", apa=True)]]
            + [(b.replace("(2020)", "(2020a)"), f) for b, f in [art("Smith J", 2020, "Listed second", apa=True)]],
            heading="References", numbered=False),
    )
    table = links(extract_claims(text, lists), lists)
    assert [(link.citation.year, link.number) for link in table] == [("2020b", 1), ("2020a", 2)]


def test_same_author_same_year_without_suffix_is_ambiguous() -> None:
    text, lists = build(
        "Unclear which one (Smith, 2020).\n\n",
        Lst([art("Smith J", 2020, "One", apa=True), art("Smith J", 2020, "Two", apa=True)],
            heading="References", numbered=False),
    )
    table = links(extract_claims(text, lists), lists)
    assert [(link.number, link.status) for link in table] == [(1, "ambiguous")]


def test_author_year_lookalikes_are_dropped_in_numbered_documents() -> None:
    text, lists = build(
        "The Lancet (2020) published a trial[1]. It ran (Phase II, 2019) in (Beijing, 2018).\n\n",
        Lst([art("Smith J", 2020, "A trial")]),
    )
    claims = extract_claims(text, lists)
    assert [c.marker for claim in claims for c in claim.citations] == ["[1]"]


def test_author_year_in_numbered_document_that_matches_is_linked() -> None:
    text, lists = build("As Smith et al. (2020) showed[1].\n\n", Lst([art("Smith J, Li K, Wu M", 2020, "A trial")]))
    table = links(extract_claims(text, lists), lists)
    assert [(link.citation.marker, link.number) for link in table] == [("Smith et al. (2020)", 1), ("[1]", 1)]


def test_unparsed_entries_still_link_by_their_text() -> None:
    # entries without parsed authors (parser model missing): names are read off the text
    text, lists = build(
        "Seen (Garcia et al., 2011).\n\n",
        Lst([("Garcia M, Lopez P, Diaz R. A study. J Test. 2011;3:4-5.", {})], heading="References",
            numbered=False),
    )
    table = links(extract_claims(text, lists), lists)
    assert [(link.number, link.status) for link in table] == [(1, "linked")]


def test_authors_from_text_and_short_citation() -> None:
    assert authors_from_text("Ge W, Jiang J, Arp J. Title. Journal. 2010;1:2.") == ["Ge", "Jiang", "Arp"]
    assert authors_from_text("[7] Le Blanc K, Frassoni F. Title.") == ["Le Blanc", "Frassoni"]
    assert authors_from_text("曹某某, 鲁某. 题名[J]. 期刊, 2021.") == ["曹某某", "鲁某"]
    _, lists = two_articles()
    assert short_citation(lists[0].references[0]) == "张三和李四 2020"
    assert short_citation(lists[1].references[0]) == "Smith & Jones 2021"
    assert short_citation(lists[1].references[2]) == "Park et al. 2022"


# ---------------------------------------------------------------- claims


def test_one_claim_per_sentence_with_section_and_clauses() -> None:
    text, lists = build(
        "## 2 机制\n\n没有引用的一句。MSC 可分泌因子,调节免疫反应[1],并促进受损组织修复[2]。\n\n",
        Lst([art("王五", 2019, "甲"), art("赵六", 2020, "乙")]),
    )
    claims = extract_claims(text, lists)
    assert len(claims) == 1
    claim = claims[0]
    assert claim.text == "MSC 可分泌因子,调节免疫反应[1],并促进受损组织修复[2]。"
    assert claim.section == "2 机制"
    assert claim.span.line == 3
    assert text[claim.span.start : claim.span.end] == claim.text
    assert [link.clause for link in links(claims, lists)] == ["MSC 可分泌因子,调节免疫反应", "并促进受损组织修复"]


def test_marker_outside_any_sentence_gets_its_line() -> None:
    text, lists = build("## 3 讨论[1]\n\n正文。\n\n", Lst([art("王五", 2019, "甲")]))
    claims = extract_claims(text, lists)
    assert [(c.text, c.span.line) for c in claims] == [("## 3 讨论[1]", 1)]


def test_no_markers_no_claims() -> None:
    text, lists = build("没有任何引用。\n\n", Lst([art("王五", 2019, "甲")]))
    assert extract_claims(text, lists) == []


# ---------------------------------------------------------------- rendering


def test_render_json() -> None:
    text, lists = two_articles()
    claims = extract_claims(text, lists)
    payload = json.loads(render_claims(claims, lists, "json"))
    assert payload["count"] == len(claims) == len(payload["items"])
    first = payload["items"][0]
    assert first["line"] == 3 and first["markers"] == ["[1]"]
    assert first["citations"][0]["entries"] == [{"n": 1, "key": "L1:1", "short": "张三和李四 2020", "status": "linked"}]
    assert first["citations"][0]["clause"] == "脐带来源细胞免疫原性低"


def test_render_csv_and_md() -> None:
    text, lists = two_articles()
    claims = extract_claims(text, lists)
    rows = list(csv.reader(io.StringIO(render_claims(claims, lists, "csv"))))
    assert rows[0] == ["line", "section", "sentence", "markers", "entries"]
    assert rows[1][2] == "脐带来源细胞免疫原性低[1]。"
    assert rows[1][4] == "[1] 张三和李四 2020"
    md = render_claims(claims, lists, "md")
    assert md.splitlines()[0] == "| line | sentence | markers | entries |"
    assert len(md.splitlines()) == 2 + len(claims)


def test_render_table_prints_document_text_literally() -> None:
    text, lists = build("Markup [bold]stays[/bold] literal | here[1].\n\n", Lst([art("Smith J", 2020, "A")]))
    claims = extract_claims(text, lists)
    out = render_claims(claims, lists, "table", width=200)
    assert "[bold]stays[/bold]" in out
    md = render_claims(claims, lists, "md")
    assert "literal \\| here" in md


def test_render_unknown_format() -> None:
    import pytest

    with pytest.raises(ValueError, match="no such writer format"):
        render_claims([], [], "xml")
    with pytest.raises(ValueError, match="not an output format of `claims`"):
        render_claims([], [], "html")


def test_a_long_review_is_processed_well_under_a_second() -> None:
    """~150k characters, ~500 markers, 200 entries: claims and structural findings together."""
    import random
    import time

    from citecheck.claims.structure import structural_findings

    rng = random.Random(7)
    prose: list[str] = []
    cited = 0
    for section in range(1, 26):
        prose.append(f"## {section} 第{section}部分\n\n")
        for _ in range(40):
            sentence = "间充质干细胞可通过旁分泌和细胞间接触调节免疫细胞的表型与功能, 从而促进受损组织修复"
            if rng.random() < 0.5:
                cited = min(cited + 1, 200) if rng.random() < 0.5 else rng.randint(1, max(1, cited))
                sentence += f"[{cited}]"
            prose.append(sentence + "。 Results were 3.5-fold higher, e.g. in Fig. 2 (p < 0.05). ")
        prose.append("\n\n")
    text, lists = build("".join(prose), Lst([art(f"Author{i} A, Other B", 2020, f"Title {i}") for i in range(1, 201)]))
    assert len(text) > 100_000
    t0 = time.perf_counter()
    claims = extract_claims(text, lists)
    structural_findings(text, lists, claims)
    elapsed = time.perf_counter() - t0
    assert sum(len(c.citations) for c in claims) > 350
    assert elapsed < 1.5, f"{elapsed:.2f}s"


def test_bracketed_numbers_in_author_year_documents() -> None:
    entries = [art("Smith J", 2020, "One", apa=True), art("Jones K", 2019, "Two", apa=True)]
    # cited by author and year: "[2]" is an index, not the second entry
    text, lists = build("Seen (Smith, 2020). The vector v[2] is used.\n\n",
                        Lst(entries, heading="References", numbered=False))
    assert [c.marker for claim in extract_claims(text, lists) for c in claim.citations] == ["Smith, 2020"]
    # no author–year citation at all: numbers cite by position (labels lost in extraction)
    text, lists = build("Seen before [2].\n\n", Lst(entries, heading="References", numbered=False))
    assert [link.number for link in links(extract_claims(text, lists), lists)] == [2]
