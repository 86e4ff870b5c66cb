"""Certain OCR repairs, each reported; and the non-repairs (fixtures written for these tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.refs.repair import repair, strip_emphasis


def fixed(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    out, issues = repair(text)
    return out, [(i.code, i.before, i.after) for i in issues]


@pytest.mark.parametrize(
    ("before", "after", "code"),
    [
        # letter-spaced runs
        ("Roles of h e ma t o p o i e t i c niches[J]. Blood Lett, 2011, 3: 1-9.", "hematopoietic", "letter_spacing"),
        # words run together
        ("Tan W, Roe P. Growth of Lewislung carcinoma in mice. Tumor Lett. 2014;5:10-19.", "Lewis lung", "run_together"),
        ("Tan W, Roe P. Exosomes asvehicles for drugs. Drug Lett. 2014;5:10-19.", "as vehicles", "run_together"),
        # hyphenation splits
        ("Ode K. Induced pluripo-tent cells from skin. Stem Lett. 2012;4:1-8.", "pluripotent", "hyphenation"),
        ("Ode K. Human mes- enchymal cells. Stem Lett. 2012;4:1-8.", "mesenchymal", "hyphenation"),
        # line-break marks: OCR's not sign and a soft hyphen join whatever the halves (`Gener` is no word)
        ("Xu Y: Gener¬ ation of plurip¬ otent stem cells. Stem Lett. 2012;4:1-8.", "Generation of pluripotent",
         "hyphenation"),
        ("Ode K. Mesen\u00adchymal cells. Stem Lett. 2012;4:1-8.", "Mesenchymal cells", "hyphenation"),
        # spaced hyphens
        ("Abe T, Rossi - Marchetti GL, Ode K. A title. J Lett. 2010;2:3-4.", "Rossi-Marchetti", "spaced_hyphen"),
        ("Ode K. Umbilical cord - derived cells. J Lett. 2010;2:3-4.", "cord-derived", "spaced_hyphen"),
        ("Ode K. Stromal cell - based therapy. J Lett. 2010;2:3-4.", "cell-based", "spaced_hyphen"),
        # pages and numbers
        ("Ode K. A title[J]. J Lett, 2010, 51(6): 1402 - 1417.", ": 1402-1417.", "page_spacing"),
        ("Ode K. A title[J]. J Lett, 2010, 14 (7):858.", "14(7):858", "page_spacing"),
        ("Ode K. A title. J Lett. 2010;90;1312-20.", "2010;90:1312-20", "punctuation"),
        # characters
        ("Ode K. Eﬃcient ﬁxation of cells. J Lett. 2010;2:3-4.", "Efficient fixation", "ligature"),
        ("Ode K. A title。J Lett，2010，2：3-4。", "J Lett,2010,2:3-4.", "punctuation"),
        # Greek letters spaced by PDF extraction
        ("Ode K. The IFN- β /IL-27 axis. J Lett. 2010;2:3-4.", "IFN-β/IL-27", "ocr_spacing"),
        ("Ode K. The Wnt/ β -Catenin pathway. J Lett. 2010;2:3-4.", "Wnt/β-Catenin", "ocr_spacing"),
        ("Ode K. Blocking NF- κ B in cells. J Lett. 2010;2:3-4.", "NF-κB in", "ocr_spacing"),
        ("Ode K. TGF- β -induced cells. J Lett. 2010;2:3-4.", "TGF-β-induced", "ocr_spacing"),
    ],
)
def test_repairs_are_made_and_reported(before: str, after: str, code: str) -> None:
    out, issues = fixed(before)
    assert after in out
    assert any(c == code for c, _, _ in issues), issues
    for _c, b, a in issues:
        if a:
            assert b and b != a


@pytest.mark.parametrize(
    "text",
    [
        # acronyms, gene names, CamelCase, journals
        "Ode K. GMSCs and miRNA-21 regulate Notch1 in iScience models[J]. iScience, 2020, 23: 101-109.",
        "Ode K. CD39-CD73 signalling in TheraGen cells. JCI Insight. 2020;5:e1234.",
        # real compounds keep their hyphen
        "Ode K. Bone-derived and graft-versus-host cells in rat models. J Lett. 2010;2:3-4.",
        "Ode K. Co-culture, follow-up and re-evaluation of long-term anti-inflammatory effects. J Lett. 2010;2:3-4.",
        "Ode K. Early- and late-stage cells; dependent or -independent effects. J Lett. 2010;2:3-4.",
        # technical words absent from everyday English are not split
        "Ode K. Transdifferentiation, neurofilament and multilineage intracoronary cells. J Lett. 2010;2:3-4.",
        # names in the author part are never split; capitalised names in titles neither
        "Lighthill M, Suchman L. Notes on Sawford and Colestock. Cureus. 2021;13:e1.",
        # initials are not letter spacing; a spaced Greek letter after a word is fine
        "Ode K L M, Abe T. Glucose-induced β-cell injury in type I and II disease. J Lett. 2010;2:3-4.",
        # Chinese entries
        "曹某某, 鲁某. 间充质干细胞的应用[J]. 中华医学杂志, 2021, 101(16): 1123-1127.",
    ],
)
def test_non_repairs_leave_text_untouched(text: str) -> None:
    out, issues = fixed(text)
    assert out == text
    assert issues == []


def test_markdown_emphasis_is_dropped_silently() -> None:
    out, issues = fixed("Ode K. A title[J]. *Cell Rep*, 2010, 2(1): 3-4.")
    assert out == "Ode K. A title[J]. Cell Rep, 2010, 2(1): 3-4."
    assert issues == []
    assert strip_emphasis("**Bold** and *it*") == "Bold and it"


def test_flags_do_not_change_text() -> None:
    text = "I T, Kanemoto R, Ode K, et al. A title[J]. Oral Lett, 2024, 30(1): 38-49."
    out, issues = fixed(text)
    assert out == text
    assert [c for c, _, _ in issues] == ["missing_author"]

    text = "Ode K, Abe T. A title. Mol Lett 2010;9129."
    out, issues = fixed(text)
    assert out == text
    assert [c for c, _, _ in issues] == ["volume_page_run_together"]


def test_surnames_of_two_letters_are_not_missing_authors() -> None:
    for text in ("Li X, Wu Y. A title. J Lett. 2010;2:3-4.", "Ng KW. A title. J Lett. 2010;2:3-4."):
        assert fixed(text)[1] == []


def test_every_change_is_reported() -> None:
    text = "Ode K. h e ma t o p o i e t i c and pluripo-tent cells - derived[J]. J Lett, 2010, 3 (2):11 - 19."
    out, issues = repair(text)
    # replaying the reported repairs on the input gives the output
    replay = text
    for i in issues:
        if i.after:
            assert i.before in replay
            replay = replay.replace(i.before, i.after, 1)
    assert replay == out


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_repair_never_raises(text: str) -> None:
    out, issues = repair(text)
    assert isinstance(out, str)
    assert all(i.code for i in issues)


def test_possible_hyphenation_is_flagged_not_repaired() -> None:
    """`xeno-graft`: the joined form is a word but the hyphen may be the writer's, so only a flag."""
    text = "Ode K. Cells inhibit xeno-graft-versus-host disease. J Lett. 2010;2:3-4."
    out, issues = fixed(text)
    assert out == text
    assert issues == [("hyphenation", "xeno-graft", "xenograft")]
    _, raw_issues = repair(text)
    assert raw_issues[0].confidence < 1.0


