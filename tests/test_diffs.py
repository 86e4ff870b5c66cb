"""Diff classification and journal-abbreviation equivalence: one example (at least) per kind."""

from __future__ import annotations

import pytest

from citecheck.matching.diffs import author_diffs, classify, classify_text, classify_value, field_diff
from citecheck.matching.journals import (
    abbreviates,
    abbreviation_typo,
    find_in_words,
    is_abbreviation,
    journal_equal,
    words,
)

# ---------------------------------------------------------------- text kinds


@pytest.mark.parametrize(
    ("ours", "theirs", "kind"),
    [
        ("Tidal mixing in the Compto n fjord", "Tidal mixing in the Compton fjord", "ocr_spacing"),
        ("Tidalmixing in the Compton fjord", "Tidal mixing in the Compton fjord", "ocr_spacing"),
        ("R e s u l t s of a survey of moss", "Results of a survey of moss", "letter_spacing"),
        ("Seasonal treat- ment of orchard soils", "Seasonal treatment of orchard soils", "hyphenation"),
        ("Ce11 migration in zebrafish fins", "Cell migration in zebrafish fins", "char_confusion"),
        ("M0use models of lichen growth", "Mouse models of lichen growth", "char_confusion"),
        ("Modem sediment cores", "Modern sediment cores", "char_confusion"),
        ("Seasonal dynamics of soil nitorgen in alpine meadows", "Seasonal dynamics of soil nitrogen in alpine meadows",
         "typo"),
        ("Attention is not all you need for lichens", "Attention is all you need for lichens", "wrong_value"),
        ("Deep learning", "Deep learning for glacier front mapping", "wrong_value"),
    ],
)
def test_title_kinds(ours: str, theirs: str, kind: str) -> None:
    assert classify_text("title", ours, theirs) == kind


def test_equal_up_to_case_and_punctuation_is_no_diff() -> None:
    assert classify_text("title", "Tidal mixing: a review.", "tidal mixing - a review") is None
    assert field_diff("title", "A study", "a study.") is None


def test_cjk_titles_are_compared_not_stripped() -> None:
    assert classify_text("title", "青藏高原冻土碳循环研究进展", "青藏高原冻土碳循环研究进展") is None
    assert classify_text("title", "青藏高原冻土碳循环研究进展", "黄土高原植被恢复的水文效应") == "wrong_value"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("field", "ours", "theirs", "kind"),
    [
        ("issued", "2019", "2020", "wrong_value"),
        ("volume", "42", "24", "wrong_value"),
        ("issue", "3", "4", "wrong_value"),
        ("page", "101-110", "111-120", "wrong_value"),
        ("page", "1923-7", "1923-1927", None),
        ("page", "1923–1927", "1923-1927", None),
        ("volume", "l2", "12", "char_confusion"),
        ("issued", "2 019", "2019", "ocr_spacing"),
    ],
)
def test_value_kinds(field: str, ours: str, theirs: str, kind: str | None) -> None:
    assert classify_value(field, ours, theirs) == kind
    assert classify(field, ours, theirs) == kind


# ---------------------------------------------------------------- journals


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Curr Rheumatol Rep", "Current rheumatology reports"),
        ("J. Glacial Stud.", "Journal of Glacial Studies"),
        ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences of the United States of America"),
        ("Ann. Moss Res.", "Annals of Moss Research"),
        ("Biochim Biophys Acta", "Biochimica et biophysica acta"),
        ("Arch Lichenol", "Archives of lichenology (English ed.)"),
    ],
)
def test_abbreviation_equivalence(a: str, b: str) -> None:
    assert is_abbreviation(a, b)
    assert is_abbreviation(b, a)
    assert classify_text("container-title", a, b) == "abbreviation"


def test_not_an_abbreviation() -> None:
    assert not is_abbreviation("J Biol", "Journal of Biological Chemistry")  # a word is missing
    assert not is_abbreviation("Moss Res", "Lichen Research")
    assert classify_text("container-title", "Annals of Moss Research", "Journal of Fjord Science") == "wrong_value"


