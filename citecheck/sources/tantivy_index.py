"""Local index for millions of records: Tantivy for candidates, an SQLite record store beside it.

Why: SQLite FTS5 trigram search reads postings of every trigram it looks up,
so its cost grows with the corpus (6.3 ms median at 6x the bench corpus);
Tantivy's block-max WAND over word postings answers a top-k BM25 query without
visiting most postings, and its segments are immutable files any number of
processes can memory-map read-only.

Layout of an index directory (`is_tantivy_index` recognises it)::

    PATH/citecheck-index.json   backend name and schema version
    PATH/tantivy/               the Tantivy index: `words` and `grams`, one u64 `id` per record
    PATH/records.sqlite         the record store: the `works` table of `LocalIndex` (record JSON with
                                abstract and relations, the locator columns and their b-tree indexes)
                                plus `rank_text`, the folded title/authors/numbers the re-rank reads

Why SQLite for the records and not LMDB: `get(doi)` is a primary-key look-up
either way, but the locator look-ups (first page + volume, family + year +
page) are multi-column range queries that SQLite's b-tree indexes answer as
they are; LMDB would need hand-made secondary indexes. SQLite is already how
the default index stores records, so this class inherits loading, `get`,
`at_locator`, `find_by_locator`, `info` and idempotency by DOI from
`LocalIndex` and replaces only where candidates come from.

Fields: `words` holds folded title words, family names, container words and
the year/volume/issue/page numbers (BM25, term frequencies, no positions);
`grams` holds the character trigrams of the title with spaces removed (no
frequencies), so Chinese titles (no word boundaries) and glued or damaged
words (``lungfishesProtopterus``) still find their record. The re-rank is
`ranking.rerank`, the same as `LocalIndex`, so answers are comparable.

Writes: Tantivy commits before the SQLite batch it belongs to; a crash between
the two leaves Tantivy rows whose ids SQLite never committed, so opening for
writing first deletes every Tantivy row with an id above the store's largest.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from citecheck.model import Record
from citecheck.sources.base import SourceUnavailable
from citecheck.sources.index import LOCATOR_BELOW, IndexFileError, LocalIndex, _marks, _record_from_json
from citecheck.sources.ranking import FTS_CANDIDATES, IndexText, QueryTerms, candidate_terms, rerank

BACKEND = "tantivy"
TANTIVY_SCHEMA_VERSION = 1
MARKER = "citecheck-index.json"
RECORDS = "records.sqlite"
TANTIVY_DIR = "tantivy"
COMMIT_EVERY = 50_000
"""Records per Tantivy + SQLite commit while loading: fewer, larger segments; memory is bounded by the
writer's heap (`WRITER_HEAP`), not by this."""
WRITER_HEAP = 256_000_000
MAX_WORD_TERMS = 32
COMMON_SHARE = 0.05
COMMON_MIN_DOCS = 5000
"""Words in more than this share of the records (and more than this many) are not searched for."""
MAX_GRAM_TERMS = 6
GRAM_BOOST = 0.3
"""Trigram hits count less than word hits: a word is one piece of evidence, its trigrams are many."""
UNKNOWN_MIN = 4
"""Words this long that no record has are looked up by their trigrams too (typos, glued words)."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LABEL_GLUED = re.compile(r"^\d+([^\W\d]{3,})$")
_WRAPPED = re.compile(r"^[a-z]?#(.+)#$")

_RANK_SCHEMA = """
CREATE TABLE IF NOT EXISTS rank_text (id INTEGER PRIMARY KEY, title TEXT NOT NULL, authors TEXT NOT NULL,
                                      numbers TEXT NOT NULL);
