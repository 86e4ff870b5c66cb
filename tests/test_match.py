"""Validation into verdicts, and resolution along a source chain — invented works only."""

from __future__ import annotations

from typing import Any

import pytest

from citecheck.matching import resolve, validate
from citecheck.matching.compare import compare
from citecheck.matching.refview import RefView
from citecheck.matching.validate import Scored, _separable
from citecheck.model import Record, Reference, Span
from citecheck.sources.base import SourceUnavailable


def rec(doi: str, title: str, authors: list[tuple[str, str]], journal: str, year: int, volume: str = "",
        issue: str = "", page: str = "", short: str = "", source: str = "index", **extra: Any) -> Record:
    f: dict[str, Any] = {"type": "article-journal", "DOI": doi, "title": title,
                         "author": [{"family": fa, "given": gi} for fa, gi in authors],
                         "container-title": journal, "issued": {"date-parts": [[year]]}}
    for k, v in (("volume", volume), ("issue", issue), ("page", page), ("container-title-short", short)):
        if v:
            f[k] = v
    f.update(extra)
    return Record(fields=f, source=source)


def ref(text: str, **fields: Any) -> Reference:
    return Reference(list_id="t", n=1, raw=text, span=Span(0, len(text), 1), fields=dict(fields), text=text)


FJORD = rec("10.9999/fjord.2019.001", "Tidal mixing and oxygen renewal in a sill fjord",
            [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")], "Journal of Fjord Science", 2019, "12", "3",
            "201-215", short="J Fjord Sci")
MOSS = rec("10.9999/moss.2017.044", "Desiccation tolerance of alpine mosses under repeated drought",
           [("Holm", "Karin"), ("Strand", "Ola")], "Annals of Moss Research", 2017, "44", "2", "77-90",
           short="Ann Moss Res")
OTHER = rec("10.9999/other.2001.5", "Grain size statistics of beach sands", [("Vik", "Tor")],
            "Coastal Geology Letters", 2001, "5", "1", "1-9")

FJORD_APA = ("Berg, A., Lund, P., & Ek, M. (2019). Tidal mixing and oxygen renewal in a sill fjord. "
             "Journal of Fjord Science, 12(3), 201–215.")
MOSS_NLM = ("Holm K, Strand O. Desiccation tolerance of alpine mosses under repeated drought. "
            "Ann Moss Res. 2017;44(2):77-90.")


# ---------------------------------------------------------------- verdicts


def test_verified_exact() -> None:
    m = validate(ref(FJORD_APA), [OTHER, FJORD])
    assert m.verdict == "verified"
    assert m.doi == FJORD.doi
    assert 0.5 < m.confidence <= 1.0
    assert [d for d in m.diffs if d.is_error] == []


def test_abbreviated_journal_is_verified_with_abbreviation_diff() -> None:
    m = validate(ref(MOSS_NLM, **{"container-title": "Ann Moss Res"}), [MOSS, OTHER])
    assert m.verdict == "verified"
    assert [(d.field, d.kind) for d in m.diffs] == [("container-title", "abbreviation")]


def test_corrected_year_off_by_one_and_typo() -> None:
    text = ("Berg, A., Lund, P., & Ek, M. (2018). Tidal mixing and oxygen renewal in a sill fjrod. "
            "Journal of Fjord Science, 12(3), 201–215.")
    m = validate(ref(text, issued={"date-parts": [[2018]]},
                     title="Tidal mixing and oxygen renewal in a sill fjrod"), [FJORD, OTHER])
    assert m.verdict == "corrected"
    kinds = {(d.field, d.kind) for d in m.diffs}
    assert ("issued", "wrong_value") in kinds
    assert ("title", "typo") in kinds


def test_ocr_spacing_in_title_is_reported() -> None:
    text = FJORD_APA.replace("oxygen renewal", "oxy gen renewal")
    m = validate(ref(text, title="Tidal mixing and oxy gen renewal in a sill fjord"), [FJORD])
    assert m.verdict == "corrected"
    assert ("title", "ocr_spacing") in {(d.field, d.kind) for d in m.diffs}


def test_not_found_for_unrelated_candidates() -> None:
    m = validate(ref(FJORD_APA), [OTHER, MOSS])
    assert m.verdict == "not_found"
    assert m.record is None


def test_a_long_title_shown_whole_is_never_not_found() -> None:
    # the whole specific title of an indexed work, everything else wrong: not taken, but not `not_found`
    # either (that would call a work the sources hold missing) — ambiguous, the work named, the fields that differ
    text = "Nilsen K. Tidal mixing and oxygen renewal in a sill fjord. J Fjord Sci. 2011;31:455-67."
    m = validate(parsed(text), [FJORD, OTHER])
    assert m.verdict == "ambiguous" and m.record is not None and m.record.doi == FJORD.doi
    assert "(first author, year, volume, issue, page)" in m.reason
    # a short title shown whole is no such evidence
    short = rec("10.9999/short.1", "Sill fjords", [("Berg", "Anna")], "Journal of Fjord Science", 2019, "12", "3",
                "201-215")
    assert validate(parsed("Nilsen K. Sill fjords. Coastal Geol Lett. 2011;31:455-67."), [short, OTHER]).verdict == (
        "not_found")


def test_no_candidates() -> None:
    assert validate(ref(FJORD_APA), []).verdict == "not_found"


def test_short_title_guard() -> None:
    """A record titled "Deep learning" must not match a longer title that contains it."""
    short = rec("10.9999/dl.1", "Deep learning", [("Rask", "Ivar")], "Glacier Computing", 2020, "3", "1", "1-20")
    text = ("Rask, I. (2021). Deep learning for glacier front mapping from radar images. "
            "Remote Ice Sensing, 8(2), 45–60.")
    m = validate(ref(text), [short])
    assert m.verdict == "not_found"
    ev = compare(RefView(text, {}), short)
    assert ev.title is not None and ev.title < 0.7


def test_contained_negation_is_not_equal() -> None:
    base = dict(authors=[("Nord", "Eva")], journal="Lichen Letters", year=2022, volume="9", issue="1")
    neg = rec("10.9999/neg", "Attention is not all you need for lichen counting", page="10-19", **base)
    text = "Nord, E. (2022). Attention is all you need for lichen counting. Lichen Letters, 9(1), 30–39."
    m = validate(ref(text), [neg])
    assert m.verdict in ("ambiguous", "not_found")  # different title and pages: never silently accepted


def test_ambiguous_between_indistinguishable_versions() -> None:
    v1 = rec("10.9999/open.1234.1", "Sediment fluxes in a glacial lake", [("Moe", "Siri")], "Open Glacier Res",
             2020, "5", "", "611")
    v2 = rec("10.9999/open.1234.2", "Sediment fluxes in a glacial lake", [("Moe", "Siri")], "Open Glacier Res",
             2020, "5", "", "611")
    m = validate(ref("Moe S. Sediment fluxes in a glacial lake. Open Glacier Res. 2020;5:611."), [v1, v2])
    assert m.verdict == "ambiguous"
    assert {c.doi for c in m.candidates} >= {v1.doi, v2.doi}
    assert m.reason


def test_editions_separated_by_the_fields_the_reference_has() -> None:
    """Spanish and English editions: same title, different DOI, year and volume."""
    es = rec("10.9999/arch.es.2020.1", "Tuberculosis diagnosis delay in rural clinics", [("Ruiz", "Ana")],
             "Archivos de Lichenologia", 2020, "56", "4", "200-205")
    en = rec("10.9999/arch.en.2021.1", "Tuberculosis diagnosis delay in rural clinics", [("Ruiz", "Ana")],
             "Archivos de Lichenologia (English ed.)", 2021, "57", "1", "10-15")
    text_en = ("Ruiz, A. (2021). Tuberculosis diagnosis delay in rural clinics. Archivos de Lichenologia, "
               "57(1), 10–15.")
    m = validate(ref(text_en), [es, en])
    assert m.doi == en.doi and m.verdict in ("verified", "corrected")
    # Without year, volume or pages nothing separates them.
    m2 = validate(ref("Ruiz A. Tuberculosis diagnosis delay in rural clinics. Archivos de Lichenologia."), [es, en])
    assert m2.verdict == "ambiguous"


def test_group_author_in_another_language_is_not_the_same_record() -> None:
    """The string names an English study group; the only candidate names a Spanish one (another edition)."""
    es = rec("10.9999/arch.es.2021.7", "Delay in diagnosing tuberculosis in rural clinics",
             [("Ruiz", "Ana"), ("Soto", "Luis")], "Archivos de Lichenologia", 2021, "57", "6", "440-442")
    es.fields["author"].append({"literal": "Grupo de Trabajo del Programa Integrado de Tuberculosis (PITB) "
                                           "de la Sociedad Española de Liquenología"})
    text = ("Ruiz, A., Soto, L., & Working Group of the Integrated Tuberculosis Program (PITB) of the Spanish "
            "Lichenology Society. (2021). Delay in diagnosing tuberculosis in rural clinics. Arch Lichenol, 57(6).")
    m = validate(ref(text), [es])
    assert m.verdict == "ambiguous" and "group author" in m.reason
    # The same record is accepted when the string shows its group author, or leaves it out.
    shown = text.replace("Working Group of the Integrated Tuberculosis Program (PITB) of the Spanish Lichenology "
                         "Society", "Grupo de Trabajo del Programa Integrado de Tuberculosis (PITB) de la Sociedad "
                         "Española de Liquenología")
    assert validate(ref(shown), [es]).doi == es.doi
    assert validate(ref("Ruiz A, Soto L, et al. Delay in diagnosing tuberculosis in rural clinics. "
                        "Arch Lichenol. 2021;57(6):440-2."), [es]).doi == es.doi


def test_page_conflict_without_the_title_is_not_accepted() -> None:
    other_page = rec("10.9999/fjord.sib", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
                     "Journal of Fjord Science", 2019, "12", "3", "512-530")
    m = validate(ref("Berg, A., Lund, P., & Ek, M. (2019). Journal of Fjord Science, 12(3), 201–215."), [other_page])
    assert m.verdict in ("ambiguous", "not_found")  # a sibling paper of the same authors and issue


def test_a_long_title_shown_whole_outweighs_wrong_numbers() -> None:
    # Six significant title words, the authors and the journal: pages and year are the reference's errors.
    other_page = rec("10.9999/fjord.sib", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
                     "Journal of Fjord Science", 2019, "12", "3", "512-530")
    text = FJORD_APA.replace("2019", "2017")
    m = validate(ref(text, page="201-215", issued={"date-parts": [[2017]]}), [other_page])
    assert m.verdict == "corrected" and m.doi == other_page.doi
    kinds = {(d.field, d.kind) for d in m.diffs}
    assert {("page", "wrong_value"), ("issued", "wrong_value")} <= kinds
    assert "title" in m.reason and m.reason.startswith("conflicting values (")
    # ...but not when another candidate has the same title (a second registration of the article),
    twin = rec("10.9999/fjord.copy", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
               "Journal of Fjord Science", 2019, "12", "", "600-618")
    assert validate(ref(FJORD_APA.replace("2019", "2017")), [other_page, twin]).verdict in ("ambiguous", "not_found")
    # nor in another journal (a preprint or conference version of the article),
    elsewhere = rec("10.9999/fjord.pre", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
                    "Ocean Preprints", 2018, "3", "1", "512-530")
    assert validate(ref(FJORD_APA), [elsewhere]).verdict != "corrected"
    # nor a one-page record (a cover or highlight carrying the article's title) against a page range,
    cover = rec("10.9999/fjord.cover", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
                "Journal of Fjord Science", 2019, "12", "3", "190")
    assert validate(ref(FJORD_APA), [cover]).verdict in ("ambiguous", "not_found")
    # A short title shown exactly names the work with four agreeing fields and one wrong number,
    short = rec("10.9999/fjord.short", "Fjord mixing", [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
                "Journal of Fjord Science", 2019, "12", "3", "512-530")
    text = FJORD_APA.replace("Tidal mixing and oxygen renewal in a sill fjord", "Fjord mixing")
    m = validate(parsed(text), [short])
    assert m.verdict == "corrected" and ("page", "wrong_value") in {(d.field, d.kind) for d in m.diffs}
    # not with two wrong numbers.
    assert validate(parsed(text.replace("12(3)", "14(3)")), [short]).verdict in ("ambiguous", "not_found")


def test_one_digit_page_slip_is_corrected() -> None:
    text = FJORD_APA.replace("201–215", "207")
    m = validate(ref(text, page="207"), [FJORD])
    assert m.verdict == "corrected"
    assert ("page", "wrong_value") in {(d.field, d.kind) for d in m.diffs}


def test_cjk_reference_verified() -> None:
    cn = rec("10.9999/cn.2020.7", "青藏高原冻土碳循环研究进展", [("王", "小明"), ("李", "华")], "地理学报", 2020, "75", "3",
             "500-512")
    text = "王小明, 李华. 青藏高原冻土碳循环研究进展[J]. 地理学报, 2020, 75(3): 500-512."
    m = validate(ref(text, author=[{"literal": "王小明"}, {"literal": "李华"}], title="青藏高原冻土碳循环研究进展"),
                 [cn, OTHER])
    assert m.verdict == "verified"
    assert m.doi == cn.doi


def test_missing_author_and_missing_field_diffs() -> None:
    text = "Berg, A., & Lund, P. (2019). Tidal mixing and oxygen renewal in a sill fjord. Journal of Fjord Science, 12(3)."
    m = validate(ref(text, author=[{"family": "Berg", "given": "A."}, {"family": "Lund", "given": "P."}]), [FJORD])
    assert m.doi == FJORD.doi
    kinds = {(d.field, d.kind) for d in m.diffs}
    assert ("author", "missing_author") in kinds
    assert ("page", "missing") in kinds


def test_garbled_author_diff() -> None:
    m = validate(ref(FJORD_APA.replace("Lund, P.", "I, T."),
                     author=[{"family": "Berg", "given": "A."}, {"literal": "I T"}, {"family": "Ek", "given": "M."}]),
                 [FJORD])
    assert m.doi == FJORD.doi
    assert ("author", "author_garbled") in {(d.field, d.kind) for d in m.diffs}


def test_merged_entries() -> None:
    text = FJORD_APA + " Holm, K., & Strand, O. (2017). Desiccation tolerance of alpine mosses. Ann Moss Res, 44, 77."
    m = validate(ref(text), [FJORD])
    assert m.doi == FJORD.doi
    assert "merged_entries" in {d.kind for d in m.diffs}


def test_year_off_by_one_is_accepted_but_reported() -> None:
    """A journal that numbers volumes by year: `2020, 2021: 1-10` shows the year once, as the volume."""
    yearly = rec("10.9999/ice.2021.77", "Ice lens growth in silty soils under cyclic freezing",
                 [("Dahl", "Nils"), ("Sund", "Eva")], "Frost Research International", 2021, "2021", "", "1-10")
    text = ("[4] Dahl N, Sund E. Ice lens growth in silty soils under cyclic freezing[J]. "
            "Frost Research International, 2020, 2021: 1-10.")
    m = validate(ref(text, issued={"date-parts": [[2020]]}, volume="2021", page="1-10"), [yearly, OTHER])
    assert m.doi == yearly.doi
    assert m.verdict == "corrected"
    assert ("issued", "2020", "2021", "wrong_value") in {(d.field, d.ours, d.theirs, d.kind) for d in m.diffs}
    # Printed once per role, the same year is not a difference.
    ok = text.replace("2020, 2021", "2021, 2021")
    assert validate(ref(ok, issued={"date-parts": [[2021]]}), [yearly]).verdict == "verified"


def test_year_off_by_one_is_reported_without_a_parsed_year() -> None:
    text = FJORD_APA.replace("(2019)", "(2020)")
    m = validate(ref(text), [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict == "corrected"
    assert ("issued", "2020", "2019", "wrong_value") in {(d.field, d.ours, d.theirs, d.kind) for d in m.diffs}


def test_misspelt_journal_abbreviation_is_a_typo() -> None:
    """`Biotechnl` is no ISO 4 abbreviation of `Biotechnology`: a typo of `Biotechnol`, shown against it."""
    bio = rec("10.9999/mbt.2018.9", "Peat moss cultures for heavy metal capture", [("Holm", "Karin")],
              "Annals of moss biotechnology", 2018, "9", "", "652970", short="Ann Moss Biotechnol")
    text = "Holm K. Peat moss cultures for heavy metal capture[J]. Ann Moss Biotechnl, 2018, 9: 652970."
    m = validate(ref(text, **{"container-title": "Ann Moss Biotechnl"}), [bio, OTHER])
    assert m.doi == bio.doi and m.verdict == "corrected"
    assert [(d.field, d.ours, d.theirs, d.kind) for d in m.diffs] == [
        ("container-title", "Ann Moss Biotechnl", "Ann Moss Biotechnol", "typo")]
    ok = validate(ref(text.replace("Biotechnl", "Biotechnol"), **{"container-title": "Ann Moss Biotechnol"}), [bio])
    assert ok.verdict == "verified"
    assert [(d.field, d.kind) for d in ok.diffs] in ([], [("container-title", "abbreviation")])


def test_one_wrong_volume_against_many_agreeing_fields_is_corrected() -> None:
    """Title, authors, year, journal, issue and both pages agree; only the volume differs (21 for 12)."""
    text = FJORD_APA.replace("12(3)", "21(3)")
    m = validate(ref(text, volume="21", issue="3", page="201-215"), [FJORD, OTHER])
    assert m.doi == FJORD.doi
    assert m.verdict == "corrected"
    assert ("volume", "21", "12", "wrong_value") in {(d.field, d.ours, d.theirs, d.kind) for d in m.diffs}
    assert "volume" in m.reason


def test_one_agreeing_title_does_not_outweigh_a_different_extent() -> None:
    """Same title, journal and volume, but another first *and* last page: another item (a cover, a reply)."""
    cover = rec("10.9999/fjord.cover", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
                "Journal of Fjord Science", 2019, "12", "3", "180")
    m = validate(ref(FJORD_APA, page="201-215"), [cover])
    assert m.verdict in ("ambiguous", "not_found")


def test_without_the_title_the_locator_names_the_work() -> None:
    """Journal, year and first page (or volume and first page) with the first author name one article:
    a volume (or year) that disagrees is the reference's error, reported as a wrong value."""
    text = "A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 21, 201 (2019)."
    m = validate(ref(text, volume="21"), [FJORD])
    assert m.verdict == "corrected" and m.doi == FJORD.doi and "volume" in m.reason
    assert ("volume", "wrong_value") in {(d.field, d.kind) for d in m.diffs}
    m = validate(ref("A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 12, 201 (2016)."), [FJORD])
    assert m.verdict == "corrected" and "year" in m.reason
    # Not a wrong first page: the same authors' next paper in the volume differs only there.
    m = validate(ref("A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 12, 230 (2019)."), [FJORD])
    assert m.verdict not in ("verified", "corrected")
    # Not without the first author, nor with another number unexplained.
    m = validate(ref("P. Lund and M. Ek, Journal of Fjord Science 21, 201 (2019)."), [FJORD])
    assert m.verdict not in ("verified", "corrected")
    m = validate(ref("A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 21, 201 (2016)."), [FJORD])
    assert m.verdict not in ("verified", "corrected")


def test_damaged_numbers_are_read_as_digits() -> None:
    """OCR and typing noise: `2O19` (letter O), `2 01` (a split), `1x` (one garbled digit)."""
    text = "1 A. Berg, P. Lund, and M. Ek, Journal of Fjord Scien ce 1x, 2 01 (2O19)."
    ev = compare(RefView(text, {}), FJORD)
    assert (ev.year, ev.volume, ev.page) == (1.0, 1.0, 1.0)
    assert ev.unexplained_numbers == 0
    # A damaged number still has to fit: 1x is not volume 44.
    assert compare(RefView(text, {}), MOSS).volume == 0.0


def test_candidates_told_apart_by_what_the_string_shows() -> None:
    """Two records of one conference differ only in authors: the complete author list decides."""
    base = dict(journal="Proc Fjord Symposium", year=2017)
    a = rec("10.9999/sym.1", "Wave energy at the sill", [("Sand", "Vera"), ("Sand", "Sven")], **base)
    b = rec("10.9999/sym.2", "Fjord ice charting by drone", [("Sand", "Vera"), ("Myhre", "Odd")], **base)
    m = validate(ref("1 V. Sand and S. Sand, Proc Fjord Symposium (2017)."), [a, b])
    assert m.doi == a.doi
    # With "et al." the string does not claim to list every author: no decision.
    m2 = validate(ref("1 V. Sand et al., Proc Fjord Symposium (2017)."), [a, b])
    assert m2.verdict == "ambiguous"


# ---------------------------------------------------------------- DOIs


def test_doi_in_reference_verified() -> None:
    m = validate(ref(FJORD_APA + " https://doi.org/10.9999/FJORD.2019.001"), [FJORD])
    assert m.verdict == "verified" and m.doi == FJORD.doi


def test_wrong_doi_reported_not_replaced_silently() -> None:
    text = FJORD_APA + " doi:10.9999/moss.2017.044"
    m = validate(ref(text), [MOSS, FJORD])
    assert m.verdict == "corrected"
    assert m.doi == FJORD.doi
    wrong = [d for d in m.diffs if d.kind == "wrong_doi"]
    assert wrong and wrong[0].ours == MOSS.doi and wrong[0].theirs == FJORD.doi


# ---------------------------------------------------------------- resolve


class FakeSource:
    def __init__(self, name: str, records: list[Record], fail: str = "") -> None:
        self.name = name
        self.records = records
        self.fail = fail
        self.searched: list[str] = []
        self.got: list[str] = []

    def search(self, query: str, rows: int = 5) -> list[Record]:
        self.searched.append(query)
        if self.fail:
            raise SourceUnavailable(self.fail)
        return [Record(fields=r.fields, source=self.name) for r in self.records][:rows]

    def get(self, doi: str) -> Record | None:
        self.got.append(doi)
        if self.fail:
            raise SourceUnavailable(self.fail)
        for r in self.records:
            if r.doi == doi.lower():
                return Record(fields=r.fields, source=self.name)
        return None


def test_resolve_chain_stops_at_first_answer() -> None:
    local = FakeSource("index", [OTHER])
    remote = FakeSource("crossref", [FJORD])
    (m,) = resolve([ref(FJORD_APA)], [local, remote])
    assert m.verdict == "verified"
    assert m.record is not None and m.record.source == "crossref"
    (m2,) = resolve([ref(FJORD_APA)], [FakeSource("index", [FJORD]), remote])
    assert m2.record is not None and m2.record.source == "index"


def test_resolve_uses_repaired_text_and_gets_doi_first() -> None:
    src = FakeSource("index", [FJORD])
    r = ref("garbled raw", )
    r.text = FJORD_APA + " doi:10.9999/fjord.2019.001"
    (m,) = resolve([r], [src])
    assert src.got == ["10.9999/fjord.2019.001"]
    assert src.searched == [] or src.searched[0].startswith("Berg")
    assert m.verdict == "verified"


def test_resolve_unchecked_when_sources_unavailable() -> None:
    (m,) = resolve([ref(FJORD_APA)], [FakeSource("crossref", [], fail="network down")])
    assert m.verdict == "unchecked"
    assert "network down" in m.reason


def test_resolve_validates_candidates_of_answering_sources() -> None:
    (m,) = resolve([ref(FJORD_APA)], [FakeSource("index", [FJORD]), FakeSource("crossref", [], fail="429")])
    assert m.verdict == "verified"  # the local index answered; Crossref was never needed
    (m2,) = resolve([ref(FJORD_APA)], [FakeSource("index", [OTHER]), FakeSource("crossref", [], fail="timeout")])
    assert m2.verdict == "unchecked" and "timeout" in m2.reason


def test_resolve_threads_keep_order() -> None:
    refs = [ref(FJORD_APA), ref(MOSS_NLM), ref(FJORD_APA)]
    done: list[int] = []
    out = resolve(refs, [FakeSource("index", [FJORD, MOSS])], workers=2, progress=lambda i, n: done.append(i))
    assert [m.doi for m in out] == [FJORD.doi, MOSS.doi, FJORD.doi]
    assert sorted(done) == [1, 2, 3]


def test_reply_to_a_comment_is_no_rival_of_the_article_it_names() -> None:
    """A reply record shares the cited title; the string does not say 'reply'."""
    art = rec("10.9999/diab.38.1420", "Vitamin K supplementation and glycaemic control in type 2 diabetes",
              [("Vos", "Ineke"), ("Bakker", "Jan")], "Diabetes Notes", 2015, "38", "8", "1420-1426")
    reply = rec("10.9999/diab.38.e191", "Reply: Vitamin K supplementation and glycaemic control in type 2 "
                "diabetes", [("Vos", "Ineke"), ("Bakker", "Jan")], "Diabetes Notes",
                2015, "38", "8", "e191-e192")
    text = ("50. Vos I, Bakker J. Vitamin K supplementation and glycaemic control in type 2 diabetes. "
            "Diabetes Notes. 2015;38:1460.")  # the first page is wrong
    m = validate(ref(text), [art, reply])
    assert m.doi == art.doi and m.verdict in ("verified", "corrected")
    view = RefView(text, {})
    a, r = (Scored(x, compare(view, x), 0.5) for x in (art, reply))
    assert r.evidence.notice_mismatch and _separable(a, r) and not _separable(r, a)


def test_label_glued_to_an_acronym_is_no_number() -> None:
    jama = rec("10.9999/jama.277.792", "Error in figure", [], "JAMA: The Journal of the American Medical Association",
               1997, "277", "13", "792")
    ev = compare(RefView("1JAMA: The Journal of the American Medical Association 277, 792 (1997).", {}), jama)
    assert ev.unexplained_numbers == 0 and ev.volume == ev.page == ev.year == 1.0


def test_initials_only_name_and_numbered_series_title_are_found() -> None:
    initials = rec("10.9999/rad.9.775", "Discussion on short-distance X-ray therapy", [("H.J.H.", "")],
                   "Radiology Notes", 1936, "9", "108", "775")
    ev = compare(RefView("[62]H.J.H. Discussion on short-distance X-ray therapy. Radiology Notes, 1936, 9(108): "
                         "775.", {}), initials)
    assert ev.first_author == 1.0
    assert compare(RefView("Smith J. J. H. Hollis. Radiology Notes 1936.", {}), initials).first_author == 0.0
    series = rec("10.9999/drill.33.117", "Clay mineralogy of leg 33", [("Cook", "H.")],
                 "Initial Reports of the Ocean Drilling Survey, 33", 1976)
    ev = compare(RefView("(1) Cook, H. Initial Reports of the Ocean Drilling Survey 1976.", {}), series)
    assert ev.journal == 1.0


def test_a_string_naming_nobody_leaves_the_authors_unknown() -> None:
    text = ". 4. Tidal mixing and oxygen renewal in a sill fjord. Journal of Fjord Science. 2019. 12. 3. 201-215"
    parsed = {"title": "Tidal mixing and oxygen renewal in a sill fjord", "container-title": "Journal of Fjord Science"}
    ev = compare(RefView(text, parsed), FJORD)
    assert ev.first_author is None and ev.authors is None
    named = compare(RefView("Holm K. " + text, {**parsed, "author": [{"family": "Holm", "given": "K"}]}), FJORD)
    assert named.first_author == 0.0  # a different name is a disagreement
    editors = compare(RefView("Holm K, ed. " + text, {**parsed, "editor": [{"family": "Holm", "given": "K"}]}), FJORD)
    assert editors.first_author is None  # the book's editors say nothing about the chapter's author
    m = validate(ref(text, **parsed), [FJORD, OTHER])
    assert m.doi == FJORD.doi and ("author", "missing_author") in [(d.field, d.kind) for d in m.diffs]


def test_article_number_prefix_is_optional_but_a_page_suffix_is_not() -> None:
    def paged(page: str) -> Record:
        return rec(f"10.9999/med.{page}", "Alternatives to hospital care", [("Ortiz", "Ana")], "Medicina Notes",
                   2007, "128", "1", page)

    view = RefView("Ortiz, Ana. “Alternatives to Hospital Care.” Medicina Notes 128.1 (2007): 34.", {})
    assert compare(view, paged("34")).page == 1.0 and compare(view, paged("34b-34")).page == 0.0
    assert compare(view, paged("e34")).page == 1.0 and compare(view, paged("S34")).page == 1.0


def test_markup_split_title_numbers_and_numbered_titles_are_read() -> None:
    patent = rec("10.9999/pat.23.iii", "5086076 Antiviral compositions comprising a terpene ozonide", [],
                 "General Pharmacology Notes", 1992, "23", "4", "iii-iv")
    ev = compare(RefView("5086 076 Antiviral compositions comprising a terpene ozonide. (1992). General "
                         "Pharmacology Notes, 23(4), iii–iv.", {}), patent)
    assert ev.unexplained_numbers == 0
    pyramids = rec("10.9999/spie.172491", "Learning pyramids", [("Bischof", "Horst")], "Substance Analytics", 1994)
    ev = compare(RefView("Bischof, H. (1994). <title>Learning pyramids</title>. Substance Analytics.", {}), pyramids)
    assert ev.title == 1.0 and ev.unexplained_numbers == 0
    chapter = rec("10.9999/km.ref", "7. Literatur", [], "Betriebswirtschaft für das Kulturmanagement", 2006)
    ev = compare(RefView("7. Literatur. (2006). Betriebswirtschaft für das Kulturmanagement.", {}), chapter)
    assert ev.title_numbers_mismatch == 0


def test_rival_contradicted_where_the_best_record_is_silent_is_told_apart() -> None:
    """Two records of one page: the string's issue contradicts one and the other has no issue."""
    silent = rec("10.9999/fjn.12.0451", "Frost heave under glacier margins", [("Lund", "Eva")], "Fjord Notes",
                 2001, "12", None, "451-459")
    other = rec("10.9999/fjn.12.4.0451", "Frost heave under glacier margins", [("Lund", "Eva")], "Fjord Notes",
                2001, "12", "4", "451-459")
    text = "12. Lund E. Fjord Notes. 2001;12(3):451-9."
    view = RefView(text, {})
    s, o = (Scored(x, compare(view, x), 0.9) for x in (silent, other))
    assert s.evidence.issue is None and o.evidence.issue == 0.0
    assert _separable(s, o) and not _separable(o, s)
    m = validate(ref(text), [other, silent])
    assert m.doi == silent.doi


def test_damaged_proceedings_name_is_found_but_a_sibling_title_is_not() -> None:
    """OCR spaces and one letter per twelve are forgiven in a long name; its last letters and digits are not."""
    conf = rec("10.9999/aero.1973", "Sound emission from ducts", [("Hogge", "D."), ("Ritzi", "E.")],
               "Aeroacoustics Conference", 1973)
    view = RefView("1D. HOGGE and E. RITZI, Aeroacousti csConuerence (1973).", {})
    assert compare(view, conf).journal == 1.0
    sibling = rec("10.9999/tm.1", "Lattice sums", [("Ode", "K.")], "Annals of Tropical Medicine and Parasitology",
                  2002, "12")
    view = RefView("K. Ode, Annals of Tropical Medicine and Parasitolagy 12, 3 (2002).", {})
    assert compare(view, sibling).journal == 1.0
    view = RefView("K. Ode, Annals of Tropical Medicine and Hygiene 12, 3 (2002).", {})
    assert compare(view, sibling).journal == 0.0
    section_a = rec("10.9999/jpa.1", "Lattice sums", [("Ode", "K.")], "Journal of Physics A", 2002, "12")
    assert compare(RefView("K. Ode, Journal of Physics B 12, 3 (2002).", {}), section_a).journal == 0.0
    assert compare(RefView("K. Ode, J. Phys. A: Math. Theor. 12, 3 (2002).", {}), section_a).journal == 1.0
    seventh = rec("10.9999/icinco.7", "Motion capture", [("Roy", "A.")],
                  "Proceedings of the 7th Conference on Informatics in Control", 2010)
    view = RefView("A. Roy, Proceedings of the 8th Conference on Informatics in Contro1 (2010).", {})
    assert compare(view, seventh).journal == 0.0


def test_one_letter_family_names_and_letters_lost_to_replacement_characters() -> None:
    """Degenerate records (`Y.` as a family name) and mojibake names (`Acu��a`) are still found."""
    odd = rec("10.9999/valve.21219", "Valve-sparing root replacement and valve repair", [("Y.", "William"),
              ("O", "Michael"), ("Matalanis", "George")], "Valve Surgery", 2011)
    view = RefView("Y., William, Michael O, and George Matalanis. 2011. “Valve-Sparing Root Replacement and "
                   "Valve Repair.” Valve Surgery.", {})
    ev = compare(view, odd)
    assert ev.first_author == 1.0 and ev.authors == 1.0
    assert compare(RefView("Smith, William. 2011. Valve Surgery.", {}), odd).first_author == 0.0
    acuna = rec("10.9999/enc.456", "Magnetometers", [("Acuña", "Mario H."), ("Ogilvie", "Keith W.")],
                "Digital Encyclopedia of Applied Physics", 2003)
    view = RefView("1 M.H. Acu\ufffd\ufffda and K.W. Ogilvie, Digital Encyclopedia of Applied Physics (2003).", {})
    assert compare(view, acuna).first_author == 1.0
    assert compare(RefView("1 M.H. Ac\ufffdrez, Digital Encyclopedia (2003).", {}), acuna).first_author == 0.0


def test_a_number_the_string_does_not_show_is_unknown_not_different() -> None:
    """No volume in the string is not a wrong volume; another volume in the string is."""
    text = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. J Fjord Sci. 2019:201-15."
    ev = compare(RefView(text, {"page": "201-15"}), FJORD)
    assert ev.volume is None and ev.issue is None and ev.page == 1.0
    ev = compare(RefView(text.replace("2019:", "2019;21:"), {"volume": "21", "page": "201-15"}), FJORD)
    assert ev.volume == 0.0


def test_an_unsigned_item_cited_with_wrong_numbers_is_corrected_on_its_specific_title() -> None:
    """No author on either side: a specific title with journal, volume and issue outweighs one wrong page."""
    news = rec("10.9999/jama.194.13", "The national intern matching program", [], "JAMA", 1965, "194", "13",
               "1402")
    text = "3. The National Intern Matching Program. JAMA. 1965;194(13):72."
    m = validate(ref(text, volume="194", issue="13", page="72"), [news, OTHER])
    assert m.doi == news.doi and m.verdict == "corrected"
    assert ("page", "wrong_value") in {(d.field, d.kind) for d in m.diffs}
    brief = rec("10.9999/jama.194.13b", "News in brief", [], "JAMA", 1965, "194", "13", "1402")
    m = validate(ref("3. News in brief. JAMA. 1965;194(13):72.", volume="194", issue="13", page="72"), [brief])
    assert m.doi is None or m.verdict == "ambiguous"


def test_a_catalogue_number_in_a_proceedings_title_is_no_title_number() -> None:
    """`(IEEE Cat. No.88CH2604-7)` is publisher metadata; a volume number in the title still counts."""
    procs = rec("10.9999/holm.1988", "Electrical Contacts - 1988. Proceedings of the Thirty Fourth Holm Meeting "
                "(IEEE Cat. No.88CH2604-7)", [], "Electrical Contacts, 1988. Proceedings of the Thirty Fourth Holm "
                "Meeting (Cat. No. 88CH2604)", 1988)
    text = "1Electrical Contacts, 1988., Proceedings of the Thirty Fourth Holm Meeting (1988)."
    ev = compare(RefView(text, {}), procs)
    assert ev.title_numbers_mismatch == 0 and (ev.title or 0) >= 0.9 and ev.journal == 1.0
    part = rec("10.9999/holm.1988.2", "Electrical Contacts 2", [], "Holm Meeting", 1988)
    assert compare(RefView("Electrical Contacts 3. Holm Meeting (1988).", {}), part).title_numbers_mismatch == 1


def test_a_string_naming_only_a_journal_and_year_identifies_no_work() -> None:
    """`Red List of Threatened Birds (2012).` fits every entry of that year; the one in the index is not chosen."""
    entry = rec("10.9999/redlist.2012.t227", "Grallaria rufula", [], "Red List of Threatened Birds", 2012)
    m = validate(ref("[1]Red List of Threatened Birds (2012)."), [entry, OTHER])
    assert m.verdict == "ambiguous" and "only a container" in m.reason
    m = validate(ref("[1]Grallaria rufula. Red List of Threatened Birds (2012)."), [entry, OTHER])
    assert m.verdict in ("verified", "corrected") and m.doi == entry.doi  # with its title it is one work


def test_the_record_whose_journal_the_string_shows_outranks_one_whose_journal_it_does_not() -> None:
    """Main conference and its workshops: same author and year; only the proceedings name tells them apart."""
    main = rec("10.9999/lcn.2014.31", "Keynote", [("Das", "S. K.")], "39th Annual Conference on Local Networks", 2014,
               type="paper-conference")
    workshop = rec("10.9999/lcnw.2014.78", "Keynote", [("Das", "S. K.")],
                   "39th Annual Conference on Local Networks Workshops", 2014, type="paper-conference")
    text = "1S.K. Das, 39th Ann ualConference on Locsl  Networks (2014)."
    view = RefView(text, {})
    assert compare(view, main).journal == 1.0 and compare(view, workshop).journal == 0.0
    m = validate(ref(text), [workshop, main])
    assert m.verdict in ("verified", "corrected") and m.doi == main.doi


def test_a_split_and_mistyped_word_is_explained_by_the_record() -> None:
    """`csConuerence` is the tail of `Aeroacoustics Conference` with one letter wrong; `Zoology` is not."""
    conf = rec("10.9999/aero.1973", "Sound emission from ducts", [("Hogge", "D."), ("Ritzi", "E.")],
               "Aeroacoustics Conference", 1973)
    damaged = compare(RefView("1D. HOGGE and E. RITZI, Aeroacousti csConuerence (1973).", {}), conf)
    other = compare(RefView("1D. HOGGE and E. RITZI, Aeroacousti csZoology (1973).", {}), conf)
    assert damaged.string_cov > other.string_cov


# ---------------------------------------------------------------- generalisation (bench_generalise.py)


def test_unglue_cuts_a_digit_run_into_record_numbers() -> None:
    from citecheck.matching.compare import unglue

    assert unglue("1021238", ["2021", "102", "1238", "1239"]) == ["102", "1238"]
    assert unglue("2021219", ["2021", "219", "112316"]) == ["2021", "219"]
    assert unglue("1238", ["2021", "102", "1238"]) is None  # one value alone is no run
    assert unglue("1111", ["1", "11"]) == ["11", "11"]
    assert unglue("111", ["1"]) is None  # single digits cannot explain a run one by one


def test_digits_of_neighbouring_fields_run_together() -> None:
    text = ("Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. "
            "J Fjord Sci 2019;123201-15.")  # 12(3):201 with its separators lost
    m = validate(ref(text), [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict in ("verified", "corrected")
    ev = compare(RefView(text, {}), FJORD)
    assert (ev.volume, ev.issue, ev.page, ev.unexplained_numbers) == (1.0, 1.0, 1.0, 0)


def test_run_together_digits_do_not_fit_another_record() -> None:
    text = "Holm K, Strand O. Desiccation tolerance of alpine mosses. Ann Moss Res 2017;123201-15."
    ev = compare(RefView(text, {}), MOSS)
    assert ev.volume == 0.0 and ev.page == 0.0


def test_second_entry_run_into_the_string_is_not_scored_against_the_first() -> None:
    moss_apa = ("Holm, K., & Strand, O. (2017). Desiccation tolerance of alpine mosses under repeated drought. "
                "Annals of Moss Research, 44(2), 77–90.")
    text = FJORD_APA + " " + moss_apa
    ev = compare(RefView(text, {}), FJORD)
    assert ev.string_cov == 1.0 and ev.unexplained_numbers == 0
    m = validate(ref(text), [MOSS, FJORD])
    assert m.doi == FJORD.doi
    assert ("reference", "merged_entries") in {(d.field, d.kind) for d in m.diffs}


def test_title_cut_short_is_the_title() -> None:
    long = rec("10.9999/long.2015.7", "Seasonal variation of nitrate uptake by benthic diatoms in a shallow "
               "temperate estuary under changing salinity", [("Sand", "Eva")], "Estuarine Letters", 2015, "31",
               "2", "110-124")
    cut = "Sand E. Seasonal variation of nitrate uptake by benthic diatoms in a shallow. Estuar Lett. 2015;31:110-24."
    ev = compare(RefView(cut, {}), long)
    assert (ev.title or 0) >= 0.9 and ev.title_cov == 1.0
    assert validate(ref(cut), [long, OTHER]).doi == long.doi
    broken = "Sand E. Seasonal variation of nitrate uptake by benthic diatoms in a shallow temperate"
    assert (compare(RefView(broken, {}), long).title or 0) >= 0.9  # an entry broken off mid-title
    # a short beginning (fewer than 40% of the title's letters) is no title match
    assert (compare(RefView("Sand E. Seasonal variation. Estuar Lett. 2015", {}), long).title or 0) < 0.9


def test_title_prefix_does_not_beat_the_whole_title() -> None:
    a = rec("10.9999/a.1", "Grain size statistics of beach sands", [("Vik", "Tor")], "Coastal Geology Letters",
            2001, "5", "1", "1-9")
    b = rec("10.9999/b.1", "Grain size statistics of beach sands and dunes along a tidal inlet", [("Vik", "Tor")],
            "Coastal Geology Letters", 2001, "5", "1", "1-9")
    view = RefView("Vik T. Grain size statistics of beach sands. Coastal Geology Letters 2001;5(1):1-9.", {})
    assert (compare(view, a).title or 0) > (compare(view, b).title or 0)


GLACIER = rec("10.9999/ice.2020.3", "Meltwater routing beneath a surging outlet glacier inferred from dye tracing",
              [("Falk", "Ida"), ("Rye", "Jon"), ("Moe", "Siv"), ("Aas", "Leif"), ("Dahl", "Kari")],
              "Journal of Glacier Studies", 2020, "66", "4", "512-530", short="J Glacier Stud")


def test_one_wrong_volume_in_a_mistyped_title_is_corrected_by_the_model() -> None:
    # title typed with slips (similarity 0.92, below the hand rule's 0.95) and a wrong volume; with the
    # volume set aside the model is sure (p ≥ OVERRIDE_P): corrected, the volume reported as wrong
    text = ("Falk I, Rye J, Moe S, Aas L, Dahl K. Meltwatr rotuing beneth a surgnig outlet glaicer infered from "
            "dye tracng. J Glacier Stud. 2020;60(4):512-30.")
    m = validate(ref(text), [GLACIER, OTHER])
    assert m.doi == GLACIER.doi and m.verdict == "corrected"
    assert "volume" in m.reason
    # the first author lost as well: the model is no longer sure; four co-authors still stand for him with the
    # journal, year and first page (the locator rule), two do not
    m = validate(ref(text.replace("Falk I, ", "")), [GLACIER, OTHER])
    assert m.doi == GLACIER.doi and m.verdict == "corrected" and "co-authors" in m.reason
    # two co-authors: the title shown whole, slips and all, with journal, year, issue and pages takes it (the
    # title rule); a word of another title in it (`river` for `glaicer`) and other pages do not
    lost = text.replace("Falk I, Rye J, Moe S, ", "")
    m = validate(ref(lost), [GLACIER, OTHER])
    assert m.doi == GLACIER.doi and m.verdict == "corrected" and "title" in m.reason
    other = lost.replace("glaicer", "river").replace("512-30", "531-40")
    assert validate(ref(other), [GLACIER, OTHER]).verdict not in ("verified", "corrected")


def test_numbers_alone_never_override_a_conflict() -> None:
    text = "Berg A, Lund P, Ek M. Sediment budgets of a sill fjord. J Fjord Sci. 2019;21(3):201-15."
    m = validate(ref(text), [FJORD, OTHER])
    assert m.verdict not in ("verified", "corrected")


def test_a_cited_notice_is_not_the_work_it_corrects() -> None:
    notice = rec("10.9999/fjord.2019.099", "Corrigendum to Tidal mixing and oxygen renewal in a sill fjord",
                 [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")], "Journal of Fjord Science", 2019, "12", "4",
                 "300")
    text = ("Berg A, Lund P, Ek M. Corrigendum to Tidal mixing and oxygen renewal in a sill fjord. "
            "J Fjord Sci. 2019;12(4):301.")
    assert compare(RefView(text, {}), FJORD).notice_mismatch
    assert not compare(RefView(text, {}), notice).notice_mismatch
    assert validate(ref(text), [FJORD]).verdict in ("ambiguous", "not_found")


def test_model_override_needs_every_other_field_to_agree() -> None:
    # a sibling paper (same author, journal, year and volume; words of the title reordered; another issue,
    # which the parser read from the string: an issue merely not shown would not count)
    sib = rec("10.9999/sib.2", "Discrete-trial control of morphine self-injection in squirrel monkeys: effects of "
              "cocaine, naloxone and chlorpromazine", [("Stretch", "R")], "Canadian Journal of Monkey Research",
              1977, "55", "3", "615-627")
    text = ("Stretch, R. (1977). Discrete-trial control of cocaine self-injection in squirrel monkeys: effects of "
            "morphine, naloxone and chlorpromazine. Canadian Journal of Monkey Research, 55(4).")
    assert validate(ref(text, volume="55", issue="4"), [sib]).verdict not in ("verified", "corrected")


def test_ocr_look_alikes_in_words() -> None:
    from citecheck.matching.refview import ocr_canon

    assert ocr_canon("al1oantigens") == ocr_canon("alloantigens")
    assert ocr_canon("rnodel") == ocr_canon("model") and ocr_canon("cleveloped") == ocr_canon("developed")
    assert ocr_canon("defined") != ocr_canon("refined")
    text = ("Berg A, Lund P, Ek M. Tida1 rnixing and oxygen renewa1 in a si11 fjord. "
            "J Fjord Sci. 2019;12(3):201-15.")
    ev = compare(RefView(text, {}), FJORD)
    assert ev.title_cov == 1.0 and ev.string_cov == 1.0
    assert validate(ref(text), [FJORD, OTHER]).doi == FJORD.doi


def test_a_year_in_the_title_is_not_the_date() -> None:
    storm = rec("10.9999/storm.2008", "Ocean cooling under the typhoon of (2006) in the South China Sea",
                [("Lin", "Wei")], "Advances in Storm Science", 2008, "25", "", "1062-1072")
    text = "The ocean cooling under the typhoon of (2006) in the South China Sea. Adv Storm Sci 25:1062–1072."
    assert compare(RefView(text, {}), storm).year is None  # not shown, not contradicted
    assert compare(RefView(text.replace("25:", "2007; 25:"), {}), storm).year == 0.0


def test_an_entry_broken_off_after_its_title_shows_nothing_after_it() -> None:
    text = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord."
    ev = compare(RefView(text, {}), FJORD)
    assert (ev.journal, ev.volume, ev.issue, ev.page) == (None, None, None, None)
    # a journal that is shown and is another one still disagrees
    other = compare(RefView(text + " Coastal Geology Letters.", {}), FJORD)
    assert other.journal == 0.0


def test_a_reference_run_in_before_the_record_is_not_scored_against_it() -> None:
    moss_apa = ("Holm, K., & Strand, O. (2017). Desiccation tolerance of alpine mosses under repeated drought. "
                "Annals of Moss Research, 44(2), 77–90.")
    text = FJORD_APA + " " + moss_apa
    ev = compare(RefView(text, {}), MOSS)  # the second entry's record
    assert ev.after_other_entry and ev.string_cov == 1.0 and ev.unexplained_numbers == 0
    m = validate(ref(text), [MOSS])
    assert m.doi == MOSS.doi
    assert ("reference", "merged_entries") in {(d.field, d.kind) for d in m.diffs}
    assert not compare(RefView(moss_apa, {}), MOSS).after_other_entry


def test_a_lost_first_author_is_unknown_not_another_person() -> None:
    text = "Rye J, Moe S, Aas L, Dahl K. Meltwater routing beneath a surging outlet glacier inferred from dye tracing."
    parsed = {"author": [{"family": "Rye", "given": "J"}, {"family": "Moe", "given": "S"}]}
    assert compare(RefView(text, parsed), GLACIER).first_author is None
    # another first person stays a disagreement
    other = {"author": [{"family": "Holm", "given": "K"}, {"family": "Moe", "given": "S"}]}
    assert compare(RefView(text.replace("Rye J", "Holm K"), other), GLACIER).first_author == 0.0


def test_title_numbers_cut_off_or_read_by_ocr_are_not_another_part() -> None:
    kin = rec("10.9999/kin.32", "Comparisons of CBS-q and G2 calculations on thermodynamic properties of "
              "dimethyl-ether + O2 reaction system", [("Yamada", "T")], "Int J Chem Kinet", 2000, "32", "7", "435-452")
    cut = "Yamada T. Comparisons of CBS-q and G2 calculations on thermodynamic properties of dimethyl-ether. " \
          "Int J Chem Kinet. 2000;32(7):435-52."
    assert compare(RefView(cut, {}), kin).title_numbers_mismatch == 0
    iso = rec("10.9999/iso.15n", "Nitrogen use efficiencies by 15N stable isotopes in winter wheat", [("Wan", "X")],
              "Sci Total Environ", 2021, "790", "", "147587")
    ocr = "Wan X. Nitrogen use efficiencies by 1SN stable isotopes in winter wheat. Sci Total Environ 2021;790:147587."
    assert compare(RefView(ocr, {}), iso).title_numbers_mismatch == 0
    circ = rec("10.9999/circ.17", "Overexpressed circRANBP17 acts as an oncogene in nasopharyngeal carcinoma",
               [("Zhou", "M")], "J Cancer", 2021, "12", "", "4322-4331")
    swapped = "Zhou M. Overexpressed icrcRANBP17 acts as an oncogene in nasopharyngeal carcinoma. J Cancer 12, 4322."
    assert compare(RefView(swapped, {}), circ).title_numbers_mismatch == 0  # two letters swapped: a typo
    assert compare(RefView(swapped.replace("icrcRANBP17", "circRANBP18"), {}), circ).title_numbers_mismatch == 1
    part = rec("10.9999/pyr.2", "Learning pyramids of the upper valley 2", [("Bischof", "H")], "Subst Anal", 1994)
    lone = "Bischof H. Learning pyramids of the upper valley. Subst Anal 1994."
    assert compare(RefView(lone, {}), part).title_numbers_mismatch == 1


def test_a_twin_registration_blocks_the_override_of_a_wrong_value() -> None:
    """Two DOIs for one article (a Spanish and an English edition) with the same wrong volume: neither is taken."""
    text = "A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 21, 201 (2019)."
    twin = rec("10.9999/fjord.2019.001e", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
               "Journal of Fjord Science", 2019, "12", "3", "201-215")
    m = validate(ref(text, volume="21"), [FJORD, twin])
    assert m.verdict == "ambiguous" and {c.doi for c in m.candidates[:2]} == {FJORD.doi, twin.doi}


def test_an_entry_broken_off_is_named_by_its_title_and_people() -> None:
    """The entry breaks off after its title (or inside it): the journal and numbers not shown are missing,
    a year that disagrees is a wrong value; a title's beginning of six significant words will do."""
    m = validate(ref("Berg, A., Lund, P., & Ek, M. (2017). Tidal mixing and oxygen renewal in a sill fjord. Journal of",
                     issued={"date-parts": [[2017]]}), [FJORD, OTHER])
    assert m.verdict == "corrected" and m.doi == FJORD.doi
    assert ("issued", "wrong_value") in {(d.field, d.kind) for d in m.diffs}
    m = validate(ref("Falk I, Rye J, Moe S, Aas L, Dahl K (2016) Meltwater routing beneath a surging outlet glacier "
                     "inferred"), [GLACIER, OTHER])
    assert m.verdict == "corrected" and m.doi == GLACIER.doi
    # a beginning of five words is not enough
    short = validate(ref("Falk I, Rye J, Moe S, Aas L, Dahl K (2016) Meltwater routing beneath a surging"), [GLACIER])
    assert short.verdict not in ("verified", "corrected")


def test_a_page_shared_by_short_items_names_none_of_them() -> None:
    """Book reviews and notes share pages: without a title, volume and one page do not name one of them."""
    review = rec("10.9999/rev.494", "Flora der Schweiz, 3 Bände", [("Bässler", "M")], "Feddes Repertorium",
                 1978, "89", "7", "494-494")
    text = "Bässler M. Feddes Repertorium 1975; 89: 494."
    assert validate(ref(text, volume="89"), [review]).verdict not in ("verified", "corrected")
    article = rec("10.9999/art.494", "Flora der Schweiz, 3 Bände", [("Bässler", "M")], "Feddes Repertorium",
                  1978, "89", "7", "494-501")
    assert validate(ref(text, volume="89"), [article]).verdict == "corrected"


def test_entries_run_together_in_a_style_without_titles() -> None:
    """`A, J 12, 201 (2019). B, K 6, 100 (2021).`: the first entry ends at its first page, and the second
    is reported as run into it, not held against the first."""
    text = ("12. A. Berg, P. Lund, and M. Ek, J Fjord Sci 12, 201 (2019). K. Holm and O. Strand, "
            "Ann Moss Res 44, 77 (2017).")
    m = validate(ref(text), [FJORD, OTHER])
    assert m.verdict == "corrected" and m.doi == FJORD.doi
    assert any(d.kind == "merged_entries" for d in m.diffs)
    # a title-less author-year string is not cut at its year: the rest is the entry, not another one
    lone = rec("10.9999/burki", "Tobacco industry research", [("Burki", "Talha Khan")], "Lancet Oncol", 2021)
    s = "Talha Khan Burki. 2021. Conflicts of interest in tobacco industry-funded research. Lancet Oncol 22, 758."
    assert validate(ref(s), [lone]).verdict not in ("verified", "corrected")


def test_one_article_under_two_dois_is_said_so() -> None:
    twin = rec("10.9999/fjord.2019.001e", FJORD.fields["title"], [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")],
               "Journal of Fjord Science", 2019, "12", "3", "201-215")
    m = validate(ref(FJORD_APA), [FJORD, twin])
    assert m.verdict == "ambiguous"
    assert "registered under two DOIs" in m.reason and FJORD.doi in m.reason and twin.doi in m.reason


def test_a_title_word_repeated_in_the_record_and_shown_once_is_in_order() -> None:
    from citecheck.matching.identify import _same_order

    title = "Successful retrieval of an embolized closure device using a modified retrieval forceps"
    assert _same_order(title, "Successful retrieval of an embolized closure device using a modified")
    assert not _same_order("Control of morphine intake: effects of cocaine and naloxone",
                           "Control of cocaine intake: effects of morphine and naloxone")


def test_a_language_edition_the_string_names_picks_that_edition_of_one_article() -> None:
    es = rec("10.9999/acuro.1", "Renal artery pseudoaneurysms in transplant recipients", [("Cano", "J")],
             "Actas urologicas espanolas", 2021, "45", "5", "335-344", short="Actas Urol Esp")
    en = rec("10.9999/acuroe.1", "Renal artery pseudoaneurysms in transplant recipients", [("Cano", "J")],
             "Actas urologicas espanolas", 2021, "45", "5", "335-344", short="Actas Urol Esp (Engl Ed)")
    text = "Cano J. Renal artery pseudoaneurysms in transplant recipients. Actas Urol Esp (Engl Ed) 2021;45:335-44."
    m = validate(ref(text), [es, en])
    assert m.verdict in ("verified", "corrected") and m.doi == en.doi
    plain = validate(ref(text.replace(" (Engl Ed)", "")), [es, en])
    assert plain.verdict == "ambiguous" and "two DOIs" in plain.reason


def test_without_the_title_a_wrong_first_page_needs_the_last_page() -> None:
    """A range that still ends on the record's last page, with volume, year, journal and first author: the
    first page is the reference's error; a sibling paper differs in both its pages."""
    m = validate(ref("A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 12, 195–215 (2019).", page="195-215"),
                 [FJORD])
    assert m.verdict == "corrected" and m.doi == FJORD.doi and "page" in m.reason
    assert ("page", "wrong_value") in {(d.field, d.kind) for d in m.diffs}
    m = validate(ref("A. Berg, P. Lund, and M. Ek, Journal of Fjord Science 12, 195–209 (2019)."), [FJORD])
    assert m.verdict not in ("verified", "corrected")


def test_title_numbers_lost_with_an_entry_broken_at_its_start_are_not_another_part() -> None:
    gene = rec("10.9999/onc.654995", "XBP1-IGFBP3 signaling pathway promotes NSCLC invasion and metastasis", [],
               "Frontiers in Oncology", 2021, "11", "", "654995")
    broken = "(17) Signaling pathway promotes NSCLC invasion and metastasis. Frontiers in Oncology. 11 (2021) 654995."
    assert compare(RefView(broken, {}), gene).title_numbers_mismatch == 0
    whole = "Li X. IGFBP3 signaling pathway promotes NSCLC invasion and metastasis. Front Oncol 2021;11:654995."
    assert compare(RefView(whole, {}), gene).title_numbers_mismatch == 1  # XBP1 lost in a string that has more


# ---------------------------------------------------------------- untitled strings named by their people


def parsed(text: str) -> Reference:
    from citecheck.refs.parse import parse_reference
    fields, _ = parse_reference(text)
    return ref(text, **fields)


def takes(text: str, w: Record, *why: str) -> None:
    """The string, parsed, is matched to `w` (beside an unrelated record) and corrected, the reason naming `why`."""
    m = validate(parsed(text), [w, OTHER])
    assert m.doi == w.doi and m.verdict == "corrected" and all(x in m.reason for x in why), m.reason


def refuses(text: str, w: Record) -> None:
    """The string, parsed, is not matched to `w` (beside an unrelated record)."""
    assert validate(parsed(text), [w, OTHER]).verdict not in ("verified", "corrected")


def test_people_journal_year_and_issue_name_an_untitled_work() -> None:
    m = validate(parsed("Berg A, Lund P, Ek M. J Fjord Sci. 2019;(3)."), [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict in ("verified", "corrected")
    assert "no title" in m.reason and "co-authors" in m.reason


def test_the_same_team_twice_in_one_issue_is_not_told_apart() -> None:
    twin = rec("10.9999/fjord.2019.002", "Winter convection in a sill fjord", [("Berg", "Anna"), ("Lund", "Per"),
               ("Ek", "Maja")], "Journal of Fjord Science", 2019, "12", "3", "216-230", short="J Fjord Sci")
    m = validate(parsed("Berg A, Lund P, Ek M. J Fjord Sci. 2019;(3)."), [FJORD, twin, OTHER])
    assert m.verdict not in ("verified", "corrected")


def test_a_name_suffix_is_no_number_and_a_bare_initial_no_author() -> None:
    jr = rec("10.9999/ins.1979.5", "The effect of adrenalectomy on insulin choleresis in the rat",
             [("Austin", "G"), ("Shires", "G T"), ("Jones", "R S")], "Proceedings of Experimental Biology", 1979,
             "160", "1", "50-54")
    text = "G.A. Austin, G.T. Shires 3rd, R.S. Jones, The effect of adrenalectomy on insulin"
    assert compare(RefView(text, parsed(text).fields), jr).unexplained_numbers == 0
    text = "P, 等, 1979. The effect of adrenalectomy on insulin choleresis in the rat. Proc Exp Biol, 160(1): 50-54."
    assert compare(RefView(text, parsed(text).fields), jr).first_author is None


def test_a_cited_notice_is_chosen_over_its_article_whatever_the_pages() -> None:
    notice = rec("10.9999/fjord.2021.077", "Corrigendum to Tidal mixing and oxygen renewal in a sill fjord",
                 [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")], "Journal of Fjord Science", 2019, "12", "3",
                 "410")
    text = ("Berg A, Lund P, Ek M. Corrigendum to Tidal mixing and oxygen renewal in a sill fjord. "
            "J Fjord Sci. 2019;12(3):201.")
    m = validate(parsed(text), [FJORD, notice])
    assert m.doi == notice.doi and m.verdict == "corrected"


def test_an_entry_broken_inside_its_title() -> None:
    long_title = ("Evaluation of time-limited trials among critically ill patients with advanced medical illnesses "
                  "and reduction of nonbeneficial ICU treatments")
    w = rec("10.9999/icu.2021.1", long_title, [("Chang", "D W"), ("Neville", "T H"), ("Parrish", "J")],
            "Journal of Intensive Things", 2021, "181", "6", "786-794")
    # authors and the cut title share one segment: the title's beginning is still found where the string ends
    text = "(25) D.W. Chang, T.H. Neville, J. Parrish, Evaluation of Time-Limited Trials Among Critically Ill,"
    ev = compare(RefView(text, parsed(text).fields), w)
    assert (ev.title or 0) >= 0.9 and ev.title_window.lower().startswith("evaluation of time")
    # numbers of the title lost with its end are not another part
    dated = rec("10.9999/hp.1938.1", "Hospital pharmacy's opportunity, presented before the New York meeting, 1937",
                [("McNeary", "W W")], "Journal of Pharmacy", 1938, "27", "4", "335-336")
    text = "1. McNeary WW. Hospital Pharmacy's Opportunity, presented before the New York meeting,"
    assert compare(RefView(text, parsed(text).fields), dated).title_numbers_mismatch == 0
    text = "1. McNeary WW. Hospital Pharmacy's Opportunity, presented before the New York meeting. J Pharm 27: 335."
    assert compare(RefView(text, parsed(text).fields), dated).title_numbers_mismatch == 1


def test_one_author_a_journal_and_a_year_name_no_paper() -> None:
    # the author's other paper in that journal that year fits as well: when the index lacks the cited one,
    # the other must not be taken
    solo = rec("10.9999/solo.1977.1", "Discrete-trial control of morphine self-injection in squirrel monkeys",
               [("Stretch", "R")], "Canadian Journal of Monkey Research", 1977, "55", "3", "615-627")
    m = validate(parsed("Stretch, R. 1977. Canadian Journal of Monkey Research."), [solo, OTHER])
    assert m.verdict == "ambiguous" and "one author" in m.reason
    m = validate(parsed("Stretch, R. 1977. Canadian Journal of Monkey Research 55: 615."), [solo, OTHER])
    assert m.verdict in ("verified", "corrected")


def test_a_title_without_punctuation_around_it_is_found_by_its_letters() -> None:
    w = rec("10.9999/psy.2021.1", "Changes in psychopathology and mental health resilience", [("Onchev", "G")],
            "Frontiers in Psychiatry", 2021, "12", "", "676492")
    ev = compare(RefView("22 Onchev G 2021 Chang es in Psychopathology and M ental Health Re silience Front Psych "
                         "iatry 12 676492", {}), w)
    assert (ev.title or 0) >= 0.95


def test_a_review_is_not_taken_against_its_year() -> None:
    # reviews carry the reviewed book's citation as their title: a review of the book's other edition, in
    # another year, fits as well
    review = rec("10.9999/rev.1979.1", "Heukels, H. & Ooststroom, S. J. van, Flora van Nederland. 19. Aufl.",
                 [("Bassler", "M")], "Feddes Repertorium", 1979, "89", "7", "494-494")
    text = "Bassler M. Heukels, H. & Ooststroom, S. J. van, Flora van Nederland. 19. Aufl. Feddes Repertorium 1975; 89: 494."
    assert validate(parsed(text), [review, OTHER]).verdict not in ("verified", "corrected")
    assert validate(parsed(text.replace("1975", "1979")), [review, OTHER]).verdict in ("verified", "corrected")


def test_a_wrong_year_run_into_volume_and_page() -> None:
    w = rec("10.9999/mpb.2021.1", "Microplastics in a harbour", [("Fernandez", "R"), ("Perez", "M I")],
            "Marine Pollution Bulletin", 2021, "169", "", "112463", short="Mar Pollut Bull")
    ev = compare(RefView("63. R. Fernandez and M. I. Perez, Mar Pollut Bull, 2020169112463.", {}), w)
    assert ev.volume == 1.0 and ev.page == 1.0 and ev.year == 0.0 and ev.year_off
    assert ev.unexplained_numbers == 0


def test_an_author_in_a_proceedings_cites_a_paper_not_the_volume() -> None:
    volume = Record(fields={"type": "book", "DOI": "10.9999/acm84", "title": "Proceedings of the 1984 annual "
                            "conference of the ACM on the fifth generation challenge", "issued": {"date-parts": [[1984]]}},
                    source="index")
    paper = rec("10.9999/acm84.12", "Computing applications as social experimentation", [("Schinzinger", "R")],
                "Proceedings of the 1984 annual conference of the ACM on the fifth generation challenge", 1984,
                type="paper-conference")
    text = "1 R. Schinzinger, Proceedings of the 1984 Annual Conference of the ACM on The Fifth Generation Challenge (1984)."
    m = validate(parsed(text), [volume, paper])
    assert m.doi == paper.doi and m.verdict in ("verified", "corrected")


def test_ocr_look_alike_digits_in_the_numbers() -> None:
    # S for 5, l for 1, B for 8: the record's numbers are explained, not contradicted
    text = "Berg A, Lund P, Ek M. Tidal mixing. J Fjord Sci. 20l9;l2(3):20l-2lS."
    ev = compare(RefView(text, {}), FJORD)
    assert (ev.volume, ev.page, ev.unexplained_numbers) == (1.0, 1.0, 0)
    # and volume and page run together and then misread (`12201` → `l220l`) still are the record's
    ev = compare(RefView("Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. "
                         "J Fjord Sci l220l (2019).", {}), FJORD)
    assert (ev.volume, ev.page, ev.unexplained_numbers) == (1.0, 1.0, 0)
    # a number the record does not hold stays unexplained
    assert compare(RefView(text.replace("2lS", "2lS 9B4"), {}), FJORD).unexplained_numbers == 1


def test_a_whole_team_names_its_paper_in_a_volume() -> None:
    team = [("Gao", "M"), ("Yan", "X"), ("Lu", "Y"), ("Ren", "L"), ("Zhang", "S")]
    w = rec("10.9999/oral.2021.18", "Retrograde nerve growth factor signaling in tooth movement", team,
            "International Journal of Oral Science", 2021, "13", "", "18", short="Int J Oral Sci")
    text = "M. Gao, X. Yan, Y. Lu, L. Ren and S. Zhang, Int J Oral Sci, 2021, 13, 46."
    m = validate(parsed(text), [w, OTHER])
    assert m.doi == w.doi and m.verdict == "corrected" and "page" in {d.field for d in m.diffs}
    # three people are not a whole team: a trio may put two papers in one volume
    trio = rec("10.9999/oral.2021.19", w.fields["title"], team[:3], "International Journal of Oral Science", 2021,
               "13", "", "18", short="Int J Oral Sci")
    m = validate(parsed("M. Gao, X. Yan and Y. Lu, Int J Oral Sci, 2021, 13, 46."), [trio, OTHER])
    assert m.verdict not in ("verified", "corrected")
    # the same team twice in that volume: the string does not say which
    again = rec("10.9999/oral.2021.77", "Acid-sensing ion channels in orthodontic pain", team,
                "International Journal of Oral Science", 2021, "13", "", "77", short="Int J Oral Sci")
    assert validate(parsed(text), [w, again, OTHER]).verdict not in ("verified", "corrected")
    # pages in ranges: a page just before the team's paper may start their other one (absent from the index)
    ranged = rec("10.9999/jem.1978.768", "Cytotoxic responses to a minor antigen", team, "J Exp Med", 1978, "147", "3",
                 "768-775")
    before = "M. Gao, X. Yan, Y. Lu, L. Ren, S. Zhang, J. Exp. Med. 1978, 147, 758."
    assert validate(parsed(before), [ranged, OTHER]).verdict not in ("verified", "corrected")
    m = validate(parsed(before.replace("758", "770")), [ranged, OTHER])  # inside the work: the team's paper
    assert m.verdict == "corrected" and m.doi == ranged.doi


def test_a_doi_printed_inside_a_letter_about_it_is_not_the_letters() -> None:
    # the entry is a letter about the work whose title and DOI it quotes: that work is not the entry's
    text = ('Sberna G, et al. Letter of concern re: "Tidal mixing and oxygen renewal in a sill fjord. '
            'J Fjord Sci. 2019;12(3):201-215. doi: 10.9999/fjord.2019.001.". J Fjord Sci. 2021;14(7):1129-1130.')
    m = validate(parsed(text), [FJORD])
    assert m.verdict not in ("verified", "corrected")
    # the work's own entry with its DOI is still taken
    own = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. doi: 10.9999/fjord.2019.001."
    assert validate(parsed(own), [FJORD]).doi == FJORD.doi


def test_pages_of_a_part_name_the_part_not_the_book() -> None:
    book = rec("10.9999/cab.2002", "Designing a structured cabling system", [("Elliott", "B")], "", 2002)
    book.fields.pop("container-title")
    preface = rec("10.9999/cab.2002.ix", "Preface", [("Elliott", "B")], "Designing a structured cabling system",
                  2002, page="ix-x")
    m = validate(parsed("T. Ou, B. Elliott, Designing a Structured Cabling System, (2002), p. ix–x."),
                 [book, preface])
    assert m.doi == preface.doi
    m = validate(parsed("B. Elliott, Designing a Structured Cabling System, (2002)."), [book, preface])
    assert m.doi == book.doi


def test_another_part_numeral_is_another_paper_of_the_series() -> None:
    part = rec("10.9999/kin.42", "Kinetics of heterolysis of organohalogen compounds: XLII. Effect of aprotic "
               "solvent on the rate of dehydrochlorination", [("Ponomarev", "N E"), ("Dvorko", "G F")],
               "Russian Journal of General Chemistry", 2005, "75", "10", "1517-1523")
    text = ("Ponomarev NE, Dvorko GF. 2005. Kinetics of heterolysis of organohalogen compounds: XLI. Solvent effect "
            "on the rate of solvolysis. Russian Journal of General Chemistry, 75(9): 1430–1436.")
    ev = compare(RefView(text, parsed(text).fields), part)
    assert ev.title_numbers_mismatch >= 1
    assert validate(parsed(text), [part]).verdict not in ("verified", "corrected")
    # the same numeral read by OCR (`XLIl`) or with a letter slip (`XLIIb`) is no other part
    for shown in ("XLIl", "XLIIb"):
        text = ("Ponomarev NE, Dvorko GF. 2005. Kinetics of heterolysis of organohalogen compounds: " + shown +
                ". Effect of aprotic solvent on the rate of dehydrochlorination. Russ J Gen Chem, 75(10): 1517–1523.")
        assert compare(RefView(text, parsed(text).fields), part).title_numbers_mismatch == 0, shown
    # part one (`i.`) cited as part two (`ii.`) of a series, the entry's other words run on
    first = rec("10.9999/pm.1979.118", "Investigations with compounds of camomile i. on the pharmacology of "
                "bisabolol oxides", [("Isaksen", "O"), ("Jakov", "V")], "Planta Medica", 1979, "35", "2", "118-124")
    second = ("68.O. Isaksen, V. Jakov, Investigations with compounds of camomile ii. new investigations on the "
              "antiphlogistic effects of bisabolol oxides. Planta Med. 35 (1979).")
    ev = compare(RefView(second, parsed(second).fields), first)
    assert ev.title_numbers_mismatch == 1
    assert validate(parsed(second), [first]).verdict not in ("verified", "corrected")
    same = second.replace("camomile ii. new investigations on the antiphlogistic effects of",
                          "camomile i. on the pharmacology of")
    assert compare(RefView(same, parsed(same).fields), first).title_numbers_mismatch == 0


def test_a_journal_read_by_ocr_or_misspelt_is_no_other_journal() -> None:
    # OCR look-alikes in the journal's name (`5ci` for `Sci`, `Fjorcl`): still the record's journal
    text = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. J Fjorcl 5ci. 2019;12(3):201-15."
    assert compare(RefView(text, {}), FJORD).journal == 1.0
    # a misspelt abbreviation is no other journal: the title and people take the work despite a wrong year
    text = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. Jour Fjrd Sci. 2016;12(3):201-15."
    m = validate(parsed(text), [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict == "corrected" and "issued" in {d.field for d in m.diffs}
    text = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. Coastal Geol Lett. 2016;12:201-15."
    assert validate(parsed(text), [FJORD, OTHER]).verdict not in ("verified", "corrected")


def test_a_notice_about_the_work_is_no_twin_of_it() -> None:
    title = "Transcription factor NAC075 delays leaf senescence by deterring reactive oxygen species accumulation"
    team = [("Kan", "C"), ("Zhang", "Y"), ("Wang", "H")]
    work = rec("10.9999/plant.2021.1", title, team, "Frontiers in Plant Science", 2021, "12", "", "634040")
    notice = rec("10.9999/plant.2021.2", "Corrigendum: " + title, team, "Frontiers in Plant Science", 2021, "12", "",
                 "691607")
    # the journal misspelt and the year wrong: the title has to name the work, and the notice must not block it
    text = f"Kan C, Zhang Y, Wang H. 2023. {title}. Frot Plant Sci 12: 634040."
    m = validate(parsed(text), [work, notice, OTHER])
    assert m.doi == work.doi and m.verdict == "corrected"


def test_two_entries_of_a_style_without_titles_run_together() -> None:
    first = rec("10.9999/nai.2021", "Zone refining of sodium iodide", [("Suerfu", "B"), ("Calaprice", "F")],
                "Physical Review Applied", 2021, "16", short="Phys Rev Appl")
    second = rec("10.9999/ren.1979", "Renal vascular responses to endoperoxides", [("Oliver", "J A"),
                 ("Sciacca", "R R")], "American Journal of Physiology", 1979, "236", "3", "H427-H433",
                 short="Am J Physiol")
    text = "B. Suerfu, F. Calaprice, Phys. Rev. Applied, 16 (2021).. J.A. Oliver, R.R. Sciacca, Am. J. Physiol., " \
           "236 (1979) H427–H433."
    ev = compare(RefView(text, parsed(text).fields), second)
    assert ev.after_other_entry
    assert compare(RefView(text, parsed(text).fields), first).unexplained_numbers == 0  # the tail is not its
    m = validate(parsed(text), [second, first, OTHER])
    assert m.doi == first.doi and ("reference", "merged_entries") in {(d.field, d.kind) for d in m.diffs}


def test_a_chinese_citation_frame_is_no_words_of_the_work() -> None:
    # 法学引注 style: 〔1〕Authors：《Title》，载《Journal》Year年第Issue期 — no volume, no pages
    text = "28 〔1〕A. Berg、P. Lund、M. Ek：《Tidal mixing and oxygen renewal in a sill fjord》，载《Journal of Fjord " \
           "Science》2019年第3期。"
    from citecheck.refs import references_from_lines
    from citecheck.text import normalize

    r = references_from_lines(normalize(text))[0].references[0]
    assert "volume" not in r.fields  # the entry's own number is a label, not a volume
    ev = compare(RefView(r.text, r.fields), FJORD)
    assert ev.string_cov == 1.0 and ev.unexplained_numbers == 0 and (ev.year, ev.issue) == (1.0, 1.0)
    assert ev.volume is None  # not shown, not contradicted
    m = validate(r, [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict in ("verified", "corrected")
    # with a wrong year, the title, people, journal and issue still name the work; the year is the error
    m = validate(references_from_lines(normalize(text.replace("2019年", "2016年")))[0].references[0], [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict == "corrected" and "issued" in {d.field for d in m.diffs}


def test_a_wrong_year_is_no_page_or_volume_shown() -> None:
    from citecheck.matching.identify import conflicts

    text = "Berg A, Lund P, Ek M. Tidal mixing and oxygen renewal in a sill fjord. J Fjord Sci 2016."
    ev = compare(RefView(text, {}), FJORD)
    assert ev.unexplained_numbers == 1 and conflicts(ev) == ["year"]
    ev = compare(RefView(text.replace("2016.", "2016;31:999."), {}), FJORD)
    assert {"year", "page", "volume"} <= set(conflicts(ev))


def test_two_untitled_entries_of_one_author_run_together() -> None:
    # the same first author twice, and a word of the first record's title in its journal's name (`Positive`)
    first = rec("10.9999/pbi.1999", "Positive social science", [("Penneys", "N S"), ("Seligman", "M E P")],
                "Journal of Positive Behavior Interventions", 1999, "1", "3", "181-182")
    second = rec("10.9999/pg.1977", "Inhibitors of prostaglandin biosynthesis", [("Penneys", "N S"), ("Lord", "J T"),
                 ("Ziboh", "V A")], "Prostaglandins", 1977, "14", "2", "355-362")
    text = ("48 Penneys NS, Seligman MEP. Journal of Positive Behavior Interventions, 1999, 1: 181–182 "
            "Penneys NS, Lord JT, Ziboh VA. Prostaglandins, 1977, 14: 355–362")
    m = validate(parsed(text), [second, first, OTHER])
    assert m.doi == first.doi and m.verdict == "corrected"


def test_a_co_author_leading_another_list_does_not_name_the_paper() -> None:
    # `Li C, Wang M` is not the paper of `Wang, Gong, Lan …` in that issue: Wang is named, but not first
    team = rec("10.9999/cpb.22.5", "Biopharmaceutics of timosaponin", [("Wang", "M"), ("Gong", "X"), ("Lan", "Y")],
               "Current Pharmaceutical Biotechnology", 2021, "22", "5", "672-681", short="Curr Pharm Biotechnol")
    m = validate(parsed("Li, C.; Wang, M. Curr Pharm Biotechnol 2021, 22(5)."), [team, OTHER])
    assert m.verdict not in ("verified", "corrected")
    # its own people, first author first, do
    m = validate(parsed("Wang, M.; Gong, X.; Lan, Y. Curr Pharm Biotechnol 2021, 22(5)."), [team, OTHER])
    assert m.doi == team.doi and m.verdict in ("verified", "corrected")


def test_an_abstract_of_the_work_in_another_venue_is_not_the_work() -> None:
    # ChemInform re-publishes abstracts of articles under their titles: the string citing the article (absent
    # from the sources) is not the abstract
    abstract = rec("10.9999/chin.2015.33", "ChemInform Abstract: Tidal mixing and oxygen renewal in a sill fjord",
                   [("Berg", "Anna"), ("Lund", "Per"), ("Ek", "Maja")], "ChemInform", 2015, "46", "33")
    text = "Berg A, Lund P, Ek M: Tidal mixing and oxygen renewal in a sill fjord. Journal of Fjord Science 2015;"
    assert validate(parsed(text), [abstract, OTHER]).verdict not in ("verified", "corrected")


def test_a_title_shown_that_is_another_candidates_holds_back_a_people_only_fit() -> None:
    team = [("Chiu", "Y Y"), ("Castro", "J A"), ("Poljak", "R J")]
    sibling = rec("10.9999/bio.1978", "Amino acid sequence of the variable region of the light chain of a human "
                  "immunoglobulin", team, "Biochemistry", 1978, "17", "9", "1718-1723")
    other = rec("10.9999/bio.1977", "Amino acid sequence of the VH region of a human myeloma immunoglobulin",
                [("Chiu", "Y Y"), ("Smith", "A"), ("Jones", "B"), ("Brown", "C"), ("White", "D"), ("Black", "E"),
                 ("Green", "F"), ("Gray", "G")], "Biochemistry", 1977, "16",
                "15", "3412-3420")
    from citecheck.matching.validate import _title_elsewhere, score_candidates

    text = "Chiu YY, Castro JA, Poljak RJ. Amino acid sequence of the VH region of human"
    assert validate(parsed(text), [sibling, other, OTHER]).verdict not in ("verified", "corrected")
    r = parsed(text)
    best, *rest = score_candidates(RefView(text, r.fields), [sibling, other])
    assert best.record.doi == sibling.doi and other.doi in (_title_elsewhere(best, rest) or "")
    # numbers of its own (its year) back the best candidate: not held back
    r = parsed(text + " Biochemistry 1978.")
    best, *rest = score_candidates(RefView(text + " Biochemistry 1978.", r.fields), [sibling, other])
    assert best.record.doi == sibling.doi and _title_elsewhere(best, rest) is None


def test_a_title_cut_short_inside_a_whole_entry_still_names_the_work() -> None:
    frogs = rec("10.9999/frog.1977", "Detection of stationary objects by frogs (Rana pipiens) after ablation of "
                "optic tectum", [("Ingle", "D")], "Journal of Comparative and Physiological Psychology", 1977, "91",
                "6", "1359-1364", short="J Comp Physiol Psychol")
    text = ("38 Ingle D. Detection of stationary objects by frogs (Rana pipiens) after ablation. "
            "J Comp Physiol Psychol 1977; 91:1352-1364.")
    m = validate(parsed(text), [frogs, OTHER])
    assert m.doi == frogs.doi and m.verdict == "corrected" and "page" in {d.field for d in m.diffs}


def test_a_title_set_off_by_commas_only_is_found() -> None:
    # styles that separate every field by a comma give the title no sentence of its own
    w = rec("10.9999/stat.1962.1", "Household budget studies", [("Zaric", "S S")],
            "Review of the International Statistics Bureau", 1962, "30", "3", "84-97")
    text = "(55) Zaric SS, Household Budget Studies, Review of the International Statistics Bureau 30:426 (1962)."
    ev = compare(RefView(text, parsed(text).fields), w)
    assert (ev.title or 0) >= 0.95 and ev.title_window == "Household Budget Studies"
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "corrected" and m.doi == w.doi and "page" in m.reason
    # the same string naming another title is no match
    other_title = text.replace("Household Budget Studies", "Wage Dispersion Abroad")
    assert validate(parsed(other_title), [w, OTHER]).doi is None


def test_a_journal_name_typed_with_letters_swapped_is_the_journal() -> None:
    w = rec("10.9999/psy.2002.1", "Barriers to effective mental health reform in small states",
            [("Puras", "D")], "European Psychiatry", 2002, "17", "", "19")
    text = "Puras D. 2002. Barriers to effective mental health reform in small states. Euorpean Psychiatry 16:19."
    ev = compare(RefView(text, parsed(text).fields), w)
    assert ev.journal == 1.0
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "corrected" and m.doi == w.doi and "volume" in m.reason
    # a sibling journal whose name ends otherwise is not it
    sibling = text.replace("Euorpean Psychiatry", "European Psychologist")
    assert compare(RefView(sibling, parsed(sibling).fields), w).journal == 0.0


def test_people_named_from_later_in_a_large_team_count() -> None:
    # the record lists 30 people in another order than the string: the six the string names are all there,
    # none among the record's first ten
    team = [(f"Member{chr(65 + i // 26)}{chr(65 + i % 26)}", "A") for i in range(24)]
    named = [("Okafor-Luna", "A"), ("Mossel", "P"), ("Hahnke", "A"), ("Cohenza", "E"), ("Nigulsen", "M"),
             ("Houldt", "H")]
    w = rec("10.9999/gen.2021.1", "A form of muscular dystrophy associated with rare variants in a notch ligand",
            team[:12] + named + team[12:], "American Journal of Human Genes", 2021, "108", "6", "1164-1172",
            short="Am J Hum Genes")
    text = ("19 Okafor-Luna A, Mossel P, Hahnke A, Cohenza E, Nigulsen M, Houldt H, et al.: A form of muscular "
            "dystrophy associated with rare variants in a notch ligand. Am J Hum Genes 2021;107:1164.")
    ev = compare(RefView(text, parsed(text).fields), w)
    assert ev.first_author == 0.0 and ev.named_later == 6
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "corrected" and m.doi == w.doi and "volume" in m.reason
    # other people entirely: not this work
    strangers = text.replace("Okafor-Luna A, Mossel P, Hahnke A, Cohenza E, Nigulsen M, Houldt H",
                             "Berg T, Lund P, Ek M, Vik T, Strand O, Holm K")
    m = validate(parsed(strangers), [w, OTHER])
    assert m.verdict not in ("verified", "corrected") and "first author" in m.reason


def test_a_short_title_with_its_last_page_names_the_work_despite_two_slips() -> None:
    w = rec("10.9999/adc.1979.81", "Detection of alkaptonuria", [("Morwen", "M E")],
            "Archives of Disease in Childhood", 1979, "54", "1", "81-82")
    text = "MORWEN, M E, 1979. Detection of alkaptonuria. Archives of Disease in Childhood. 1979. Vol. 55, no. 1, p. 80–82."
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "corrected" and m.doi == w.doi and "last page" in m.reason
    assert {d.field for d in m.diffs} >= {"volume", "page"}
    # the range ending elsewhere: two numbers wrong and nothing of the locator agreeing is too little
    elsewhere = text.replace("80–82", "80–85")
    assert validate(parsed(elsewhere), [w, OTHER]).doi is None


def test_an_untitled_reference_with_a_slipped_first_page_and_the_last_page_right() -> None:
    w = rec("10.9999/aace.2021.184", "Closed-loop insulin delivery in a ward setting",
            [("Atwal", "Z"), ("Hallstrom", "A"), ("Pereira", "V")], "AACE Clinical Case Reports", 2021, "7", "3",
            "184-188", short="AACE Clin Case Rep")
    # one digit slipped (184 → 180): not a conflict to the model, still a wrong page to report
    text = "27. Z. Atwal, A. Hallstrom, V. P., AACE Clin Case Rep, 7 (2021) 180–188."
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "corrected" and m.doi == w.doi and "last page" in m.reason
    assert any(d.field == "page" for d in m.diffs)
    # confident as the model is, another first page must still end on the work's last page
    far = rec("10.9999/arm.1979.417", "Prenatal hormones and the developing brain", [("Ehrlund", "A A"),
              ("Meyer-Berg", "H F")], "Annual Review of Medicine", 1979, "30", "", "417-430", short="Annu Rev Med")
    text = "35.Ehrlund, A. A., Meyer-Berg, H. F. Annu. Rev. Med. 1979, 30, 425–430."
    m = validate(parsed(text), [far, OTHER])
    assert m.verdict == "corrected" and m.doi == far.doi
    assert validate(parsed(text.replace("425–430", "425–436")), [far, OTHER]).doi is None
    # the first author's name typed with two letters swapped, or read by OCR, is still the first author in place
    for slip in ("Ehrlnud", "Ehr1und"):
        m = validate(parsed(text.replace("Ehrlund", slip)), [far, OTHER])
        assert m.verdict == "corrected" and m.doi == far.doi
    short = rec("10.9999/pod.1978.366", "Lateral ankle ligament injury", [("Wolk", "E W")],
                "Journal of the American Podiatry Association", 1978, "68", "5", "366-369", short="J Am Podiatry Assoc")
    m = validate(parsed("Wo1k, E. W. J Am Podiatry Assoc 1978, 70, 366–369"), [short, OTHER])  # a short name
    assert m.verdict == "corrected" and m.doi == short.doi


def test_a_journal_name_read_by_ocr_or_misspelt_is_found_without_its_suffix_and_to_its_last_letter() -> None:
    board = rec("10.9999/board.2021.3", "The growth of resident debt in family practice", [("Edwin-Jones", "J")],
                "Journal of the American Board of Family Practice : JABFP", 2021, "34", "3", "557-567")
    text = ("Edwin-Jones J. 2O21 The Growth of Resident Debt in Family Practice. Jovrnal of tbe Amencan 8oard of "
            "Family Practice, 34(3), 657–667.")
    assert compare(RefView(text, parsed(text).fields), board).journal == 1.0
    infect = rec("10.9999/jid.2021.219", "The changing epidemiology of a pox virus: questions still open",
                 [("Heyward", "D L"), ("Simms", "K")], "The Journal of Infectious Diseases", 2021, "224", "", "1839-1841")
    text = ("Heyward DL, Simms K. 2021. The Changing Epidemiology of a Pox Virus: Questions Still Open. "
            "The Journal of nifectiouus diseases 219: 1839–1841.")
    assert compare(RefView(text, parsed(text).fields), infect).journal == 1.0
    m = validate(parsed(text), [infect, OTHER])
    assert m.verdict == "corrected" and m.doi == infect.doi and "volume" in m.reason


def test_an_untitled_reference_whose_page_lies_inside_the_work() -> None:
    w = rec("10.9999/scna.1977.165", "Antibiotics in trauma", [("Cushman", "R D")],
            "The Surgical Clinics of North America", 1977, "57", "1", "165-177", short="Surg Clin North Am")
    text = "120.R. D. Cushman, Surg. Clin. North Am. 1977, 57, 166."
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "corrected" and m.doi == w.doi and "inside" in m.reason
    # a page before the work is the previous article's: the author's other paper there may be the one cited
    m = validate(parsed(text.replace("166", "170–71")), [w, OTHER])  # a range inside it
    assert m.verdict == "corrected" and m.doi == w.doi
    for outside in ("160", "178", "170–180"):
        assert validate(parsed(text.replace("166", outside)), [w, OTHER]).verdict not in ("verified", "corrected")


def test_an_article_number_is_one_of_the_records_numbers_not_a_stray_word() -> None:
    w = rec("10.9999/phc.2021.e26", "Educational interventions by nurses for carers at home",
            [("Rojas-Ocaña", "M J"), ("Araujo-Hernández", "M"), ("Romero-Castillo", "R"), ("García Navarro", "E B")],
            "Primary Health Care Research & Development", 2021, "22", "", "e26", short="Prim Health Care Res Dev")
    text = ("T. J. Pryde, M. J. Rojas-Ocaña, M. Araujo-Hernández, R. Romero-Castillo, E. B. García Navarro, "
            "Prim Health Care Res Dev 2021, 22, e26.")
    ev = compare(RefView(text, parsed(text).fields), w)
    assert ev.string_cov > 0.9  # only the name put in front is not the record's


def test_a_chapter_cited_with_another_year_is_named_by_its_book_and_whole_page_range() -> None:
    ch = rec("10.9999/book.1974.93", "Aerosol parameters of the atmosphere by laser sounding",
             [("Zubov", "V E"), ("Krekin", "G M"), ("Nagy", "I E")], "Impact of Space Technology on the Atmosphere",
             1974, page="93-103", type="chapter")
    text = "24. V. E. ZUBOV, G. M. KREKIN, I. E. NAGY, in Impact of Space Technology on the Atmosphere, ed., 1976, pp. 93–103."
    m = validate(parsed(text), [ch, OTHER])
    assert m.verdict == "corrected" and m.doi == ch.doi and "issued" in {d.field for d in m.diffs}
    # the first page alone is not the whole range
    assert validate(parsed(text.replace("93–103", "93–110")), [ch, OTHER]).verdict not in ("verified", "corrected")


def test_an_untitled_reference_naming_another_journal_is_not_taken() -> None:
    w = rec("10.9999/vacc.2021.1", "Coverage of an enterovirus vaccine among children",
            [("Wanby", "M"), ("Qin", "Z"), ("Tan", "H"), ("Li", "Q"), ("Ni", "L")], "Expert Review of Vaccines", 2021,
            page="1-12", short="Expert Rev Vaccines")
    # its people and numbers fit well enough for the model (an article of pages 1–12 in another journal)
    text = "Wanby, M., Qin, Z., Tan, H. (2021) Mobile Information Systems, 2021, 1–12."
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict not in ("verified", "corrected") and "another journal" in m.reason
    # the record's journal misspelt or abbreviated is not another journal
    m = validate(parsed("Wanby, M., Qin, Z., Tan, H. (2021) Expret Rev Vacc, 2021, 1–12."), [w, OTHER])
    assert "another journal" not in m.reason


TEAM6 = [("Champer", "S"), ("Lamont", "M"), ("Jonas", "V"), ("Moriel", "G"), ("Honka", "S"), ("Dolman", "L")]


def test_three_co_authors_stand_for_a_first_author_lost_from_the_string() -> None:
    w = rec("10.9999/gen.2021.1009533", "Microtubule bundling at the tip of growing rhizoids", TEAM6,
            "PLoS Genetics", 2021, "17", "6", "e1009533", short="PLoS Genet")
    # an entry broken at its start: the first two people lost, the volume wrong; the article number names it
    text = "V. Jonas, G. Moriel, S. Honka, L. Dolman, PLoS Genet 21 (2021) e1009533."
    takes(text, w, "co-authors")
    # people, journal, year, volume and issue, without the first author
    m = validate(parsed("Jonas V, Moriel G, Honka S. PLoS Genet 2021;17(6)"), [w, OTHER])
    assert m.doi == w.doi and m.verdict in ("verified", "corrected")
    # two of them are not enough to stand for the first author
    assert validate(parsed("Jonas V, Moriel G. PLoS Genet 2021;17(6)"), [w, OTHER]).verdict not in (
        "verified", "corrected")


def test_an_article_number_stands_for_the_volume_when_the_year_is_wrong() -> None:
    w = rec("10.9999/fpsyg.2021.622905", "Online training tools in competition cyclists",
            [("Moreno", "A"), ("Leon", "E"), ("Serra", "M A")], "Frontiers in Psychology", 2021, "12", "",
            "622905", short="Front Psychol")
    m = validate(parsed("A. Moreno, E. Leon, M. A. Serra, Front Psychol (2018) 622905."), [w, OTHER])
    assert m.doi == w.doi and m.verdict == "corrected" and "article number" in m.reason
    # a short number restarts with each volume (`1234`): with the year wrong it names no one article
    short = rec("10.9999/sens.2021.1234", w.fields["title"], [("Moreno", "A"), ("Leon", "E"), ("Serra", "M A")],
                "Sensors", 2021, "21", "", "1234")
    m = validate(parsed("A. Moreno, E. Leon, M. A. Serra, Sensors (2018) 1234."), [short, OTHER])
    assert m.verdict not in ("verified", "corrected")


def test_many_people_volume_and_whole_page_range_outweigh_a_wrong_year_and_a_misspelt_journal() -> None:
    w = rec("10.9999/canc.1979.505", "Adenomatoid odontogenic tumour: two cell types",
            [("Smyth", "R R"), ("Olsen", "J L"), ("Hutchings", "G M"), ("Crawley", "W A"), ("Levine", "L S")],
            "Cancer", 1979, "43", "2", "505-511")
    text = "9 Smyth, R.R., Olsen, J.L., Hutchings, G.M., Crwley, W.A., & Levine, L.S. (1977) Canceer 43, 505–511"
    takes(text, w, "last page")
    # the first page alone is not the whole range
    m = validate(parsed(text.replace("505–511", "505")), [w, OTHER])
    assert m.verdict not in ("verified", "corrected")


def test_a_first_author_broken_by_a_hyphen_still_leads_the_list() -> None:
    w = rec("10.9999/bect.1978.56", "Organochlorine residues in osprey eggs",
            [("Wiemeyer", "S N"), ("Swineford", "D M"), ("Spitzer", "P R")], "Bulletin of Environmental "
            "Contamination and Toxicology", 1978, "19", "1", "56-63", short="Bull Environ Contam Toxicol")
    m = validate(parsed("[48] Wiem-eyer, S. N. et al. (1980) Bull Environ Contam Toxicol, 19, 56–63."), [w, OTHER])
    assert m.doi == w.doi and m.verdict == "corrected"


def test_ocr_look_alikes_are_one_whatever_order_they_are_read_in() -> None:
    from citecheck.matching.refview import ocr_canon
    assert ocr_canon("c1in") == ocr_canon("clin") == ocr_canon("dln")
    assert ocr_canon("endocnnol") == ocr_canon("endocrinol")
    assert ocr_canon("clin") != ocr_canon("chem")


def test_an_article_beginning_on_the_last_page_cited_is_the_next_one() -> None:
    nxt = rec("10.9999/jps.1978.584", "Pharmacokinetics of nitroglycerin in rats", [("Yap", "P S"), ("Fung", "H L")],
              "Journal of Pharmaceutical Sciences", 1978, "67", "4", "584-586", short="J Pharm Sci")
    text = "Yap PS, Fung HL. Journal of Pharmaceutical Sciences. 1978;67(4):582–584."
    m = validate(parsed(text), [nxt, OTHER])
    assert m.verdict not in ("verified", "corrected")
    # the same pages written as the record's are its own
    m = validate(parsed(text.replace("582–584", "584–586")), [nxt, OTHER])
    assert m.doi == nxt.doi and m.verdict in ("verified", "corrected")


def test_a_title_of_which_the_record_has_no_word_is_another_works() -> None:
    w = rec("10.9999/jps.1978.584", "Pharmacokinetics of nitroglycerin in rats", [("Yap", "P S"), ("Fung", "H L")],
            "Journal of Pharmaceutical Sciences", 1978, "67", "4", "584-586", short="J Pharm Sci")
    text = "Yap PS, Fung HL. Improved GLC determination. Journal of Pharmaceutical Sciences. 1978;67(4):584–586."
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict not in ("verified", "corrected") and "title the record does not have" in m.reason
    # its own title, cut short or misspelt, is not another's
    for own in ("Pharmacokinetics of nitroglycerin", "Pharmacokinetcs of nitroglycerine in rats"):
        m = validate(parsed(text.replace("Improved GLC determination", own)), [w, OTHER])
        assert m.doi == w.doi and m.verdict in ("verified", "corrected")


def test_a_filler_word_read_by_ocr_explains_nothing() -> None:
    trio = [("Bosk", "H"), ("Dijkman", "L"), ("Bronsma", "R")]
    a = rec("10.9999/ijos.1977.48", "Operative treatment of arthrosis of the jaw joint", trio,
            "International Journal of Oral Surgery", 1977, "6", "", "48-50")
    b = rec("10.9999/ijos.1977.127", "Visor osteotomy and vestibuloplasty in one stage", trio,
            "International Journal of Oral Surgery", 1977, "6", "", "127-130")
    # `ancl` is `and` read by OCR: that b's title has an `and` does not tell the two papers apart
    text = "8osk, H, L Dijkman, ancl R Bronsma. 1977. Intcrnational Journal of Oral Svrgery 6 (l)."
    m = validate(parsed(text), [a, b, OTHER])
    assert m.verdict not in ("verified", "corrected")
    assert "ancl" not in RefView(text, parsed(text).fields).content_words
    assert "ancl" in RefView("Dijkman L, Ancl R. Tidal sands.", {}).content_words  # not read by OCR: a name


def test_a_reply_cited_is_not_the_article_it_replies_to() -> None:
    w = rec("10.9999/ncc.2021.1108", "Precise clinical outcome in high-grade subarachnoid hemorrhage",
            [("Vath", "A")], "Neurocritical Care", 2021, "34", "3", "1108-1109")
    text = ('(2021), \'RESPONSE TO: "PRECISE CLINICAL OUTCOME IN HIGH-GRADE SUBARACHNOID HEMORRHAGE"\', '
            "NEUROCRITICAL CARE, VOL. 34, ISSUE 3, PP. 1110–1111.")
    refuses(text, w)
    # a reply whose record title carries the word itself (`In Reply to …`) is that record
    r = rec("10.9999/ijrobp.2021.911", "In Reply to Rans et al", [("Zelef", "M J"), ("Greco", "C")],
            "International Journal of Radiation Oncology Biology Physics", 2021, "110", "3", "911-912",
            short="Int J Radiat Oncol Biol Phys")
    m = validate(parsed("Zelef MJ, Greco C. Reply to Rans et al. Int J Radiat Oncol Biol Phys 2021;110:911–2."),
                 [r, OTHER])
    assert m.doi == r.doi and m.verdict in ("verified", "corrected")


def test_one_author_a_book_and_a_year_name_no_chapter() -> None:
    ch = rec("10.9999/nn.1997.3", "Neural networks in process control", [("Heuer", "J")],
             "Neuronale Netze in der Industrie", 1997, page="45-60", type="chapter")
    m = validate(parsed("Heuer, J. (1997) In: Neuronale Netze in der Industrie."), [ch, OTHER])
    assert m.verdict not in ("verified", "corrected") and "chapters" in m.reason
    m = validate(parsed("Heuer, J. (1997) In: Neuronale Netze in der Industrie, pp. 45–60."), [ch, OTHER])
    assert m.doi == ch.doi and m.verdict in ("verified", "corrected")


def test_title_words_typed_with_several_slips_are_still_the_records() -> None:
    w = rec("10.9999/ptj.1979.278", "Contract learning", [("Boyd", "E M")], "Physical Therapy", 1979, "59", "3",
            "278-281", short="Phys Ther")
    m = validate(parsed("Blyd, E M. 1979. “Conntrract Leraniinng”. Phys Ther 59 (3): 278–81."), [w, OTHER])
    assert "title the record does not have" not in m.reason


def test_journal_year_volume_issue_and_first_page_name_an_article_whose_author_is_mistyped() -> None:
    w = rec("10.9999/jama.2015.1298", "Vitamin levels and outcomes in critical illness", [("Smith", "J M")], "JAMA",
            2015, "313", "13", "1298-1306")
    m = validate(parsed("84. Stth JM. JAMA. 2015; 313(13): 1298."), [w, OTHER])
    assert m.doi == w.doi and m.verdict == "corrected" and "first author" in m.reason
    # without the issue (or the last page) four values are not enough; nor with one of them wrong
    assert validate(parsed("84. Stth JM. JAMA. 2015; 313: 1298."), [w, OTHER]).verdict not in (
        "verified", "corrected")
    assert validate(parsed("84. Stth JM. JAMA. 2015; 313(13): 1297."), [w, OTHER]).verdict not in (
        "verified", "corrected")


def test_a_title_registered_twice_under_other_people_is_no_twin_of_the_work() -> None:
    title = "Membrane structural alterations in murine stratum corneum and the localization of polar lipids"
    w = rec("10.9999/jid.1988.3", title, [("Elias", "P M"), ("Menon", "G K"), ("Grayson", "S")],
            "Journal of Investigative Dermatology", 1988, "91", "1", "3-10")
    copy = rec("10.9999/jid.1988.77", title, [("Wertz", "P W"), ("Downing", "D T")],
               "Journal of Investigative Dermatology", 1988, "91", "1", "77-80")
    text = f"G.K. Menon, “{title}”, Journal of Investigative Dermatology, vol. 9113–10, 1988."
    m = validate(parsed(text), [w, copy, OTHER])
    assert m.doi == w.doi and m.verdict == "corrected"
    # a copy under the same people is a twin: the string does not say which
    twin = rec("10.9999/jid.1988.77", title, [("Elias", "P M"), ("Menon", "G K"), ("Grayson", "S")],
               "Journal of Investigative Dermatology", 1988, "91", "1", "77-80")
    assert validate(parsed(text), [w, twin, OTHER]).verdict not in ("verified", "corrected")


def test_a_long_title_shown_whole_at_its_journals_year_and_page_outweighs_other_names() -> None:
    title = "Long-term actions of sulfonylureas on insulin biosynthesis and secretion in isolated rat islets"
    w = rec("10.9999/hmr.1977.457", title, [("Schatz", "H"), ("Steinle", "D")], "Hormone and Metabolic Research",
            1977, "9", "6", "457-465", short="Horm Metab Res")
    text = f"R DiPolo et al. {title}. Horm Metab Res 1977;12(6):457–65."
    takes(text, w)
    refuses(f"R DiPolo et al. {title}. Horm Metab Res 1977;12(6).", w)  # without the page: not settled


def test_a_title_shown_whole_with_slips_in_several_words_is_shown_whole() -> None:
    w = rec("10.9999/rad.1977.289", "Fibrosing alveolitis in patients with neurofibromatosis",
            [("Webb", "W R"), ("Goodman", "P C")], "Radiology", 1977, "122", "2", "289-293")
    text = ("Webb, W. R., & Gojddman, P. C. (1977) Fiibrosing alveolitis in patienst with neurofbiromatsis, "
            "Radiology, 120(2), pp. 289–293.")
    takes(text, w, "volume")
    refuses(text.replace("patienst", "mice"), w)  # another word in its place is another title


def test_a_weeklys_running_issue_number_counts_for_a_short_title() -> None:
    w = rec("10.9999/bmj.1.6161.486-b", "Emotion and empiricism",
            [("Fielding", "J"), ("Blesovsky", "A"), ("Stewart-Brown", "S")], "British Medical Journal", 1979, "1",
            "6161", "486-487")
    text = "(85) & Stewart-Brown, S. Emotion and empiricism. British Medical Journal. 3(6161): 486–487. 1979."
    takes(text, w, "issue")
    # the title cut to its first word is too little: the letters of a correspondence page share its numbers
    # (the `-b` of the DOI), so journal, issue and pages name none of them
    refuses(text.replace("Emotion and empiricism", "Emotion"), w)


def test_journal_issue_and_whole_page_range_outweigh_a_wrong_volume_in_an_entry_broken_at_its_start() -> None:
    w = rec("10.9999/prs.1980.481", "Reconstruction of the superior orbital rim in cosmetic blepharoplasty",
            [("Flowers", "R S")], "Plastic and Reconstructive Surgery", 1979, "64", "4", "481-484",
            short="Plast Reconstr Surg")
    text = "109.of superior orbital rim in cosmetic blepharoplasty. Plast. Reconstr. Surg. 66, 4, 481–484 (1979)."
    takes(text, w, "volume")
    for less in ("66, 4, 481 (1979)", "66, 5, 481–484 (1979)"):  # the first page alone, or another issue
        refuses(text.replace("66, 4, 481–484 (1979)", less), w)


def test_a_journal_misspelt_is_no_other_journal_for_the_title_rule() -> None:
    w = rec("10.9999/hist.1979.85", "Histochemical demonstration of alkaline phosphatase in human large intestine",
            [("Bell", "L"), ("Williams", "L")], "Histochemistry", 1979, "60", "1", "85-89")
    text = ("BELL, L., WILLIAMS, L., Histochemical demonstraiton of alkkaline phosphatase in human parge intestine, "
            "Histochemsstry, v. 52, n. 1, pp. 85–89, 1979.")
    takes(text, w, "volume")
    refuses(text.replace("Histochemsstry", "Cell and Tissue Research"), w)  # another journal is another journal


def test_an_article_number_run_into_the_year_is_both() -> None:
    w = rec("10.9999/dth.14983", "A fresh beginning on our anniversary", [("Schwartz", "R A")],
            "Dermatologic Therapy", 2021, "34", "3", "e14983", short="Dermatol Ther")
    text = "(96) R. A. Schwartz, Dermatol Ther 34, e149832021)"
    ev = compare(RefView(text, parsed(text).fields), w)
    assert ev.page == 1.0 and ev.unexplained_numbers == 0
    assert validate(parsed(text), [w, OTHER]).doi == w.doi


def test_one_number_is_not_volume_issue_and_first_page_at_once() -> None:
    w = rec("10.9999/imm.1978.1", "Mechanisms of the immunosuppressive effects of glucocorticosteroids",
            [("Fauci", "A S")], "Journal of Immunopharmacology", 1978, "1", "1", "1-25", short="J Immunopharmacol")
    refuses("[61] Langone JJ and B. T: J Immunopharmacol 1978; 1.", w)
    takes("[61] Langone JJ and B. T: J Immunopharmacol 1978; 1(1): 1–25.", w, "first author")  # each shown


def test_each_name_in_the_string_names_one_person_of_a_team() -> None:
    team = [("Kim", "J"), ("Kim", "S"), ("Kim", "H"), ("Lee", "S"), ("Choi", "S"), ("Han", "W"), ("Lee", "J")]
    w = rec("10.9999/jnn.2021.18908", "Strain-insensitive measurement of bending and temperature", team,
            "Journal of Nanoscience and Nanotechnology", 2021, "21", "3", "1883-1889", short="J Nanosci Nanotechnol")
    text = "Choi S, Kim J, Lee S-L, et al. J Nanosci Nanotechnol. 2021."
    ev = compare(RefView(text, parsed(text).fields), w)
    assert ev.authors == 3 / 7  # not 6 of 7: one `Kim` in the string is one Kim of the team
    refuses(text, w)  # three common names, a journal and a year name none of the team's papers


def test_a_journal_edition_the_string_does_not_name_is_that_article_with_a_note() -> None:
    title = "La fecondite au Canada, selon la religion, l'origine ethnique et l'etat matrimonial"
    w = rec("10.9999/pop.1968.815", title, [("Krotki", "K J"), ("Lapierre", "E")], "Population (French Edition)",
            1968, "23", "5", "815-834")
    m = validate(parsed(f"Krotki, K.J. & Lapierre, E. (1968) {title}. Population, 23, 815."), [w, OTHER])
    assert m.doi == w.doi and m.verdict == "verified" and "french edition" in m.reason
    # another edition named is another DOI: not this one
    other = validate(parsed(f"Krotki, K.J. & Lapierre, E. (1968) {title}. Population (English Edition), 23, 815."),
                     [w, OTHER])
    assert other.verdict not in ("verified", "corrected") and "journal edition" in other.reason


def test_an_edition_named_short_is_named() -> None:
    w = rec("10.9999/eimce.2021.304", "Sepsis outbreak associated with use of contaminated propofol in a clinic",
            [("Ochoa-Hein", "E"), ("Huertas-Jiménez", "M A"), ("Ponce-de-León", "A"), ("Galindo-Fraga", "A")],
            "Enfermedades infecciosas y microbiologia clinica (English ed.)", 2021, "39", "6", "304-305",
            short="Enferm Infecc Microbiol Clin (Engl Ed)")
    m = validate(parsed("Galindo-Fraga A. 2021. Sepsis outbreak associated with use of contaminated propofol in a "
                        "clinic. Enferm Infecc Microbiol Clin (Engl Ed) 39:304–305."), [w, OTHER])
    assert m.doi == w.doi and m.verdict in ("verified", "corrected") and "edition" not in m.reason


def test_the_first_of_two_entries_run_together_is_the_strings_own_though_only_the_second_shows_a_title() -> None:
    first = rec("10.9999/ta.1981.299", "HLA-A, -B, and -DR specificities on human monocytes",
                [("Merdrignac", "G"), ("Fauchet", "R"), ("Bouhallier", "O"), ("Genetet", "B")], "Tissue Antigens",
                1981, "18", "5", "299-305")
    second = rec("10.9999/ep.1977.65", "The study of poly(A)-containing RNA of lymphomatous baboons",
                 [("Djatchenko", "A G"), ("Archaja", "I I"), ("Berija", "L J")], "Experimentelle Pathologie", 1977,
                 "14", "1-2", "65-68")
    text = ("Merdrignac, G., Fauchet, R., Bouhallier, O., and Genetet, B. 1981 Tissue Antigens 18 (5): 299–305. "
            "Djatchenko, A G, Archaja, I I, and Berija, L J 1977 “The study of poly(A)-containing RNA of lymphomatous "
            "baboons”, Experimentelle Pathologie 14 (1-2): 65–68.")
    m = validate(parsed(text), [second, first, OTHER])
    assert m.doi == first.doi and m.verdict == "corrected"
    assert any(d.kind == "merged_entries" for d in m.diffs)


def test_a_whole_list_of_people_with_a_stranger_in_each_list_is_another_paper_of_the_team() -> None:
    team = [("Raska", "J"), ("Hribkova", "H"), ("Klimova", "H"), ("Fedorova", "V"), ("Barak", "M"),
            ("Barta", "T"), ("Pospisilova", "V"), ("Vochyanova", "S"), ("Vanova", "T"), ("Bohaciakova", "D")]
    w = rec("10.9999/scr.2021.102379", "Generation of six human iPSC lines from patients with Alzheimer's disease",
            team, "Stem Cell Research", 2021, "53", "", "102379", short="Stem Cell Res")
    text = ("113 Raska, J.; Klimova, H.; Sheardova, K.; Fedorova, V.; Hribkova, H.; Pospisilova, V.; Vochyanova, S.; "
            "Vanova, T.; Bohaciakova, D. Stem Cell Res 2021.")
    m = validate(parsed(text), [w, OTHER])
    assert m.verdict == "ambiguous" and "sheardova" in m.reason
    # a name added to the record's whole list is the reference's slip; a list cut by `et al.` hides the rest
    variants = [text.replace("Bohaciakova, D.", "Bohaciakova, D.; Barak, M.; Barta, T."),
                         text.replace("Vanova, T.; Bohaciakova, D.", "et al.")]
    for t in variants:
        assert "not the record's" not in validate(parsed(t), [w, OTHER]).reason


def test_a_notice_whose_words_went_with_the_entrys_lost_start_is_taken_by_its_own_pages() -> None:
    title = "The Addition of Partial or Circumferential Liposuction to Abdominoplasty Is Not Associated With a Higher Risk"
    article = rec("10.9999/asj.251", title, [("Raghuram", "A"), ("Yu", "R"), ("Gould", "D")], "Aesthetic Surgery Journal",
                  2021, "41", "6", "NP433-NP444", short="Aesthet Surg J")
    comment = rec("10.9999/asj.275", f"Commentary on: {title}", [("Saldanha", "O"), ("Saldanha", "C")],
                  "Aesthetic Surgery Journal", 2021, "41", "6", "NP445-NP446", short="Aesthet Surg J")
    text = ("79 of Partial or Circumferential Liposuction to Abdominoplasty Is Not Associated With a Higher Risk. "
            "Aesthet Surg J. 2021;41:NP445–6.")
    m = validate(parsed(text), [article, comment, OTHER])
    assert m.doi == comment.doi and m.verdict in ("verified", "corrected")
    # an entry that starts with its title (nothing lost) and names no notice cites the article, not the comment
    whole = validate(parsed(text.replace("79 of Partial", "79 The Addition of Partial")), [comment, OTHER])
    assert whole.verdict not in ("verified", "corrected")


def test_a_year_range_in_the_title_is_not_the_page_range_the_string_cites() -> None:
    w = rec("10.9999/envres.2021.111387", "Urinary arsenic and heart disease mortality in NHANES 2003-2014",
            [("Nigra", "A E"), ("Moon", "K A"), ("Jones", "M R"), ("Sanchez", "T R"), ("Navas-Acien", "A")],
            "Environmental research", 2021, page="111387", short="Environ Res")
    # the article number is mistyped: the title's `2003-2014` is no page range that would make the record
    # (one page, an article number) a cover or an abstract of a ranged article
    text = ("58 Nigra, A. E., K. A. Moon, M. R. Jones, T. R. Sanchez, and A. Navas-Acien. 2021. Urinary arsenic and "
            "heart disease mortality in NHANES 2003-2014. Environ Res 111393.")
    takes(text, w, "page")


def test_year_issue_and_both_page_ends_name_an_article_whose_volume_is_not_shown() -> None:
    w = rec("10.9999/pnas.75.3.1294", "Regulation of prolactin and somatotropin mRNAs by thyroliberin",
            [("Evans", "G A"), ("David", "D N"), ("Rosenfeld", "M G")],
            "Proceedings of the National Academy of Sciences of the United States of America", 1978, "75", "3",
            "1294-1298", short="Proc Natl Acad Sci USA")
    # the entry lost its title, volume and first two authors: its third author, journal, year, issue and page range
    takes("113 Rosenfeld MG. Proc Natl Acad Sci USA 1978;(3):1294–8.", w, "issue", "last page")
    # the first page alone (no issue, no last page) names no article of that year
    refuses("113 Rosenfeld MG. Proc Natl Acad Sci USA 1978;1294.", w)


@pytest.mark.parametrize("read_on", ["[2020-01-02]", "[引用日期2020-01-02]", " [cited 2020 Jan 2]",
                                     ". Accessed 2 May 2021", ". Retrieved May 27, 2019"])
def test_the_date_a_work_was_read_online_is_none_of_its_numbers(read_on: str) -> None:
    """GB/T's `[J/OL] … [2020-01-02]`: the access date's 2020, 01 and 02 were compared as the work's year and
    numbers (an unexplained year: a DOI-confirmed match dropped to confidence 0.27, a plain one was said to
    carry a wrong value that no difference named)."""
    from citecheck.refs import references_from_lines
    from citecheck.text import normalize

    text = (f"BERG A, LUND P, EK M. Tidal mixing and oxygen renewal in a sill fjord[J/OL]. J Fjord Sci, 2019, "
            f"12(3): 201-215{read_on}. https://doi.org/10.9999/fjord.2019.001.")
    r = references_from_lines(normalize(text))[0].references[0]
    ev = compare(RefView(r.text, r.fields), FJORD)
    assert ev.unexplained_numbers == 0
    m = validate(r, [FJORD, OTHER])
    assert m.doi == FJORD.doi and m.verdict == "verified" and m.confidence > 0.9, (m.reason, m.diffs)


def test_a_title_without_its_subtitle_is_cut_short_not_wrong() -> None:
    from citecheck.matching.diffs import classify_text

    full = "Parkinsonism with 'on-off' phenomena. Intravenous treatment with levodopa after major abdominal surgery"
    assert classify_text("title", "Parkinsonism with on-off phenomena", full) == "truncated"
    assert classify_text("title", "Tidal mixing: a review", "Tidal mixing and oxygen renewal") == "wrong_value"
    assert classify_text("title", "Tidal mixing and oxygen", "Tidal mixing and oxygen renewal in a fjord") \
        == "wrong_value"  # cut mid-phrase, not at the subtitle: the words are another title's
    m = validate(ref("Berg A, Lund P, Ek M. Tidal mixing. J Fjord Sci 2019;12(3):201-15.", title="Tidal mixing"),
                 [rec("10.9999/fjord.2", "Tidal mixing: oxygen renewal in a sill fjord", [("Berg", "A"), ("Lund", "P"),
                      ("Ek", "M")], "Journal of Fjord Science", 2019, "12", "3", "201-215", short="J Fjord Sci"),
                  OTHER])
    assert m.verdict == "corrected" and [(d.field, d.kind) for d in m.diffs if d.is_error] == [("title", "truncated")]


def test_a_real_locator_and_first_author_with_another_title_are_not_that_work() -> None:
    """How made-up references look: a real first author, journal, volume and pages, an invented title and
    invented co-authors. The record is named by its locator, but the string's own title is another work's."""
    text = ("Berg A, Holm K, Vik T. Seasonal plankton blooms drive nitrogen export from coastal lagoons. "
            "J Fjord Sci. 2019;12(3):201-15.")
    m = validate(ref(text, title="Seasonal plankton blooms drive nitrogen export from coastal lagoons",
                     **{"container-title": "J Fjord Sci"}), [FJORD, OTHER])
    assert m.verdict == "ambiguous" and m.reason.endswith("title")  # `… except: title`, `… conflicting: title`


def test_a_damaged_or_missing_title_is_no_other_title() -> None:
    # OCR spaces inside words, and a merged entry whose title is the next reference's: still the record
    for text, title in (
        ("Berg A, Lund P, Ek M. Ti dal mix ing and oxy gen ren ewal in a si ll fjo rd. J Fjord Sci. 2019;12(3):201-15.",
         "Ti dal mix ing and oxy gen ren ewal in a si ll fjo rd"),
        ("Berg A, Lund P, Ek M. J Fjord Sci. 2019;12(3):201-15. Vik T. Grain size statistics of beach sands in "
         "northern Norway. Coast Geol Lett. 2001;5:1-9.", "Grain size statistics of beach sands in northern Norway"),
    ):
        m = validate(ref(text, title=title, **{"container-title": "J Fjord Sci"}), [FJORD, MOSS])
        assert m.doi == FJORD.doi and m.verdict in ("verified", "corrected"), (text, m.reason)


def test_a_number_the_string_calls_its_volume_is_not_the_records_issue() -> None:
    oils = rec("10.9999/jeor.1997.805", "Chemical composition of the essential oils of three eucalyptus species",
               [("Chisowa", "E H")], "Journal of Essential Oil Research", 1997, "9", "6", "653-655")
    # `vol. 6`: the author's volume 6, not the record's volume 9 issue 6 — no people-journal-year-issue match
    m = validate(parsed("Esmort H. Chisowa: Journal of Essential Oil Research, 1997, vol. 6, p. ."), [oils, OTHER])
    assert m.verdict not in ("verified", "corrected")
    # the same number given as the issue, the volume right, still names the paper
    m = validate(parsed("Esmort H. Chisowa: Journal of Essential Oil Research, 1997, vol. 9, no. 6."), [oils, OTHER])
    assert m.doi == oils.doi and m.verdict in ("verified", "corrected")
