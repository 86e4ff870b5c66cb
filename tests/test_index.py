"""Local index: every input layout, idempotency, bad records, damaged-string search."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from citecheck.sources import loaders
from citecheck.sources.convert import (
    record_from_crossref,
    record_from_csl,
    record_to_crossref,
    records_from_bibtex_text,
    strip_markup,
)
from citecheck.sources.index import LocalIndex
from citecheck.sources.ranking import locator_keys, query_terms
from citecheck.sources.tantivy_index import TantivyIndex
from tests.crossref_server import FIXTURE_WORKS

ENVELOPE = {"status": "ok", "message-type": "work-list", "message": {"total-results": 2, "items": FIXTURE_WORKS[:2]}}

CSL_ITEMS = [
    {"id": "a", "type": "article-journal", "title": "Nocturnal song in urban blackbirds",
     "author": [{"family": "Brandt", "given": "Eva"}], "container-title": "Urban Birds",
     "issued": {"date-parts": [[2012]]}, "volume": "7", "page": "33-41", "DOI": "10.5555/UB.2012.7"},
    {"id": "b", "type": "book", "title": "No DOI here"},
]

BIBTEX = r"""
@article{vogt2020,
  author = {Vogt, Lena and M{\"u}ller, Jan and {Open Science Group}},
  title = {Trigram search for {CJK} titles},
  journal = {Journal of Text Retrieval},
  year = {2020}, month = jun, volume = {9}, number = {2}, pages = {100--112},
  doi = {https://doi.org/10.5555/JTR.2020.9.2}
}
@misc{nodoi, title = {Without identifier}, year = 2001}
"""


def _write_jsonl(path: Path, items: list[Any], gz: bool = False) -> Path:
    text = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "tantivy"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> LocalIndex:
    """Every index test runs on both backends: they promise the same answers."""
    if request.param == "tantivy":
        return TantivyIndex(tmp_path / "index.tantivy")
    return LocalIndex(tmp_path / "index.sqlite")


def test_each_input_layout_loads(index: LocalIndex, tmp_path: Path) -> None:
    files = {
        "jsonl": _write_jsonl(tmp_path / "a.jsonl", FIXTURE_WORKS[:3]),
        "jsonl.gz": _write_jsonl(tmp_path / "b.jsonl.gz", FIXTURE_WORKS[3:5], gz=True),
        "envelope": tmp_path / "resp.json",
        "single": tmp_path / "one.json",
        "csl": tmp_path / "items.csl.json",
        "bib": tmp_path / "refs.bib",
    }
    files["envelope"].write_text(json.dumps(ENVELOPE, indent=2), encoding="utf-8")
    files["single"].write_text(json.dumps({"status": "ok", "message-type": "work", "message": FIXTURE_WORKS[6]},
                                          indent=1), encoding="utf-8")
    files["csl"].write_text(json.dumps(CSL_ITEMS, indent=2), encoding="utf-8")
    files["bib"].write_text(BIBTEX, encoding="utf-8")
    public = tmp_path / "public-data"
    public.mkdir()
    (public / "0.json.gz").write_bytes(gzip.compress(json.dumps({"items": FIXTURE_WORKS[5:7]}).encode()))
    (public / "1.json.gz").write_bytes(gzip.compress(json.dumps({"items": FIXTURE_WORKS[:1]}).encode()))

    stats = index.add_files([*files.values(), public])
    by = {Path(k).name: v for k, v in stats.by_file.items()}
    assert by["a.jsonl"].added == 3 and by["b.jsonl.gz"].added == 2
    assert by["resp.json"].unchanged == 2  # the same two works again
    assert by["one.json"].added == 1
    assert by["items.csl.json"].added == 1 and by["items.csl.json"].skipped_no_doi == 1
    assert by["refs.bib"].added == 1 and by["refs.bib"].skipped_no_doi == 1
    assert by["0.json.gz"].added == 1 and by["0.json.gz"].unchanged == 1 and by["1.json.gz"].unchanged == 1
    assert len(index) == len(FIXTURE_WORKS) + 2
    bib = index.get("10.5555/jtr.2020.9.2")
    assert bib is not None and bib.fields["author"][1] == {"family": "Müller", "given": "Jan"}
    assert bib.fields["author"][2] == {"literal": "Open Science Group"}
    assert bib.fields["page"] == "100-112" and bib.fields["issued"] == {"date-parts": [[2020, 6]]}
    info = index.info()
    assert info["records"] == len(index) and info["by_source"]["csl-json"] == 1 and info["size_bytes"] > 0


def test_streaming_reader_survives_tiny_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Values split across read boundaries (numbers, strings, keys) must decode exactly."""
    monkeypatch.setattr(loaders, "_CHUNK", 5)
    path = tmp_path / "resp.json"
    path.write_text(json.dumps(ENVELOPE, indent=1), encoding="utf-8")
    items = list(loaders.iter_json_items(path))
    assert items == FIXTURE_WORKS[:2]


def test_readding_is_idempotent_and_updates(index: LocalIndex, tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "w.jsonl", FIXTURE_WORKS)
    first = index.add_files([path])
    again = index.add_files([path])
    assert first.added == len(FIXTURE_WORKS) and again.added == 0 and again.unchanged == len(FIXTURE_WORKS)
    changed = [dict(w) for w in FIXTURE_WORKS]
    changed[0]["volume"] = "99"
    stats = index.add_files([_write_jsonl(tmp_path / "w2.jsonl", changed)])
    assert (stats.updated, stats.unchanged, len(index)) == (1, len(FIXTURE_WORKS) - 1, len(FIXTURE_WORKS))
    assert index.get("10.5555/jce.2015.0012").fields["volume"] == "99"  # type: ignore[union-attr]
    # the FTS row was replaced, not duplicated
    hits = index.search("Hollis Tidal rhythms in the foraging of intertidal crabs 2015 99 201", rows=5)
    assert [r.doi for r in hits].count("10.5555/jce.2015.0012") == 1


def test_bad_records_are_counted_not_fatal(index: LocalIndex, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps(FIXTURE_WORKS[0]), "{not json", json.dumps([1, 2]), json.dumps({"title": ["no doi"]}),
             json.dumps({"DOI": "10.5555/odd", "title": [None], "author": "not a list", "issued": 5}),
             json.dumps(FIXTURE_WORKS[1])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"DOI": "10.5555/ok1", "title": ["Fine"]}, {"DOI": ', encoding="utf-8")
    stats = index.add_files([path, broken, tmp_path / "missing.jsonl"])
    assert stats.added == 4  # two fixtures, the odd-but-usable item, and ok1 before the break
    assert stats.skipped_bad == 3 and stats.skipped_no_doi == 1
    assert stats.by_file[str(broken)].error and stats.by_file[str(tmp_path / "missing.jsonl")].error
    assert index.get("10.5555/ok1") is not None


@pytest.fixture
def loaded(index: LocalIndex) -> LocalIndex:
    index.add_records(record_from_crossref(w, "index") for w in FIXTURE_WORKS)
    index.refresh_stats()
    return index


@pytest.mark.parametrize(
    ("reference", "doi"),
    [
        # typos, dropped spaces, abbreviated journal, page range shortened
        ("[3] Holis M, Okafr C. Tidal rythms in the foragin of intertidal crabs.J Coast Ecol. 2015;12(3):201-15.",
         "10.5555/jce.2015.0012"),
        ("Hollis, M. (2016). Tidal rhythms in the foraging of subtidal crabs. Journal of Coastal Ecology, 13, 5–19.",
         "10.5555/jce.2016.0007"),
        # Chinese title (GB/T 7714), full-width punctuation
        ("[1] 王小明, 李华. 基于深度学习的古籍文字识别研究[J]. 计算机学报, 2019, 42(5): 1001-1012.",
         "10.5555/cjc.2019.05.001"),
        ("王小明. 深度学习的古籍文字识别[J]. 计算机学报，2019.", "10.5555/cjc.2019.05.001"),
        ("Citecheck Consortium. Reporting guidelines for reference audits. Res Integr Notes 2021;4:e1033.",
         "10.5555/rin.2021.3"),
        ("Lindqvist J. Measuring citation accuracy. In: Raman P, ed. Handbook of Scholarly Metadata. "
         "Example Press; 2018:45-67.", "10.5555/hsm.2018.c3"),
    ],
)
def test_search_finds_damaged_strings(loaded: LocalIndex, reference: str, doi: str) -> None:
    hits = loaded.search(reference, rows=3)
    assert hits and hits[0].doi == doi
    assert hits[0].source == "index" and 0 < hits[0].score <= 1


def test_search_of_unrelated_string_scores_low(loaded: LocalIndex) -> None:
    hits = loaded.search("Smith J. Quantum error correction in superconducting qubits. Phys Rev 2003;4:1-9.")
    assert all(h.score < 0.5 for h in hits)
    assert loaded.search("") == [] and loaded.search("a of") == []


def test_exact_lookups(loaded: LocalIndex) -> None:
    rec = loaded.get("https://doi.org/10.5555/JCE.2015.0012")
    assert rec is not None and rec.fields["title"].startswith("Tidal") and rec.abstract == "Crabs forage by the tide."
    assert loaded.get("10.5555/none") is None
    found = loaded.find_by_locator("Hollis", 2016, "13", "5")
    assert [r.doi for r in found] == ["10.5555/jce.2016.0007"]
    assert len(loaded.find_by_locator("hollis")) == 2
    assert loaded.find_by_locator("王", 2019)[0].doi == "10.5555/cjc.2019.05.001"


def test_query_terms_are_quoted_and_informative() -> None:
    q = query_terms('Li X, "Wu" Y. The "NEAR" OR AND* study of 10.1000/xyz (2001) 12:345.')
    assert "#li#" in q.terms and "#2001#" in q.terms and "#345#" in q.terms and "the" not in q.terms
    assert all('"' not in t for t in q.terms) and not any(t.startswith("10.1000") for t in q.terms)


def test_crossref_conversion_and_round_trip() -> None:
    rec = record_from_crossref(FIXTURE_WORKS[0])
    f = rec.fields
    assert f["type"] == "article-journal" and f["DOI"] == "10.5555/jce.2015.0012"
    assert f["container-title-short"] == "J Coast Ecol"
    assert f["citecheck:container-titles"] == ["Journal of Coastal Ecology", "J Coast Ecol"]
    assert f["ISSN"] == "1234-5678" and f["citecheck:issn"] == ["1234-5678", "8765-4321"]
    assert rec.subjects == ["Ecology"] and "<" not in rec.abstract
    assert record_from_crossref(record_to_crossref(rec)) == rec
    group = record_from_crossref(FIXTURE_WORKS[4]).fields
    assert group["author"] == [{"literal": "Citecheck Consortium"}] and group["page"] == "e1033"
    dated = record_from_crossref(FIXTURE_WORKS[6]).fields
    assert dated["issued"] == {"date-parts": [[2020, 6, 1]]} and dated["type"] == "paper-conference"
    assert record_from_crossref(FIXTURE_WORKS[5]).fields["type"] == "chapter"
    assert strip_markup("<jats:p>a &amp; <i>b</i>c</jats:p><jats:p>d</jats:p>") == "a & bc d"


def test_crossref_mojibake_is_undone_like_a_documents() -> None:
    """Records carry UTF-8 read as Latin-1 (`Ã©`, `ï¿½`); they are read as a document's text would be."""
    item = {"DOI": "10.9999/moji.1", "title": ["Caf\u00c3\u00a9 society ï¿½ a study"],
            "author": [{"family": "Acuï¿½ï¿½a", "given": "Mario"}, {"family": "Ode", "given": "K."}],
            "container-title": ["Revue d\u00c3\u00a9tudes"]}
    f = record_from_crossref(item).fields
    assert f["title"] == "Café society \ufffd a study" and f["container-title"] == "Revue détudes"
    assert f["author"][0]["family"] == "Acu\ufffd\ufffda" and f["author"][1]["family"] == "Ode"


def test_csl_and_bibtex_conversion() -> None:
    rec = record_from_csl(CSL_ITEMS[0])
    assert rec.fields["DOI"] == "10.5555/ub.2012.7" and rec.fields["container-title"] == "Urban Birds"
    out = list(records_from_bibtex_text(BIBTEX + "\n@article{vogt2020, title={dup}, doi={10.1/x}}\n"))
    errors = [str(o) for o in out if isinstance(o, Exception)]
    assert any("repeated" in e for e in errors) and any("no DOI" in e for e in errors)


def _locator_dois(index: LocalIndex, reference: str) -> list[str]:
    ids = index._locator_hits(query_terms(reference))
    conn = index._conn()
    return sorted(conn.execute("SELECT doi FROM works WHERE id = ?", (i,)).fetchone()[0] for i in ids)


def test_locator_keys_skip_the_label_and_read_article_numbers() -> None:
    keys = locator_keys(query_terms("[1] Chemistry & Biology 17 (2010) vii. Phys Rev 2003;4:A15 09MF07"))
    assert "1" not in keys.pages and "17" in keys.volumes
    assert {"vii", "a15", "09m"} <= set(keys.pages) and keys.years == frozenset({2010, 2003})


def test_locator_keys_offer_a_lettered_page_number_bare_too() -> None:
    keys = locator_keys(query_terms("1 Q. Xie, Y. Wang, Lecture Notes in Computer Science 16E(2018). A15"))
    assert keys.pages.index("16e") < keys.pages.index("16") and "15" in keys.pages
    assert "1" not in locator_keys(query_terms("1S.K. Das, Local Computer Networks 39 (2014).")).pages  # label


def test_locator_lookup_finds_title_less_strings(index: LocalIndex) -> None:
    def rec(doi: str, volume: str, page: str, year: int, title: str = "Editorial board") -> dict[str, Any]:
        return {"DOI": doi, "type": "journal-article", "title": [title], "container-title": ["Allergy Notes"],
                "volume": volume, "page": page, "issued": {"date-parts": [[year]]}}

    works = [rec("10.5555/ed.114", "114", "A15", 2004), rec("10.5555/ed.115", "115", "A15", 2004),
             rec("10.5555/ed.old", "114", "A15", 1990), rec("10.5555/ed.same", "12", "12", 2004),
             rec("10.5555/x.21", "21", "vii-viii", 2014, "In this issue")]
    index.add_records(record_from_crossref(w, "index") for w in works)
    assert _locator_dois(index, "Editorial board. Allergy Notes. 2004. 114. 1. A15") == ["10.5555/ed.114"]
    assert _locator_dois(index, "Allergy Notes 2005, 114, A15.") == ["10.5555/ed.114"]  # year ±1
    assert _locator_dois(index, "(12) Allergy Notes 2004, 12.") == []  # one 12 is the label, one cannot be both
    assert _locator_dois(index, "Allergy Notes 12 (2004) 12.") == ["10.5555/ed.same"]
    assert _locator_dois(index, ". In This Issue. Allergy Notes. 2014. 21. 2. vii-viii") == ["10.5555/x.21"]
    hits = index.search("Allergy Notes 2004, 114, A15.", rows=2)
    assert hits[0].doi == "10.5555/ed.114"


def test_locator_lookup_by_author_year_and_page_for_chapters(index: LocalIndex) -> None:
    chapter = {"DOI": "10.5555/dm.ch12", "type": "book-chapter", "title": ["Measuring the performance of a classifier"],
               "author": [{"family": "Bramer", "given": "Max"}], "container-title": ["Principles of Data Mining"],
               "page": "175-187", "issued": {"date-parts": [[2016]]}}
    other = {**chapter, "DOI": "10.5555/dm.ch13", "page": "189-200"}
    index.add_records(record_from_crossref(w, "index") for w in (chapter, other))
    text = "Bramer, M. (2016). Measuring the Performance of aDClassifier. Topics in Computer Science, 175–187."
    assert _locator_dois(index, text) == ["10.5555/dm.ch12"]
    assert _locator_dois(index, text.replace("2016", "2009")) == []
    # a stray letter glued to the page number ("175E") still finds the chapter by its first page
    assert _locator_dois(index, "M. Bramer, Topics in Computer Science 175E(2016).") == ["10.5555/dm.ch12"]


def test_a_citation_label_is_no_search_term_and_a_second_query_takes_other_terms() -> None:
    q = query_terms("65. Liu B, Duan G (2023) Emerging role of serum glucocorticoid kinase. Front Mol Neurosci 14:683527.")
    assert "#65#" not in q.terms and "#683527#" in q.terms
    df = {t: 10 for t in ("eme", "mer", "erg", "rgi", "gin", "ing", "glu", "luc", "uco", "coc", "kin", "ina", "nas",
                          "ase", "ser", "eru", "rum", "liu", "dua", "uan", "rol", "ole")}
    first = query_terms("Liu B, Duan G. Emerging role of serum glucocorticoid kinase.", df, max_terms=3, budget=1)
    second = query_terms("Liu B, Duan G. Emerging role of serum glucocorticoid kinase.", df, max_terms=3, budget=1,
                         skip=first.terms)
    assert first.terms and second.terms and not set(first.terms) & set(second.terms)


def test_rerank_counts_co_authors_and_not_a_repeated_title_word() -> None:
    from citecheck.sources.ranking import rerank_score, title_similarity

    q = query_terms("S. Ruan, D. K. Sinha-Mahapatra, and J. W. Herndon, ChemInform 39, (2008).")
    ours = rerank_score(q, "synthesis of naphthalenes", "duan sinha mahapatra herndon", "y#2008# v#39#")
    other = rerank_score(q, "synthesis of naphthalenes", "duan lewin", "y#2008# v#39#")
    assert ours > other  # the first author mistyped, the rest of the list named
    g = query_terms(". Gown. Encyclopedia of Medieval Dress and Textiles.")
    assert title_similarity("gown gown", g) == title_similarity("gown", g)


def test_rerank_reads_a_long_title_word_with_a_letter_misread() -> None:
    from citecheck.sources.ranking import title_similarity

    q = query_terms("Masthvad. (1907). Chemische Revue über die Fett- und Harz-Industrie, 14(12).")
    assert title_similarity("masthead", q) > 0.7
    assert title_similarity("mastodon", q) == 0.0  # two letters in eight: another word


def test_rerank_ties_go_to_the_record_whose_authors_the_string_does_not_leave_out() -> None:
    from citecheck.sources.ranking import rerank

    q = query_terms("1Japanese Journal of Clinical Oncology (1990).")
    rows = [("named", "an awards", "xu #xu#", "y#1990#", 9.0), ("anonymous", "why we need it", "", "y#1990#", 5.0),
            ("xu", "some awards", "xu #xu#", "y#1990#", 1.0)]
    assert [k for _, k in rerank(q, rows)] == ["anonymous", "named", "xu"]
    q = query_terms("Xu (1990). Japanese Journal of Clinical Oncology.")
    assert [k for _, k in rerank(q, rows)][:2] == ["named", "xu"]  # named: then the higher BM25