def test_nlm_suffixes_are_the_same_journal() -> None:
    assert journal_equal("Current Glaciology", "Current glaciology : CG")
    assert journal_equal("Science", "Science (New York, N.Y.)")
    assert classify_text("container-title", "Current Glaciology", "Current glaciology : CG") is None


def test_word_abbreviation_rules() -> None:
    assert abbreviates("j", "journal")
    assert abbreviates("natl", "national")  # an ISO 4 contraction
    assert abbreviates("jpn", "japanese")
    assert abbreviates("fjordheilkd", "fjordheilkunde")  # German -kunde → -kd
    assert not abbreviates("nat", "international")
    # Letters in order are not enough: ISO 4 truncates, so a skipped letter is a misspelling.
    assert not abbreviates("glaciolgy", "glaciology")
    assert not abbreviates("biotechnl", "biotechnology")
    assert abbreviates("biotechnol", "biotechnology")


def test_misspelt_abbreviation_is_a_typo_not_an_abbreviation() -> None:
    full, short = "Annals of Moss Biotechnology", "Ann Moss Biotechnol"
    assert not is_abbreviation("Ann Moss Biotechnl", full)
    assert abbreviation_typo("Ann Moss Biotechnl", full)
    assert classify_text("container-title", "Ann Moss Biotechnl", full) == "typo"
    assert classify_text("container-title", "Ann Moss Biotechnl", short) == "typo"
    assert classify_text("container-title", "Ann Moss Biotechnol", full) == "abbreviation"
    # Two words off in a three-word title is another journal, not a typo.
    assert classify_text("container-title", "Ann Mass Biotechnl", full) == "wrong_value"


def test_find_journal_in_string_words() -> None:
    ws = words("Berg, A. (2001). Ice ages. J Glacial Stud, 12(3), 1-9.")
    assert find_in_words("Journal of Glacial Studies", ws) is not None
    # A one-word journal must match whole: "Cell" is not found in "cells".
    assert find_in_words("Cell", words("Stem cells of moss. Plant Biol. 2001")) is None


# ---------------------------------------------------------------- authors


def _n(family: str, given: str = "") -> dict[str, str]:
    return {"family": family, "given": given} if given else {"family": family}


def test_missing_author_without_et_al() -> None:
    theirs = [_n("Berg", "Anna"), _n("Lund", "Per"), _n("Ek", "Maja")]
    diffs = author_diffs([_n("Berg", "A"), _n("Lund", "P")], theirs)
    assert [d.kind for d in diffs] == ["missing_author"]
    assert "Ek" in diffs[0].theirs


def test_et_al_allows_truncation() -> None:
    theirs = [_n("Berg", "Anna"), _n("Lund", "Per"), _n("Ek", "Maja")]
    assert author_diffs([_n("Berg", "A")], theirs, etal=True) == []


def test_extra_author() -> None:
    diffs = author_diffs([_n("Berg", "A"), _n("Holm", "K"), _n("Lund", "P")], [_n("Berg", "Anna"), _n("Lund", "Per")])
    assert [(d.kind, d.ours) for d in diffs] == [("extra_author", "Holm K")]


def test_garbled_author() -> None:
    diffs = author_diffs([_n("Berg", "A"), {"literal": "I T"}], [_n("Berg", "Anna"), _n("Torvik", "Ivar")])
    assert [d.kind for d in diffs] == ["author_garbled"]
    assert diffs[0].theirs.startswith("Torvik")


def test_author_typo() -> None:
    diffs = author_diffs([_n("Lindqvist", "A")], [_n("Lindquist", "Anna")])
    assert [d.kind for d in diffs] == ["typo"]


def test_cjk_names_as_written() -> None:
    theirs = [_n("王", "小明"), _n("李", "华")]
    assert author_diffs([{"literal": "王小明"}, {"literal": "李华"}], theirs) == []
    diffs = author_diffs([{"literal": "王小明"}], theirs)
    assert [d.kind for d in diffs] == ["missing_author"]
