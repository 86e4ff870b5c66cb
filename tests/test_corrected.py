"""The corrected bibliography changes only what matching showed wrong or missing, and lists every change;
the re-rendered list follows the chosen CSL style."""

from __future__ import annotations

import pytest

from citecheck.export.corrected import changes_text, corrected_fields
from citecheck.export.restyle import StyleError, render_list
from citecheck.model import FieldDiff, Match, Record, Reference, Span

RECORD = Record(fields={
    "type": "article-journal", "title": "Tidal rhythms of shore crabs", "container-title": "Journal of marine biology",
    "author": [{"family": "Okafor", "given": "Ada"}, {"family": "Lind", "given": "Bo"}],
    "issued": {"date-parts": [[2015]]}, "volume": "12", "issue": "3", "page": "101-110", "DOI": "10.9999/jmb.2015.12",
}, source="index")


def _ref(**fields: object) -> Reference:
    base = {"type": "article-journal", "title": "Tidal rhythms of shore crabs", "container-title": "J Mar Biol",
            "author": [{"family": "Okafor", "given": "A"}, {"family": "Lind", "given": "B"}],
            "issued": {"date-parts": [[2015]]}, "volume": "21", "page": "101-110"}
    base.update(fields)
    return Reference("L1", 4, "raw", Span(0, 3, 1), fields=base)


def test_only_wrong_and_missing_fields_change() -> None:
    m = Match(_ref(), "corrected", RECORD, 0.97, [FieldDiff("volume", "21", "12", "wrong_value"),
                                                  FieldDiff("container-title", "J Mar Biol", "Journal of marine biology",
                                                            "abbreviation")])
    fields, changes = corrected_fields(m)
    assert fields["volume"] == "12" and fields["issue"] == "3" and fields["DOI"] == "10.9999/jmb.2015.12"
    assert fields["container-title"] == "J Mar Biol"  # an abbreviation is not an error: kept as written
    assert fields["author"][0]["given"] == "A"  # not reformatted
    assert {c.field for c in changes} == {"volume", "issue", "DOI"}
    assert "L1:4 volume: 21 → 12 (index, confidence 0.97)" in changes_text(changes)


def test_prefer_source_only_fills_gaps() -> None:
    m = Match(_ref(), "corrected", RECORD, 0.97, [FieldDiff("volume", "21", "12", "wrong_value")])
    fields, changes = corrected_fields(m, prefer="source")
    assert fields["volume"] == "21" and fields["issue"] == "3"
    assert {c.field for c in changes} == {"issue", "DOI"}


@pytest.mark.parametrize("verdict", ["ambiguous", "not_found", "unchecked"])
def test_unconfident_matches_change_nothing(verdict: str) -> None:
    ref = _ref()
    fields, changes = corrected_fields(Match(ref, verdict, RECORD, 0.5))
    assert fields == ref.fields and changes == []


def test_render_gbt7714_and_vancouver() -> None:
    items = [RECORD.fields, {"type": "article-journal", "title": "间充质干细胞研究", "container-title": "示例杂志",
                             "author": [{"family": "王", "given": "小明"}], "issued": {"date-parts": [[2020]]},
                             "volume": "3", "page": "1-9"}]
    gbt = render_list(items, "gbt7714")
    assert gbt[0].startswith("[1] OKAFOR A, LIND B.") and "2015, 12(3): 101-110" in gbt[0]
    assert gbt[1].startswith("[2] 王小明.")  # a Chinese name is written without a space
    van = render_list(items, "vancouver")
    assert van[0].startswith("1. Okafor A, Lind B.") and "2015;12(3):101–10" in van[0]


def test_unknown_style() -> None:
    with pytest.raises(StyleError):
        render_list([RECORD.fields], "no-such-style")


def test_a_wrong_author_list_is_one_change() -> None:
    m = Match(_ref(author=[{"family": "OKAFOR", "given": "A"}]), "corrected", RECORD, 0.97,
              [FieldDiff("author", "", "Lind B", "missing_author")])
    fields, changes = corrected_fields(m)
    assert fields["author"] == RECORD.fields["author"]
    assert [c.field for c in changes].count("author") == 1  # was listed twice: once per field, once for the people
