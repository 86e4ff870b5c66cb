"""The Tantivy backend: chosen by `index add --backend`, found by what is on disk everywhere `--index` is
accepted, read-only for many readers, consistent after a crash between its two commits, and keeping
abstracts and retraction notices like the SQLite index (the shared behaviour is in test_index.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citecheck.cli import app
from citecheck.config import ConfigError, open_index
from citecheck.sources.backends import detect_backend, open_local_index
from citecheck.sources.convert import record_from_crossref
from citecheck.sources.index import IndexFileError, LocalIndex
from citecheck.sources.tantivy_index import TantivyIndex
from tests.crossref_server import FIXTURE_WORKS
from tests.reliability_docs import make_document, make_works
from tests.test_notices_fabricated import RETRACTED

runner = CliRunner()


def env(tmp_path: Path) -> dict[str, str]:
    return {"CITECHECK_INDEX": "", "XDG_DATA_HOME": str(tmp_path / "data"), "CITECHECK_OFFLINE": "1",
            "CITECHECK_CACHE_DIR": str(tmp_path / "cache"), "CITECHECK_MAILTO": "t@example.org"}


def public_data(tmp_path: Path, works: list[dict]) -> Path:
    """Crossref's public-data-file layout: a directory of gzipped ``{"items": [...]}`` files."""
    folder = tmp_path / "crossref-public"
    folder.mkdir()
    half = len(works) // 2
    for k, chunk in enumerate((works[:half], works[half:])):
        (folder / f"{k}.json.gz").write_bytes(gzip.compress(json.dumps({"items": chunk}).encode()))
    return folder


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_cli_builds_tantivy_from_public_data_and_check_finds_it_by_what_is_on_disk(tmp_path: Path) -> None:
    works = make_works(6)
    index = tmp_path / "idx"
    add = runner.invoke(app, ["index", "add", "--backend", "tantivy", "--index", str(index),
                              str(public_data(tmp_path, works))], env=env(tmp_path))
    assert add.exit_code == 0, add.output
    assert json.loads(add.stdout)["added"] == len(works)
    assert detect_backend(index) == "tantivy"
    info = runner.invoke(app, ["index", "info", "--index", str(index)], env=env(tmp_path))
    assert info.exit_code == 0 and json.loads(info.stdout)["backend"] == "tantivy"
    assert json.loads(info.stdout)["records"] == len(works)

    doc = tmp_path / "paper.md"
    doc.write_text(make_document(works), encoding="utf-8")
    before = tree_digest(index)
    out = tmp_path / "r.json"
    check = runner.invoke(app, ["check", str(doc), "--index", str(index), "--no-support", "--fail-on", "never",
                                "-o", str(out)], env=env(tmp_path))
    assert check.exit_code == 0, check.output
    refs = json.loads(out.read_text())["documents"][0]["references"]
    assert {r["match"]["verdict"] for r in refs} == {"verified"}
    assert tree_digest(index) == before  # searching wrote nothing


def test_backend_flag_cannot_contradict_the_index_on_disk(tmp_path: Path) -> None:
    works = tmp_path / "w.jsonl"
    works.write_text("".join(json.dumps(w) + "\n" for w in FIXTURE_WORKS[:2]))
    sqlite_index = tmp_path / "i.sqlite"
    assert runner.invoke(app, ["index", "add", "--index", str(sqlite_index), str(works)],
                         env=env(tmp_path)).exit_code == 0
    wrong = runner.invoke(app, ["index", "add", "--backend", "tantivy", "--index", str(sqlite_index), str(works)],
                          env=env(tmp_path))
    assert wrong.exit_code == 2 and "holds a sqlite index" in wrong.stderr
    bad = runner.invoke(app, ["index", "add", "--backend", "lucene", "--index", str(tmp_path / "x"), str(works)],
                        env=env(tmp_path))
    assert bad.exit_code == 2 and "--backend lucene" in bad.stderr
    default = runner.invoke(app, ["index", "add", "--backend", "tantivy", str(works)], env=env(tmp_path))
    assert default.exit_code == 2 and "--index DIR" in default.stderr  # the default index is one SQLite file
    assert isinstance(open_index(sqlite_index), LocalIndex) and not isinstance(open_index(sqlite_index),
                                                                                TantivyIndex)


def test_a_directory_that_is_not_an_index_is_refused_and_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    with pytest.raises(ConfigError, match="not a citecheck index"):
        open_index(folder)
    with pytest.raises(IndexFileError, match="not a citecheck Tantivy index"):
        open_local_index(folder, read_only=False, backend="tantivy")
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]


def test_many_read_only_handles_search_at_once_and_keep_abstracts_and_notices(tmp_path: Path) -> None:
    path = tmp_path / "idx"
    with TantivyIndex(path) as writer:
        writer.add_records(record_from_crossref(w, "index") for w in [*FIXTURE_WORKS, RETRACTED])
    readers = [open_local_index(path, read_only=True, name=f"r{i}") for i in range(3)]
    query = "Holis M. Tidal rythms in the foragin of intertidal crabs. J Coast Ecol 2015;12:201"
    assert {r.search(query, rows=1)[0].doi for r in readers} == {"10.5555/jce.2015.0012"}
    rec = readers[0].get("10.5555/jce.2015.0012")
    assert rec is not None and rec.abstract == "Crabs forage by the tide."
    retracted = readers[1].get(RETRACTED["DOI"])
    assert retracted is not None and retracted.fields["citecheck:updates"][0]["kind"] == "retraction"
    for r in readers:
        r.close()


def test_glued_words_are_found_through_title_trigrams(tmp_path: Path) -> None:
    """A word the index has never seen (two words run together) still reaches its record."""
    with TantivyIndex(tmp_path / "idx") as index:
        index.add_records(record_from_crossref(w, "index") for w in FIXTURE_WORKS)
        hits = index.search("TidalRhythms intheforagingof intertidalcrabs", rows=1)  # no word the index knows
        assert hits and hits[0].doi == "10.5555/jce.2015.0012"


def test_rows_tantivy_committed_but_the_store_did_not_are_dropped_on_reopen(tmp_path: Path) -> None:
    """A crash between Tantivy's commit and SQLite's leaves Tantivy rows under ids the store may hand out
    again to other records; reopening for writing deletes them, so no search returns a wrong record."""
    import tantivy

    from citecheck.sources.ranking import index_text
    from citecheck.sources.tantivy_index import index_grams, index_words

    path = tmp_path / "idx"
    with TantivyIndex(path) as index:
        index.add_records(record_from_crossref(w, "index") for w in FIXTURE_WORKS[:2])
        writer = index._writer_()
        ghost = index_text(record_from_crossref(FIXTURE_WORKS[3], "index").fields)
        doc = tantivy.Document()
        doc.add_unsigned("id", 3)  # the next id SQLite will give, committed to Tantivy only
        doc.add_text("words", index_words(ghost))
        doc.add_text("grams", index_grams(ghost))
        writer.add_document(doc)
        index._commit_tantivy()
        assert index._searcher.num_docs == 3
    with TantivyIndex(path) as index:
        assert index._searcher.num_docs == 2
        index.add_records([record_from_crossref(FIXTURE_WORKS[0] | {"DOI": "10.5555/new"}, "index")])
        assert index._searcher.num_docs == 3
        title = FIXTURE_WORKS[3]["title"][0]
        assert all(h.doi != "10.5555/new" or h.score < 0.5 for h in index.search(title))