def test_journal_names_checked_against_iso4() -> None:
    """Offline: a one-letter slip in an abbreviated journal, and title words fused with the journal."""
    from citecheck.refs.journals import journal_issues

    def issues(journal: str) -> list[tuple[str, str]]:
        return [(i.code, i.after) for i in journal_issues({"container-title": journal})]

    assert issues("Curr Pharm Repm") == [("journal_typo", "Rep")]
    assert issues("Int J Biotechnl") == [("journal_typo", "Biotechnol")]
    assert issues("Curr Pharm Rep") == []  # correct abbreviations pass
    assert issues("JAMA Netw Open") == [] and issues("Journal of Things and Stuff") == []
    fused = issues("Randomized Comparative Trial Mol Cell Biol")
    assert fused and fused[0][0] == "fused_title_journal" and fused[0][1].endswith("Mol Cell Biol")


@pytest.mark.parametrize(("broken", "link"), [
    ("Zenodo. https://doi.org/10.5281/     zenodo.3509134", "https://doi.org/10.5281/zenodo.3509134"),
    ("MNRAS, 385(3), 1359–1364. https://doi.org/10.1111/\n    j.1365-2966.2008.12837.x",
     "https://doi.org/10.1111/j.1365-2966.2008.12837.x"),
    ("Megaparsec: cosmos. https://astronomy.swin.edu.au/cosmos/ m/megaparsec",
     "https://astronomy.swin.edu.au/cosmos/m/megaparsec"),
])
def test_a_link_broken_at_a_line_end_is_joined_and_reported(broken: str, link: str) -> None:
    text, issues = repair(broken)
    assert text.endswith(link) and [i.code for i in issues] == ["broken_link"]


@pytest.mark.parametrize("text", ["Some page. https://example.org/ accessed 2020",
                                  "Title. https://example.org/a. The next sentence"])
def test_the_words_after_a_link_stay_apart(text: str) -> None:
    assert repair(text) == (text, [])
