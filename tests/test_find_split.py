"""Finding reference lists and splitting them into entries (fixtures written for these tests)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.refs.extract import extract_lists, references_from_lines
from citecheck.text import normalize

REF_A = "Moreau P, Lindqvist K, Oyelaran T. Stromal niches in a zebrafish fin model[J]. Dev Cell Res, 2019, 12(4): 211-219."
REF_B = "Haverford J, Quispe L. Tracking vesicle release in cultured astrocytes[J]. Glia Methods, 2021, 7(2): 45-52."
REF_C = "Nakamura-Berg S, Tollefsen R, et al. Lineage tracing of periosteal cells[J]. Bone Rep Lett, 2020, 33: 1001-1010."
REF_D = "Castellanos M, Ibe O. Hypoxic preconditioning of marrow cells[J]. Cell Stress Biol, 2018, 4(1): 9-17."
ENTRIES = [REF_A, REF_B, REF_C, REF_D]

BODY = "干细胞研究近年来进展迅速^[1]。多项研究表明其具有免疫调节作用^[2-3]。\n\n"


def one_list(text: str):
    lists = extract_lists(text)
    assert len(lists) == 1, [(x.heading, len(x.references)) for x in lists]
    return lists[0]


def check_spans(text: str, lists) -> None:
    for lst in lists:
        assert text[lst.span.start : lst.span.end] or not lst.references
        for r in lst.references:
            assert text[r.span.start : r.span.end] == r.raw
            assert r.span.line == text.count("\n", 0, r.span.start) + 1
            assert r.raw.startswith(r.label)


# ------------------------------------------------------------------ headings


@pytest.mark.parametrize(
    "heading",
    [
        "参考文献",
        "[参考文献]",
        "【参考文献】",
        "参 考 文 献",
        "参考文献:",
        "References",
        "REFERENCES",
        "Bibliography",
        "Literature cited",
        "Works Cited",
        "Reference list",
        "## References",
        "**References**",
        "### 参考文献",
    ],
)
def test_heading_forms(heading: str) -> None:
    text = BODY + heading + "\n\n" + "\n".join(f"[{i}] {r}" for i, r in enumerate(ENTRIES, 1)) + "\n"
    lst = one_list(text)
    assert lst.heading == heading.strip()
    assert [r.n for r in lst.references] == [1, 2, 3, 4]
    assert lst.references[0].text == REF_A
    assert lst.id == "L1"
    check_spans(text, [lst])


def test_heading_with_entries_on_the_same_line() -> None:
    text = BODY + "参考文献:" + "".join(f"[{i}]{r}" for i, r in enumerate(ENTRIES, 1)) + "\n"
    lst = one_list(text)
    assert lst.heading == "参考文献:"
    assert [r.n for r in lst.references] == [1, 2, 3, 4]
    assert [r.text for r in lst.references] == ENTRIES
    # run together normally: no damage reported
    assert not any(w.code == "merged_entries" for r in lst.references for w in r.warnings)
    check_spans(text, [lst])


def test_type_codes_and_citation_brackets_are_never_labels() -> None:
    tricky = "Ruiz F. Notes on [2] and [M] markers in old catalogues[M]//Ed A. Proc Cat Soc. 2003: 1-9."
    text = "参考文献:[1]" + tricky + "[2]" + REF_B + "[3]" + REF_C
    lst = one_list(text)
    # "[2]" inside entry 1 is taken as entry 2's label only because 2 is next; entry 1 then ends there
    assert [r.n for r in lst.references] == [1, 2, 3]
    assert all("[M]" not in r.label for r in lst.references)


def test_prose_starting_with_references_is_not_a_heading() -> None:
    text = "References to earlier work are given in the text.\nNothing else here.\n"
    assert extract_lists(text) == []


# ------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("fmt", "label"),
    [
        ("[{n}] {r}", "[1]"),
        ("- [{n}] {r}", "[1]"),
        ("{n}. {r}", "1."),
        ("{n}、{r}", "1、"),
        ("({n}) {r}", "(1)"),
        ("{n}) {r}", "1)"),
        ("［{n}］{r}", "[1]"),
        ("\\[{n}\\] {r}", "\\[1\\]"),
        ("[{n}]. {r}", "[1]"),
        ("（{n}）{r}", "(1)"),
    ],
)
def test_label_forms(fmt: str, label: str) -> None:
    text = normalize("References\n\n" + "\n".join(fmt.format(n=i, r=r) for i, r in enumerate(ENTRIES, 1)))
    lst = one_list(text)
    assert [r.n for r in lst.references] == [1, 2, 3, 4]
    assert lst.references[0].label == label
    assert lst.references[1].text == REF_B
    check_spans(text, [lst])


def test_unnumbered_author_year_one_per_line() -> None:
    refs = [
        "Abernathy, R. (2015). Soil carbon in alpine meadows. Ecol Notes, 4(2), 33-41.",
        "Bellweather, K., & Osei, P. (2019). Drought and root depth. Plant Lett, 11, 100-112.",
        "Corvino, T. (2020). Microbial crusts revisited. Arid Biol, 3(1), 1-9.",
    ]
    text = "Introduction text.\n\nReferences\n\n" + "\n".join(refs) + "\n"
    lst = one_list(text)
    assert [r.n for r in lst.references] == [1, 2, 3]
    assert [r.text for r in lst.references] == refs
    assert lst.style == "apa"
    check_spans(text, [lst])


def test_unnumbered_hanging_blocks_and_paragraphs() -> None:
    text = (
        "Works Cited\n\n"
        "Abernathy, R. (2015). Soil carbon in alpine meadows and the long\n"
        "    winters that follow them. Ecol Notes, 4(2), 33-41.\n"
        "Bellweather, K. (2019). Drought and root depth in dry\n"
        "    grasslands. Plant Lett, 11, 100-112.\n\n"
        "Corvino, T. (2020). Microbial crusts revisited in the\n"
        "high desert. Arid Biol, 3(1), 1-9.\n"
    )
    lst = one_list(text)
    assert len(lst.references) == 3
    assert lst.references[0].text.endswith("the long winters that follow them. Ecol Notes, 4(2), 33-41.")
    assert lst.references[2].text == "Corvino, T. (2020). Microbial crusts revisited in the high desert. Arid Biol, 3(1), 1-9."
    check_spans(text, [lst])


# ------------------------------------------------------------------ broken, run-together, merged entries


def test_continuation_lines_join_the_entry() -> None:
    text = (
        "References\n"
        "1. Moreau P, Lindqvist K. Stromal niches in a zebrafish\n"
        "fin model. Dev Cell Res. 2019;12:211-9.\n"
        "2. Haverford J. Tracking vesicle release in cultured astro-\n"
        "cytes. Glia Methods. 2021;7:45-52.\n"
        "3. Quispe L. Another title. Glia Methods. 2021;7:53-60.\n"
    )
    lst = one_list(text)
    assert len(lst.references) == 3
    assert lst.references[0].text == "Moreau P, Lindqvist K. Stromal niches in a zebrafish fin model. Dev Cell Res. 2019;12:211-9."
    assert "astrocytes" in lst.references[1].text
    assert not any(w.code == "broken_entry" for w in lst.references[0].warnings)
    check_spans(text, [lst])


def test_entry_broken_across_a_page_is_joined_with_a_warning() -> None:
    text = (
        "[参考文献]\n\n"
        f"- [1] {REF_A}\n"
        "- [2] Haverford J, Quispe L. Tracking vesicle release in cultured astrocytes[J]. *Glia*\n\n"
        "- Methods Mol Biol, 2021, 7(2): 45-52.\n"
        f"- [3] {REF_C}\n"
    )
    lst = one_list(text)
    assert [r.n for r in lst.references] == [1, 2, 3]
    second = lst.references[1]
    assert second.text.endswith("astrocytes[J]. Glia Methods Mol Biol, 2021, 7(2): 45-52.")
    assert second.raw.endswith("- Methods Mol Biol, 2021, 7(2): 45-52.")
    assert [w.code for w in second.warnings if w.code == "broken_entry"] == ["broken_entry"]
    check_spans(text, [lst])


def test_entries_merged_by_damage_are_split_and_flagged() -> None:
    text = (
        "参考文献\n\n"
        "1、Moreau P, Lindqvist K. Stromal niches in a zebrafish fin model. Dev Cell Res. 2019;12:211–9.\n\n"
        "2、Haverford J, Quispe L. Tracking vesicle release. Glia Methods. 2021;7:45–3、Castellanos M, Ibe O. "
        "Hypoxic preconditioning of marrow cells. Cell Stress Biol. 2018;4:9–17.\n\n"
        "4、Nakamura S. Lineage tracing of periosteal cells. Bone Rep Lett. 2020;33:1001–10.\n"
    )
    lst = one_list(text)
    assert [r.n for r in lst.references] == [1, 2, 3, 4]
    two, three = lst.references[1], lst.references[2]
    assert two.raw.endswith("2021;7:45–")
    assert three.label == "3、" and three.text.startswith("Castellanos M")
    for r in (two, three):
        codes = [w.code for w in r.warnings]
        assert "merged_entries" in codes
    assert "last page" in next(w.message for w in two.warnings if w.code == "merged_entries")
    assert not lst.warnings  # no numbering gap left
    check_spans(text, [lst])


def test_dot_labels_run_together_on_one_line() -> None:
    text = (
        "References: 1. Moreau P, Lindqvist K. Stromal niches. Dev Cell Res. 2019;12:211-9. "
        "2. Haverford J. Vesicle release. Glia Methods. 2021;7:45-52. 3. Quispe L. Another title. Glia Methods. 2021;7:53-60."
    )
    lst = one_list(text)
    assert [r.label for r in lst.references] == ["1.", "2.", "3."]
    assert lst.references[1].text == "Haverford J. Vesicle release. Glia Methods. 2021;7:45-52."
    check_spans(text, [lst])


def test_page_header_between_entries_is_skipped_and_reported() -> None:
    text = (
        "REFERENCES\n\n"
        "1. Moreau P. Stromal niches. Dev Cell Res. 2019;12:211-9.\n\n"
        "2. Haverford J. Vesicle release. Glia Methods. 2021;7:45-52.\n\n"
        "Journal of Imaginary Studies 2024; 12: 33\n\n"
        "3. Quispe L. Another title. Glia Methods. 2021;7:53-60.\n\n"
        "Figure 1. A caption that follows the list.\n"
    )
    lst = one_list(text)
    assert [r.n for r in lst.references] == [1, 2, 3]
    assert "Journal of Imaginary" not in lst.references[1].raw
    assert [w.code for w in lst.warnings] == ["skipped_lines"]


def test_numbering_gap_is_reported() -> None:
    text = "References\n" + "\n".join(f"[{i}] {r}" for i, r in zip((1, 2, 4, 5), ENTRIES, strict=True)) + "\n"
    lst = one_list(text)
    assert [r.n for r in lst.references] == [1, 2, 4, 5]
    assert [w.code for w in lst.warnings] == ["numbering_gap"]


# ------------------------------------------------------------------ several lists, no-heading lists, false lists


def test_several_articles_each_with_its_list() -> None:
    article = (
        "{title}\n\n正文内容第一段,介绍了研究背景^[1]。\n\n参考文献\n\n"
        "[1] {a}\n[2] {b}\n[3] {c}\n\n(收稿日期:2023-05-01)\n\n(本文编辑:某某)\n\n"
    )
    text = article.format(title="第一篇文章", a=REF_A, b=REF_B, c=REF_C) + article.format(
        title="第二篇文章", a=REF_D, b=REF_C, c=REF_A
    )
    lists = extract_lists(text)
    assert [x.id for x in lists] == ["L1", "L2"]
    assert [len(x.references) for x in lists] == [3, 3]
    assert lists[1].references[0].text == REF_D
    assert all(r.list_id == x.id for x in lists for r in x.references)
    assert "收稿日期" not in lists[0].references[-1].raw
    check_spans(text, lists)


def test_list_ends_at_next_article_title_and_prose() -> None:
    text = (
        "References\n"
        f"1. {REF_A}\n2. {REF_B}\n\n"
        "A New Article About Something Else Entirely\n\n"
        "This paragraph is ordinary prose that goes on for a while and discusses results without any "
        "bibliographic structure at all, so it must not be swallowed by the list above it.\n"
    )
    lst = one_list(text)
    assert len(lst.references) == 2
    assert lst.references[-1].raw.endswith("45-52.")


def test_numbered_list_at_the_end_without_heading() -> None:
    text = (
        "Some body text with claims [1], [2].\n\n"
        + "\n".join(f"{i}. {r}" for i, r in enumerate(ENTRIES, 1))
        + "\n"
    )
    lst = one_list(text)
    assert lst.heading == ""
    assert [r.n for r in lst.references] == [1, 2, 3, 4]
    check_spans(text, [lst])


def test_procedure_steps_are_not_a_reference_list() -> None:
    text = (
        "Methods\n\n"
        "1. Thaw the cells in a water bath and transfer them to a tube.\n"
        "2. Centrifuge for five minutes and discard the supernatant.\n"
        "3. Resuspend the pellet in fresh medium and count the cells.\n"
        "4. Seed the cells into flasks and incubate overnight.\n\n"
        "Results were recorded daily.\n"
    )
    assert extract_lists(text) == []


def test_body_steps_and_a_real_list_in_one_document() -> None:
    text = (
        "1. Thaw the cells.\n2. Centrifuge them.\n3. Count them.\n\n参考文献\n\n"
        + "\n".join(f"{i}. {r}" for i, r in enumerate(ENTRIES, 1))
    )
    lst = one_list(text)
    assert lst.heading == "参考文献"
    assert len(lst.references) == 4


# ------------------------------------------------------------------ style, --lines


def test_style_guesses() -> None:
    gbt = one_list("参考文献\n" + "\n".join(f"[{i}] {r}" for i, r in enumerate(ENTRIES, 1)))
    assert gbt.style == "gbt7714"
    vanc = one_list(
        "References\n"
        "1. Moreau P. Stromal niches. Dev Cell Res. 2019;12(4):211-9.\n"
        "2. Haverford J. Vesicle release. Glia Methods. 2021;7:45-52.\n"
        "3. Quispe L. Another title. Glia Methods. 2021;7:53-60.\n"
    )
    assert vanc.style == "vancouver"


def test_references_from_lines() -> None:
    text = f"{REF_A}\n\n  {REF_B}  \n[7] {REF_C}\n"
    (lst,) = references_from_lines(text)
    assert lst.id == "L1"
    assert [r.n for r in lst.references] == [1, 2, 3]
    assert lst.references[1].raw == REF_B
    assert lst.references[2].label == "[7]" and lst.references[2].text == REF_C
    check_spans(text, [lst])
    assert references_from_lines("") == [] and references_from_lines("\n \n") == []


# ------------------------------------------------------------------ robustness


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                ["参考文献", "References", "[1] ", "1. ", "2、", "(3) ", "- [2] ", "\n", "\n\n", "[J]. ",
                 "2019;12:211-9.", " - ", "h e l l o", "*Cell*", "β", "(收稿日期:2020)", REF_A, REF_B]
            ),
        ),
        max_size=40,
    )
)
def test_extract_never_raises_and_spans_point_at_raw(parts: list[str]) -> None:
    text = "".join(parts)
    lists = extract_lists(text)
    check_spans(text, lists)
    for lst in references_from_lines(text):
        for r in lst.references:
            assert text[r.span.start : r.span.end] == r.raw


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        "[" * 100_000,
        "参考文献:" + "[" * 100_000,
        "References\n[1] " + "a " * 200_000,
        "References\n[1] Smith J. " + "h e m a " * 50_000,
        "\n".join("1. x" for _ in range(20_000)),
        "",
        "\n\n\n",
    ],
)
def test_adversarial_inputs_are_bounded(text: str) -> None:
    t0 = time.perf_counter()
    lists = extract_lists(text)
    assert time.perf_counter() - t0 < 15
    check_spans(text, lists)


def test_five_thousand_references_extract_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    from citecheck.refs import parse

    monkeypatch.setattr(parse, "parse_reference", lambda t: ({}, []))
    extract_lists("References\n[1] " + REF_A)  # warm the word list
    text = "参考文献\n\n" + "\n".join(
        f"[{i}] Author{i} J, Writer K, et al. Study number {i} of stromal niches[J]. J Test Res, {1990 + i % 30}, "
        f"{i % 50}({i % 12}): {i}-{i + 9}."
        for i in range(1, 5001)
    )
    t0 = time.perf_counter()
    (lst,) = extract_lists(text)
    elapsed = time.perf_counter() - t0
    assert len(lst.references) == 5000
    assert elapsed < 5, elapsed  # ~1 s on a quiet machine; generous for loaded CI