"""


def is_tantivy_index(path: Path) -> bool:
    """True when `path` is a directory holding a citecheck Tantivy index (its marker file)."""
    return path.is_dir() and (path / MARKER).is_file()


def _trigrams(text: str) -> list[str]:
    return [text[i : i + 3] for i in range(len(text) - 2)]


def index_words(it: IndexText) -> str:
    """The `words` field of a record: folded words of title, authors and container, plus its numbers."""
    words = [it.title, it.container.replace("|", " ")]
    words += [a for a in it.authors.split() if not a.startswith("#")]
    words += [m.group(1) for tok in it.numbers.split() if (m := _WRAPPED.match(tok))]
    return " ".join(words)


def index_grams(it: IndexText) -> str:
    """The `grams` field: distinct trigrams of the title with spaces removed (and of CJK family names)."""
    glued = it.title.replace(" ", "")
    grams = dict.fromkeys(_trigrams(glued))
    for name in it.authors.split():
        if _CJK.search(name) and not name.startswith("#"):
            grams.update(dict.fromkeys(_trigrams(name)))
    return " ".join(grams)


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=False, indexed=True, fast=True)
    sb.add_text_field("words", stored=False, tokenizer_name="ws", index_option="freq")
    sb.add_text_field("grams", stored=False, tokenizer_name="ws", index_option="basic")
    return sb.build()


def _open_tantivy(path: Path, create: bool) -> Any:
    import tantivy

    path.mkdir(parents=True, exist_ok=True) if create else None
    index = tantivy.Index(_schema(), path=str(path), reuse=True) if create else tantivy.Index.open(str(path))
    index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def check_tantivy_dir(root: Path) -> None:
    """`IndexFileError` unless `root` is a readable citecheck Tantivy index of this schema version."""
    try:
        meta = json.loads((root / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"{root}: unreadable index marker {MARKER} ({exc})") from None
    if meta.get("backend") != BACKEND or meta.get("schema_version") != TANTIVY_SCHEMA_VERSION:
        raise IndexFileError(f"{root}: index {meta.get('backend')} schema {meta.get('schema_version')}, this "
                             f"citecheck reads {BACKEND} {TANTIVY_SCHEMA_VERSION}; rebuild it with `citecheck index add`")
    if not (root / TANTIVY_DIR / "meta.json").is_file() or not (root / RECORDS).is_file():
        raise IndexFileError(f"{root}: incomplete Tantivy index (no {TANTIVY_DIR}/meta.json or {RECORDS}); "
                             "rebuild it with `citecheck index add --backend tantivy`")


class TantivyIndex(LocalIndex):
    """A `Source` over a Tantivy index directory; same answers' shape and re-rank as `LocalIndex`.

    Read-only opening (``--index DIR``) writes nothing, so any number of
    processes may share the files; one writer at a time (Tantivy's lock file).
    """

    commit_every = COMMIT_EVERY

    def __init__(self, path: str | os.PathLike[str], name: str = "index", *, read_only: bool = False) -> None:
        self.root = Path(path)
        self._writer: Any = None
        if read_only:
            check_tantivy_dir(self.root)
        elif self.root.exists() and (not self.root.is_dir() or any(self.root.iterdir())):
            if not is_tantivy_index(self.root):
                raise IndexFileError(f"{self.root}: exists and is not a citecheck Tantivy index; refusing to "
                                     "write into it")
            check_tantivy_dir(self.root)
        else:
            self.root.mkdir(parents=True, exist_ok=True)
        super().__init__(self.root / RECORDS, name=name, read_only=read_only)
        self._tantivy = _open_tantivy(self.root / TANTIVY_DIR, create=not read_only)
        self._searcher = self._tantivy.searcher()
        if not read_only:
            self._conn().executescript(_RANK_SCHEMA)
            (self.root / MARKER).write_text(json.dumps({"backend": BACKEND, "schema_version": TANTIVY_SCHEMA_VERSION}),
                                            encoding="utf-8")
            self._drop_uncommitted()

    # ------------------------------------------------------------ writing
    def _writer_(self) -> Any:
        if self._writer is None:
            self._writer = self._tantivy.writer(heap_size=WRITER_HEAP, num_threads=1)
        return self._writer

    def _drop_uncommitted(self) -> None:
        """Delete Tantivy rows with ids the store never committed (a crash between the two commits)."""
        import tantivy

        top = int(self._conn().execute("SELECT coalesce(max(id), 0) FROM works").fetchone()[0])
        stale = tantivy.Query.range_query(self._tantivy.schema, "id", tantivy.FieldType.Unsigned,
                                          lower_bound=top + 1, upper_bound=2**63)
        if self._searcher.search(stale, limit=1, count=True).count:
            writer = self._writer_()
            writer.delete_documents_by_query(stale)
            self._commit_tantivy()

    def _index_row(self, conn: sqlite3.Connection, rowid: int, it: IndexText, *, replaced: bool) -> None:
        import tantivy

        writer = self._writer_()
        if replaced:
            writer.delete_documents_by_term("id", rowid)
        doc = tantivy.Document()
        doc.add_unsigned("id", rowid)
        doc.add_text("words", index_words(it))
        doc.add_text("grams", index_grams(it))
        writer.add_document(doc)
        conn.execute("INSERT OR REPLACE INTO rank_text (id, title, authors, numbers) VALUES (?, ?, ?, ?)",
                     (rowid, it.title, it.authors, it.numbers))

    def _commit_tantivy(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._tantivy.reload()
            self._searcher = self._tantivy.searcher()

    def _before_commit(self) -> None:
        self._commit_tantivy()

    def _after_rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()

    def optimize(self) -> None:
        """Wait for Tantivy's background merges, so a finished load leaves few segments to search."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self._tantivy.reload()
            self._searcher = self._tantivy.searcher()
        conn = self._conn()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def refresh_stats(self) -> None:
        """Nothing to do: Tantivy keeps its own term statistics."""

    def close(self) -> None:
        if self._writer is not None:
            self.optimize()
        super().close()

    # ------------------------------------------------------------ search
    def search(self, query: str, rows: int = 5) -> list[Record]:
        try:
            return self._search(query, rows)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        except ValueError as exc:  # Tantivy reports damaged segments as ValueError
            raise SourceUnavailable(f"index {self.root} unreadable ({exc})") from None

    def _query(self, candidates: list[str]) -> Any:
        """One OR query over `ranking.candidate_terms`: words, short names and numbers on `words`; Chinese
        runs, and long words the index does not know (typos, glued words), as trigrams on `grams`."""
        import tantivy

        schema, searcher = self._tantivy.schema, self._searcher
        common = max(COMMON_MIN_DOCS, int(COMMON_SHARE * searcher.num_docs))
        words: list[str] = []
        grams: list[str] = []
        for term in candidates:
            wrapped = _WRAPPED.match(term)
            if _CJK.search(term) and not wrapped:
                grams.append(term)
                continue
            word = wrapped.group(1) if wrapped else term
            df = searcher.doc_freq("words", word)
            if df > common:  # "of", a frequent year: most of the search time, little evidence
                continue
            if df:
                words.append(word)
            elif len(word) >= UNKNOWN_MIN and not word.isdigit():
                glued = _LABEL_GLUED.match(word)  # "1japanese": a label glued to the first word
                if glued and searcher.doc_freq("words", glued.group(1)):
                    words.append(glued.group(1))
                else:
                    grams += _trigrams(word)
        subs = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "words", w, index_option="freq"))
                for w in words[:MAX_WORD_TERMS]]
        subs += [(tantivy.Occur.Should,
                  tantivy.Query.boost_query(tantivy.Query.term_query(schema, "grams", g, index_option="basic"),
                                            GRAM_BOOST))
                 for g in self._rarest(grams)]
        return tantivy.Query.boolean_query(subs) if subs else None

    def _rarest(self, grams: list[str]) -> list[str]:
        """The `MAX_GRAM_TERMS` rarest trigrams the index has: common ones (``ion``, ``ati``) hold postings
        of a large share of all records, cost most of the search time and say little."""
        df = {g: self._searcher.doc_freq("grams", g) for g in dict.fromkeys(grams)}
        return sorted((g for g, n in df.items() if n), key=df.__getitem__)[:MAX_GRAM_TERMS]

    def _search(self, query: str, rows: int = 5) -> list[Record]:
        """Best `rows` candidates, `Record.score` a 0..1 similarity: Tantivy's BM25 top hits re-ranked by
        `ranking.rerank`, plus the exact locator look-up of `LocalIndex` when none re-ranks well."""
        folded, candidates, numbers = candidate_terms(query)
        q = QueryTerms(folded=folded, tokens=frozenset(folded.split()), numbers=frozenset(numbers), terms=())
        tq = self._query(candidates)
        acc: dict[int, float] = {}
        if tq is not None:
            searcher = self._searcher
            hits = searcher.search(tq, limit=max(FTS_CANDIDATES, 2 * rows), count=False).hits
            ids = searcher.fast_field_values("id", [addr for _, addr in hits])
            acc = {int(i): float(s) for (s, _), i in zip(hits, ids, strict=True) if i is not None}
        pool = heapq.nlargest(len(acc), acc, key=acc.__getitem__)
        found = self._rank_rows(pool, acc)
        ranked = rerank(q, found)
        if not ranked or ranked[0][0] < LOCATOR_BELOW:
            extra = [k for k in self._locator_hits(q) if k not in acc]
            if extra:
                ranked = rerank(q, found + self._rank_rows(extra, acc))
        best = ranked[:rows]
        if not best:
            return []
        blobs = dict(self._conn().execute(f"SELECT id, record FROM works WHERE id IN ({_marks(best)})",
                                          [k for _, k in best]))
        return [_record_from_json(blobs[k], self.name, score) for score, k in best if k in blobs]

    def _rank_rows(self, keys: list[int], acc: dict[int, float]) -> list[tuple[int, str, str, str, float]]:
        if not keys:
            return []
        return [(r[0], r[1], r[2], r[3], acc.get(r[0], 0.0)) for r in self._conn().execute(
            f"SELECT id, title, authors, numbers FROM rank_text WHERE id IN ({_marks(keys)})", keys)]

    # ------------------------------------------------------------ facts
    def info(self) -> dict[str, Any]:
        out = super().info()
        size = sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())
        out.update(path=str(self.root), size_bytes=size, backend=BACKEND, tokenizer="words + title trigrams",
                   tantivy_segments=self._searcher.num_segments, schema_version=TANTIVY_SCHEMA_VERSION)
        return out
